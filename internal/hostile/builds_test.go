//go:build unix

package hostile

import (
	"fmt"
	"strings"
	"testing"
)

// Build scripts (internal/iac/buildscript): a Terraform app whose zips no build writes,
// beside a Makefile and scripts that loop for ever, recurse (functions, eval, source, a
// fork bomb), double a value, nest deeply and glob a wide tree. Nothing is run; each must
// end by the step and size bounds, the functions not checked (LK109).
func init() {
	items = append(items, item{name: "eval/terraform-builds", gen: genBuildScripts})
}

func genBuildScripts(t testing.TB, dir string) {
	t.Helper()
	var tf strings.Builder
	for i := range 6 {
		fmt.Fprintf(&tf, "resource \"aws_lambda_function\" \"f%d\" {\n  function_name = \"f%d\"\n  filename = \"dist/f%d.zip\"\n  handler = \"app.handler\"\n  runtime = \"python3.12\"\n  role = \"r\"\n}\n", i, i, i)
	}
	writeFile(t, dir, "main.tf", []byte(tf.String()))
	var mk strings.Builder
	targets := map[string]string{
		"loop":     "while true; do :; done",
		"bomb":     "f() { f | f & }; f",
		"double":   "x=ab; while true; do x=$$x$$x$$x$$x; done",
		"eval":     "e='eval \"$$e\"'; eval \"$$e\"",
		"source":   ". ./again.sh",
		"deep":     "echo " + strings.Repeat("$$(echo ", 150) + "x" + strings.Repeat(")", 150),
		"glob":     "cp -r */*/*/*/* dist/",
		"trim":     "x=" + strings.Repeat("a", 60000) + "; y=$${x%%a*b}; z=$${x//a/bb}",
		"case":     "for i in 1 2 3 4 5 6 7 8 9; do for j in 1 2 3 4 5 6 7 8 9; do case $$i$$j in *) mkdir -p d/$$i/$$j;; esac; done; done",
		"children": "bash child.sh a b c",
	}
	for _, name := range []string{"loop", "bomb", "double", "eval", "source", "deep", "glob", "trim", "case", "children"} {
		fmt.Fprintf(&mk, "%s:\n\t%s\n\n", name, targets[name])
	}
	for i := range 150 { // many targets, each a long loop: the Set's total bound
		fmt.Fprintf(&mk, "t%d:\n\ti=0; while [ $$i != x ]; do i=$$i; done\n\n", i)
	}
	writeFile(t, dir, "Makefile", []byte(mk.String()))
	writeFile(t, dir, "again.sh", []byte(". ./again.sh\n"))
	writeFile(t, dir, "child.sh", []byte("bash child.sh \"$@\" \"$@\"\n"))
	for a := range 8 {
		for b := range 8 {
			writeFile(t, dir, fmt.Sprintf("w%d/x%d/y/z/f.py", a, b), nil)
		}
	}
	writeFile(t, dir, "app.py", []byte("def handler(e, c):\n    return 1\n"))
}
