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
