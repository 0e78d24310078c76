"""Fixture data shared by the Pulumi tests: observations all met or short, and a contract whose sums disagree."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONTRACT_PATH, ROOT, dumps, met_resources, snapshot_document, vm

NOW = "2026-11-25T09:00:00+08:00"
"""Inside the service period; the expansion of examples/contract-with-expansion.json is then due within 48 h."""
EXPANSION_CONTRACT = ROOT / "examples" / "contract-with-expansion.json"
SHORT_VCPU = "1216"
"""compute.vcpu supplied by `short_resources`: 16 short of the 1232 entitled; everything else met."""


def short_resources() -> list[dict[str, Any]]:
    resources = met_resources()
    resources[1] = vm("vm-b", 600, 1448)
    return resources


def write_observation(path: Path, resources: list[dict[str, Any]]) -> Path:
    path.write_text(dumps(snapshot_document(resources)), encoding="utf-8")
    return path


def write_contract(path: Path, edit: Any = None, source: Path = CONTRACT_PATH) -> Path:
    """A copy of a contract, changed by `edit(data)` when given."""
    data = json.loads(source.read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def misstated_line_total(data: dict[str, Any]) -> None:
    """compute.vcpu's stated line total 1,000 CNY too high: its arithmetic no longer holds."""
    item = data["line_items"][0]
    assert item["id"] == "compute.vcpu"
    item["line_total"] = str(Decimal(item["line_total"]) + 1000)


def engine_bin() -> Path:
    """The directory of the pulumi CLI and its Python language host: installed (or found) by the project's
    script, which `make test` runs first; here it only finds the cached build. No engine is a failure."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "install-pulumi.sh")], capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        pytest.fail(f"scripts/install-pulumi.sh failed (run `make pulumi`):\n{done.stderr}")
    return Path(done.stdout.strip().splitlines()[-1])
