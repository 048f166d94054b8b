package sam

import (
	"path"
	"strings"
	"testing"
)

// Excluded must say what fnmatch of excludedFiles says: the fast split into names and
// suffixes holds only while every pattern is a literal or "*" plus a literal.
func TestExcludedMatchesPatterns(t *testing.T) {
	for _, p := range excludedFiles {
		if strings.ContainsAny(strings.TrimPrefix(p, "*"), `*?[\`) {
			t.Fatalf("pattern %q is neither a name nor *suffix: Excluded needs path.Match again", p)
		}
	}
	names := []string{"app.py", "x.pyc", ".pyc", "mod.so", "lib.so.1", "__pycache__", "pkg.egg-info", "a.egg",
		"eggs", ".git", ".github", "env", "envs", ".env", "venv", ".venv2", "ENV", "Env", "requirements.txt", ""}
	names = append(names, excludedFiles...)
	for _, n := range names {
		want := false
		for _, p := range excludedFiles {
			if ok, _ := path.Match(p, n); ok {
				want = true
			}
		}
		if got := Excluded(n); got != want {
			t.Errorf("Excluded(%q) = %v, path.Match says %v", n, got, want)
		}
	}
}
