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
	for name, m := range res.Imported {
		lines = append(lines, fmt.Sprintf("mod %s kind=%d entry=%d file=%s trusted=%t path=%d", name, m.Kind, m.Entry, m.Display(), m.Trusted, len(m.Path)))
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
		"python/pkg/__init__.py":                                              "from pkg.sub import VALUE\n",
		"python/pkg/sub.py":                                                   "import json\nVALUE = 1\n",
		"python/pkg/deep/__init__.py":                                         "",
		"python/pkg/deep/leaf.py":                                             "from ..sub import VALUE\n",
		"python/ns/inlayer.py":                                                "X = 1\n",
		"python/util.py":                                                      "import pkg\nHELP = 1\n",
		"python/lib/python3.12/site-packages/dep/__init__.py":                 "",
		"python/lib/python3.12/site-packages/dep-1.0.dist-info/RECORD":        "dep/__init__.py,,\n",
		"python/lib/python3.12/site-packages/dep-1.0.dist-info/top_level.txt": "dep\n",
	})}}
	app := "import pkg\nimport pkg.deep.leaf\nfrom pkg import sub\nimport ns.inlayer\nimport ns.intask\nfrom util import HELP\nimport dep\nimport json\n\ndef handler(e, c):\n    import missing_lazy\n"
	tasks := []map[string]string{
		{"app.py": app},
		{"app.py": app, "pkg/__init__.py": "X = 1\n"},                       // shadows the layer's package
		{"app.py": app, "ns/intask.py": "Y = 1\n"},                          // namespace portions merge
		{"app.py": app, "util.py": "HELP = 2\n", "ns/__init__.py": ""},      // module and regular package win
		{"app.py": app, "json.py": "\n", "dep.py": "\n"},                    // shadows the stdlib and a distribution
		{"app.py": app, "pkg/deep/__init__.py": "", "pkg/deep/leaf.py": ""}, // namespace-less shadow of a subpackage
	}
	fns := make([]*model.Function, len(tasks))
	for i, code := range tasks {
		fns[i] = &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
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
			got := summary(shared.Analyze(env))
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
	if a.Imported["pkg"] != b.Imported["pkg"] || !a.Imported["pkg"].shared {
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
