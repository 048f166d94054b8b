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
