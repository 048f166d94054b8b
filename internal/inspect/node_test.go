package inspect

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// nodeLayer has every folder form of a Node.js layer (facts F3): the version folder of
// the runtime and of another, node_modules with a scoped package, an ES module package
// with "exports", a package hidden by the version folder's copy, native addons (an ELF
// that loads, a glibc-2.34 aarch64 one, a Mach-O), and content off NODE_PATH.
func nodeLayer(t *testing.T) tree.Tree {
	return tree.NewMap("layer.zip", map[string]string{
		"nodejs/package.json":                                 `{"dependencies": {"dayjs": "1.11.10"}}`,
		"nodejs/db.js":                                        "module.exports = {};\n",
		"nodejs/nodejs/node_modules/lost/index.js":            "module.exports = 1;\n",
		"nodejs/node18/node_modules/old/package.json":         `{"name": "old", "version": "0.1.0"}`,
		"nodejs/node20/node_modules/dup/package.json":         `{"name": "dup", "version": "2.0.0"}`,
		"nodejs/node20/node_modules/dup/index.js":             "module.exports = 2;\n",
		"nodejs/node20/README.md":                             "notes\n",
		"nodejs/node_modules/dup/package.json":                `{"name": "dup", "version": "1.0.0"}`,
		"nodejs/node_modules/dayjs/package.json":              `{"name": "dayjs", "version": "1.11.10", "main": "dayjs.min.js"}`,
		"nodejs/node_modules/dayjs/dayjs.min.js":              "module.exports = function () {};\n",
		"nodejs/node_modules/@acme/core/package.json":         `{"name": "@acme/core", "version": "3.2.1", "type": "module", "exports": {".": "./index.js"}}`,
		"nodejs/node_modules/@acme/core/index.js":             "export const x = 1;\n",
		"nodejs/node_modules/bare/index.js":                   "module.exports = 1;\n",
		"nodejs/node_modules/.bin/tool":                       "#!/bin/sh\n",
		"nodejs/node_modules/fast/package.json":               `{"name": "fast", "version": "4.0.0"}`,
		"nodejs/node_modules/fast/build/Release/fast.node":    obj(t, "plain.x86_64.so"),
		"nodejs/node_modules/fast/prebuilds/arm64/fast.node":  obj(t, "glibc234.aarch64.so"),
		"nodejs/node_modules/fast/prebuilds/darwin/fast.node": obj(t, "macho-arm64.so"),
		"node_modules/stray/index.js":                         "module.exports = 1;\n",
		"utils.js":                                            "module.exports = 1;\n",
	})
}

// TestInspectNodeGolden: the text and JSON reports of nodeLayer on nodejs20.x, against
// testdata/node-layer.txt and .json (go test -run InspectNodeGolden -update rewrites
// them; read the diff).
func TestInspectNodeGolden(t *testing.T) {
	layer := nodeLayer(t)
	if !IsNodeLayer(layer) {
		t.Fatal("IsNodeLayer = false")
	}
	if got := GuessNodeRuntime(layer, "nodejs22.x"); got != "nodejs20.x" {
		t.Errorf("GuessNodeRuntime = %s, want nodejs20.x (the newest nodejs/nodeNN/ folder)", got)
	}
	rt, _ := runtimes.Lookup("nodejs20.x")
	rep := InspectNode(layer, rt, "x86_64", &native.Reader{})
	var text bytes.Buffer
	rep.WriteText(&text)
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/node-layer.txt", text.Bytes())
	golden(t, "testdata/node-layer.json", append(js, '\n'))
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (go test -run InspectNodeGolden -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestIsNodeLayer(t *testing.T) {
	for files, want := range map[string]bool{
		"nodejs/node_modules/x/index.js": true,
		"utils.js":                       true,
		"package.json":                   true,
		"python/x.py":                    false,
		"app.py":                         false,
		"bin/tool":                       false,
	} {
		if got := IsNodeLayer(tree.NewMap("l", map[string]string{files: ""})); got != want {
			t.Errorf("%s: IsNodeLayer = %v", files, got)
		}
	}
}
