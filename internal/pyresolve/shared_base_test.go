package pyresolve

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// bigLayer is a layer package of more than 256 modules, whose run a function's result
// refers to instead of copying it (summary.go adopt, Result.bases), and a module of
// the layer it imports by top-level name (helper), which a function's own package
// can shadow.
func bigLayer(n int) map[string]string {
	files := map[string]string{
		"python/helper.py":           "VALUE = 1\n",
		"python/big/lazyuser.py":     "def f():\n    import big.m5\n",
		"python/big/sub/__init__.py": "from big.sub import leaf\n",
		"python/big/sub/leaf.py":     "import json\n",
	}
	var init strings.Builder
	for i := range n {
		fmt.Fprintf(&init, "from big import m%d\n", i)
		files[fmt.Sprintf("python/big/m%d.py", i)] = fmt.Sprintf("import json\nX = %d\n", i)
	}
	init.WriteString("import big.lazyuser\nimport big.sub\nfrom helper import VALUE\n")
	files["python/big/__init__.py"] = init.String()
	return files
}

// TestSharedBaseMatchesFreshAndPython: functions that import a large layer package
// share one copy of its run (Result.bases); each must get what an analysis of its own
// gets, and what python3 does with the same files — in particular a function whose
// own package shadows a module the layer package imports (helper.py in /var/task) must
// not be given the layer's run: Python imports the function's helper, and fails when it
// lacks the name the layer imports from it.
func TestSharedBaseMatchesFreshAndPython(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.12")
	layerFiles := bigLayer(300)
	layer := &model.Layer{Name: "Big", Content: &model.Code{Tree: tree.NewMap("layer", layerFiles)}}
	plain := "import big\n\ndef handler(e, c):\n    pass\n"
	tasks := []struct {
		code map[string]string
		base bool   // shares the layer package's run
		fail string // what python3 says, "" when the import succeeds
	}{
		{map[string]string{"app.py": plain}, true, ""},
		// its own helper lacks VALUE: Python fails in the layer's package
		{map[string]string{"app.py": plain, "helper.py": "OTHER = 1\n"}, false, "cannot import name 'VALUE' from 'helper'"},
		// its own helper has VALUE: Python loads it, not the layer's
		{map[string]string{"app.py": plain, "helper.py": "VALUE = 2\n"}, false, ""},
		// its own json shadows the standard library module the package's modules import
		{map[string]string{"app.py": plain, "json.py": "\n"}, false, ""},
		// a lazy import of a module of the package, then the package: the eager site wins
		{map[string]string{"app.py": "def handler(e, c):\n    import big.m3\n\nimport big\n"}, true, ""},
		// a module of the package first (its parent runs first, and is copied)
		{map[string]string{"app.py": "import big.m7\nfrom big.sub import leaf\n\ndef handler(e, c):\n    pass\n"}, true, ""},
		// a missing module beside the shared one
		{map[string]string{"app.py": "import big\nimport nowhere\n\ndef handler(e, c):\n    pass\n"}, true, "No module named 'nowhere'"},
	}
	fns := make([]*model.Function, len(tasks))
	for i, tc := range tasks {
		fns[i] = &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
			Code: &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), tc.code)}, Env: map[string]model.EnvVar{},
			Layers: []model.LayerRef{{Layer: layer}}}
	}
	shared := New()
	results := make([]*Result, len(fns))
	for round := range 2 {
		for i, f := range fns {
			res := shared.Analyze(shared.NewEnv(f, rt))
			results[i] = res
			if got := len(res.bases) == 1 && len(res.bases[0].mods) > 256; got != tasks[i].base {
				t.Errorf("round %d, function %d: shares the layer package's run: %t, want %t", round, i, got, tasks[i].base)
			}
			fresh := New()
			alone := fresh.NewEnv(f, rt)
			alone.sharedKey = ""
			if got, want := summary(res), summary(fresh.Analyze(alone)); got != want {
				t.Errorf("round %d, function %d: shared says\n%s\nan analysis of its own says\n%s", round, i, got, want)
			}
		}
	}
	if len(results[0].bases) != 1 || len(results[4].bases) != 1 || results[0].bases[0] != results[4].bases[0] {
		t.Errorf("functions 0 and 4 do not share one copy of the package's run")
	}
	if n := results[0].NumModules(); n < 300 {
		t.Errorf("function 0 reaches %d modules, want the package's 300 and more", n)
	}
	if s, ok := results[4].Site("big.m3"); !ok || s.Lazy || s.From != "big" {
		t.Errorf("function 4: site of big.m3 = %+v, %t; want the package's eager import", s, ok)
	}

	// python3, with the files on disk and sys.path as Lambda's (task, then /opt/python)
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	write := func(root string, files map[string]string) {
		for name, body := range files {
			p := filepath.Join(root, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(filepath.Join(dir, "opt"), layerFiles)
	for i, tc := range tasks {
		task := filepath.Join(dir, fmt.Sprintf("task%d", i))
		write(task, tc.code)
		cmd := exec.Command(py, "-I", "-S", "-B", "-c",
			"import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import app", task, filepath.Join(dir, "opt", "python"))
		out, err := cmd.CombinedOutput()
		switch {
		case tc.fail == "" && err != nil:
			t.Errorf("function %d: python3 fails: %s", i, out)
		case tc.fail != "" && !strings.Contains(string(out), tc.fail):
			t.Errorf("function %d: python3 says %q, want %q", i, out, tc.fail)
		}
		var eager []string
		for _, p := range results[i].Problems {
			if !p.Lazy {
				eager = append(eager, problemText(p))
			}
		}
		switch {
		case tc.fail == "" && len(eager) > 0:
			t.Errorf("function %d: layerkit says %q, python3 imports it", i, eager)
		case tc.fail != "" && (len(eager) != 1 || eager[0] != tc.fail):
			t.Errorf("function %d: layerkit says %q, python3 %q", i, eager, tc.fail)
		}
	}
}

// TestSharedBaseSyntax: a module of a shared package run that the function's Python
// cannot compile (PEP 695's type statement on 3.11) is reported for every function
// that shares the run, as an analysis of its own reports it; a function that imports
// it only lazily (its own lazy import is not the package's) still gets it from the
// package's eager one.
func TestSharedBaseSyntax(t *testing.T) {
	rt, _ := runtimes.Lookup("python3.11")
	files := bigLayer(300)
	files["python/big/m10.py"] = "type Alias = int\n"
	layer := &model.Layer{Name: "Big", Content: &model.Code{Tree: tree.NewMap("layer", files)}}
	apps := []string{
		"import big\n\ndef handler(e, c):\n    pass\n",
		"import big.m10\nimport big\n\ndef handler(e, c):\n    pass\n",
		"def handler(e, c):\n    import big.m10\n\nimport big\n",
	}
	shared := New()
	for i, app := range apps {
		f := &model.Function{Name: fmt.Sprintf("Fn%d", i), Runtime: "python3.11", Handler: "app.handler", Arch: "x86_64",
			Code: &model.Code{Tree: tree.NewMap(fmt.Sprintf("src%d", i), map[string]string{"app.py": app})}, Env: map[string]model.EnvVar{},
			Layers: []model.LayerRef{{Layer: layer}}}
		res := shared.Analyze(shared.NewEnv(f, rt))
		fresh := New()
		alone := fresh.NewEnv(f, rt)
		alone.sharedKey = ""
		own := fresh.Analyze(alone)
		render := func(r *Result) string {
			var out []string
			for _, s := range r.Syntax {
				out = append(out, fmt.Sprintf("%s %s line=%d chain=%v", s.Module, s.File, s.Problem.Line, s.Chain))
			}
			slices.Sort(out)
			return strings.Join(out, "; ")
		}
		if len(res.bases) == 0 {
			t.Errorf("function %d does not share the package's run", i)
		}
		got, want := render(res), render(own)
		if got != want || !strings.Contains(got, "big.m10") {
			t.Errorf("function %d: syntax errors %q, an analysis of its own says %q (want big.m10's)", i, got, want)
		}
	}
}
