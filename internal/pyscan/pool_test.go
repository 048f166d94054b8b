package pyscan

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// poolSources are files whose scans use every scratch buffer a pooled scanner keeps:
// calls at import time into this module and others, tries, ifs, imports of every kind.
var poolSources = []string{
	"import os\nimport a.b as ab\nfrom x import y as z, w\n\ndef setup():\n    import inner\n    ab.run()\n    z()\n\nclass C:\n    def __init__(self):\n        import in_init\n\ntry:\n    import opt\nexcept ImportError:\n    opt = None\nelse:\n    import after\nfinally:\n    import fin\n\nif TYPE_CHECKING:\n    import tc\nelif sys.version_info >= (3, 12):\n    import new\nelse:\n    import old\n\nsetup()\nC()\nPY2 = sys.version_info[0] == 2\n__all__ = ['C', 'setup']\n",
	"from importlib import import_module\nmod = import_module('dyn.mod')\nsys.path.insert(0, os.path.dirname(__file__))\nimport later\n\ndef f():\n    import g\n    h()\n\ndef h():\n    from . import sibling\n\nf()\nfor i in range(3):\n    import looped\ndel later\n",
	"x = 1\n",
	"",
	"def lazy():\n    import only_lazy\n",
	// names the first source binds by import, used here unbound
	"import q\nab.X\nz.Y\nab.run()\nz()\nw.f()\n",
	// and the functions it defines, called here undefined
	"def other():\n    import o\n\ndef more():\n    import m\n\nsetup()\nC()\nother()\n",
}

// TestScanPoolReuse scans the same files in two orders: a scanner taken from the pool
// reuses the buffers of whatever file it scanned before, and no result may depend on it.
func TestScanPoolReuse(t *testing.T) {
	srcs := slices.Clone(poolSources)
	if b, err := os.ReadFile(filepath.Join("testdata", "golden.py")); err == nil {
		srcs = append(srcs, string(b))
	}
	for _, m := range smallModules(8) {
		srcs = append(srcs, string(m))
	}
	srcs = append(srcs, strings.Repeat(poolSources[0], 40))
	first := make([]*File, len(srcs))
	for i, s := range srcs {
		first[i] = Scan([]byte(s))
	}
	for round := range 3 {
		for j := range srcs {
			i := len(srcs) - 1 - j
			if round == 1 {
				i = (j * 7) % len(srcs)
			}
			if got := Scan([]byte(srcs[i])); !reflect.DeepEqual(got, first[i]) {
				t.Fatalf("round %d: source %d scans differently after other scans:\n%s", round, i, srcs[i])
			}
		}
	}
}
