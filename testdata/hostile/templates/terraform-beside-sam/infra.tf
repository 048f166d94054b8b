locals {
  x = [for a in range(1024) : [for b in range(1024) : a]]
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"
  role          = local.x[0][0]
}
