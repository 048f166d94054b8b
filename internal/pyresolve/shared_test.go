package pyresolve

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// summary renders what an analysis found, for comparing two analyses of one function.
func summary(res *Result) string {
	var lines []string
	for name, m := range res.Modules() {
		lines = append(lines, fmt.Sprintf("mod %s kind=%d entry=%d file=%s trusted=%t path=%d", name, m.Kind, m.Entry, m.Display(), m.Trusted, len(m.Path)))
	}
	for name, site := range res.Sites() {
		lines = append(lines, fmt.Sprintf("site %s from=%s line=%d lazy=%t chain=%v", name, site.From, site.Line, site.Lazy, res.Chain(name)))
	}
	for _, u := range res.Unfollowed {
		lines = append(lines, fmt.Sprintf("unfollowed %s:%d %s", u.File, u.Line, u.Text))
	}
	for _, p := range res.Problems {
		lines = append(lines, fmt.Sprintf("problem %d %s:%s line=%d lazy=%t partial=%t chain=%v", p.Failure, p.Missing, p.Name, p.Line, p.Lazy, p.Partial, p.Chain))
	}
	for _, s := range res.Shadows {
		var others []string
		for _, o := range s.Others {
			others = append(others, fmt.Sprintf("%d:%s", o.Entry, o.Module.Display()))
		}
		lines = append(lines, fmt.Sprintf("shadow %s winner=%s others=%v", s.Name, s.Winner.Display(), others))
	}
	lines = append(lines, fmt.Sprintf("handler %+v", res.Handler.Defined))
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// Functions that share layers share the lookups past /var/task (Resolver.sharedHits):
// analysing many functions with one Resolver must give each exactly what a Resolver of
// its own gives, whatever each function's package holds.
func TestSharedLookupsMatchFreshResolver(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.12")
	layer := &model.Layer{Name: "Shared", Content: &model.Code{Tree: tree.NewMap("layer", map[string]string{
		"python/pkg/__init__.py":      "from pkg.sub import VALUE\n",
		"python/pkg/sub.py":           "import json\nVALUE = 1\n",
		"python/pkg/deep/__init__.py": "",
		"python/pkg/deep/leaf.py":     "from ..sub import VALUE\n",
		"python/ns/inlayer.py":        "X = 1\n",
		"python/util.py":              "import pkg\nHELP = 1\n",
		// layer packages whose run the functions share (summary.go), and the
		// functions whose own state changes that run
		"python/lpkg/__init__.py": "import json\nimport os.path\nfrom lpkg import a\nfrom lpkg.b import B\nfrom . import c\n" +
			"try:\n    import optmod\nexcept ImportError:\n    optmod = None\nimport helper\nhelper.setup()\n" +
			"def f():\n    import lpkg.lazy\n    import dep\n",
		"python/lpkg/a.py":         "import lpkg.b\nA = 1\n",
		"python/lpkg/b.py":         "from .c import C\nB = C\n",
		"python/lpkg/c.py":         "C = 1\n",
		"python/lpkg/lazy.py":      "import missing_in_lazy\n",
		"python/helper.py":         "def setup():\n    import json\n    import lpkg.c\n",
		"python/bad/__init__.py":   "import nothere\n",
		"python/edits/__init__.py": "import sys\nsys.path.insert(0, '/opt/extra')\nimport extra_mod\n",
		"extra/extra_mod.py":       "X = 1\n",
		"python/lib/python3.12/site-packages/dep/__init__.py":                 "",
		"python/lib/python3.12/site-packages/dep-1.0.dist-info/RECORD":        "dep/__init__.py,,\n",
		"python/lib/python3.12/site-packages/dep-1.0.dist-info/top_level.txt": "dep\n",
	})}}
	lapp := "import lpkg\nfrom lpkg import b\nimport lpkg.a\n\ndef handler(e, c):\n    import lpkg.lazy\n"
	app := "import pkg\nimport pkg.deep.leaf\nfrom pkg import sub\nimport ns.inlayer\nimport ns.intask\nfrom util import HELP\nimport dep\nimport json\n\ndef handler(e, c):\n    import missing_lazy\n"
	tasks := []map[string]string{
		{"app.py": app},
		{"app.py": app, "pkg/__init__.py": "X = 1\n"},                       // shadows the layer's package
		{"app.py": app, "ns/intask.py": "Y = 1\n"},                          // namespace portions merge
		{"app.py": app, "util.py": "HELP = 2\n", "ns/__init__.py": ""},      // module and regular package win
		{"app.py": app, "json.py": "\n", "dep.py": "\n"},                    // shadows the stdlib and a distribution
		{"app.py": app, "pkg/deep/__init__.py": "", "pkg/deep/leaf.py": ""}, // namespace-less shadow of a subpackage
		{"app.py": lapp}, // the layer package's run, shared
		{"app.py": "import json\nimport dep\n" + lapp},                                                    // inert modules imported before
		{"app.py": "import helper\n" + lapp},                                                              // a module of the run imported before
		{"app.py": lapp, "optmod.py": "X = 1\n"},                                                          // the package finds its optional module here
		{"app.py": lapp, "helper.py": "def setup():\n    pass\n"},                                         // ... and this module of its run
		{"app.py": "import sys\nsys.path.insert(0, '/var/task/vendor')\n" + lapp, "vendor/optmod.py": ""}, // edits sys.path first
		{"app.py": "from lpkg.c import C\n" + lapp},                                                       // a module of the package imported first
		{"app.py": "import lpkg.lazy\n" + lapp},                                                           // a lazy module made eager
		{"app.py": "import bad\nimport edits\n" + lapp},                                                   // runs that are not summarized
		{"app.py": "def handler(e, c):\n    import lpkg\n"},                                               // a lazy import of the package
		{"lpkg/app.py": "X = 1\n"},                                                                        // the handler module in the package
	}
	// how many shared modules' runs a function copies (summary.go): where the function's
	// own state would change the run, none
	copied := map[int]int{6: 1, 7: 1, 9: 0, 10: 0, 11: 0, 14: 0, 16: 0}
	fns := make([]*model.Function, len(tasks))
	for i, code := range tasks {
		handler := "app.handler"
		if _, ok := code["lpkg/app.py"]; ok {
			handler = "lpkg.app.handler"
		}
		fns[i] = &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: handler, Arch: "x86_64",
			Code: &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), code)}, Env: map[string]model.EnvVar{},
			Layers: []model.LayerRef{{Layer: layer}}}
	}
	shared := New()
	for round := 0; round < 2; round++ { // the second round is all cache hits
		for i, f := range fns {
			env := shared.NewEnv(f, rt)
			if env.sharedKey == "" {
				t.Fatalf("function %d: no shared key", i)
			}
			res := shared.Analyze(env)
			got := summary(res)
			if want, ok := copied[i]; ok && res.replayed != want {
				t.Errorf("round %d, function %d: %d shared runs copied, want %d", round, i, res.replayed, want)
			}
			fresh := New()
			alone := fresh.NewEnv(f, rt)
			alone.sharedKey = "" // every lookup along the whole path, as before sharing
			want := summary(fresh.Analyze(alone))
			if got != want {
				t.Errorf("round %d, function %d: shared lookups say\n%s\nlookups of its own say\n%s", round, i, got, want)
			}
		}
	}
	// The cache is in use: the layer's package is one module for every function that
	// does not shadow it.
	a := shared.Analyze(shared.NewEnv(fns[0], rt))
	b := shared.Analyze(shared.NewEnv(fns[2], rt))
	if a.Module("pkg") != b.Module("pkg") || !a.Module("pkg").shared {
		t.Errorf("functions with the same layers do not share the layer's modules")
	}
}

// A .pth file or PYTHONPATH makes the entries depend on the function: no sharing.
func TestNoSharingWhenPathDependsOnFunction(t *testing.T) {
	env, _ := fn(t, "python3.12", map[string]string{"app.py": ""}, map[string]string{"python/x.pth": "vendor\n", "python/vendor/v.py": ""})
	if env.sharedKey != "" {
		t.Errorf("with a .pth file: shared key %q", env.sharedKey)
	}
	rt, _ := runtimes.Lookup("python3.12")
	f := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", map[string]string{"app.py": ""})},
		Env:  map[string]model.EnvVar{"PYTHONPATH": {Value: "/var/task/lib"}}}
	if e := New().NewEnv(f, rt); e.sharedKey != "" {
		t.Errorf("with PYTHONPATH: shared key %q", e.sharedKey)
	}
}
