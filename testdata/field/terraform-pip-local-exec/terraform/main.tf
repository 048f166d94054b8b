locals {
  # one checker per folder holding a main.py (fileset, evaluated at plan time)
  checkers = toset([for i in fileset("../lambdas/checks/", "*/main.py") : dirname(i)])
}

module "check" {
  for_each = local.checkers
  source   = "./modules/checker"
  root     = "../lambdas/checks/${each.key}"
}

# pip installs into a folder next to the zipped one: not what the zip holds
resource "null_resource" "notify_deps" {
  provisioner "local-exec" {
    command = "python3 -m pip install --upgrade -r ../lambdas/notify/requirements.txt --target ../build/notify-deps"
  }
}

data "archive_file" "notify" {
  depends_on  = [null_resource.notify_deps]
  type        = "zip"
  source_dir  = "../lambdas/notify"
  output_path = "../build/notify.zip"
}

resource "aws_lambda_function" "notify" {
  function_name = "notify"
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.notify.output_path
}

# a layer zip built by a provisioner and uploaded by aws_s3_object: the zip does not exist
# in the repository, but the command says what it holds (python/ with PyYAML installed)
resource "null_resource" "layer_zip" {
  triggers = {
    requirements = filesha1("../layer/requirements.txt")
  }
  provisioner "local-exec" {
    command = <<EOT
      cd ../layer
      rm -rf python && mkdir python
      pip3 install -r requirements.txt -t python/
      zip -r layer.zip python/
    EOT
  }
}

resource "aws_s3_object" "layer" {
  bucket     = "artifacts"
  key        = "layers/deps.zip"
  source     = "../layer/layer.zip"
  depends_on = [null_resource.layer_zip]
}

resource "aws_lambda_layer_version" "deps" {
  layer_name          = "deps"
  s3_bucket           = aws_s3_object.layer.bucket
  s3_key              = aws_s3_object.layer.key
  compatible_runtimes = ["python3.12"]
}

data "archive_file" "report" {
  type        = "zip"
  source_dir  = "../lambdas/report"
  output_path = "../build/report.zip"
}

resource "aws_lambda_function" "report" {
  function_name = "report"
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.report.output_path
  layers        = [aws_lambda_layer_version.deps.arn]
}
