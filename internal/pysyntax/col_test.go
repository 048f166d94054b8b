package pysyntax

import (
	"fmt"
	"strings"
	"testing"
)

// TestColumnsASCIIAndNot: a column counts characters. An ASCII source takes a shortcut
// (a column is an offset on the line); the same source with a two-byte character in
// place of an ASCII one, before the problem on its line or on a line above, with or
// without a byte order mark, must give every problem at the same line and column.
func TestColumnsASCIIAndNot(t *testing.T) {
	srcs := []string{
		"x = 1\ns = 'Ω' + 'abc\n",
		"def f(Ω):\n    return (Ω := 3)\n",
		"a = 'Ω'\nmatch x:\n    case 1:\n        pass\n",
		"t = ('Ω',\n     1 <> 2)\n",
		"y = ('Ω', [1, 2}\n",
		"print 'Ω'\n",
		"if x:\n  a = 'Ω'\n    b = 2\n",
		"z = f'{Ω!r}' + f'{a = }' + 012\n",
		"# Ω\nv = ('x',\n",
	}
	check := func(src string) string {
		s := Check([]byte(src))
		if s == nil {
			return "nil"
		}
		var b strings.Builder
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "%d:%d %s; ", p.Line, p.Col, p.Message(12))
		}
		return b.String()
	}
	for _, src := range srcs {
		ascii := strings.ReplaceAll(src, "Ω", "e")
		want := check(ascii)
		if want == "nil" {
			t.Errorf("%q: no problem found", ascii)
			continue
		}
		for _, other := range []string{strings.ReplaceAll(src, "Ω", "é"), "\ufeff" + ascii, "\ufeff" + strings.ReplaceAll(src, "Ω", "é")} {
			if got := check(other); got != want {
				t.Errorf("%q: %s\n%q: %s", ascii, want, other, got)
			}
		}
	}
}
