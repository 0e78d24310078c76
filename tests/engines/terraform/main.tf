# The test tenancy on the Kingsoft Cloud provider (kingsoftcloud/ksyun), as a platform team would write it: one
# resource block per resource type, instances, volumes and EIPs by name from a tenancy description
# (../tenancy.json and its variants). The engine tests run it against the test provider built from
# tools/ksyun-test-providers (tests/engines/README.md).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    ksyun = {
      source  = "kingsoftcloud/ksyun"
      version = "0.1.0"
    }
  }
}

variable "tenancy" {
  type        = string
  description = "the tenancy description (JSON), e.g. ../tenancy.json"
}

locals {
  tenancy = jsondecode(file(var.tenancy))
  instances = merge([
    for group, spec in local.tenancy.instance_groups : { for i in range(spec.count) : "${group}-${i + 1}" => spec }
  ]...)
  volumes = merge([
    for group, spec in local.tenancy.volume_groups : { for i in range(spec.count) : "${group}-${i + 1}" => spec }
  ]...)
  shared_eips = { for name, spec in local.tenancy.eips : name => spec if spec.shared }
}

provider "ksyun" {
  region = local.tenancy.region
}

resource "ksyun_vpc" "main" {
  vpc_name   = "tenancy"
  cidr_block = "10.0.0.0/16"
}

resource "ksyun_subnet" "main" {
  subnet_name       = "tenancy"
  cidr_block        = "10.0.0.0/20"
  subnet_type       = "Normal"
  vpc_id            = ksyun_vpc.main.id
  availability_zone = local.tenancy.availability_zone
}

resource "ksyun_instance" "this" {
  for_each = local.instances

  instance_name = each.key
  instance_type = try(each.value.instance_type, null)
  model_id      = try(each.value.model_id, null)
  image_id      = local.tenancy.image_id
  subnet_id     = ksyun_subnet.main.id
  charge_type   = "Monthly"
}

resource "ksyun_volume" "this" {
  for_each = local.volumes

  volume_name       = each.key
  volume_type       = each.value.volume_type
  size              = each.value.size
  availability_zone = local.tenancy.availability_zone
  charge_type       = "Daily"
}

resource "ksyun_eip" "this" {
  for_each = local.tenancy.eips

  band_width  = each.value.band_width
  charge_type = "Daily"
  line_id     = local.tenancy.line_id
  tags        = { name = each.key }
}

resource "ksyun_bws" "shared" {
  band_width_share_name = local.tenancy.bandwidth_share.name
  band_width            = local.tenancy.bandwidth_share.band_width
  line_id               = local.tenancy.line_id
  charge_type           = "PostPaidByPeak"
}

resource "ksyun_bws_associate" "this" {
  for_each = local.shared_eips

  band_width_share_id = ksyun_bws.shared.id
  allocation_id       = ksyun_eip.this[each.key].id
}

resource "ksyun_lb" "this" {
  for_each = toset(local.tenancy.load_balancers)

  load_balancer_name = each.key
  vpc_id             = ksyun_vpc.main.id
  type               = "public"
}

resource "ksyun_ks3_bucket" "this" {
  for_each = toset(local.tenancy.buckets)

  bucket = each.key
}
