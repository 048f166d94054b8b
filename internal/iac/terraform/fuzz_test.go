package terraform

import (
	"testing"
)

// FuzzLoad: any configuration bytes, as .tf or .tf.json, load or fail with an error,
// never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`resource "aws_lambda_function" "f" {
  handler = "app.handler"
  runtime = "python3.12"
  layers  = [aws_lambda_layer_version.l.arn, aws_lambda_layer_version.l.layer_arn, "arn:aws:lambda:us-east-1:123456789012:layer:x:1"]
}
resource "aws_lambda_layer_version" "l" {
  filename = data.archive_file.a.output_path
}
data "archive_file" "a" {
  source_dir  = "${path.module}/nope"
  output_path = "x.zip"
  excludes    = ["a/**"]
}
`), false)
	f.Add([]byte(`{"resource": {"aws_lambda_function": {"f": {"layers": ["${local.x}"]}}}, "locals": {"x": "${local.x}"}}`), true)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, json bool) {
		name := "main.tf"
		if json {
			name = "main.tf.json"
		}
		app, err := loadSources(dir, dir, []source{{name: name, data: data}}, nil)
		if err == nil && app == nil {
			t.Fatal("nil app without error")
		}
	})
}

// FuzzEval: whatever a configuration's expressions do (double, repeat, nest, call
// functions that amplify), loading it ends within the time and allocation bounds the
// budget promises, with a model or an error, never a crash.
func FuzzEval(f *testing.F) {
	for _, h := range hostileConfigs {
		if len(h.src) < 4096 && !(testing.Short() && slowHostile[h.name]) {
			f.Add([]byte(h.src))
		}
	}
	f.Add([]byte(doubling(12)))
	f.Add([]byte(`locals {
  m = { for k in ["a", "b", "c"] : k => [for i in range(3) : "${k}${i}"] }
  j = jsonencode(local.m)
  d = jsondecode(local.j)
  s = join(",", flatten(values(local.d)))
}
resource "aws_lambda_function" "f" {
  for_each = local.m
  handler  = "${each.key}.handler"
  runtime  = "python3.12"
  layers   = [for x in each.value : "arn:aws:lambda:us-east-1:123456789012:layer:${x}:1"]
}
`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		err, took, alloc := measure(func() error {
			app, err := loadSources(dir, dir, []source{{name: "main.tf", data: data}}, nil)
			if err == nil && app == nil {
				t.Fatal("nil app without error")
			}
			return err
		})
		if took > 2*maxLoadTime || alloc > maxLoadAlloc {
			t.Errorf("took %v, allocated %d MB for %d bytes (bounds %v, %d MB): %v", took, alloc>>20, len(data), 2*maxLoadTime, maxLoadAlloc>>20, err)
		}
	})
}
