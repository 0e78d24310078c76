"""The portable guard's policies: the contract's capacity as it will be once a stack's planned change is applied.

Any stack declaring Kingsoft Cloud resources under the bridged provider's types (`ksyun:index/instance:Instance`,
...) runs them at `pulumi preview` time. During a preview a stack policy sees the stack as planned: its
resources with the values they will have (unknown until apply where the provider computes them). The guard
maps them with the `pulumi` source's mapping and tables, adds the supply that lies outside this stack, and
reconciles against the contract with the reconciler core:
- `contract-capacity-after-change` (mandatory): a line item that would be short, with the resources of this
  stack that cause it (removed, or holding less than before) when the stack's export before the change is given;
- `contract-capacity-unknown-after-change` (advisory): a line item the plan may leave short: its supply's bounds
  allow a shortfall (a value unknown until apply, a tables gap, a failed source outside). An unknown that can only
  add (instances of a type chosen at apply) is no concern of the guard.

Settings (`--policy-pack-config`, under `contract-capacity-after-change`; the advisory policy uses the same):
`contract` (required), `tables`, `before` (`pulumi stack export` of this stack before the change), `outside`
(an observation of the supply outside this stack: a snapshot file, or {"source", "observed", "options"} as in the
stack settings; with `before`, this stack's own resources are set aside from it), `now`. Relative paths are
relative to this pack's directory.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from reconciler.app.pipeline import check_sources, load_checked_contract
from reconciler.base.errors import InputError
from reconciler.base.jsonio import load_json
from reconciler.base.messages import plain_text
from reconciler.core.changes import bounds_text
from reconciler.core.models import Finding, Reconciliation, Status
from reconciler.core.observation import Observation, Resource
from reconciler.core.plan_causes import plan_causes
from reconciler.dates.clock import CONTRACT_TZ, parse_instant
from reconciler.sources.base import Source
from reconciler.sources.combined import CombinedSource
from reconciler.sources.pulumi.mapping import PLANNED, StackInventory, StateError
from reconciler.sources.pulumi.source import EXPORT_DOCUMENT, load_tables, read_deployment
from reconciler.sources.select import open_sources, setting_paths, source_requests

SHORTFALL = "contract-capacity-after-change"
UNKNOWN = "contract-capacity-unknown-after-change"
HERE = Path(__file__).resolve().parent


def _path(value: Any, setting: str) -> Path:
    if not isinstance(value, str) or not value:
        raise InputError.single(f"policy config {SHORTFALL}", setting, "expected a file path")
    path = Path(value)
    return path if path.is_absolute() else HERE / path


@dataclass(frozen=True)
class GuardSettings:
    contract: Path
    tables: Path | None = None
    before: Path | None = None
    outside: Any = None
    now: datetime | None = None

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> GuardSettings:
        now = config.get("now")
        try:
            moment = parse_instant(str(now)) if now else None
        except ValueError as exc:
            raise InputError.single(f"policy config {SHORTFALL}", "now", str(exc)) from exc
        return cls(
            contract=_path(config.get("contract"), "contract"),
            tables=_path(config["tables"], "tables") if config.get("tables") else None,
            before=_path(config["before"], "before") if config.get("before") else None,
            outside=config.get("outside"),
            now=moment,
        )


class _Observed:
    """A source whose observation is already made (this stack as planned)."""

    def __init__(self, observation: Observation, resources: Sequence[Resource]) -> None:
        self._observation, self._resources = observation, resources

    def resources(self) -> Iterator[Resource]:
        return iter(self._resources)

    def observation(self) -> Observation:
        return self._observation


class _Without:
    """Another source, without the resources of this stack (the supply outside it)."""

    def __init__(self, source: Source, ids: frozenset[str]) -> None:
        self._source, self._ids = source, ids

    def resources(self) -> Iterator[Resource]:
        return (resource for resource in self._source.resources() if resource.id not in self._ids)

    def observation(self) -> Observation:
        return self._source.observation()


def planned_resources(resources: Iterable[Any]) -> list[dict[str, Any]]:
    """The stack's resources as the mapping reads them: the planned values (unknown ones as Pulumi's sentinels),
    each marked planned; a resource not created yet is named by its URN."""
    found = []
    for resource in resources:
        props = resource.props
        try:
            raw = props["__target"]  # past the policy SDK's proxy, which raises on unknown values
        except KeyError:
            raw = props
        values = {key: _number(value) for key, value in raw.items()} if isinstance(raw, Mapping) else {}
        found.append(
            {
                "type": resource.resource_type,
                "urn": resource.urn,
                "custom": True,
                "id": values.get("id"),
                "outputs": values,
                PLANNED: "create",
            }
        )
    return found


def _number(value: Any) -> Any:
    """The engine hands numbers over as doubles (protobuf): 4000.0 is the 4000 the program declared."""
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value.is_integer() else Decimal(repr(value))
    return value


@dataclass
class Judgement:
    result: Reconciliation
    causes: dict[str, list[str]] = field(default_factory=dict)
    """Per short line item, this stack's resources that hold less of it than before the change."""


def _inventory(settings: GuardSettings, resources: Iterable[Mapping[str, Any]]) -> StackInventory:
    inventory = StackInventory(load_tables(settings.tables))
    problems = []
    for resource in resources:
        try:
            inventory.add(resource)
        except StateError as exc:
            problems.append(f"{resource.get('urn')}{exc.path}: {exc.reason}")
    if problems:
        raise InputError.single("the planned stack", "", "; ".join(problems[:5]))
    return inventory


def _outside(settings: GuardSettings, now: datetime) -> list[Source]:
    given = settings.outside
    if not given:
        return []
    if isinstance(given, str):
        given = {"source": "snapshot", "observed": given}
    if not isinstance(given, Mapping):
        raise InputError.single(f"policy config {SHORTFALL}", "outside", "expected a file or an object")
    names = [name.strip() for name in str(given.get("source", "snapshot")).split(",") if name.strip()]
    files = []
    for item in str(given.get("observed", "")).split(","):
        name, sep, file = item.strip().rpartition("=")
        if file:
            files.append(f"{name}{sep}{_path(file, 'outside.observed')}")
    pairs = [(str(key), str(value)) for key, value in (given.get("options") or {}).items()]
    options = [f"{key}={value}" for key, value in setting_paths(pairs, HERE)]  # relative to the pack, as the others
    return [open_sources(source_requests(names, files, options, None, os.environ, now))]


def judge(settings: GuardSettings, resources: Sequence[Mapping[str, Any]]) -> Judgement:
    """Reconcile this stack as planned, plus the supply outside it, against the contract."""
    now = settings.now or datetime.now(CONTRACT_TZ)
    contract, warnings = load_checked_contract(settings.contract, refuse_errors=False)
    after = _inventory(settings, resources)
    planned = _Observed(
        Observation(
            observed_at=now,
            sources=(after.report("this stack as planned", plain_text("pulumi preview"), None, planned=True),),
        ),
        after.resources(),
    )
    before: list[Resource] = []
    if settings.before is not None:
        exported = StackInventory(load_tables(settings.tables))
        read_deployment(load_json(settings.before, EXPORT_DOCUMENT), str(settings.before), exported)
        before = exported.resources()
    ours = frozenset(r.id for r in (*before, *after.resources()))
    outside: list[Source] = [_Without(source, ours) for source in _outside(settings, now)]
    result = check_sources(contract, warnings, CombinedSource([planned, *outside]), now)
    planned_now = after.resources()
    causes = {
        f.line_item.value: [cause.text() for cause in plan_causes(f.line_item, before, planned_now)]
        for f in result.findings
        if f.status is Status.SHORT
    }
    return Judgement(result, causes)


_judged: dict[str, Judgement | InputError] = {}
"""One judgement per stack and settings in this process: both policies of one preview share it."""
_last: list[str] = []


def _judgement(args: StackValidationArgs, config: Mapping[str, Any]) -> Judgement | InputError:
    resources = planned_resources(args.resources)
    key = json.dumps([dict(config), resources], sort_keys=True, default=str)
    if key not in _judged:
        try:
            _judged[key] = judge(GuardSettings.of(config), resources)
        except InputError as exc:
            _judged[key] = exc
    _last[:] = [key]
    return _judged[key]


def shortfall_after_change(args: StackValidationArgs, report: ReportViolation) -> None:
    judgement = _judgement(args, args.get_config())
    if isinstance(judgement, InputError):
        report(f"the guard cannot judge this change: {judgement.render()}", None)
        return
    for finding in judgement.result.findings:
        if finding.status is not Status.SHORT:
            continue
        causes = judgement.causes.get(finding.line_item.value) or []
        report(
            f"{finding.line_item.value} would be short once this change is applied: due {finding.due} "
            f"{finding.unit.value}, supplied {_supplied(finding)} ({finding.shortfall_value_monthly} CNY a month "
            "overdue)" + (f"; this stack holds less of it: {', '.join(causes)}" if causes else ""),
            None,
        )


def _supplied(finding: Finding) -> str:
    if finding.supplied is not None:
        return str(finding.supplied)
    lower = finding.supplied_lower if finding.supplied_lower is not None else Decimal(0)
    return bounds_text(lower, finding.supplied_upper)


def unknown_after_change(args: StackValidationArgs, report: ReportViolation) -> None:
    config = args.get_config()
    judgement = _judged.get(_last[0]) if not config.get("contract") and _last else _judgement(args, config)
    if judgement is None or isinstance(judgement, InputError):
        return  # the mandatory policy reports why it cannot judge
    for finding in judgement.result.findings:
        if finding.status is Status.UNKNOWN and Status.SHORT in finding.possible:
            report(
                f"{finding.line_item.value} may be short once this change is applied: due {finding.due} "
                f"{finding.unit.value}, supplied {_supplied(finding)}; {finding.reason}",
                None,
            )


SETTINGS_SCHEMA = PolicyConfigSchema(
    properties={
        "contract": {"type": "string", "description": "the contract (JSON)"},
        "tables": {"type": "string", "description": "tables of instance types, volume types (as the pulumi source)"},
        "before": {"type": "string", "description": "`pulumi stack export` of this stack before the change"},
        "outside": {
            "type": ["string", "object"],
            "description": "the supply outside this stack: an observation file, or {source, observed, options}",
        },
        "now": {"type": "string", "description": "judge as of this ISO 8601 instant (default: now)"},
    },
)

POLICIES = [
    StackValidationPolicy(
        name=SHORTFALL,
        description="Once the planned change is applied, every contract line item is still supplied as due "
        "(this stack's resources plus the supply outside it).",
        validate=shortfall_after_change,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema(properties=SETTINGS_SCHEMA.properties, required=["contract"]),
    ),
    StackValidationPolicy(
        name=UNKNOWN,
        description="A line item the planned change may leave short: values unknown until apply allow it "
        "(advised, never blocking).",
        validate=unknown_after_change,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=SETTINGS_SCHEMA,
    ),
]
