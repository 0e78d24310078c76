"""The embedded example, end to end: what `make demo` shows, and that its generator reproduces it.

Expected figures are the ones the example was designed to show (see examples/make_observation.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, CliResult

EXAMPLE = ROOT / "examples" / "observation.json"
NOW = "2026-11-25T09:00:00+08:00"


def test_the_example_shows_two_shortfalls_and_one_surplus(cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--observed", EXAMPLE, "--now", NOW, "--format", "json")
    assert result.exit_code == 1
    document = result.json()
    figures = {
        f["line_item"]: (f["status"], f["supplied"], f["gap"], f["gap_value_monthly"]) for f in document["findings"]
    }
    assert figures["compute.vcpu"] == ("short", "1216", "-16", "-224.32")
    assert figures["storage.performance"] == ("short", "36000", "-582", "-372.48")
    assert figures["network.public_ip"] == ("over", "4", "1", "76.05")
    assert figures["storage.object"] == ("met", "4.648", "0.000", "0.00")
    met = [item for item, (status, *_rest) in figures.items() if status == "met"]
    assert len(met) == 8
    assert document["summary"]["resources_observed"] == 390
    vcpu = document["findings"][0]["evidence"]
    assert [(g["rule"], g["subject"], g["quantity"]) for g in vcpu["nonconforming"]] == [
        ("arch", "aarch64", "16"),
        ("min_cpu_ghz", "2.2", "8"),
    ]
    assert [(g["subject"], g["count"], g["quantity"]) for g in vcpu["excluded"]] == [("terminated", 2, "32")]


def test_the_example_markdown_matches_its_golden_file(cli: Callable[..., CliResult], golden: Any) -> None:
    result = cli("check", "--observed", "examples/observation.json", "--now", NOW, "--format", "markdown")
    golden("check-example.en.md", result.stdout)


def test_the_generator_reproduces_the_committed_example(tmp_path: Path) -> None:
    out = tmp_path / "observation.json"
    script = ROOT / "examples" / "make_observation.py"
    done = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == EXAMPLE.read_bytes(), "examples/make_observation.py no longer reproduces the example"


def test_the_demo_contract_is_the_shipped_contract_plus_one_expansion() -> None:
    shipped = json.loads((ROOT / "contract_inventory.json").read_text(encoding="utf-8"))
    demo = json.loads((ROOT / "examples" / "contract-with-expansion.json").read_text(encoding="utf-8"))
    [expansion] = demo.pop("expansions")
    assert shipped.pop("expansions") == []
    assert demo == shipped
    assert expansion["line_item"] == "compute.vcpu"


def test_the_demo_shows_the_expansion_at_risk_with_its_deadline(cli: Callable[..., CliResult]) -> None:
    result = cli(
        "check",
        "--observed",
        EXAMPLE,
        "--contract",
        ROOT / "examples" / "contract-with-expansion.json",
        "--now",
        NOW,
        "--no-history",
        "--format",
        "json",
    )
    [expansion] = result.json()["expansions"]
    assert (expansion["due_at"], expansion["state"]) == ("2026-11-27T00:00:00+08:00", "at_risk")
