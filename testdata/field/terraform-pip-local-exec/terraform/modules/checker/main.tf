variable "root" {}

resource "null_resource" "install_dependencies" {
  provisioner "local-exec" {
    command = "pip install -r ${var.root}/requirements.txt -t ${var.root}/ && echo done"
  }
  triggers = {
    deps = filemd5("${var.root}/requirements.txt")
  }
}

data "archive_file" "source" {
  depends_on  = [null_resource.install_dependencies]
  excludes    = ["__pycache__"]
  type        = "zip"
  source_dir  = var.root
  output_path = "${path.module}/${basename(var.root)}.zip"
}

resource "aws_lambda_function" "this" {
  function_name = basename(var.root)
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.source.output_path
}
