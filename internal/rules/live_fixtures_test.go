package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/live"
	"github.com/layerkit/layerkit/internal/live/awsfake"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// liveCase is a fixture for a rule whose findings only layerkit doctor produces: the
// deployed account (set up in the AWS fake that doctor's tests use), the local project
// for --compare (nil: none), and the findings of the rule it wants (none: the rule must
// stay quiet). These rules look at what is deployed (layer versions Lambda lists, the
// deployed configuration), which no file in a checked folder can describe.
type liveCase struct {
	name  string
	setup func(f *awsfake.Fake)
	local map[string]string
	wants []fixtureWant
}

const handlerPy = "def handler(event, context):\n    return 1\n"

var liveFixtures = map[rulecode.Code][]liveCase{
	rulecode.LK501: {
		{name: "two-newer", setup: func(f *awsfake.Fake) {
			v1 := f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/utils.py": ""}})
			f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/utils.py": "# 2\n"}})
			f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/utils.py": "# 3\n"}})
			f.AddFunction(awsfake.FunctionSpec{Name: "orders", Runtime: "python3.12", Handler: "app.handler", Layers: []string{v1},
				Files: map[string]string{"app.py": "import utils\n" + handlerPy}})
		}, wants: []fixtureWant{{code: rulecode.LK501, function: "orders", file: "*", severity: "warning",
			message: regexp.MustCompile(`^orders uses layer utils version 1; 2 newer versions exist \(latest: 3\), and the function does not pick it up until it is redeployed$`)}}},
		{name: "latest", setup: func(f *awsfake.Fake) {
			f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/utils.py": ""}})
			v2 := f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/utils.py": "# 2\n"}})
			f.AddFunction(awsfake.FunctionSpec{Name: "orders", Runtime: "python3.12", Handler: "app.handler", Layers: []string{v2},
				Files: map[string]string{"app.py": "import utils\n" + handlerPy}})
		}},
	},
	rulecode.LK502: {
		{name: "deleted", setup: func(f *awsfake.Fake) {
			old := f.AddLayer(awsfake.LayerSpec{Name: "legacy", Files: map[string]string{"python/legacy.py": ""}})
			f.AddLayer(awsfake.LayerSpec{Name: "legacy", Files: map[string]string{"python/legacy.py": "# 2\n"}})
			f.DeleteLayerVersion(old)
			f.AddFunction(awsfake.FunctionSpec{Name: "billing", Runtime: "python3.12", Handler: "app.handler", Layers: []string{old},
				Files: map[string]string{"app.py": "import legacy\n" + handlerPy}})
		}, wants: []fixtureWant{{code: rulecode.LK502, function: "billing", file: "*", severity: "warning",
			message: regexp.MustCompile(`^billing uses layer version arn:aws:lambda:[^ ]+:layer:legacy:1, which has been deleted`)}}},
		{name: "kept", setup: func(f *awsfake.Fake) {
			v1 := f.AddLayer(awsfake.LayerSpec{Name: "legacy", Files: map[string]string{"python/legacy.py": ""}})
			f.AddFunction(awsfake.FunctionSpec{Name: "billing", Runtime: "python3.12", Handler: "app.handler", Layers: []string{v1},
				Files: map[string]string{"app.py": "import legacy\n" + handlerPy}})
		}},
	},
	rulecode.LK503: {
		{name: "runtime-differs", setup: func(f *awsfake.Fake) {
			f.AddFunction(awsfake.FunctionSpec{Name: "shop-Orders-1A2B", Runtime: "python3.12", Handler: "app.handler",
				Files: map[string]string{"app.py": handlerPy},
				Tags:  map[string]string{"aws:cloudformation:logical-id": "OrdersFunction", "aws:cloudformation:stack-name": "shop"}})
		}, local: map[string]string{"template.yaml": samOrders("python3.13"), "orders/app.py": handlerPy},
			wants: []fixtureWant{{code: rulecode.LK503, function: "shop-Orders-1A2B", file: "template.yaml", line: 9, severity: "warning",
				message: regexp.MustCompile(`^shop-Orders-1A2B runs python3\.12 on Lambda; locally OrdersFunction has runtime python3\.13`)}}},
		{name: "same", setup: func(f *awsfake.Fake) {
			f.AddFunction(awsfake.FunctionSpec{Name: "shop-Orders-1A2B", Runtime: "python3.12", Handler: "app.handler",
				Files: map[string]string{"app.py": handlerPy},
				Tags:  map[string]string{"aws:cloudformation:logical-id": "OrdersFunction", "aws:cloudformation:stack-name": "shop"}})
		}, local: map[string]string{"template.yaml": samOrders("python3.12"), "orders/app.py": handlerPy}},
	},
}

func samOrders(runtime string) string {
	return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: orders/
      Handler: app.handler
      Runtime: ` + runtime + "\n"
}

// TestLiveRuleFixtures runs the live fixtures as layerkit doctor --all [--compare] does.
func TestLiveRuleFixtures(t *testing.T) {
	for code, cases := range liveFixtures {
		for _, lc := range cases {
			t.Run(code.String()+"/"+lc.name, func(t *testing.T) {
				fs := runLive(t, lc)
				var got []finding.Finding
				for _, f := range fs {
					if f.Code == code {
						got = append(got, f)
					}
				}
				if problems := compareWants(lc.wants, got); len(problems) > 0 {
					t.Errorf("%s", strings.Join(problems, "\n"))
					for _, f := range fs {
						t.Logf("got %s %s %s %s:%d: %s", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Message)
					}
				}
			})
		}
	}
}

func runLive(t *testing.T, lc liveCase) []finding.Finding {
	fake := awsfake.New()
	defer fake.Close()
	lc.setup(fake)
	ctx := context.Background()
	clients := live.ClientsFromConfig(aws.Config{Region: "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDFAKE", "SECRETFAKE", ""),
		BaseEndpoint: aws.String(fake.URL())})
	cache, err := live.OpenCache(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	loader := &live.Loader{Lambda: clients.Lambda, Stacks: clients.Stacks, Region: clients.Region,
		Download: &live.Downloader{Cache: cache, HTTP: clients.HTTP}}
	targets, err := loader.Targets(ctx, live.Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	res := loader.Load(ctx, targets)
	for _, f := range res.Failures {
		t.Fatalf("doctor: %v", f)
	}
	if lc.local != nil {
		dir := t.TempDir()
		for name, data := range lc.local {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, inputs, err := check.Detect(dir, "", "")
		if err != nil {
			t.Fatal(err)
		}
		local, err := check.LoadAll(inputs)
		if err != nil {
			t.Fatal(err)
		}
		notes, unmatched := live.Compare(res.Deployed, local, res.LayerLogical)
		if len(unmatched) > 0 {
			t.Fatalf("--compare: unmatched %v", unmatched)
		}
		res.App.Notes = append(res.App.Notes, notes...)
	}
	out, err := check.CheckApp(context.Background(), check.Options{Today: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}, "", res.App)
	if err != nil {
		t.Fatal(err)
	}
	return out.Findings
}
