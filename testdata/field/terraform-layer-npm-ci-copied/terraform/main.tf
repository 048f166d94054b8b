data "archive_file" "layer" {
  type        = "zip"
  source_dir  = "../lambda/nodejs"
  output_path = "../lambda/layer.zip"
}
resource "aws_lambda_layer_version" "deps" {
  layer_name          = "deps"
  filename            = data.archive_file.layer.output_path
  compatible_runtimes = ["nodejs22.x"]
}
data "archive_file" "fn" {
  type        = "zip"
  source_file = "../lambda/app.js"
  output_path = "../lambda/app.zip"
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/r"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "nodejs22.x"
  layers        = [aws_lambda_layer_version.deps.arn]
}
