package pyresolve

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// prefetchLayer is a layer whose package reaches its modules every way an import can
// name them: absolute and relative (one and two levels), a submodule taken by a
// from-import, a module-level import under a test the runtime decides, guarded and
// missing modules, an installed distribution (never scanned), and the site-packages
// folder beside python/.
var prefetchLayer = map[string]string{
	"python/lpkg/__init__.py":     "import json\nfrom lpkg import a\nfrom lpkg.b import B\nfrom . import c\nfrom .sub import deep\nimport dep\nimport other\n",
	"python/lpkg/a.py":            "import lpkg.b\nA = 1\n",
	"python/lpkg/b.py":            "from .c import C\nB = C\n",
	"python/lpkg/c.py":            "import sys\nif sys.version_info < (3,):\n    import py2only\nC = 1\n",
	"python/py2only.py":           "X = 1\n",
	"python/lpkg/sub/__init__.py": "",
	"python/lpkg/sub/deep.py":     "from .. import c\nfrom ..a import A\ntry:\n    import optional_missing\nexcept ImportError:\n    pass\nD = 1\n",
	"python/other.py":             "import nothere_at_all\n",
	"python/lib/python3.12/site-packages/dep/__init__.py":                 "from dep import inner\n",
	"python/lib/python3.12/site-packages/dep/inner.py":                    "I = 1\n",
	"python/lib/python3.12/site-packages/dep-1.0.dist-info/RECORD":        "dep/__init__.py,,\ndep/inner.py,,\n",
	"python/lib/python3.12/site-packages/dep-1.0.dist-info/top_level.txt": "dep\n",
	"python/lib/python3.12/site-packages/sitemod/__init__.py":             "from .part import P\n",
	"python/lib/python3.12/site-packages/sitemod/part.py":                 "P = 1\n",
}

// Scanning ahead decides only when a layer file is scanned, never what an analysis
// finds: with the prefetcher on, every function's analysis is what it is with it off,
// and the prefetcher has scanned the files the imports name and no file an installed
// distribution owns.
func TestPrefetchChangesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // workers even on one core
	rt, _ := runtimes.Lookup("python3.12")
	layer := &model.Layer{Name: "L", Content: &model.Code{Tree: tree.NewMap("layer", prefetchLayer)}}
	tasks := []string{
		"import lpkg\n\ndef handler(e, c):\n    pass\n",
		"from lpkg.sub import deep\nimport sitemod\n\ndef handler(e, c):\n    import other\n",
		"import dep\n\ndef handler(e, c):\n    pass\n",
	}
	fns := make([]*model.Function, len(tasks))
	for i, code := range tasks {
		fns[i] = &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
			Code: &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), map[string]string{"app.py": code})}, Env: map[string]model.EnvVar{},
			Layers: []model.LayerRef{{Layer: layer}}}
	}
	for round := range 20 { // the workers race the analyses differently each time
		on, off := New(), New()
		off.NoPrefetch = true
		got := make([]string, len(fns))
		var wg sync.WaitGroup
		for i, f := range fns {
			wg.Go(func() { got[i] = summary(on.Analyze(on.NewEnv(f, rt))) })
		}
		wg.Wait()
		for i, f := range fns {
			if want := summary(off.Analyze(off.NewEnv(f, rt))); got[i] != want {
				t.Fatalf("round %d, function %d: with the prefetcher\n%s\nwithout\n%s", round, i, got[i], want)
			}
		}
		on.pf.mu.Lock()
		var queued []string
		for k := range on.pf.queued {
			queued = append(queued, k.name)
		}
		on.pf.mu.Unlock()
		slices.Sort(queued)
		want := []string{
			"python/lib/python3.12/site-packages/sitemod/part.py",
			"python/lpkg/__init__.py", // already being scanned: no second scan (Resolver.layers)
			"python/lpkg/a.py", "python/lpkg/b.py", "python/lpkg/c.py",
			"python/lpkg/sub/__init__.py", "python/lpkg/sub/deep.py", "python/other.py",
			"python/py2only.py", // named by an import under a test the runtime decides false: a wasted scan, no finding
		}
		if !slices.Equal(queued, want) {
			t.Fatalf("round %d: prefetched\n%q\nwant\n%q", round, queued, want)
		}
	}
}

// With one core there is nothing to scan ahead on.
func TestPrefetchNeedsTwoCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	rt, _ := runtimes.Lookup("python3.12")
	r := New()
	f := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", map[string]string{"app.py": "import lpkg\n"})}, Env: map[string]model.EnvVar{},
		Layers: []model.LayerRef{{Layer: &model.Layer{Name: "L", Content: &model.Code{Tree: tree.NewMap("layer", prefetchLayer)}}}}}
	r.Analyze(r.NewEnv(f, rt))
	if n := len(r.pf.queued); n != 0 {
		t.Errorf("%d files queued on one core", n)
	}
}

func TestLayerRoot(t *testing.T) {
	for name, want := range map[string]string{
		"python/a.py":     "python/",
		"python/pkg/m.py": "python/",
		"python/lib/python3.12/site-packages/pkg/m.py":      "python/lib/python3.12/site-packages/",
		"python/lib/python3.12/site-packages/m.py":          "python/lib/python3.12/site-packages/",
		"python/lib/python3.12/x/site-packages/m.py":        "python/",
		"python/lib/python3.12/m.py":                        "python/",
		"nodejs/node_modules/x.js":                          "",
		"lib/python3.12/site-packages/pkg/m.py":             "",
		"python/lib/python3./site-packages/m.py":            "python/",
		"python/lib/python3.12/site-packages/site-packages": "python/lib/python3.12/site-packages/",
	} {
		got, ok := layerRoot(name)
		if got != want || ok != (want != "") {
			t.Errorf("layerRoot(%q) = %q, %t; want %q", name, got, ok, want)
		}
	}
}
