package noderesolve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

// The Node.js acceptance apps (../shared/node-cases), each function loaded as the
// runtime does: the verdict Lambda reports (every one checked with real node when the
// apps were made, see their expect.txt).

const nodeCases = "../../../shared/node-cases"

type caseLayer struct {
	dir      string // under the app
	buildDir bool   // BuildMethod nodejsXX.x: the content lands under nodejs/
}

type caseFunc struct {
	app, code, handler string
	layers             []caseLayer
	extra              map[string]string // files a build step adds to /var/task
	extraLayer         map[string]string // a layer a build step makes (npm install)
	major              int
	nodePath           string
	wantType, wantMsg  string // "" type: OK
	wantAt             string // file:line of the failing import, when known
}

func caseTree(t *testing.T, dir string) tree.Tree {
	t.Helper()
	tr, err := tree.Dir(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (c caseFunc) resolver(t *testing.T) *Resolver {
	app := filepath.Join(nodeCases, c.app)
	task := caseTree(t, filepath.Join(app, c.code))
	if c.extra != nil {
		task = tree.Union(tree.NewMap("built", c.extra), task)
	}
	var layers []tree.Tree
	for _, l := range c.layers {
		lt := caseTree(t, filepath.Join(app, l.dir))
		if l.buildDir {
			lt = tree.Mount(lt, "nodejs")
		}
		layers = append(layers, lt)
	}
	if c.extraLayer != nil {
		layers = append(layers, tree.NewMap("built-layer", c.extraLayer))
	}
	var opt tree.Tree
	if len(layers) > 0 {
		opt = tree.NewOverlay(layers)
	}
	major := c.major
	if major == 0 {
		major = 20
	}
	env := DefaultEnv(major)
	if c.nodePath != "" {
		env.NodePath, env.UserNodePath = SplitNodePath(c.nodePath), true
	}
	return New(task, opt, env)
}

func TestNodeCases(t *testing.T) {
	if _, err := os.Stat(nodeCases); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: %v", nodeCases, err)
		}
		t.Skipf("%s is missing", nodeCases)
	}
	notFound := "Runtime.ImportModuleError"
	cases := []caseFunc{
		{app: "node-aws-sdk-v2", code: "src", handler: "v2.handler", wantType: notFound,
			wantMsg: "Error: Cannot find module 'aws-sdk'\nRequire stack:\n- /var/task/v2.js\n- /var/runtime/index.mjs", wantAt: "v2.js:3"},
		{app: "node-aws-sdk-v2", code: "src", handler: "v3.handler"},
		{app: "node-aws-sdk-v2", code: "src", handler: "v3esm.handler"},
		{app: "node-cjs-relative-missing", code: "src", handler: "app.handler", wantType: notFound,
			wantMsg: "Error: Cannot find module './lib/Format'\nRequire stack:\n- /var/task/app.js\n- /var/runtime/index.mjs", wantAt: "app.js:3"},
		{app: "node-dynamic-require", code: "src", handler: "app.handler"},
		{app: "node-esm-layer-package", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/text"}}},
		{app: "node-esm-layer-package", code: "src", handler: "app.handler", major: 16, wantType: "Error",
			wantMsg: "Cannot find package 'textkit' imported from /var/task/app.mjs", layers: []caseLayer{{dir: "layers/text"}}},
		{app: "node-esm-relative-specifiers", code: "src-ext", handler: "app.handler", wantType: "Error",
			wantMsg: "Cannot find module '/var/task/lib/format' imported from /var/task/app.mjs", wantAt: "app.mjs:1"},
		{app: "node-esm-relative-specifiers", code: "src-dir", handler: "app.handler", wantType: "Error",
			wantMsg: "Directory import '/var/task/config' is not supported resolving ES modules imported from /var/task/app.mjs", wantAt: "app.mjs:1"},
		{app: "node-exports-subpath", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/core"}}, wantType: "Error",
			wantMsg: "Package subpath './internal/secret' is not defined by \"exports\" in /opt/nodejs/node_modules/@acme/core/package.json", wantAt: "app.js:5"},
		{app: "node-handler-resolution", code: "src", handler: "app.handler", wantType: "Runtime.HandlerNotFound", wantMsg: "app.handler is undefined or not exported"},
		{app: "node-handler-resolution", code: "src", handler: "index.handler", wantType: notFound,
			wantMsg: "Error: Cannot find module 'index'\nRequire stack:\n- /var/runtime/index.mjs"},
		{app: "node-handler-resolution", code: "app", handler: "src/handlers/orders.handler"},
		{app: "node-handler-resolution", code: "src", handler: "esm.handler", wantType: "Runtime.HandlerNotFound", wantMsg: "esm.handler is undefined or not exported"},
		{app: "node-handler-resolution", code: "src", handler: "routes.api.get"},
		{app: "node-handler-resolution", code: "src", handler: "routes.api.put", wantType: "Runtime.HandlerNotFound", wantMsg: "routes.api.put is undefined or not exported"},
		{app: "node-layer-buildmethod-own-code", code: "src", handler: "orders.handler", layers: []caseLayer{{dir: "layers/common", buildDir: true}},
			wantType: notFound, wantMsg: "Error: Cannot find module 'db'\nRequire stack:\n- /var/task/orders.js\n- /var/runtime/index.mjs", wantAt: "orders.js:3"},
		{app: "node-layer-buildmethod-own-code", code: "src", handler: "users.handler", layers: []caseLayer{{dir: "layers/common", buildDir: true}}},
		{app: "node-layer-cannot-see-function-deps", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/common"}},
			extra:    map[string]string{"node_modules/axios/package.json": `{"name":"axios","main":"index.js"}`, "node_modules/axios/index.js": "exports.get = 1;"},
			wantType: notFound, wantMsg: "Error: Cannot find module 'axios'\nRequire stack:\n- /opt/nodejs/node_modules/acme-common/index.js\n- /var/task/app.js\n- /var/runtime/index.mjs",
			wantAt: "index.js:3"},
		{app: "node-layer-double-nodejs", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/shared", buildDir: true}},
			wantType: "Error", wantMsg: "Cannot find module '/opt/nodejs/shared.mjs' imported from /var/task/app.mjs", wantAt: "app.mjs:1"},
		{app: "node-layer-double-nodejs", code: "src", handler: "cjs.handler", layers: []caseLayer{{dir: "layers/shared", buildDir: true}},
			wantType: notFound, wantMsg: "Error: Cannot find module 'tinyid'\nRequire stack:\n- /var/task/cjs.js\n- /var/runtime/index.mjs"},
		{app: "node-layer-node-modules-ok", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/shared"}},
			extraLayer: map[string]string{"nodejs/node_modules/dayjs/package.json": `{"name":"dayjs","main":"dayjs.min.js"}`, "nodejs/node_modules/dayjs/dayjs.min.js": "module.exports = 1;"}},
		{app: "node-layer-node-modules-ok", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/shared"}}, wantType: notFound,
			wantMsg: "Error: Cannot find module 'dayjs'\nRequire stack:\n- /var/task/app.js\n- /var/runtime/index.mjs"},
		{app: "node-layer-version-folder", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/fmt"}},
			wantType: notFound, wantMsg: "Error: Cannot find module 'fmtlib'\nRequire stack:\n- /var/task/app.js\n- /var/runtime/index.mjs"},
		{app: "node-layer-version-folder", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/fmt"}}, major: 18},
		{app: "node-layer-zip-root", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/utils"}},
			wantType: notFound, wantMsg: "Error: Cannot find module 'utils'\nRequire stack:\n- /var/task/app.js\n- /var/runtime/index.mjs"},
		{app: "node-layer-zip-root", code: "src-abs", handler: "app.handler", layers: []caseLayer{{dir: "layers/utils"}}},
		{app: "node-lazy-and-guarded-require", code: "src", handler: "report.handler"},
		{app: "node-lazy-and-guarded-require", code: "src", handler: "optional.handler"},
		{app: "node-native-darwin", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/native"}}},
		{app: "node-node-path-override", code: "src", handler: "app.handler", layers: []caseLayer{{dir: "layers/shared"}}, nodePath: "/var/task/lib",
			wantType: notFound, wantMsg: "Error: Cannot find module 'shared-utils'\nRequire stack:\n- /var/task/app.js\n- /var/runtime/index.mjs", wantAt: "app.js:4"},
		{app: "node-type-module", code: "esm", handler: "app.handler"},
		{app: "node-type-module", code: "cjs", handler: "app.handler", wantType: "Runtime.UserCodeSyntaxError", wantMsg: "SyntaxError: Cannot use import statement outside a module", wantAt: "app.js:1"},
		{app: "node-type-module", code: "esm", handler: "legacy.handler", wantType: "ReferenceError", wantMsg: "require is not defined in ES module scope, you can use import instead", wantAt: "legacy.js:2"},
	}
	for _, c := range cases {
		ld := c.resolver(t).LoadHandler(c.handler)
		name := c.app + "/" + c.code + " " + c.handler
		v := ld.Verdict
		if c.wantType == "" {
			if !v.OK {
				t.Errorf("%s: %s: %s, want OK", name, v.ErrorType, v.ErrorMessage)
			}
			continue
		}
		if v.OK || v.ErrorType != c.wantType || v.ErrorMessage != c.wantMsg {
			t.Errorf("%s:\n got %s: %q\nwant %s: %q", name, v.ErrorType, v.ErrorMessage, c.wantType, c.wantMsg)
		}
		if c.wantAt != "" {
			if at := filepath.Base(v.At.File) + ":" + itoa(v.At.Pos.Line); at != c.wantAt {
				t.Errorf("%s: at %s, want %s", name, at, c.wantAt)
			}
		}
	}
}

func itoa(n int) string {
	return strings.TrimLeft(string(rune('0'+n/100%10))+string(rune('0'+n/10%10))+string(rune('0'+n%10)), "0")
}

// Lazy and computed imports are reported, not run.
func TestLazyAndComputed(t *testing.T) {
	if _, err := os.Stat(nodeCases); err != nil {
		t.Skip(err)
	}
	c := caseFunc{app: "node-lazy-and-guarded-require", code: "src", handler: "report.handler"}
	ld := c.resolver(t).LoadHandler(c.handler)
	var got []string
	for _, i := range ld.Imports {
		s := i.Spec
		if i.Failure != nil {
			s += " failed"
		}
		if i.Lazy {
			s += " lazy"
		}
		got = append(got, s)
	}
	if strings.Join(got, ",") != "pg failed lazy" {
		t.Errorf("imports: %v", got)
	}
	c = caseFunc{app: "node-dynamic-require", code: "src", handler: "app.handler"}
	ld = c.resolver(t).LoadHandler(c.handler)
	n := 0
	for _, i := range ld.Imports {
		if i.Computed {
			n++
		}
	}
	if n != 2 {
		t.Errorf("computed imports: %d, want 2", n)
	}
}
