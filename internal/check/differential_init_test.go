package check_test

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Generator features for code that runs at import time besides plain top-level imports
// (issue 13 A5, A7, A8), mixed with the path features of differential_test.go:
//
//   - an import in a function body, and a call shape that runs the function at init or
//     not: a call at top level, an assignment from a call, a decorator, a default
//     argument value, a class body, a comprehension, Class() reaching __init__ and a
//     method through self, a call through another function; or not run: no call, a
//     lambda, if __name__ == "__main__", a call under try/except ImportError;
//   - boot() functions with an import, called from other modules (from m import boot;
//     boot() and import m; m.boot());
//   - importlib.import_module("m") and __import__("m") with literals, with a name the
//     module's top level bound to a literal (followed as that literal), and with a name
//     from the environment (unfollowed: LK106; its default is a standard module, which
//     imports);
//   - sys.path edits in the handler module that add a folder of the function (lkdeps/)
//     whose modules the code imports, before or after the edit, in every form layerkit
//     evaluates, and one it cannot (LK106; the imports after it are warnings).

// editDir is the folder of the function that sys.path edits add.
const editDir = "lkdeps/"

// maybePathEdit sometimes makes the handler module hf of function f add lkdeps/ to
// sys.path, and fills lkdeps/ with modules.
func (ag *appGen) maybePathEdit(f *dFunc, hf *modFile, hmod string) {
	if !ag.p(0.15) {
		return
	}
	depth := strings.Count(hmod, ".") // folders between /var/task and the handler file
	dn := func(x string) string {
		return strings.Repeat("os.path.dirname(", depth+1) + x + strings.Repeat(")", depth+1)
	}
	var lines []string
	switch ag.weighted(2, 1.5, 1, 1, 1.5, 1, 1, 1, 1) {
	case 0:
		lines = []string{fmt.Sprintf(`sys.path.insert(0, os.path.join(%s, "lkdeps"))`, dn("os.path.abspath(__file__)"))}
	case 1:
		lines = []string{fmt.Sprintf(`sys.path.append(str(pathlib.Path(__file__).resolve().parents[%d] / "lkdeps"))`, depth)}
	case 2:
		lines = []string{`sys.path[0:0] = [os.path.join(os.environ["LAMBDA_TASK_ROOT"], "lkdeps")]`}
	case 3:
		lines = []string{`sys.path.extend([os.getcwd() + "/lkdeps"])`}
	case 4:
		lines = []string{fmt.Sprintf(`site.addsitedir(os.path.join(%s, "lkdeps"))`, dn("os.path.realpath(__file__)"))}
	case 5:
		lines = []string{`sys.path.insert(0, "/var/task/lkdeps")`}
	case 6:
		if ag.p(0.5) { // the idiom: add the folder unless it is there
			lines = []string{"_lk_dir = " + dn("__file__") + ` + "/lkdeps"`, `if _lk_dir not in sys.path:`, `    sys.path.insert(1, _lk_dir)`}
		} else { // a condition that is false: /var/task is on sys.path
			lines = []string{"_lk_here = " + dn("__file__"), `if _lk_here not in sys.path:`, `    sys.path.insert(1, _lk_here + "/lkdeps")`}
		}
	case 7:
		lines = []string{fmt.Sprintf(`sys.path.insert(0, os.path.join(%s, "lk" + "deps"))`, dn("__file__"))}
	default:
		// not evaluable by layerkit: LK106, and the imports after it that it cannot find
		// are warnings
		lines = []string{fmt.Sprintf(`sys.path.insert(0, os.path.join(%s, "".join(["lk", "deps"])))`, dn("__file__"))}
	}
	hf.pathEdit = append([]string{"import os, sys, site, pathlib"}, lines...)
	saved := ag.owner
	ag.owner, ag.onPath = f.dir, true
	ag.root(f.dir, editDir, 1+ag.r.Intn(2), nil)
	ag.owner = saved
}

// withPathEdit puts f's sys.path edit among its (styled) import statements.
func (ag *appGen) withPathEdit(f *modFile, imps []string) []string {
	if len(f.pathEdit) == 0 {
		return imps
	}
	at := 0
	if len(imps) > 0 && ag.p(0.4) {
		at = ag.r.Intn(len(imps) + 1)
	}
	out := append([]string(nil), imps[:at]...)
	out = append(out, f.pathEdit...)
	return append(out, imps[at:]...)
}

// runtimeShapes adds to f's imports and definitions some code that runs at import time
// (or looks as if it might). The imports it returns in fixed are the ones that code
// needs bound: they are not wrapped in control flow (flowWrap).
func (ag *appGen) runtimeShapes(f *modFile, imports, defs []string) (_, fixed, _ []string) {
	// A function with an import in its body, and a way it is (or is not) called.
	if ag.p(0.2) {
		saved := copyBinds(f.binds)
		stmt := ag.importStmt(f)
		f.binds = saved // a binding in a function body is not a module attribute
		if stmt != "" {
			if ag.p(0.15) {
				if ts := ag.targets(f, func(m string) bool { return !ag.isAncestor(m, f.mod) }); len(ts) > 0 {
					m := ag.pick(ts)
					if ag.p(0.1) {
						m = missingTop
					}
					if ag.p(0.5) {
						stmt = fmt.Sprintf("importlib.import_module(%q)", m)
					} else {
						stmt = fmt.Sprintf("__import__(%q)", m)
					}
					fixed = append(fixed, "import importlib")
				}
			}
			defs = append(defs, ag.callShape(stmt)...)
		}
	}
	// boot(): a function other modules call at import time; most files of one module
	// agree on whether they define it.
	canon := ag.canon[f.mod]
	if _, ok := canon["boot"]; !ok {
		canon["boot"] = ag.p(0.15)
	}
	if canon["boot"] != ag.p(0.05) {
		saved := copyBinds(f.binds)
		stmt := ag.importStmt(f)
		f.binds = saved
		if stmt != "" {
			defs = append(defs, "def boot():\n    "+stmt+"\n    return None")
			f.binds["boot"] = true
		}
	}
	if f.binds["boot"] {
		ag.boots[f.mod] |= 1
	} else {
		ag.boots[f.mod] |= 2
	}
	if f.handler == 8 {
		// A module __getattr__ answers boot with a two-argument lambda: calling it fails
		// with TypeError, not an import failure (differential seed 20300117). Such a
		// module is no target of a call below.
		ag.boots[f.mod] |= 4
	}
	// Calling another module's boot() at import time.
	if ag.p(0.12) {
		want := 1 // modules all of whose files define boot
		if ag.p(0.1) {
			want = 3 // or some do
		}
		ts := ag.targets(f, func(m string) bool { return ag.boots[m]&1 != 0 && ag.boots[m]|want == want && !ag.isAncestor(m, f.mod) })
		if len(ts) > 0 {
			m := ag.pick(ts)
			switch ag.weighted(2, 1, 1) {
			case 0:
				fixed = append(fixed, "from "+m+" import boot as _lk_boot")
				defs = append(defs, "_lk_boot()")
			case 1:
				// m.boot() at init fails with AttributeError when the m this function loads
				// has no boot (a namespace package, another layer's file), which layerkit
				// does not model: here it runs only in a function nothing calls at init (the
				// fixtures have it at init).
				imports = append(imports, "import "+m)
				f.binds[strings.SplitN(m, ".", 2)[0]] = true
				defs = append(defs, "def _lk_run_boot():\n    "+m+".boot()")
			default:
				fixed = append(fixed, "from "+m+" import boot as _lk_boot")
				defs = append(defs, "def _lk_later():\n    _lk_boot()")
			}
		}
	}
	// A dynamic import at top level: a literal, or a name layerkit does not follow.
	if ag.p(0.06) {
		ts := ag.targets(f, func(m string) bool { return !ag.isAncestor(m, f.mod) })
		if len(ts) > 0 {
			m := ag.pick(ts)
			fixed = append(fixed, "import importlib")
			switch ag.weighted(3, 1, 1, 0.5) {
			case 0:
				if ag.p(0.1) {
					m = missingTop
				}
				defs = append(defs, fmt.Sprintf("importlib.import_module(%q)", m))
			case 1:
				defs = append(defs, fmt.Sprintf("__import__(%q)", m))
			case 2:
				defs = append(defs, fmt.Sprintf("_lk_name = %q\nimportlib.import_module(_lk_name)", m))
			default:
				defs = append(defs, "import os\nimportlib.import_module(os.environ.get(\"LK_PLUGIN\", \"json\"))")
			}
		}
	}
	return imports, fixed, defs
}

func copyBinds(b map[string]bool) map[string]bool {
	out := make(map[string]bool, len(b))
	for k, v := range b {
		out[k] = v
	}
	return out
}

// callShape defines a function whose body runs stmt, and runs it at import time or not.
func (ag *appGen) callShape(stmt string) []string {
	body := "    " + stmt + "\n    return None"
	def := "def _lk_init(*args):\n" + body
	switch ag.weighted(3, 2, 2, 2, 2, 1.5, 2, 2, 1, 1, 1, 1) {
	case 0: // a call at top level
		return []string{def, "_lk_init()"}
	case 1: // an assignment from a call
		return []string{def, "_lk_app = _lk_init()"}
	case 2: // a decorator (called at def time)
		return []string{"def _lk_deco(fn):\n" + "    " + stmt + "\n    return fn", "@_lk_deco\ndef _lk_decorated():\n    return None"}
	case 3: // a default argument value
		return []string{def, "def _lk_defaults(a=_lk_init()):\n    return a"}
	case 4: // a class body
		return []string{def, "class _LkConfig:\n    value = _lk_init()"}
	case 5: // a comprehension
		return []string{def, "_lk_items = [_lk_init(i) for i in range(2)]"}
	case 6: // Class() reaches __init__, and a method through self
		return []string{"class _LkService:\n    def __init__(self):\n        self.load()\n\n    def load(self):\n" + "        " + stmt + "\n        return None",
			"_lk_service = _LkService()"}
	case 7: // through another function
		return []string{def, "def _lk_outer():\n    return _lk_init()", "_lk_outer()"}
	case 8: // not called: lazy
		return []string{def}
	case 9: // a lambda: its body runs only when it is called
		return []string{def, "_lk_later = lambda: _lk_init()"}
	case 10: // only under __main__
		return []string{def, "if __name__ == \"__main__\":\n    _lk_init()"}
	default: // under try/except ImportError
		// The import is of a module that is missing: a module that exists but fails inside
		// (an import under try whose target fails) is issue 13 A1's, not modelled here yet.
		def = "def _lk_init(*args):\n    import " + missingTop + "\n    return None"
		return []string{def, "try:\n    _lk_init()\nexcept ImportError:\n    pass"}
	}
}

// countInit records the init-time features of file content c.
func countInit(cover map[string]int, c string) {
	for _, k := range []struct{ shape, name string }{
		{"\n_lk_init()", "init call at top level"},
		{"_lk_app = _lk_init()", "init call in an assignment"},
		{"@_lk_deco", "init decorator"},
		{"a=_lk_init()", "init default argument"},
		{"value = _lk_init()", "init class body"},
		{"for i in range(2)]", "init comprehension"},
		{"_LkService()", "init Class() and self.method"},
		{"_lk_outer()", "init call through a function"},
		{"lambda: _lk_init()", "init lambda (not run)"},
		{"__main__\":\n    _lk_init()", "init under __main__ (not run)"},
		{"try:\n    _lk_init()", "init call under try/except ImportError"},
		{"_lk_boot()", "calls into another module (from m import boot)"},
		{".boot()", "calls into another module (m.boot())"},
		{"importlib.import_module(\"", "literal importlib.import_module"},
		{"__import__(\"", "literal __import__"},
		{"import_module(_lk_name)", "importlib.import_module of a string constant"},
		{"import_module(os.environ.get(", "unfollowed dynamic import"},
		{"sys.path.insert(0, os.path.join(os.path.dirname(", "sys.path.insert dirname(abspath(__file__))"},
		{"pathlib.Path(__file__).resolve().parents", "sys.path.append pathlib"},
		{"sys.path[0:0]", "sys.path[0:0] LAMBDA_TASK_ROOT"},
		{"sys.path.extend([os.getcwd()", "sys.path.extend getcwd"},
		{"site.addsitedir(", "site.addsitedir realpath"},
		{"sys.path.insert(0, \"/var/task/lkdeps\")", "sys.path.insert literal"},
		{"_lk_here + \"/lkdeps\"", "sys.path.insert under a false if P not in sys.path"},
		{"if _lk_dir not in sys.path", "sys.path.insert under a true if P not in sys.path"},
		{"\"lk\" + \"deps\"", "sys.path.insert string concatenation"},
		{"\"\".join([\"lk\", \"deps\"])", "sys.path edit layerkit cannot follow"},
	} {
		if strings.Contains(c, k.shape) {
			cover[k.name]++
		}
	}
}

// cannotTell reports whether layerkit said it cannot decide the failure Python found
// (v): the function makes a sys.path edit at import time that layerkit cannot evaluate, or
// a line the failure passed through is a dynamic import it reported as not followed (LK106).
func cannotTell(v verdict, all []finding.Finding) bool {
	if v.OK {
		return false
	}
	if cannotFollowPath(all) {
		return true // a folder layerkit cannot see may hold any module the code imports after it
	}
	for _, w := range v.Frames {
		loc, _, _ := strings.Cut(w, ": ")
		file, line, ok := strings.Cut(loc, ":")
		if !ok {
			continue
		}
		file = file[strings.IndexByte(file, '/')+1:] // drop task/ or opt/
		for _, f := range all {
			if fmt.Sprint(f.Pos.Line) != line || !strings.HasSuffix(f.Pos.File, "/"+file) {
				continue
			}
			if f.Code == rulecode.LK106 || f.Severity == model.Warning && strings.Contains(f.Message, "sys.path is changed at") {
				return true
			}
		}
	}
	return false
}

// cannotFollowPath reports whether the findings hold an LK106 for a sys.path edit made at
// import time that layerkit cannot evaluate.
func cannotFollowPath(all []finding.Finding) bool {
	for _, f := range all {
		if f.Code == rulecode.LK106 && strings.Contains(f.Message, "changes sys.path") && strings.Contains(f.Message, "when the module is imported") {
			return true
		}
	}
	return false
}
