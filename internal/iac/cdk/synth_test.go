package cdk

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// The assembly in testdata/cdk-synth/cdk.out is real `cdk synth` output (aws-cdk-lib
// 2.276.0, aws-cdk CLI 2.1148.1, cloud-assembly schema 55.0.0) of the app in
// testdata/cdk-synth/app, made by scripts/cdk-synth.sh. Regenerating it with other
// versions may move template lines; asset hashes change only with the sources.
const (
	synthRoot = "../../../testdata/cdk-synth"

	synthLayerAsset   = "asset.dbf20d4b9f72cf359a01d10d7da3190a86e2d9de5ff12f0371374dd854cb67db"
	synthConnectAsset = "asset.2669bbe6755b9d672d92e403a17fc488b3d89221d19294e3fb274559d49a2f0d"
	synthAudioAsset   = "asset.08fd99f39ffe010d4afa883451f70f092986924bce51143c74e69283046d81a2"
	synthReportAsset  = "asset.ead92746fd2ebb1b75d2615f3b5d55b8298feb8893ba723c7feb1ad7cbb7e252"
	synthAPIAsset     = "asset.3c3d6c013ef2d55289c7047265b153ee953d557d81b5a3d5d15b3944d5a3c35c"

	synthAudioTemplate = "cdk.out/AudioStack.template.json"
	synthProdTemplate  = "cdk.out/assembly-Prod/ProdApiStack96F1B437.template.json"

	insightsARN = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53"
)

func loadSynth(t *testing.T) *model.App {
	t.Helper()
	app, err := Load(synthRoot, filepath.Join(synthRoot, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// TestSynthAssembly reads the real synthesized assembly: two stacks (one in the nested
// assembly of the Prod stage), the hand-built shared layer in each, four functions.
func TestSynthAssembly(t *testing.T) {
	app := loadSynth(t)
	if app.Kind != "cdk" || !app.Built || app.Source != "cdk.out" {
		t.Errorf("app = %q %v %q", app.Kind, app.Built, app.Source)
	}
	// Real synth output carries IAM roles, CDKMetadata (with its Analytics blob), the
	// BootstrapVersion parameter and the CheckBootstrapVersion rule: none is a note.
	if len(app.Notes) != 0 {
		t.Errorf("notes = %+v", app.Notes)
	}

	var names []string
	for _, f := range app.Functions {
		names = append(names, f.Name)
	}
	want := "ConnectFunction52BFC429 AudioFunction0D850392 ReportFunction3CBC8DF1 ApiFunctionCE271BD4"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("functions = %s, want %s", got, want)
	}

	// One LayerVersion per stack: the top-level stack's and the Prod stage's, both built
	// from the same folder, so both name the same staged asset.
	if len(app.Layers) != 2 {
		t.Fatalf("%d layers", len(app.Layers))
	}
	// The logical id repeats across the two stacks, so the layers are named by stack.
	lnames := []string{"AudioStack/SharedUtilsLayerB5102E0E", "assembly-Prod/ProdApiStack96F1B437/SharedUtilsLayerB5102E0E"}
	for i, file := range []string{synthAudioTemplate, synthProdTemplate} {
		l := app.Layers[i]
		if l.Name != lnames[i] || l.Pos != (model.Pos{File: file, Line: 3, Col: 3}) {
			t.Errorf("layer %d = %s at %+v", i, l.Name, l.Pos)
		}
		if strings.Join(l.CompatibleRuntimes, ",") != "python3.12" || l.CompatibleArchitectures != nil {
			t.Errorf("layer %d compat = %v %v", i, l.CompatibleRuntimes, l.CompatibleArchitectures)
		}
		if l.NotInspectable != "" || l.Content == nil || l.Content.Display != "cdk.out/"+synthLayerAsset+"/" {
			t.Fatalf("layer %d content = %+v (%s)", i, l.Content, l.NotInspectable)
		}
		for _, f := range []string{"__init__.py", "structured_logger.py", "table_names.py", "validators.py"} {
			p := "python/shared_utils/" + f
			if !tree.IsFile(l.Content.Tree, p) {
				t.Errorf("layer %d has no %s", i, p)
			}
			if d := l.Content.Tree.Display(p); d != "cdk.out/"+synthLayerAsset+"/"+p {
				t.Errorf("display = %q", d)
			}
		}
		if tree.IsFile(l.Content.Tree, "python/shared_utils/audio_codec.py") {
			t.Errorf("layer %d has audio_codec.py", i)
		}
	}
	top, prod := app.Layers[0], app.Layers[1]

	type want1 struct {
		name, arch, asset, template string
		line                        int
		layers                      []*model.Layer
		arn                         string
	}
	for _, w := range []want1{
		{"ConnectFunction52BFC429", "x86_64", synthConnectAsset, synthAudioTemplate, 56, []*model.Layer{top}, ""},
		{"AudioFunction0D850392", "arm64", synthAudioAsset, synthAudioTemplate, 121, []*model.Layer{top}, ""},
		{"ReportFunction3CBC8DF1", "x86_64", synthReportAsset, synthAudioTemplate, 189, []*model.Layer{top, nil}, insightsARN},
		// In the nested assembly, aws:asset:path is ../asset.<hash>: the loader must find
		// it in the top cdk.out folder.
		{"ApiFunctionCE271BD4", "x86_64", synthAPIAsset, synthProdTemplate, 56, []*model.Layer{prod}, ""},
	} {
		f := fn(t, app, w.name)
		if f.Pos != (model.Pos{File: w.template, Line: w.line, Col: 3}) {
			t.Errorf("%s pos = %+v", w.name, f.Pos)
		}
		if f.Kind != "cdk" || f.Runtime != "python3.12" || f.Arch != w.arch || f.Handler != "handler.handler" {
			t.Errorf("%s = kind %q runtime %q arch %q handler %q", w.name, f.Kind, f.Runtime, f.Arch, f.Handler)
		}
		if f.RuntimePos.File != w.template || f.HandlerPos.File != w.template || f.LayersPos.File != w.template {
			t.Errorf("%s property positions: %+v %+v %+v", w.name, f.RuntimePos, f.HandlerPos, f.LayersPos)
		}
		if w.arch == "arm64" && f.ArchPos.Line != w.line+3 {
			t.Errorf("%s arch pos = %+v", w.name, f.ArchPos)
		}
		if f.Code == nil || f.Code.Display != "cdk.out/"+w.asset+"/" {
			t.Fatalf("%s code = %+v", w.name, f.Code)
		}
		if !tree.IsFile(f.Code.Tree, "handler.py") || f.Code.Tree.Display("handler.py") != "cdk.out/"+w.asset+"/handler.py" {
			t.Errorf("%s: handler.py not visible as %s/handler.py", w.name, w.asset)
		}
		if len(f.Layers) != len(w.layers) {
			t.Fatalf("%s layers = %+v", w.name, f.Layers)
		}
		for i, l := range w.layers {
			r := f.Layers[i]
			if r.Bad || r.Unknown {
				t.Errorf("%s layer %d = %+v", w.name, i, r)
			}
			if l != nil && r.Layer != l {
				t.Errorf("%s layer %d resolves to %+v, want the %s stack's layer", w.name, i, r.Layer, l.Pos.File)
			}
			if l == nil && (r.Layer != nil || r.ARN != w.arn) {
				t.Errorf("%s layer %d = %+v, want ARN %s", w.name, i, r, w.arn)
			}
		}
	}

	// The imported layer: a literal ARN at its list item, no note from the loader.
	r := fn(t, app, "ReportFunction3CBC8DF1").Layers[1]
	if r.Pos != (model.Pos{File: synthAudioTemplate, Line: 201, Col: 6}) || r.Inspectable() {
		t.Errorf("ARN ref = %+v", r)
	}
}

// TestSynthNestedAssemblyAlone loads the Prod stage's assembly by itself, as
// `layerkit check cdk.out/assembly-Prod` does: its assets live one folder up.
func TestSynthNestedAssemblyAlone(t *testing.T) {
	dir := filepath.Join(synthRoot, "cdk.out", "assembly-Prod")
	app, err := Load(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Notes) != 0 || len(app.Functions) != 1 || len(app.Layers) != 1 {
		t.Fatalf("notes %+v, %d functions, %d layers", app.Notes, len(app.Functions), len(app.Layers))
	}
	f := app.Functions[0]
	if f.Name != "ApiFunctionCE271BD4" || f.Pos.File != "ProdApiStack96F1B437.template.json" {
		t.Errorf("function = %s at %+v", f.Name, f.Pos)
	}
	if f.Code == nil || !tree.IsFile(f.Code.Tree, "handler.py") {
		t.Errorf("code = %+v", f.Code)
	}
	if c := app.Layers[0].Content; c == nil || !tree.IsFile(c.Tree, "python/shared_utils/validators.py") {
		t.Errorf("layer content = %+v", c)
	}
}
