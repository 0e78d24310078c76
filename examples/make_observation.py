"""Write examples/observation.json: a deterministic nightly export of the agency's Kingsoft Cloud tenancy.

Run by hand (`.venv/bin/python examples/make_observation.py [OUT]`) when the example must change; `make demo` checks it.
"""

# The fleet is drawn so that the check shows a vCPU shortfall, a high-performance storage shortfall and one
# public IP too many, with every other line item exactly met; `EXPECTED` is verified before anything is written.
# Fixed seed, no clock: running it twice gives the same bytes.

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from reconciler.contract.load import load_contract
from reconciler.core.meters import GB_PER_TB, measure
from reconciler.core.observation import to_resource

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "observation.json"
SEED = 20261125
REGION = "cn-beijing-6"
OBSERVED_AT = "2026-11-25T02:00:00+08:00"
SOURCE = "ksyun export cn-beijing-6 (nightly)"

P_CORE = "应急指挥综合业务平台"
P_WARN = "监测预警平台"
P_VIDEO = "视频会商与融合通信"
P_DATA = "数据资源中心"
P_OPS = "运维管理"
P_DEFAULT = "默认项目"

GB_PER_VCPU = {"A": 1, "B": 2, "C": 4, "D": 8}
"""Memory per vCPU by the letter that ends an instance type: S6.8B = 8 vCPU, 16 GB."""
CLOCK_GHZ = {"S6": 2.6, "S7": 2.8, "S3": 2.2, "KP1": 2.6}
ARCH = {"KP1": "aarch64"}
SYSTEM_DISK_GB = 50
WINDOWS_SYSTEM_DISK_GB = 100

EXPECTED = {
    "compute.vcpu": 1216,
    "compute.memory": 2896,
    "storage.standard": 52116,
    "storage.performance": 36000,
    "storage.object": 4648,
    "backup.host": 4648,
    "network.bandwidth": 200,
    "network.public_ip": 4,
    "network.load_balancer": 2,
    "network.remote_access": 8,
    "security.waf": 2,
}
"""What the fleet below must add up to (storage.object in GB), checked before anything is written."""


@dataclass(frozen=True)
class Group:
    """Identical hosts of one role of one system: `count` of them, each with the same data disks."""

    system: str
    role: str
    count: int
    instance_type: str
    project: str
    data_disks: tuple[tuple[str, int], ...] = ()
    """(tier, size in GB) of each data disk: `standard` (EHDD) or `performance` (SSD3.0)."""
    stopped: int = 0
    """How many of the group (the last ones) are stopped."""
    terminated: bool = False
    windows: bool = False


def std(size: int) -> tuple[str, int]:
    return ("standard", size)


def perf(size: int) -> tuple[str, int]:
    return ("performance", size)


FLEET: tuple[Group, ...] = (
    # Emergency command core business: portal, one-map GIS, dispatch, notifications
    Group("portal", "web", 4, "S6.4B", P_CORE, (std(100),)),
    Group("portal", "app", 4, "S6.8B", P_CORE, (std(200),)),
    Group("gis", "app", 6, "S6.8B", P_CORE, (std(200),)),
    Group("gis", "tile", 4, "S6.8C", P_CORE, (std(2000),)),
    Group("gis", "db", 2, "S6.16C", P_CORE, (perf(2000), perf(500))),
    Group("ddzh", "app", 8, "S6.8B", P_CORE, (std(200),)),
    Group("ddzh", "db", 2, "S6.16C", P_CORE, (perf(2000), perf(500))),
    Group("ddzh", "redis", 3, "S6.4C", P_CORE, (perf(100),)),
    Group("ddzh", "mq", 3, "S6.8B", P_CORE, (perf(500),)),
    Group("msg", "app", 4, "S6.4B", P_CORE, (std(100),)),
    Group("msg", "redis", 1, "S6.4C", P_CORE, (perf(100),)),
    # Monitoring and early warning: sensor ingest, time series, analysis
    Group("jcyj", "app", 8, "S6.16B", P_WARN, (std(500),)),
    Group("jcyj", "iot", 6, "S6.8B", P_WARN, (std(500),)),
    Group("jcyj", "db", 2, "S6.16C", P_WARN, (perf(2000), perf(500))),
    Group("jcyj", "tsdb", 3, "S6.16B", P_WARN, (perf(2000),)),
    # Video conferencing and converged communications
    Group("video", "media", 10, "S6.16B", P_VIDEO, (std(1000),)),
    Group("video", "gw", 4, "S6.8B", P_VIDEO, (std(200),)),
    Group("video", "mcu", 2, "S7.16B", P_VIDEO, (std(500),), windows=True),
    # Data resource centre: compute, search, streaming, ETL
    Group("data", "compute", 12, "S7.16B", P_DATA, (std(500),)),
    Group("data", "es", 5, "S6.16C", P_DATA, (perf(2000),)),
    Group("data", "kafka", 3, "S6.8B", P_DATA, (perf(1000),)),
    Group("data", "etl", 4, "S6.8B", P_DATA, (std(500),)),
    Group("data", "tmp", 2, "S6.16B", P_DATA, terminated=True),
    # Domestic-platform (xinchuang) adaptation host: ARM, does not count toward the x86 line items
    Group("xc", "app", 1, "KP1.16B", P_DATA, (std(500),)),
    # Operations
    Group("ops", "bastion", 2, "S6.4B", P_OPS, (std(100),)),
    Group("ops", "monitor", 2, "S6.8B", P_OPS, (std(500),)),
    Group("ops", "log", 2, "S6.8B", P_OPS, (std(1500),)),
    Group("ops", "ftp", 1, "S3.8B", P_OPS, (std(1166),)),
    # Test and staging hosts, mostly switched off between releases
    Group("test", "app", 6, "S6.8B", P_DEFAULT, (std(200),), stopped=4),
    Group("test", "db", 1, "S6.8B", P_DEFAULT, (perf(100),), stopped=1),
)

BUCKETS: tuple[tuple[str, str, int], ...] = (
    ("yjzh-gis-tiles", P_CORE, 1862),
    ("yjzh-video-archive", P_VIDEO, 1290),
    ("yjzh-data-lake-raw", P_DATA, 806),
    ("yjzh-jcyj-sensor-export", P_WARN, 318),
    ("yjzh-portal-static", P_CORE, 141),
    ("yjzh-ddzh-attachments", P_CORE, 117),
    ("yjzh-ops-logs-cold", P_OPS, 96),
    ("yjzh-msg-templates", P_CORE, 18),
)

SNAPSHOTS: tuple[tuple[str, str, int], ...] = (
    ("yjzh-gis-db-01-data1", P_CORE, 612),
    ("yjzh-gis-db-02-data1", P_CORE, 598),
    ("yjzh-ddzh-db-01-data1", P_CORE, 734),
    ("yjzh-ddzh-db-02-data1", P_CORE, 729),
    ("yjzh-jcyj-db-01-data1", P_WARN, 845),
    ("yjzh-jcyj-db-02-data1", P_WARN, 838),
    ("yjzh-portal-app-01-sys", P_CORE, 22),
    ("yjzh-gis-app-01-sys", P_CORE, 24),
    ("yjzh-ddzh-app-01-sys", P_CORE, 23),
    ("yjzh-ops-bastion-01-sys", P_OPS, 19),
    ("yjzh-ops-log-01-data1", P_OPS, 204),
)

BANDWIDTH: tuple[tuple[str, str, int], ...] = (
    ("yjzh-bgp-shared", P_CORE, 150),
    ("yjzh-video-bgp", P_VIDEO, 50),
)
PUBLIC_IPS: tuple[tuple[str, str], ...] = (
    ("yjzh-portal-eip", P_CORE),
    ("yjzh-gis-eip", P_CORE),
    ("yjzh-video-eip", P_VIDEO),
    ("yjzh-vpn-eip", P_OPS),
)
LOAD_BALANCERS: tuple[tuple[str, str], ...] = (("yjzh-portal-slb", P_CORE), ("yjzh-gis-slb", P_CORE))
VPN_ACCOUNTS: tuple[str, ...] = tuple(
    f"yjzh-vpn-{who}" for who in ("ops01", "ops02", "ops03", "dba01", "dev01", "dev02", "sec01", "vendor01")
)
WAFS: tuple[tuple[str, str], ...] = (("yjzh-portal-waf", P_CORE), ("yjzh-gis-waf", P_CORE))

_TYPE = re.compile(r"^(?P<family>[A-Z]+\d+)\.(?P<vcpu>\d+)(?P<ratio>[A-D])$")


class Ids:
    """Provider-style ids (`i-` + hex): random from the seed, never repeated."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._seen: set[str] = set()
        self._octets: set[int] = set()

    def new(self, prefix: str, digits: int = 12) -> str:
        while True:
            candidate = f"{prefix}-{self._rng.getrandbits(4 * digits):0{digits}x}"
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate

    def octet(self) -> int:
        """A host number for an address in 203.0.113.0/24 (documentation range), never repeated."""
        while True:
            candidate = self._rng.randrange(2, 254)
            if candidate not in self._octets:
                self._octets.add(candidate)
                return candidate


def shape(instance_type: str) -> tuple[int, int, float, str]:
    """vCPU, memory in GB, clock in GHz and architecture of an instance type."""
    match = _TYPE.match(instance_type)
    if match is None:
        raise ValueError(f"unknown instance type {instance_type!r}")
    vcpu = int(match["vcpu"])
    family = match["family"]
    return vcpu, vcpu * GB_PER_VCPU[match["ratio"]], CLOCK_GHZ[family], ARCH.get(family, "x86_64")


def common(rid: str, kind: str, name: str, project: str) -> dict[str, Any]:
    return {"id": rid, "kind": kind, "name": name, "region": REGION, "project": project}


def build(seed: int = SEED) -> list[dict[str, Any]]:
    """Every resource of the tenancy, in export order: hosts, disks, then the other services."""
    ids = Ids(seed)
    vms: list[dict[str, Any]] = []
    volumes: list[dict[str, Any]] = []
    for group in FLEET:
        vcpu, memory_gb, ghz, arch = shape(group.instance_type)
        for number in range(1, group.count + 1):
            name = f"yjzh-{group.system}-{group.role}-{number:02d}"
            if group.terminated:
                state = "terminated"
            elif number > group.count - group.stopped:
                state = "stopped"
            else:
                state = "running"
            vms.append(
                common(ids.new("i"), "vm", name, group.project)
                | {
                    "instance_type": group.instance_type,
                    "vcpu": vcpu,
                    "memory_gb": memory_gb,
                    "cpu_ghz": ghz,
                    "arch": arch,
                    "state": state,
                }
            )
            if group.terminated:
                continue  # the disks of a terminated host were released with it
            system_gb = WINDOWS_SYSTEM_DISK_GB if group.windows else SYSTEM_DISK_GB
            volumes.append(common(ids.new("d"), "volume", f"{name}-sys", group.project) | std_or_perf(std(system_gb)))
            for index, disk in enumerate(group.data_disks, start=1):
                volumes.append(common(ids.new("d"), "volume", f"{name}-data{index}", group.project) | std_or_perf(disk))
    others: list[dict[str, Any]] = []
    others += [common(name, "bucket", name, project) | {"size_gb": size} for name, project, size in BUCKETS]
    others += [
        common(ids.new("snap"), "backup", f"{volume}-20261124", project) | {"size_gb": size}
        for volume, project, size in SNAPSHOTS
    ]
    others += [common(ids.new("bwp"), "bandwidth", name, project) | {"mbps": mbps} for name, project, mbps in BANDWIDTH]
    others += [
        common(ids.new("eip"), "public_ip", name, project) | {"address": f"203.0.113.{ids.octet()}"}
        for name, project in PUBLIC_IPS
    ]
    others += [common(ids.new("slb"), "load_balancer", name, project) for name, project in LOAD_BALANCERS]
    others += [common(ids.new("vpnu"), "remote_access_account", name, P_OPS) for name in VPN_ACCOUNTS]
    others += [common(ids.new("waf"), "waf", name, project) for name, project in WAFS]
    return vms + volumes + others


def std_or_perf(disk: tuple[str, int]) -> dict[str, Any]:
    tier, size = disk
    return {"tier": tier, "size_gb": size}


def totals(resources: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The line items' supplied quantities as the reconciler's own meters count them (object storage in GB)."""
    contract = load_contract(ROOT / "contract_inventory.json")
    measured = measure(contract, (to_resource(raw) for raw in json.loads(json.dumps(resources), parse_float=Decimal)))
    supplied = {item.value: tally.supplied for item, tally in measured.tallies.items()}
    supplied["storage.object"] *= GB_PER_TB
    return supplied


def document(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "contract-reconciler/observation",
        "version": 1,
        "observed_at": OBSERVED_AT,
        "source": SOURCE,
        "resources": resources,
    }


def iter_mismatches(resources: list[dict[str, Any]]) -> Iterator[str]:
    got = totals(resources)
    for item, want in EXPECTED.items():
        if got[item] != want:
            yield f"{item}: {got[item]}, expected {want}"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    resources = build()
    mismatches = list(iter_mismatches(resources))
    if mismatches:
        sys.stderr.write("the fleet does not add up:\n" + "".join(f"  {m}\n" for m in mismatches))
        return 1
    out.write_text(json.dumps(document(resources), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {out} ({len(resources)} resources)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
