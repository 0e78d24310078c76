"""A planned scale-down is caught before anything is applied: at `pulumi preview` by the guard policy pack
(policies/guard/), and at `terraform plan` by `reconciler check --plan-gate`, on the real CLIs and the test
tenancy (tests/engines/README.md). A plan that keeps the contract passes, and so does one that only adds
instances of a type known after apply (bounds: they can only add). Marker `engine`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import run_cli
from tests.conftest import ROOT
from tests.engine_workspaces import BASE, GROWN, SCALED_DOWN, Pulumi, Terraform

pytestmark = pytest.mark.engine

TABLES = ROOT / "tests" / "engines" / "tenancy-tables.json"
NOW = "2026-11-25T09:00:00+08:00"


@pytest.fixture(scope="module")
def pulumi(tmp_path_factory: pytest.TempPathFactory) -> Pulumi:
    workspace = Pulumi.create(tmp_path_factory.mktemp("guard") / "pulumi")
    workspace.up(BASE)
    return workspace


@pytest.fixture(scope="module")
def guard(pulumi: Pulumi) -> tuple[Path, Path]:
    """The pack (copied beside the stack) and its settings: the contract, the tables, the stack before the change."""
    pack = pulumi.directory.parent / "guard"
    shutil.copytree(ROOT / "policies" / "guard", pack, ignore=shutil.ignore_patterns("__pycache__"))
    before = pulumi.directory.parent / "before.json"
    before.write_text(json.dumps(pulumi.export()), encoding="utf-8")
    settings = {
        "contract": str(ROOT / "contract_inventory.json"),
        "tables": str(TABLES),
        "before": str(before),
        "now": NOW,
    }
    config = pulumi.directory.parent / "guard.json"
    config.write_text(json.dumps({"contract-capacity-after-change": settings}), encoding="utf-8")
    return pack, config


def guarded_preview(pulumi: Pulumi, guard: tuple[Path, Path], tenancy: str) -> Any:
    pulumi.use(tenancy)
    pack, config = guard
    return pulumi.cli("preview", "--policy-pack", str(pack), "--policy-pack-config", str(config), check=False)


def test_the_guard_lets_a_plan_that_keeps_the_contract_through(pulumi: Pulumi, guard: tuple[Path, Path]) -> None:
    run = guarded_preview(pulumi, guard, BASE)

    assert run.code == 0, run.output
    assert "contract-capacity-after-change" not in run.stdout


def test_the_guard_blocks_a_scale_down_at_preview_naming_the_resources(
    pulumi: Pulumi, guard: tuple[Path, Path]
) -> None:
    run = guarded_preview(pulumi, guard, SCALED_DOWN)

    assert run.code == 1, run.output
    assert "[mandatory]  contract-capacity-after-change" in run.stdout
    assert "compute.vcpu would be short once this change is applied: due 1232 vCPU, supplied 1104" in run.stdout
    assert "this stack holds less of it: app-13 (removed), app-14 (removed)" in run.stdout
    assert "db-1 (128 -> 64)" in run.stdout
    assert "storage.standard would be short" in run.stdout
    # nothing was applied: the stack still holds what the scale-down would remove
    names = {r["urn"].rsplit("::", 1)[-1] for r in pulumi.export()["deployment"]["resources"]}
    assert {"app-13", "app-14", "logs-1"} <= names


def test_a_blocked_preview_ends_with_the_violations_not_a_traceback(pulumi: Pulumi, guard: tuple[Path, Path]) -> None:
    """The engine ends the program, still waiting for it when the guard fails the preview, with SIGINT; the
    language host (tools/pulumi-language-python) ends it quietly instead of a KeyboardInterrupt traceback, which
    came in more than half of these previews before."""
    pulumi.use(SCALED_DOWN)
    pack, config = guard
    for _ in range(5):
        run = pulumi.cli(
            "preview", "--diff", "--policy-pack", str(pack), "--policy-pack-config", str(config), check=False
        )
        assert run.code == 1, run.output
        assert "compute.vcpu would be short once this change is applied" in run.stdout
        assert "Traceback" not in run.output, run.output[-2000:]
        assert "KeyboardInterrupt" not in run.output
        assert run.output.rstrip().endswith("error: preview failed"), run.output[-500:]


def test_the_guard_passes_instances_whose_type_is_chosen_at_apply(pulumi: Pulumi, guard: tuple[Path, Path]) -> None:
    """Their vCPU and memory are unknown until apply, but can only add: no line item can fall short."""
    run = guarded_preview(pulumi, guard, GROWN)

    assert run.code == 0, run.output
    assert "[mandatory]" not in run.stdout
    assert "contract-capacity-unknown-after-change" not in run.stdout.split("Policies:")[-1].split("Resources:")[0]


def test_the_terraform_gate_blocks_a_scale_down_at_plan(tmp_path_factory: pytest.TempPathFactory) -> None:
    terraform = Terraform.create(tmp_path_factory.mktemp("gate") / "terraform")
    terraform.apply(BASE)
    plans = terraform.directory / "plans"
    plans.mkdir()

    def gate(tenancy: str) -> Any:
        path = plans / f"{tenancy}.plan.json"
        path.write_text(json.dumps(terraform.plan(tenancy)[1]), encoding="utf-8")
        return run_cli(
            "check", "--source", "terraform", "--from-file", path, "--source-option", f"terraform.tables={TABLES}",
            "--now", NOW, "--no-history", "--plan-gate",
        )  # fmt: skip

    kept, down, grown = gate(BASE), gate(SCALED_DOWN), gate(GROWN)

    assert kept.exit_code == 0, kept.stderr
    assert down.exit_code == 1
    assert "Plan gate: the plan would leave compute.vcpu, compute.memory, storage.standard short (exit 1)" in (
        down.stderr
    )
    assert grown.exit_code == 0, grown.stderr  # instances of a type chosen at apply can only add
    state = {r["address"] for r in terraform.state()["values"]["root_module"]["resources"]}
    assert 'ksyun_instance.this["app-13"]' in state  # nothing was applied
