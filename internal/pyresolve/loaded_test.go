package pyresolve

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// TestLoadedFilesOnceMatchesLoadedFiles: functions over one large layer package, some
// sharing its run (Result.bases) and some not, with own entries that overlap the
// run's (a standard module both import, a module of the package imported first, a
// lazy import before the eager one, a shadowing helper). Per function, with a walk of
// its own, LoadedFilesOnce visits exactly what LoadedFiles visits; over a walk of all
// of them, the union is LoadedFiles' union, and the package's files are visited through
// the shared run once.
func TestLoadedFilesOnceMatchesLoadedFiles(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.12")
	layer := &model.Layer{Name: "Big", Content: &model.Code{Tree: tree.NewMap("layer", bigLayer(300))}}
	codes := []map[string]string{
		{"app.py": "import big\n\ndef handler(e, c):\n    pass\n"},
		{"app.py": "import json\nimport big\n\ndef handler(e, c):\n    pass\n"},
		{"app.py": "import big.m7\nfrom big.sub import leaf\n\ndef handler(e, c):\n    pass\n"},
		{"app.py": "def handler(e, c):\n    import big.m3\n\nimport big\n"},
		{"app.py": "import big\nimport nowhere\nimport helper\n\ndef handler(e, c):\n    pass\n"},
		{"app.py": "import big\n\ndef handler(e, c):\n    pass\n", "helper.py": "VALUE = 2\n"},
		{"app.py": "import big\n\ndef handler(e, c):\n    pass\n", "json.py": "\n"},
	}
	lang := NewLang(nil)
	var views []*seamView
	for i, code := range codes {
		fn := &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
			Code: &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), code)}, Env: map[string]model.EnvVar{},
			Layers: []model.LayerRef{{Layer: layer}}}
		a, err := lang.Analyze(context.Background(), fn, rt)
		if err != nil {
			t.Fatal(err)
		}
		views = append(views, a.(*seamView))
	}
	collect := func(set map[string]int) func(tree.Tree, string, bool) {
		return func(tr tree.Tree, name string, installed bool) {
			set[fmt.Sprintf("%s installed=%v", tr.Display(name), installed)]++
		}
	}
	whole := 0
	allSlow, allOnce := map[string]int{}, map[string]int{}
	walk := map[any]bool{}
	for i, v := range views {
		slow, once := map[string]int{}, map[string]int{}
		resolve.LoadedFiles(v, collect(slow))
		resolve.LoadedFilesOnce(v, map[any]bool{}, collect(once))
		if a, b := slices.Sorted(maps.Keys(slow)), slices.Sorted(maps.Keys(once)); !slices.Equal(a, b) {
			t.Errorf("function %d: LoadedFilesOnce visits\n%q\nLoadedFiles\n%q", i, b, a)
		}
		if v.res.wholeBase(map[any]bool{}) != nil {
			whole++
		}
		resolve.LoadedFiles(v, collect(allSlow))
		resolve.LoadedFilesOnce(v, walk, collect(allOnce))
	}
	if a, b := slices.Sorted(maps.Keys(allSlow)), slices.Sorted(maps.Keys(allOnce)); !slices.Equal(a, b) {
		t.Errorf("over all functions, LoadedFilesOnce visits\n%q\nLoadedFiles\n%q", b, a)
	}
	// functions 0 to 4 share the package's run and take it whole (5 and 6 shadow what it imports)
	if whole < 5 {
		t.Errorf("%d functions take the shared run's files whole, want 5", whole)
	}
	// the package's 300 modules were visited for each of functions 0 to 4 by LoadedFiles,
	// for one of them by the walk
	sum := func(m map[string]int) (n int) {
		for _, c := range m {
			n += c
		}
		return n
	}
	if once, slow := sum(allOnce), sum(allSlow); once*2 > slow {
		t.Errorf("the walk visited %d files, LoadedFiles %d: the shared run's files are not visited once", once, slow)
	}
}

// TestModulesWhereMatchesModules: ModulesWhere yields, for every function, the modules
// of Modules that keep keeps (a shared run's filtered once per key, shadowed entries
// left out per function), asked twice and for functions with and without the run.
func TestModulesWhereMatchesModules(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.12")
	layer := &model.Layer{Name: "Big", Content: &model.Code{Tree: tree.NewMap("layer", bigLayer(300))}}
	codes := []map[string]string{
		{"app.py": "import big\n\ndef handler(e, c):\n    pass\n"},
		{"app.py": "import json\nimport big.m7\n\ndef handler(e, c):\n    import big.m5\n"},
		{"app.py": "import big\n\ndef handler(e, c):\n    pass\n", "helper.py": "VALUE = 2\n"},
	}
	type key struct{ suffix string }
	r := New()
	shared := 0
	for round := range 2 {
		for i, code := range codes {
			fn := &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
				Code: &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), code)}, Env: map[string]model.EnvVar{},
				Layers: []model.LayerRef{{Layer: layer}}}
			res := r.Analyze(r.NewEnv(fn, rt))
			if len(res.bases) > 0 {
				shared++
			}
			for _, suffix := range []string{"5", "json", "helper"} {
				keep := func(name string, m *Module) bool {
					return m != nil && len(name) >= len(suffix) && name[len(name)-len(suffix):] == suffix
				}
				var want, got []string
				for name, m := range res.Modules() {
					if keep(name, m) {
						want = append(want, name+" "+m.File)
					}
				}
				for name, m := range res.ModulesWhere(key{suffix}, keep) {
					got = append(got, name+" "+m.File)
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("round %d, function %d, names ending in %q: ModulesWhere %q, Modules %q", round, i, suffix, got, want)
				}
				if suffix == "5" && len(want) < 30 {
					t.Errorf("function %d: %d modules end in 5, want the package's 30 and more", i, len(want))
				}
			}
		}
	}
	if shared < 4 {
		t.Errorf("%d analyses share the package's run, want functions 0 and 1 in both rounds", shared)
	}
}

// fanOut analyses n functions that import a layer package of size modules (they share
// its run).
func fanOut(b *testing.B, n, size int) []*seamView {
	rt, _ := runtimes.Lookup("python3.12")
	layer := &model.Layer{Name: "Big", Content: &model.Code{Tree: tree.NewMap("layer", bigLayer(size))}}
	lang := NewLang(nil)
	views := make([]*seamView, n)
	for i := range views {
		fn := &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
			Code:   &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), map[string]string{"app.py": "import json\nimport big\n\ndef handler(e, c):\n    pass\n"})},
			Env:    map[string]model.EnvVar{},
			Layers: []model.LayerRef{{Layer: layer}}}
		a, err := lang.Analyze(context.Background(), fn, rt)
		if err != nil {
			b.Fatal(err)
		}
		views[i] = a.(*seamView)
	}
	return views
}

// BenchmarkLoadedFilesFanOut: check's walk of the files 50 functions load, each
// importing a 2,000-module layer package: every function's files (LoadedFiles, as
// before), and the shared run's once (LoadedFilesOnce).
func BenchmarkLoadedFilesFanOut(b *testing.B) {
	views := fanOut(b, 50, 2000)
	visit := func(tree.Tree, string, bool) {}
	b.Run("each", func(b *testing.B) {
		for b.Loop() {
			for _, v := range views {
				resolve.LoadedFiles(v, visit)
			}
		}
	})
	b.Run("once", func(b *testing.B) {
		for b.Loop() {
			seen := map[any]bool{}
			for _, v := range views {
				resolve.LoadedFilesOnce(v, seen, visit)
			}
		}
	})
}

// BenchmarkModulesWhereFanOut: a rule's filter over the modules of 50 functions that
// import a 2,000-module layer package: Modules filtered per function, and ModulesWhere
// (the shared run's modules filtered once per key; the first call fills it).
func BenchmarkModulesWhereFanOut(b *testing.B) {
	views := fanOut(b, 50, 2000)
	keep := func(name string, m *Module) bool { return m != nil && m.File == "" }
	type key struct{}
	b.Run("filter", func(b *testing.B) {
		for b.Loop() {
			for _, v := range views {
				for name, m := range v.res.Modules() {
					_ = keep(name, m)
				}
			}
		}
	})
	b.Run("where", func(b *testing.B) {
		for b.Loop() {
			for _, v := range views {
				for range v.res.ModulesWhere(key{}, keep) {
				}
			}
		}
	})
}
