"""The policies of the contract-reconciler pack, each built on the reconciler core.

Mandatory (block a preview or update): the contract's arithmetic is consistent; its expansions stay within the
supplement cap of Art. 20.2; the stack declares exactly the line items of the inventory contract.
Advisory (warn): line items short of or over their entitlement; expansions at risk of missing their deadline.
Every level can be changed with `--policy-pack-config` (a JSON file keyed by policy name).

The advisory policies judge what the program observed (each resource's `status`, `supplied`, ... inputs): the
pack never observes supply itself. Paths in a resource's `settings` and in the policies' configuration are
relative to the project root, the directory of Pulumi.yaml at or above this pack (the engine runs the pack with
its own directory as cwd).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from reconciler.base.errors import InputError
from reconciler.contract.checks import Severity, check_contract
from reconciler.contract.load import load_contract
from reconciler.core.models import ExpansionState, Status
from reconciler.integrations.pulumi import Settings, project_root, resolve

LINE_ITEM_TYPE = "pulumi-python:dynamic/reconciler:LineItem"
EXPANSION_TYPE = "pulumi-python:dynamic/reconciler:Expansion"
CAP_CHECK = "supplement_cap"
DEFAULT_INVENTORY = "contract_inventory.json"
FLAGGED_STATUSES = (Status.SHORT, Status.OVER)
ALL_STATUSES = (Status.SHORT, Status.OVER, Status.PENDING, Status.UNKNOWN, Status.NOT_OBSERVED)
RISKY_STATES = (ExpansionState.AT_RISK, ExpansionState.OVERDUE)


def _root() -> Path:
    return project_root(Path(__file__).resolve().parent)


def _contracts(resources: Any) -> Iterator[tuple[str, Any]]:
    """Each contract the stack's line items were declared from, once: (path as configured, resource urn)."""
    seen: set[str] = set()
    for resource in resources:
        if resource.resource_type != LINE_ITEM_TYPE:
            continue
        settings = Settings.from_props(resource.props.get("settings") or {})
        if settings.contract not in seen:
            seen.add(settings.contract)
            yield settings.contract, resource.urn


def _discrepancies(path: str, report: ReportViolation, cap: bool) -> None:
    try:
        checked = check_contract(load_contract(resolve(path, _root())), words=False)
    except InputError as exc:
        report(f"the contract cannot be read: {exc.render()}", None)
        return
    for d in checked.discrepancies:
        if d.severity is Severity.ERROR and (d.check == CAP_CHECK) == cap:
            report(f"{path}: {d.subject}: {d.message} (likely cause: {d.likely_cause})", None)


def arithmetic_consistent(args: StackValidationArgs, report: ReportViolation) -> None:
    for path, _ in _contracts(args.resources):
        _discrepancies(path, report, cap=False)


def within_supplement_cap(args: StackValidationArgs, report: ReportViolation) -> None:
    for path, _ in _contracts(args.resources):
        _discrepancies(path, report, cap=True)


def _same_quantity(declared: Any, stated: Decimal) -> bool:
    try:
        return Decimal(str(declared)) == stated
    except InvalidOperation:
        return False


def match_inventory(args: StackValidationArgs, report: ReportViolation) -> None:
    inventory_path = str(args.get_config().get("inventory") or DEFAULT_INVENTORY)
    try:
        inventory = load_contract(resolve(inventory_path, _root()))
    except InputError as exc:
        report(f"the inventory contract cannot be read: {exc.render()}", None)
        return
    expected = {item.id.value: item for item in inventory.line_items}
    declared = {r.props.get("line_item"): r for r in args.resources if r.resource_type == LINE_ITEM_TYPE}
    for item_id in sorted(expected.keys() - declared.keys()):
        report(f"line item {item_id} of {inventory_path} is not declared in the stack", None)
    for item_id in sorted(str(i) for i in declared.keys() - expected.keys()):
        report(f"line item {item_id} is declared but is not in {inventory_path}", declared[item_id].urn)
    for item_id in sorted(expected.keys() & declared.keys()):
        item, props = expected[item_id], declared[item_id].props
        wrong = [
            f"{name} {props.get(name)!r}, the inventory says {str(value)!r}"
            for name, value, same in (
                ("baseline", item.quantity, _same_quantity(props.get("baseline"), item.quantity)),
                ("unit_price", item.unit_price, _same_quantity(props.get("unit_price"), item.unit_price)),
                ("unit", item.unit.value, props.get("unit") == item.unit.value),
            )
            if not same
        ]
        if wrong:
            report(f"line item {item_id} is declared with " + "; ".join(wrong), declared[item_id].urn)


def short_or_over(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LINE_ITEM_TYPE:
        return
    statuses = tuple(args.get_config().get("statuses") or FLAGGED_STATUSES)
    props = args.props  # the program's observation, handed on: the pack does not observe again
    status = props.get("status")
    possible = props.get("possible") or []
    possibly = [s for s in possible if s in statuses] if status == Status.UNKNOWN else []
    if status in statuses or possibly:
        state = status if not possibly else f"possibly {' or '.join(possibly)}"
        report(
            f"{props.get('line_item')} is {state}: entitled {props.get('entitled')} {props.get('unit')}, "
            f"due {props.get('due')}, supplied {props.get('supplied')}, gap {props.get('gap')} "
            f"({props.get('gap_value_monthly')} CNY a month)" + (f"; {props['reason']}" if props.get("reason") else ""),
            None,
        )


def expansions_at_risk(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != EXPANSION_TYPE:
        return
    props = args.props
    if props.get("state") in RISKY_STATES:
        report(
            f"expansion {props.get('expansion')} ({props.get('line_item')} to {props.get('required')}) is "
            f"{props.get('state')}: due {props.get('due_at')}, supplied {props.get('supplied')}",
            None,
        )


def _config(properties: Mapping[str, dict[str, Any]]) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties=dict(properties))


POLICIES = [
    StackValidationPolicy(
        name="contract-arithmetic-consistent",
        description="The contract's figures agree: line totals, grand total, instalments, service period and "
        "expansion dates (reconciler validate's errors).",
        validate=arithmetic_consistent,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="expansions-within-supplement-cap",
        description="The recorded expansions are worth no more than the supplement cap of Art. 20.2 "
        "(10% of the contract total).",
        validate=within_supplement_cap,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="line-items-match-inventory",
        description="The stack declares exactly the line items of the inventory contract, with its quantities, "
        "units and unit prices.",
        validate=match_inventory,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=_config(
            {"inventory": {"type": "string", "description": "the inventory contract, relative to the project root"}}
        ),
    ),
    ResourceValidationPolicy(
        name="line-items-short-or-over",
        description="A line item's observed supply differs from its entitlement (short or over).",
        validate=short_or_over,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=_config(
            {
                "statuses": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(ALL_STATUSES)},
                    "description": "the statuses reported (default: short and over)",
                }
            }
        ),
    ),
    ResourceValidationPolicy(
        name="expansions-at-risk",
        description="An expansion is not supplied and is within 48 hours of its Art. 3.4 deadline, or past it.",
        validate=expansions_at_risk,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
]
