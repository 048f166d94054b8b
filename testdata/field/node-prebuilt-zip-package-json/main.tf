resource "aws_lambda_layer_version" "deps" {
  layer_name          = "deps"
  filename            = "${path.module}/build/layer.zip"
  compatible_runtimes = ["nodejs22.x"]
}

resource "aws_lambda_function" "pad" {
  function_name = "pad"
  role          = "arn:aws:iam::123456789012:role/pad"
  handler       = "app.handler"
  runtime       = "nodejs22.x"
  filename      = "${path.module}/build/code.zip"
  layers        = [aws_lambda_layer_version.deps.arn]
}

resource "aws_lambda_function" "pad_alone" {
  function_name = "pad-alone"
  role          = "arn:aws:iam::123456789012:role/pad"
  handler       = "app.handler"
  runtime       = "nodejs22.x"
  filename      = "${path.module}/build/code.zip"
}
