package cdk

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
)

// FuzzLoad: any manifest.json and stack template load or fail with an *iac.InputError,
// never panic, never read outside what the manifest names.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"version": "36.0.0", "artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}`),
		[]byte(`{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Metadata": {"aws:asset:path": "asset.abc", "aws:asset:property": "Code"}, "Properties": {"Handler": "app.handler", "Runtime": "python3.12", "Layers": [{"Ref": "L"}, {"Fn::ImportValue": "X"}]}}, "L": {"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": {"S3Bucket": "b", "S3Key": "k"}}}}}`))
	f.Add([]byte(`{"artifacts": {"A": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}, "B": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../S.template.json"}}}}`),
		[]byte("Resources: {F: {Type: AWS::Lambda::Function}}\n"))
	f.Add([]byte(`{"artifacts": 5}`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, manifest, template []byte) {
		root := t.TempDir()
		out := filepath.Join(root, "cdk.out")
		if err := os.MkdirAll(filepath.Join(out, "asset.abc"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(out, "manifest.json"), manifest, 0o644)
		os.WriteFile(filepath.Join(out, "S.template.json"), template, 0o644)
		os.WriteFile(filepath.Join(out, "asset.abc", "app.py"), []byte("import json\n"), 0o644)
		app, err := Load(root, out)
		if err != nil {
			var ie *iac.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is a %T, not *iac.InputError", err, err)
			}
			return
		}
		if app == nil {
			t.Fatal("nil app without error")
		}
	})
}
