package pyscan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// dumpFlow renders a flow tree one statement a line, indented by nesting.
func dumpFlow(f *File, list []Stmt, ind string, b *strings.Builder) {
	for _, st := range list {
		switch st.Kind {
		case StImport:
			imp := f.Imports[st.Index]
			fmt.Fprintf(b, "%simport %s%s", ind, strings.Repeat(".", imp.Level), imp.Module)
			for _, n := range imp.Names {
				fmt.Fprintf(b, " %s", n.Name)
			}
			b.WriteString("\n")
		case StBind:
			fmt.Fprintf(b, "%sbind %s %d\n", ind, st.Name, st.Value)
		case StDel:
			fmt.Fprintf(b, "%sdel %s\n", ind, st.Name)
		case StRaise:
			fmt.Fprintf(b, "%sraise %s\n", ind, st.Name)
		case StAttr:
			fmt.Fprintf(b, "%sattr %s.%s\n", ind, st.Name, st.Attr)
		case StLoop, StBlock:
			fmt.Fprintf(b, "%sblock%d\n", ind, st.Kind)
			dumpFlow(f, st.Body, ind+"  ", b)
		case StTry:
			fmt.Fprintf(b, "%stry\n", ind)
			dumpFlow(f, st.Try.Body, ind+"  ", b)
			for _, h := range st.Try.Handlers {
				fmt.Fprintf(b, "%sexcept %v bare=%v as=%s\n", ind, h.Catches, h.Bare, h.As)
				dumpFlow(f, h.Body, ind+"  ", b)
			}
			if st.Try.Else != nil {
				fmt.Fprintf(b, "%selse\n", ind)
				dumpFlow(f, st.Try.Else, ind+"  ", b)
			}
			if st.Try.Finally != nil {
				fmt.Fprintf(b, "%sfinally\n", ind)
				dumpFlow(f, st.Try.Finally, ind+"  ", b)
			}
		case StIf:
			for i, br := range st.If {
				kw := "if"
				if i > 0 {
					kw = "elif"
				}
				if !br.Test {
					kw = "else"
				}
				t, k := br.Cond.Eval(11)
				fmt.Fprintf(b, "%s%s eval311=%v/%v\n", ind, kw, t, k)
				dumpFlow(f, br.Body, ind+"  ", b)
			}
		}
	}
}

func flowString(src string) string {
	f := Scan([]byte(src))
	var b strings.Builder
	dumpFlow(f, f.Flow, "", &b)
	return b.String()
}

func TestFlowTree(t *testing.T) {
	src := `import sys, os
try:
    import a
except (ImportError, KeyError) as e:
    raise RuntimeError("x") from e
else:
    import b
finally:
    import c
if sys.version_info >= (3, 12):
    import d
elif sys.platform == "linux": import e
else:
    import f
def handler(event, context):
    import lazy
handler = None
del handler
class K(os.Base):
    import g
from impl import *
__all__ = ["x", "y"]
`
	want := `import sys
import os
try
  import a
except [ImportError KeyError] bare=false as=e
  raise RuntimeError
else
  import b
finally
  import c
attr sys.version_info
if eval311=false/true
  import d
elif eval311=true/true
  import e
else eval311=false/false
  import f
bind handler 1
bind handler 2
del handler
attr os.Base
bind K 1
block7
  import g
import impl *
bind __all__ 2
`
	if got := flowString(src); got != want {
		t.Errorf("flow:\n%s\nwant:\n%s", got, want)
	}
	f := Scan([]byte(src))
	if !f.AllKnown || strings.Join(f.All, ",") != "x,y" || f.Dynamic || !f.Open {
		t.Errorf("All=%v known=%v dynamic=%v open=%v", f.All, f.AllKnown, f.Dynamic, f.Open)
	}
}

func TestCondEval(t *testing.T) {
	for _, c := range []struct {
		cond         string
		minor        int
		truth, known bool
	}{
		{"sys.version_info >= (3, 12)", 11, false, true},
		{"sys.version_info >= (3, 12)", 12, true, true},
		{"sys.version_info[:2] == (3, 11)", 11, true, true},
		{"sys.version_info.minor >= 12", 13, true, true},
		{"sys.version_info[0] == 3", 9, true, true},
		{"sys.version_info < (3, 11, 4)", 11, false, false},
		{"sys.version_info < (3, 11, 4)", 10, true, true},
		{"sys.platform == 'linux'", 11, true, true},
		{"sys.platform.startswith('win')", 11, false, true},
		{"os.name == \"posix\"", 11, true, true},
		{"platform.system() == 'Linux'", 11, true, true},
		{"TYPE_CHECKING", 11, false, true},
		{"typing.TYPE_CHECKING", 11, false, true},
		{"not TYPE_CHECKING", 11, true, true},
		{"False", 11, false, true},
		{"0", 11, false, true},
		{"__name__ == '__main__'", 11, false, true},
		{"x and False", 11, false, true},
		{"x or True", 11, true, true},
		{"x", 11, false, false},
		{"settings.DEBUG", 11, false, false},
		{"(sys.version_info >= (3, 8)) and not sys.platform == 'win32'", 11, true, true},
		// environment variables Lambda always sets
		{"os.environ.get('AWS_LAMBDA_FUNCTION_NAME')", 12, true, true},
		{"not os.environ.get(\"AWS_LAMBDA_FUNCTION_NAME\")", 12, false, true},
		{"os.getenv('LAMBDA_TASK_ROOT') is None", 12, false, true},
		{"os.getenv('LAMBDA_TASK_ROOT', '') is not None", 12, true, true},
		{"'AWS_EXECUTION_ENV' in os.environ", 12, true, true},
		{"'AWS_EXECUTION_ENV' not in os.environ", 12, false, true},
		{"os.environ.get('AWS_REGION') == 'eu-west-1'", 12, false, false},
		{"os.environ.get('STAGE')", 12, false, false},
		{"'STAGE' in os.environ", 12, false, false},
		{"os.environ.get('STAGE') is None", 12, false, false},
		{"env.get('LAMBDA_TASK_ROOT')", 12, false, false},
	} {
		f := Scan([]byte("if " + c.cond + ":\n    import m\n"))
		if len(f.Flow) == 0 || f.Flow[len(f.Flow)-1].Kind != StIf {
			t.Errorf("%s: no if statement in the flow", c.cond)
			continue
		}
		br := f.Flow[len(f.Flow)-1].If[0]
		truth, known := br.Cond.Eval(c.minor)
		if truth != c.truth || known != c.known {
			t.Errorf("%s on 3.%d: got %v/%v, want %v/%v", c.cond, c.minor, truth, known, c.truth, c.known)
		}
	}
}

// TestConsts: the names File.Consts keeps (bound once, at the top level outside any
// block, to a test Cond reads), and what an if test reading them evaluates to.
func TestConsts(t *testing.T) {
	src := `import sys as _sys
import os
import platform
PY2 = _sys.version_info[0] == 2
PY3 = not PY2
PY38 = _sys.version_info >= (3, 8)
WIN = os.name == "nt"
TWICE = PY2
TWICE = True
if PY3:
    INNER = PY2
try:
    TRIED = PY2
except Exception:
    pass
GLOBAL = PY2
CALL = foo()
LOG = _sys.getrecursionlimit()
LINUX = platform.system() == "Linux"
def f():
    global GLOBAL
    GLOBAL = 1
DELETED = PY2
del DELETED
`
	f := Scan([]byte(src))
	var got []string
	for name := range f.Consts {
		got = append(got, name)
	}
	slices.Sort(got)
	if want := "LINUX PY2 PY3 PY38 WIN"; strings.Join(got, " ") != want {
		t.Fatalf("Consts = %v, want %s", got, want)
	}
	var names Names
	names = func(base, name string) (*Cond, Names) {
		if base != "" {
			return nil, nil
		}
		return f.Consts[name], names
	}
	for _, c := range []struct {
		name  string
		minor int
		truth bool
	}{{"PY2", 12, false}, {"PY3", 12, true}, {"PY38", 7, false}, {"PY38", 8, true}, {"WIN", 12, false}, {"LINUX", 12, true}} {
		e := evalEnv{minor: c.minor, names: names, budget: new(int)}
		*e.budget = maxNameLookups
		truth, known := truthOf(e.constant("", c.name))
		if !known || truth != c.truth {
			t.Errorf("%s on 3.%d = %v (known %v), want %v", c.name, c.minor, truth, known, c.truth)
		}
	}
}

// TestConstsBounded: constants that read each other, or fan out, stop at the bounds.
func TestConstsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("A0 = B0\nB0 = A0\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "A%d = A%d or A%d or A%d or A%d or A%d or A%d or A%d or A%d\n", i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	f := Scan([]byte(b.String()))
	calls := 0
	var names Names
	names = func(base, name string) (*Cond, Names) {
		calls++
		return f.Consts[name], names
	}
	for _, top := range []string{"A0", "A39"} {
		calls = 0
		c := f.Consts[top]
		if _, known := c.EvalWith(12, names); known {
			t.Errorf("%s is known", top)
		}
		if calls > maxNameLookups {
			t.Errorf("%s: %d lookups", top, calls)
		}
	}
}

// TestConstsLinear: many imports and many constants stay linear (each import is looked up
// by the names it binds, not compared with every constant).
func TestConstsLinear(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "import m%d\nC%d = sys.version_info >= (3, %d)\n", i, i, i%14)
	}
	b.WriteString("from x import *\n")
	start := time.Now()
	f := Scan([]byte(b.String()))
	if len(f.Consts) != 0 {
		t.Errorf("a star import keeps %d constants", len(f.Consts))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	f = Scan([]byte(strings.TrimSuffix(b.String(), "from x import *\n")))
	if len(f.Consts) != 20000 {
		t.Errorf("%d constants, want 20000", len(f.Consts))
	}
}
