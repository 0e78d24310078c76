"""The typed decoder (msgspec structs, whole parts of the array at a time) reads a snapshot exactly as the generic
path does (every element decoded with the hostile-input guards, then converted): the same resources in the same
order, the same report (unknown kinds and fields, counts, incomplete and failed kinds), the same bounds and
statuses from a check, and the same refusals, on every snapshot in the repository and on mixed ones."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.errors import InputError
from reconciler.contract.model import Contract
from reconciler.core.meters import measure
from reconciler.core.reconcile import assess
from reconciler.dates.clock import parse_instant
from reconciler.sources import snapshot as snapshot_module
from reconciler.sources.snapshot import SnapshotFile
from tests.conftest import ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"
CORPUS = [
    ROOT / "tests" / "data" / "observation-small.json",
    ROOT / "examples" / "observation.json",
    *sorted(HOSTILE.glob("obs-*.json")),
]
NOW = parse_instant("2026-11-25T09:00:00+08:00")


def _read(path: Path, typed: bool) -> tuple[str, Any]:
    """("ok", (resources, observation)) or ("refused", problems) as the path reads the file."""
    snapshot = SnapshotFile(path, typed=typed)
    try:
        resources = tuple(snapshot.resources())
        observation = snapshot.observation(resources)
    except InputError as exc:
        return "refused", [(p.field, p.reason) for p in exc.problems]
    return "ok", (resources, observation)


def _same_reading(path: Path, contract: Contract) -> None:
    typed, generic = _read(path, True), _read(path, False)
    assert typed[0] == generic[0], path.name
    if typed[0] == "refused":
        assert typed[1] == generic[1]
        return
    (typed_resources, typed_observation), (generic_resources, generic_observation) = typed[1], generic[1]
    assert typed_resources == generic_resources
    assert [type(r) for r in typed_resources] == [type(r) for r in generic_resources]
    assert [
        (getattr(r, "size_gb", None).__class__, getattr(r, "cpu_ghz", None).__class__) for r in typed_resources
    ] == [(getattr(r, "size_gb", None).__class__, getattr(r, "cpu_ghz", None).__class__) for r in generic_resources]
    assert typed_observation == generic_observation
    results = []
    for resources, observation in ((typed_resources, typed_observation), (generic_resources, generic_observation)):
        result = assess(contract, observation, measure(contract, resources), NOW)
        results.append(
            [
                (f.line_item, f.supplied_lower, f.supplied_upper, f.status, f.possible, f.evidence)
                for f in result.findings
            ]
        )
    assert results[0] == results[1]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_repositorys_snapshots_read_the_same_both_ways(path: Path, contract: Contract) -> None:
    _same_reading(path, contract)


def _resource(rng: random.Random, number: int, rare: float) -> dict[str, Any]:
    """A resource of any kind, with unknown attributes and, at the rate `rare`, what the typed decoder leaves to
    the generic path: decimal strings, escapes, unknown fields and kinds."""
    unusual = rng.random() < rare
    kinds = ["vm", "vm", "volume", "volume", "bucket", "backup", "bandwidth", "public_ip", "waf"]
    kind = rng.choice([*kinds, "gpu"] if unusual else kinds)
    rid = f"r-{number}"
    if unusual:
        rid = rng.choice([rid, f"r-\\u00e9-{number}", f"r-\\\\{number}", f"r-\\u001b-{number}"])
    item: dict[str, Any] = {"kind": kind, "id": rid}

    def size() -> Any:
        return rng.choice([100, 0, Decimal("12.5"), None, 10**15, *(["250", "7.25"] if unusual else [])])

    if kind == "vm":
        item |= {
            "vcpu": rng.choice([2, 8, 16, None]),
            "memory_gb": rng.choice([4, Decimal("7.5"), "16" if unusual else 16, None]),
            "cpu_ghz": rng.choice([Decimal("2.6"), Decimal("2.2"), 3, None]),
            "arch": rng.choice(["x86_64", "aarch64", None]),
            "state": rng.choice(["running", "stopped", "terminated", None]),
        }
        if rng.random() < 0.3:
            item["instance_type"] = "S6.4B"
    elif kind == "volume":
        item |= {"tier": rng.choice(["standard", "performance", None]), "size_gb": size()}
    elif kind in ("bucket",):
        item["size_gb"] = size()
    elif kind == "backup":
        item["size_gb"] = rng.choice([10, Decimal("0.5"), "30" if unusual else 30])
    elif kind == "bandwidth":
        item["mbps"] = rng.choice([5, Decimal("1.5"), "100" if unusual else 100])
    elif kind == "public_ip" and rng.random() < 0.5:
        item["address"] = f"203.0.113.{number % 250}"
    for optional in ("name", "region", "project"):
        roll = rng.random()
        if roll < 0.2:
            item[optional] = f"{optional}-{number}"
        elif roll < 0.25 and unusual:  # an optional member written as null
            item[optional] = None
    if unusual and rng.random() < 0.3:
        item["tags"] = {"env": "prod", "nested": [1, {"a": None}]}
    return item


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return '"' + value + '"'  # escapes in the ids are written as they are (\\u00e9, \\\\)
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}": {_text(v)}' for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return json.dumps(value)


@pytest.mark.parametrize("seed", range(6))
def test_mixed_snapshots_read_the_same_both_ways(
    seed: int, tmp_path: Path, contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed_parts = _count_typed_parts(monkeypatch)
    rng = random.Random(seed)
    count = rng.choice([40, 3000, 12000])  # up to past the decoder's part size: several parts, several cuts
    header = {"observed_at": "2026-11-25T02:00:00+08:00", "source": f"mixed {seed}"}
    if seed % 2:
        header["incomplete"] = [{"kinds": ["volume"], "reason": "paging stopped"}]
    if seed % 3 == 0:
        header["coverage"] = ["vm", "volume", "bucket", "backup"]
    rare = 0.0 if seed < 3 else 0.001 * seed
    body = ",\n".join(_text(_resource(rng, n, rare)) for n in range(count))
    path = tmp_path / "mixed.json"
    path.write_text(_text(header)[:-1] + ', "resources": [\n' + body + "\n]}", encoding="utf-8")
    _same_reading(path, contract)
    if rare == 0:  # (with unusual elements every part may hold one: all read by the generic path)
        assert typed_parts, "the typed decoder read no part: the comparison compared the generic path with itself"


def _count_typed_parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the parts the typed decoder read (the comparison must have compared something)."""
    sizes: list[int] = []
    original = snapshot_module.decode_resources

    def counting(text: str) -> Any:
        decoded = original(text)
        sizes.append(len(decoded))
        return decoded

    monkeypatch.setattr(snapshot_module, "decode_resources", counting)
    return sizes


def test_a_generated_snapshot_checks_the_same_both_ways(
    tmp_path: Path, contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed_parts = _count_typed_parts(monkeypatch)
    path = tmp_path / "generated.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "20000", str(path)], check=True)
    _same_reading(path, contract)
    assert sum(typed_parts) > 19_000  # nearly all by the typed decoder (the array's tail may be read exactly)
