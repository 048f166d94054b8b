package check

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// streamApp is five functions in their own folders sharing two layers: Utils has a
// module at its root (LK201, judged by all five users), Fast a compiled module built for
// Python 3.11 that nothing imports (an LK301 warning naming every function), and three
// functions run python3.8 (one LK405 for the runtime).
func streamApp(t *testing.T) string {
	dir := t.TempDir()
	var tpl strings.Builder
	tpl.WriteString(`Transform: AWS::Serverless-2016-10-31
Resources:
  Utils:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/utils/
  Fast:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/fast/
`)
	files := map[string]string{
		"layers/utils/aws_utils.py":                                  "X = 1\n",
		"layers/fast/python/fast/__init__.py":                        "",
		"layers/fast/python/fast/_c.cpython-311-x86_64-linux-gnu.so": "\x7fELF not really\n",
	}
	for i := 1; i <= 5; i++ {
		rt := "python3.8"
		if i > 3 {
			rt = "python3.12"
		}
		fmt.Fprintf(&tpl, `  F%d:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/f%d/
      Handler: app.handler
      Runtime: %s
      Layers:
        - !Ref Utils
        - !Ref Fast
`, i, i, rt)
		files[fmt.Sprintf("src/f%d/app.py", i)] = "import json\n\ndef handler(event, context):\n    return 1\n"
	}
	files["template.yaml"] = tpl.String()
	iactest.WriteFiles(t, dir, files)
	return dir
}

// TestStreamAcrossBatches: the rules run over two functions at a time, and the
// analyses of a batch are dropped before the next; what needs every function (one
// LK405 per runtime, a layer judged by all its users, a warning naming every function a
// file cannot load on) is the same as when all five are one batch.
func TestStreamAcrossBatches(t *testing.T) {
	dir := streamApp(t)
	run := func(batch int) *Result {
		res, err := Run(context.Background(), Options{Path: dir, Today: today, Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	small, whole := run(2), run(100)
	if !reflect.DeepEqual(small.Findings, whole.Findings) {
		t.Errorf("two at a time:\n%s\none batch:\n%s", lines(small.Findings), lines(whole.Findings))
	}
	count := map[rulecode.Code][]finding.Finding{}
	for _, f := range small.Findings {
		count[f.Code] = append(count[f.Code], f)
	}
	if fs := count[rulecode.LK405]; len(fs) != 1 {
		t.Errorf("LK405: %d findings, want one for python3.8:\n%s", len(fs), lines(fs))
	}
	if fs := count[rulecode.LK201]; len(fs) != 1 || !strings.Contains(fs[0].Message, "(python3.12, python3.8)") {
		t.Errorf("LK201: want one finding naming both runtimes of its five users:\n%s", lines(fs))
	}
	if fs := count[rulecode.LK301]; len(fs) != 1 || strings.Count(fs[0].Message, "(python3.") != 5 {
		t.Errorf("LK301: want one warning naming the five functions:\n%s", lines(fs))
	}
	// Without KeepAnalyses the analyses are gone; with it, each function has its own.
	for _, a := range small.Analyses {
		if a.Analysis != nil {
			t.Errorf("%s: analysis kept without KeepAnalyses", a.Fn.Name)
		}
	}
	kept, err := Run(context.Background(), Options{Path: dir, Today: today, Batch: 2, KeepAnalyses: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range kept.Analyses {
		if a.Analysis == nil || a.Analysis.Handler() == nil {
			t.Errorf("%s: no analysis with KeepAnalyses", a.Fn.Name)
		}
	}
}

func lines(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s %s:%d: %s\n", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Message)
	}
	return b.String()
}
