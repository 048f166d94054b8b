module "orders" {
  source  = "./fn"
  name    = "orders"
  pkg     = "${path.root}/../build/svc/orders"
  handler = "src/handlers/orders.handle"
}

module "health" {
  source  = "./fn"
  name    = "health"
  pkg     = "${path.root}/../build/svc/health"
  handler = "src/app.handle"
}

module "reports" {
  source  = "./fn"
  name    = "reports"
  pkg     = "${path.root}/../build/svc/reports"
  handler = "src/app.handle"
}

module "audit" {
  source  = "./fn"
  name    = "audit"
  pkg     = "${path.root}/../build/svc/audit"
  handler = "src/app.handle"
}
