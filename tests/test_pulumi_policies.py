"""The policy pack's policies (policies/contract_policies.py) called as the analyzer calls them, on real contract
files; test_pulumi_engine.py runs the pack under the real engine."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
)

from reconciler.integrations.pulumi import Settings, expansion_inputs, line_item_inputs, observe
from tests.conftest import ROOT, met_resources
from tests.pulumi_support import (
    EXPANSION_CONTRACT,
    NOW,
    misstated_line_total,
    short_resources,
    write_contract,
    write_observation,
)

sys.path.insert(0, str(ROOT / "policies"))
import contract_policies

LINE_ITEM = contract_policies.LINE_ITEM_TYPE
EXPANSION = contract_policies.EXPANSION_TYPE
NO_OPTIONS: tuple[Any, ...] = (None, None, None, [], {})
"""opts, provider, parent, dependencies, property dependencies: the policies read none of them."""


def policy(name: str) -> Any:
    (found,) = [p for p in contract_policies.POLICIES if p.name == name]
    return found


def stack_resources(settings: Settings) -> list[PolicyResource]:
    """The stack as the program declares it from `settings`: one resource per line item and expansion, with the
    program's observation as inputs (the pack judges those; it does not observe)."""
    result = observe(settings, ROOT)
    resources = [
        PolicyResource(
            LINE_ITEM, line_item_inputs(f, settings), f"urn:{f.line_item.value}", f.line_item.value, *NO_OPTIONS
        )
        for f in result.findings
    ]
    resources += [
        PolicyResource(
            EXPANSION,
            expansion_inputs(e, result.finding(e.line_item).supplied, settings),
            f"urn:{e.id}",
            e.id,
            *NO_OPTIONS,
        )
        for e in result.expansions
    ]
    return resources


def violations(name: str, resources: list[PolicyResource], config: Mapping[str, Any] | None = None) -> list[str]:
    found: list[str] = []
    report: Callable[[str, str | None], None] = lambda message, urn=None: found.append(message)  # noqa: E731
    rule = policy(name)
    if isinstance(rule, StackValidationPolicy):
        rule.validate(StackValidationArgs(resources, config), report)
    else:
        for r in resources:
            rule.validate(ResourceValidationArgs(r.resource_type, r.props, r.urn, r.name, None, None, config), report)
    return found


@pytest.fixture
def met(tmp_path: Path) -> Path:
    return write_observation(tmp_path / "met.json", met_resources())


def test_every_policy_is_named_described_and_leveled() -> None:
    levels = {p.name: p.enforcement_level for p in contract_policies.POLICIES}
    assert levels == {
        "contract-arithmetic-consistent": EnforcementLevel.MANDATORY,
        "expansions-within-supplement-cap": EnforcementLevel.MANDATORY,
        "line-items-match-inventory": EnforcementLevel.MANDATORY,
        "line-items-short-or-over": EnforcementLevel.ADVISORY,
        "expansions-at-risk": EnforcementLevel.ADVISORY,
    }
    assert all(p.description for p in contract_policies.POLICIES)


def test_the_shipped_contract_passes_every_mandatory_policy(met: Path) -> None:
    resources = stack_resources(Settings(observed=str(met), now=NOW))
    for name in ("contract-arithmetic-consistent", "expansions-within-supplement-cap", "line-items-match-inventory"):
        assert violations(name, resources) == [], name


def test_a_misstated_line_total_violates_the_arithmetic(met: Path, tmp_path: Path) -> None:
    contract = write_contract(tmp_path / "contract.json", misstated_line_total)
    resources = stack_resources(Settings(contract=str(contract), observed=str(met), now=NOW))

    found = violations("contract-arithmetic-consistent", resources)

    assert any("compute.vcpu: 14.02 x 1232 x 12 = 207271.68" in v and "states 208,271.68" in v for v in found), found
    assert violations("expansions-within-supplement-cap", resources) == []


def test_expansions_beyond_the_cap_are_blocked(met: Path, tmp_path: Path) -> None:
    def huge(data: dict[str, Any]) -> None:
        data["expansions"][0]["quantity"] = "9000"

    contract = write_contract(tmp_path / "contract.json", huge, source=EXPANSION_CONTRACT)
    resources = stack_resources(Settings(contract=str(contract), observed=str(met), now=NOW))

    (found,) = violations("expansions-within-supplement-cap", resources)
    assert "the cap of Art. 20.2" in found
    assert violations("contract-arithmetic-consistent", resources) == []
    assert violations("expansions-within-supplement-cap", stack_resources(
        Settings(contract=str(EXPANSION_CONTRACT), observed=str(met), now=NOW))) == []  # fmt: skip


def test_declared_line_items_must_match_the_inventory(met: Path, tmp_path: Path) -> None:
    resources = stack_resources(Settings(observed=str(met), now=NOW))
    vcpu = next(r for r in resources if r.name == "compute.vcpu")
    changed = PolicyResource(LINE_ITEM, dict(vcpu.props) | {"baseline": "1300"}, vcpu.urn, vcpu.name, *NO_OPTIONS)
    dropped = [changed if r is vcpu else r for r in resources if r.name != "security.waf"]

    found = violations("line-items-match-inventory", dropped)

    assert found == [
        "line item security.waf of contract_inventory.json is not declared in the stack",
        "line item compute.vcpu is declared with baseline '1300', the inventory says '1232'",
    ]
    # the inventory is configurable (--policy-pack-config): here one that says 1300 vCPU
    inventory = write_contract(tmp_path / "inventory.json", lambda d: d["line_items"][0].update(quantity="1300"))
    assert violations("line-items-match-inventory", resources, {"inventory": str(inventory)}) == [
        "line item compute.vcpu is declared with baseline '1232', the inventory says '1300'"
    ]


def test_short_and_over_line_items_are_advised(tmp_path: Path) -> None:
    observation = write_observation(tmp_path / "short.json", short_resources())
    resources = stack_resources(Settings(observed=str(observation), now=NOW))

    (found,) = violations("line-items-short-or-over", resources)

    assert found == (
        "compute.vcpu is short: entitled 1232 vCPU, due 1232, supplied 1216, gap -16 (-224.32 CNY a month)"
    )


def test_the_pack_judges_the_programs_observation_without_observing_again(tmp_path: Path) -> None:
    observation = write_observation(tmp_path / "short.json", short_resources())
    resources = stack_resources(Settings(observed=str(observation), now=NOW))
    observation.unlink()  # rotated away after the program observed it: the pack never reads it

    (found,) = violations("line-items-short-or-over", resources)

    assert found.startswith("compute.vcpu is short: entitled 1232 vCPU, due 1232, supplied 1216")


def test_the_reported_statuses_are_configurable(met: Path) -> None:
    resources = stack_resources(Settings(contract=str(EXPANSION_CONTRACT), observed=str(met), now=NOW))
    assert violations("line-items-short-or-over", resources) == []

    (found,) = violations("line-items-short-or-over", resources, {"statuses": ["pending"]})

    assert found.startswith("compute.vcpu is pending: entitled 1296 vCPU, due 1232, supplied 1232, gap -64")


def test_an_expansion_near_its_deadline_is_advised(met: Path) -> None:
    resources = stack_resources(Settings(contract=str(EXPANSION_CONTRACT), observed=str(met), now=NOW))

    (found,) = violations("expansions-at-risk", resources)

    assert found.startswith("expansion EXP-2026-001 (compute.vcpu to 1296) is at_risk: due 2026-11-2")
    assert Decimal(1296) == Decimal(next(r for r in resources if r.name == "EXP-2026-001").props["required"])
