package pysyntax_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/pysyntax"
)

// cleanShapes are sources near each rule of pyscan's proof (syntaxclean.go): each is
// either proved clean or left to Check, and must never be proved clean when Check
// reports something.
var cleanShapes = []string{
	"x = 1if y else 2\n", "x = 0x1F\n", "x = 0X1f + 1\n", "x = 1_000\n", "x = 1e5\n", "x = 1j\n", "x = 0o17\n",
	"x = 0b1\n", "x = 1.\n", "x = .5\n", "x = 1..real\n", "x = 00\n", "x = 007\n", "x = 0.7\n", "x = 10l\n",
	"x = 1 if y else 2\n", "x = 5 .real\n", "from m import *\n", "from m import *  # all\n", "from . import *\n",
	"from import import*\n", "from m import import *\n", "from m import a; from n import *\n", "from m import *; from n import *\n",
	"x = 1; from m import *\n", "from m import (a, *)\n", "from m import a as b, *\n", "from m import a, *; x\n",
	"x = f'{0.e0L}'\n", "x = f'{1.5}'\n", "x = f'{a.b}'\n",
	"from m import a, *\n", "from m import (*)\n", "from m import *; x = 1\n", "x = 2 * 3; from m import y\n",
	"def f(*a, **k): pass\n", "yield from x * 2\n", "print x\n", "print(x)\n", "x = a b\n", "x = a 'b'\n",
	"x = 'a' 'b'\n", "x = 'a'b\n", "return'x'\n", "x = bu'x'\n", "x = ur'x'\n", "x = rb'x' + Br'y' + u'z'\n",
	"x = f'{a}'\n", "x = t'{a}'\n", "x = F'a'\n", "if (n := 1):\n    pass\n", "x = 1 <> 2\n", "x = !y\n",
	"x = 1 != 2\n", "match x:\n    case 1:\n        pass\n", "match = re.match(p, s)\n", "match(x)\n",
	"match x, y:\n    case _:\n        pass\n", "try:\n    pass\nexcept* E:\n    pass\n",
	"try:\n    pass\nexcept E:\n    pass\n", "type X = int\n", "type = 1\n", "type(x)\n", "type X[T] = list[T]\n",
	"def f[T](x): pass\n", "class C[T]: pass\n", "async def f[T](x): pass\n", "async def f(x):\n    await g()\n",
	"'k': v\n", "1: v\n", "x = {'k': v}\n", "x = (1,\n", "x = [1, 2)\n", "x = 1)\n", "x = ((((1))))\n",
	"if x:\ny = 2\n", "if x:\n    y = 2\n  z = 3\n", "if x:\n    y = 2\nz = 3\n", "  x = 1\n", "def f():\n",
	"def f():\n    # only a comment\n", "def f():\n\n    return 1\n", "class C:\n    x: int = 1\n",
	"x = [\n  1,\n    2,\n]\ny = 1\n", "x = 1 + \\\n    2\n", "x = 1 \\ 2\n", "x = 1 \\", "\\\nx = 1\n",
	"x = 'abc\n", "x = '''abc\n", "x = 'a\\'\n", "x = 'a\\\nb'\n", "x = '''a\n'''\n", "x = $\n", "x = `y`\n",
	"x = 1\r\ny = 2\r\n", "if x:\r\n    y = 1\r\n", "x = 1\ry = 2\r", "\tx = 1\n", "if x:\n\ty = 1\n",
	"x = 1\f\n", "x = \x00\n", "x = '\xc3\xa9'\n", "\xef\xbb\xbfx = 1\n", "x = \x01\n", "x = 1;\n", "x = 1;;\n",
	"@dec\ndef f():\n    pass\n", "lambda: 0\n", "x = lambda: 0\n", "for x in y:\n    pass\nelse:\n    pass\n",
	"with a as b, c as d:\n    pass\n", "x = y[1:2, ::3]\n", "x: int\n", "def f() -> int:\n    return 1\n",
	"x = ...\n", "x = a if b else c\n", "assert x, 'msg'\n", "del x\n", "global x\n", "nonlocal x\n",
	"x = not y\n", "x = a is not b\n", "x = a not in b\n", "_ x\n", "x _\n", "case x\n", "x = await y\n",
	"import a.b as c\n", "from .a import (b,\n    c)\n", "x = [i for i in y if i]\n", "x = {**a}\n",
	"x = f'{x}'\n", "x = f'{x!r}'\n", "x = f'{x:>10}'\n", "x = f'{x:{w}}'\n", "x = f'{{a}}'\n", "x = f'}'\n",
	"x = f'{'\n", "x = f'{}'\n", "x = f'{ }'\n", "x = f'{x=}'\n", "x = f'{x!r }'\n", "x = f'{a b}'\n",
	"x = f'{a if b else c}'\n", "x = f'{x[0]}'\n", "x = f'{d[\"k\"]}'\n", "x = f'{x:=10}'\n", "x = f'{(x:=1)}'\n",
	"x = f'{x!}'\n", "x = f'{x!z}'\n", "x = f'{x!rr}'\n", "x = f'{01}'\n", "x = f'{1l}'\n", "x = f'{a)}'\n",
	"x = f'{(a}'\n", "x = f'{a.b(c, d)}'\n", "x = f\"{'a'}\"\n", "x = f'{x}' f'{y}'\n", "x = rf'{x}'\n",
	"x = fr'{x}' + Rf'{y}'\n", "x = t'{x}'\n", "x = f'''{x}'''\n", "x = f'{x:%Y-%m-%d}'\n", "x = f'{x:{}}'\n",
	"x = f'{!r}'\n", "x = f'{:x}'\n", "x = f'{x!r:>{w}}'\n", "x f'{a}'\n", "x f'a'\n", "x = f'{a}}'\n",
	"x = f'{a}{b}'\n", "x = f'{a + 1.5 * b[i](j)}'\n", "x = f'{a # c}'\n", "x = f'{a\\n}'\n", "x = f'a\\{b}'\n",
	"x = f'{a:}'\n", "x = f'{a!r:}'\n", "x = f'{a ! r}'\n", "x = f'{ a }'\n", "x = f'{a,}'\n", "x = f'{*a}'\n",
	"x = f'{a[1:2]}'\n", "x = f'{a(b=1)}'\n", "x = f'{a!=b}'\n", "x = f'{a==b}'\n", "x = f'{1.e5}'\n",
	"x = f'{0}'\n", "x = f'{00}'\n", "x = f'{0.5}'\n", "x = f'{1.l}'\n", "x = f'{1 l}'\n", "x = f''\n", "x = f'\n",
	"x = f'{a}\n", "x = f'{a'\n", "x = f'{a!r'\n", "x = f'{a:b'\n", "x = f'{((((((((((a))))))))))}'\n",
	"x = f'{(a]}'\n", "x = f'{[a)}'\n", "x = f'{a[b)]}'\n",
	"x = f'{a!r}{b:>{c}}' F\"{d}\"\n", "x = f'{a}' 'b' f'{c}'\n", "x = f'{a.b.c[0][1]}'\n",
}

// TestSyntaxCleanImpliesCheck holds pyscan's proof that a file is clean for pysyntax
// (File.SyntaxClean) to pysyntax.Check itself: over the differential corpus (generated
// modules, with targeted constructs and random edits), the known shapes, the shapes
// near each rule of the proof, and the standard library of the local Pythons, a file
// the scan proves clean is one Check finds nothing in. The proof must also hold for
// most plain code (else the syntax check would still run on every file).
func TestSyntaxCleanImpliesCheck(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 400
	}
	srcs := append(pysyntax.Corpus(19, n), cleanShapes...)
	srcs = append(srcs, stdlibSources(t)...)
	clean, plain := 0, 0
	for _, s := range srcs {
		src := []byte(s)
		if !pyscan.Scan(src).SyntaxClean {
			continue
		}
		clean++
		if p := pysyntax.Check(src); p != nil {
			t.Errorf("the scan proves clean a file Check reports %+v in:\n%.600s", p.Problems, s)
		}
	}
	for _, s := range []string{
		"import os\n\n\ndef handler(event, context):\n    if not event:\n        return None\n    return {'n': 1, 'x': [1, 2.5, 0x1F]}\n",
		"from typing import Any\n\n\nclass Model:\n    x: int = 0\n\n    def method(self, y: int) -> int:\n        return self.x + y\n",
		"try:\n    import ujson as json\nexcept ImportError:\n    import json\n__all__ = ['a', \"b\"]\n",
		"log.info(f'{name}: {len(items)} items, {ratio:.2f} done, {err!r}')\n",
	} {
		plain++
		if !pyscan.Scan([]byte(s)).SyntaxClean {
			t.Errorf("plain code is not proved clean:\n%s", s)
		}
	}
	t.Logf("%d sources, %d proved clean; %d plain ones all proved", len(srcs), clean, plain)
}

// stdlibSources reads the standard libraries of the oldest and the newest local Python
// 3 (real code of every shape), or nothing when there is none.
func stdlibSources(t *testing.T) []string {
	pys, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".pyenv/versions/3.*/bin/python3.*[0-9]"))
	minor := func(p string) int {
		n, _ := strconv.Atoi(p[strings.LastIndexByte(p, '.')+1:])
		return n
	}
	slices.SortFunc(pys, func(a, b string) int { return minor(a) - minor(b) })
	if len(pys) > 2 {
		pys = []string{pys[0], pys[len(pys)-1]}
	}
	limit := 2500
	if testing.Short() {
		limit = 500
	}
	var srcs []string
	for _, py := range pys {
		out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
		if err != nil {
			t.Logf("%s: %v", py, err)
			continue
		}
		n := 0
		filepath.WalkDir(strings.TrimSpace(string(out)), func(p string, d fs.DirEntry, err error) error {
			if err != nil || n >= limit {
				return fs.SkipAll
			}
			if d.IsDir() || filepath.Ext(p) != ".py" || strings.Contains(p, "site-packages") {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil {
				srcs = append(srcs, string(b))
				n++
			}
			return nil
		})
	}
	return srcs
}

// FuzzSyntaxClean: for any bytes, a file the scan proves clean is one pysyntax.Check
// finds nothing in.
func FuzzSyntaxClean(f *testing.F) {
	for _, s := range cleanShapes {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if pyscan.Scan(src).SyntaxClean {
			if p := pysyntax.Check(src); p != nil {
				t.Fatalf("proved clean, Check reports %+v", p.Problems)
			}
		}
	})
}
