variable "name" { type = string }
variable "pkg" { type = string }
variable "handler" { type = string }

data "archive_file" "pkg" {
  type        = "zip"
  source_dir  = var.pkg
  output_path = "${path.module}/../../dist/${var.name}.zip"
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  filename         = data.archive_file.pkg.output_path
  source_code_hash = data.archive_file.pkg.output_base64sha256
  handler          = var.handler
  runtime          = "python3.12"
  role             = "arn:aws:iam::123456789012:role/fn"
}
