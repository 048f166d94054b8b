variable "bucket" {
  default = "jobs-artifacts"
}

locals {
  build_file = "dist/jobs.zip"
}

resource "aws_lambda_function" "producer" {
  function_name    = "producer"
  s3_bucket        = var.bucket
  s3_key           = "lambdas/jobs.zip"
  source_code_hash = "${filebase64sha256("${local.build_file}")}"
  handler          = "jobs.producer.handler"
  runtime          = "python3.12"
  role             = "arn:aws:iam::123456789012:role/jobs"
  layers           = [aws_lambda_layer_version.deps.arn]
}

resource "aws_lambda_layer_version" "deps" {
  s3_bucket           = var.bucket
  s3_key              = "lambdas/deps.zip"
  layer_name          = "deps"
  compatible_runtimes = ["python3.12"]
}
