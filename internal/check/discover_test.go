package check

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const samFn = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
`

const tfFn = `resource "aws_lambda_function" "f" {
  function_name = "f"
  filename      = "f.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
}
`

// TestDiscover: which IaC roots a folder holds, and what is not one.
func TestDiscover(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		exclude []string
		want    []string // Input.Source, with " (built; also)" for built ones
	}{
		{"terraform: a module folder is not a root; a caller is", map[string]string{
			"envs/prod/main.tf":           `module "api" { source = "../../modules/api" }`,
			"envs/dev/main.tf":            "module \"api\" {\n  source = \"../../modules/api\"\n}\n",
			"modules/api/main.tf":         tfFn,
			"modules/api/variables.tf":    `variable "x" {}`,
			"modules/unused/main.tf":      tfFn,
			"other/only_outputs/main.tf":  `output "x" { value = 1 }`,
			"envs/prod/.terraform/x/a.tf": tfFn,
		}, nil, []string{"envs/dev", "envs/prod", "modules/unused"}},
		{"terraform: a module repository is checked through its examples", map[string]string{
			"main.tf":                   tfFn,
			"examples/complete/main.tf": `module "m" { source = "../../" }`,
		}, nil, []string{"examples/complete"}},
		{"terraform: a folder with no Lambda is still checked when it is PATH and nothing else is found", map[string]string{
			"main.tf": `output "x" { value = 1 }`,
		}, nil, []string{"."}},
		{"sam: the build output in a subfolder wins over its template", map[string]string{
			"app/template.yaml":                  samFn,
			"app/.aws-sam/build/template.yaml":   samFn,
			"other/template.yml":                 samFn,
			"other/events/event.json":            `{"body": "{}"}`,
			"app/tests/fixtures/sample.yaml":     "Resources: {}\n",
			"app/.aws-sam/build/Fn/template.yml": samFn,
		}, nil, []string{"app/.aws-sam/build/template.yaml (built; app/template.yaml)", "other/template.yml"}},
		{"sam: sam build -t infra/stack.yaml run at the root", map[string]string{
			".aws-sam/build/template.yaml": samFn,
			"infra/stack.yaml":             samFn,
		}, nil, []string{".aws-sam/build/template.yaml (built; infra/stack.yaml)"}},
		{"cloudformation: any template with Lambda resources (one that does not parse too, for its loader to say why); nested stacks go with their parent", map[string]string{
			"cfn/main.yaml":       "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n",
			"cfn/child.yaml":      "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: .\n",
			"cfn/bucket.yaml":     "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
			"db/template.yaml":    "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n",
			"broken/stack.yml":    "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Type: AWS::Lambda::Function\n",
			"k8s/deployment.yaml": "kind: Deployment\n",
			"package.json":        `{"description": "AWS::Lambda::Function Resources"}`,
		}, nil, []string{"broken/stack.yml", "cfn/main.yaml"}},
		{"skipped: dependencies, virtualenvs, vendored and installed packages, hidden folders", map[string]string{
			"svc/serverless.yml":                       "service: s\n",
			"node_modules/p/serverless.yml":            "service: v\n",
			"svc/node_modules/p/template.yaml":         samFn,
			"env/pyvenv.cfg":                           "home = /usr\n",
			"env/lib/serverless.yml":                   "service: v\n",
			"vendor/x/serverless.yml":                  "service: v\n",
			"svc/package/six-1.0.dist-info/METADATA":   "Name: six\n",
			"svc/package/serverless.yml":               "service: v\n",
			".serverless/cloudformation-template.json": `{"Resources": {"F": {"Type": "AWS::Lambda::Function"}}}`,
			".git/x/serverless.yml":                    "service: v\n",
		}, nil, []string{"svc/serverless.yml"}},
		{"--exclude by name and by path", map[string]string{
			"a/serverless.yml":         "service: a\n",
			"b/serverless.yml":         "service: b\n",
			"c/d/serverless.yml":       "service: c\n",
			"examples/serverless.yml":  "service: e\n",
			"examples/x/template.yaml": samFn,
		}, []string{"examples", "c/*", "b/serverless.yml"}, []string{"a/serverless.yml"}},
		{"a cdk.out stack built by sam build: the build is checked", map[string]string{
			"cdk.out/manifest.json":             `{"version": "36.0.0", "artifacts": {}}`,
			"cdk.out/S.template.json":           `{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {}}}}`,
			".aws-sam/build/template.yaml":      "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: Fn\n",
			"other/cdk.out/manifest.json":       `{"version": "36.0.0", "artifacts": {}}`,
			"other/cdk.out/Other.template.json": `{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {}}}}`,
		}, nil, []string{".aws-sam/build/template.yaml", "other/cdk.out"}},
		{"cdk.out copies are checked once, nearest the root", map[string]string{
			"infra/cdk.out/manifest.json":          `{"version": "36.0.0", "artifacts": {}}`,
			"infra/cdk.out/S.template.json":        `{"Resources": {}}`,
			"backup/infra/cdk.out/manifest.json":   `{"version": "36.0.0", "artifacts": {}}`,
			"backup/infra/cdk.out/S.template.json": `{"Resources": {}}`,
			"other/cdk.out/manifest.json":          `{"version": "36.0.0", "artifacts": {"x": {}}}`,
		}, nil, []string{"infra/cdk.out", "other/cdk.out"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			d, err := DetectAll(dir, DetectOptions{Exclude: c.exclude})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, in := range d.Inputs {
				s := in.Source
				if in.Built && in.Also != "" {
					s += " (built; " + in.Also + ")"
				}
				got = append(got, s)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("inputs %q, want %q (notes: %s)", got, c.want, strings.Join(d.Notes, "; "))
			}
		})
	}
}

// TestDiscoverNotes: what the search finds but cannot check is said, not skipped in silence.
func TestDiscoverNotes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a/serverless.ts":  "export default {}\n",
		"b/cdk.json":       `{"app": "node app.js"}`,
		"c/serverless.yml": "service: c\n",
	})
	d, err := DetectAll(dir, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(d.Notes, "\n")
	for _, want := range []string{"a/serverless.ts is not read", "b is a CDK app with no cdk.out"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
}

// TestDiscoverBounds: a deep or huge tree is walked only so far, and the walk says so.
func TestDiscoverBounds(t *testing.T) {
	files := map[string]string{"svc/serverless.yml": "service: s\n"}
	deep := strings.Repeat("d/", maxWalkDepth+2)
	files[deep+"serverless.yml"] = "service: deep\n"
	dir := writeTree(t, files)
	d, err := DetectAll(dir, DetectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].Source != "svc/serverless.yml" {
		t.Errorf("inputs %+v, want only svc/serverless.yml (the other is too deep)", d.Inputs)
	}
	if len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "did not look below") {
		t.Errorf("notes %q, want one saying where the walk stopped", d.Notes)
	}
	w := &walk{root: dir, entries: maxWalkEntries}
	w.dir(dir, 0)
	if w.stopped == "" {
		t.Errorf("the walk did not stop past %d entries", maxWalkEntries)
	}
}
