"""The Pulumi program (stacks/) under `pulumi.runtime.set_mocks`: which resources it declares, with what desired
state, and the stack outputs a user reads. The real engine runs it in test_pulumi_engine.py."""

from __future__ import annotations

import fnmatch
import json
import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.conftest import ROOT, dumps, met_resources, snapshot_document
from tests.pulumi_support import EXPANSION_CONTRACT, NOW, SHORT_VCPU, short_resources, write_observation

LINE_ITEM = "pulumi-python:dynamic/reconciler:LineItem"
EXPANSION = "pulumi-python:dynamic/reconciler:Expansion"


class Recorder(pulumi.runtime.Mocks):
    """Records every resource registration; the mocked engine echoes the inputs as outputs."""

    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.resources[args.name] = args
        return args.name, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


Run = Callable[..., tuple[Recorder, dict[str, Any]]]


@pytest.fixture
def run_program(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run stacks/__main__.py with the given `reconciler:*` configuration; returns (registrations, exports)."""

    def run(**config: str) -> tuple[Recorder, dict[str, Any]]:
        monkeypatch.chdir(ROOT / "stacks")
        exports: dict[str, Any] = {}
        monkeypatch.setattr(pulumi, "export", exports.__setitem__)
        recorder = Recorder()
        pulumi.runtime.set_mocks(recorder, project="reconciler", stack="unit", preview=False)
        for key in ("contract", "observed", "source", "now", "attest"):
            pulumi.runtime.set_config(f"reconciler:{key}", config.get(key, ""))
        pulumi.runtime.set_config("reconciler:sourceOptions", config.get("sourceOptions", "{}"))

        @pulumi.runtime.test
        def program() -> None:
            runpy.run_path(str(ROOT / "stacks" / "__main__.py"), run_name="__main__")

        program()
        return recorder, exports

    return run


def test_every_line_item_is_declared_with_its_entitlement_and_tonights_supply(run_program: Run, tmp_path: Path) -> None:
    observed = write_observation(tmp_path / "short.json", short_resources())
    recorder, _ = run_program(observed=str(observed), now=NOW)

    assert sorted(recorder.resources) == [
        "backup.host",
        "compute.memory",
        "compute.vcpu",
        "network.bandwidth",
        "network.load_balancer",
        "network.public_ip",
        "network.remote_access",
        "security.waf",
        "storage.object",
        "storage.performance",
        "storage.standard",
    ]
    vcpu = recorder.resources["compute.vcpu"]
    assert vcpu.typ == LINE_ITEM
    # the contract's figures and the program's one observation, handed on to the provider and the policy pack
    assert {k: vcpu.inputs[k] for k in ("entitled", "due", "supplied", "gap", "status", "unit")} == {
        "entitled": "1232",
        "due": "1232",
        "supplied": SHORT_VCPU,
        "gap": "-16",
        "status": "short",
        "unit": "vCPU",
    }
    assert vcpu.inputs["gap_value_monthly"] == "-224.32"
    assert vcpu.inputs["settings"] == {
        "contract": "contract_inventory.json",
        "observed": str(observed),
        "source": "snapshot",
        "now": NOW,
    }
    assert recorder.resources["storage.object"].inputs["status"] == "met"


def test_stack_outputs_give_each_line_items_figures(run_program: Run, tmp_path: Path) -> None:
    observed = write_observation(tmp_path / "short.json", short_resources())
    _, exports = run_program(observed=str(observed), now=NOW)

    assert exports["compute.vcpu"] == {
        "entitled": "1232",
        "due": "1232",
        "supplied": SHORT_VCPU,
        "gap": "-16",
        "supplied_lower": SHORT_VCPU,
        "supplied_upper": SHORT_VCPU,
        "status": "short",
        "possible": ["short"],
        "supplied_by": "observed",
        "attested_by": [],
    }
    assert exports["compute.memory"]["status"] == "met"
    assert exports["verdict"] == "drift"
    assert exports["checked_at"] == "2026-11-25T09:00:00+08:00"


def test_expansions_are_declared_with_their_deadline(run_program: Run, tmp_path: Path) -> None:
    observed = write_observation(tmp_path / "met.json", met_resources())
    recorder, exports = run_program(contract=str(EXPANSION_CONTRACT), observed=str(observed), now=NOW)

    expansion = recorder.resources["EXP-2026-001"]
    assert expansion.typ == EXPANSION
    assert {k: expansion.inputs[k] for k in ("line_item", "quantity", "required", "supplied", "state")} == {
        "line_item": "compute.vcpu",
        "quantity": "64",
        "required": "1296",
        "supplied": "1232",
        "state": "at_risk",
    }
    output = exports["expansion EXP-2026-001"]
    assert output["due_at"] == expansion.inputs["due_at"]
    assert output["state"] == "at_risk"
    assert exports["compute.vcpu"]["status"] == "pending"
    assert exports["verdict"] == "ok"


def test_defaults_read_the_embedded_snapshot(run_program: Run) -> None:
    recorder, exports = run_program(now=NOW)

    assert recorder.resources["compute.vcpu"].inputs["settings"]["observed"] == "examples/observation.json"
    statuses = {name: value["status"] for name, value in exports.items() if isinstance(value, dict)}
    assert [name for name, status in statuses.items() if status != "met"] == [
        "compute.vcpu",
        "storage.performance",
        "network.public_ip",
    ]


def test_the_attest_setting_counts_attested_supply_and_the_outputs_say_so(run_program: Run, tmp_path: Path) -> None:
    kinds = ["vm", "volume", "bucket", "backup", "bandwidth", "public_ip", "load_balancer", "remote_access_account"]
    resources = [r for r in met_resources() if r["kind"] != "waf"]
    observed = tmp_path / "no-waf.json"  # a snapshot of every kind but WAF
    observed.write_text(dumps(snapshot_document(resources, coverage=kinds)), encoding="utf-8")
    attest = tmp_path / "attestations.json"
    attest.write_text(
        '{"attestations": [{"id": "waf-2026", "line_item": "security.waf", "quantity": 2, "attested_by": "Zhang Wei", '
        '"evidence": "order KS-2026-0815", "attested_at": "2026-08-01T00:00:00+08:00", '
        '"valid_until": "2027-07-17T00:00:00+08:00"}]}',
        encoding="utf-8",
    )
    _, exports = run_program(observed=str(observed), now=NOW, attest=str(attest))
    waf = exports["security.waf"]
    assert (waf["status"], waf["supplied"], waf["supplied_by"]) == ("met", "2", "attested")
    assert waf["attested_by"] == ["waf-2026: 2 by Zhang Wei (order KS-2026-0815), valid until 2027-07-16 24:00"]


def test_stack_setting_files_are_git_ignored_and_the_project_file_is_not() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    assert ignored("Pulumi.nightly.yaml")
    assert ignored("Pulumi.dev.yaml")
    assert not ignored("Pulumi.yaml")
    assert not ignored("PulumiPolicy.yaml")


def test_relative_paths_in_source_options_are_relative_to_the_project_not_to_stacks(run_program: Run) -> None:
    """The engine runs the program in stacks/; `pulumi.tables` as written beside Pulumi.yaml still names the
    project's file: the vCPU of tests/data/pulumi/stack-prod.json needs its instance types (12, hand-computed)."""
    options = json.dumps({"pulumi.tables": "tests/data/pulumi/tables.json", "pulumi.timeout": "30"})
    _, exports = run_program(
        source="pulumi", observed="tests/data/pulumi/stack-prod.json", now=NOW, sourceOptions=options
    )
    assert (exports["compute.vcpu"]["supplied"], exports["compute.memory"]["supplied"]) == ("12", "44")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"pulumi.tables": "tables/missing.json"},
            f'{ROOT / "tables" / "missing.json"} (stack setting reconciler:sourceOptions["pulumi.tables"]): ',
        ),
        (
            {"pulumi.timeout": "soon"},
            'stack setting reconciler:sourceOptions["pulumi.timeout"]: pulumi.timeout: expected a number',
        ),
        (
            {"pulumi.tabels": "tables.json"},
            'stack setting reconciler:sourceOptions["pulumi.tabels"]: pulumi.tabels: the pulumi source has no such',
        ),
    ],
)
def test_a_bad_source_option_names_its_stack_setting(run_program: Run, options: dict[str, str], expected: str) -> None:
    with pytest.raises(pulumi.RunError) as raised:
        run_program(
            source="pulumi", observed="tests/data/pulumi/stack-prod.json", now=NOW, sourceOptions=json.dumps(options)
        )
    assert expected in str(raised.value)
