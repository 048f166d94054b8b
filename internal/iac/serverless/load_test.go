package serverless

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// The shared helpers, by the short names the tests use.
var (
	fn    = iactest.Function
	layer = iactest.Layer
	files = iactest.Files
)

func loadDir(t *testing.T, dir string) *model.App {
	t.Helper()
	root, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	app, err := Load(root, root)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return app
}

func noteAt(t *testing.T, app *model.App, code string, sev model.Severity, line int) model.Note {
	t.Helper()
	for _, n := range app.Notes {
		if n.Code.String() == code && n.Pos.Line == line {
			if n.Severity != sev {
				t.Errorf("%s at line %d: severity %v, want %v", code, line, n.Severity, sev)
			}
			return n
		}
	}
	var b strings.Builder
	for _, n := range app.Notes {
		b.WriteString("  " + n.Code.String() + " " + n.Pos.File + ":" + strconv.Itoa(n.Pos.Line) + " " + n.Message + "\n")
	}
	t.Errorf("no %s note at line %d; notes:\n%s", code, line, b.String())
	return model.Note{}
}

func TestLayerLogicalID(t *testing.T) {
	tests := map[string]string{
		"shared":             "SharedLambdaLayer",
		"common-utils":       "CommonDashutilsLambdaLayer",
		"my_lib":             "MyUnderscorelibLambdaLayer",
		"pythonRequirements": "PythonRequirementsLambdaLayer",
		"a-b_c":              "ADashbUnderscorecLambdaLayer",
	}
	for in, want := range tests {
		if got := LayerLogicalID(in); got != want {
			t.Errorf("LayerLogicalID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestService(t *testing.T) {
	app := loadDir(t, "testdata/svc")
	if app.Kind != "serverless" || app.Source != "serverless.yml" {
		t.Errorf("Kind, Source = %q, %q", app.Kind, app.Source)
	}
	common := layer(t, app, "CommonDashutilsLambdaLayer")
	myLib := layer(t, app, "MyUnderscorelibLambdaLayer")
	pyreq := layer(t, app, "PythonRequirementsLambdaLayer")

	// layers: path as-is at the zip root, layer package patterns applied
	if got, want := files(t, common.Content), []string{"python/common_utils/__init__.py=layers/common-utils/python/common_utils/__init__.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("common files = %v, want %v", got, want)
	}
	if common.Pos != (model.Pos{File: "serverless.yml", Line: 35, Col: 3}) || !reflect.DeepEqual(common.CompatibleRuntimes, []string{"python3.12"}) {
		t.Errorf("common = %+v", common)
	}
	if !reflect.DeepEqual(myLib.CompatibleArchitectures, []string{"arm64"}) {
		t.Errorf("my_lib archs = %v", myLib.CompatibleArchitectures)
	}
	// serverless-python-requirements layer: just python/requirements.txt, to install
	if got, want := files(t, pyreq.Content), []string{"python/requirements.txt=requirements.txt"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pyreq files = %v, want %v", got, want)
	}
	if pyreq.Content.Requirements != "python/requirements.txt" || pyreq.Content.InstallDir != "python" ||
		!reflect.DeepEqual(pyreq.CompatibleRuntimes, []string{"python3.12"}) || pyreq.Pos.Line != 12 {
		t.Errorf("pyreq = %+v %+v", pyreq, pyreq.Content)
	}

	api := fn(t, app, "api")
	if api.Pos != (model.Pos{File: "serverless.yml", Line: 50, Col: 3}) {
		t.Errorf("api.Pos = %v", api.Pos)
	}
	// runtime from provider through ${self:custom.pyRuntime}
	if api.Handler != "handlers/api.main" || api.HandlerPos.Line != 51 || api.Runtime != "python3.12" || api.RuntimePos.Line != 16 || api.Arch != "arm64" {
		t.Errorf("api = %+v", api)
	}
	// provider layers: a Ref with a dash, and an ARN built from ${self:} and ${opt:, default}
	if len(api.Layers) != 2 || api.Layers[0].Layer != common || api.Layers[0].Pos.Line != 25 ||
		api.Layers[1].ARN != "arn:aws:lambda:eu-west-1:123456789012:layer:shared:4" || api.Layers[1].Pos.Line != 26 {
		t.Errorf("api layers = %+v", api.Layers)
	}
	// environment: provider merged with the function's; variables resolved
	env := map[string]string{}
	for k, v := range api.Env {
		if v.Known {
			env[k] = v.Value
		} else {
			env[k] = "?"
		}
	}
	wantEnv := map[string]string{"STAGE": "dev", "TABLE": "shop-dev", "SECRET": "?", "LEVEL": "DEBUG"}
	if !reflect.DeepEqual(env, wantEnv) {
		t.Errorf("api env = %v, want %v", env, wantEnv)
	}
	// the package: the service folder minus default excludes, layer paths, the
	// configuration file and package.patterns
	got := files(t, api.Code)
	want := []string{"handlers/__init__.py=handlers/__init__.py", "handlers/api.py=handlers/api.py",
		"handlers/worker.py=handlers/worker.py", "requirements.txt=requirements.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("api files = %v, want %v", got, want)
	}
	if api.Code.Requirements != "" {
		t.Errorf("with layer: true the function installs nothing, got %q", api.Code.Requirements)
	}

	// the function's own layers replace provider.layers
	w := fn(t, app, "worker")
	if w.Runtime != "python3.11" || w.RuntimePos.Line != 56 || w.Arch != "x86_64" || w.LayersPos.Line != 58 {
		t.Errorf("worker = %+v", w)
	}
	type ref struct {
		line    int
		layer   *model.Layer
		bad     bool
		unknown bool
	}
	wants := []ref{{59, myLib, false, false}, {60, pyreq, false, false}, {61, nil, true, false}, {62, nil, true, false}, {63, nil, true, false}, {64, nil, false, true}}
	if len(w.Layers) != len(wants) {
		t.Fatalf("worker layers = %+v", w.Layers)
	}
	for i, wr := range wants {
		r := w.Layers[i]
		if r.Pos.Line != wr.line || r.Layer != wr.layer || r.Bad != wr.bad || r.Unknown != wr.unknown || r.ARN != "" {
			t.Errorf("worker ref %d = %+v, want %+v", i, r, wr)
		}
	}
	noteAt(t, app, "LK406", model.Error, 61)
	if n := noteAt(t, app, "LK406", model.Error, 62); !strings.Contains(n.Message, "retain") {
		t.Errorf("retain message = %q", n.Message)
	}
	noteAt(t, app, "LK406", model.Error, 63)

	// an empty function list replaces the provider's too; ${opt:x} without default
	nl := fn(t, app, "nolayers")
	if len(nl.Layers) != 0 || nl.Runtime != "" {
		t.Errorf("nolayers = %+v", nl)
	}
	// the runtime's unresolved reference is the reason it is not checked (not runtime "")
	if !strings.Contains(nl.Unchecked, "${opt:runtime} is a command-line option") || nl.UncheckedPos.Line != 67 {
		t.Errorf("nolayers unchecked = %q at %v", nl.Unchecked, nl.UncheckedPos)
	}
	for _, f := range []string{"api", "worker"} {
		if u := fn(t, app, f).Unchecked; u != "" {
			t.Errorf("%s: unchecked %q", f, u)
		}
	}

	if img := fn(t, app, "img"); img.PackageType != "Image" || img.Code != nil {
		t.Errorf("img = %+v", img)
	}
	for _, n := range app.Notes {
		if n.Pos.Line == 26 || n.Pos.Line == 64 {
			t.Errorf("no note expected for a literal ARN or an unknown reference (the checker reports them): %+v", n)
		}
	}
}

func TestInlineRequirements(t *testing.T) {
	app := loadDir(t, "testdata/inline")
	if app.Source != "serverless.yaml" || len(app.Layers) != 0 {
		t.Errorf("app = %+v", app)
	}
	a := fn(t, app, "app")
	// individually: function patterns apply; legacy exclude drops scripts and the
	// requirements file, which the plugin still installs from
	got := files(t, a.Code)
	want := []string{"requirements.txt=requirements.txt", "src/app.py=src/app.py"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("app files = %v, want %v", got, want)
	}
	if a.Code.Requirements != "requirements.txt" || a.Code.InstallDir != "" {
		t.Errorf("requirements = %q in %q", a.Code.Requirements, a.Code.InstallDir)
	}
	o := fn(t, app, "other")
	if got := files(t, o.Code); len(got) != 3 || got[1] != "src/app.py=src/app.py" || got[2] != "src/other.py=src/other.py" {
		t.Errorf("other files = %v", got)
	}
}

func TestSyntaxError(t *testing.T) {
	tests := []struct {
		src  string
		line int
	}{
		{"service: x\nprovider:\n  runtime: [python3.12\n", 4},
		{"service: x\n  bad: indent\n", 2},
		{"- a\n- b\n", 1},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "serverless.yml"), []byte(tt.src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir, dir)
		var ie *iac.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%q: error %v, want *iac.InputError", tt.src, err)
			continue
		}
		if ie.Pos.File != "serverless.yml" || ie.Pos.Line != tt.line {
			t.Errorf("%q: error at %v, want line %d (%v)", tt.src, ie.Pos, tt.line, err)
		}
	}
	if _, err := Load(t.TempDir(), t.TempDir()); err == nil {
		t.Error("a folder without serverless.yml should be an input error")
	}
}

func TestCase(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "cases", "serverless-layers")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared cases not present")
	}
	app := loadDir(t, dir)
	shared := layer(t, app, "SharedLambdaLayer")
	if got, want := files(t, shared.Content), []string{"python/shared_utils/__init__.py=layers/shared/python/shared_utils/__init__.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("shared files = %v, want %v", got, want)
	}
	c := fn(t, app, "connect")
	if len(c.Layers) != 1 || c.Layers[0].Layer != shared || c.Handler != "handlers/connect.main" || c.Runtime != "python3.11" {
		t.Errorf("connect = %+v", c)
	}
	s := fn(t, app, "stream")
	if len(s.Layers) != 1 || s.Layers[0].ARN != "arn:aws:lambda:us-east-1:123456789012:layer:ffmpeg:3" ||
		s.Layers[0].Pos != (model.Pos{File: "serverless.yml", Line: 18, Col: 9}) {
		t.Errorf("stream layers = %+v", s.Layers)
	}
	if !tree.IsFile(s.Code.Tree, "handlers/stream.py") || tree.Exists(s.Code.Tree, "layers") || tree.Exists(s.Code.Tree, "serverless.yml") {
		t.Error("stream package should hold handlers/ and not the layer path or serverless.yml")
	}
	if len(app.Notes) != 0 {
		t.Errorf("notes = %+v", app.Notes)
	}
}

// 20,000 functions and 2,000 provider environment variables: functions without their own
// environment share the provider's map, and functions packaged alike share one package,
// so the model stays small (it was 40 million map entries and 5 GB).
func TestManyFunctions(t *testing.T) {
	var b strings.Builder
	b.WriteString("service: s\nprovider:\n  name: aws\n  runtime: python3.12\n  environment:\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("    V" + strconv.Itoa(i) + ": v\n")
	}
	b.WriteString("functions:\n  own:\n    handler: app.h\n    environment:\n      X: ${self:service}\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("  f" + strconv.Itoa(i) + ":\n    handler: app.h\n")
	}
	dir := writeTree(t, map[string]string{"app.py": ""})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	app, err := load(dir, dir, "serverless.yml", []byte(b.String()), nil)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 300<<20 {
		t.Errorf("loading allocated %d MiB", alloc>>20)
	}
	own, f0, f1 := fn(t, app, "own"), fn(t, app, "f0"), fn(t, app, "f19999")
	if len(own.Env) != 2001 || own.Env["X"].Value != "s" || len(f0.Env) != 2000 ||
		reflect.ValueOf(f0.Env).UnsafePointer() != reflect.ValueOf(f1.Env).UnsafePointer() {
		t.Errorf("env: own %d, f0 %d, shared %v", len(own.Env), len(f0.Env), reflect.ValueOf(f0.Env).UnsafePointer() == reflect.ValueOf(f1.Env).UnsafePointer())
	}
	if f0.Code == nil || f0.Code != f1.Code || own.Code != f0.Code {
		t.Error("functions packaged alike should share one package")
	}
}
