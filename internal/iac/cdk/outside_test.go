package cdk

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// TestOutside: asset paths that leave the checked folder are not read (LK410 at the
// Code or Content property), nor a templateFile outside (InputError).
func TestOutside(t *testing.T) {
	base := t.TempDir()
	iactest.WriteFiles(t, base, map[string]string{
		"shared/app.py": "def handler(e, c):\n    return 1\n",
		"proj/cdk.out/manifest.json": `{"version": "36.0.0", "artifacts": {
  "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}`,
		"proj/cdk.out/S.template.json": `{"Resources": {
  "F": {"Type": "AWS::Lambda::Function",
        "Metadata": {"aws:asset:path": "../../shared", "aws:asset:property": "Code"},
        "Properties": {"Handler": "app.handler", "Runtime": "python3.12", "Code": {"S3Bucket": "b", "S3Key": "k.zip"}}},
  "L": {"Type": "AWS::Lambda::LayerVersion",
        "Metadata": {"aws:asset:path": "/", "aws:asset:property": "Content"},
        "Properties": {"Content": {"S3Bucket": "b", "S3Key": "l.zip"}}}}}`,
	})
	proj := filepath.Join(base, "proj")
	app, err := Load(proj, filepath.Join(proj, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, n := range app.Notes {
		if n.Code != rulecode.LK410 || !strings.Contains(n.Message, "asset path") || !strings.Contains(n.Hint, "--allow-outside") {
			t.Errorf("note %+v, want LK410 naming the asset path", n)
		}
		lines = append(lines, n.Pos.Line)
	}
	if len(lines) != 2 || lines[0] != 7 || lines[1] != 4 {
		t.Errorf("notes at lines %v, want the layer's Content (7) and the function's Code (4)", lines)
	}
	if f := fn(t, app, "F"); f.Code != nil {
		t.Errorf("code outside read: %+v", f.Code)
	}

	iactest.WriteFiles(t, base, map[string]string{"proj/cdk.out/manifest.json": `{"version": "36.0.0", "artifacts": {
  "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../../shared/app.py"}}}}`})
	_, err = Load(proj, filepath.Join(proj, "cdk.out"))
	var ie *iac.InputError
	if !errors.As(err, &ie) || ie.Pos.File != "cdk.out/manifest.json" || !strings.Contains(ie.Msg, "templateFile ../../shared/app.py") || !strings.Contains(ie.Msg, "outside the checked folder") {
		t.Errorf("error %v, want an InputError in manifest.json naming the templateFile", err)
	}
}

// TestNestedAssemblyDepth: an assembly nested past maxNesting is reported, not dropped.
func TestNestedAssemblyDepth(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	dir := "cdk.out"
	for range maxNesting + 3 {
		files[dir+"/manifest.json"] = `{"version": "36.0.0", "artifacts": {"Inner": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "inner"}}}}`
		dir += "/inner"
	}
	iactest.WriteFiles(t, root, files)
	app, err := Load(root, filepath.Join(root, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Notes) != 1 || !strings.Contains(app.Notes[0].Message, fmt.Sprintf("follows nested assemblies %d levels", maxNesting)) {
		t.Errorf("notes %+v, want one naming the limit", app.Notes)
	}
}
