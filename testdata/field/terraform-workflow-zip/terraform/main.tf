resource "aws_lambda_layer_version" "utils" {
  layer_name          = "utils"
  compatible_runtimes = ["python3.12"]
  filename            = "${path.module}/../layer-archive/layer.zip"
  source_code_hash    = filebase64sha256("${path.module}/../layer-archive/layer.zip")
}

resource "aws_lambda_function" "fn" {
  function_name    = "fn"
  role             = "arn:aws:iam::123456789012:role/r"
  runtime          = "python3.12"
  handler          = "handler.handler"
  filename         = "${path.module}/../lambda-archive/payload.zip"
  source_code_hash = filebase64sha256("${path.module}/../lambda-archive/payload.zip")
  layers           = [aws_lambda_layer_version.utils.arn]
}

resource "aws_lambda_function" "unbuilt" {
  function_name = "unbuilt"
  role          = "arn:aws:iam::123456789012:role/r"
  runtime       = "python3.12"
  handler       = "handler.handler"
  filename      = "${path.module}/../dist/unbuilt.zip"
}
