module "deps" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  create_layer = true
  layer_name   = "deps"
  runtime      = "python3.12"

  source_path = [
    {
      path             = "${path.module}/deps"
      prefix_in_zip    = "python"
      pip_requirements = true
    }
  ]
}

module "api" {
  source = "terraform-aws-modules/lambda/aws"

  function_name = "api"
  handler       = "main.handler"
  runtime       = "python3.12"
  architectures = ["arm64"]
  source_path   = "${path.module}/src/api"

  layers = [
    module.deps.lambda_layer_arn,
    module.deps.lambda_layer_layer_arn,
    module.api_other.lambda_layer_arn,
  ]

  environment_variables = {
    POWERTOOLS_SERVICE_NAME = "api"
  }
}

module "api_other" {
  source          = "registry.terraform.io/terraform-aws-modules/lambda/aws"
  function_name   = "other"
  handler         = "main.handler"
  runtime         = "python3.12"
  create_function = false
}

module "unrelated" {
  source = "./modules/whatever"
}
