package verify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/iac/iactest"
)

func needNode(t *testing.T) (string, int) {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (CI needs it)")
		}
		t.Skip("node is not on PATH")
	}
	np := probeNode(context.Background(), bin)
	if np.err != nil {
		t.Fatal(np.err)
	}
	return bin, np.major
}

func writeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	iactest.WriteFiles(t, dir, files)
	return dir
}

func samFunction(name, runtime, handler, extra string) string {
	return fmt.Sprintf("  %s:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: %s\n      Runtime: %s\n%s", name, handler, runtime, extra)
}

const samHead = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"

// A runtime whose major is not the local node's: the output names the node that
// judged and says the majors differ; with Exact the function is skipped.
func TestNodeOtherMajor(t *testing.T) {
	bin, major := needNode(t)
	other := 22
	if major == 22 {
		other = 20
	}
	rt := fmt.Sprintf("nodejs%d.x", other)
	dir := writeApp(t, map[string]string{
		"template.yaml": samHead + samFunction("Fn", rt, "app.handler", ""),
		"src/app.js":    "exports.handler = async () => 1;\n",
	})
	rep, err := Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Functions[0]
	if f.Status != Agree || f.Interpreter == nil || !strings.HasPrefix(f.Interpreter.Version, fmt.Sprint(major)+".") {
		t.Fatalf("%+v", f)
	}
	if !strings.Contains(strings.Join(f.Notes, "\n"), fmt.Sprintf("not Node.js %d as on %s", other, rt)) {
		t.Errorf("no note that the majors differ: %v", f.Notes)
	}
	rep, err = Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, Exact: true, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Functions[0]; f.Status != Skipped || !strings.Contains(f.Reason, "--exact-version") {
		t.Errorf("with Exact: %+v", f)
	}
}

// What layerkit assumes is stood in: the runtime's SDK imported by name from an ES
// module (the stand-in must export the names, or linking fails), a package a build's
// npm install adds; a function's own NODE_PATH is used (its lib folder).
func TestNodeStandInsAndNodePath(t *testing.T) {
	bin, _ := needNode(t)
	dir := writeApp(t, map[string]string{
		"template.yaml": samHead +
			samFunction("Esm", "nodejs20.x", "app.handler", "") +
			samFunction("Built", "nodejs20.x", "built.handler", "") +
			samFunction("OwnPath", "nodejs20.x", "own.handler", "      Environment:\n        Variables:\n          NODE_PATH: /var/task/lib\n"),
		"src/app.mjs":       "import { S3Client, GetObjectCommand as Get } from '@aws-sdk/client-s3';\nimport * as ddb from '@aws-sdk/client-dynamodb';\nconst s3 = new S3Client({});\nexport const handler = async () => [s3, Get, ddb];\n",
		"src/built.js":      "const dayjs = require('dayjs');\nexports.handler = async () => dayjs();\n",
		"src/package.json":  `{"name": "fn", "version": "1.0.0", "dependencies": {"dayjs": "^1.11.0"}}`,
		"src/own.js":        "const h = require('helper');\nexports.handler = async () => h;\n",
		"src/lib/helper.js": "module.exports = 1;\n",
	})
	rep, err := Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"Esm": {"@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"}, "Built": {"dayjs"}, "OwnPath": nil}
	for _, f := range rep.Functions {
		if f.Status != Agree || f.Interpreter == nil || f.Interpreter.Fails {
			t.Errorf("%s: %s %s %+v", f.Name, f.Status, f.Reason, f.Interpreter)
			continue
		}
		var got []string
		for _, s := range f.StandIns {
			if s.Imported {
				got = append(got, s.Module)
			}
		}
		if strings.Join(got, ",") != strings.Join(want[f.Name], ",") {
			t.Errorf("%s: stood in %v, want %v", f.Name, got, want[f.Name])
		}
	}
}

// Bundles: a CDK NodejsFunction asset is the real bundle, so node loads it and agrees
// with check (testdata/cdk-nodejs: pg missing without the layer, aws-sdk v2 on
// nodejs22.x); a SAM BuildMethod esbuild function is a stand-in layerkit makes from
// the sources, which verify skips with the reason.
func TestNodeBundles(t *testing.T) {
	bin, _ := needNode(t)
	rep, err := Run(context.Background(), Options{Check: check.Options{Path: "../../testdata/cdk-nodejs/cdk.out"}, Node: bin, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	fails := map[string]bool{"OrdersA9B65338": false, "OrdersNoLayer58871978": true, "LegacyFA07BB5D": true, "Defaults49BDE8FF": false}
	if len(rep.Functions) != len(fails) {
		t.Fatalf("%d functions", len(rep.Functions))
	}
	for _, f := range rep.Functions {
		if f.Status != Agree || f.Interpreter == nil || f.Interpreter.Fails != fails[f.Name] {
			t.Errorf("%s: %s %s %+v", f.Name, f.Status, f.Reason, f.Interpreter)
		}
	}
	dir := writeApp(t, map[string]string{
		"template.yaml": samHead + samFunction("Bundled", "nodejs22.x", "app.handler", "    Metadata:\n      BuildMethod: esbuild\n"),
		"src/app.ts":    "export const handler = async () => 1;\n",
	})
	rep, err = Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Functions[0]; f.Status != Skipped || !strings.Contains(f.Reason, "esbuild bundle") {
		t.Errorf("esbuild: %+v", f)
	}
}

// verify's root sits in a temp folder that may have a package.json or a node_modules
// above it, where Lambda's / has none. A {"type": "module"} package.json there must not
// make the function's CommonJS app.js an ES module (an empty package.json at the root
// stops node's search); a node_modules there is named in a note, since node would find
// a package in it that the function lacks on Lambda.
func TestNodeTempFolderAbove(t *testing.T) {
	bin, major := needNode(t)
	dir := writeApp(t, map[string]string{
		"template.yaml": samHead + samFunction("Fn", fmt.Sprintf("nodejs%d.x", major), "app.handler", ""),
		"src/app.js":    "exports.handler = async () => 1;\n",
	})
	above := t.TempDir()
	if err := os.WriteFile(filepath.Join(above, "package.json"), []byte(`{"type": "module"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, TempDir: above})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Functions[0]
	if f.Status != Agree || f.Interpreter == nil || f.Interpreter.Fails {
		t.Fatalf("a package.json above verify's folder changed the verdict: %+v", f)
	}
	if strings.Contains(strings.Join(f.Notes, "\n"), "node_modules") {
		t.Errorf("a note about node_modules with none above: %v", f.Notes)
	}
	if err := os.Mkdir(filepath.Join(above, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err = Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, TempDir: above})
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(rep.Functions[0].Notes, "\n"); !strings.Contains(notes, filepath.Join(above, "node_modules")+" is above verify's folder") {
		t.Errorf("no note naming the node_modules above: %v", rep.Functions[0].Notes)
	}
}
