package sam

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// The shared helpers, by the short names the tests use.
var (
	fn       = iactest.Function
	layer    = iactest.Layer
	writeZip = iactest.WriteZip
)

// writeApp writes files (name → content) under a new temp folder and returns it.
func writeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	iactest.WriteFiles(t, dir, files)
	return dir
}

func load(t *testing.T, dir string, tpl string) *model.App {
	t.Helper()
	app, err := Load(dir, filepath.Join(dir, tpl))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return app
}

func notesFor(app *model.App, code string) []model.Note {
	var out []model.Note
	for _, n := range app.Notes {
		if n.Code.String() == code {
			out = append(out, n)
		}
	}
	return out
}

func line(t *testing.T, what string, p model.Pos, want int) {
	t.Helper()
	if p.File == "" || p.Line != want {
		t.Errorf("%s at %s:%d, want line %d", what, p.File, p.Line, want)
	}
}

const globalsTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    CodeUri: src/
    Architectures:
      - arm64
    Environment:
      Variables:
        SHARED: global
        LEVEL: info
    Layers:
      - !Ref CoreLayer
Resources:
  CoreLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/core/
  ExtraLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/extra/
  PlainFunction:
    Type: AWS::Serverless::Function
  OwnFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: main.run
      CodeUri: other/
      Architectures: [x86_64]
      Environment:
        Variables:
          LEVEL: debug
          REGION: !Ref AWS::Region
      Layers:
        - !Ref ExtraLayer
`

func TestGlobals(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"template.yaml":        globalsTemplate,
		"src/app.py":           "def handler(e, c): pass\n",
		"other/main.py":        "def run(e, c): pass\n",
		"layers/core/x.py":     "",
		"layers/extra/y.py":    "",
		"src/requirements.txt": "requests\n",
	})
	app := load(t, dir, "template.yaml")
	if app.Kind != "sam" || app.Built || app.Source != "template.yaml" {
		t.Errorf("app = %s %v %q", app.Kind, app.Built, app.Source)
	}
	if len(app.Notes) != 0 {
		t.Errorf("notes: %+v", app.Notes)
	}
	p := fn(t, app, "PlainFunction")
	if p.Runtime != "python3.12" || p.Handler != "app.handler" || p.Arch != "arm64" || p.PackageType != "Zip" || p.Kind != "sam" {
		t.Errorf("PlainFunction = %+v", p)
	}
	line(t, "Pos", p.Pos, 25)
	if p.Pos.Col != 3 || p.Pos.File != "template.yaml" {
		t.Errorf("Pos = %+v", p.Pos)
	}
	line(t, "RuntimePos", p.RuntimePos, 5)
	line(t, "HandlerPos", p.HandlerPos, 6)
	line(t, "ArchPos", p.ArchPos, 8)
	line(t, "LayersPos", p.LayersPos, 14)
	if len(p.Layers) != 1 || p.Layers[0].Layer == nil || p.Layers[0].Layer.Name != "CoreLayer" {
		t.Fatalf("PlainFunction layers = %+v", p.Layers)
	}
	line(t, "layer ref", p.Layers[0].Pos, 15)
	if p.Env["SHARED"].Value != "global" || !p.Env["SHARED"].Known {
		t.Errorf("env %+v", p.Env)
	}
	line(t, "SHARED", p.Env["SHARED"].Pos, 12)
	if p.Code == nil || p.Code.Display != "src/" || p.Code.Requirements != "requirements.txt" || p.Code.InstallDir != "" {
		t.Fatalf("code %+v", p.Code)
	}
	if !tree.IsFile(p.Code.Tree, "app.py") || p.Code.Tree.Display("app.py") != "src/app.py" {
		t.Errorf("tree: app.py missing or displayed as %q", p.Code.Tree.Display("app.py"))
	}

	o := fn(t, app, "OwnFunction")
	if o.Runtime != "python3.13" || o.Handler != "main.run" || o.Arch != "x86_64" {
		t.Errorf("OwnFunction = %+v", o)
	}
	line(t, "RuntimePos", o.RuntimePos, 30)
	line(t, "LayersPos", o.LayersPos, 38)
	var names []string
	for _, r := range o.Layers {
		names = append(names, r.Layer.Name)
	}
	if strings.Join(names, ",") != "CoreLayer,ExtraLayer" {
		t.Errorf("layers order = %v, want global first", names)
	}
	line(t, "global layer ref", o.Layers[0].Pos, 15)
	line(t, "own layer ref", o.Layers[1].Pos, 39)
	if o.Env["LEVEL"].Value != "debug" || o.Env["SHARED"].Value != "global" || len(o.Env) != 3 {
		t.Errorf("env merge = %+v", o.Env)
	}
	line(t, "LEVEL", o.Env["LEVEL"].Pos, 36)
	if r := o.Env["REGION"]; r.Known || r.Value != "AWS::Region" {
		t.Errorf("REGION = %+v", r)
	}
	if o.Code == nil || o.Code.Display != "other/" || o.Code.Requirements != "" {
		t.Errorf("code %+v", o.Code)
	}
}

const layerRefsTemplate = `Transform: AWS::Serverless-2016-10-31
Parameters:
  SharedArn:
    Type: String
    Default: arn:aws:lambda:us-east-1:123456789012:layer:shared:4
  NotAnArn:
    Type: String
    Default: latest
  NoDefault:
    Type: String
  Account:
    Type: String
    Default: "210987654321"
Conditions:
  InUsEast: !Equals [!Ref AWS::Region, us-east-1]
  Always: !Equals [a, a]
Resources:
  MyLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: s3://bucket/layer.zip
  Bucket:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - !Ref MyLayer
        - !Ref SharedArn
        - !Ref NotAnArn
        - !Ref NoDefault
        - !Sub arn:aws:lambda:eu-west-1:${Account}:layer:sub:2
        - !Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:pseudo:9
        - !Ref FooLayer
        - arn:aws:lambda:us-east-1:123456789012:layer:noversion
        - not-an-arn
        - arn:aws:lambda:::awslayer:AmazonLinuxBase
        - !Ref Bucket
        - !ImportValue shared-layer-arn
        - !If [InUsEast, !Ref MyLayer, arn:aws:lambda:eu-west-1:123456789012:layer:eu:1]
        - !If [Always, !Ref MyLayer, !Ref AWS::NoValue]
        - !GetAtt MyLayer.LayerVersionArn
        - {"Ref": "Missing"}
`

func TestLayerRefs(t *testing.T) {
	dir := writeApp(t, map[string]string{"template.yaml": layerRefsTemplate})
	app := load(t, dir, "template.yaml")
	f := fn(t, app, "Fn")
	type want struct {
		line    int
		layer   string
		arn     string
		unknown string
		bad     string
	}
	wants := []want{
		{line: 31, layer: "MyLayer"},
		{line: 32, arn: "arn:aws:lambda:us-east-1:123456789012:layer:shared:4"},
		{line: 33, unknown: "parameter NotAnArn"},
		{line: 34, unknown: "parameter NoDefault"},
		{line: 35, arn: "arn:aws:lambda:eu-west-1:210987654321:layer:sub:2"},
		{line: 36, arn: "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:pseudo:9"},
		{line: 37, bad: "!Ref FooLayer refers to nothing in template.yaml"},
		{line: 38, bad: "layer ARN without a version"},
		{line: 39, bad: "not a layer version ARN"},
		{line: 40, arn: "arn:aws:lambda:::awslayer:AmazonLinuxBase"},
		{line: 41, bad: "!Ref Bucket refers to Bucket, a AWS::S3::Bucket, not a layer version"},
		{line: 42, unknown: "Fn::ImportValue shared-layer-arn"},
		{line: 43, layer: "MyLayer"},
		{line: 43, arn: "arn:aws:lambda:eu-west-1:123456789012:layer:eu:1"},
		{line: 44, layer: "MyLayer"},
		{line: 45, layer: "MyLayer"},
		{line: 46, bad: "!Ref Missing refers to nothing in template.yaml"},
	}
	if len(f.Layers) != len(wants) {
		for _, r := range f.Layers {
			t.Logf("%+v", r)
		}
		t.Fatalf("%d layer refs, want %d", len(f.Layers), len(wants))
	}
	for i, w := range wants {
		r := f.Layers[i]
		line(t, "layer ref", r.Pos, w.line)
		switch {
		case w.layer != "":
			if r.Layer == nil || r.Layer.Name != w.layer {
				t.Errorf("line %d: %+v, want layer %s", w.line, r, w.layer)
			}
		case w.arn != "":
			if r.ARN != w.arn || r.Bad || r.Unknown {
				t.Errorf("line %d: %+v, want ARN %s", w.line, r, w.arn)
			}
		case w.unknown != "":
			if !r.Unknown || r.Text != w.unknown {
				t.Errorf("line %d: %+v, want unknown %q", w.line, r, w.unknown)
			}
		case w.bad != "":
			if !r.Bad || !strings.HasPrefix(r.Problem, w.bad) {
				t.Errorf("line %d: %+v, want bad %q", w.line, r, w.bad)
			}
		}
	}
	lk406 := notesFor(app, "LK406")
	if len(lk406) != 5 {
		t.Fatalf("LK406 notes = %+v", lk406)
	}
	if n := lk406[0]; n.Message != "Layers entry !Ref FooLayer refers to nothing in template.yaml" ||
		n.Pos != (model.Pos{File: "template.yaml", Line: 37, Col: 11}) || n.Function != "Fn" || n.Severity != model.Error {
		t.Errorf("note = %+v", n)
	}
	if !strings.Contains(lk406[1].Message, "layer ARN without a version") {
		t.Errorf("note = %+v", lk406[1])
	}

	// S3 code and content: LK105 info at the property, nothing read.
	if f.Code != nil {
		t.Errorf("S3 code read: %+v", f.Code)
	}
	l := layer(t, app, "MyLayer")
	if l.Content != nil || l.NotInspectable != "S3 object s3://bucket/layer.zip" {
		t.Errorf("layer = %+v", l)
	}
	lk105 := notesFor(app, "LK105")
	if len(lk105) != 2 {
		t.Fatalf("LK105 notes = %+v", lk105)
	}
	for _, n := range lk105 {
		if n.Severity != model.Info {
			t.Errorf("severity %v: %+v", n.Severity, n)
		}
	}
	if n := lk105[0]; n.Layer != "MyLayer" || n.Pos.Line != 21 {
		t.Errorf("layer note = %+v", n)
	}
	if n := lk105[1]; n.Function != "Fn" || n.Pos.Line != 27 || !strings.Contains(n.Message, "the package in S3 cannot be read; its imports are not checked") {
		t.Errorf("function note = %+v", n)
	}
}

func TestS3Map(t *testing.T) {
	dir := writeApp(t, map[string]string{"template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      CodeUri:
        Bucket: !Sub "artifacts-${AWS::AccountId}"
        Key: fn.zip
`})
	app := load(t, dir, "template.yaml")
	n := notesFor(app, "LK105")
	if len(n) != 1 || n[0].Pos.Line != 8 || !strings.Contains(n[0].Message, "s3://artifacts-${AWS::AccountId}/fn.zip") {
		t.Errorf("notes = %+v", app.Notes)
	}
	if fn(t, app, "Fn").Code != nil {
		t.Error("code read")
	}
}

const buildTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  ZipLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: build/deps.zip
    Metadata:
      BuildMethod: python3.12
  PyLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/py
      CompatibleRuntimes: [python3.12, python3.13]
      CompatibleArchitectures:
        - arm64
    Metadata:
      BuildMethod: python3.12
  NodeLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/node
    Metadata:
      BuildMethod: nodejs20.x
  MakeLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/make
    Metadata:
      BuildMethod: makefile
  PlainLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/plain
  MakeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: python3.12
    Metadata:
      BuildMethod: makefile
  PyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: python3.12
`

func TestBuildMethods(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"template.yaml":                    buildTemplate,
		"layers/py/mod.py":                 "",
		"layers/py/requirements.txt":       "PyYAML\n",
		"layers/py/__pycache__/mod.pyc":    "",
		"layers/py/vendored.so":            "",
		"layers/py/env/config.py":          "",
		"layers/py/pkg/__init__.py":        "",
		"layers/py/pkg/old.pyc":            "",
		"layers/node/index.js":             "",
		"layers/make/Makefile":             "",
		"layers/plain/python/plain.py":     "",
		"layers/plain/python/__pycache__/": "",
		"fn/app.py":                        "",
		"fn/requirements.txt":              "requests\n",
		"fn/.venv/lib/x.py":                "",
		"fn/helper.so":                     "",
	})
	writeZip(t, filepath.Join(dir, "build/deps.zip"), map[string]string{"python/lib/python3.11/site-packages/x/__init__.py": ""})
	app := load(t, dir, "template.yaml")

	z := layer(t, app, "ZipLayer")
	if _, ok := z.Content.Tree.(*tree.ZipTree); !ok || z.Content.Display != "build/deps.zip" || z.Content.Requirements != "" {
		t.Errorf("zip layer content = %+v", z.Content)
	}
	if z.BuildMethod != "python3.12" {
		t.Errorf("BuildMethod = %q", z.BuildMethod)
	}
	if !tree.IsFile(z.Content.Tree, "python/lib/python3.11/site-packages/x/__init__.py") {
		t.Error("zip layer: file missing")
	}

	py := layer(t, app, "PyLayer")
	c := py.Content
	if c.Requirements != "python/requirements.txt" || c.InstallDir != "python" || c.Display != "layers/py/" || c.Opaque {
		t.Errorf("python layer = %+v", c)
	}
	for name, want := range map[string]bool{
		"python/mod.py": true, "python/requirements.txt": true, "python/pkg/__init__.py": true,
		"mod.py": false, "python/__pycache__/mod.pyc": false, "python/vendored.so": false,
		"python/env/config.py": false, "python/env": false, "python/pkg/old.pyc": false,
	} {
		if got := tree.Exists(c.Tree, name); got != want {
			t.Errorf("python layer: Exists(%s) = %v, want %v", name, got, want)
		}
	}
	if d := c.Tree.Display("python/mod.py"); d != "layers/py/mod.py" {
		t.Errorf("Display = %q", d)
	}
	list, _ := c.Tree.ReadDir("python")
	var names []string
	for _, e := range list {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "mod.py,pkg,requirements.txt" {
		t.Errorf("ReadDir(python) = %v", names)
	}
	if strings.Join(py.CompatibleRuntimes, ",") != "python3.12,python3.13" || strings.Join(py.CompatibleArchitectures, ",") != "arm64" {
		t.Errorf("compat = %v %v", py.CompatibleRuntimes, py.CompatibleArchitectures)
	}
	line(t, "CompatibleRuntimesPos", py.CompatibleRuntimesPos, 13)
	line(t, "CompatibleArchsPos", py.CompatibleArchsPos, 14)

	node := layer(t, app, "NodeLayer")
	if !tree.IsFile(node.Content.Tree, "nodejs/index.js") || node.Content.Requirements != "" {
		t.Errorf("node layer = %+v", node.Content)
	}

	mk := layer(t, app, "MakeLayer")
	if !mk.Content.Opaque || !tree.IsFile(mk.Content.Tree, "Makefile") {
		t.Errorf("makefile layer = %+v", mk.Content)
	}

	plain := layer(t, app, "PlainLayer")
	if !tree.IsFile(plain.Content.Tree, "python/plain.py") || plain.Content.Opaque {
		t.Errorf("plain layer = %+v", plain.Content)
	}

	mf := fn(t, app, "MakeFunction")
	if !mf.Code.Opaque || mf.Code.Requirements != "" || !tree.IsFile(mf.Code.Tree, "helper.so") {
		t.Errorf("makefile function = %+v", mf.Code)
	}
	pf := fn(t, app, "PyFunction")
	if pf.Code.Opaque || pf.Code.Requirements != "requirements.txt" || tree.Exists(pf.Code.Tree, "helper.so") ||
		tree.Exists(pf.Code.Tree, ".venv") || !tree.IsFile(pf.Code.Tree, "app.py") {
		t.Errorf("python function = %+v", pf.Code)
	}

	notes := notesFor(app, "LK105")
	if len(notes) != 2 || len(app.Notes) != 2 {
		t.Fatalf("notes = %+v", app.Notes)
	}
	if n := notes[0]; n.Layer != "MakeLayer" || n.Pos.Line != 29 || n.Severity != model.Info || !strings.Contains(n.Message, "makefile") {
		t.Errorf("layer note = %+v", n)
	}
	if n := notes[1]; n.Function != "MakeFunction" || n.Pos.Line != 41 || n.Severity != model.Info || !strings.Contains(n.Message, "not modelled") {
		t.Errorf("function note = %+v", n)
	}
}

func TestBuiltMode(t *testing.T) {
	built := `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  CoreLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: CoreLayer
    Metadata:
      BuildMethod: python3.12
  RawLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ../../layers/raw
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: HelloFunction
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - !Ref CoreLayer
        - !Ref RawLayer
`
	dir := writeApp(t, map[string]string{
		".aws-sam/build/template.yaml":                     built,
		".aws-sam/build/CoreLayer/python/core.py":          "",
		".aws-sam/build/CoreLayer/python/requirements.txt": "",
		".aws-sam/build/HelloFunction/app.py":              "",
		".aws-sam/build/HelloFunction/requirements.txt":    "",
		".aws-sam/build/HelloFunction/native.so":           "",
		"layers/raw/python/raw.py":                         "",
	})
	app := load(t, dir, ".aws-sam/build/template.yaml")
	if !app.Built || app.Kind != "sam" || app.Source != ".aws-sam/build/template.yaml" {
		t.Errorf("app = %s %v %q", app.Kind, app.Built, app.Source)
	}
	if len(app.Notes) != 0 {
		t.Errorf("notes = %+v", app.Notes)
	}
	core := layer(t, app, "CoreLayer")
	if !tree.IsFile(core.Content.Tree, "python/core.py") || core.Content.Requirements != "" || core.Content.Display != ".aws-sam/build/CoreLayer/" {
		t.Errorf("core = %+v", core.Content)
	}
	raw := layer(t, app, "RawLayer")
	if !tree.IsFile(raw.Content.Tree, "python/raw.py") || raw.Content.Display != "layers/raw/" {
		t.Errorf("raw = %+v", raw.Content)
	}
	h := fn(t, app, "HelloFunction")
	if h.Code.Requirements != "" || !tree.IsFile(h.Code.Tree, "native.so") {
		t.Errorf("hello = %+v", h.Code)
	}
	if h.Pos.File != ".aws-sam/build/template.yaml" || h.Pos.Line != 14 {
		t.Errorf("pos = %+v", h.Pos)
	}
	if h.Code.Tree.Display("app.py") != ".aws-sam/build/HelloFunction/app.py" {
		t.Errorf("display = %q", h.Code.Tree.Display("app.py"))
	}
}

func TestMissingCode(t *testing.T) {
	dir := writeApp(t, map[string]string{"template.yaml": `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: services/gone/
    Runtime: python3.12
Resources:
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/x
  NoContent:
    Type: AWS::Serverless::LayerVersion
  Inherits:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
  Own:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      CodeUri: services/orders/
`})
	app := load(t, dir, "template.yaml")
	var got []string
	for _, n := range app.Notes {
		got = append(got, n.Code.String()+" "+n.Severity.String()+" "+n.Function+n.Layer+" "+strconv.Itoa(n.Pos.Line)+" "+n.Message)
	}
	want := []string{
		"LK105 error Layer 10 ContentUri layers/x does not exist: sam build or sam deploy fails on it, and what the layer provides cannot be checked",
		"LK105 error NoContent 11 layer NoContent has no ContentUri",
		"LK102 error Inherits 4 CodeUri folder services/gone does not exist: sam build or sam deploy fails on it, and the function's imports cannot be checked",
		"LK102 error Own 21 CodeUri folder services/orders does not exist: sam build or sam deploy fails on it, and the function's imports cannot be checked",
	}
	for _, n := range app.Notes {
		if strings.Contains(n.Message, "does not exist") && !strings.Contains(n.Hint, "run layerkit after that script") {
			t.Errorf("%s %s: hint %q does not say to run layerkit after the script that creates the folder", n.Code, n.Message, n.Hint)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l := layer(t, app, "Layer"); l.Content != nil || l.NotInspectable != "ContentUri layers/x does not exist" {
		t.Errorf("layer = %+v", l)
	}
}

func TestMalformed(t *testing.T) {
	dir := writeApp(t, map[string]string{"template.yaml": "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: Handler: x\n"})
	_, err := Load(dir, filepath.Join(dir, "template.yaml"))
	var ie *iac.InputError
	if !errors.As(err, &ie) || ie.Pos.File != "template.yaml" || ie.Pos.Line != 4 {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "template.yaml:4:") || !strings.Contains(err.Error(), "mapping values are not allowed") {
		t.Errorf("err = %q", err)
	}
	_, err = Load(dir, filepath.Join(dir, "missing.yaml"))
	if !errors.As(err, &ie) || ie.Pos.File != "missing.yaml" {
		t.Errorf("err = %v", err)
	}
}

func TestJSONCloudFormation(t *testing.T) {
	src := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Layer": {
      "Type": "AWS::Lambda::LayerVersion",
      "Properties": {"Content": {"S3Bucket": "b", "S3Key": "layer.zip"}, "CompatibleRuntimes": ["python3.12"]}
    },
    "Inline": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Code": {"ZipFile": "import json\ndef handler(e, c):\n    return 1\n"},
        "Layers": [{"Ref": "Layer"}]
      }
    },
    "Local": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "Code": "src"}
    },
    "Image": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"PackageType": "Image", "Code": {"ImageUri": "x"}}
    }
  }
}`
	dir := writeApp(t, map[string]string{"infra/stack.json": src, "infra/src/app.py": ""})
	app := load(t, dir, "infra/stack.json")
	if app.Kind != "cloudformation" || app.Source != "infra/stack.json" {
		t.Errorf("app = %s %q", app.Kind, app.Source)
	}
	in := fn(t, app, "Inline")
	if in.Pos != (model.Pos{File: "infra/stack.json", Line: 8, Col: 5}) {
		t.Errorf("pos = %+v", in.Pos)
	}
	line(t, "HandlerPos", in.HandlerPos, 12)
	b, err := in.Code.Tree.ReadFile("index.py")
	if err != nil || !strings.Contains(string(b), "def handler") {
		t.Errorf("inline code: %q %v", b, err)
	}
	if len(in.Layers) != 1 || in.Layers[0].Layer == nil || in.Layers[0].Pos.Line != 14 {
		t.Errorf("layers = %+v", in.Layers)
	}
	if l := fn(t, app, "Local"); l.Code == nil || l.Code.Display != "infra/src/" {
		t.Errorf("local = %+v", l.Code)
	}
	if im := fn(t, app, "Image"); im.PackageType != "Image" || im.Code != nil {
		t.Errorf("image = %+v", im)
	}
	if n := notesFor(app, "LK105"); len(n) != 1 || n[0].Layer != "Layer" || n[0].Pos.Line != 6 {
		t.Errorf("notes = %+v", app.Notes)
	}
}

func TestReadMakeBuild(t *testing.T) {
	mk := "PIP := python3 -m pip\nV ?= 1.2\n\n.PHONY: build-L\nbuild-L:\n\t@echo hi\n\t$(PIP) install -q \\\n\t\tstructlog==$(V) cachetools \\\n\t\t-r requirements.txt \\\n\t\t-t \"$(ARTIFACTS_DIR)/python\" --upgrade\n\tcp -r src $(ARTIFACTS_DIR)/python\n\tcp -R lib/* \"$(ARTIFACTS_DIR)/python/\"\n\nbuild-Other:\n\tpip install notme -t $(ARTIFACTS_DIR)\n\tzip -r x.zip .\n"
	mb := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": mk}), "L")
	if !mb.found || mb.installDir != "python" || len(mb.other) != 0 {
		t.Fatalf("%+v", mb)
	}
	want := []string{"structlog==1.2", "cachetools", "-r requirements.txt"}
	if strings.Join(mb.installs, "|") != strings.Join(want, "|") {
		t.Errorf("installs = %q, want %q", mb.installs, want)
	}
	// python/ exists once pip has installed into it: cp -r src puts src inside it.
	if fmt.Sprint(mb.copies) != "[{ src python true} {lib * python true}]" {
		t.Errorf("copies = %v", mb.copies)
	}
	other := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": mk}), "Other")
	if !other.found || other.installDir != "" || len(other.other) != 1 || other.other[0] != "zip -r x.zip ." {
		t.Errorf("Other: %+v", other)
	}
	dot := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": "build-D:\n\tmkdir -p $(ARTIFACTS_DIR)/python\n\tcp -r . $(ARTIFACTS_DIR)/python\n"}), "D")
	if fmt.Sprint(dot.copies) != "[{ * python true}]" || len(dot.other) != 0 {
		t.Errorf("cp -r . : %+v", dot)
	}
	// The AWS SAM documentation's example: cp *.py into python/ (files only).
	doc := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": "build-MyLayer:\n\tmkdir -p \"$(ARTIFACTS_DIR)/python\"\n\tcp *.py \"$(ARTIFACTS_DIR)/python\"\n\tpython -m pip install -r requirements.txt -t \"$(ARTIFACTS_DIR)/python\"\n"}), "MyLayer")
	if fmt.Sprint(doc.copies) != "[{ *.py python false}]" || len(doc.other) != 0 || doc.installDir != "python" {
		t.Errorf("cp *.py: %+v", doc)
	}
	lay := tree.NewMap("", map[string]string{"a.py": "", "b.txt": "", "pkg/c.py": "", "Makefile": ""})
	got := tree.Union(doc.copies[0].tree(lay))
	if !tree.IsFile(got, "python/a.py") || tree.Exists(got, "python/b.txt") || tree.Exists(got, "python/pkg") {
		t.Errorf("cp *.py copied the wrong files")
	}
	// A target with prerequisites: what they do first is not read. ARTIFACTS_DIR ?= build
	// is the Makefile's default; sam build's environment value wins.
	pre := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": "ARTIFACTS_DIR ?= build\nbuild-shared:\n\tpython -m build -w\nbuild-P: build-shared\n\tmkdir -p \"$(ARTIFACTS_DIR)/python\"\n\tpip install x -t \"$(ARTIFACTS_DIR)/python\"\n"}), "P")
	if len(pre.other) != 1 || pre.other[0] != "prerequisite build-shared" || pre.installDir != "python" {
		t.Errorf("prerequisites: %+v", pre)
	}
	if mb := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": mk}), "Missing"); mb.found {
		t.Error("a target that is not there was found")
	}
}

// TestReadMakeBuildPublicZip: a public layer zip downloaded and unzipped into
// $(ARTIFACTS_DIR) provides what that layer holds; the other forms are not read.
func TestReadMakeBuildPublicZip(t *testing.T) {
	const url = "https://aws-data-wrangler-public-artifacts.s3.amazonaws.com/releases/3.9.1/awswrangler-layer-3.9.1-py3.12.zip"
	for _, tc := range []struct {
		name, recipe string
		provides     bool
		other        int
	}{
		{"curl -o, unzip -d, rm", "\t# fetch it\n\tcurl -sL \"" + url + "\" -o /tmp/w.zip\n\tunzip -q -o /tmp/w.zip -d \"$(ARTIFACTS_DIR)\"\n\trm -f /tmp/w.zip\n\tdu -sh $(ARTIFACTS_DIR) || true\n", true, 0},
		{"wget to its own name", "\twget -q " + url + "\n\tunzip awswrangler-layer-3.9.1-py3.12.zip -d $(ARTIFACTS_DIR)\n", true, 0},
		{"unzipped into python/", "\tcurl -sL " + url + " -o w.zip\n\tunzip w.zip -d $(ARTIFACTS_DIR)/python\n", false, 1},
		{"another zip", "\tcurl -sL https://example.com/w.zip -o w.zip\n\tunzip w.zip -d $(ARTIFACTS_DIR)\n", false, 1},
		{"curl into the layer", "\tcurl -sL " + url + " -o $(ARTIFACTS_DIR)/w.zip\n", false, 1},
		{"rm in the layer", "\tcurl -sL " + url + " -o w.zip\n\tunzip w.zip -d $(ARTIFACTS_DIR)\n\trm -rf $(ARTIFACTS_DIR)/python/numpy\n", true, 1},
	} {
		mb := readMakeBuild(tree.NewMap("", map[string]string{"Makefile": "build-L:\n" + tc.recipe}), "L")
		if (len(mb.provides) > 0) != tc.provides || len(mb.other) != tc.other {
			t.Errorf("%s: provides %v, other %q", tc.name, mb.provides, mb.other)
		}
		if tc.provides && !slices.Contains(mb.provides[0].Modules, "pyarrow") {
			t.Errorf("%s: provides %v", tc.name, mb.provides)
		}
	}
}

func TestMakefileLayerkitBuild(t *testing.T) {
	mk := "LK := layerkit\nbuild-Shared:\n\t$(LK) build src -o \"$(ARTIFACTS_DIR).zip\" --runtime python3.12\n\tpython3 -m zipfile -e x y\nbuild-WithReqs:\n\tlayerkit build src -r req.txt -o x.zip\n"
	tr := tree.NewMap("", map[string]string{"Makefile": mk})
	if src, ok := makefileLayerkitBuild(tr, "Shared"); !ok || src != "src" {
		t.Errorf("Shared: src=%q ok=%v", src, ok)
	}
	if _, ok := makefileLayerkitBuild(tr, "WithReqs"); ok {
		t.Error("a build with -r was taken as modelled")
	}
	if _, ok := makefileLayerkitBuild(tr, "Nope"); ok {
		t.Error("a missing target was found")
	}
}
