# A Terraform app: the utils layer is zipped by archive_file from layers/utils, whose
# python/ folder lands at /opt/python. billing attaches the layer by .layer_arn (no version).

data "archive_file" "utils" {
  type        = "zip"
  source_dir  = "${path.module}/layers/utils"
  output_path = "${path.module}/build/utils.zip"
}

resource "aws_lambda_layer_version" "utils" {
  layer_name          = "utils"
  filename            = data.archive_file.utils.output_path
  source_code_hash    = data.archive_file.utils.output_base64sha256
  compatible_runtimes = ["python3.12"]
}

data "archive_file" "orders" {
  type        = "zip"
  source_dir  = "${path.module}/src/orders"
  output_path = "${path.module}/build/orders.zip"
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.lambda.arn
  filename      = data.archive_file.orders.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  layers        = [aws_lambda_layer_version.utils.arn]
}

data "archive_file" "billing" {
  type        = "zip"
  source_dir  = "${path.module}/src/billing"
  output_path = "${path.module}/build/billing.zip"
}

resource "aws_lambda_function" "billing" {
  function_name = "billing"
  role          = aws_iam_role.lambda.arn
  filename      = data.archive_file.billing.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  layers        = [aws_lambda_layer_version.utils.layer_arn]
}

resource "aws_iam_role" "lambda" {
  name               = "example-lambda"
  assume_role_policy = "{}"
}
