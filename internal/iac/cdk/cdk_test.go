package cdk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// The shared helpers, by the short names the tests use.
var (
	fn       = iactest.Function
	casesDir = iactest.CasesDir
)

func TestSharedUtilsCase(t *testing.T) {
	cases := casesDir(t)
	if cases == "" {
		t.Skip("../shared/cases not found")
	}
	root := filepath.Join(cases, "cdk-shared-utils-layer")
	app, err := Load(root, filepath.Join(root, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	if app.Kind != "cdk" || !app.Built || app.Source != "cdk.out" {
		t.Errorf("app = %q %v %q", app.Kind, app.Built, app.Source)
	}
	if len(app.Notes) != 0 {
		t.Errorf("notes = %+v", app.Notes)
	}
	if len(app.Functions) != 2 || len(app.Layers) != 1 {
		t.Fatalf("%d functions, %d layers", len(app.Functions), len(app.Layers))
	}
	a := fn(t, app, "AudioFunctionE81D3C07")
	if a.Pos != (model.Pos{File: "cdk.out/AudioStack.template.json", Line: 22, Col: 5}) {
		t.Errorf("pos = %+v", a.Pos)
	}
	if a.Runtime != "python3.11" || a.Handler != "audio.handler" || a.Arch != "arm64" || a.Kind != "cdk" {
		t.Errorf("function = %+v", a)
	}
	if a.HandlerPos.Line != 26 || a.RuntimePos.Line != 27 || a.ArchPos.Line != 28 || a.LayersPos.Line != 29 {
		t.Errorf("positions: handler %d runtime %d arch %d layers %d", a.HandlerPos.Line, a.RuntimePos.Line, a.ArchPos.Line, a.LayersPos.Line)
	}
	if a.Code == nil || a.Code.Display != "cdk.out/asset.c93e44f0/" || a.Code.Tree.Display("audio.py") != "cdk.out/asset.c93e44f0/audio.py" {
		t.Fatalf("code = %+v", a.Code)
	}
	if len(a.Layers) != 1 || a.Layers[0].Layer != app.Layers[0] || a.Layers[0].Pos.Line != 29 {
		t.Errorf("layers = %+v", a.Layers)
	}
	l := app.Layers[0]
	if l.Name != "SharedUtilsLayer3F2A1B9C" || l.Pos.Line != 3 || strings.Join(l.CompatibleRuntimes, ",") != "python3.11" {
		t.Errorf("layer = %+v", l)
	}
	if l.Content == nil || !tree.IsFile(l.Content.Tree, "python/shared_utils/validators.py") {
		t.Errorf("layer content = %+v", l.Content)
	}
	if d := l.Content.Tree.Display("python/shared_utils/validators.py"); d != "cdk.out/asset.5f1c0d9e/python/shared_utils/validators.py" {
		t.Errorf("display = %q", d)
	}
}

func TestNestedStage(t *testing.T) {
	root := filepath.Join("testdata", "stage")
	app, err := Load(root, filepath.Join(root, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	// One note: the cross-stack import linked to the layer, said where it is made.
	if len(app.Notes) != 1 || app.Notes[0].Code != rulecode.LK105 || app.Notes[0].Severity != model.Info || app.Notes[0].Pos.Line != 15 ||
		!strings.Contains(app.Notes[0].Message, "stack LayerStack exports the ARN of its layer SharedLayerA1B2C3D4") {
		t.Errorf("notes = %+v", app.Notes)
	}
	if len(app.Layers) != 1 || len(app.Functions) != 3 {
		t.Fatalf("%d layers, %d functions", len(app.Layers), len(app.Functions))
	}
	api := fn(t, app, "ApiFunction1234ABCD")
	if api.Pos.File != "cdk.out/assembly-Prod/ProdApiStack.template.json" || api.Pos.Line != 3 {
		t.Errorf("pos = %+v", api.Pos)
	}
	if api.Code == nil || api.Code.Display != "cdk.out/asset.bbb222/" || !tree.IsFile(api.Code.Tree, "api.py") {
		t.Errorf("code = %+v", api.Code)
	}
	if len(api.Layers) != 2 {
		t.Fatalf("layers = %+v", api.Layers)
	}
	if r := api.Layers[0]; r.Layer == nil || r.Layer.Name != "SharedLayerA1B2C3D4" || r.Pos.Line != 15 {
		t.Errorf("imported layer ref = %+v", r)
	}
	if r := api.Layers[1]; r.ARN != "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7" || r.Pos.Line != 16 {
		t.Errorf("ARN ref = %+v", r)
	}
	if e := api.Env["TABLE"]; e.Known || e.Value != "!Ref Table" {
		t.Errorf("TABLE = %+v", e)
	}
	if e := api.Env["MODE"]; !e.Known || e.Value != "prod" || e.Pos.Line != 13 {
		t.Errorf("MODE = %+v", e)
	}

	z := fn(t, app, "ZippedFunction5678EFAB")
	if _, ok := z.Code.Tree.(*tree.ZipTree); !ok || z.Code.Display != "cdk.out/asset.ccc333.zip" || !tree.IsFile(z.Code.Tree, "zipped.py") {
		t.Errorf("zip code = %+v", z.Code)
	}

	in := fn(t, app, "InlineFunction9999")
	if b, err := in.Code.Tree.ReadFile("index.py"); err != nil || !strings.Contains(string(b), "def handler") {
		t.Errorf("inline = %q %v", b, err)
	}
}

func TestNoAssetMetadata(t *testing.T) {
	root := filepath.Join("testdata", "noassets")
	app, err := Load(root, filepath.Join(root, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range app.Notes {
		got = append(got, n.Code.String()+" "+n.Severity.String()+" "+n.Function+n.Layer+" "+n.Message)
	}
	want := []string{
		"LK105 info BareLayer11 cdk.out has no asset metadata for BareLayer11; synthesize with asset metadata enabled (the default) to have its content checked",
		"LK406 error BareFunction22 Layers entry !Ref GoneLayer refers to nothing in cdk.out/Bare.template.json",
		"LK105 info BareFunction22 cdk.out has no asset metadata for BareFunction22 and no staged asset for s3://b/f.zip; synthesize with asset metadata enabled (the default) to have its code checked",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	f := fn(t, app, "BareFunction22")
	if f.Code != nil || len(f.Layers) != 2 || f.Layers[0].Layer == nil || !f.Layers[1].Bad {
		t.Errorf("function = %+v", f)
	}
	if app.Notes[2].Pos != (model.Pos{File: "cdk.out/Bare.template.json", Line: 10, Col: 5}) {
		t.Errorf("note pos = %+v", app.Notes[2].Pos)
	}
	if app.Layers[0].Content != nil || app.Layers[0].NotInspectable == "" {
		t.Errorf("layer = %+v", app.Layers[0])
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "cdk.out")
	os.MkdirAll(out, 0o755)
	var ie *iac.InputError

	_, err := Load(dir, out)
	if !errors.As(err, &ie) || ie.Pos.File != "cdk.out/manifest.json" {
		t.Errorf("missing manifest: %v", err)
	}

	os.WriteFile(filepath.Join(out, "manifest.json"), []byte("{\n  \"artifacts\": {,\n}"), 0o644)
	_, err = Load(dir, out)
	if !errors.As(err, &ie) || ie.Pos.Line != 2 {
		t.Errorf("bad manifest: %v", err)
	}

	os.WriteFile(filepath.Join(out, "manifest.json"), []byte(`{"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}`), 0o644)
	os.WriteFile(filepath.Join(out, "S.template.json"), []byte("{\"Resources\": {\n\"A\": {\"Type\" \"x\"}}}"), 0o644)
	_, err = Load(dir, out)
	if !errors.As(err, &ie) || ie.Pos.File != "cdk.out/S.template.json" || ie.Pos.Line != 2 {
		t.Errorf("bad template: %v", err)
	}

	// A missing asset is a note, not an input error.
	os.WriteFile(filepath.Join(out, "S.template.json"), []byte(`{"Resources": {"F": {"Type": "AWS::Lambda::Function",
 "Properties": {"Code": {"S3Bucket": "b", "S3Key": "k"}, "Runtime": "python3.12", "Handler": "a.b"},
 "Metadata": {"aws:asset:path": "asset.gone", "aws:asset:property": "Code"}}}}`), 0o644)
	app, err := Load(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Notes) != 1 || app.Notes[0].Code != rulecode.LK102 || app.Notes[0].Pos.Line != 2 ||
		app.Notes[0].Message != "the asset of F, cdk.out/asset.gone, is not in the cloud assembly" {
		t.Errorf("notes = %+v", app.Notes)
	}
}

// TestStagedAssetWithoutMetadata: synthesized with --no-asset-metadata, the template
// names the S3 object <hash>.zip; the staged asset.<hash> folder is still used.
func TestStagedAssetWithoutMetadata(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "cdk.out")
	files := map[string]string{
		"manifest.json":       `{"version":"36.0.0","artifacts":{"S":{"type":"aws:cloudformation:stack","properties":{"templateFile":"S.template.json"}}}}`,
		"S.template.json":     `{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"Code":{"S3Bucket":"b","S3Key":"abc123.zip"},"Handler":"app.handler","Runtime":"python3.12"}}}}`,
		"asset.abc123/app.py": "def handler(e, c): pass\n",
	}
	iactest.WriteFiles(t, out, files)
	app, err := Load(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Notes) != 0 || len(app.Functions) != 1 || app.Functions[0].Code == nil {
		t.Fatalf("notes %v, functions %+v", app.Notes, app.Functions)
	}
	if got := app.Functions[0].Code.Tree.Display("app.py"); got != "cdk.out/asset.abc123/app.py" {
		t.Errorf("display = %q", got)
	}
}

// An aws-lambda-python-alpha asset staged without bundling (aws:asset:is-bundled false) is
// modelled as its bundling deploys it: a PythonLayerVersion's entry under python/ with its
// requirements installed there, a PythonFunction's requirements installed at its root. A
// bundled asset (is-bundled true), an asset of another construct, or one whose construct
// tree.json does not name, is read as staged.
func TestUnbundledPythonAlphaAssets(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "cdk.out")
	res := func(name, typ, prop string, bundled bool) string {
		code := `"Code"`
		if prop == "Content" {
			code = `"Content"`
		}
		extra := `,"Handler":"index.handler","Runtime":"python3.12"`
		if typ == "AWS::Lambda::LayerVersion" {
			extra = ""
		}
		b := "false"
		if bundled {
			b = "true"
		}
		return `"` + name + `":{"Type":"` + typ + `","Properties":{` + code + `:{"S3Bucket":"b","S3Key":"` + name + `.zip"}` + extra + `},` +
			`"Metadata":{"aws:cdk:path":"S/` + name + `/Resource","aws:asset:path":"asset.` + name + `","aws:asset:is-bundled":` + b + `,"aws:asset:property":"` + prop + `"}}`
	}
	node := func(name, fqn string) string {
		return `"` + name + `":{"id":"` + name + `","path":"S/` + name + `","constructInfo":{"fqn":"` + fqn + `"}}`
	}
	files := map[string]string{
		"manifest.json": `{"version":"36.0.0","artifacts":{"S":{"type":"aws:cloudformation:stack","properties":{"templateFile":"S.template.json"}}}}`,
		"S.template.json": `{"Resources":{` + strings.Join([]string{
			res("PyLayer", "AWS::Lambda::LayerVersion", "Content", false),
			res("BundledLayer", "AWS::Lambda::LayerVersion", "Content", true),
			res("PyFn", "AWS::Lambda::Function", "Code", false),
			res("PlainFn", "AWS::Lambda::Function", "Code", false),
		}, ",") + `}}`,
		"tree.json": `{"tree":{"id":"App","path":"","children":{"S":{"id":"S","path":"S","children":{` + strings.Join([]string{
			node("PyLayer", "@aws-cdk/aws-lambda-python-alpha.PythonLayerVersion"),
			node("BundledLayer", "@aws-cdk/aws-lambda-python-alpha.PythonLayerVersion"),
			node("PyFn", "@aws-cdk/aws-lambda-python-alpha.PythonFunction"),
			node("PlainFn", "aws-cdk-lib.aws_lambda.Function"),
		}, ",") + `}}}}}`,
		"asset.PyLayer/requirements.txt":             "numpy\n",
		"asset.PyLayer/util.py":                      "",
		"asset.BundledLayer/python/requirements.txt": "numpy\n",
		"asset.PyFn/index.py":                        "",
		"asset.PyFn/requirements.txt":                "requests\n",
		"asset.PlainFn/index.py":                     "",
		"asset.PlainFn/requirements.txt":             "requests\n",
	}
	iactest.WriteFiles(t, out, files)
	app, err := Load(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	layer := func(name string) *model.Layer {
		for _, l := range app.Layers {
			if l.Name == name {
				return l
			}
		}
		t.Fatalf("no layer %s", name)
		return nil
	}
	py := layer("PyLayer").Content
	if py.Requirements != "python/requirements.txt" || py.InstallDir != "python" || !tree.IsFile(py.Tree, "python/util.py") {
		t.Errorf("PyLayer: requirements %q into %q, python/util.py there: %v", py.Requirements, py.InstallDir, tree.IsFile(py.Tree, "python/util.py"))
	}
	if b := layer("BundledLayer").Content; b.Requirements != "" || !tree.IsFile(b.Tree, "python/requirements.txt") {
		t.Errorf("BundledLayer modelled: requirements %q", b.Requirements)
	}
	if c := fn(t, app, "PyFn").Code; c.Requirements != "requirements.txt" || c.InstallDir != "" {
		t.Errorf("PyFn: requirements %q into %q", c.Requirements, c.InstallDir)
	}
	if c := fn(t, app, "PlainFn").Code; c.Requirements != "" {
		t.Errorf("PlainFn modelled: requirements %q", c.Requirements)
	}
	if len(app.Notes) != 2 {
		t.Errorf("notes = %+v, want one per modelled asset", app.Notes)
	}
}
