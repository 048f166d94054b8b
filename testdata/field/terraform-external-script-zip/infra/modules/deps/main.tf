variable "name" { type = string }

locals {
  build = "${path.module}/../../../build/layer"
  zip   = "${local.build}/${var.name}.zip"
}

data "external" "pack" {
  program = ["bash", "${path.module}/pack.sh"]
  query = {
    name  = var.name
    build = local.build
    out   = local.zip
  }
}

resource "aws_s3_bucket" "layers" {
  bucket_prefix = "layers"
}

resource "aws_s3_object" "zip" {
  bucket     = aws_s3_bucket.layers.id
  key        = "${var.name}.zip"
  source     = local.zip
  depends_on = [data.external.pack]
}

resource "aws_lambda_layer_version" "deps" {
  layer_name          = var.name
  s3_bucket           = aws_s3_bucket.layers.id
  s3_key              = aws_s3_object.zip.key
  compatible_runtimes = ["python3.12"]
}

output "arn" {
  value = aws_lambda_layer_version.deps.arn
}
