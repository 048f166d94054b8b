variable "index" {}

data "archive_file" "w" {
  type        = "zip"
  source_file = "${path.module}/worker.py"
  output_path = "${path.module}/w.zip"
}

resource "aws_lambda_function" "w" {
  function_name = "worker-${var.index}"
  handler       = "worker.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.w.output_path
}

# source_dir without path.module: Terraform reads it relative to the working
# folder (envs/prod), not this module's folder
data "archive_file" "bare" {
  type        = "zip"
  source_dir  = "src"
  output_path = "bare.zip"
}

resource "aws_lambda_function" "bare" {
  function_name = "bare-${var.index}"
  handler       = "worker.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.bare.output_path
}
