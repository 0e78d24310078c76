"""The portable guard (policies/guard/) called as the analyzer calls it, on the test tenancy's real export and
previews (tests/engines/README.md): the planned stack is the export with a preview's steps applied, its props the
values the resources will have. test_guard_engine.py runs the pack under the real engine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import PolicyResource, StackValidationArgs

from reconciler.sources.pulumi.plan import apply_preview
from tests.conftest import ROOT, dumps, snapshot_document, vm

sys.path.insert(0, str(ROOT / "policies" / "guard"))
import guard_policies

PULUMI = ROOT / "tests" / "data" / "pulumi"
EXPORT = PULUMI / "tenancy-export.json"
TABLES = ROOT / "tests" / "engines" / "tenancy-tables.json"
NOW = "2026-11-25T09:00:00+08:00"
NO_OPTIONS: tuple[Any, ...] = (None, None, None, [], {})


def name(resource: Mapping[str, Any]) -> str:
    return str(resource["urn"]).rsplit("::", 1)[-1]


def as_engine_sends(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The planned values as the engine hands them to a policy: numbers as doubles (protobuf), 4000 as 4000.0."""
    values = {**resource.get("inputs", {}), **resource.get("outputs", {})}
    return {k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in values.items()}


def planned_stack(preview: str | None) -> list[PolicyResource]:
    """The stack a stack policy sees during `pulumi preview` of the given preview fixture."""
    resources = json.loads(EXPORT.read_text(encoding="utf-8"))["deployment"]["resources"]
    if preview is not None:
        steps = json.loads((PULUMI / f"tenancy-preview-{preview}.json").read_text(encoding="utf-8"))
        resources, _ = apply_preview(resources, steps, preview)
    return [
        PolicyResource(r["type"], as_engine_sends(r), r["urn"], name(r), *NO_OPTIONS)
        for r in resources
        if r.get("planned") != "delete"
    ]


def settings(**extra: Any) -> dict[str, Any]:
    return {"contract": str(ROOT / "contract_inventory.json"), "tables": str(TABLES), "now": NOW, **extra}


def violations(policy: str, stack: list[PolicyResource], config: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    report: Callable[[str, str | None], None] = lambda message, urn=None: found.append(message)  # noqa: E731
    (rule,) = [p for p in guard_policies.POLICIES if p.name == policy]
    rule.validate(StackValidationArgs(stack, config), report)
    return found


SHORTFALL, UNKNOWN = guard_policies.SHORTFALL, guard_policies.UNKNOWN


def test_an_unchanged_stack_passes() -> None:
    stack = planned_stack(None)
    assert violations(SHORTFALL, stack, settings(before=str(EXPORT))) == []
    assert violations(UNKNOWN, stack, {}) == []


def test_a_scale_down_is_blocked_naming_the_resources_that_cause_it() -> None:
    found = violations(SHORTFALL, planned_stack("scaled-down"), settings(before=str(EXPORT)))

    assert [message.split(" ", 1)[0] for message in found] == ["compute.vcpu", "compute.memory", "storage.standard"]
    vcpu, memory, standard = found
    assert vcpu.startswith("compute.vcpu would be short once this change is applied: due 1232 vCPU, supplied 1104 (")
    assert vcpu.endswith("this stack holds less of it: app-13 (removed), app-14 (removed)")
    assert "app-13 (removed), app-14 (removed), db-1 (128 -> 64)" in memory
    assert standard.endswith("this stack holds less of it: logs-1 (removed)")


def test_without_the_export_before_the_change_the_shortfall_is_still_blocked() -> None:
    found = violations(SHORTFALL, planned_stack("scaled-down"), settings())
    assert len(found) == 3
    assert "holds less" not in found[0]


def test_instances_of_a_type_chosen_at_apply_can_only_add() -> None:
    stack = planned_stack("grown-from-model")

    assert violations(SHORTFALL, stack, settings(before=str(EXPORT))) == []
    assert violations(UNKNOWN, stack, {}) == []  # the settings of the mandatory policy, shared


def test_a_value_that_may_leave_a_line_item_short_is_advised_not_blocked(tmp_path: Path) -> None:
    """A new stack: which new EIP joins the new bandwidth share is unknown until apply, so bandwidth may fall
    short of the 200 Mbps due (150 for certain)."""
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"version": 3, "deployment": {"resources": []}}), encoding="utf-8")
    steps = json.loads((PULUMI / "tenancy-preview-create.json").read_text(encoding="utf-8"))
    resources, _ = apply_preview([], steps, "preview")
    stack = [PolicyResource(r["type"], as_engine_sends(r), r["urn"], name(r), *NO_OPTIONS) for r in resources]

    assert violations(SHORTFALL, stack, settings(before=str(empty))) == []
    (advised,) = violations(UNKNOWN, stack, {})

    assert advised.startswith(
        "network.bandwidth may be short once this change is applied: due 200 Mbps, supplied [150, ∞)"
    )
    assert "allocationId: 2 (egress-1, egress-2)" in advised


def test_supply_outside_the_stack_counts_once(tmp_path: Path) -> None:
    """The last full observation holds this stack's instances too (same ids) and another team's VM: the stack's
    own are set aside, the other team's 128 vCPU and 768 GB make up what the scale-down removes."""
    export = json.loads(EXPORT.read_text(encoding="utf-8"))["deployment"]["resources"]
    ours = [vm(r["id"], 64, 128) for r in export if r["type"] == "ksyun:index/instance:Instance"]
    observation = tmp_path / "last-night.json"
    observation.write_text(
        dumps(snapshot_document([*ours, vm("other-team-1", 128, 768)], coverage=["vm"])), encoding="utf-8"
    )

    found = violations(SHORTFALL, planned_stack("scaled-down"), settings(before=str(EXPORT), outside=str(observation)))

    assert [message.split(" ", 1)[0] for message in found] == ["storage.standard"]


def test_bad_settings_block_with_the_reason() -> None:
    (found,) = violations(SHORTFALL, planned_stack(None), {"tables": str(TABLES)})
    assert found == "the guard cannot judge this change: policy config contract-capacity-after-change: contract: " \
        "expected a file path"  # fmt: skip
    (missing,) = violations(SHORTFALL, planned_stack(None), settings(contract="/nonexistent/contract.json"))
    assert missing.startswith("the guard cannot judge this change: /nonexistent/contract.json")


@pytest.mark.parametrize("policy", guard_policies.POLICIES, ids=lambda p: p.name)
def test_every_policy_is_described_with_its_level(policy: Any) -> None:
    assert policy.description
    assert policy.enforcement_level.value in ("mandatory", "advisory")
