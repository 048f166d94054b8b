# The shared layer is built by layerkit before terraform plan (see README.md):
#
#   layerkit build layer -o build/shared.zip --runtime python3.12 --arch arm64
#
# The zip is byte-for-byte reproducible, so source_code_hash only changes when the layer's
# sources do, and equals the CodeSha256 that layerkit build prints and Lambda reports.

resource "aws_lambda_layer_version" "shared" {
  layer_name               = "shared"
  filename                 = "${path.module}/build/shared.zip"
  source_code_hash         = filebase64sha256("${path.module}/build/shared.zip")
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}

data "archive_file" "orders" {
  type        = "zip"
  source_dir  = "${path.module}/src/orders"
  output_path = "${path.module}/build/orders.zip"
}

resource "aws_lambda_function" "orders" {
  function_name    = "orders"
  role             = aws_iam_role.lambda.arn
  filename         = data.archive_file.orders.output_path
  source_code_hash = data.archive_file.orders.output_base64sha256
  handler          = "app.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  layers           = [aws_lambda_layer_version.shared.arn]
}

resource "aws_iam_role" "lambda" {
  name               = "example-lambda"
  assume_role_policy = "{}"
}
