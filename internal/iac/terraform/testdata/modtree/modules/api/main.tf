variable "handlers" {
  type = map(string)
}
variable "runtime" {}
variable "layer_arn" {}

data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/api.zip"
}

resource "aws_lambda_function" "this" {
  for_each      = var.handlers
  function_name = each.key
  handler       = each.value
  runtime       = var.runtime
  filename      = data.archive_file.src.output_path
  layers        = [var.layer_arn]
}
