resource "aws_lambda_function" "f" {
  handler = "app.handler"
  runtime = 
}
