package pysyntax

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen writes random Python modules that compile on Python 3.6 and later (and so on
// every local interpreter), from pieces real Lambda code is made of, with the lexical
// shapes that are easy to get wrong: every string prefix and quote, escapes,
// triple-quoted strings over lines, f-strings with conversions, specs and nested
// fields, brackets over lines, continuations, comments, tabs and spaces (never mixed
// within one file), nested blocks.
type gen struct {
	rng    *rand.Rand
	b      strings.Builder
	indent string // one level: four spaces, two spaces or a tab
	names  int
	depth  int // of the expression being written
}

func (g *gen) pick(xs ...string) string { return xs[g.rng.IntN(len(xs))] }

func (g *gen) name() string {
	g.names++
	return g.pick("x", "y", "data", "event", "resp", "item", "key", "_value", "n", "ok") + fmt.Sprint(g.names%7)
}

func (g *gen) str() string {
	q := g.pick(`'`, `"`)
	switch g.rng.IntN(9) {
	case 0:
		return g.pick("r", "R", "b", "B", "u", "rb", "Br", "") + q + g.pick(`a\tb`, `path/to`, `it\'s`, `\\`, ``, `#not a comment`, `{braces}`) + q
	case 1:
		t := strings.Repeat(q, 3)
		return t + g.pick("line one\nline two", "\n  indented\n", "quote ' and \" inside", "") + t
	case 2:
		return "f" + q + g.pick("{x}", "{x!r}", "{x:>10}", "{x:{w}}", "{{literal}}", "a{x + 1}b", "{x!s:^{w}}", "{x:=^10}") + q
	case 3:
		o := `"`
		if q == `"` {
			o = `'`
		}
		return "f" + q + "{d[" + o + "k" + o + "]}" + q
	case 4:
		return "f" + strings.Repeat(q, 3) + "{x}\n{y!r}\n" + strings.Repeat(q, 3)
	default:
		return q + g.pick("hello", "", "a b", `tab\there`, "x = 1") + q
	}
}

func (g *gen) expr() string {
	g.depth++
	defer func() { g.depth-- }()
	n := 10
	if g.depth > 3 {
		n = 2 // a number or a string: no deeper
	}
	switch g.rng.IntN(n) {
	case 0:
		return g.pick("1", "0", "00", "0x1F", "0o17", "0b101", "1_000", "3.14", "1e-3", ".5", "2j", "1.")
	case 1:
		return g.str()
	case 2:
		return "[" + g.expr() + ", " + g.expr() + "]"
	case 3:
		return "{" + g.str() + ": " + g.expr() + ",\n" + g.indent + g.indent + g.str() + ": " + g.expr() + "}"
	case 4:
		return g.name() + "(" + g.expr() + ", key=" + g.expr() + ")"
	case 5:
		return "(" + g.expr() + "\n" + g.indent + "+ " + g.expr() + ")"
	case 6:
		return "(lambda a, b=2: a + b)"
	case 7:
		return g.expr() + " if " + g.name() + " else " + g.expr()
	case 8:
		return "[i for i in range(3) if i]"
	}
	return g.name()
}

func (g *gen) line(depth int, s string) {
	for i := 0; i < depth; i++ {
		g.b.WriteString(g.indent)
	}
	g.b.WriteString(s)
	g.b.WriteString(g.pick("\n", "\n", "\n", "  # note\n", "\n\n"))
}

func (g *gen) simple(depth int) {
	switch g.rng.IntN(8) {
	case 0:
		g.line(depth, "import "+g.pick("os", "json", "boto3", "layer_utils.aws_utils as au"))
	case 1:
		star := "*"
		if depth > 0 {
			star = "a" // import * only at module level
		}
		g.line(depth, "from "+g.pick(".", "..models", "typing", "x.y")+" import "+g.pick("a", "(a,\n    b)", star))
	case 2:
		g.line(depth, g.name()+" = "+g.expr())
	case 3:
		g.line(depth, g.name()+" += 1; "+g.name()+" = 2")
	case 4:
		g.line(depth, g.name()+" = 1 + \\\n    2")
	case 5:
		g.line(depth, "print("+g.expr()+")")
	case 6:
		g.line(depth, g.pick("pass", "...", "assert x, 'msg'", "del x[0]", "global g"))
	default:
		g.line(depth, g.name()+": int = "+g.expr())
	}
}

func (g *gen) block(depth, budget int) {
	for budget > 0 {
		budget--
		if depth > 3 || g.rng.IntN(3) > 0 {
			g.simple(depth)
			continue
		}
		inner := 1 + g.rng.IntN(3)
		switch g.rng.IntN(7) {
		case 0:
			g.line(depth, "def "+g.name()+"(a, b=1, *args, c: int = 2, **kw) -> None:")
		case 1:
			g.line(depth, g.pick("@decorator", "@app.route('/x')"))
			g.line(depth, "class "+g.name()+"("+g.pick("object", "Base", "")+"):")
		case 2:
			g.line(depth, "if "+g.expr()+":")
			g.block(depth+1, inner)
			g.line(depth, g.pick("else:", "elif x:"))
		case 3:
			g.line(depth, "for i in "+g.expr()+":")
		case 4:
			g.line(depth, "try:")
			g.block(depth+1, inner)
			g.line(depth, g.pick("except ImportError:", "except (KeyError, ValueError) as e:", "finally:", "except:"))
		case 5:
			g.line(depth, "with open('f') as fh, "+g.name()+"():")
		default:
			g.line(depth, "async def "+g.name()+"():")
		}
		g.block(depth+1, inner)
	}
}

// module returns a module that compiles on every Python 3 from 3.6.
func (g *gen) module() string {
	g.indent = g.pick("    ", "    ", "  ", "\t")
	g.b.Reset()
	if g.rng.IntN(4) == 0 {
		g.b.WriteString(`"""Docstring: it's "quoted".` + "\n" + `"""` + "\n")
	}
	g.block(0, 3+g.rng.IntN(8))
	g.line(0, "def handler(event, context):")
	g.line(1, "return "+g.expr())
	return g.b.String()
}

// Constructs Check models: newer syntax that older Pythons reject, and errors of
// every version. Each is inserted as whole lines at the top level, or replaces a line.
var targeted = []string{
	"if (n := len(x0)) > 3:\n    pass\n",
	"match command:\n    case 'go':\n        pass\n    case _:\n        pass\n",
	"try:\n    pass\nexcept* ValueError:\n    pass\n",
	"type Point = tuple[float, float]\n",
	"def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
	"class Box[T]:\n    pass\n",
	"v = f\"{d[\"k\"]}\"\n",
	"v = f'{\"\\t\".join(a)}'\n",
	"v = f'''{a # note\n}'''\n",
	"v = f'{x=}'\n",
	"print 'hello'\n",
	"v = 0777\n",
	"v = 10L\n",
	"v = 'abc\n",
	"v = (1,\n",
	"v = [1, 2)\n",
	"v = 1)\n",
	"    v = 2\n",
	"if v:\nw = 2\n",
	"v = \u201chello\u201d\n",
	"v = 1 <> 2\n",
	"v = f'{}'\n",
	"v = f'a}b'\n",
	"v = 1 \\ 2\n",
	"v = '''never closed\n",
	"'key': config['key']\n",
	"from os import sep, *\n",
}

// inject puts one targeted construct at a statement boundary of a top-level line.
func (g *gen) inject(base string) (string, bool) {
	lines := strings.SplitAfter(base, "\n")
	var tops []int
	for i, l := range lines {
		if i > 0 && l != "" && l[0] != ' ' && l[0] != '\t' && l[0] != '\n' && l[0] != '#' && !strings.HasPrefix(l, "@") &&
			!strings.HasPrefix(l, "else") && !strings.HasPrefix(l, "elif") && !strings.HasPrefix(l, "except") && !strings.HasPrefix(l, "finally") &&
			!afterDecorator(lines[:i]) && !strings.HasSuffix(strings.TrimRight(lines[i-1], "\n"), "\\") {
			tops = append(tops, i)
		}
	}
	if len(tops) == 0 {
		return "", false
	}
	at := tops[g.rng.IntN(len(tops))]
	// Only where the line before ends a statement (not inside a multi-line string).
	if open := strings.Count(strings.Join(lines[:at], ""), `"""`) + strings.Count(strings.Join(lines[:at], ""), `'''`); open%2 == 1 {
		return "", false
	}
	t := targeted[g.rng.IntN(len(targeted))]
	return strings.Join(lines[:at], "") + t + strings.Join(lines[at:], ""), true
}

// mutate makes one random edit of the kind typing makes.
func mutate(rng *rand.Rand, src string) string {
	if src == "" {
		return src
	}
	i := rng.IntN(len(src))
	ins := []string{"'", `"`, "(", ")", "[", "]", "{", "}", "\\", "\n", "\t", " ", ":", "#", "$", "    ", "f'{", "\"\"\""}
	switch rng.IntN(4) {
	case 0:
		return src[:i] + src[i+1:]
	case 1:
		return src[:i] + ins[rng.IntN(len(ins))] + src[i:]
	case 2:
		lines := strings.SplitAfter(src, "\n")
		j := rng.IntN(len(lines))
		lines[j] = strings.TrimLeft(lines[j], " \t")
		return strings.Join(lines, "")
	}
	lines := strings.SplitAfter(src, "\n")
	j := rng.IntN(len(lines))
	lines[j] = "  " + lines[j]
	return strings.Join(lines, "")
}

// afterDecorator reports whether the last line with code in lines is a decorator.
func afterDecorator(lines []string) bool {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !strings.HasPrefix(l, "#") {
			return strings.HasPrefix(l, "@")
		}
	}
	return false
}

func benchSource() []byte {
	var b strings.Builder
	rng := rand.New(rand.NewPCG(7, 7))
	for b.Len() < 1<<20 {
		g := &gen{rng: rng}
		b.WriteString(g.module())
	}
	return []byte(b.String())
}
