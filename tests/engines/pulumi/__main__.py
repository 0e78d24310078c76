"""The test tenancy as a Pulumi program: the resources of ../terraform/main.tf, declared with the bridged Kingsoft
Cloud provider's type tokens and input names (as a program using a generated `pulumi_ksyun` SDK would send them).

Run by the engine tests and scripts/generate-engine-fixtures.sh with the test plugin pulumi-resource-ksyun on
PATH; the stack setting `gov-cloud:tenancy` names the tenancy description (../tenancy.json or a variant).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi

PROVIDER_VERSION = "0.1.0"
"""The test plugin's version (scripts/build-test-providers.sh); a generated SDK pins its own version the same way."""


def resource(token: str, name: str, props: dict[str, Any], **options: Any) -> pulumi.CustomResource:
    """A resource of package ksyun; `props` are its inputs, under their Pulumi (camelCase) names."""
    return pulumi.CustomResource(
        f"ksyun:index/{token}", name, props, pulumi.ResourceOptions(version=PROVIDER_VERSION, **options)
    )


tenancy = json.loads(Path(pulumi.Config().require("tenancy")).read_text(encoding="utf-8"))
zone = tenancy["availability_zone"]

vpc = resource("vpc:Vpc", "main", {"vpcName": "tenancy", "cidrBlock": "10.0.0.0/16"})
subnet = resource(
    "subnet:Subnet",
    "main",
    {
        "subnetName": "tenancy",
        "cidrBlock": "10.0.0.0/20",
        "subnetType": "Normal",
        "vpcId": vpc.id,
        "availabilityZone": zone,
    },
)

for group, spec in tenancy["instance_groups"].items():
    for index in range(1, spec["count"] + 1):
        name = f"{group}-{index}"
        resource(
            "instance:Instance",
            name,
            {
                "instanceName": name,
                "instanceType": spec.get("instance_type"),
                "modelId": spec.get("model_id"),
                "imageId": tenancy["image_id"],
                "subnetId": subnet.id,
                "chargeType": "Monthly",
            },
        )

for group, spec in tenancy["volume_groups"].items():
    for index in range(1, spec["count"] + 1):
        name = f"{group}-{index}"
        resource(
            "volume:Volume",
            name,
            {
                "volumeName": name,
                "volumeType": spec["volume_type"],
                "size": spec["size"],
                "availabilityZone": zone,
                "chargeType": "Daily",
            },
        )

share = tenancy["bandwidth_share"]
bws = resource(
    "bws:Bws",
    share["name"],
    {
        "bandWidthShareName": share["name"],
        "bandWidth": share["band_width"],
        "lineId": tenancy["line_id"],
        "chargeType": "PostPaidByPeak",
    },
)
for name, spec in tenancy["eips"].items():
    eip = resource(
        "eip:Eip",
        name,
        {"bandWidth": spec["band_width"], "chargeType": "Daily", "lineId": tenancy["line_id"], "tags": {"name": name}},
    )
    if spec["shared"]:
        resource("bwsAssociate:BwsAssociate", name, {"bandWidthShareId": bws.id, "allocationId": eip.id})

for name in tenancy["load_balancers"]:
    resource("lb:Lb", name, {"loadBalancerName": name, "vpcId": vpc.id, "type": "public"})

for name in tenancy["buckets"]:
    resource("ks3Bucket:Ks3Bucket", name, {"bucket": name})
