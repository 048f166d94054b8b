package artifacts

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/tree"
)

var writeZip = iactest.WriteZip

func TestLoad(t *testing.T) {
	root := t.TempDir()
	writeZip(t, filepath.Join(root, "app.zip"), map[string]string{"app.py": "import core\n"})
	writeZip(t, filepath.Join(root, "build", "deps.zip"), map[string]string{"python/requests/__init__.py": ""})
	if err := os.MkdirAll(filepath.Join(root, "layers", "core", "python", "core"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "layers", "core", "python", "core", "__init__.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	app, err := Load(root, Spec{
		FunctionZip: "app.zip", Handler: "app.handler", Runtime: "python3.12", Arch: "aarch64",
		Layers: []string{"build/deps.zip", filepath.Join(root, "layers", "core") + "/", "build/deps.zip"},
		Env:    map[string]string{"PYTHONPATH": "/opt/x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if app.Kind != "artifacts" || !app.Built || app.Source != "app.zip" || len(app.Functions) != 1 {
		t.Fatalf("app = %+v", app)
	}
	f := app.Functions[0]
	if f.Name != "app" || f.Handler != "app.handler" || f.Runtime != "python3.12" || f.Arch != "arm64" || f.Kind != "artifacts" {
		t.Errorf("function = %+v", f)
	}
	if !tree.IsFile(f.Code.Tree, "app.py") || f.Code.Tree.Display("app.py") != "app.zip:app.py" {
		t.Errorf("code display = %q", f.Code.Tree.Display("app.py"))
	}
	if e := f.Env["PYTHONPATH"]; e.Value != "/opt/x" || !e.Known {
		t.Errorf("env = %+v", f.Env)
	}
	if len(app.Layers) != 2 || app.Layers[0].Name != "deps" || app.Layers[1].Name != "core" {
		t.Fatalf("layers = %+v", app.Layers)
	}
	if len(f.Layers) != 3 || f.Layers[0].Layer != app.Layers[0] || f.Layers[1].Layer != app.Layers[1] || f.Layers[2].Layer != app.Layers[0] {
		t.Errorf("refs = %+v", f.Layers)
	}
	core := app.Layers[1].Content
	if !tree.IsFile(core.Tree, "python/core/__init__.py") || core.Tree.Display("python/core/__init__.py") != "layers/core/python/core/__init__.py" || core.Display != "layers/core/" {
		t.Errorf("core = %q %q", core.Display, core.Tree.Display("python/core/__init__.py"))
	}
	if app.Layers[0].Pos.File != "build/deps.zip" {
		t.Errorf("deps pos = %v", app.Layers[0].Pos)
	}
}

func TestLoadErrors(t *testing.T) {
	root := t.TempDir()
	writeZip(t, filepath.Join(root, "app.zip"), map[string]string{"app.py": ""})
	if err := os.WriteFile(filepath.Join(root, "notzip.zip"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec Spec
		file string
	}{
		{Spec{FunctionZip: "missing.zip"}, "missing.zip"},
		{Spec{FunctionZip: "app.zip", Layers: []string{"layers/nope.zip"}}, "layers/nope.zip"},
		{Spec{FunctionZip: "notzip.zip"}, "notzip.zip"},
		{Spec{}, ""},
	}
	for _, tt := range tests {
		_, err := Load(root, tt.spec)
		var ie *iac.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%+v: error %v, want *iac.InputError", tt.spec, err)
			continue
		}
		if ie.Pos.File != tt.file {
			t.Errorf("%+v: error names %q, want %q (%v)", tt.spec, ie.Pos.File, tt.file, err)
		}
	}
}
