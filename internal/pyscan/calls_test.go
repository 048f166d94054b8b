package pyscan

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// renderEvents renders f's events: the import events as "L:C import ... @CALL", the
// others by kind.
func renderEvents(f *File) []string {
	var out []string
	for _, ev := range f.Events {
		var s string
		switch ev.Kind {
		case ImportEvent:
			s = fmt.Sprintf("%s @%d", render(*ev.Import), ev.CalledAt)
		case CallEvent:
			mod := strings.Repeat(".", ev.Level) + ev.Module
			if ev.Attr != "" {
				mod += ":" + ev.Attr
			}
			s = fmt.Sprintf("%d:%d call %s.%s", ev.Line, ev.Col, mod, ev.Func)
		case PathEditEvent:
			e := ev.Edit
			if e.Unknown {
				s = fmt.Sprintf("%d:%d path ? %s", ev.Line, ev.Col, e.Text)
			} else {
				var vs []string
				for _, v := range e.Values {
					vs = append(vs, renderPath(v))
				}
				s = fmt.Sprintf("%d:%d path %s %d %s", ev.Line, ev.Col, e.Op, e.Index, strings.Join(vs, " "))
				for _, u := range e.Unless {
					s += " unless " + renderPath(u)
				}
				if e.Site {
					s += " site"
				}
			}
		case UnfollowedEvent:
			s = fmt.Sprintf("%d:%d unfollowed %s", ev.Line, ev.Col, ev.Text)
		}
		if ev.Scope != ModuleScope && ev.Kind != ImportEvent {
			s += " [" + ev.Scope.String() + "]"
		}
		if len(ev.Guards) > 0 {
			s += " guarded"
		}
		if ev.MainBlock {
			s += " main"
		}
		out = append(out, fmt.Sprintf("b%d %s", ev.Before, s))
	}
	return out
}

func renderPath(v PathExpr) string {
	base := v.Lit
	if v.File {
		base = "__file__"
	}
	return strings.Join(append([]string{base}, v.Steps...), "|")
}

type eventCase struct {
	name string
	src  string
	want []string
}

func runEventCases(t *testing.T, cases []eventCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := Scan([]byte(tc.src))
			got := renderEvents(f)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("source:\n%s\ngot:\n  %s\nwant:\n  %s", tc.src, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if msg := checkInvariants([]byte(tc.src), f); msg != "" {
				t.Errorf("invariant: %s", msg)
			}
		})
	}
}

func TestInitCalls(t *testing.T) {
	runEventCases(t, []eventCase{
		{"call at top level", "def f():\n    import a\nf()\n", []string{"b1 2:5 import a @3"}},
		{"assignment", "def f():\n    import a\nx = f()\n", []string{"b1 2:5 import a @3"}},
		{"not called", "def f():\n    import a\n", nil},
		{"lambda body", "def f():\n    import a\ng = lambda: f()\nh = (lambda x: f(), 1)\n", nil},
		{"after lambda in a tuple", "def f():\n    import a\nh = (lambda x: 1, f())\n", []string{"b1 2:5 import a @3"}},
		{"decorator", "def d(fn):\n    import a\n    return fn\n@d\ndef g():\n    pass\n", []string{"b1 2:5 import a @4"}},
		{"decorator with arguments", "def d(x):\n    import a\n    return lambda fn: fn\n@d(1)\ndef g():\n    pass\n", []string{"b1 2:5 import a @4"}},
		{"default value", "def f():\n    import a\ndef g(x=f()):\n    pass\n", []string{"b1 2:5 import a @3"}},
		{"default of a nested def runs with its function", "def f():\n    import a\ndef g():\n    def h(x=f()):\n        pass\n", nil},
		{"class body", "def f():\n    import a\nclass C:\n    x = f()\n", []string{"b1 2:5 import a [class] @4"}},
		{"comprehension", "def f(i):\n    import a\nxs = [f(i) for i in range(2)]\n", []string{"b1 2:5 import a @3"}},
		{"Class() to __init__ and self.m", "class C:\n    def __init__(self):\n        self.m()\n    def m(self):\n        import a\nc = C()\n", []string{"b1 5:9 import a @6"}},
		{"Class.method", "class C:\n    def m():\n        import a\nC.m()\n", []string{"b1 3:9 import a @4"}},
		{"transitive", "def f():\n    g()\ndef g():\n    import a\nf()\n", []string{"b1 4:5 import a @5"}},
		{"recursion", "def f():\n    import a\n    f()\nf()\n", []string{"b1 2:5 import a @4"}},
		{"nested function called in its parent", "def f():\n    def g():\n        import a\n    g()\nf()\n", []string{"b1 3:9 import a @5"}},
		{"__main__", "def f():\n    import a\nif __name__ == '__main__':\n    f()\n", nil},
		{"guarded call", "def f():\n    import a\ntry:\n    f()\nexcept ImportError:\n    pass\n", []string{"b1 2:5 import a try#1 @4 guarded"}},
		{"program order", "import x\ndef f():\n    import a\nf()\nimport y\n", []string{"b2 3:5 import a @4"}},
		{"a shadowing import", "from m import f\nf()\n", []string{"b1 2:1 call m.f"}},
		{"from import alias", "from .h import setup as s\ns()\n", []string{"b1 2:1 call .h.setup"}},
		{"module attribute", "import a.b\nimport c as d\na.b.f()\nd.g()\na.z.f()\n", []string{"b2 3:1 call a.b.f", "b2 4:1 call c.g"}},
		{"submodule attribute", "from . import helpers\nhelpers.boot()\n", []string{"b1 2:1 call .:helpers.boot"}},
		{"external call in a called function", "from m import f\ndef g():\n    f()\ng()\n", []string{"b1 3:5 call m.f"}},
		{"a def and a class header are no calls", "def f():\n    import a\nclass f(object):\n    pass\n", nil},
	})
}

func TestFuncs(t *testing.T) {
	f := Scan([]byte("from m import ext\nimport os\ndef f():\n    import a\n    g()\n    ext()\ndef g():\n    from . import b\nclass C:\n    def __init__(self):\n        import c\n"))
	var got []string
	for _, name := range []string{"f", "g", "C.__init__"} {
		fn := f.Funcs[name]
		if fn == nil {
			t.Fatalf("no Func %s", name)
		}
		var parts []string
		for _, imp := range fn.Imports {
			parts = append(parts, render(imp))
		}
		for _, ev := range fn.Events {
			parts = append(parts, fmt.Sprintf("call %s.%s", ev.Module, ev.Func))
		}
		got = append(got, name+": "+strings.Join(parts, "; "))
	}
	want := []string{
		"f: 4:5 import a [function]; 8:5 from . import b [function]; call m.ext",
		"g: 8:5 from . import b [function]",
		"C.__init__: 11:9 import c [function]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestPathEdits(t *testing.T) {
	runEventCases(t, []eventCase{
		{"insert dirname", "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n",
			[]string{"b2 2:1 path insert 0 __file__|dirname"}},
		{"append join abspath", "sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), \"lib\"))\n",
			[]string{"b0 1:1 path append 0 __file__|abs|dirname|join:lib"}},
		{"literal", "sys.path.insert(0, \"/opt/python/vendor\")\n", []string{"b0 1:1 path insert 0 /opt/python/vendor"}},
		{"negative index", "sys.path.insert(-1, 'x')\n", []string{"b0 1:1 path insert -1 x"}},
		{"pathlib", "sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / \"lib\"))\n",
			[]string{"b0 1:1 path insert 0 __file__|abs|dirname|join:lib"}},
		{"Path from pathlib", "from pathlib import Path\nsys.path.append(str(Path(__file__).parents[1].joinpath(\"a\", \"b\")))\n",
			[]string{"b1 2:1 path append 0 __file__|dirname|dirname|join:a|join:b"}},
		{"realpath", "sys.path.append(os.path.dirname(os.path.realpath(__file__)))\n", []string{"b0 1:1 path append 0 __file__|abs|dirname"}},
		{"slice", "sys.path[0:0] = [os.environ['LAMBDA_TASK_ROOT'] + '/lib', '/opt/x']\nsys.path[:0] = ['a']\n",
			[]string{"b0 1:1 path prepend 0 /var/task/lib /opt/x", "b0 2:1 path prepend 0 a"}},
		{"extend and +=", "sys.path.extend(['a', os.getcwd()])\nsys.path += ['b']\n", []string{"b0 1:1 path append 0 a /var/task", "b0 2:1 path append 0 b"}},
		{"reassign", "sys.path = ['a'] + sys.path\nsys.path = sys.path + ['b']\n", []string{"b0 1:1 path prepend 0 a", "b0 2:1 path append 0 b"}},
		{"addsitedir", "site.addsitedir(os.path.join(HERE, 'x'))\n", []string{"b0 1:1 path ? site.addsitedir(os.path.join(HERE, 'x'))"}},
		{"variable", "HERE = os.path.dirname(__file__)\nLIB = os.path.join(HERE, 'lib')\nsys.path.insert(0, LIB)\n",
			[]string{"b0 3:1 path insert 0 __file__|dirname|join:lib"}},
		{"from os.path import", "from os.path import dirname as d, join\nsys.path.insert(0, join(d(__file__), 'x'))\n",
			[]string{"b1 2:1 path insert 0 __file__|dirname|join:x"}},
		{"unknown value", "sys.path.insert(0, f())\n", []string{"b0 1:1 path ? sys.path.insert(0, f())"}},
		{"unknown mutation", "sys.path.remove('/var/task')\nx = [sys.path.append(p) for p in ps]\n",
			[]string{"b0 1:1 path ? sys.path.remove('/var/task')", "b0 2:6 path ? x = [sys.path.append(p) for p in ps]"}},
		{"reads are no edits", "print(sys.path)\nif 'x' in sys.path:\n    pass\nsys.path.index('a')\nx = sys.path[0]\n", nil},
		{"if not in", "P = os.path.dirname(__file__)\nif P not in sys.path:\n    sys.path.insert(0, P)\n",
			[]string{"b0 3:5 path insert 0 __file__|dirname unless __file__|dirname"}},
		{"other condition", "if os.environ.get('X'):\n    sys.path.insert(0, '/a')\n", []string{"b0 2:5 path ? sys.path.insert(0, '/a')"}},
		{"in a function", "def f():\n    sys.path.insert(0, '/a')\n", []string{"b0 2:5 path insert 0 /a [function]"}},
		{"in a function called at init", "def f():\n    sys.path.insert(0, '/a')\nf()\nimport x\n", []string{"b0 2:5 path insert 0 /a [function]", "b0 2:5 path insert 0 /a"}},
	})
}

func TestUnfollowed(t *testing.T) {
	runEventCases(t, []eventCase{
		{"computed names", "import importlib\nimportlib.import_module(name)\n__import__('a' + b)\nimportlib.import_module(f'x.{y}')\n",
			[]string{"b1 2:1 unfollowed importlib.import_module(name)", "b1 3:1 unfollowed __import__('a' + b)", "b1 4:1 unfollowed importlib.import_module(f'x.{y}')"}},
		{"literals are imports", "import importlib\nimportlib.import_module('a')\n__import__('b')\n", nil},
		{"relative without package", "import importlib\nimportlib.import_module('.a')\n", []string{"b1 2:1 unfollowed importlib.import_module('.a')"}},
		{"alias", "from importlib import import_module as im\nim(x)\n", []string{"b1 2:1 unfollowed im(x)"}},
		{"bare import_module not importlib's", "def import_module(x):\n    pass\nimport_module(y)\n", nil},
		{"bare import_module from importlib", "import_module(y)\nfrom importlib import import_module\n", []string{"b0 1:1 unfollowed import_module(y)"}},
		{"in a function", "import importlib\ndef f():\n    importlib.import_module(n)\n", []string{"b1 3:5 unfollowed importlib.import_module(n) [function]"}},
	})
}

func TestPathEditsLambdaForms(t *testing.T) {
	runEventCases(t, []eventCase{
		{"f-string with LAMBDA_TASK_ROOT under a test Lambda passes",
			"if 'LAMBDA_TASK_ROOT' in os.environ:\n    sys.path.append(f\"{os.environ['LAMBDA_TASK_ROOT']}/lib\")\n",
			[]string{"b0 2:5 path append 0 /var/task/lib"}},
		{"f-string with a variable", "H = os.path.dirname(__file__)\nsys.path.append(f'{H}/x')\n", []string{"b0 2:1 path append 0 __file__|dirname|concat:/x"}},
		{"f-string with another field", "sys.path.append(f'{a}/{b}')\n", []string{"b0 1:1 path ? sys.path.append(f'{a}/{b}')"}},
		{"relative Path made absolute", "sys.path.append(str(pathlib.Path('./vendor').absolute()))\n", []string{"b0 1:1 path append 0 ./vendor|abs"}},
		{"os.environ.get test", "if os.environ.get(\"LAMBDA_TASK_ROOT\"):\n    sys.path.insert(0, '/a')\n", []string{"b0 2:5 path insert 0 /a"}},
	})
}

// TestCallsBounded: following calls stays bounded on files made to make it explode: long
// call chains, every function calling every other, recursion, and many imports per body.
func TestCallsBounded(t *testing.T) {
	var chain, dense strings.Builder
	const n = 3000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&chain, "def f%d():\n    import m%d\n    f%d()\n", i, i, (i+1)%n)
	}
	chain.WriteString("f0()\n")
	const k = 120
	for i := 0; i < k; i++ {
		fmt.Fprintf(&dense, "def g%d():\n    import a%d, b%d, c%d\n", i, i, i, i)
		for j := 0; j < k; j++ {
			fmt.Fprintf(&dense, "    g%d()\n", j)
		}
	}
	for i := 0; i < k; i++ {
		fmt.Fprintf(&dense, "g%d()\n", i)
	}
	for _, src := range []string{chain.String(), dense.String()} {
		start := time.Now()
		f := Scan([]byte(src))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Scan took %v", d)
		}
		if len(f.Events) == 0 || len(f.Events) > maxInlined+maxCallsPerFile {
			t.Errorf("%d events", len(f.Events))
		}
	}
}
