variable "name" { type = string }
variable "src" { type = string }
variable "layers" { type = list(string) }

locals {
  build = "${path.module}/../../../build/lambda"
  zip   = "${local.build}/${var.name}.zip"
}

data "external" "pack" {
  program = ["bash", "${path.module}/pack.sh"]
  query = {
    name  = var.name
    src   = var.src
    build = local.build
    out   = local.zip
  }
}

resource "aws_lambda_function" "app" {
  function_name    = var.name
  filename         = local.zip
  source_code_hash = filebase64sha256(data.external.pack.result.filename)
  handler          = "app.main.handler"
  runtime          = "python3.12"
  layers           = var.layers
  role             = "arn:aws:iam::123456789012:role/app"
}
