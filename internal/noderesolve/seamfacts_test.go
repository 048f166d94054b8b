package noderesolve

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// The facts the language seam's adapter reads (resolve.Handler, resolve.Import): the
// handler's module and property, missing or defined, where each import resolves and
// through which folder, how it fails, and how the handler reaches it.
func TestSeamFacts(t *testing.T) {
	task := tree.NewMap("task", map[string]string{
		"src/app.js":                      "const a = require('alpha');\nconst u = require('./util');\nexports.handler = async () => a;\n",
		"src/util.js":                     "exports.u = 1;\n",
		"src/esm.mjs":                     "import 'zed';\nexport const v = 1;\n",
		"src/cb.js":                       "exports.handler = function (event, context, callback) {};\nexports.n = 1;\n",
		"node_modules/alpha/package.json": `{"name": "alpha", "main": "index.js"}`,
		"node_modules/alpha/index.js":     "require('beta');\n",
	})
	opt := tree.NewOverlay([]tree.Tree{tree.NewMap("layer", map[string]string{
		"nodejs/node_modules/beta/index.js": "exports.b = 1;\n",
	})})
	r := New(task, opt, DefaultEnv(24))

	ld := r.LoadHandler("src/app.handler")
	if !ld.Verdict.OK || ld.ModuleName != "src/app" || ld.Prop != "handler" || ld.Defined != 1 || ld.Missing {
		t.Errorf("src/app.handler: %+v", ld)
	}
	var got []string
	for _, i := range ld.Imports {
		got = append(got, i.Spec+" → "+i.Module.Path+" via "+i.Module.Via+" chain "+strings.Join(i.Chain, ">"))
	}
	want := []string{
		"alpha → /var/task/node_modules/alpha/index.js via /var/task/node_modules chain /var/task/src/app.js",
		"beta → /opt/nodejs/node_modules/beta/index.js via /opt/nodejs/node_modules chain /var/task/src/app.js>/var/task/node_modules/alpha/index.js",
		"./util → /var/task/src/util.js via  chain /var/task/src/app.js",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tr, name, ok := r.Locate("/opt/nodejs/node_modules/beta/index.js"); !ok || tr != opt || name != "nodejs/node_modules/beta/index.js" || opt.Owner(name) != 0 {
		t.Errorf("Locate: %v %q %v", tr, name, ok)
	}

	ld = r.LoadHandler("src/nope.handler")
	if !ld.Missing || ld.Verdict.ErrorType != "Runtime.ImportModuleError" {
		t.Errorf("missing module: %+v", ld.Verdict)
	}
	ld = r.LoadHandler("src/app.other")
	if ld.Defined != 0 || ld.NotCallable || ld.Verdict.ErrorType != "Runtime.HandlerNotFound" {
		t.Errorf("missing export: %+v", ld)
	}
	ld = r.LoadHandler("src/cb.n")
	if ld.Defined != 0 || !ld.NotCallable {
		t.Errorf("not a function: %+v", ld)
	}
	ld = r.LoadHandler("src/cb.handler")
	if !ld.CallbackHandler {
		t.Errorf("three parameters: want CallbackHandler on nodejs24.x")
	}
	ld = r.LoadHandler("app")
	if !ld.Malformed {
		t.Errorf("no dot: want Malformed")
	}
	ld = r.LoadHandler("src/esm.v")
	if ld.Verdict.OK || ld.Verdict.At.Spec != "zed" || ld.Verdict.At.Pos.Line != 1 {
		t.Errorf("esm: %+v", ld.Verdict)
	}
	for _, i := range ld.Imports {
		if i.Spec == "zed" && (i.Failure == nil || i.Failure.Kind() != KindNotFound) {
			t.Errorf("zed: %+v", i.Failure)
		}
	}
	for code, kind := range map[string]FailureKind{"ERR_UNSUPPORTED_DIR_IMPORT": KindBadSpecifier, "ERR_REQUIRE_ESM": KindWrongFormat, "MODULE_NOT_FOUND": KindNotFound} {
		if k := (&Failure{Code: code, Type: "Error"}).Kind(); k != kind {
			t.Errorf("%s: kind %d, want %d", code, k, kind)
		}
	}
	if k := (&Failure{Type: "SyntaxError", Msg: "Unexpected token 'export'"}).Kind(); k != KindWrongFormat {
		t.Errorf("export under CommonJS: kind %d", k)
	}
}

func TestCaseMatch(t *testing.T) {
	r := New(tree.NewMap("task", map[string]string{"lib/format.js": "", "lib/Other/index.js": ""}), nil, DefaultEnv(20))
	for in, want := range map[string]string{
		"/var/task/lib/Format":      "/var/task/lib/format.js",
		"/var/task/LIB/other":       "/var/task/lib/Other/index.js",
		"/var/task/lib/missing.js":  "",
		"/var/runtime/node_modules": "",
	} {
		if got := r.CaseMatch(in); got != want {
			t.Errorf("CaseMatch(%s) = %q, want %q", in, got, want)
		}
	}
}

// Resolvers of one Shared read a layer file once.
func TestSharedScans(t *testing.T) {
	opt := tree.NewOverlay([]tree.Tree{tree.NewMap("layer", map[string]string{"nodejs/node_modules/beta/index.js": "exports.handler = async () => 1;\n"})})
	sh := NewShared()
	r1 := sh.New(tree.NewMap("a", map[string]string{"app.js": "require('beta');\nexports.handler = async () => 1;\n"}), opt, DefaultEnv(20))
	r2 := sh.New(tree.NewMap("b", map[string]string{"app.js": "require('beta');\nexports.handler = 1;\n"}), opt, DefaultEnv(20))
	if v := r1.LoadHandler("app.handler").Verdict; !v.OK {
		t.Errorf("r1: %+v", v)
	}
	if v := r2.LoadHandler("app.handler").Verdict; v.ErrorMessage != "app.handler is not a function" {
		t.Errorf("r2: %+v", v)
	}
	n := 0
	sh.scans.Range(func(k, v any) bool { n++; return true })
	if n != 3 { // a/app.js, b/app.js, the layer's beta/index.js once
		t.Errorf("%d shared scans, want 3", n)
	}
}

func TestModulesAndRuntimeEnv(t *testing.T) {
	r := New(tree.NewMap("task", map[string]string{
		"package.json": `{"type": "module"}`,
		"app.js":       "import './lib.js';\nexport const handler = async () => require('x');\n",
		"lib.js":       "export const v = 1;\n",
	}), nil, DefaultEnv(20))
	ld := r.LoadHandler("app.handler")
	if !ld.Verdict.OK || len(ld.Modules) != 2 || ld.Modules[0].Format != FormatESM || ld.Modules[1].File != "/var/task/lib.js" {
		t.Fatalf("%+v", ld)
	}
	f, err := r.Scan(ld.Modules[0].File)
	if err != nil || len(f.CJSUses) != 1 || !f.CJSUses[0].Lazy {
		t.Errorf("the lazy require in an ES module: %+v %v", f, err)
	}

	rt, ok := runtimes.Lookup("nodejs20.x")
	if !ok {
		t.Fatal("nodejs20.x not in the catalogue")
	}
	env := RuntimeEnv(rt, "", false)
	if env.Major != 20 || env.UserNodePath || len(env.NodePath) == 0 || env.NodePath[0] != "/opt/nodejs/node20/node_modules" || !env.provides("@smithy/types") || env.provides("aws-sdk") {
		t.Errorf("nodejs20.x: %+v", env)
	}
	env = RuntimeEnv(rt, "lib:/opt/x", true)
	if !env.UserNodePath || strings.Join(env.NodePath, ":") != "/var/task/lib:/opt/x" {
		t.Errorf("own NODE_PATH: %+v", env)
	}
	if rt16, ok := runtimes.Lookup("nodejs16.x"); ok && !providesOf(RuntimeEnv(rt16, "", false), "aws-sdk") {
		t.Errorf("nodejs16.x provides aws-sdk (v2)")
	}
}

func providesOf(e Env, name string) bool { return e.provides(name) }

// Lambda's ES module NODE_PATH lookup: found through it (ViaNodePath), or not found
// but found by the other reading of F13 (OtherReading).
func TestESMNodePathReadings(t *testing.T) {
	opt := tree.NewOverlay([]tree.Tree{tree.NewMap("layer", map[string]string{
		"nodejs/node_modules/a/index.js":     "export const v = 1;\n",
		"nodejs/node_modules/a/package.json": `{"type": "module"}`,
		"node_modules/b/index.js":            "exports.v = 1;\n",
	})})
	r := New(tree.NewMap("task", map[string]string{"app.mjs": "import 'a';\nimport 'b';\nexport const handler = async () => 1;\n"}), opt, DefaultEnv(22))
	ld := r.LoadHandler("app.handler")
	var a, b *Resolved
	for i := range ld.Imports {
		switch ld.Imports[i].Spec {
		case "a":
			a = &ld.Imports[i]
		case "b":
			b = &ld.Imports[i]
		}
	}
	if a == nil || a.Failure != nil || !a.Module.ViaNodePath || a.Module.Via != "/opt/nodejs/node_modules" {
		t.Errorf("a: %+v", a)
	}
	if b == nil || b.Failure == nil || b.Failure.OtherReading != "/opt/node_modules/b" {
		t.Errorf("b: %+v", b)
	}
}

// export * cycles end.
func TestExportStarCycle(t *testing.T) {
	r := New(tree.NewMap("task", map[string]string{
		"app.mjs": "export * from './a.mjs';\nexport * from './b.mjs';\n",
		"a.mjs":   "export * from './b.mjs';\nexport * from './app.mjs';\nexport const handler = async () => 1;\n",
		"b.mjs":   "export * from './a.mjs';\nexport const other = 1;\n",
	}), nil, DefaultEnv(20))
	if v := r.LoadHandler("app.handler").Verdict; !v.OK {
		t.Errorf("handler: %+v", v)
	}
	if v := r.LoadHandler("app.nope").Verdict; v.ErrorType != "Runtime.HandlerNotFound" {
		t.Errorf("nope: %+v", v)
	}
}
