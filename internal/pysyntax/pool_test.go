package pysyntax

import (
	"reflect"
	"strings"
	"testing"
)

// TestCheckPoolReuse checks the same files in two orders: a reader from the pool reuses
// the stacks of whatever file it read before, and no summary may depend on it.
func TestCheckPoolReuse(t *testing.T) {
	srcs := []string{
		"def f():\n    if x:\n        if y:\n            pass\n",
		"x = f'{a!r:>{w}}'\nprint 'x'\n",
		"print 'x'\n",
		"def f():\n\tif x:\n        pass\n",
		"match x:\n    case 1:\n        pass\n",
		"type X = int\ndef g[T](a: T) -> T:\n    return a\n",
		"x = (1,\n     [2,\n      {3: 4}\n",
		"if (n := 10) > 5:\n    pass\n",
		"try:\n    pass\nexcept* ValueError:\n    pass\n",
		"",
		strings.Repeat("if x:\n", 60) + strings.Repeat(" ", 60) + "pass\n",
	}
	first := make([]*Summary, len(srcs))
	for i, s := range srcs {
		first[i] = Check([]byte(s))
	}
	for round := range 2 {
		for j := range srcs {
			i := len(srcs) - 1 - j
			if round == 1 {
				i = (j * 5) % len(srcs)
			}
			if got := Check([]byte(srcs[i])); !reflect.DeepEqual(got, first[i]) {
				t.Fatalf("round %d: source %d checks differently after other checks:\n%s\ngot  %+v\nwant %+v", round, i, srcs[i], got, first[i])
			}
		}
	}
}
