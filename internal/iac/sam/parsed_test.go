package sam

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/model"
)

const parsedTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}
  B:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}
`

func names(app *model.App) []string {
	var out []string
	for _, f := range app.Functions {
		out = append(out, f.Name+" "+f.Code.Display)
	}
	return out
}

// TestLoadParsed: a template parsed before its load (discovery) loads as LoadWith
// loads the file; one parsed from other bytes than the file now holds (changed since)
// is not used.
func TestLoadParsed(t *testing.T) {
	dir := writeApp(t, map[string]string{"template.yaml": parsedTemplate, "src/app.py": "def handler(e, c): pass\n"})
	file := filepath.Join(dir, "template.yaml")
	want := names(load(t, dir, "template.yaml"))
	if len(want) != 2 {
		t.Fatalf("LoadWith: %v", want)
	}
	pre, err := cfn.Parse([]byte(parsedTemplate), "template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	app, err := LoadParsed(dir, file, &Parsed{Data: []byte(parsedTemplate), T: pre}, iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(app); !slices.Equal(got, want) {
		t.Errorf("LoadParsed = %v, want %v", got, want)
	}
	// The file changed after it was parsed: the loader reads what it holds now.
	stale, err := cfn.Parse([]byte(parsedTemplate), "template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := parsedTemplate[:len(parsedTemplate)-len("  B:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}\n")]
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	app, err = LoadParsed(dir, file, &Parsed{Data: []byte(parsedTemplate), T: stale}, iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(app); !slices.Equal(got, want[:1]) {
		t.Errorf("LoadParsed of a changed file = %v, want %v", got, want[:1])
	}
	// Parsed under another name (positions would name the wrong file): not used.
	other, err := cfn.Parse([]byte(changed), "other.yaml")
	if err != nil {
		t.Fatal(err)
	}
	app, err = LoadParsed(dir, file, &Parsed{Data: []byte(changed), T: other}, iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if app.Functions[0].Pos.File != "template.yaml" {
		t.Errorf("positions name %q, want template.yaml", app.Functions[0].Pos.File)
	}
}
