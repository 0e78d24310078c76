"""Two live-provider sources in one check, from their native exports: the Kingsoft export and a kubectl export
of a cluster whose node-a runs on Kingsoft instance i-1.

By hand: ksyun alone counts 44 vCPU and 96 GB (tests/test_source_ksyun.py); the cluster alone 28 vCPU and
116 GB (tests/test_source_kubernetes_export.py), node-a being 4 vCPU / 16 GB of it. node-a's providerID names
i-1 (ksyun: 8 vCPU, 16 GB), so the two sources see one host twice and it counts once, as the first source
given saw it: ksyun first -> 44 + 28 - 4 = 68 vCPU and 96 + 116 - 16 = 196 GB; kubernetes first -> i-1 is the
node's 4 vCPU: 28 + 44 - 8 = 64 vCPU, memory 196 GB either way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import run_cli

DATA = Path(__file__).parent / "data"
NOW = "2026-11-25T09:00:00+08:00"
KSYUN = ("--from-file", f"ksyun={DATA / 'ksyun' / 'export.json'}",
         "--source-option", f"ksyun.tables={DATA / 'ksyun' / 'tables.json'}")  # fmt: skip
KUBE_TABLES = ("--source-option", f"kubernetes.tables={DATA / 'kubernetes' / 'tables.json'}")


@pytest.fixture
def cluster(tmp_path: Path) -> Path:
    document: dict[str, Any] = json.loads((DATA / "kubernetes" / "cluster.json").read_text(encoding="utf-8"))
    for item in document["items"]:
        if item["kind"] == "Node" and item["metadata"]["name"] == "node-a":
            item["spec"]["providerID"] = "ksyun://cn-beijing-6/i-1"
    path = tmp_path / "cluster.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def supplied(*order: str, cluster: Path) -> tuple[dict[str, str | None], list[str], list[str]]:
    sources = [arg for name in order for arg in ("--source", name)]
    result = run_cli(
        "check", *sources, *KSYUN, "--from-file", f"kubernetes={cluster}", *KUBE_TABLES,
        "--now", NOW, "--format", "json", "--no-history",
    )  # fmt: skip
    assert result.exit_code in (1, 3), result.stderr
    report = result.json()
    figures = {f["line_item"]: f["supplied"] for f in report["findings"]}
    return figures, [s["name"].split(":")[0] for s in report["sources"]], report["warnings"]


def test_a_host_seen_by_both_sources_counts_once_as_the_first_source_saw_it(cluster: Path) -> None:
    figures, names, warnings = supplied("ksyun", "kubernetes", cluster=cluster)
    assert (figures["compute.vcpu"], figures["compute.memory"]) == ("68", "196")
    assert names == ["ksyun", "kubernetes"]
    assert any("counted once, as the first source given saw them (e.g. i-1)" in w["text"] for w in warnings)

    figures, names, _ = supplied("kubernetes", "ksyun", cluster=cluster)
    assert (figures["compute.vcpu"], figures["compute.memory"]) == ("64", "196")
    assert names == ["kubernetes", "ksyun"]
