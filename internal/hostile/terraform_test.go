//go:build unix

package hostile

import (
	"fmt"
	"strings"
	"testing"
)

// Terraform's hostile inputs (issue 15): evaluation that doubles, repeats or fans out,
// nesting that would overflow the HCL parsers' stack, code locations outside the
// checked folder. Small ones are committed (writeTerraformCommitted, called by
// writeCommitted); big ones are generated here at test time.
func init() {
	items = append(items,
		item{name: "templates/terraform-beside-sam", mention: "infra.tf", exit: 2, line: true},
		item{name: "templates/terraform-doubling", mention: "main.tf", exit: 2, line: true},
		item{name: "templates/terraform-amplify", mention: "main.tf", exit: 2, line: true},
		item{name: "templates/terraform-outside", mention: "main.tf", exit: 2, line: true},
		item{name: "templates/terraform-module-outside", mention: "main.tf", exit: 2, line: true},
		item{name: "templates/terraform-deep-tf", gen: genDeepTerraform("main.tf", "locals {\n  x = ", "[", "]", "\n}\n"), mention: "main.tf", exit: 2, line: true},
		item{name: "templates/terraform-deep-json", gen: genDeepTerraform("main.tf.json", `{"locals": {"x": `, "[", "]", "}}"), mention: "main.tf.json", exit: 2, line: true},
		item{name: "templates/terraform-deep-tfvars", gen: genDeepTerraform("terraform.tfvars", "x = ", "{a = ", "}", "\n"), mention: "terraform.tfvars", exit: 2, line: true},
		item{name: "templates/terraform-locals-chain", gen: genLocalsChain, mention: "main.tf"},
		item{name: "templates/terraform-many-refs", gen: genManyRefs, mention: "main.tf", exit: 2, line: true},
	)
}

// tfFn is a healthy Terraform function beside the hostile parts.
const tfFn = `resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.src.output_path
}

data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "build/src.zip"
}
`

func writeTerraformCommitted(t testing.TB, dir string) {
	tpl := func(item, name, body string) { writeFile(t, dir, "templates/"+item+"/"+name, []byte(body)) }
	src := func(item string) {
		tpl(item, "src/app.py", appPy)
		tpl(item, "src/helper.py", "VALUE = 1\n")
	}
	// A healthy SAM app and a 65-byte infra.tf: a million-element list from two
	// nested for expressions (it once ended in "fatal error: out of memory").
	tpl("terraform-beside-sam", "template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n")
	tpl("terraform-beside-sam", "infra.tf", "locals {\n  x = [for a in range(1024) : [for b in range(1024) : a]]\n}\n\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  handler       = \"app.handler\"\n  runtime       = \"python3.12\"\n  filename      = \"fn.zip\"\n  role          = local.x[0][0]\n}\n")
	src("terraform-beside-sam")

	// Locals that double a string 40 times (2^40 × 16 bytes).
	var b strings.Builder
	b.WriteString(tfFn + "\nlocals {\n  l0 = \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "  l%d = \"${local.l%d}${local.l%d}\"\n", i, i-1, i-1)
	}
	b.WriteString("}\n")
	tpl("terraform-doubling", "main.tf", b.String())
	src("terraform-doubling")

	// Functions whose result dwarfs their arguments.
	tpl("terraform-amplify", "main.tf", tfFn+`
locals {
  r    = range(1000)
  cube = setproduct(local.r, local.r, local.r)
  wide = format("%999999999d", 1)
  sep  = join(format("%5000d", 1), local.r)
  rep  = replace(local.sep, "", local.sep)
}
`)
	src("terraform-amplify")

	// Code locations that leave the checked folder.
	tpl("terraform-outside", "main.tf", `resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.etc.output_path
}

data "archive_file" "etc" {
  type        = "zip"
  source_dir  = "/etc"
  output_path = "build/etc.zip"
}

resource "aws_lambda_layer_version" "l" {
  layer_name = "l"
  filename   = "../../../../../../../../../etc/passwd"
}
`)
	tpl("terraform-module-outside", "main.tf", `module "up" {
  source = "../../../../../../../../../../../tmp"
}

`+tfFn)
	src("terraform-module-outside")
}

// genDeepTerraform: 100,000 nested brackets (about 200 KB) in a .tf, .tf.json or
// terraform.tfvars (they once overflowed the HCL parser's stack).
func genDeepTerraform(file, head, open, close, tail string) func(t testing.TB, p string) {
	return func(t testing.TB, p string) {
		body := head + strings.Repeat(open, 100_000) + "1" + strings.Repeat(close, 100_000) + tail
		writeFile(t, p, file, []byte(body))
		if file == "terraform.tfvars" {
			writeFile(t, p, "main.tf", []byte(tfFn+"\nvariable \"x\" {}\n"))
		}
		writeFile(t, p, "src/app.py", []byte(appPy))
		writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	}
}

// genLocalsChain: 30,000 locals, each the previous one (evaluated to a fixed point,
// this once cost the cube of their number).
func genLocalsChain(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString(tfFn + "\nlocals {\n  c0 = \"f\"\n")
	for i := 1; i < 30_000; i++ {
		fmt.Fprintf(&b, "  c%d = local.c%d\n", i, i-1)
	}
	b.WriteString("}\n")
	writeFile(t, p, "main.tf", []byte(b.String()))
	writeFile(t, p, "src/app.py", []byte(appPy))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
}

// genManyRefs: an 800 KB main.tf that references one 200 KB string 50,000 times.
func genManyRefs(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString(tfFn + "\nlocals {\n  big = \"" + strings.Repeat("x", 200_000) + "\"\n  all = \"")
	for b.Len() < 800_000 {
		b.WriteString("${local.big}")
	}
	b.WriteString("\"\n}\n")
	writeFile(t, p, "main.tf", []byte(b.String()))
	writeFile(t, p, "src/app.py", []byte(appPy))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
}
