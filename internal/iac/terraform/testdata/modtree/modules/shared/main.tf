variable "name" {}

data "archive_file" "layer" {
  type        = "zip"
  source_dir  = "${path.module}/layer"
  output_path = "build/shared.zip" # a bare relative path: relative to envs/prod
}

resource "aws_s3_object" "layer" {
  bucket = "artifacts"
  key    = "layers/${var.name}.zip"
  source = data.archive_file.layer.output_path
}

resource "aws_lambda_layer_version" "this" {
  layer_name          = var.name
  s3_bucket           = aws_s3_object.layer.bucket
  s3_key              = aws_s3_object.layer.key
  compatible_runtimes = ["python3.12"]
}

output "layer_arn" {
  value = aws_lambda_layer_version.this.arn
}
