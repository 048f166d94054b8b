locals {
  stage = "dev"
}

module "deps" {
  source = "../../modules/deps"
  name   = "status-deps-${local.stage}"
}

module "api" {
  source = "../../modules/fn"
  name   = "status-api-${local.stage}"
  src    = "../../../api"
  layers = [module.deps.arn]
}
