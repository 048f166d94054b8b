package pyscan

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// attrStoreCases: sources, with the attribute names File.AttrStores must hold (in any
// order), and whether File.SetsAttrs is set.
var attrStoreCases = []struct {
	name, src string
	stores    []string
	sets      bool
}{
	{"read only", "import m\nx = m.X\nprint(m.Y)\nif m.Z == 1:\n    pass\n", nil, false},
	{"assignment", "import m\nm.X = 1\n", []string{"X"}, false},
	{"chained", "import m\nm.X = m.Y = 2\n", []string{"X", "Y"}, false},
	{"value not a target", "import m\nx = m.Y\nf(a=m.Z)\n", nil, false},
	{"augmented", "import m\nm.X += 1\n", []string{"X"}, false},
	{"annotated with value", "import m\nm.X: int = 1\n", []string{"X"}, false},
	{"annotated without value", "import m\nm.X: int\n", nil, false},
	{"tuple target", "import m\nm.X, y = 1, 2\n", []string{"X"}, false},
	{"nested target", "a.b.c.X = 1\n", []string{"X", "b", "c"}, false},
	{"in a function", "def f():\n    m.X = 1\n", []string{"X"}, false},
	{"self and cls", "class A:\n    def f(self):\n        self.X = 1\n    @classmethod\n    def g(cls):\n        cls.Y = 2\n", nil, false},
	{"attribute of self", "class A:\n    def f(self):\n        self.m.X = 1\n", []string{"X"}, false},
	{"for target", "for m.X in range(3):\n    pass\n", []string{"X"}, false},
	{"comprehension target", "y = [1 for m.X in range(3)]\n", []string{"X"}, false},
	{"with as", "with open(p) as m.X:\n    pass\n", []string{"X"}, false},
	{"subscript key", "d[m.K] = 1\n", []string{"K"}, false},
	{"setattr", "setattr(m, 'X', 1)\n", nil, true},
	{"setattr name only", "f = setattr\n", nil, false},
	{"dict", "m.__dict__['X'] = 1\n", nil, true},
	{"vars", "vars(m)['X'] = 1\n", nil, true},
	{"sys.modules", "import sys\nsys.modules['a.b'] = obj\n", nil, true},
	{"exec", "exec('m.X = 1')\n", nil, true},
	{"in a string", "x = 'm.X = 1'\n# m.Y = 2\n", nil, false},
}

func TestAttrStores(t *testing.T) {
	for _, tc := range attrStoreCases {
		t.Run(tc.name, func(t *testing.T) {
			f := Scan([]byte(tc.src))
			got := slices.Sorted(slices.Values(f.AttrStores))
			want := slices.Sorted(slices.Values(tc.stores))
			if f.SetsAttrs != tc.sets || !tc.sets && !slices.Equal(got, want) {
				t.Errorf("source:\n%s\nAttrStores %q SetsAttrs %v, want %q %v", tc.src, got, f.SetsAttrs, want, tc.sets)
			}
		})
	}
}

func TestAttrStoresBounded(t *testing.T) {
	var b strings.Builder
	for i := range maxAttrStores + 1 {
		b.WriteString("m.X" + strings.Repeat("x", i) + " = 1\n")
	}
	f := Scan([]byte(b.String()))
	if len(f.AttrStores) > maxAttrStores || !f.SetsAttrs {
		t.Errorf("%d stores: AttrStores has %d, SetsAttrs %v; want at most %d and true", maxAttrStores+1, len(f.AttrStores), f.SetsAttrs, maxAttrStores)
	}
}

// attrOracle prints, for each file named on stdin, the attribute names Python's ast
// says it assigns (an Attribute in a Store context, the receiver not a bare self or
// cls; a bare annotation `a.X: int` assigns nothing).
const attrOracle = `
import ast, json, sys
out = {}
for p in sys.stdin.read().split("\n"):
    if not p:
        continue
    try:
        tree = ast.parse(open(p, "rb").read())
    except Exception:
        continue
    bare = {id(n.target) for n in ast.walk(tree) if isinstance(n, ast.AnnAssign) and n.value is None}
    names = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and id(n) not in bare:
            if isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"):
                continue
            names.add(n.attr)
    out[p] = sorted(names)
print(json.dumps(out))
`

// TestAttrStoresPython checks File.AttrStores against Python's ast: every attribute a
// file assigns is noted (or SetsAttrs is set), on the cases above and, unless -short, on
// the local standard library. Noting more is allowed (it only makes a caller more
// careful); missing one is not.
func TestAttrStoresPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skipf("python3: %v", err)
	}
	dir := t.TempDir()
	var files []string
	for _, tc := range attrStoreCases {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".py")
		if err := os.WriteFile(p, []byte(tc.src), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	if _, err := os.Stat(stdlibDir); err == nil && !testing.Short() {
		_ = filepath.WalkDir(stdlibDir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") && !strings.Contains(p, "site-packages") {
				files = append(files, p)
			}
			return nil
		})
	}
	cmd := exec.Command(py, "-c", attrOracle)
	cmd.Stdin = strings.NewReader(strings.Join(files, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want map[string][]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	checked, stores := 0, 0
	for p, names := range want {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := Scan(src)
		checked++
		stores += len(names)
		if f.SetsAttrs {
			continue
		}
		for _, n := range names {
			if !slices.Contains(f.AttrStores, n) {
				t.Errorf("%s: Python assigns attribute %s; AttrStores %q misses it", p, n, f.AttrStores)
			}
		}
	}
	if checked < len(attrStoreCases) {
		t.Errorf("python parsed %d files, want at least %d", checked, len(attrStoreCases))
	}
	t.Logf("%d files, %d attribute names Python assigns", checked, stores)
}
