module "up" {
  source = "../../../../../../../../../../../tmp"
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.src.output_path
}

data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "build/src.zip"
}
