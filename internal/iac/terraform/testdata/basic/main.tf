locals {
  name_prefix = "${local.service}-${var.stage}"
  service     = "shop"
  src         = "${path.module}/src"
  layer_list  = [aws_lambda_layer_version.core.arn, var.shared_layer_arn]
}

data "archive_file" "core" {
  type        = "zip"
  source_dir  = "${path.module}/layers/core"
  output_path = "${path.module}/build/core.zip"
  excludes    = ["docs"]
}

resource "aws_lambda_layer_version" "core" {
  layer_name               = "${local.name_prefix}-core"
  filename                 = data.archive_file.core.output_path
  compatible_runtimes      = [var.runtime]
  compatible_architectures = ["arm64"]
}

resource "aws_lambda_layer_version" "prebuilt" {
  layer_name = "prebuilt"
  filename   = "${path.module}/build/prebuilt.zip"
}

resource "aws_lambda_layer_version" "remote" {
  layer_name = "remote"
  s3_bucket  = "artifacts"
  s3_key     = "layers/remote.zip"
}

data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "${local.src}/fn"
  output_path = "${path.module}/build/fn.zip"
  excludes    = ["tests/**", "**/*.md"]
}

resource "aws_lambda_function" "api" {
  function_name = "${local.name_prefix}-api"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = var.runtime
  architectures = ["arm64"]
  layers = [
    aws_lambda_layer_version.core.arn,
    var.shared_layer_arn,
    "arn:aws:lambda:us-east-1:123456789012:layer:noversion",
    "not-an-arn",
    aws_lambda_layer_version.missing.arn,
    var.no_default,
  ]

  environment {
    variables = {
      STAGE     = var.stage
      TABLE     = aws_dynamodb_table.t.name
      LOG_LEVEL = "INFO"
    }
  }
}

data "archive_file" "single" {
  type        = "zip"
  source_file = "${path.module}/src/single/one.py"
  output_path = "${path.module}/build/single.zip"
}

resource "aws_lambda_function" "single" {
  function_name = "single"
  filename      = "${path.module}/build/single.zip"
  handler       = "one.handler"
  runtime       = "python3.12"
  layers        = local.layer_list
}

data "archive_file" "inline" {
  type        = "zip"
  output_path = "${path.module}/build/inline.zip"

  source {
    content  = "def handler(e, c):\n    return 1\n"
    filename = "index.py"
  }
  source {
    content  = "X = 1\n"
    filename = "pkg/consts.py"
  }
}

resource "aws_lambda_function" "inline" {
  function_name = "inline"
  filename      = data.archive_file.inline.output_path
  handler       = "index.handler"
  runtime       = var.no_default
}

resource "aws_lambda_function" "missing_zip" {
  function_name = "missing"
  filename      = "build/missing.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  layers        = [aws_lambda_layer_version.prebuilt.arn, aws_lambda_layer_version.remote.arn]
}

resource "aws_lambda_function" "from_s3" {
  function_name = "from-s3"
  s3_bucket     = "artifacts"
  s3_key        = "fn.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
}

resource "aws_lambda_function" "image" {
  function_name = "image"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"
}
