"""The Pulumi dynamic provider over the reconciler core: contract line items and expansions as resources.

Used by the Pulumi program in stacks/ and the policy pack in policies/ (see docs/pulumi.md); the core never
imports this module. The provider classes live in this installed module so that the Pulumi SDK pickles them
by reference: the `__provider` value in the state then names this module and does not change when its code
does (no churn), and refresh runs the code installed now, not code pickled into an old state.

What each operation does, none of which touches the cloud:
- `read` (every `pulumi preview --refresh` / `refresh`) observes supply through the configured source and
  returns it as the resource's `supplied` and `gap`, inputs and outputs alike, so the diff shows the gap;
- `diff` reports a change only for a line item that is or may be short at `now` (the core's status `short`, or
  `unknown` with `short` among its possible statuses: its bounds do not rule a shortfall out, never passed as
  met), or an expansion overdue and not supplied; met, pending, over, not observed, ended and an unknown that
  cannot be short (e.g. EIPs alone carrying the bandwidth due, shares not listed: "not short; possibly over")
  show nothing;
  a changed declaration (entitlement, settings, provider `version`) is a change too; `__provider` is ignored;
- `create` and `update` record the declaration together with the supply observed at that moment;
- `delete` forgets the record.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic

from reconciler.app.attestations import load_attestations
from reconciler.app.pipeline import check_sources, load_checked_contract
from reconciler.base.errors import InputError, Problem
from reconciler.core.changes import bounds_text
from reconciler.core.models import ExpansionState, ExpansionStatus, Finding, Reconciliation, Status
from reconciler.dates.clock import CONTRACT_TZ, parse_instant
from reconciler.sources.select import open_sources, source_requests

PROVIDER_VERSION = "1"
"""Bump when the provider's behaviour changes: every resource then shows one update that stores the new one."""

PROJECT_FILE = "Pulumi.yaml"

LINE_ITEM_DECLARED = ("line_item", "name_zh", "name_en", "unit", "unit_price", "baseline", "entitled", "due")
EXPANSION_DECLARED = ("expansion", "line_item", "quantity", "requested_at", "due_at", "required")
COMMON_DECLARED = ("settings", "version")


@dataclass(frozen=True)
class Settings:
    """Where supply is observed, as configured on the stack (`reconciler:*` keys). Relative paths are relative
    to the project root (the directory of Pulumi.yaml). `now` fixes the instant of the check (ISO 8601 with
    offset); without it each run uses its own wall-clock time."""

    contract: str = "contract_inventory.json"
    observed: str = "examples/observation.json"
    """Files the sources read (`--from-file`), comma-separated, `NAME=FILE` with several sources; "" = live."""
    source: str = "snapshot"
    """Source names (`reconciler sources`), comma-separated."""
    now: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    """Source settings as (`NAME.KEY`, value) pairs, as `--source-option`; secrets belong in the environment."""
    attest: str = ""
    """Attestation files (JSON or YAML), comma-separated, as `--attest`; "" = none."""

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"contract": self.contract, "observed": self.observed, "source": self.source}
        if self.options:
            props["options"] = dict(self.options)
        if self.attest:
            props["attest"] = self.attest
        return props | ({"now": self.now} if self.now else {})

    @classmethod
    def from_props(cls, props: Any) -> Settings:
        if not isinstance(props, Mapping):
            raise InputError.single("settings", "", f"expected an object, found {type(props).__name__}")
        return cls(
            contract=str(props.get("contract", cls.contract)),
            observed=str(props.get("observed", cls.observed)),
            source=str(props.get("source", cls.source)),
            now=str(props["now"]) if props.get("now") else None,
            options=_options(props.get("options")),
            attest=str(props.get("attest") or ""),
        )


def _options(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise InputError.single(
            "stack configuration", "reconciler:sourceOptions", "expected an object of NAME.KEY: VALUE"
        )
    return tuple(sorted((str(key), str(item)) for key, item in value.items()))


def project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above `start` (default: the working directory) holding Pulumi.yaml.

    The engine runs the program and the provider with the program's directory (stacks/) as working
    directory, and policy packs with the pack's (policies/); both sit inside the project."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    raise InputError.single(str(here), "", f"no {PROJECT_FILE} here or in a parent directory: not a Pulumi project")


def resolve(path: str, root: Path) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else root / candidate


_PROCESS_NOW = datetime.now(CONTRACT_TZ)
"""Without `reconciler:now`, every observation in one engine process is made as of the process's start."""

_observed: dict[tuple[Settings, Path, tuple[int, ...]], Reconciliation] = {}


def observe(settings: Settings, root: Path | None = None) -> Reconciliation:
    """The one call into the reconciler core: load the contract and reconcile the configured source at `now`.

    The contract's own arithmetic is not refused here: the policy pack's mandatory policy blocks it, so that
    a preview still shows the reconciliation. Results are kept for the life of the process, keyed by the
    files' size and modification time (one engine command reads each file once, not once per resource)."""
    base = root or project_root()
    contract_path = resolve(settings.contract, base)
    names = [name.strip() for name in settings.source.split(",") if name.strip()]
    files = [_resolve_file(given.strip(), base) for given in settings.observed.split(",") if given.strip()]
    attest = [resolve(given.strip(), base) for given in settings.attest.split(",") if given.strip()]
    signature = sum((_signature(Path(given.rpartition("=")[2])) for given in files), _signature(contract_path))
    signature = sum((_signature(path) for path in attest), signature)
    key = (settings, base, signature)
    if key not in _observed:
        now = _parse_now(settings.now)
        try:
            requests = source_requests(names, files, [f"{k}={v}" for k, v in settings.options], None, os.environ, now)
        except InputError as exc:
            raise InputError("stack configuration (reconciler:source, reconciler:observed)", exc.problems) from exc
        contract, warnings = load_checked_contract(contract_path, refuse_errors=False)  # the policy pack blocks
        try:
            attested = load_attestations(attest)
        except InputError as exc:
            raise InputError(f"stack configuration (reconciler:attest): {exc.file}", exc.problems) from exc
        _observed[key] = check_sources(contract, warnings, open_sources(requests), now, attestations=attested)
    return _observed[key]


def _resolve_file(given: str, base: Path) -> str:
    """A configured file relative to the project root; `NAME=FILE` keeps its source name."""
    name, sep, path = given.rpartition("=")
    return f"{name}{sep}{resolve(path, base)}"


def _signature(path: Path) -> tuple[int, ...]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError.single(str(path), "", f"cannot read: {exc.strerror}") from exc
    return stat.st_size, stat.st_mtime_ns


def _parse_now(text: str | None) -> datetime:
    if not text:
        return _PROCESS_NOW
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise InputError("stack configuration", [Problem("reconciler:now", str(exc))]) from exc


def text(value: Decimal | None) -> str | None:
    """Quantities travel through the engine as strings: exact, and compared as written."""
    return None if value is None else str(value)


def supplied_text(finding: Finding) -> str | None:
    """The supply as the diff shows it: exact (`1216`), or its bounds where they differ (`[1200, 1264]`,
    `[1200, ∞)`)."""
    if finding.supplied is not None or finding.supplied_lower is None:
        return text(finding.supplied)
    return bounds_text(finding.supplied_lower, finding.supplied_upper)


def provenance_outputs(finding: Finding) -> dict[str, Any]:
    """Where the supply comes from, as outputs: `supplied_by` (observed, attested, or null when neither) and
    `attested_by` (who attested what counts, on what evidence, until when; empty unless attested)."""
    provenance = finding.provenance
    attested = [
        f"{ref.id}: {text(ref.quantity)} by {ref.attested_by} ({ref.evidence}), "
        f"valid until {ref.valid_until.isoformat()}"
        for ref in (provenance.attestations if provenance is not None else [])
        if ref.counted
    ]
    return {"supplied_by": provenance.supplied_by if provenance is not None else None, "attested_by": attested}


def gap_text(finding: Finding) -> str | None:
    """supplied - entitled, or its bounds where the supply's bounds differ."""
    if finding.gap is not None or finding.supplied_lower is None or finding.status is Status.ENDED:
        return text(finding.gap)
    upper = finding.supplied_upper
    return bounds_text(finding.supplied_lower - finding.entitled, None if upper is None else upper - finding.entitled)


# -- what the program declares -------------------------------------------------------------------------------


def line_item_declaration(finding: Finding, settings: Settings) -> dict[str, Any]:
    """A line item as desired state: its entitlement, supplied in full, with no gap."""
    return {
        "line_item": finding.line_item.value,
        "name_zh": finding.name_zh,
        "name_en": finding.name_en,
        "unit": finding.unit.value,
        "unit_price": text(finding.unit_price),
        "baseline": text(finding.baseline),
        "entitled": text(finding.entitled),
        "due": text(finding.due),
        "supplied": text(finding.entitled),
        "gap": text(finding.entitled - finding.entitled),  # zero, written to the unit's precision like the gap
        "settings": settings.to_props(),
        "version": PROVIDER_VERSION,
    }


def expansion_declaration(expansion: ExpansionStatus, settings: Settings) -> dict[str, Any]:
    """An expansion as desired state: the line item supplied up to `required` by `due_at`."""
    return {
        "expansion": expansion.id,
        "line_item": expansion.line_item.value,
        "quantity": text(expansion.quantity),
        "requested_at": expansion.requested_at.isoformat(),
        "due_at": expansion.due_at.isoformat(),
        "required": text(expansion.required),
        "supplied": text(expansion.required),
        "settings": settings.to_props(),
        "version": PROVIDER_VERSION,
    }


# -- what the provider observes ---------------------------------------------------------------------------------


def line_item_observed(props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, outputs) of a line item as observed now: `supplied` and `gap` replaced by the observation."""
    settings = Settings.from_props(props.get("settings"))
    result = observe(settings)
    try:
        finding = result.finding(str(props["line_item"]))
    except KeyError:  # the contract changed under a stack that still records the line item
        raise InputError.single(
            settings.contract, "line_items", f"no line item {props['line_item']!r} any more"
        ) from None
    inputs = _declared(props, LINE_ITEM_DECLARED) | {"supplied": supplied_text(finding), "gap": gap_text(finding)}
    outputs = inputs | {
        "status": finding.status.value,
        "possible": [status.value for status in finding.possible],
        "supplied_lower": text(finding.supplied_lower),
        "supplied_upper": text(finding.supplied_upper),
        "gap_value_monthly": text(finding.gap_value_monthly),
        "shortfall_value_monthly": text(finding.shortfall_value_monthly),
        "reason": finding.reason,
        **provenance_outputs(finding),
    }  # no timestamps: they change every run and would show on every resource of every refresh (stack outputs)
    return inputs, outputs


def expansion_observed(props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, outputs) of an expansion as observed now: the line item's supply and the expansion's state."""
    result = observe(Settings.from_props(props.get("settings")))
    wanted = str(props["expansion"])
    matches = [e for e in result.expansions if e.id == wanted]
    if not matches:
        raise InputError.single(
            Settings.from_props(props.get("settings")).contract, "expansions", f"no expansion {wanted!r} any more"
        )
    status = matches[0]
    supplied = result.finding(status.line_item).supplied_lower  # what is supplied for certain
    inputs = _declared(props, EXPANSION_DECLARED) | {"supplied": text(supplied)}
    outputs = inputs | {
        "state": status.state.value,
        "fulfilled_at": status.fulfilled_at.isoformat() if status.fulfilled_at else None,
    }  # time left and timestamps change every run: they are stack outputs, not resource state
    return inputs, outputs


def _declared(props: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: props.get(key) for key in (*keys, *COMMON_DECLARED)}


def declaration_changed(olds: dict[str, Any], news: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return any(olds.get(key) != news.get(key) for key in (*keys, *COMMON_DECLARED))


# -- the providers -----------------------------------------------------------------------------------------------


class _RecordingProvider(pulumi.dynamic.ResourceProvider):
    """Shared CRUD: record the declaration with the supply observed now; never call a cloud API."""

    declared: ClassVar[tuple[str, ...]] = ()
    id_key: ClassVar[str] = ""

    def observed(self, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        raise NotImplementedError

    def gap_open(self, state: dict[str, Any]) -> bool:
        """Whether the resource's state (in a refreshing preview: what `read` observed tonight) shows a gap."""
        raise NotImplementedError

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        _, outputs = self.observed(props)
        return pulumi.dynamic.CreateResult(id_=str(props[self.id_key]), outs=outputs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        _, outputs = self.observed(news)
        return pulumi.dynamic.UpdateResult(outs=outputs)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        inputs, outputs = self.observed(props)
        return pulumi.dynamic.ReadResult(id_=id_, outs=outputs, inputs=inputs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changed = declaration_changed(olds, news, self.declared) or self.gap_open(olds)
        return pulumi.dynamic.DiffResult(changes=changed, replaces=[], stables=[self.id_key])

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class LineItemProvider(_RecordingProvider):
    declared = LINE_ITEM_DECLARED
    id_key = "line_item"

    def observed(self, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return line_item_observed(props)

    def gap_open(self, state: dict[str, Any]) -> bool:
        return shortfall_open(state)


def shortfall_open(state: Mapping[str, Any]) -> bool:
    """The gate: whether a line item's recorded state is or may be short. An unknown whose bounds rule a
    shortfall out passes; one recorded before bounds (no `possible`) may be short: it fails, as it did."""
    status = state.get("status")
    if status == Status.SHORT:
        return True
    if status != Status.UNKNOWN:
        return False
    possible = state.get("possible")
    return not isinstance(possible, list | tuple) or Status.SHORT.value in possible


class ExpansionProvider(_RecordingProvider):
    declared = EXPANSION_DECLARED
    id_key = "expansion"

    def observed(self, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return expansion_observed(props)

    def gap_open(self, state: dict[str, Any]) -> bool:
        return state.get("state") == ExpansionState.OVERDUE


# -- the resources the program declares ------------------------------------------------------------------------

_OUTPUT_KEYS = (
    "supplied",
    "gap",
    "status",
    "possible",
    "supplied_lower",
    "supplied_upper",
    "gap_value_monthly",
    "shortfall_value_monthly",
    "reason",
    "supplied_by",
    "attested_by",
)


class LineItem(pulumi.dynamic.Resource, module="reconciler", name="LineItem"):
    """One contract line item: type `pulumi-python:dynamic/reconciler:LineItem`, named by its id."""

    line_item: pulumi.Output[str]
    entitled: pulumi.Output[str]
    due: pulumi.Output[str]
    supplied: pulumi.Output[str | None]
    gap: pulumi.Output[str | None]
    status: pulumi.Output[str]
    possible: pulumi.Output[list[str]]
    supplied_lower: pulumi.Output[str | None]
    supplied_upper: pulumi.Output[str | None]

    def __init__(self, finding: Finding, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {key: None for key in _OUTPUT_KEYS if key not in ("supplied", "gap")}
        props = line_item_declaration(finding, settings) | outputs
        super().__init__(LineItemProvider(), finding.line_item.value, props, opts)


class Expansion(pulumi.dynamic.Resource, module="reconciler", name="Expansion"):
    """One recorded expansion: type `pulumi-python:dynamic/reconciler:Expansion`, named by its id."""

    expansion: pulumi.Output[str]
    due_at: pulumi.Output[str]
    required: pulumi.Output[str]
    supplied: pulumi.Output[str | None]
    state: pulumi.Output[str]

    def __init__(self, status: ExpansionStatus, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        props = expansion_declaration(status, settings) | {
            "state": None,
            "fulfilled_at": None,
        }
        super().__init__(ExpansionProvider(), status.id, props, opts)
