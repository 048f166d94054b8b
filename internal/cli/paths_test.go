package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRelocator: finding paths move from the checked folder to another base; a zip
// member is split off only where the part before a ':' is a file; a file whose name has
// a ':' stays whole.
func TestRelocator(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "repo", "infra")
	for _, f := range []string{"src/app.py", "build/fn.zip", "odd:name.py"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	archives := map[string]bool{}
	r := newRelocator(root, filepath.Join(dir, "repo"), archives)
	for in, want := range map[string]string{
		"src/app.py":                 "infra/src/app.py",
		"build/fn.zip:app.py":        "infra/build/fn.zip:app.py",
		"build/fn.zip:pkg/a:b.py":    "infra/build/fn.zip:pkg/a:b.py",
		"odd:name.py":                "infra/odd:name.py",
		"missing/x.py":               "infra/missing/x.py",
		"../shared/lib.py":           "shared/lib.py",
		filepath.Join(dir, "o.py"):   "../o.py",
		"":                           "",
		"arn:aws:lambda:x:1:layer:L": "arn:aws:lambda:x:1:layer:L",
	} {
		if got := r.path(in); got != want {
			t.Errorf("path(%q) = %q, want %q", in, got, want)
		}
	}
	if len(archives) != 1 || !archives["infra/build/fn.zip"] {
		t.Errorf("archives = %v", archives)
	}
	if got := repoRoot(root); got != "" {
		t.Errorf("repoRoot without .git = %q", got)
	}
	os.Mkdir(filepath.Join(dir, "repo", ".git"), 0o755)
	if got := repoRoot(filepath.Join(root, "src")); got != filepath.Join(dir, "repo") {
		t.Errorf("repoRoot = %q", got)
	}
}
