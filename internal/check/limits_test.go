package check

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
)

// TestLimitsPerRun: the limits are a value each Run carries, not process state. Checks
// of one app with different limits, run at the same time in one process, each see only
// their own: the file cap, the template cap, the places outside the folder and the
// Terraform variable files.
func TestLimitsPerRun(t *testing.T) {
	base := t.TempDir()
	app := filepath.Join(base, "app")
	iactest.WriteFiles(t, base, map[string]string{
		"app/template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
  Other:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../shared/
      Handler: other.handler
      Runtime: python3.12
`,
		"app/src/app.py":  "import nothere\n\ndef handler(e, c):\n    return 1\n#" + strings.Repeat("x", 3000) + "\n",
		"shared/other.py": "import nothere\n\ndef handler(e, c):\n    return 1\n",
		"tf/main.tf":      "variable \"stage\" {}\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  handler = \"app.handler\"\n  runtime = \"python3.12\"\n  filename = \"${var.stage}.zip\"\n}\n",
		"tf/prod.tfvars":  "stage = \"prod\"\n",
		"tf/dev.tfvars":   "stage = \"dev\"\n",
	})
	allow, err := iac.ResolveOutside([]string{filepath.Join(base, "shared")})
	if err != nil {
		t.Fatal(err)
	}
	// summary says, per function, the codes of its findings; or the error.
	summary := func(o Options) string {
		res, err := Run(context.Background(), o)
		if err != nil {
			return "error: " + err.Error()
		}
		var b strings.Builder
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "%s %s %s; ", f.Function, f.Code, f.Message)
		}
		return b.String()
	}
	runs := []struct {
		name string
		opts Options
		want []string // substrings of the summary
		not  []string
	}{
		{"defaults", Options{Path: app}, []string{"Other LK410", "Fn LK101"}, []string{"Other LK101", "error:"}},
		{"allow outside", Options{Path: app, Load: iac.Options{Limits: iac.Limits{AllowOutside: allow}}},
			[]string{"Other LK101", "Fn LK101"}, []string{"LK410"}},
		{"file cap", Options{Path: app, Load: iac.Options{Limits: iac.Limits{MaxFileSize: 1000}}},
			[]string{"Other LK410"}, []string{"Fn LK101", "error:"}}, // app.py is past the cap: not read
		{"template cap", Options{Path: app, Load: iac.Options{Limits: iac.Limits{MaxTemplateSize: 100}}},
			[]string{"error: ", "template.yaml", "--max-template-size"}, nil},
		{"terraform", Options{Path: filepath.Join(base, "tf")}, []string{"var.stage", "--var-file dev.tfvars"}, nil},
		{"terraform var file", Options{Path: filepath.Join(base, "tf"), Load: iac.Options{VarFiles: []string{filepath.Join(base, "tf", "prod.tfvars")}}},
			[]string{"prod.zip"}, []string{"var.stage"}},
	}
	// Each alone first: what it reports with nobody else around.
	alone := make([]string, len(runs))
	for i, r := range runs {
		alone[i] = summary(r.opts)
		for _, w := range r.want {
			if !strings.Contains(alone[i], w) {
				t.Errorf("%s: %q, want it to hold %q", r.name, alone[i], w)
			}
		}
		for _, n := range r.not {
			if strings.Contains(alone[i], n) {
				t.Errorf("%s: %q, want it without %q", r.name, alone[i], n)
			}
		}
	}
	// Then all at once, several times over: each reports the same.
	var wg sync.WaitGroup
	for range 3 {
		for i, r := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got := summary(r.opts); got != alone[i] {
					t.Errorf("%s, run beside the others: %q; alone: %q", r.name, got, alone[i])
				}
			}()
		}
	}
	wg.Wait()
}
