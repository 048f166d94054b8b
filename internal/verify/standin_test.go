package verify

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
)

// Functions that share their layers share one /opt, laid out once; the stand-in each is
// told about names its own declaration (here the public Powertools layer on its own
// Layers line), not the one of whichever function laid /opt out.
func TestStandInNamesItsOwnDeclaration(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is not on PATH (CI needs it)")
		}
		t.Skip("python3 is not on PATH")
	}
	arn := "      Layers:\n        - arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:4\n"
	dir := writeApp(t, map[string]string{
		"template.yaml": samHead + // lines 1-3
			samFunction("One", "python3.12", "app.handler", arn) + // Layers entry on line 11
			samFunction("Two", "python3.12", "app.handler", arn), // Layers entry on line 19
		"src/app.py": "from aws_lambda_powertools import Logger\n\n\ndef handler(event, context):\n    return Logger\n",
	})
	want := map[string]string{"One": "template.yaml:11", "Two": "template.yaml:19"}
	for round := 0; round < 3; round++ {
		rep, err := Run(context.Background(), Options{Check: check.Options{Path: dir}, Python: py, TempDir: t.TempDir(), Jobs: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Functions) != 2 {
			t.Fatalf("%d functions", len(rep.Functions))
		}
		for _, f := range rep.Functions {
			if f.Status != Agree {
				t.Fatalf("%s: %s %s", f.Name, f.Status, f.Reason)
			}
			why := ""
			for _, s := range f.StandIns {
				if s.Module == "aws_lambda_powertools" {
					why = s.Why
				}
			}
			if !strings.Contains(why, "declared in "+want[f.Name]+",") {
				t.Errorf("round %d, %s: %q, want it declared in %s", round, f.Name, why, want[f.Name])
			}
		}
	}
}
