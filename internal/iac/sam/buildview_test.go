package sam

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/tree"
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

// TestSourceCopyReadDir: the copy's listing leaves out what sam build's copy does, in
// order, wherever the left-out names sit, and leaves the tree's own listing alone.
func TestSourceCopyReadDir(t *testing.T) {
	for _, files := range []map[string]string{
		{"app.py": "", "lib/x.py": "", "util.py": ""},                                          // nothing left out
		{"a.pyc": "", "app.py": "", "lib/x.py": "", "__pycache__/app.cpython-312.pyc": ""},     // first
		{"app.py": "", "lib/x.py": "", "mod.so": "", "util.py": "", "z.egg-info/PKG-INFO": ""}, // middle and last
	} {
		m := tree.NewMap("fn", files)
		before, err := m.ReadDir("")
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range before {
			if !Excluded(e.Name) {
				want = append(want, e.Name)
			}
		}
		got, err := SourceCopy(m).ReadDir("")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range got {
			names = append(names, e.Name)
		}
		if !slices.Equal(names, want) {
			t.Errorf("SourceCopy.ReadDir = %v, want %v", names, want)
		}
		if again, _ := m.ReadDir(""); !slices.Equal(again, before) {
			t.Errorf("the tree's own listing changed: %v, was %v", again, before)
		}
	}
}

// BenchmarkSourceCopyReadDir: a function folder's listing through sam build's copy,
// with nothing to leave out (as a rule) and with a compiled file to leave out.
func BenchmarkSourceCopyReadDir(b *testing.B) {
	for _, tc := range []struct {
		name  string
		extra string
	}{{"clean", ""}, {"excluded", "mod.so"}} {
		files := map[string]string{}
		for i := range 20 {
			files[fmt.Sprintf("m%02d.py", i)] = ""
		}
		if tc.extra != "" {
			files[tc.extra] = ""
		}
		dir := b.TempDir()
		iactest.WriteFiles(b, dir, files)
		d, err := tree.Dir(dir, "")
		if err != nil {
			b.Fatal(err)
		}
		s := SourceCopy(d)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ReadDir(""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
