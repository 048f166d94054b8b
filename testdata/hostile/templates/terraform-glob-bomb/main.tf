resource "aws_lambda_function" "f" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = data.archive_file.a.output_path
}
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "build/a.zip"
  excludes    = ["**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/b", "**/**/**/**/**/**/**/**/**/**/**/**/**/**/x"]
}
