package sam

import (
	"path"
	"testing"
)

// TestExcludedIsFnmatch: Excluded agrees with path.Match over EXCLUDED_FILES.
func TestExcludedIsFnmatch(t *testing.T) {
	names := []string{"app.py", "requirements.txt", ".git", "git", ".gitignore", "x.pyc", ".pyc", "pyc",
		"__pycache__", "__pycache__x", "a.so", "a.so.1", "_x.cpython-311-x86_64-linux-gnu.so", "pkg.egg-info",
		"pkg.egg", "pkg.eggs", "env", "ENV", "Env", ".env", ".venv", "venv", "venv.bak", ".idea", "", "*.pyc"}
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
