locals {
  functions = {
    orders  = "orders.handler"
    billing = "billing.handler"
  }
}

variable "runtime" {
  default = "python3.11"
}

variable "stage" {}

module "shared" {
  source = "../../modules/shared"
  name   = "shared-${var.stage}"
}

module "api" {
  source    = "../../modules/api"
  handlers  = local.functions
  runtime   = var.runtime
  layer_arn = module.shared.layer_arn
}

module "workers" {
  source = "../../modules/worker"
  count  = 2
  index  = count.index
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

module "gone" {
  source = "../../modules/gone"
}
