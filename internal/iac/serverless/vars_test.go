package serverless

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// writeTree writes files (slash paths → content) below a new folder and returns it.
func writeTree(t testing.TB, files map[string]string) string {
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

// resolveIn resolves custom.<key> of the serverless.yml in files.
func resolveIn(t *testing.T, files map[string]string, key string) (string, string) {
	t.Helper()
	dir := writeTree(t, files)
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(files["serverless.yml"]), &doc); err != nil {
		t.Fatal(err)
	}
	r := newResolver(dir, dir, "serverless.yml", deref(&doc), nil)
	_, custom := lookup(r.doc, "custom")
	_, n := lookup(custom, key)
	if n == nil {
		t.Fatalf("no custom.%s", key)
	}
	v, ok := r.value(n)
	if r.err != nil {
		t.Fatalf("custom.%s: %v", key, r.err)
	}
	if !ok {
		return "", r.why
	}
	if v == nil || v.Kind != yaml.ScalarNode {
		return "<non-scalar>", ""
	}
	return v.Value, ""
}

func TestVariables(t *testing.T) {
	files := map[string]string{
		"serverless.yml": `service: shop
params:
  qa:
    domain: qa.example.com
  default:
    domain: example.com
    other: ${sls:stage}-other
stages:
  qa:
    params:
      v4: from-stages
provider:
  stage: ${opt:stage, 'qa'}
  region: ${opt:region, "eu-west-1"}
custom:
  stage: ${sls:stage}
  region: ${aws:region}
  envDefault: ${env:LOG_LEVEL, 'INFO'}
  envNone: ${env:LOG_LEVEL}
  optNested: ${opt:table, ${self:custom.stage}-orders}
  selfFallback: ${self:custom.nope, 'fallback'}
  oldFallback: ${opt:stage, self:provider.stage}
  number: ${opt:memory, 512}
  interp: ${self:service}-${sls:stage}-x
  cfnSub: arn:aws:s3:::${AWS::Region}-${Bucket}-${self:service}
  yamlKey: ${file(./config.yml):lambda.runtime}
  jsonKey: ${file(./config/${sls:stage}.json):nested.deep.value}
  jsonList: ${file(./config/qa.json):list.1}
  whole: ${file(./config.yml)}
  selfInFile: ${file(./config.yml):service}
  missingFile: ${file(./nope.yml):x}
  missingKey: ${file(./config.yml):lambda.nope}
  jsFile: ${file(./config.js):x}
  fileFallback: ${file(./nope.yml):x, 'python3.11'}
  cycleA: ${self:custom.cycleB}
  cycleB: ${self:custom.cycleA}
  ssm: ${ssm:/x/y}
  param: ${param:x}
  paramStage: ${param:domain}
  paramDefault: ${param:other}
  paramV4: ${param:v4}
  account: ${aws:accountId}
  quotedComma: ${opt:x, 'a,b'}
  escaped: \${self:service}
`,
		"config.yml":     "lambda:\n  runtime: python3.12\nservice: ${self:service}-from-file\n",
		"config/qa.json": `{"nested": {"deep": {"value": "json-${self:provider.stage}"}}, "list": ["a", "b"]}`,
		"config.js":      "module.exports = {x: 1}\n",
	}
	tests := []struct{ key, want, why string }{
		{"stage", "qa", ""},
		{"region", "eu-west-1", ""},
		{"envDefault", "INFO", ""},
		{"envNone", "", "${env:LOG_LEVEL} comes from the deploy's environment"},
		{"optNested", "qa-orders", ""},
		{"selfFallback", "fallback", ""},
		{"oldFallback", "qa", ""},
		{"number", "512", ""},
		{"interp", "shop-qa-x", ""},
		{"cfnSub", "arn:aws:s3:::${AWS::Region}-${Bucket}-shop", ""},
		{"yamlKey", "python3.12", ""},
		{"jsonKey", "json-qa", ""},
		{"jsonList", "b", ""},
		{"whole", "<non-scalar>", ""},
		{"selfInFile", "shop-from-file", ""},
		{"missingFile", "", "${file(./nope.yml):x}: nope.yml does not exist"},
		{"missingKey", "", "${file(./config.yml):lambda.nope}: config.yml has no lambda.nope"},
		{"jsFile", "", "config.js is JavaScript"},
		{"fileFallback", "python3.11", ""},
		{"cycleA", "", "refers to itself"},
		{"ssm", "", "${ssm:/x/y} is read from AWS at deploy time"},
		{"param", "", "${param:x} is not in params.qa nor params.default"},
		{"paramStage", "qa.example.com", ""},
		{"paramDefault", "qa-other", ""},
		{"paramV4", "from-stages", ""},
		{"account", "", "deploying AWS account"},
		{"quotedComma", "a,b", ""},
		{"escaped", `\${self:service}`, ""},
	}
	for _, tt := range tests {
		got, why := resolveIn(t, files, tt.key)
		if got != tt.want || tt.why == "" && why != "" || tt.why != "" && !strings.Contains(why, tt.why) {
			t.Errorf("custom.%s = %q (why %q), want %q (why containing %q)", tt.key, got, why, tt.want, tt.why)
		}
	}
}

// Functions, layers, provider and custom from ${file()}: positions point into the file
// that holds them; an unresolvable runtime or handler is the function's Unchecked
// reason, naming the reference.
func TestFileReferences(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"serverless.yml": `service: shop
provider: ${file(./provider.yml)}
custom:
  table: ${self:service}-table
layers: ${file(./layers.json)}
functions:
  - ${file(./fns/a.yml)}
  - ${file(./fns/b.yml):functions}
`,
		"provider.yml": "name: aws\nruntime: python3.12\nlayers:\n  - {Ref: CommonLambdaLayer}\n",
		"layers.json":  `{"common": {"path": "layers/common", "compatibleRuntimes": ["${self:provider.runtime}"]}}`,
		"fns/a.yml":    "api:\n  handler: src/api.handler\n  environment:\n    TABLE: ${self:custom.table}\n",
		"fns/b.yml": `functions:
  worker:
    handler: src/worker.handler
    runtime: ${file(./runtimes.yml):worker}
  cron:
    handler: ${opt:cronHandler}
  node:
    handler: index.handler
    runtime: nodejs20.x
`,
		"layers/common/python/common/__init__.py": "",
		"src/api.py": "", "src/worker.py": "",
	})
	app, err := Load(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	common := layer(t, app, "CommonLambdaLayer")
	if common.Pos.File != "layers.json" || len(common.CompatibleRuntimes) != 1 || common.CompatibleRuntimes[0] != "python3.12" || common.Content == nil {
		t.Errorf("common = %+v", common)
	}
	api := fn(t, app, "api")
	if api.Runtime != "python3.12" || api.RuntimePos.File != "provider.yml" || api.RuntimePos.Line != 2 ||
		api.Pos != (model.Pos{File: "fns/a.yml", Line: 1, Col: 1}) || api.Handler != "src/api.handler" || api.HandlerPos.File != "fns/a.yml" ||
		api.Env["TABLE"].Value != "shop-table" || len(api.Layers) != 1 || api.Layers[0].Layer != common || api.Unchecked != "" {
		t.Errorf("api = %+v", api)
	}
	w := fn(t, app, "worker")
	if !strings.Contains(w.Unchecked, "its runtime cannot be resolved: ${file(./runtimes.yml):worker}: runtimes.yml does not exist") ||
		w.UncheckedPos != (model.Pos{File: "fns/b.yml", Line: 4, Col: 5}) {
		t.Errorf("worker: %q at %v", w.Unchecked, w.UncheckedPos)
	}
	c := fn(t, app, "cron")
	if !strings.Contains(c.Unchecked, "its handler cannot be resolved: ${opt:cronHandler} is a command-line option") || c.UncheckedPos.File != "fns/b.yml" {
		t.Errorf("cron: %q at %v", c.Unchecked, c.UncheckedPos)
	}
	if n := fn(t, app, "node"); n.Unchecked != "" || n.Runtime != "nodejs20.x" {
		t.Errorf("node = %+v", n)
	}
	for _, n := range app.Notes {
		t.Errorf("unexpected note %+v", n)
	}
}

func TestNoRuntime(t *testing.T) {
	dir := writeTree(t, map[string]string{"serverless.yml": "service: s\nfunctions:\n  f:\n    handler: app.handler\n"})
	app, err := Load(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	if f := fn(t, app, "f"); !strings.Contains(f.Unchecked, "no runtime") || f.UncheckedPos.Line != 3 {
		t.Errorf("f: %q at %v", f.Unchecked, f.UncheckedPos)
	}
}

// Budgets: each hostile shape ends in an input error naming the file and line, quickly
// and within a memory bound.
func TestBudgets(t *testing.T) {
	big := strings.Repeat("x", 200_000)
	var many strings.Builder
	for i := 0; i < 3000; i++ {
		many.WriteString("    V" + itoa(i) + ": a${self:custom.big}\n")
	}
	var double strings.Builder
	double.WriteString("custom:\n  v0: xxxxxxxxxxxxxxxx\n")
	for i := 1; i < 40; i++ {
		double.WriteString("  v" + itoa(i) + ": ${self:custom.v" + itoa(i-1) + "}${self:custom.v" + itoa(i-1) + "}\n")
	}
	var chain strings.Builder
	chain.WriteString("custom:\n  c0: end\n")
	for i := 1; i < 200; i++ {
		chain.WriteString("  c" + itoa(i) + ": ${self:custom.c" + itoa(i-1) + "}\n")
	}
	var fanout strings.Builder
	fanout.WriteString("custom:\n")
	for i := 0; i < 3000; i++ {
		fanout.WriteString("  f" + itoa(i) + ": ${file(./f" + itoa(i) + ".yml):x, 'd'}\n")
	}
	tests := []struct {
		name, yml, want string
		files           map[string]string
	}{
		{"bytes", "service: s\ncustom:\n  big: " + big + "\nprovider:\n  runtime: python3.12\n  environment:\n" + many.String() + "functions:\n  f:\n    handler: a.h\n", "more than 32 MiB", nil},
		{"doubling", "service: s\n" + double.String() + "provider:\n  runtime: ${self:custom.v39}\nfunctions:\n  f:\n    handler: a.h\n", "more than 32 MiB", nil},
		{"depth", "service: s\n" + chain.String() + "provider:\n  runtime: ${self:custom.c199}\nfunctions:\n  f:\n    handler: a.h\n", "nested more than", nil},
		{"files", "service: s\n" + fanout.String() + "provider:\n  environment: ${self:custom}\nfunctions:\n  f:\n    handler: a.h\n", "more than 64 files", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"serverless.yml": tt.yml}
			for k, v := range tt.files {
				files[k] = v
			}
			if tt.name == "files" {
				for i := 0; i < 100; i++ {
					files["f"+itoa(i)+".yml"] = "x: 1\n"
				}
			}
			dir := writeTree(t, files)
			start := time.Now()
			_, err := Load(dir, dir)
			var ie *iac.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.want) || ie.Pos.File != "serverless.yml" || ie.Pos.Line == 0 {
				t.Fatalf("error %v, want an input error at a line of serverless.yml containing %q", err, tt.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

var itoa = strconv.Itoa

// Code locations and ${file()} paths outside the checked folder are not read: an input
// error at the property.
func TestOutside(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yml"), []byte("runtime: python3.12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, yml, want string }{
		{"file", "service: s\nprovider:\n  runtime: ${file(OUT/secret.yml):runtime}\nfunctions:\n  f:\n    handler: a.h\n", "outside the checked folder"},
		{"file-abs", "service: s\nprovider:\n  runtime: ${file(/etc/passwd)}\nfunctions:\n  f:\n    handler: a.h\n", "outside the checked folder"},
		{"layer-path", "service: s\nlayers:\n  l:\n    path: ../../../../\nfunctions:\n  f:\n    handler: a.h\n    runtime: python3.12\n", "layers.l.path"},
		{"artifact", "service: s\nfunctions:\n  f:\n    handler: a.h\n    runtime: python3.12\n    package:\n      artifact: /etc/passwd\n", "package.artifact"},
		{"requirements", "service: s\nplugins: [serverless-python-requirements]\ncustom:\n  pythonRequirements:\n    fileName: OUT/secret.yml\n    layer: true\n", "custom.pythonRequirements.fileName"},
		{"layer-artifact", "service: s\nlayers:\n  l:\n    package:\n      artifact: OUT/x.zip\n", "package.artifact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, nil)
			rel, err := filepath.Rel(dir, outside)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "serverless.yml"), []byte(strings.ReplaceAll(tt.yml, "OUT", rel)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = Load(dir, dir)
			var ie *iac.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.want) || !strings.Contains(ie.Msg, "--allow-outside") || ie.Pos.Line == 0 {
				t.Fatalf("error %v, want an input error at the property naming %q", err, tt.want)
			}
		})
	}
	// an allowed place is read
	allow, err := iac.ResolveOutside([]string{outside})
	if err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{"serverless.yml": "service: s\nprovider:\n  runtime: ${file(" + filepath.Join(outside, "secret.yml") + "):runtime}\nfunctions:\n  f:\n    handler: a.h\n"})
	app, err := LoadShared(dir, dir, nil, iac.Options{Limits: iac.Limits{AllowOutside: allow}})
	if err != nil {
		t.Fatal(err)
	}
	if f := fn(t, app, "f"); f.Runtime != "python3.12" {
		t.Errorf("runtime through an allowed place = %q (%s)", f.Runtime, f.Unchecked)
	}
}

// functions: or layers: that cannot be resolved are said on the service (nothing is
// checked in silence), and a Ref to one of its layers is then not a Ref to nothing.
func TestUnresolvedSections(t *testing.T) {
	dir := writeTree(t, map[string]string{"serverless.yml": `service: s
provider:
  runtime: python3.12
layers: ${file(./layers-${opt:stage}.yml)}
functions:
  - ${file(./missing.yml)}
  - f:
      handler: app.h
      layers:
        - {Ref: SharedLambdaLayer}
`, "app.py": ""})
	app, err := Load(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Notes) != 2 || app.Notes[0].Pos.Line != 4 || !strings.Contains(app.Notes[0].Message, "layers cannot be resolved (${opt:stage} is a command-line option") ||
		app.Notes[1].Pos.Line != 6 || !strings.Contains(app.Notes[1].Message, "an entry of functions cannot be resolved (${file(./missing.yml)}: missing.yml does not exist)") {
		t.Errorf("notes = %+v", app.Notes)
	}
	if f := fn(t, app, "f"); len(f.Layers) != 1 || !f.Layers[0].Unknown || f.Layers[0].Bad {
		t.Errorf("f layers = %+v", f.Layers)
	}
	dir = writeTree(t, map[string]string{"serverless.yml": "service: s\nfunctions: ${file(./fns-${env:X}.yml)}\n"})
	app, err = Load(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Functions) != 0 || len(app.Notes) != 1 || app.Notes[0].Pos.Line != 2 || !strings.Contains(app.Notes[0].Message, "no function of this service is checked") {
		t.Errorf("functions %d, notes %+v", len(app.Functions), app.Notes)
	}
}
