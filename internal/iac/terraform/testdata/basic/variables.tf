variable "runtime" {
  type    = string
  default = "python3.11"
}

variable "stage" {
  default = "dev"
}

variable "shared_layer_arn" {
  default = "arn:aws:lambda:us-east-1:123456789012:layer:shared:7"
}

variable "no_default" {
  type = string
}
