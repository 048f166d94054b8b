package terraform

import (
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// TestModuleTree: a root module in envs/prod calling local modules by ../../modules/x,
// with inputs from locals, variables (terraform.tfvars, *.auto.tfvars), another
// module's output, count and for_each; a layer uploaded through aws_s3_object; a
// registry module and a missing one noted; bare relative paths read against the
// working folder.
func TestModuleTree(t *testing.T) {
	root, _ := filepath.Abs("testdata/modtree")
	app, err := Load(root, filepath.Join(root, "envs/prod"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range app.Functions {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	want := []string{
		`module.api.aws_lambda_function.this["billing"]`,
		`module.api.aws_lambda_function.this["orders"]`,
		`module.workers[0].aws_lambda_function.bare`,
		`module.workers[0].aws_lambda_function.w`,
		`module.workers[1].aws_lambda_function.bare`,
		`module.workers[1].aws_lambda_function.w`,
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("functions = %q, want %q", names, want)
	}
	shared := layer(t, app, "module.shared.aws_lambda_layer_version.this")
	if got := files(t, shared.Content); !reflect.DeepEqual(got, []string{"python/shared_util.py=modules/shared/layer/python/shared_util.py"}) {
		t.Errorf("shared layer files = %v (via aws_s3_object.layer and its archive_file)", got)
	}
	orders := fn(t, app, `module.api.aws_lambda_function.this["orders"]`)
	if orders.Handler != "orders.handler" || orders.Runtime != "python3.12" || orders.Unchecked != "" {
		t.Errorf("orders = %q %q unchecked %q", orders.Handler, orders.Runtime, orders.Unchecked)
	}
	if orders.Pos != (model.Pos{File: "modules/api/main.tf", Line: 13, Col: 1}) || orders.RuntimePos.Line != 17 {
		t.Errorf("orders positions = %v, runtime %v", orders.Pos, orders.RuntimePos)
	}
	if got := files(t, orders.Code); !reflect.DeepEqual(got, []string{"billing.py=modules/api/src/billing.py", "orders.py=modules/api/src/orders.py"}) {
		t.Errorf("orders files = %v", got)
	}
	if len(orders.Layers) != 1 || orders.Layers[0].Layer != shared {
		t.Errorf("orders layers = %+v, want the shared module's layer", orders.Layers)
	}
	w1 := fn(t, app, `module.workers[1].aws_lambda_function.w`)
	if got := files(t, w1.Code); !reflect.DeepEqual(got, []string{"worker.py=modules/worker/worker.py"}) {
		t.Errorf("worker files = %v", got)
	}
	bare := fn(t, app, `module.workers[0].aws_lambda_function.bare`)
	if bare.Code != nil || !strings.Contains(bare.Unchecked, "source_dir envs/prod/src does not exist") {
		t.Errorf("bare: code %v, unchecked %q (a bare path is relative to the working folder)", bare.Code, bare.Unchecked)
	}
	vpc := noteAt(t, app, "LK109", model.Info, "envs/prod/main.tf", 33)
	if !strings.Contains(vpc.Message, `module vpc comes from "terraform-aws-modules/vpc/aws"`) {
		t.Errorf("vpc note = %q", vpc.Message)
	}
	gone := noteAt(t, app, "LK109", model.Info, "envs/prod/main.tf", 38)
	if !strings.Contains(gone.Message, "modules/gone does not exist") {
		t.Errorf("gone note = %q", gone.Message)
	}
	if len(app.Notes) != 2 {
		t.Errorf("notes:\n%s", notesText(app))
	}
}

// TestPathsAndReadableReferences: path.root and path.cwd in a child module, abspath;
// an S3 object known only by references is named readably, never as ${...}; and what
// cannot be evaluated names the unresolved reference.
func TestPathsAndReadableReferences(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"env/main.tf": `
variable "prefix" {}
module "m" {
  source = "../mod"
}
resource "aws_lambda_function" "remote" {
  handler   = "app.handler"
  runtime   = "python3.12"
  s3_bucket = aws_s3_bucket.b.id
  s3_key    = "${var.prefix}/fn-${aws_s3_object.o.version_id}.zip"
}
resource "aws_s3_object" "o" {
  bucket = "b"
  key    = "k"
  source = "missing.zip"
}
resource "aws_lambda_layer_version" "l" {
  layer_name = "l"
  s3_bucket  = aws_s3_object.o.bucket
  s3_key     = aws_s3_object.o.key
}
`,
		"mod/main.tf": `
variable "handler" {}
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.root}/../src"
  output_path = "${path.cwd}/a.zip"
}
resource "aws_lambda_function" "byroot" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = data.archive_file.a.output_path
}
data "archive_file" "b" {
  type        = "zip"
  source_dir  = abspath("${path.module}/code")
  output_path = "b.zip"
}
resource "aws_lambda_function" "byabs" {
  handler  = var.handler
  runtime  = "python3.12"
  filename = data.archive_file.b.output_path
}
`,
		"src/app.py":      "x = 1\n",
		"mod/code/app.py": "x = 1\n",
	})
	app, err := Load(root, filepath.Join(root, "env"))
	if err != nil {
		t.Fatal(err)
	}
	if got := files(t, fn(t, app, "module.m.aws_lambda_function.byroot").Code); !reflect.DeepEqual(got, []string{"app.py=src/app.py"}) {
		t.Errorf("byroot files = %v", got)
	}
	byabs := fn(t, app, "module.m.aws_lambda_function.byabs")
	if got := files(t, byabs.Code); !reflect.DeepEqual(got, []string{"app.py=mod/code/app.py"}) {
		t.Errorf("byabs files = %v", got)
	}
	if want := "handler = var.handler cannot be evaluated: var.handler has no value: module module.m does not set it and it has no default"; byabs.Unchecked != want || byabs.UncheckedPos.File != "mod/main.tf" {
		t.Errorf("byabs unchecked = %q at %v, want %q", byabs.Unchecked, byabs.UncheckedPos, want)
	}
	remote := fn(t, app, "remote")
	if want := "its package is the S3 object s3://<aws_s3_bucket.b.id>/<var.prefix>/fn-<aws_s3_object.o.version_id>.zip, which is not read"; remote.Unchecked != want {
		t.Errorf("remote unchecked = %q, want %q", remote.Unchecked, want)
	}
	l := layer(t, app, "l")
	if want := "aws_s3_object.o: env/missing.zip does not exist yet and no build step of the repository (Makefile, script, workflow, provisioner) was found that writes it; build it first or point at the archive_file"; l.NotInspectable != want {
		t.Errorf("layer l = %q, want %q", l.NotInspectable, want)
	}
	for _, n := range app.Notes {
		if strings.Contains(n.Message, "${") || strings.Contains(n.Message, "\x00") {
			t.Errorf("raw interpolation or marker in %q", n.Message)
		}
	}
}

// TestLocalFileConfig: settings read with jsondecode(data.local_file.x.content) drive a
// counted module; a module input that cannot be evaluated is explained at the variable.
func TestLocalFileConfig(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"config.json": `{"names": ["a", "b"], "runtime": "python3.12"}`,
		"main.tf": `
data "local_file" "cfg" {
  filename = "config.json"
}
locals {
  cfg = jsondecode(data.local_file.cfg.content)
}
module "fn" {
  source  = "./mod"
  count   = length(local.cfg.names)
  name    = local.cfg.names[count.index]
  runtime = local.cfg.runtime
  handler = data.aws_ssm_parameter.h.value
}
`,
		"mod/main.tf": `
variable "name" {}
variable "runtime" {}
variable "handler" {}
resource "aws_lambda_function" "f" {
  function_name = var.name
  handler       = var.handler
  runtime       = var.runtime
  filename      = "${path.module}/${var.name}.zip"
}
`,
	})
	app, err := Load(root, root)
	if err != nil {
		t.Fatal(err)
	}
	b := fn(t, app, "module.fn[1].aws_lambda_function.f")
	if b.Runtime != "python3.12" {
		t.Errorf("runtime = %q", b.Runtime)
	}
	want := "handler = var.handler cannot be evaluated: var.handler has no value: module module.fn[1] sets it to data.aws_ssm_parameter.h.value, and data.aws_ssm_parameter.h.value is read when Terraform runs (layerkit reads only archive_file, local_file and template_file data sources)"
	if b.Unchecked != want {
		t.Errorf("unchecked = %q,\nwant %q", b.Unchecked, want)
	}
	if len(app.Functions) != 2 {
		t.Errorf("%d functions, want 2", len(app.Functions))
	}
}

// TestLambdaModuleAsBuilder: terraform-aws-modules/lambda used only to build and upload
// a package (create_function = false, store_on_s3) that a plain aws_lambda_function
// deploys through module.x.s3_object; a layer from a requirements-only source_path
// entry, referenced by the module's old output name this_lambda_layer_arn.
func TestLambdaModuleAsBuilder(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"requirements.txt": "requests==2.32.0\n",
		"src/api/app.py":   "import requests\n",
		"src/common/c.py":  "X = 1\n",
		"terraform/main.tf": `
module "pkg" {
  source          = "terraform-aws-modules/lambda/aws"
  create_function = false
  store_on_s3     = true
  s3_bucket       = "b"
  source_path = [
    { path = "../src/api", prefix_in_zip = "api" },
    { path = "../src/common", prefix_in_zip = "common" },
  ]
}
module "deps" {
  source              = "terraform-aws-modules/lambda/aws"
  create_layer        = true
  create_function     = false
  runtime             = "python3.12"
  compatible_runtimes = ["python3.12"]
  source_path = [{
    pip_requirements = "../requirements.txt"
    prefix_in_zip    = "python"
  }]
}
resource "aws_lambda_function" "api" {
  handler           = "api.app.handler"
  runtime           = "python3.12"
  s3_bucket         = module.pkg.s3_object.bucket
  s3_key            = module.pkg.s3_object.key
  s3_object_version = module.pkg.s3_object.version_id
  layers            = [module.deps.this_lambda_layer_arn]
}
`,
	})
	app, err := Load(root, filepath.Join(root, "terraform"))
	if err != nil {
		t.Fatal(err)
	}
	api := fn(t, app, "api")
	if got := files(t, api.Code); !reflect.DeepEqual(got, []string{"api/app.py=src/api/app.py", "common/c.py=src/common/c.py"}) {
		t.Errorf("api files = %v (unchecked %q)", got, api.Unchecked)
	}
	deps := layer(t, app, "deps")
	if len(api.Layers) != 1 || api.Layers[0].Layer != deps {
		t.Fatalf("api layers = %+v", api.Layers)
	}
	if deps.Content == nil || deps.Content.Requirements != "python/requirements.txt" || deps.Content.InstallDir != "python" {
		t.Errorf("deps = %+v (%s)", deps.Content, deps.NotInspectable)
	}
	if len(app.Functions) != 1 {
		t.Errorf("%d functions, want 1 (the modules create none)", len(app.Functions))
	}
}

// TestVendoredLambdaModule: a local copy of terraform-aws-modules/lambda (package.py
// and its variables) is modelled as the module, not read as plain resources whose
// package comes from package.py at apply time; image_uri = null is not an image.
func TestVendoredLambdaModule(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"vendor/lambda/package.py": "# builds the package\n",
		"vendor/lambda/variables.tf": `variable "source_path" {}
variable "create_layer" {}
variable "local_existing_package" {}
`,
		"vendor/lambda/main.tf": `resource "aws_lambda_function" "this" {
  count    = 1
  filename = data.external.archive_prepare.result.filename
}
`,
		"src/index.py": "def handler(e, c):\n    return 1\n",
		"main.tf": `
module "fn" {
  source      = "./vendor/lambda"
  handler     = "index.handler"
  runtime     = "python3.12"
  source_path = "${path.module}/src"
}
resource "aws_lambda_function" "plain" {
  handler   = "index.handler"
  runtime   = "python3.12"
  image_uri = null
  filename  = "missing.zip"
}
`,
	})
	app := load(t, root)
	f := fn(t, app, "fn")
	if got := files(t, f.Code); !reflect.DeepEqual(got, []string{"index.py=src/index.py"}) {
		t.Errorf("fn files = %v", got)
	}
	if len(app.Functions) != 2 {
		t.Errorf("%d functions, want 2 (the copy's own resources are not read)", len(app.Functions))
	}
	if p := fn(t, app, "plain"); p.PackageType != "Zip" {
		t.Errorf("plain package type = %q", p.PackageType)
	}
}

// TestFileFunctions: file() and fileexists() read inside the checked folder only.
func TestFileFunctions(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"cfg.json":     `{"runtime": "python3.12"}`,
		"src/index.py": "x = 1\n",
		"main.tf": `
locals {
  cfg = jsondecode(file("${path.module}/cfg.json"))
}
resource "aws_lambda_function" "f" {
  count    = fileexists("src/index.py") ? 1 : 0
  handler  = "index.handler"
  runtime  = local.cfg.runtime
  filename = "f.zip"
}
resource "aws_lambda_function" "g" {
  count    = fileexists("src/nope.py") ? 1 : 0
  handler  = "index.handler"
  runtime  = "python3.12"
}
resource "aws_lambda_function" "outside" {
  handler  = "index.handler"
  runtime  = file("/etc/hostname")
  filename = "f.zip"
}
`,
	})
	app := load(t, root)
	if f := fn(t, app, "aws_lambda_function.f[0]"); f.Runtime != "python3.12" {
		t.Errorf("runtime from file() = %q", f.Runtime)
	}
	if app.Function("aws_lambda_function.g[0]") != nil {
		t.Error("fileexists of a missing file should give count = 0")
	}
	if o := fn(t, app, "outside"); o.Runtime != "" || !strings.Contains(o.Unchecked, "runtime = file(\"/etc/hostname\") cannot be evaluated") {
		t.Errorf("outside: runtime %q, unchecked %q", o.Runtime, o.Unchecked)
	}
}

func TestBlockPrefix(t *testing.T) {
	m := &modInst{addr: `module.a["x]\"y"].module.b[3]`}
	if got := blockPrefix(m); got != "module.a.module.b." {
		t.Errorf("blockPrefix = %q", got)
	}
}

// TestRemoteModuleNotedOnce: a registry module called from every instance of a local
// module is noted once, at its block.
func TestRemoteModuleNotedOnce(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"main.tf":     "module \"svc\" {\n  source = \"./svc\"\n  count  = 3\n}\n",
		"svc/main.tf": "module \"queue\" {\n  source = \"terraform-aws-modules/sqs/aws\"\n}\n",
	})
	app := load(t, root)
	if len(app.Notes) != 1 || app.Notes[0].Code != rulecode.LK109 || !strings.Contains(app.Notes[0].Message, "module module.svc.queue comes from") {
		t.Errorf("notes:\n%s", notesText(app))
	}
}

// TestInstalledModules: a registry or git module that terraform init downloaded into
// .terraform/modules is read from there (modules.json maps the call to its folder).
func TestInstalledModules(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"main.tf": "module \"svc\" {\n  source  = \"git::https://example.com/org/svc.git?ref=v1\"\n  handler = \"app.handler\"\n}\n" +
			"module \"other\" {\n  source = \"example/other/aws\"\n}\n",
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},` +
			`{"Key":"svc","Source":"git::https://example.com/org/svc.git?ref=v1","Dir":".terraform/modules/svc"},` +
			`{"Key":"other","Source":"example/other/aws","Dir":"/etc"}]}`,
		".terraform/modules/svc/main.tf": `variable "handler" {}
data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/src.zip"
}
resource "aws_lambda_function" "this" {
  handler  = var.handler
  runtime  = "python3.12"
  filename = data.archive_file.src.output_path
}
`,
		".terraform/modules/svc/src/app.py": "def handler(e, c):\n    return 1\n",
	})
	app := load(t, root)
	f := fn(t, app, "module.svc.aws_lambda_function.this")
	if got := files(t, f.Code); !reflect.DeepEqual(got, []string{"app.py=.terraform/modules/svc/src/app.py"}) || f.Handler != "app.handler" {
		t.Errorf("svc: files %v, handler %q", got, f.Handler)
	}
	// a modules.json entry pointing outside the checked folder is ignored: noted, not read
	if len(app.Notes) != 1 || !strings.Contains(app.Notes[0].Message, `module other comes from "example/other/aws"`) {
		t.Errorf("notes:\n%s", notesText(app))
	}
}

// TestSourcePathPatterns: terraform-aws-modules/lambda's patterns (regular expressions
// over the zip path, ! excludes, the last match decides) filter the package.
func TestSourcePathPatterns(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/app.py":                      "x = 1\n",
		"src/tests/test_app.py":           "x = 1\n",
		"src/tests/conftest_keep.py":      "x = 1\n",
		"src/__pycache__/app.cpython.pyc": "",
		"main.tf": `
module "fn" {
  source  = "terraform-aws-modules/lambda/aws"
  handler = "app.handler"
  runtime = "python3.12"
  source_path = [{
    path          = "${path.module}/src"
    prefix_in_zip = "pkg"
    patterns = [
      "!pkg/tests/.*",
      "pkg/tests/conftest_keep\\.py",
      "!.*/__pycache__/.*",
    ]
  }]
}
module "lookahead" {
  source  = "terraform-aws-modules/lambda/aws"
  handler = "app.handler"
  runtime = "python3.12"
  source_path = [{
    path     = "${path.module}/src"
    patterns = ["!(?!app).*"]
  }]
}
`,
	})
	app := load(t, root)
	want := []string{"pkg/app.py=src/app.py", "pkg/tests/conftest_keep.py=src/tests/conftest_keep.py"}
	if got := files(t, fn(t, app, "fn").Code); !reflect.DeepEqual(got, want) {
		t.Errorf("fn files = %v, want %v", got, want)
	}
	if len(files(t, fn(t, app, "lookahead").Code)) != 4 {
		t.Error("patterns Go cannot compile should leave the package whole")
	}
	if len(app.Notes) != 1 || !strings.Contains(app.Notes[0].Message, "patterns cannot be applied") {
		t.Errorf("notes:\n%s", notesText(app))
	}
}

// TestJSONModules: the JSON syntax calls modules, with count and templates in strings.
func TestJSONModules(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"main.tf.json": `{
  "variable": {"names": {"default": ["a", "b"]}},
  "module": {"fn": {"source": "./m", "count": "${length(var.names)}", "name": "${var.names[count.index]}"}}
}`,
		"m/main.tf.json": `{
  "variable": {"name": {}},
  "resource": {"aws_lambda_function": {"f": {
    "handler": "${var.name}.handler",
    "runtime": "python3.12",
    "filename": "${path.module}/${var.name}.zip"
  }}}
}`,
	})
	app := load(t, root)
	f := fn(t, app, "module.fn[1].aws_lambda_function.f")
	if f.Handler != "b.handler" || !strings.Contains(f.Unchecked, "m/b.zip does not exist yet") {
		t.Errorf("f = %q, unchecked %q", f.Handler, f.Unchecked)
	}
}

func TestBadCountAndForEach(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"main.tf": `
resource "aws_lambda_function" "neg" {
  count   = -1
  handler = "a.b"
}
resource "aws_lambda_function" "num" {
  for_each = 5
  handler  = "a.b"
}
`})
	app := load(t, root)
	if f := fn(t, app, "aws_lambda_function.neg[0]"); !strings.Contains(f.Unchecked, "count = -1 is not a whole number of 0 or more") {
		t.Errorf("neg: %q", f.Unchecked)
	}
	if f := fn(t, app, "num"); !strings.Contains(f.Unchecked, "for_each = 5 is not a map, or a set of strings") {
		t.Errorf("num: %q", f.Unchecked)
	}
}

// A root variable with no default, no terraform.tfvars and no --var-file, whose value is in
// variable files Terraform does not load by itself (field test: massimobiagioli/fastapi-sls-tester's
// terraform.tfvars.example, cullancarey/apple_update_notification's develop.tfvars and
// main.tfvars): the function is not checked, and the reason names the files that set it and
// how to give one. A variable none of them sets keeps the plain reason; a file given with
// --var-file is not suggested again, and terraform.tfvars / *.auto.tfvars are read, not hinted.
func TestUnsetVariableNamesVarFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/index.py":             "x = 1\n",
		"terraform.tfvars.example": "stage = \"dev\"\n",
		"prod.tfvars":              "stage = \"prod\"\nregion = \"eu-west-1\"\n",
		"broken.tfvars":            "stage = \n",
		"notes.tfvars.txt":         "stage = \"x\"\n",
		"main.tf": `
variable "stage" {}
variable "runtime" {}
resource "aws_lambda_function" "f" {
  function_name = "f-${var.stage}"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "build/${var.stage}.zip"
}
resource "aws_lambda_function" "g" {
  handler  = "index.handler"
  runtime  = var.runtime
  filename = "g.zip"
}
`,
	})
	app := load(t, root)
	want := `its package cannot be read: filename = "build/<var.stage>.zip" cannot be evaluated: var.stage has no value: it has no default and no value in terraform.tfvars, *.auto.tfvars or --var-file; prod.tfvars, terraform.tfvars.example set it: give the one to check with --var-file (--var-file prod.tfvars)`
	if f := fn(t, app, "f"); f.Unchecked != want {
		t.Errorf("f unchecked = %q, want %q", f.Unchecked, want)
	}
	wantG := `runtime = var.runtime cannot be evaluated: var.runtime has no value: it has no default and no value in terraform.tfvars, *.auto.tfvars or --var-file`
	if g := fn(t, app, "g"); g.Unchecked != wantG {
		t.Errorf("g unchecked = %q, want %q", g.Unchecked, wantG)
	}

	// given with --var-file: the value is bound, and the other file is not suggested
	app, err := LoadWith(root, root, iac.Options{VarFiles: []string{filepath.Join(root, "prod.tfvars")}})
	if err != nil {
		t.Fatal(err)
	}
	if f := fn(t, app, "f"); strings.Contains(f.Unchecked, "var.stage") {
		t.Errorf("with --var-file prod.tfvars, f unchecked = %q", f.Unchecked)
	}
}

func TestIsOtherVarFile(t *testing.T) {
	for n, want := range map[string]bool{
		"dev.tfvars": true, "dev.tfvars.json": true, "terraform.tfvars.example": true,
		"terraform.tfvars.sample": true, "x.tfvars.json.dist": true,
		"terraform.tfvars": false, "terraform.tfvars.json": false, "a.auto.tfvars": false,
		"a.auto.tfvars.json": false, "main.tf": false, "notes.tfvars.txt": false, "x.example": false,
	} {
		if got := isOtherVarFile(n); got != want {
			t.Errorf("isOtherVarFile(%q) = %v, want %v", n, got, want)
		}
	}
}

// fileset as Terraform evaluates it at plan time, from the files on disk (field test:
// gingebot/version_notifier: `for_each = toset([for i in fileset("../lambdas/checks/",
// "*/main.py") : dirname(i)])` over a local module): one module instance per matching
// folder, named by its key; "**" crosses folders, a folder without the file is not an
// instance, a missing folder is an empty set, and a path outside the checked folder is
// refused like file().
func TestFileset(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"lambdas/checks/alpha/main.py":   "x = 1\n",
		"lambdas/checks/beta/main.py":    "x = 1\n",
		"lambdas/checks/gamma/README.md": "not a checker\n",
		"lambdas/deep/a/b/handler.py":    "x = 1\n",
		"terraform/modules/check/main.tf": `
variable "root" {}
resource "aws_lambda_function" "this" {
  handler  = "main.handler"
  runtime  = "python3.12"
  filename = "${var.root}.zip"
}
`,
		"terraform/main.tf": `
locals {
  checkers = toset([for i in fileset("../lambdas/checks/", "*/main.py") : dirname(i)])
  deep     = fileset("../lambdas", "**/handler.py")
  none     = fileset("../nowhere", "*")
}
module "check" {
  for_each = local.checkers
  source   = "./modules/check"
  root     = "../lambdas/checks/${each.key}"
}
resource "aws_lambda_function" "deep" {
  for_each = local.deep
  handler  = "handler.handler"
  runtime  = "python3.12"
  filename = "x.zip"
}
resource "aws_lambda_function" "none" {
  for_each = local.none
  handler  = "handler.handler"
  runtime  = "python3.12"
  filename = "x.zip"
}
resource "aws_lambda_function" "outside" {
  for_each = fileset("/etc", "*")
  handler  = "handler.handler"
  runtime  = "python3.12"
  filename = "x.zip"
}
`,
	})
	app, err := Load(root, filepath.Join(root, "terraform"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range app.Functions {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	want := []string{
		`aws_lambda_function.deep["deep/a/b/handler.py"]`,
		`module.check["alpha"].aws_lambda_function.this`,
		`module.check["beta"].aws_lambda_function.this`,
		"outside",
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("functions = %q, want %q", names, want)
	}
	if o := fn(t, app, "outside"); !strings.Contains(o.Unchecked, `for_each = fileset("/etc", "*") cannot be evaluated`) {
		t.Errorf("outside unchecked = %q", o.Unchecked)
	}
}

// templatefile and data "template_file" render as Terraform renders them at plan time
// (field test: tjdetwill007/auto_deployment reads a public layer ARN from a JSON template
// through data.template_file.x.rendered; the layers list of the function that uses it was
// unknown as a whole, so none of its three layers was read): variables, %{for}, functions,
// $${ escapes; a template with an unknown variable or a missing file stays unknown.
func TestTemplates(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"layers.tpl":    `{"git": {"arn": "arn:aws:lambda:us-east-1:553035198032:layer:git-lambda2:8"}}`,
		"handler.tftpl": `%{ for m in mods }${m}.${upper(fn)}%{ endfor }$${literal}`,
		"main.tf": `
variable "nope" {}
data "template_file" "layers" {
  template = file("${path.root}/layers.tpl")
}
data "template_file" "rt" {
  template = "python$${v}"
  vars     = { v = "3.12" }
}
data "template_file" "unknown" {
  template = "$${x}"
  vars     = { x = var.nope }
}
locals {
  ext     = jsondecode(data.template_file.layers.rendered)
  handler = templatefile("${path.module}/handler.tftpl", { mods = ["app"], fn = "h" })
}
resource "aws_lambda_function" "f" {
  handler  = local.handler
  runtime  = "python${data.template_file.rt.vars.v}"
  filename = "f.zip"
  layers   = [local.ext.git.arn]
}
resource "aws_lambda_function" "g" {
  handler  = data.template_file.unknown.rendered
  runtime  = "python3.12"
  filename = "f.zip"
}
resource "aws_lambda_function" "h" {
  handler  = templatefile("missing.tftpl", {})
  runtime  = "python3.12"
  filename = "f.zip"
}
`,
	})
	app := load(t, root)
	f := fn(t, app, "f")
	if f.Handler != "app.H${literal}" || f.Runtime != "python3.12" || len(f.Layers) != 1 || f.Layers[0].ARN != "arn:aws:lambda:us-east-1:553035198032:layer:git-lambda2:8" {
		t.Errorf("f: handler %q runtime %q layers %+v", f.Handler, f.Runtime, f.Layers)
	}
	if g := fn(t, app, "g"); g.Handler != "" || !strings.Contains(g.Unchecked, "data.template_file.unknown.rendered") {
		t.Errorf("g: handler %q unchecked %q", g.Handler, g.Unchecked)
	}
	if h := fn(t, app, "h"); h.Handler != "" || !strings.Contains(h.Unchecked, "templatefile(") {
		t.Errorf("h: handler %q unchecked %q", h.Handler, h.Unchecked)
	}
}

// A data "aws_lambda_layer_version" whose layer_name another Terraform configuration of
// the checked folder defines is linked to that layer, with an info naming both (field test:
// isobelfc/aws-components-terraform: two false LK101 warnings). The other configuration is
// loaded as a root module with its own variable files; a name nobody defines, or one the
// function's configuration cannot evaluate, stays an unknown reference that says what it
// reads.
func TestDataLayerLinkedToSiblingConfiguration(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"modules/layer/main.tf": `
variable "service" {}
variable "env" {}
resource "aws_lambda_layer_version" "this" {
  layer_name = "${var.service}-${var.env}"
  filename   = data.archive_file.layer.output_path
}
data "archive_file" "layer" {
  type        = "zip"
  source_dir  = "${path.module}/lib"
  output_path = "${path.module}/layer.zip"
}
`,
		"modules/layer/lib/python/requests/__init__.py": "",
		"dev/layer/main.tf": `
module "layer" {
  source  = "../../modules/layer"
  service = "common"
  env     = var.env
}
variable "env" {}
`,
		"dev/layer/terraform.tfvars": "env = \"dev\"\n",
		"dev/fn/main.tf": `
variable "nope" {}
data "aws_lambda_layer_version" "common" {
  layer_name = "common-dev"
}
data "aws_lambda_layer_version" "other" {
  layer_name = "not-defined-here"
}
data "aws_lambda_layer_version" "unknown" {
  layer_name = var.nope
}
resource "aws_lambda_function" "f" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = "f.zip"
  layers   = [data.aws_lambda_layer_version.common.arn, data.aws_lambda_layer_version.other.arn, data.aws_lambda_layer_version.unknown.arn]
}
`,
	})
	app, err := Load(root, filepath.Join(root, "dev/fn"))
	if err != nil {
		t.Fatal(err)
	}
	f := fn(t, app, "f")
	if len(f.Layers) != 3 {
		t.Fatalf("layers = %+v", f.Layers)
	}
	if ly := f.Layers[0].Layer; ly == nil || ly.Content == nil || ly.Name != "module.layer.aws_lambda_layer_version.this" {
		t.Errorf("common: %+v", f.Layers[0])
	}
	if r := f.Layers[1]; !r.Unknown || r.Text != `data.aws_lambda_layer_version.other (layer_name "not-defined-here", read from AWS when Terraform runs)` {
		t.Errorf("other: %+v", r)
	}
	if r := f.Layers[2]; !r.Unknown || r.Layer != nil {
		t.Errorf("unknown: %+v", r)
	}
	var linked int
	for _, n := range app.Notes {
		if n.Code == rulecode.LK105 && strings.Contains(n.Message, `reads the layer named "common-dev", which the Terraform configuration dev/layer defines`) {
			linked++
		}
	}
	if linked != 1 {
		t.Errorf("notes = %+v, want one link info", app.Notes)
	}
}
