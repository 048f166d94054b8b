locals {
  a = local.b
  b = local.a
  c = "${local.c}x"
  d = [for x in local.d : x]
}
variable "v" {
  default = var.v
}
module "self" {
  source = "./"
}
module "up" {
  source = "../terraform-cycles"
}
resource "aws_lambda_layer_version" "l" {
  layer_name = "l"
  filename   = aws_lambda_layer_version.l.arn
}
resource "aws_lambda_function" "f" {
  function_name = local.a
  handler       = "app.handler"
  runtime       = local.c
  filename      = data.archive_file.a.output_path
  layers        = [aws_lambda_layer_version.l.arn, aws_lambda_function.f.arn, module.self.x]
  depends_on    = [aws_lambda_function.f]
}
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = data.archive_file.a.output_path
}
