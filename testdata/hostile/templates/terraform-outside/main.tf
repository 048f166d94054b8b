resource "aws_lambda_function" "f" {
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
