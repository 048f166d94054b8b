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

locals {
  r    = range(1000)
  cube = setproduct(local.r, local.r, local.r)
  wide = format("%999999999d", 1)
  sep  = join(format("%5000d", 1), local.r)
  rep  = replace(local.sep, "", local.sep)
}
