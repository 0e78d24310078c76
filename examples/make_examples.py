"""Write the example native exports: examples/ksyun-export.json (a Kingsoft Cloud account as its APIs answer, page
after page) and examples/kubernetes-cluster.json (`kubectl get nodes,pv,svc -A -o json` of one cluster).

Run by hand (`.venv/bin/python examples/make_examples.py [OUT_DIR]`) when the examples must change; the tests
check that it reproduces the committed files and that `make demo`'s path (tables init, fill, check) is green.
No randomness, no clock: running it twice gives the same bytes.
"""

# The Kingsoft account is drawn so that, with examples/ksyun-tables.json and examples/attestations.yaml, every
# line item of the contract is met exactly. It shows what a real export holds:
# - the three paging styles: Marker + MaxResults with a total (DescribeInstances: 130 instances, pages of 50),
#   Marker without a total ending on an empty page (DescribeVolumes), page numbers with hasNext
#   (DescribeSnapshots), NextToken (DescribeAddresses, DescribeLoadBalancers, VPN listings);
# - five families: S6, C6, M6 (>= 2.4 GHz), N3 (2.2 GHz: its vCPU do not count, its memory does);
# - stopped hosts (they count) and ShutdownNoCharge hosts (they release their vCPU and memory: not counted);
# - shared bandwidth: two EIPs in a 150 Mbps package (counted once, as the package) beside one 50 Mbps EIP;
# - two site-to-site VPN tunnels, which are not the contract's remote-access accounts (bastion ops accounts,
#   attested in examples/attestations.yaml, as are the two WAF instances no API lists).

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "cn-beijing-6"
GIB = 1024**3
PROJECTS = [(1001, "应急指挥综合业务平台"), (1002, "监测预警平台"), (1003, "运维管理")]

FLEET = [
    # (instance type, vCPU, memory GB, how many, state, project)
    ("S6.8B", 8, 16, 57, "active", 1001),
    ("S6.8B", 8, 16, 3, "stopped", 1001),
    ("S6.16B", 16, 32, 20, "active", 1002),
    ("S6.4B", 4, 8, 2, "active", 1003),
    ("M6.4C", 4, 32, 10, "active", 1002),
    ("C6.16A", 16, 32, 24, "active", 1001),
    ("N3.8B", 8, 16, 12, "active", 0),
    ("S6.8B", 8, 16, 2, "ShutdownNoCharge", 1003),
]
"""vCPU counted (x86, >= 2.4 GHz, running or stopped): 60x8 + 20x16 + 2x4 + 10x4 + 24x16 = 1232; memory counted
(x86, any clock): 960 + 640 + 16 + 320 + 768 + N3 192 = 2896 GB; the ShutdownNoCharge hosts count for neither."""
FAMILY_NAMES = {"S6": "标准型S6", "C6": "计算优化型C6", "M6": "内存优化型M6", "N3": "通用型N3"}


def instances() -> list[dict[str, Any]]:
    made = []
    for instance_type, vcpu, memory, count, state, project in FLEET:
        family = instance_type.split(".")[0].lower()
        for _ in range(count):
            number = len(made) + 1
            made.append(
                {
                    "InstanceId": f"i-{family}-{number:03d}",
                    "InstanceName": f"{family}-{number:03d}",
                    "ProjectId": project,
                    "InstanceType": instance_type,
                    "InstanceConfigure": {"VCPU": vcpu, "MemoryGb": memory, "DataDiskGb": 0},
                    "InstanceState": {"Name": state},
                    "ImageId": "img-centos-7-9",
                    "AvailabilityZone": f"{REGION}a",
                }
            )
    return made


def volumes(hosts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A 50 GB SSD3.0 system disk per host (6500 GB), ESSD_PL1 20 x 1000 and one SSD3.0 of 82 GB: performance
    26582 GB (+ 10000 of local SSD = 36582); EHDD 50 x 1000 + SATA3.0 4 x 500 + 116: standard 52116 GB."""
    made = [
        {"VolumeId": f"vol-sys-{n:03d}", "VolumeName": f"{host['InstanceName']}-system", "Size": 50,
         "VolumeType": "SSD3.0", "VolumeCategory": "system", "InstanceId": host["InstanceId"],
         "ProjectId": str(host["ProjectId"])}
        for n, host in enumerate(hosts, start=1)
    ]  # fmt: skip
    data = [("ESSD_PL1", 1000)] * 20 + [("SSD3.0", 82)] + [("EHDD", 1000)] * 50 + [("SATA3.0", 500)] * 4
    data += [("SATA3.0", 116)]
    for n, (volume_type, size) in enumerate(data, start=1):
        made.append(
            {"VolumeId": f"vol-data-{n:03d}", "VolumeName": f"data-{n:03d}", "Size": size, "VolumeType": volume_type,
             "VolumeCategory": "data", "ProjectId": "1001"}
        )  # fmt: skip
    return made


def marker_pages(action: str, key: str, items: list[Any], size: int, total_key: str | None) -> list[dict[str, Any]]:
    """Marker paging: pages of `size` echoing their Marker; with a total, until a short page; without, until an
    empty page."""
    pages = []
    marker = 0
    while True:
        page = items[marker : marker + size]
        body: dict[str, Any] = {"RequestId": f"req-{action}-{len(pages) + 1}", key: page, "Marker": marker}
        if total_key:
            body[total_key] = len(items)
        pages.append(body)
        marker += len(page)
        if not page or (total_key and len(page) < size):
            return pages


def numbered_pages(action: str, key: str, items: list[Any], size: int) -> list[dict[str, Any]]:
    """Page numbers from 1 with `Page.hasNext` (EBS DescribeSnapshots)."""
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    return [
        {"RequestId": f"req-{action}-{n}", key: chunk,
         "Page": {"pageNumber": n, "pageSize": size, "hasNext": n < len(chunks)}}
        for n, chunk in enumerate(chunks, start=1)
    ]  # fmt: skip


def token_pages(action: str, key: str, items: list[Any], size: int, total_key: str | None = None) -> list[Any]:
    """NextToken paging: the token is the 1-based offset of the next page, absent on the last."""
    pages = []
    for start in range(0, max(len(items), 1), size):
        body: dict[str, Any] = {"RequestId": f"req-{action}-{len(pages) + 1}", key: items[start : start + size]}
        if start + size < len(items):
            body["NextToken"] = str(start + size + 1)
        if total_key:
            body[total_key] = len(items)
        pages.append(body)
    return pages


def ksyun_export() -> dict[str, Any]:
    hosts = instances()
    snapshots = [
        {"SnapshotId": f"snap-{n:03d}", "SnapshotName": f"nightly-{n:03d}", "Size": 150,
         "VolumeId": f"vol-data-{n:03d}",
         "SnapshotStatus": "available"}
        for n in range(1, 31)
    ]  # fmt: skip
    local_volumes = [
        {"LocalVolumeId": f"lv-{n:02d}", "LocalVolumeName": f"m6-local-{n:02d}", "LocalVolumeSize": 1000,
         "LocalVolumeType": "Local_SSD", "LocalVolumeCategory": "data", "InstanceId": hosts[82 + n]["InstanceId"]}
        for n in range(1, 11)
    ]  # fmt: skip
    local_snapshots = [
        {"LocalVolumeSnapshotId": f"lsnap-{n}", "LocalVolumeSnapshotName": f"local-nightly-{n}", "DiskSize": 74,
         "SourceLocalVolumeId": f"lv-0{n}"}
        for n in (1, 2)
    ]  # fmt: skip
    addresses = [
        {"AllocationId": "eip-portal", "PublicIp": "203.0.113.10", "BandWidth": 1, "BandWidthShareId": "bws-gov",
         "ProjectId": "1001", "IpVersion": "ipv4", "InstanceType": "Slb"},
        {"AllocationId": "eip-api", "PublicIp": "203.0.113.11", "BandWidth": 1, "BandWidthShareId": "bws-gov",
         "ProjectId": "1001", "IpVersion": "ipv4", "InstanceType": "Slb"},
        {"AllocationId": "eip-ops", "PublicIp": "203.0.113.12", "BandWidth": 50, "BandWidthShareId": "",
         "ProjectId": "1003", "IpVersion": "ipv4", "InstanceType": "Ipfwd"},
    ]  # fmt: skip
    shares = [
        {"BandWidthShareId": "bws-gov", "BandWidthShareName": "政务外网共享带宽", "BandWidth": 150, "ProjectId": "1001",
         "AssociateBandWidthShareInfoSet": [{"AllocationId": "eip-portal"}, {"AllocationId": "eip-api"}]}
    ]  # fmt: skip
    balancers = [
        {"LoadBalancerId": "slb-portal", "LoadBalancerName": "portal", "ProjectId": "1001", "IsWaf": False,
         "State": "associate"},
        {"LoadBalancerId": "slb-api", "LoadBalancerName": "api", "ProjectId": "1001", "IsWaf": False,
         "State": "associate"},
    ]  # fmt: skip
    buckets = [("emergency-archive", 2000), ("warning-media", 1648), ("ops-logs", 1000)]  # 4648 GiB = 4.648 TB
    bucket_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>2000123456</ID>'
        "<DisplayName>gov-emergency</DisplayName></Owner><Buckets>"
        + "".join(
            f"<Bucket><Name>{name}</Name><Region>BEIJING</Region><Type>NORMAL</Type>"
            "<CreationDate>2026-07-10T02:00:00.000Z</CreationDate></Bucket>"
            for name, _ in buckets
        )
        + "</Buckets></ListAllMyBucketsResult>"
    )
    usage = {
        "RequestId": "req-QueryKs3Data-1",
        "Data": {
            "Buckets": [
                {
                    "BucketName": name,
                    "StandardDataSize": str(gib * GIB),
                    "StandardIADataSize": "0",
                    "ArchiveDataSize": "0",
                }
                for name, gib in buckets
            ]
        },
    }
    gateways = [{"VpnGatewayId": "vgw-office", "VpnGatewayName": "应急中心机房互联", "BandWidth": 10, "ProjectId": 1003,
                 "VpcId": "vpc-gov", "GatewayAddress": "203.0.113.20"}]  # fmt: skip
    tunnels = [
        {"VpnTunnelId": f"vtun-{site}", "VpnTunnelName": name, "VpnGatewayId": "vgw-office", "State": "active",
         "Type": "Ipsec", "CustomerGatewayId": f"cgw-{site}"}
        for site, name in (("hq", "指挥中心"), ("backup", "备用指挥所"))
    ]  # fmt: skip
    type_configs = sorted({(t, v, m) for t, v, m, *_ in FLEET}, key=lambda row: row[0])
    return {
        "GetAccountAllProjectList": [
            {"RequestId": "req-projects", "ListProjectResult": {"Total": len(PROJECTS),
             "ProjectList": [{"ProjectId": pid, "ProjectName": name} for pid, name in PROJECTS]}}
        ],
        "DescribeInstances": marker_pages("DescribeInstances", "InstancesSet", hosts, 50, "InstanceCount"),
        "DescribeVolumes": marker_pages("DescribeVolumes", "Volumes", volumes(hosts), 100, None),
        "DescribeLocalVolumes": marker_pages("DescribeLocalVolumes", "LocalVolumeSet", local_volumes, 100,
                                             "LocalVolumeCount"),
        "DescribeSnapshots": numbered_pages("DescribeSnapshots", "Snapshots", snapshots, 10),
        "DescribeLocalVolumeSnapshots": marker_pages("DescribeLocalVolumeSnapshots", "LocalVolumeSnapshotSet",
                                                     local_snapshots, 100, "LocalVolumeSnapshotCount"),
        "DescribeAddresses": token_pages("DescribeAddresses", "AddressesSet", addresses, 2),
        "DescribeBandWidthShares": token_pages("DescribeBandWidthShares", "BandWidthShareSet", shares, 100),
        "DescribeLoadBalancers": token_pages("DescribeLoadBalancers", "LoadBalancerDescriptions", balancers, 100,
                                             "TotalCount"),
        "DescribeVpnGateways": token_pages("DescribeVpnGateways", "VpnGatewaySet", gateways, 100),
        "DescribeVpnTunnels": token_pages("DescribeVpnTunnels", "VpnTunnelSet", tunnels, 100),
        "ListBuckets": [bucket_xml],
        "QueryKs3Data": [usage],
        "DescribeInstanceTypeConfigs": [
            {"RequestId": "req-type-configs", "InstanceTypeConfigSet": [
                {"InstanceType": t, "InstanceFamily": t.split(".")[0],
                 "InstanceFamilyName": FAMILY_NAMES[t.split(".")[0]],
                 "CPU": v, "Memory": m}
                for t, v, m in type_configs
            ]}
        ],
        "DescribeInstanceFamilys": [
            {"RequestId": "req-families", "InstanceFamilySet": [
                {"InstanceFamily": key, "InstanceFamilyName": name} for key, name in sorted(FAMILY_NAMES.items())
            ]}
        ],
    }  # fmt: skip


NODES = [
    # (name, instance type, arch label, cpu, memory in Ki, ready)
    *((f"node-s6-{n}", "S6.8B", "amd64", "8", "16243844Ki", True) for n in range(1, 5)),
    *((f"node-c6-{n}", "C6.16A", "amd64", "16", "32488876Ki", True) for n in range(1, 3)),
    ("node-s6-5", "S6.8B", "amd64", "8", "16243844Ki", False),
]
"""Seven nodes: 5 S6.8B (one NotReady: stopped, still counted), 2 C6.16A; vCPU 5x8 + 2x16 = 72, memory 5x16 +
2x32 = 144 GB (capacity rounded up to the standard sizes)."""


def node(name: str, instance_type: str, arch: str, cpu: str, memory: str, ready: bool) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/arch": arch,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": instance_type,
                "topology.kubernetes.io/region": REGION,
            },
        },
        "spec": {"providerID": f"ksc://{REGION}/{REGION}a/k8s-{name}"},
        "status": {
            "capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "nodeInfo": {"architecture": arch, "kubeletVersion": "v1.30.4"},
        },
    }


def volume(name: str, storage_class: str, size: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name},
        "spec": {
            "capacity": {"storage": size},
            "storageClassName": storage_class,
            "csi": {"driver": "com.ksc.csi.diskplugin", "volumeHandle": f"vol-{name}"},
        },
        "status": {"phase": "Bound"},
    }


def service(namespace: str, name: str, lb_id: str | None) -> dict[str, Any]:
    annotations = {"service.beta.kubernetes.io/ksc-loadbalancer-id": lb_id} if lb_id else {}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
        "spec": {"type": "LoadBalancer" if lb_id else "ClusterIP", "ports": [{"port": 443}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.30"}]} if lb_id else {}},
    }


def kubernetes_export() -> dict[str, Any]:
    items: list[dict[str, Any]] = [node(*spec) for spec in NODES]
    items += [volume(f"pvc-db-{n}", "ksc-essd", "500Gi") for n in range(1, 5)]
    items += [volume(f"pvc-logs-{n}", "ksc-ehdd", "1000Gi") for n in range(1, 3)]
    items += [volume("pvc-cache-1", "local-path", "100Gi")]
    items += [service("portal", "portal-gateway", "slb-k8s-portal"), service("portal", "portal-internal", None)]
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def write(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def outputs(directory: Path) -> Iterator[tuple[Path, Any]]:
    yield directory / "ksyun-export.json", ksyun_export()
    yield directory / "kubernetes-cluster.json", kubernetes_export()


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples"
    for path, document in outputs(directory):
        write(path, document)


if __name__ == "__main__":
    main()
