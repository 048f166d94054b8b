//go:build unix

package hostile

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// manyFunctions is issue 15.9's count: a template of 20,000 functions, each in its own
// folder, sharing one layer.
const manyFunctions = 20_000

// manyFunctionsRSS is the README's budget (300 MB). The rules run over a batch of
// functions at a time and the batch's analyses are dropped before the next
// (rules.Pass.Stream): the check peaks near the binary's soft memory limit (150 MiB) plus
// the app's model, about 170 MB; it peaked at 1.12 GB while every analysis was kept.
const manyFunctionsRSS = 300_000_000

// genManyFunctions: a SAM template with manyFunctions functions (Globals carry the
// runtime, handler and layer: 1.6 MB), each importing a module of its own, one of the
// shared layer and the standard library.
func genManyFunctions(t testing.TB, p string) {
	var tpl strings.Builder
	tpl.WriteString(`Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    Layers: [!Ref Shared]
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
`)
	writeFile(t, p, "layer/python/shared/__init__.py", []byte("from .util import VALUE\n"))
	writeFile(t, p, "layer/python/shared/util.py", []byte("import json\nVALUE = json.dumps(1)\n"))
	for i := range manyFunctions {
		fmt.Fprintf(&tpl, "  F%d:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fns/f%d/\n", i, i)
		dir := fmt.Sprintf("fns/f%d/", i)
		writeFile(t, p, dir+"app.py", []byte("import os\nimport shared\nfrom helper import NAME\n\n\ndef handler(event, context):\n    return shared.VALUE, NAME\n"))
		writeFile(t, p, dir+"helper.py", []byte(fmt.Sprintf("NAME = %q\n", dir)))
	}
	writeFile(t, p, "template.yaml", []byte(tpl.String()))
}

// TestManyFunctions: 20,000 healthy functions check clean (exit 0, every function
// checked) within the memory budget.
func TestManyFunctions(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 functions: half a minute on two cores; skipped under -short")
	}
	p := filepath.Join(t.TempDir(), "many-functions")
	genManyFunctions(t, p)
	res := runBinaryWithin(t, manyFunctionsRSS, 5*time.Minute, p, "check", "template.yaml", "--max-template-size", "4096")
	t.Logf("exit %d, %.1f MiB, %v", res.exit, float64(res.rss)/(1<<20), res.wall.Round(time.Millisecond))
	if res.exit != 0 {
		t.Fatalf("exit %d, want 0 (a healthy app); stdout:\n%s\nstderr:\n%s", res.exit, firstLine(res.stdout), firstLine(res.stderr))
	}
	if want := fmt.Sprintf("%d function(s), 1 layer(s): 0 errors", manyFunctions); !strings.Contains(res.stdout, want) {
		t.Errorf("the summary does not say %q:\n%s", want, tail(res.stdout))
	}
}

func tail(s string) string {
	if i := strings.LastIndex(strings.TrimRight(s, "\n"), "\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}
