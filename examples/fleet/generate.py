"""Generate a fleet of contracts like the shipped one, each with a tenancy of its own, for tests, the benchmark and
trying `reconciler fleet` out: `python examples/fleet/generate.py OUT [--count 200] [--now ISO]`.

Each contract is the shipped contract under another agency's name (so the history tells them apart), some with an
expansion at risk or overdue at --now; each tenancy is a snapshot that meets, falls short of or exceeds a few line
items; every `failing_every`-th contract also observes a Kubernetes cluster that refuses connections (a dead
source: its line items' upper bounds stay open), and one contract file is broken (not JSON). Deterministic.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "contract_inventory.json"
DEFAULT_NOW = "2026-11-25T09:00:00+08:00"
DISTRICTS = ("东城", "西城", "朝阳", "海淀", "丰台", "石景山", "门头沟", "房山", "通州", "顺义", "昌平", "大兴")
DISTRICTS_EN = ("Dongcheng", "Xicheng", "Chaoyang", "Haidian", "Fengtai", "Shijingshan", "Mentougou", "Fangshan",
                "Tongzhou", "Shunyi", "Changping", "Daxing")  # fmt: skip
BUREAUS = ("应急管理局", "卫生健康委员会", "交通委员会", "生态环境局", "教育委员会", "市场监督管理局", "水务局")


def agency(index: int) -> tuple[str, str]:
    district = DISTRICTS[index % len(DISTRICTS)]
    bureau = BUREAUS[(index // len(DISTRICTS)) % len(BUREAUS)]
    english = DISTRICTS_EN[index % len(DISTRICTS)]
    return f"北京市{district}区{bureau}（第{index + 1}号）", f"Beijing {english} District bureau No. {index + 1}"


def contract_data(base: dict[str, Any], index: int, now: datetime) -> dict[str, Any]:
    data = json.loads(json.dumps(base))
    name_zh, name_en = agency(index)
    data["title_zh"] = f"{name_zh}2026-2027年度信息系统政务云租用项目服务合同"
    data["title_en"] = f"{name_en} 2026-2027 government cloud rental service contract"
    data["parties"][0] = {**data["parties"][0], "name_zh": name_zh, "name_en": name_en}
    if index % 7 == 3:  # requested 6 days ago: due tomorrow at 24:00, under 48 hours left
        data["expansions"] = [_expansion(index, now - timedelta(days=6, hours=-1))]
    elif index % 11 == 5:  # requested 10 days ago: overdue
        data["expansions"] = [_expansion(index, now - timedelta(days=10))]
    return data


def _expansion(index: int, at: datetime) -> dict[str, Any]:
    return {
        "id": f"EXP-{index + 1:03d}",
        "line_item": "compute.vcpu",
        "quantity": "64",
        "requested_at": at.isoformat(),
        "reference": f"工单 GD-{index + 1:04d}",
    }


def tenancy(index: int, observed_at: datetime) -> dict[str, Any]:
    """A snapshot meeting the baseline, with a few line items short or over, chosen by the index."""
    rng = random.Random(index)
    vcpu_short = rng.choice((0, 0, 0, 8, 16, 64))
    ips = rng.choice((3, 3, 3, 4))
    performance_short = rng.choice((0, 0, 0, 582))
    resources: list[dict[str, Any]] = []
    vcpu, memory = 1232 - vcpu_short, 2896
    hosts = 8
    for host in range(hosts):
        share = vcpu // hosts + (1 if host < vcpu % hosts else 0)
        mem = memory // hosts + (1 if host < memory % hosts else 0)
        resources.append({"id": f"vm-{index}-{host}", "kind": "vm", "vcpu": share, "memory_gb": mem,
                          "cpu_ghz": 2.6, "arch": "x86_64", "state": "running"})  # fmt: skip
    resources += [
        {"id": f"vol-s-{index}", "kind": "volume", "tier": "standard", "size_gb": 52116},
        {"id": f"vol-p-{index}", "kind": "volume", "tier": "performance", "size_gb": 36582 - performance_short},
        {"id": f"bkt-{index}", "kind": "bucket", "size_gb": 4648},
        {"id": f"bk-{index}", "kind": "backup", "size_gb": 4648},
        {"id": f"bw-{index}", "kind": "bandwidth", "mbps": 200},
        *({"id": f"eip-{index}-{n}", "kind": "public_ip"} for n in range(ips)),
        *({"id": f"slb-{index}-{n}", "kind": "load_balancer"} for n in range(2)),
        *({"id": f"vpn-{index}-{n}", "kind": "remote_access_account"} for n in range(8)),
        *({"id": f"waf-{index}-{n}", "kind": "waf"} for n in range(2)),
    ]
    return {
        "format": "contract-reconciler/observation",
        "version": 1,
        "observed_at": observed_at.isoformat(),
        "source": f"generated tenancy {index}",
        "resources": resources,
    }


DEAD_CLUSTER = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [{"name": "dead", "cluster": {"server": "http://127.0.0.1:9"}}],
    "contexts": [{"name": "dead", "context": {"cluster": "dead", "user": "nobody"}}],
    "current-context": "dead",
    "users": [{"name": "nobody", "user": {"token": "not-a-real-token"}}],
}
"""A cluster at 127.0.0.1:9 (discard: nothing listens), so its source fails at once."""


def generate_fleet(
    out: Path,
    count: int = 200,
    now: str = DEFAULT_NOW,
    failing_every: int = 10,
    broken: int | None = 17,
    targets: dict[str, Any] | None = None,
    report_url: str | None = "https://reconciler.example.gov.cn/fleet/",
) -> Path:
    """Write the fleet under `out` (contracts/NAME/{contract,observation}.json, fleet.json); the fleet file."""
    moment = datetime.fromisoformat(now)
    base = json.loads(CONTRACT.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "dead-cluster.kubeconfig").write_text(json.dumps(DEAD_CLUSTER), encoding="utf-8")
    contracts = []
    for index in range(count):
        name = f"agency-{index + 1:03d}"
        folder = out / "contracts" / name
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(contract_data(base, index, moment), ensure_ascii=False, indent=1)
        if broken is not None and index == broken:
            text = text[: len(text) // 2]  # cut in the middle: not JSON
        (folder / "contract.json").write_text(text, encoding="utf-8")
        observed = moment - timedelta(hours=7)
        (folder / "observation.json").write_text(json.dumps(tenancy(index, observed)), encoding="utf-8")
        entry: dict[str, Any] = {
            "name": name,
            "contract": f"contracts/{name}/contract.json",
            "observed": f"contracts/{name}/observation.json",
            "owner": {"name_zh": agency(index)[0], "email": f"{name}@example.gov.cn"},
        }
        if failing_every and index % failing_every == failing_every - 1:
            entry["sources"] = [
                {
                    "name": "kubernetes",
                    "settings": {
                        "kubeconfig": {"path": "dead-cluster.kubeconfig"},
                        "attempts": "1",
                        "timeout": "2",
                        "deadline": "10",
                    },
                }
            ]
        contracts.append(entry)
    fleet: dict[str, Any] = {
        "schema": "contract-reconciler/fleet",
        "version": 1,
        "report_url": report_url,
        "defaults": {"lang": "zh", "notify": sorted(targets or {})},
        "targets": targets or {},
        "contracts": contracts,
    }
    if report_url is None:
        del fleet["report_url"]
    path = out / "fleet.json"
    path.write_text(json.dumps(fleet, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--now", default=DEFAULT_NOW)
    args = parser.parse_args()
    print(generate_fleet(args.out, args.count, args.now))


if __name__ == "__main__":
    main()
