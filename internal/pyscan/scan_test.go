package pyscan

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt")

type importCase struct {
	name string
	src  string
	want []string // render() of each import, in order
}

func runImportCases(t *testing.T, cases []importCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := Scan([]byte(tc.src))
			got := renderAll(f)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("source:\n%s\ngot:\n  %s\nwant:\n  %s", tc.src,
					strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if msg := checkInvariants([]byte(tc.src), f); msg != "" {
				t.Errorf("invariant: %s", msg)
			}
		})
	}
}

func TestStatements(t *testing.T) {
	runImportCases(t, []importCase{
		{"plain", "import os\n", []string{"1:1 import os"}},
		{"no trailing newline", "import os", []string{"1:1 import os"}},
		{"dotted alias list", "import a.b as c, d\n", []string{"1:1 import a.b as c", "1:1 import d"}},
		{"spaced dotted", "import a . b\n", []string{"1:1 import a.b"}},
		{"indented after def", "def f():\n    import os\n", []string{"2:5 import os [function]"}},
		{"from relative paren multiline", "from ..x import (\n    y,\n    z,\n)\n", []string{"1:1 from ..x import y, z"}},
		{"from dot", "from . import m\n", []string{"1:1 from . import m"}},
		{"from star", "from .mod import *\n", []string{"1:1 from .mod import *"}},
		{"from future", "from __future__ import annotations\n", []string{"1:1 from __future__ import annotations"}},
		{"from ellipsis levels", "from ...pkg import x\nfrom .... import y\n", []string{"1:1 from ...pkg import x", "2:1 from .... import y"}},
		{"from alias", "from m import a as b, c\n", []string{"1:1 from m import a as b, c"}},
		{"backslash continuation", "import \\\n  os\n", []string{"1:1 import os"}},
		{"backslash in from", "from a \\\n  import b\n", []string{"1:1 from a import b"}},
		{"semicolons", "import a; import b\nx = 1; from c import d\n", []string{"1:1 import a", "1:11 import b", "2:8 from c import d"}},
		{"semicolon inside brackets", "x = [1; 2]; import a\n", []string{"1:13 import a"}},
		{"one-line if", "if x: import y\n", []string{"1:7 import y"}},
		{"one-line if with semicolons", "if x: import a; import b\nimport c\n", []string{"1:7 import a", "1:17 import b", "2:1 import c"}},
		{"one-line def", "def f(): import x\nimport y\n", []string{"1:10 import x [function]", "2:1 import y"}},
		{"one-line class", "class A: import x\n", []string{"1:10 import x [class]"}},
		{"lambda in if header", "if (lambda: 1)(): import a\nif lambda: 0: import b\n", []string{"1:19 import a", "2:15 import b"}},
		{"incomplete import", "import\nfrom x import\nfrom import y\nimport 1\n", nil},
		{"keyword module", "import None\nfrom x import if\n", nil},
		{"valid prefix of bad list", "import a, 1\n", []string{"1:1 import a"}},
		{"yield from", "def g():\n    yield from x\n    x = yield from y\n", nil},
		{"raise from", "raise X from Y\ntry:\n    pass\nexcept E as e:\n    raise Z from e\n", nil},
		{"import as name elsewhere", "x.import_ = 1\nprint(from_)\n", nil},
		{"soft keywords", "match = 1\ncase = 2\ntype = 3\nmatch x:\n    case 1: import a\n    case {'k': v}:\n        import b\nimport c\n",
			[]string{"5:13 import a", "7:9 import b", "8:1 import c"}},
		{"match call not header", "match(x)\nimport a\n", []string{"2:1 import a"}},
		{"type alias", "type X = int\nimport a\n", []string{"2:1 import a"}},
		{"crlf", "import a\r\nif x:\r\n    import b\r\n", []string{"1:1 import a", "3:5 import b"}},
		{"lone cr", "import a\rimport b\r", []string{"1:1 import a", "2:1 import b"}},
		{"bom", "\ufeffimport a\n", []string{"1:1 import a"}},
		{"rune columns", "x = \"é€\"; import os\n", []string{"1:11 import os"}},
		{"tabs", "def f():\n\timport a\n\tif x:\n\t\timport b\nimport c\n",
			[]string{"2:2 import a [function]", "4:3 import b [function]", "5:1 import c"}},
		{"tab and spaces mix", "if x:\n        import a\n\timport b\n", []string{"2:9 import a", "3:2 import b"}},
		{"comment lines do not dedent", "def f():\n# note\n    import x\n", []string{"3:5 import x [function]"}},
		{"blank whitespace lines", "def f():\n    \n\t\n    import x\nimport y\n", []string{"4:5 import x [function]", "5:1 import y"}},
		{"form feed", "\fimport a\n", []string{"1:2 import a"}},
	})
}

func TestStringsAndComments(t *testing.T) {
	runImportCases(t, []importCase{
		{"comment", "# import x\nimport y  # import z\n", []string{"2:1 import y"}},
		{"docstring", "\"\"\"\nimport x\nfrom y import z\n\"\"\"\nimport ok\n", []string{"5:1 import ok"}},
		{"single-quote docstring", "'''\nimport x\n'''\nimport ok\n", []string{"4:1 import ok"}},
		{"triple double containing triple single", "\"\"\"a '''\nimport x\n''' b\"\"\"\nimport ok\n", []string{"4:1 import ok"}},
		{"triple single containing triple double", "'''a \"\"\"\nimport x\n\"\"\" b'''\nimport ok\n", []string{"4:1 import ok"}},
		{"escaped quote", "x = 'it\\'s; import x'\nimport ok\n", []string{"2:1 import ok"}},
		{"escaped triple", "x = \"\"\"a\\\"\"\"\nimport x\n\"\"\"\nimport ok\n", []string{"4:1 import ok"}},
		{"raw string backslash quote", "x = r\"\\\"; import x\"\nimport ok\n", []string{"2:1 import ok"}},
		{"raw string ending in double backslash", "x = r'\\\\'; import ok\n", []string{"1:12 import ok"}},
		{"string continuation", "x = 'a\\\nimport x'\nimport ok\n", []string{"3:1 import ok"}},
		{"prefixes", "a = rb'import x'; b = BR\"import x\"; c = Rb'x'; d = u'import x'; e = F'import x'; f = fR'{1}import x'; g = t'import {x}'; h = Tr'x'\nimport ok\n",
			[]string{"2:1 import ok"}},
		{"name then string", "x = ur'import y'\nimport ok\n", []string{"2:1 import ok"}},
		{"fstring nested literal", "x = f\"{'import x'}\"\nimport ok\n", []string{"2:1 import ok"}},
		{"fstring same quote nested", "x = f\"{\"import x\"}\"\nimport ok\n", []string{"2:1 import ok"}},
		{"fstring nested fstrings", "x = f\"{f'{f\"{'import x'}\"}'}\"; import ok\n", []string{"1:32 import ok"}},
		{"fstring format spec", "x = f\"{x:{width}.{'import y'}}\"; import ok\n", []string{"1:34 import ok"}},
		{"fstring braces escape", "x = f\"{{import x}} {{\"; import ok\n", []string{"1:25 import ok"}},
		{"fstring dict in field", "x = f\"{ {'a': 'import x'}['a'] }\"; import ok\n", []string{"1:36 import ok"}},
		{"fstring conversion", "x = f'{a!r:>{w}} {b=}'; import ok\n", []string{"1:25 import ok"}},
		{"fstring named escape", "x = f\"\\N{LEFT CURLY BRACKET}\"; import ok\n", []string{"1:32 import ok"}},
		{"raw fstring brace", "x = rf\"\\{a}\"; import ok\n", []string{"1:15 import ok"}},
		{"triple fstring multiline field", "x = f\"\"\"{\n    'import x'  # import y\n}\"\"\"\nimport ok\n", []string{"4:1 import ok"}},
		{"fstring multiline in brackets", "x = f\"{\", \".join([\n    'import x',  # c\n])}\"\nimport ok\n", []string{"4:1 import ok"}},
		{"unterminated single quote", "x = 'abc\nimport ok\n", []string{"2:1 import ok"}},
		{"unterminated fstring field", "x = f'{abc\nimport ok\n", []string{"2:1 import ok"}},
		{"unterminated triple", "import ok\nx = '''\nimport x\n", []string{"1:1 import ok"}},
		{"string in brackets", "x = (\n 'import x',\n)\nimport ok\n", []string{"4:1 import ok"}},
		{"bytes with high bytes", "x = b'\xff\xfe'; import ok\n", []string{"1:12 import ok"}}, // an invalid byte is one column,
	})
}

func TestGuards(t *testing.T) {
	runImportCases(t, []importCase{
		{"bare except", "try:\n    import a\nexcept:\n    import b\n", []string{"2:5 import a try#1", "4:5 import b except#1"}},
		{"ImportError", "try:\n    import a\nexcept ImportError:\n    a = None\n", []string{"2:5 import a try#1"}},
		{"ModuleNotFoundError", "try:\n    import a\nexcept ModuleNotFoundError:\n    pass\n", []string{"2:5 import a try#1"}},
		{"Exception", "try:\n    import a\nexcept Exception:\n    pass\n", []string{"2:5 import a try#1"}},
		{"BaseException", "try:\n    import a\nexcept BaseException:\n    pass\n", []string{"2:5 import a try#1"}},
		{"dotted", "try:\n    import a\nexcept builtins.ImportError:\n    pass\n", []string{"2:5 import a try#1"}},
		{"tuple with as", "try:\n    import a\nexcept (ValueError, ImportError) as e:\n    import b\n", []string{"2:5 import a try#1", "4:5 import b except#1"}},
		{"unparenthesised list", "try:\n    import a\nexcept ValueError, ImportError:\n    pass\n", []string{"2:5 import a try#1"}},
		{"except star", "try:\n    import a\nexcept* ImportError:\n    pass\n", []string{"2:5 import a try#1"}},
		{"KeyError is no guard", "try:\n    import a\nexcept KeyError:\n    import b\n", []string{"2:5 import a", "4:5 import b"}},
		{"ImportErrorX is no guard", "try:\n    import a\nexcept ImportErrorX:\n    pass\nexcept ImportError.x:\n    pass\n", []string{"2:5 import a"}},
		{"later handler decides", "try:\n    import a\nexcept KeyError:\n    import b\nexcept ImportError:\n    import c\n",
			[]string{"2:5 import a try#1", "4:5 import b except#1", "6:5 import c except#1"}},
		{"else and finally unguarded", "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\nfinally:\n    import d\nimport e\n",
			[]string{"2:5 import a try#1", "4:5 import b except#1", "6:5 import c", "8:5 import d", "9:1 import e"}},
		{"try finally only", "try:\n    import a\nfinally:\n    pass\n", []string{"2:5 import a"}},
		{"nested", "try:\n    try:\n        import a\n    except KeyError:\n        pass\n    import b\nexcept ImportError:\n    try:\n        import c\n    except ImportError:\n        import d\n",
			[]string{"3:9 import a try#1", "6:5 import b try#1", "9:9 import c except#1 try#3", "11:9 import d except#1 except#3"}},
		{"one-line try", "try: import a\nexcept ImportError: import b\nimport c\n",
			[]string{"1:6 import a try#1", "2:21 import b except#1", "3:1 import c"}},
		{"sequential tries", "try:\n    import a\nexcept KeyError:\n    pass\ntry:\n    import b\nexcept ImportError:\n    pass\n",
			[]string{"2:5 import a", "6:5 import b try#2"}},
		{"try in function", "def f():\n    try:\n        import a\n    except ImportError:\n        return None\n",
			[]string{"3:9 import a [function] try#1"}},
		{"handler after nested block", "try:\n    if x:\n        import a\nexcept ImportError:\n    pass\n", []string{"3:9 import a try#1"}},
		{"dynamic guarded", "try:\n    m = importlib.import_module('x')\nexcept ImportError:\n    m = None\n", []string{"2:9 dynamic import x try#1"}},
	})
}

func TestScopes(t *testing.T) {
	runImportCases(t, []importCase{
		{"class and methods", "class A:\n    import a\n    def f(self):\n        import b\n    import c\nimport d\n",
			[]string{"2:5 import a [class]", "4:9 import b [function]", "5:5 import c [class]", "6:1 import d"}},
		{"class in def", "def f():\n    class A:\n        import a\n", []string{"3:9 import a [function]"}},
		{"nested def", "def f():\n    def g():\n        import a\n    import b\nimport c\n",
			[]string{"3:9 import a [function]", "4:5 import b [function]", "5:1 import c"}},
		{"async def", "async def f():\n    import a\nasync def g(): import b\n", []string{"2:5 import a [function]", "3:16 import b [function]"}},
		{"decorators", "@dec(\n    'import x')\n@other\ndef f():\n    import a\nimport b\n", []string{"5:5 import a [function]", "6:1 import b"}},
		{"multiline def header", "def f(\n    a=1,\n    b: int = 2,\n) -> None:\n    import a\nimport b\n", []string{"5:5 import a [function]", "6:1 import b"}},
		{"lambda assignment", "f = lambda: 0\nimport a\n", []string{"2:1 import a"}},
		{"top-level blocks stay module", "if x:\n    import a\nfor i in y:\n    import b\nwhile z:\n    import c\nwith q as r:\n    import d\n",
			[]string{"2:5 import a", "4:5 import b", "6:5 import c", "8:5 import d"}},
		{"dedent several", "class A:\n    def f(self):\n        if x:\n            import a\nimport b\n", []string{"4:13 import a [function]", "5:1 import b"}},
	})
}

func TestTypeCheckingAndMain(t *testing.T) {
	runImportCases(t, []importCase{
		{"TYPE_CHECKING with else", "if TYPE_CHECKING:\n    import a\nelse:\n    import b\n", []string{"2:5 import a TC", "4:5 import b"}},
		{"typing.TYPE_CHECKING", "if typing.TYPE_CHECKING:\n    from x import y\n", []string{"2:5 from x import y TC"}},
		{"alias TYPE_CHECKING", "if t.TYPE_CHECKING:\n    import a\n", []string{"2:5 import a TC"}},
		{"parenthesised", "if (TYPE_CHECKING):\n    import a\n", []string{"2:5 import a TC"}},
		{"not TYPE_CHECKING", "if not TYPE_CHECKING:\n    import a\n", []string{"2:5 import a"}},
		{"compound condition", "if TYPE_CHECKING or X:\n    import a\n", []string{"2:5 import a"}},
		{"elif after TYPE_CHECKING", "if TYPE_CHECKING:\n    import a\nelif x:\n    import b\n", []string{"2:5 import a TC", "4:5 import b"}},
		{"elif TYPE_CHECKING", "if x:\n    import a\nelif TYPE_CHECKING:\n    import b\nelse:\n    import c\n", []string{"2:5 import a", "4:5 import b TC", "6:5 import c"}},
		{"nested", "try:\n    if TYPE_CHECKING:\n        def f():\n            import a\nexcept ImportError:\n    pass\n", []string{"4:13 import a [function] try#1 TC"}},
		{"one-line", "if TYPE_CHECKING: import a\nimport b\n", []string{"1:19 import a TC", "2:1 import b"}},
		{"main", "if __name__ == \"__main__\":\n    import a\n    main()\nimport b\n", []string{"2:5 import a MAIN", "4:1 import b"}},
		{"main reversed single quotes", "if '__main__' == __name__:\n    import a\n", []string{"2:5 import a MAIN"}},
		{"main else", "if __name__ == '__main__':\n    pass\nelse:\n    import a\n", []string{"4:5 import a"}},
		{"not main", "if __name__ != '__main__':\n    import a\nif __name__ == '__mai__':\n    import b\n", []string{"2:5 import a", "4:5 import b"}},
	})
}

func TestDynamic(t *testing.T) {
	runImportCases(t, []importCase{
		{"importlib", "import importlib\nm = importlib.import_module(\"x.y\")\n", []string{"1:1 import importlib", "2:5 dynamic import x.y"}},
		{"from importlib", "from importlib import import_module\ndef f():\n    return import_module('x')\n",
			[]string{"1:1 from importlib import import_module", "3:12 dynamic import x [function]"}},
		{"bare import_module used before import", "def f():\n    return import_module('x')\nfrom importlib import import_module\n",
			[]string{"2:12 dynamic import x [function]", "3:1 from importlib import import_module"}},
		{"bare import_module not from importlib", "from mylib import import_module\nimport_module('x')\n", []string{"1:1 from mylib import import_module"}},
		{"import_module alias", "from importlib import import_module as im\nim('x')\n", []string{"1:1 from importlib import import_module as im", "2:1 dynamic import x"}},
		{"importlib alias", "import importlib as il\nil.import_module('x')\nother.import_module('y')\n", []string{"1:1 import importlib as il", "2:1 dynamic import x"}},
		{"__import__", "os = __import__('os')\nx = builtins.__import__('y').z\nfoo.__import__('no')\n", []string{"1:6 dynamic import os", "2:5 dynamic import y"}},
		{"keyword argument", "importlib.import_module(name='x')\n__import__(name='y')\nimportlib.import_module(nam='z')\n", []string{"1:1 dynamic import x", "2:1 dynamic import y"}},
		{"multi-line call", "m = importlib.import_module(\n    'x',\n)\n", []string{"1:5 dynamic import x"}},
		{"not literals", "importlib.import_module(name)\nimportlib.import_module(f'x')\nimportlib.import_module('a' 'b')\nimportlib.import_module('a' + b)\n__import__(b'x')\n__import__('not a module')\n__import__('')\n__import__('x\\n')\n", nil},
		{"relative with __package__", "importlib.import_module('.sub', package=__package__)\nimportlib.import_module('..up', __package__)\n",
			[]string{"1:1 dynamic import .sub", "2:1 dynamic import ..up"}},
		{"relative with literal package", "importlib.import_module('.sub', 'pkg.inner')\nimportlib.import_module('..x', package='pkg.inner')\nimportlib.import_module('...x', 'pkg.inner')\n",
			[]string{"1:1 dynamic import pkg.inner.sub", "2:1 dynamic import pkg.x"}},
		{"relative skipped", "importlib.import_module('.sub')\nimportlib.import_module('.sub', package=__name__)\n__import__('.x')\n", nil},
		{"inside string never", "x = \"importlib.import_module('x')\"\ny = f\"{__import__('os')}\"\n", nil},
		{"def named import_module", "def import_module(name):\n    pass\ndef __import__(x): pass\n", nil},
		{"in header context", "if importlib.import_module('x'):\n    pass\n", []string{"1:4 dynamic import x"}},
	})
}

// A name the module's top level bound to a string literal is that literal for a dynamic
// import at module level, until anything may have bound it again.
func TestDynamicConstant(t *testing.T) {
	runImportCases(t, []importCase{
		{"constant", "N = 'a.b'\nimportlib.import_module(N)\n__import__(N)\n", []string{"2:1 dynamic import a.b", "3:1 dynamic import a.b"}},
		{"last binding wins", "N = 'a'\nN = 'b'\nimportlib.import_module(N)\n", []string{"3:1 dynamic import b"}},
		{"in a try at module level", "N = 'a'\ntry:\n    importlib.import_module(N)\nexcept ImportError:\n    pass\n",
			[]string{"3:5 dynamic import a try#1"}},
		{"relative with __package__", "N = '.sub'\nimportlib.import_module(N, __package__)\n", []string{"2:1 dynamic import .sub"}},
		{"bound under if", "if x:\n    N = 'a'\nimportlib.import_module(N)\n", nil},
		{"rebound under if", "N = 'a'\nif x:\n    N = 'b'\nimportlib.import_module(N)\n", nil},
		{"rebound by for", "N = 'a'\nfor N in y:\n    pass\nimportlib.import_module(N)\n", nil},
		{"rebound by import", "N = 'a'\nfrom m import N\nimportlib.import_module(N)\n", []string{"2:1 from m import N"}},
		{"deleted", "N = 'a'\ndel N\nimportlib.import_module(N)\n", nil},
		{"not a plain literal", "N = 'a' + b\nM = f'x'\nimportlib.import_module(N)\nimportlib.import_module(M)\n", nil},
		{"after use only", "importlib.import_module(N)\nN = 'a'\n", nil},
		{"in a loop", "N = 'a'\nwhile x:\n    importlib.import_module(N)\n    N = 'b'\n", nil},
		{"in a function", "N = 'a'\ndef f():\n    importlib.import_module(N)\n", nil},
		{"global in a function", "def f():\n    global N\n    N = 'b'\nN = 'a'\nf()\nimportlib.import_module(N)\n", nil},
		{"globals() used", "N = 'a'\nglobals()['N'] = 'b'\nimportlib.import_module(N)\n", nil},
		{"function local is not the module's", "def f():\n    N = 'a'\nimportlib.import_module(N)\n", nil},
	})
}

// __import__ returns the top-level package (importing it) unless its fromlist is non-empty;
// import_module returns the module it names.
func TestDynamicReturnsTop(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"__import__('a.b')\n", true},
		{"__import__('a.b', )\n", true},
		{"__import__(name='a.b')\n", true},
		{"__import__('a.b', globals(), locals())\n", true},
		{"__import__('a.b', globals(), locals(), [], 0)\n", true},
		{"__import__('a.b', globals(), None, None)\n", true},
		{"__import__('a.b', fromlist=())\n", true},
		{"__import__('a.b', globals(), locals(), ['c'], 0)\n", false},
		{"__import__('a.b', fromlist=['c'])\n", false},
		{"__import__('a.b', g(x, [1]), fromlist=names)\n", false},
		{"__import__('a.b', dict(a=[1, 2]), {}, ('c',))\n", false},
		{"__import__('a.b', level=0, fromlist=[])\n", true},
		{"importlib.import_module('a.b')\n", false},
	}
	for _, tc := range cases {
		f := Scan([]byte(tc.src))
		if len(f.Imports) != 1 || !f.Imports[0].Dynamic {
			t.Errorf("%q: imports %+v", tc.src, f.Imports)
			continue
		}
		if got := f.Imports[0].ReturnsTop; got != tc.want {
			t.Errorf("%q: ReturnsTop = %v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestNamePositions(t *testing.T) {
	f := Scan([]byte("from m import (a,\n   b as c)\n"))
	want := []Name{{Name: "a", Line: 1, Col: 16}, {Name: "b", Alias: "c", Line: 2, Col: 4}}
	if len(f.Imports) != 1 || !reflect.DeepEqual(f.Imports[0].Names, want) {
		t.Fatalf("got %+v", f.Imports)
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"defs and classes", "def f(): pass\nasync def g(): pass\nclass C:\n    x = 1\n    def m(self): y = 2\n", []string{"C", "f", "g"}},
		{"assignments", "a = 1\nb = c = 2\nd, (e, [f, *g]) = h\n*i, j = k\nl.m = 1\nn[0] = 1\no: int = 1\np: int\nq += 1\n",
			[]string{"a", "b", "c", "d", "e", "f", "g", "i", "j", "o", "q"}},
		{"walrus", "if (m := f()):\n    pass\nprint((n := 1))\ndef h():\n    (z := 3)\n", []string{"h", "m", "n"}},
		{"for and with", "for i, (j, k) in x:\n    pass\nwith open(a) as fh, b() as (c, d):\n    pass\nwith (e as g):\n    pass\nwith x as self.attr:\n    pass\n",
			[]string{"c", "d", "fh", "g", "i", "j", "k"}},
		{"except as", "try:\n    pass\nexcept E as err:\n    pass\n", []string{"err"}},
		{"imports", "import a.b\nimport c.d as e\nfrom m import x as y, z\nfrom . import w\n", []string{"a", "e", "w", "y", "z"}},
		{"nested blocks at top level", "if x:\n    a = 1\n    try:\n        import b\n    except ImportError:\n        b = None\nwhile y:\n    c = 2\n", []string{"a", "b", "c"}},
		{"global", "def f():\n    global g1, g2\n    g1 = 1\n", []string{"f", "g1", "g2"}},
		{"function locals excluded", "def f():\n    a = 1\n    import b\n    for c in d: pass\n", []string{"f"}},
		{"del does not unbind", "a = 1\ndel a\n", []string{"a"}},
		{"type alias", "type X = int\ntype Y[T] = list[T]\n", []string{"X", "Y"}},
		{"semicolon and one-line", "a = 1; b = 2\nif x: c = 3\n", []string{"a", "b", "c"}},
		{"lambda default not bound", "f = lambda x, y=1: x\n", []string{"f"}},
		{"keyword arguments not bound", "f(a=1, b=2)\n", nil},
		{"comparison not bound", "a == b\na <= b\nassert c == d\n", nil},
		{"dunder all", "__all__ = ['x']\n", []string{"__all__"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := Scan([]byte(tc.src))
			got := sortedNames(f)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("source:\n%s\ngot  %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestOpenAndAll(t *testing.T) {
	cases := []struct {
		name, src string
		open, all bool
	}{
		{"plain", "import os\nx = 1\n", false, false},
		{"module getattr", "def __getattr__(name):\n    raise AttributeError(name)\n", true, false},
		{"module getattr in if", "if sys.version_info < (3, 7):\n    def __getattr__(name): pass\n", true, false},
		{"class getattr", "class A:\n    def __getattr__(self, name): pass\n", false, false},
		{"star import", "from os.path import *\n", true, false},
		{"star import in try", "try:\n    from ._speedups import *\nexcept ImportError:\n    pass\n", true, false},
		{"globals", "globals()['x'] = 1\n", true, false},
		{"globals in function", "def f():\n    globals().update(d)\n", true, false},
		{"vars", "vars()['x'] = 1\n", true, false},
		{"exec", "exec('x = 1')\n", true, false},
		{"sys.modules", "setattr(sys.modules[__name__], 'x', 1)\n", true, false},
		{"method named globals", "self.globals()\ndef globals(): pass\n", false, false},
		{"in string", "x = 'globals()'\n# exec(\n", false, false},
		{"all", "__all__ = ['a']\n", false, true},
		{"all augmented", "__all__ += ['a']\n", false, true},
		{"all in function", "def f():\n    __all__ = 1\n", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := Scan([]byte(tc.src))
			if f.Open != tc.open || f.DefinesAll != tc.all {
				t.Errorf("source:\n%s\nOpen=%v DefinesAll=%v, want %v %v", tc.src, f.Open, f.DefinesAll, tc.open, tc.all)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	if f := Scan([]byte("import os\nx = 1\n")); len(f.Errors) != 0 {
		t.Errorf("clean file: errors %q", f.Errors)
	}
	f := Scan([]byte("x = 'abc\ny = \"\"\"\n"))
	if len(f.Errors) != 2 || !strings.Contains(f.Errors[0], "line 1") || !strings.Contains(f.Errors[1], "line 2: unterminated triple") {
		t.Errorf("errors %q", f.Errors)
	}
	junk := strings.Repeat("$ ", 1000) // a run of junk characters is one error
	if f := Scan([]byte(junk)); len(f.Errors) != maxErrors+1 {
		t.Errorf("junk: %d errors, want capped at %d+1", len(f.Errors), maxErrors)
	}
}

// TestHostile feeds inputs built to hurt: deep nesting, huge lines, junk.
func TestHostile(t *testing.T) {
	inputs := map[string]string{
		"deep fstrings":    strings.Repeat("f'{", 5000) + strings.Repeat("}'", 5000) + "\nimport ok\n",
		"deep brackets":    "x = " + strings.Repeat("(", 100000) + "\nimport ok\n",
		"deep specs":       "f'" + strings.Repeat("{x:", 5000) + "\nimport ok\n",
		"many dedents":     strings.Repeat(" ", 100000) + "x\nimport ok\n",
		"deep blocks":      deepBlocks(3000) + "import ok\n",
		"binary":           "\x00\xff\xfe\x80import ok\x00\n",
		"lonely backslash": "\\",
		"only quotes":      strings.Repeat("'\"", 10000),
		"long import list": "import " + strings.Repeat("a, ", 50000) + "b\n",
		// Inputs that would be quadratic in a careless implementation.
		"imports on one line":       strings.Repeat("import a;", 50000) + "\n",
		"from names on one line":    "from m import " + strings.Repeat("a as b, ", 50000) + "c\n",
		"deep line many imports":    "try:\n" + strings.Repeat(" ", 50000) + strings.Repeat("import a;", 50000) + "\n",
		"nested target":             strings.Repeat("(", 100000) + "a" + strings.Repeat(")", 100000) + " = 1\n",
		"nested condition":          "if " + strings.Repeat("(", 100000) + "TYPE_CHECKING" + strings.Repeat(")", 100000) + ":\n  import a\n",
		"with as unclosed":          "with " + strings.Repeat("a as (", 100000) + ":\n  import a\n",
		"dynamic calls one line":    strings.Repeat("__import__('a');", 50000) + "\n",
		"nested tries many imports": deepTries(500) + strings.Repeat(strings.Repeat(" ", 500)+"import a\n", 20000),
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			f := Scan([]byte(src))
			if msg := checkInvariants([]byte(src), f); msg != "" {
				t.Error(msg)
			}
			// Linear work takes milliseconds here; quadratic work, minutes.
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			t.Logf("%s: %d bytes in %v", name, len(src), time.Since(start))
		})
	}
}

func deepTries(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("try:\n")
	}
	return b.String()
}

func deepBlocks(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("if x:\n")
	}
	return b.String()
}

// TestGolden scans testdata/golden.py, a realistic file mixing every feature,
// and compares a full rendering with testdata/golden.txt (go test -update
// rewrites it).
func TestGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "golden.py"))
	if err != nil {
		t.Fatal(err)
	}
	f := Scan(src)
	var b strings.Builder
	b.WriteString("# imports\n")
	for _, imp := range f.Imports {
		b.WriteString(render(imp) + "\n")
	}
	b.WriteString("# names\n" + strings.Join(sortedNames(f), " ") + "\n")
	b.WriteString("# open\n")
	if f.Open {
		b.WriteString("true\n")
	} else {
		b.WriteString("false\n")
	}
	b.WriteString("# defines __all__\n")
	if f.DefinesAll {
		b.WriteString("true\n")
	} else {
		b.WriteString("false\n")
	}
	b.WriteString("# errors\n")
	for _, e := range f.Errors {
		b.WriteString(e + "\n")
	}
	got := b.String()
	goldenPath := filepath.Join("testdata", "golden.txt")
	if *update {
		if err := os.WriteFile(goldenPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("golden mismatch (go test -run TestGolden -update to accept)\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestAbsolute(t *testing.T) {
	for _, c := range []struct {
		pkg    string
		level  int
		module string
		want   string
		ok     bool
	}{
		{"a.b", 0, "x.y", "x.y", true},
		{"", 0, "x", "x", true},
		{"a.b", 1, "", "a.b", true},
		{"a.b", 1, "c", "a.b.c", true},
		{"a.b", 2, "c", "a.c", true},
		{"a.b", 3, "c", "", false}, // beyond the top-level package
		{"", 1, "c", "", false},    // no parent package
		{"", 2, "", "", false},
	} {
		got, ok := Import{Module: c.module, Level: c.level}.Absolute(c.pkg)
		if got != c.want || ok != c.ok {
			t.Errorf("Absolute(%q) of %q level %d = %q, %v; want %q, %v", c.pkg, c.module, c.level, got, ok, c.want, c.ok)
		}
	}
}

// TestScanKeepsNoInputBytes: a File holds copies, never the source's own bytes, so a
// caller may reuse the source buffer for the next file (pyresolve reads layer modules
// into pooled buffers). Each input is scanned from a buffer that is then overwritten;
// the File must still equal a scan of an untouched copy.
// scanInputs are the golden module and the fuzz seeds' sources, by name.
func scanInputs(t *testing.T) map[string][]byte {
	t.Helper()
	inputs := map[string][]byte{}
	golden, err := os.ReadFile("testdata/golden.py")
	if err != nil {
		t.Fatal(err)
	}
	inputs["golden.py"] = golden
	for _, dir := range []string{"testdata/fuzz/FuzzScan", "testdata/fuzz/FuzzStmtFlags"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			_, lit, ok := strings.Cut(string(b), "[]byte(")
			if !ok {
				continue
			}
			src, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lit), ")")))
			if err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
			inputs[dir+"/"+e.Name()] = []byte(src)
		}
	}
	if len(inputs) < 20 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	return inputs
}

func TestScanKeepsNoInputBytes(t *testing.T) {
	for name, src := range scanInputs(t) {
		buf := bytes.Clone(src)
		got := Scan(buf)
		for i := range buf {
			buf[i] = '#'
		}
		Scan(buf) // the pooled scanner's buffers too are overwritten
		if want := Scan(src); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the File changed when its source buffer was overwritten", name)
		}
	}
}

// TestScanKeepsNoScratch: a File shares nothing with the pooled scanner's scratch
// (the flow arena, slabs, maps), so the scans after it leave it as it was: every input
// is scanned and kept, one pooled scanner after another, and each kept File must equal
// a scan of its input by a new scanner (a new pool, so no scratch is shared with it).
func TestScanKeepsNoScratch(t *testing.T) {
	inputs := scanInputs(t)
	names := slices.Sorted(maps.Keys(inputs))
	kept := map[string]*File{}
	for _, name := range names {
		kept[name] = Scan(inputs[name])
	}
	defer func(p *sync.Pool) { scanPool = p }(scanPool)
	for _, name := range names {
		scanPool = &sync.Pool{New: func() any { return new(scanner) }}
		if fresh := Scan(inputs[name]); !reflect.DeepEqual(kept[name], fresh) {
			t.Errorf("%s: the File changed when later files were scanned", name)
		}
	}
}
