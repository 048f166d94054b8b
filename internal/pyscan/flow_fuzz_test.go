package pyscan

import (
	"fmt"
	"testing"
)

// FuzzFlow checks that the flow tree is well formed for any input: every import at
// module or class scope appears in it exactly once, every StImport points at one, and
// a try or if statement has what it needs.
func FuzzFlow(f *testing.F) {
	f.Add([]byte("try:\n    import a\nexcept ImportError as e:\n    raise X from e\nelse:\n    import b\nfinally:\n    import c\n"))
	f.Add([]byte("if sys.version_info >= (3, 12):\n    import a\nelif TYPE_CHECKING: import b\nelse:\n    del handler\n"))
	f.Add([]byte("from impl import *\n__all__ = ['a', \"b\"]\n__all__ += ('c',)\nclass K(m.B):\n    import d\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		res := Scan(src)
		seen := make([]int, len(res.Imports))
		if msg := checkFlow(res, res.Flow, seen, 0); msg != "" {
			t.Fatalf("%s\nsource: %q", msg, src)
		}
		for i, imp := range res.Imports {
			want := 1
			if imp.Scope == FunctionScope {
				want = 0
			}
			if seen[i] != want {
				t.Fatalf("import %d (%s, line %d, scope %v) is in the flow %d times, want %d\nsource: %q", i, imp.Module, imp.Line, imp.Scope, seen[i], want, src)
			}
		}
	})
}

func checkFlow(f *File, list []Stmt, seen []int, depth int) string {
	if depth > 100000 {
		return "flow too deep"
	}
	for _, st := range list {
		switch st.Kind {
		case StImport:
			if st.Index < 0 || int(st.Index) >= len(f.Imports) {
				return fmt.Sprintf("StImport index %d of %d", st.Index, len(f.Imports))
			}
			seen[st.Index]++
		case StTry:
			if st.Try == nil {
				return "StTry without Try"
			}
			for _, l := range [][]Stmt{st.Try.Body, st.Try.Else, st.Try.Finally} {
				if msg := checkFlow(f, l, seen, depth+1); msg != "" {
					return msg
				}
			}
			for _, h := range st.Try.Handlers {
				if msg := checkFlow(f, h.Body, seen, depth+1); msg != "" {
					return msg
				}
			}
		case StIf:
			if len(st.If) == 0 || !st.If[0].Test {
				return "StIf without its if branch"
			}
			for _, br := range st.If {
				for minor := 6; minor <= 14; minor++ {
					br.Cond.Eval(minor)
				}
				if msg := checkFlow(f, br.Body, seen, depth+1); msg != "" {
					return msg
				}
			}
		case StBind, StDel, StAttr:
			if st.Name == "" {
				return "binding without a name"
			}
		}
		if msg := checkFlow(f, st.Body, seen, depth+1); msg != "" {
			return msg
		}
	}
	return ""
}

// FuzzCond checks the if-test evaluator: it never panics, and `not (test)` is known
// exactly when test is, with the opposite truth.
func FuzzCond(f *testing.F) {
	for _, s := range []string{
		"sys.version_info >= (3, 12)", "sys.version_info[:2] == (3, 11)", "sys.version_info.minor < 10",
		"sys.platform.startswith(('linux', 'darwin'))", "platform.system() == 'Linux' and os.name != 'nt'",
		"not TYPE_CHECKING or x", "__name__ == '__main__'", "(3, 8) <= sys.version_info < (3, 12, 1)",
	} {
		f.Add(s, 11)
	}
	f.Fuzz(func(t *testing.T, cond string, minor int) {
		res := Scan([]byte("if " + cond + ":\n    pass\nif not (" + cond + "):\n    pass\n"))
		var ifs []Stmt
		for _, st := range res.Flow {
			if st.Kind == StIf {
				ifs = append(ifs, st)
			}
		}
		if len(ifs) != 2 {
			return // the text broke out of the test
		}
		a, ka := ifs[0].If[0].Cond.Eval(minor)
		b, kb := ifs[1].If[0].Cond.Eval(minor)
		if ka && kb && a == b {
			t.Fatalf("%q on 3.%d: test and its negation are both %v", cond, minor, a)
		}
	})
}
