package pyscan

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const fuzzMarker = "zzz_fuzz"

// hasMarker reports whether any import names fuzzMarker as a module or name.
func hasMarker(f *File) bool {
	for _, imp := range f.Imports {
		if strings.Contains(imp.Module, fuzzMarker) || strings.Contains(imp.Alias, fuzzMarker) {
			return true
		}
		for _, n := range imp.Names {
			if strings.Contains(n.Name, fuzzMarker) || strings.Contains(n.Alias, fuzzMarker) {
				return true
			}
		}
	}
	return false
}

// shifted returns imports with every line moved down by one.
func shifted(imps []Import) []Import {
	out := make([]Import, len(imps))
	for i, imp := range imps {
		imp.Line++
		if imp.Names != nil {
			names := make([]Name, len(imp.Names))
			for j, n := range imp.Names {
				n.Line++
				names[j] = n
			}
			imp.Names = names
		}
		out[i] = imp
	}
	return out
}

// FuzzScan checks that Scan never panics, that its results are well formed,
// and that import text placed in a comment or a string literal never yields an
// import. It also checks a metamorphic property: a leading comment line changes
// nothing but line numbers.
func FuzzScan(f *testing.F) {
	f.Add([]byte("import os\nfrom . import x\n"))
	f.Add([]byte("x = f\"{'import y'}\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if bytes.Contains(src, []byte(fuzzMarker)) {
			return
		}
		res := Scan(src)
		if msg := checkInvariants(src, res); msg != "" {
			t.Fatalf("%s\nsource: %q", msg, src)
		}

		// Import text appended inside a comment and a string literal.
		tail := "\n# import " + fuzzMarker + "\nx = \"import " + fuzzMarker + "\"\ny = '''from " + fuzzMarker + " import a'''\n"
		src2 := append(append([]byte{}, src...), tail...)
		res2 := Scan(src2)
		if msg := checkInvariants(src2, res2); msg != "" {
			t.Fatalf("%s\nsource: %q", msg, src2)
		}
		if hasMarker(res2) {
			t.Fatalf("import from comment or string: %q\n%v", src2, renderAll(res2))
		}

		// The same text prepended as a comment line and a string statement.
		for _, head := range []string{"# import " + fuzzMarker + "\n", "x = 'import " + fuzzMarker + "'\n"} {
			if bytes.HasPrefix(src, utf8BOM) {
				break
			}
			src3 := append([]byte(head), src...)
			res3 := Scan(src3)
			if hasMarker(res3) {
				t.Fatalf("import from comment or string: %q\n%v", src3, renderAll(res3))
			}
			if head[0] == '#' {
				// A comment line changes nothing but line numbers.
				if want := shifted(res.Imports); !reflect.DeepEqual(res3.Imports, want) && !(len(want) == 0 && len(res3.Imports) == 0) {
					t.Fatalf("leading comment changed imports of %q\ngot  %v\nwant %v", src, renderAll(res3), renderAll(&File{Imports: want}))
				}
				if !slices.Equal(sortedNames(res3), sortedNames(res)) || res3.Open != res.Open {
					t.Fatalf("leading comment changed names of %q", src)
				}
			}
		}
	})
}

// FuzzStmtFlags checks that exprScan's passes skip only statements where they would
// find nothing: a scan that runs every pass on every statement (allPasses) gives the
// same File.
func FuzzStmtFlags(f *testing.F) {
	for _, src := range []string{
		"import sys\nsys.path.insert(0, '/opt/x')\n",
		"import site\nsite.addsitedir('/opt/y')\n",
		"import importlib\nm = importlib.import_module('a.b')\n",
		"from importlib import import_module as im\nx = im('c')\n",
		"__import__('d')\nif (n := 3):\n    pass\n",
		"import a\na.b = 1\nfor a.c in []:\n    pass\nwith f() as a.d:\n    pass\n",
		"setattr(mod, 'x', 1)\nvars()['y'] = 2\nglobals()['z'] = 3\n",
		"import sys\nsys.modules[__name__].x = 1\n",
		"def f():\n    import e\n    return g(lambda: h())\n\nf()\n",
		"p = os.path.join(os.path.dirname(__file__), 'lib')\nsys.path.append(p)\n",
		"class C:\n    @staticmethod\n    def m():\n        import k\nC.m()\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got := Scan(src)
		allPasses = true
		want := Scan(src)
		allPasses = false
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("skipping passes changed the scan of %q\ngot  %#v\nwant %#v", src, got, want)
		}
	})
}
