resource "aws_lambda_function" "upload" {
  function_name = "upload"
  role          = "arn:aws:iam::123456789012:role/upload"
  handler       = "app.lambdaHandler"
  runtime       = "nodejs22.x"
  filename      = "${path.module}/../build/code.zip"
}
