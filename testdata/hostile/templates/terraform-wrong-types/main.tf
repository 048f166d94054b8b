resource "aws_lambda_function" "f" {
  function_name = 5
  handler       = [1]
  runtime       = { a = "b" }
  filename      = 7
  layers        = 5
  architectures = "arm64"
}
resource "aws_lambda_function" "g" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = ["x.zip"]
  layers   = [5, [1], { a = 1 }, null]
  source_code_hash = filebase64sha256("/dev/zero")
}
resource "aws_lambda_function" {
}
data "archive_file" "a" {
  type        = 5
  source_file = ["x"]
  source_dir  = { a = 1 }
  output_path = null
  excludes    = 5
}
module "m" {
  source = 5
}
module "n" {
  source = "/"
}
