package verify

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
)

// Native addons against the local node, on the runtime of its own major: the
// NODE_MODULE_VERSION 108 addon (../native/testdata/node/abi108.node) in a layer fails
// on every Node.js but 18, with Node's NODE_MODULE_VERSION message, and check says so
// (LK301); the Node-API addon loads everywhere, and check is quiet. x86_64 only (the
// committed addons are).
func TestNodeAddonABI(t *testing.T) {
	bin, major := needNode(t)
	if runtime.GOARCH != "amd64" {
		t.Skip("the committed addons are x86_64")
	}
	read := func(name string) string {
		b, err := os.ReadFile("../native/testdata/node/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	rt := fmt.Sprintf("nodejs%d.x", major)
	dir := writeApp(t, map[string]string{
		"template.yaml": samHead +
			"  Fast:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layers/fast/\n" +
			samFunction("Old", rt, "app.handler", "      Layers:\n        - !Ref Fast\n") +
			samFunction("Napi", rt, "napi.handler", ""),
		"src/app.js":                                                   "const fast = require('fast');\nexports.handler = async () => fast;\n",
		"src/napi.js":                                                  "const napi = require('napi/napi.node');\nexports.handler = async () => napi.answer;\n",
		"src/node_modules/napi/package.json":                           `{"name": "napi", "version": "1.0.0"}`,
		"src/node_modules/napi/napi.node":                              read("napi.node"),
		"layers/fast/nodejs/node_modules/fast/package.json":            `{"name": "fast", "version": "1.0.0"}`,
		"layers/fast/nodejs/node_modules/fast/index.js":                "module.exports = require('./build/Release/fast.node');\n",
		"layers/fast/nodejs/node_modules/fast/build/Release/fast.node": read("abi108.node"),
	})
	rep, err := Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: bin, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Functions) != 2 {
		t.Fatalf("%d functions", len(rep.Functions))
	}
	for _, f := range rep.Functions {
		if f.Status != Agree || f.Interpreter == nil {
			t.Errorf("%s: %s %s %+v", f.Name, f.Status, f.Reason, f.Interpreter)
			continue
		}
		wantFail := f.Name == "Old" && major != 18
		if f.Interpreter.Fails != wantFail {
			t.Errorf("%s on %s: node fails %v, want %v: %+v", f.Name, rt, f.Interpreter.Fails, wantFail, f.Interpreter)
		}
		if wantFail && !strings.Contains(fmt.Sprintf("%+v", f.Interpreter), "NODE_MODULE_VERSION 108") {
			t.Errorf("%s: node's error is not the NODE_MODULE_VERSION one: %+v", f.Name, f.Interpreter)
		}
	}
}
