package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/model"
)

// The shared helpers, by the short names the tests use.
var (
	fn         = iactest.Function
	layer      = iactest.Layer
	files      = iactest.Files
	writeFiles = iactest.WriteFiles
	writeZip   = iactest.WriteZip
)

func load(t *testing.T, dir string) *model.App {
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

// noteAt returns the note of code at line of file, failing if there is none.
func noteAt(t *testing.T, app *model.App, code string, sev model.Severity, file string, line int) model.Note {
	t.Helper()
	for _, n := range app.Notes {
		if n.Code.String() == code && n.Pos.File == file && n.Pos.Line == line {
			if n.Severity != sev {
				t.Errorf("%s at %s:%d: severity %v, want %v", code, file, line, n.Severity, sev)
			}
			return n
		}
	}
	t.Errorf("no %s note at %s:%d; notes:\n%s", code, file, line, notesText(app))
	return model.Note{}
}

func notesText(app *model.App) string {
	var b strings.Builder
	for _, n := range app.Notes {
		b.WriteString("  " + n.Code.String() + " " + n.Severity.String() + " " + n.Pos.File + ":" + itoa(n.Pos.Line) + " " + n.Message + "\n")
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestBasic(t *testing.T) {
	app := load(t, "testdata/basic")
	if app.Kind != "terraform" || app.Source != "." {
		t.Errorf("Kind, Source = %q, %q", app.Kind, app.Source)
	}

	api := fn(t, app, "api")
	if api.Pos != (model.Pos{File: "main.tf", Line: 40, Col: 1}) {
		t.Errorf("api.Pos = %v", api.Pos)
	}
	// runtime comes from terraform.tfvars, overriding the variable default
	if api.Runtime != "python3.12" || api.RuntimePos.Line != 44 {
		t.Errorf("api runtime = %q at %v", api.Runtime, api.RuntimePos)
	}
	if api.Handler != "app.handler" || api.HandlerPos.Line != 43 || api.Arch != "arm64" || api.PackageType != "Zip" {
		t.Errorf("api handler/arch = %q %v %q %q", api.Handler, api.HandlerPos, api.Arch, api.PackageType)
	}
	// archive_file source_dir: the folder's contents at the root, minus excludes
	if got, want := files(t, api.Code), []string{"app.py=src/fn/app.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("api files = %v, want %v", got, want)
	}
	if api.Code.Display != "src/fn/" {
		t.Errorf("api display = %q", api.Code.Display)
	}
	// environment
	if e := api.Env["STAGE"]; e.Value != "dev" || !e.Known || e.Pos.Line != 57 {
		t.Errorf("STAGE = %+v", e)
	}
	if e := api.Env["TABLE"]; e.Known {
		t.Errorf("TABLE should be unknown: %+v", e)
	}
	if e := api.Env["LOG_LEVEL"]; e.Value != "INFO" || !e.Known {
		t.Errorf("LOG_LEVEL = %+v", e)
	}

	// layers, element by element
	core := layer(t, app, "core")
	type want struct {
		line    int
		layer   *model.Layer
		arn     string
		unknown bool
		bad     bool
	}
	wants := []want{
		{47, core, "", false, false},
		{48, nil, "arn:aws:lambda:us-east-1:123456789012:layer:shared:7", false, false},
		{49, nil, "", false, true},
		{50, nil, "", false, true},
		{51, nil, "", false, true},
		{52, nil, "", true, false},
	}
	if len(api.Layers) != len(wants) {
		t.Fatalf("api has %d layer refs, want %d", len(api.Layers), len(wants))
	}
	for i, w := range wants {
		r := api.Layers[i]
		if r.Pos.File != "main.tf" || r.Pos.Line != w.line || r.Layer != w.layer || r.ARN != w.arn || r.Unknown != w.unknown || r.Bad != w.bad {
			t.Errorf("layer ref %d = %+v, want %+v", i, r, w)
		}
	}
	if api.Layers[5].Text != "var.no_default" {
		t.Errorf("unknown ref text = %q", api.Layers[5].Text)
	}
	if api.LayersPos.Line != 46 {
		t.Errorf("LayersPos = %v", api.LayersPos)
	}
	noteAt(t, app, "LK406", model.Error, "main.tf", 49)
	noteAt(t, app, "LK406", model.Error, "main.tf", 50)
	if n := noteAt(t, app, "LK406", model.Error, "main.tf", 51); !strings.Contains(n.Message, "missing") {
		t.Errorf("LK406 message = %q", n.Message)
	}
	for _, n := range app.Notes {
		if n.Pos.Line == 48 || n.Pos.Line == 52 {
			t.Errorf("no note expected for a literal ARN or an unknown reference (the checker reports them): %+v", n)
		}
	}

	// the layer: excludes ["docs"] drops the folder; compat from var (tfvars)
	if got, want := files(t, core.Content), []string{"python/core/__init__.py=layers/core/python/core/__init__.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("core files = %v, want %v", got, want)
	}
	if core.Pos.Line != 15 || !reflect.DeepEqual(core.CompatibleRuntimes, []string{"python3.12"}) ||
		!reflect.DeepEqual(core.CompatibleArchitectures, []string{"arm64"}) || core.CompatibleRuntimesPos.Line != 18 {
		t.Errorf("core = %+v", core)
	}

	// source_file: one file under its base name; filename as a literal path that an
	// archive_file writes; layers from a local list mixing a layer and a var ARN
	single := fn(t, app, "single")
	if got, want := files(t, single.Code), []string{"one.py=src/single/one.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("single files = %v, want %v", got, want)
	}
	if len(single.Layers) != 2 || single.Layers[0].Layer != core || single.Layers[1].ARN == "" || single.Layers[0].Pos.Line != 75 {
		t.Errorf("single layers = %+v", single.Layers)
	}

	// source blocks
	inline := fn(t, app, "inline")
	if got := files(t, inline.Code); len(got) != 2 || !strings.HasPrefix(got[0], "index.py=") || !strings.HasPrefix(got[1], "pkg/consts.py=") {
		t.Errorf("inline files = %v", got)
	}
	if b, _ := inline.Code.Tree.ReadFile("index.py"); !strings.Contains(string(b), "def handler") {
		t.Errorf("inline index.py = %q", b)
	}
	// runtime from a variable without default: unknown, and the function is not
	// checked, saying why (issue 14.8: the cause, not 'runtime "" is not in the catalogue')
	if inline.Runtime != "" {
		t.Errorf("inline runtime = %q", inline.Runtime)
	}
	if want := `runtime = var.no_default cannot be evaluated: var.no_default has no value: it has no default and no value in terraform.tfvars, *.auto.tfvars or --var-file`; inline.Unchecked != want || inline.UncheckedPos.Line != 96 {
		t.Errorf("inline unchecked = %q at %v, want %q", inline.Unchecked, inline.UncheckedPos, want)
	}

	// a zip that does not exist and no archive_file writes it
	missing := fn(t, app, "missing_zip")
	if missing.Code != nil {
		t.Error("missing_zip should have no code")
	}
	if !strings.Contains(missing.Unchecked, "build/missing.zip does not exist yet") || missing.UncheckedPos.Line != 101 {
		t.Errorf("missing_zip unchecked = %q at %v", missing.Unchecked, missing.UncheckedPos)
	}
	prebuilt := layer(t, app, "prebuilt")
	if prebuilt.Content != nil || !strings.Contains(prebuilt.NotInspectable, "build/prebuilt.zip does not exist yet") {
		t.Errorf("prebuilt = %+v", prebuilt)
	}
	remote := layer(t, app, "remote")
	if remote.Content != nil || remote.NotInspectable != "S3 object s3://artifacts/layers/remote.zip" {
		t.Errorf("remote = %+v", remote)
	}
	if missing.Layers[1].Layer != remote {
		t.Errorf("missing_zip layers = %+v", missing.Layers)
	}

	s3 := fn(t, app, "from_s3")
	if s3.Code != nil {
		t.Error("from_s3 should have no code")
	}
	if want := "its package is the S3 object s3://artifacts/fn.zip, which is not read"; s3.Unchecked != want {
		t.Errorf("from_s3 unchecked = %q, want %q", s3.Unchecked, want)
	}
	for _, f := range app.Functions {
		if f.Unchecked != "" && f != inline && f != missing && f != s3 {
			t.Errorf("%s: unchecked %q", f.Name, f.Unchecked)
		}
	}

	if img := fn(t, app, "image"); img.PackageType != "Image" || img.Code != nil {
		t.Errorf("image = %+v", img)
	}
}

func TestExistingZip(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "build"), 0o755))
	writeZip(t, filepath.Join(dir, "build", "deps.zip"), map[string]string{"python/requests/__init__.py": "", "python/requests/api.py": ""})
	must(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`
resource "aws_lambda_layer_version" "deps" {
  layer_name = "deps"
  filename   = "${path.module}/build/deps.zip"
}
`), 0o644))
	app := load(t, dir)
	l := layer(t, app, "deps")
	got := files(t, l.Content)
	want := []string{"python/requests/__init__.py=build/deps.zip:python/requests/__init__.py", "python/requests/api.py=build/deps.zip:python/requests/api.py"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	if l.Content.Display != "build/deps.zip" {
		t.Errorf("display = %q", l.Content.Display)
	}
}

func TestModule(t *testing.T) {
	app := load(t, "testdata/module")
	if len(app.Functions) != 1 {
		t.Errorf("functions = %d, want 1 (deps is a layer, api_other has create_function = false)", len(app.Functions))
	}
	deps := layer(t, app, "deps")
	if deps.Pos.Line != 1 || !reflect.DeepEqual(deps.CompatibleRuntimes, []string{"python3.12"}) {
		t.Errorf("deps = %+v", deps)
	}
	got := files(t, deps.Content)
	want := []string{"python/deps_version.py=deps/deps_version.py", "python/requirements.txt=deps/requirements.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deps files = %v, want %v", got, want)
	}
	if deps.Content.Requirements != "python/requirements.txt" || deps.Content.InstallDir != "python" {
		t.Errorf("deps requirements = %q in %q", deps.Content.Requirements, deps.Content.InstallDir)
	}
	api := fn(t, app, "api")
	if api.Handler != "main.handler" || api.Runtime != "python3.12" || api.Arch != "arm64" || api.Pos.Line != 18 {
		t.Errorf("api = %+v", api)
	}
	if api.Code.Requirements != "requirements.txt" || api.Code.InstallDir != "" {
		t.Errorf("api requirements = %q in %q", api.Code.Requirements, api.Code.InstallDir)
	}
	if got := files(t, api.Code); len(got) != 2 || got[0] != "main.py=src/api/main.py" {
		t.Errorf("api files = %v", got)
	}
	if e := api.Env["POWERTOOLS_SERVICE_NAME"]; e.Value != "api" || !e.Known {
		t.Errorf("env = %+v", api.Env)
	}
	if len(api.Layers) != 3 {
		t.Fatalf("api layers = %+v", api.Layers)
	}
	if api.Layers[0].Layer != deps || api.Layers[0].Pos.Line != 28 {
		t.Errorf("ref 0 = %+v", api.Layers[0])
	}
	if !api.Layers[1].Bad || !api.Layers[2].Bad {
		t.Errorf("refs 1, 2 should be bad: %+v", api.Layers[1:])
	}
	noteAt(t, app, "LK406", model.Error, "main.tf", 29)
	noteAt(t, app, "LK406", model.Error, "main.tf", 30)
}

func TestJSON(t *testing.T) {
	app := load(t, "testdata/json")
	f := fn(t, app, "jsonfn")
	if f.Runtime != "python3.13" || f.Handler != "index.handler" {
		t.Errorf("jsonfn = %+v", f)
	}
	if got := files(t, f.Code); !reflect.DeepEqual(got, []string{"index.py=src/index.py"}) {
		t.Errorf("files = %v", got)
	}
	base := layer(t, app, "base")
	if len(f.Layers) != 2 || f.Layers[0].Layer != base || !f.Layers[1].Bad || f.Layers[1].Problem != "layer_arn has no version" {
		t.Errorf("layers = %+v", f.Layers)
	}
	if f.Layers[1].Pos.File != "main.tf.json" || f.Layers[1].Pos.Line != 29 {
		t.Errorf("bad ref pos = %v", f.Layers[1].Pos)
	}
	noteAt(t, app, "LK406", model.Error, "main.tf.json", 29)
}

func TestSyntaxError(t *testing.T) {
	tests := []struct {
		file, src string
		line      int
	}{
		{"main.tf", "resource \"aws_lambda_function\" \"x\" {\n  handler = \n}\n", 2},
		{"main.tf", "resource \"aws_lambda_function\" {\n}\n", 1},
		{"main.tf.json", "{\"resource\": [1,\n", 2},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.src), 0o644))
		_, err := Load(dir, dir)
		var ie *iac.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%q: error %v, want an *iac.InputError", tt.src, err)
			continue
		}
		if ie.Pos.File != tt.file || ie.Pos.Line != tt.line {
			t.Errorf("%q: error at %v, want %s:%d (%v)", tt.src, ie.Pos, tt.file, tt.line, err)
		}
	}
	if _, err := Load(t.TempDir(), t.TempDir()); err == nil {
		t.Error("an empty folder should be an input error")
	}
}

// TestCase loads the shared acceptance app and checks what its expect.txt relies on.
func TestCase(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "cases", "terraform-archive-layer")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared cases not present")
	}
	app := load(t, dir)
	utils := layer(t, app, "utils")
	if utils.Pos != (model.Pos{File: "main.tf", Line: 7, Col: 1}) {
		t.Errorf("utils.Pos = %v, want main.tf:7:1", utils.Pos)
	}
	got := files(t, utils.Content)
	want := []string{"helpers.py=layers/utils/helpers.py", "python/common/__init__.py=layers/utils/python/common/__init__.py"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("utils files = %v, want %v", got, want)
	}
	orders := fn(t, app, "orders")
	if len(orders.Layers) != 1 || orders.Layers[0].Layer != utils {
		t.Errorf("orders layers = %+v", orders.Layers)
	}
	if got := files(t, orders.Code); !reflect.DeepEqual(got, []string{"app.py=src/orders/app.py"}) {
		t.Errorf("orders files = %v", got)
	}
	billing := fn(t, app, "billing")
	if got := files(t, billing.Code); !reflect.DeepEqual(got, []string{"app.py=src/billing/app.py"}) {
		t.Errorf("billing files = %v", got)
	}
	if len(billing.Layers) != 1 || !billing.Layers[0].Bad || billing.Layers[0].Pos.Line != 42 {
		t.Errorf("billing layers = %+v", billing.Layers)
	}
	n := noteAt(t, app, "LK406", model.Error, "main.tf", 42)
	if n.Function != "billing" || !strings.Contains(n.Message, "use aws_lambda_layer_version.utils.arn") {
		t.Errorf("note = %+v", n)
	}
	if len(app.Notes) != 1 {
		t.Errorf("notes:\n%s", notesText(app))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCountedLayer(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`
variable "enabled" { default = true }
resource "aws_lambda_layer_version" "opt" {
  count      = var.enabled ? 1 : 0
  layer_name = "opt"
  s3_bucket  = "b"
  s3_key     = "k"
}
resource "aws_lambda_function" "f" {
  handler = "a.b"
  runtime = "python3.12"
  layers  = [aws_lambda_layer_version.opt[0].arn, "${local.pfx}:1"]
}
locals {
  pfx = "arn:aws:lambda:us-east-1:123456789012:layer:${lower("ABC")}"
}
`), 0o644))
	app := load(t, dir)
	f := fn(t, app, "f")
	if len(f.Layers) != 2 || f.Layers[0].Layer != layer(t, app, "aws_lambda_layer_version.opt[0]") || f.Layers[1].ARN != "arn:aws:lambda:us-east-1:123456789012:layer:abc:1" {
		t.Errorf("layers = %+v", f.Layers)
	}
	if f.Code != nil {
		t.Error("a function without filename has no code")
	}
}

func TestInterpolations(t *testing.T) {
	for in, want := range map[string]string{
		`"api.${var.name}.handler"`:           `"api.<var.name>.handler"`,
		`"${merge({a = 1}, var.m)["a"]}"`:     `"<merge({a = 1}, var.m)["a"]>"`,
		`"%{if var.x}a%{endif}"`:              `"<if var.x>a<endif>"`,
		`local.plain`:                         `local.plain`,
		`"$${not.an.interpolation} ${var.a}"`: `"$<not.an.interpolation> <var.a>"`,
	} {
		if got := interpolations(in); got != want {
			t.Errorf("interpolations(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestWorkingFolder: terraform's working folder is the configuration's own, unless the state
// the local backend writes sits in a folder above it that holds no configuration (the
// `terraform apply DIR` form of Terraform 0.11–0.13).
func TestWorkingFolder(t *testing.T) {
	root := t.TempDir()
	iactest.WriteFiles(t, root, map[string]string{
		"terraform.tfstate": "{}", "tf/main.tf": "",
		"own/main.tf": "", "own/terraform.tfstate": "{}",
		"inited/main.tf": "", "inited/.terraform/x": "",
		"mod/terraform.tfstate": "{}", "mod/main.tf": "", "mod/child/main.tf": "",
	})
	for dir, want := range map[string]string{"tf": ".", "own": "own", "inited": "inited", "mod/child": "mod/child"} {
		if got := iac.Rel(root, workingFolder(root, filepath.Join(root, dir))); got != want {
			t.Errorf("working folder of %s = %s, want %s", dir, got, want)
		}
	}
	if got := workingFolder(filepath.Join(root, "tf"), filepath.Join(root, "tf")); got != filepath.Join(root, "tf") {
		t.Errorf("a state outside the checked folder is not looked at, got %s", got)
	}
}
