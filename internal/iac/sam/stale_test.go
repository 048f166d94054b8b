package sam

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCompareFolder: content decides, not mtime; what sam build leaves out of the copy
// is not "added"; what pip installed is not "removed"; identical files are named after
// their source.
func TestCompareFolder(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"src/app.py":                          "import x\n",
		"src/same.py":                         "A = 1\n",
		"src/pkg/mod.py":                      "B = 2\n",
		"src/__pycache__/app.cpython-312.pyc": "bytecode",
		"src/.venv/lib/x.py":                  "venv",
		"src/tests/test_app.py":               "new test\n",
		"build/app.py":                        "import y\n",
		"build/same.py":                       "A = 1\n",
		"build/pkg/mod.py":                    "B = 2\n",
		"build/gone.py":                       "old\n",
		"build/yaml/__init__.py":              "",
		"build/yaml/_yaml.so":                 "ELF",
		"build/PyYAML-6.0.dist-info/RECORD":   "yaml/__init__.py,sha256=a,1\nyaml/_yaml.so,sha256=b,2\nPyYAML-6.0.dist-info/RECORD,,\n",
		"build/bin/tool":                      "#!/bin/sh\n",
	})
	// The same mtime everywhere: only content can tell.
	d := compareFolder(iac.Limits{}, root, filepath.Join(root, "src"), filepath.Join(root, "build"), "")
	if d == nil {
		t.Fatal("nil diff")
	}
	if !slices.Equal(d.changed, []string{"app.py"}) || !slices.Equal(d.added, []string{"tests/test_app.py"}) || !slices.Equal(d.removed, []string{"gone.py"}) {
		t.Errorf("changed %q added %q removed %q; want [app.py] [tests/test_app.py] [gone.py]", d.changed, d.added, d.removed)
	}
	if d.same["same.py"] != "src/same.py" || d.same["pkg/mod.py"] != "src/pkg/mod.py" || d.same["app.py"] != "" {
		t.Errorf("same = %v", d.same)
	}
	if _, ok := d.same[""]; ok {
		t.Errorf("a stale package is named after its source: %v", d.same)
	}
	msg := d.message("Fn", "build", "src")
	for _, want := range []string{"changed: app.py", "added: tests/test_app.py", "removed: gone.py", "sam build"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	named := d.named(nil)
	if named == nil {
		t.Fatal("named(nil) with same files is nil")
	}

	// A layer: the copy is under python/; an up-to-date copy names nothing stale.
	write(t, root, map[string]string{
		"layer/util.py":                             "U = 1\n",
		"lbuild/python/util.py":                     "U = 1\n",
		"lbuild/python/six.py":                      "",
		"lbuild/python/six-1.16.0.dist-info/RECORD": "six.py,,\n",
	})
	d = compareFolder(iac.Limits{}, root, filepath.Join(root, "layer"), filepath.Join(root, "lbuild"), "python")
	if d == nil || d.stale() || d.same["python/util.py"] != "layer/util.py" {
		t.Errorf("layer diff %+v", d)
	}
}

// TestCompareFolderMessageBounded: a long list is cut, with a count of the rest.
func TestCompareFolderMessageBounded(t *testing.T) {
	d := &diff{changed: []string{"a", "b", "c", "d", "e", "f", "g"}}
	msg := d.message("Fn", "build", "src")
	if !strings.Contains(msg, "changed: a, b, c, d, e and 2 more") {
		t.Errorf("message %q", msg)
	}
}
