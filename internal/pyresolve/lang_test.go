package pyresolve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// TestLangSeam checks what Python's resolver says through the language seam: where
// each import resolves (function, layer i, runtime), why one does not, the handler,
// the search path with its PYTHONPATH override, and shadowing.
func TestLangSeam(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.12")
	fn := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", map[string]string{
			"app.py":    "import json\nimport local\nimport inlayer\nimport missing\nfrom local import nope\nimport shared\ndef handler(e, c): pass\n",
			"local.py":  "",
			"shared.py": "",
		})}}
	fn.Layers = []model.LayerRef{
		{Layer: &model.Layer{Name: "A", Content: &model.Code{Tree: tree.NewMap("a", map[string]string{"python/other.py": ""})}}},
		{Layer: &model.Layer{Name: "B", Content: &model.Code{Tree: tree.NewMap("b", map[string]string{"python/inlayer.py": "", "python/shared.py": ""})}}},
	}
	var r resolve.Resolver = NewLang(nil)
	if r.Language() != rt.Language {
		t.Fatalf("Language() = %q, the catalogue says %q", r.Language(), rt.Language)
	}
	a, err := r.Analyze(context.Background(), fn, rt)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]resolve.Import{}
	for _, imp := range a.Imports() {
		got[imp.Module+"/"+imp.Name] = imp
	}
	for _, tc := range []struct {
		key     string
		place   resolve.Place
		layer   int
		failure resolve.Failure
		err     string
		line    int
	}{
		{"json/", resolve.Builtin, -1, resolve.Resolved, "", 1},
		{"local/", resolve.Function, -1, resolve.Resolved, "", 2},
		{"inlayer/", resolve.Layer, 1, resolve.Resolved, "", 3},
		{"missing/", resolve.Nowhere, -1, resolve.NotFound, "No module named 'missing'", 4},
		{"local/nope", resolve.Function, -1, resolve.NameMissing, "cannot import name 'nope' from 'local'", 5},
	} {
		imp, ok := got[tc.key]
		if !ok {
			t.Errorf("%s: not among the imports %v", tc.key, got)
			continue
		}
		place, layer := resolve.Nowhere, -1
		if imp.Found != nil {
			place, layer = imp.Found.Place, imp.Found.Layer
		}
		if place != tc.place || layer != tc.layer || imp.Failure != tc.failure || imp.Error != tc.err || imp.At.Line != tc.line {
			t.Errorf("%s: place %v layer %d failure %v error %q line %d; want %v %d %v %q %d",
				tc.key, place, layer, imp.Failure, imp.Error, imp.At.Line, tc.place, tc.layer, tc.failure, tc.err, tc.line)
		}
		if imp.At.Model().File != "src/app.py" {
			t.Errorf("%s: at %v, want src/app.py", tc.key, imp.At.Model())
		}
	}
	h := a.Handler()
	if h.Module != "app" || h.Attr != "handler" || h.Found == nil || h.Found.Place != resolve.Function || h.Defined != 1 || h.Error != "" {
		t.Errorf("handler: %+v", h)
	}
	sh := a.Shadows()
	if len(sh) != 1 || sh[0].Name != "shared" || sh[0].Winner.Place != resolve.Function ||
		len(sh[0].Others) != 1 || sh[0].Others[0].Place != resolve.Layer || sh[0].Others[0].Layer != 1 {
		t.Errorf("shadows: %+v", sh)
	}
	sp := a.SearchPath()
	if sp.Var != "PYTHONPATH" || sp.Override != nil || len(sp.Entries) == 0 || sp.Entries[0].Path != "/var/task" || sp.Entries[0].Place != resolve.Function {
		t.Errorf("search path: %+v", sp)
	}
	if _, ok := a.Detail().(*Result); !ok {
		t.Errorf("Detail() is %T, want *Result", a.Detail())
	}

	// PYTHONPATH replaces the layer folders: the layer's module is not found.
	fn.Env = map[string]model.EnvVar{"PYTHONPATH": {Value: "/var/task/vendor"}}
	a, err = r.Analyze(context.Background(), fn, rt)
	if err != nil {
		t.Fatal(err)
	}
	sp = a.SearchPath()
	if sp.Override == nil || sp.Override.Value != "/var/task/vendor" {
		t.Errorf("override: %+v", sp.Override)
	}
	for _, e := range sp.Entries {
		if e.Place == resolve.Layer {
			t.Errorf("PYTHONPATH set, yet a layer entry %s", e.Path)
		}
	}
	notFound := false
	for _, imp := range a.Imports() {
		if imp.Module == "inlayer" && imp.Failure == resolve.NotFound {
			notFound = true
		}
	}
	if !notFound {
		t.Errorf("PYTHONPATH set: inlayer still resolves")
	}

	// A broken handler.
	fn.Env, fn.Handler = nil, "nothere.handler"
	a, _ = r.Analyze(context.Background(), fn, rt)
	if h := a.Handler(); h.Found != nil || h.Error != "Runtime.ImportModuleError: Unable to import module 'nothere': No module named 'nothere'" {
		t.Errorf("missing handler module: %+v", h)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Analyze(ctx, fn, rt); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

// plainView hides the shortcuts a seam view has (Failed, LoadedFiles), so that
// resolve's generic versions, built from Imports and Handler, run on it.
type plainView struct{ resolve.Analysis }

// TestSeamShortcutsMatchImports checks that Python's Failed and LoadedFiles, which
// read the result's maps instead of building every Import, say what resolve's
// generic versions say from Imports: the same failures in the same order, the same
// files with the same installed flag.
func TestSeamShortcutsMatchImports(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.12")
	fn := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "pkg.app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", map[string]string{
			"pkg/__init__.py": "",
			"pkg/app.py": "import json\nimport local\nimport inlayer\nimport missing\nfrom local import nope\nimport nspkg.mod\n" +
				"import fast\nimport dist\nfrom . import sib\nfrom .. import beyond\ndef handler(e, c):\n    import lazy_missing\n",
			"pkg/sib.py":                           "from inlayer import also_missing\n",
			"local.py":                             "",
			"nspkg/mod.py":                         "import inlayer\n",
			"fast.cpython-312-x86_64-linux-gnu.so": "\x7fELF",
		})}}
	fn.Layers = []model.LayerRef{
		{Layer: &model.Layer{Name: "B", Content: &model.Code{Tree: tree.NewMap("b", map[string]string{
			"python/inlayer.py":                       "import os\n",
			"python/dist/__init__.py":                 "",
			"python/dist-1.0.dist-info/METADATA":      "Metadata-Version: 2.1\nName: dist\nVersion: 1.0\n",
			"python/dist-1.0.dist-info/RECORD":        "dist/__init__.py,,\ndist-1.0.dist-info/METADATA,,\n",
			"python/dist-1.0.dist-info/top_level.txt": "dist\n",
		})}}},
	}
	a, err := NewLang(nil).Analyze(context.Background(), fn, rt)
	if err != nil {
		t.Fatal(err)
	}
	key := func(imps []resolve.Import) []string {
		var out []string
		for _, imp := range imps {
			out = append(out, fmt.Sprintf("%s/%s %v %s:%d", imp.Module, imp.Name, imp.Failure, imp.At.File, imp.At.Line))
		}
		return out
	}
	fast, slow := key(resolve.Failed(a)), key(resolve.Failed(plainView{a}))
	if !slices.Equal(fast, slow) {
		t.Errorf("Failed:\n%q\nfrom Imports:\n%q", fast, slow)
	}
	if len(fast) < 4 {
		t.Errorf("Failed: %q, want the fixture's failures (missing, nope, beyond, also_missing, lazy_missing)", fast)
	}
	files := func(a resolve.Analysis) []string {
		set := map[string]bool{}
		resolve.LoadedFiles(a, func(tr tree.Tree, name string, installed bool) {
			set[fmt.Sprintf("%s installed=%v", tr.Display(name), installed)] = true
		})
		return slices.Sorted(maps.Keys(set))
	}
	fastF, slowF := files(a), files(plainView{a})
	t.Logf("files: %q; failed: %q", fastF, fast)
	if !slices.Equal(fastF, slowF) {
		t.Errorf("LoadedFiles:\n%q\nfrom Imports:\n%q", fastF, slowF)
	}
	for _, want := range []string{"pkg/app.py", "pkg/sib.py", "local.py", "nspkg/mod.py", "inlayer.py"} {
		if !slices.ContainsFunc(fastF, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("LoadedFiles %q: no %s", fastF, want)
		}
	}
}

// Every failure a Problem can have is one the seam names (a new Failure needs its case in
// failureOf, or rules asking with FailedWith never see it).
func TestFailureOfEveryFailure(t *testing.T) {
	for f := NoModule; f <= NamespaceAttr; f++ {
		if failureOf(f) == resolve.Resolved {
			t.Errorf("failureOf(%d) = Resolved", f)
		}
	}
}
