"""The Pulumi dynamic provider over the reconciler core: contract line items and expansions as resources.

Used by the Pulumi program in stacks/ and the policy pack in policies/ (see docs/pulumi.md); the core never
imports this module. The provider classes live in this installed module so that the Pulumi SDK pickles them
by reference: the `__provider` value in the state then names this module and does not change when its code
does (no churn), and refresh runs the code installed now, not code pickled into an old state.

One observation per engine command: the program calls `observe()` once, with tonight's stack settings, and
declares each resource with the contract's figures *and* what was observed (`supplied`, `gap`, `status`;
an expansion's `state`). Nothing else observes: the provider and the policy pack judge the inputs the
program hands them, so they share the program's observation and its `now`, and a setting recorded in the
state (last night's file) is never read again. What each provider operation does, none of which touches the
cloud or a file:
- `diff` reports a change when tonight's inputs show a line item that is or may be short at `now` (status
  `short`, or `unknown` with `short` among its possible statuses: its bounds do not rule a shortfall out,
  never passed as met), or an expansion overdue; met, pending, over, not observed, ended and an unknown that
  cannot be short (e.g. EIPs alone carrying the bandwidth due, shares not listed: "not short; possibly over")
  show nothing. A changed declaration (the contract's figures,
  the provider `version`) is a change too; the settings (`reconciler:observed`, `source`, `now`, ...), `due`
  and `__provider` are not;
- `create` and `update` record the inputs (declaration and observation) as they are;
- `read` (`pulumi refresh`, `preview --refresh`) returns the recorded state unchanged;
- `delete` forgets the record.
"""

from __future__ import annotations

import os
import threading
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
from reconciler.base.messages import message
from reconciler.core.changes import bounds_text
from reconciler.core.models import ExpansionState, ExpansionStatus, Finding, Reconciliation, Status
from reconciler.dates.clock import CONTRACT_TZ, parse_instant
from reconciler.sources import SOURCES
from reconciler.sources.select import open_sources, setting_paths, source_requests

PROVIDER_VERSION = "1"
"""Bump when what the state records must be rewritten: every resource then shows one update that stores it."""

PROJECT_FILE = "Pulumi.yaml"

LINE_ITEM_DECLARED = ("line_item", "name_zh", "name_en", "unit", "unit_price", "baseline", "entitled")
"""The contract's figures of a line item: a change of one is a change of the stack (`up` records it)."""
EXPANSION_DECLARED = ("expansion", "line_item", "quantity", "requested_at", "due_at", "required")
COMMON_DECLARED = ("version",)

SETTING_KEYS = {
    "contract": "reconciler:contract",
    "observed": "reconciler:observed",
    "source": "reconciler:source",
    "options": "reconciler:sourceOptions",
    "now": "reconciler:now",
    "attest": "reconciler:attest",
}
"""Each setting's stack configuration key, named in errors."""


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
        raise InputError.single("stack configuration", SETTING_KEYS["options"], "expected an object of NAME.KEY: VALUE")
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
_observing = threading.Lock()
"""One observation at a time per process, so that concurrent callers share it instead of repeating it."""


def observe(settings: Settings, root: Path | None = None) -> Reconciliation:
    """The one call into the reconciler core: load the contract and reconcile the configured source at `now`.

    Called by the program, once per engine command; the result is handed on to the provider and the policy
    pack as the resources' inputs. The contract's own arithmetic is not refused here: the policy pack's
    mandatory policy blocks it, so that a preview still shows the reconciliation. Results are kept for the life
    of the process (under a lock), keyed by the settings and the files' size and modification time. Bad
    settings and files that cannot be read are InputErrors naming the stack setting."""
    base = root or project_root()
    contract_path = resolve(settings.contract, base)
    names = [name.strip() for name in settings.source.split(",") if name.strip()]
    files = [_resolve_file(given.strip(), base) for given in settings.observed.split(",") if given.strip()]
    attest = [resolve(given.strip(), base) for given in settings.attest.split(",") if given.strip()]
    signature = sum(
        (_signature(Path(given.rpartition("=")[2]), "observed") for given in files),
        _signature(contract_path, "contract"),
    )
    signature = sum((_signature(path, "attest") for path in attest), signature)
    key = (settings, base, signature)
    with _observing:
        if key not in _observed:
            _observed[key] = _reconcile(settings, contract_path, names, files, attest, base)
        return _observed[key]


def option_key(key: str) -> str:
    """The stack configuration key of one source setting: `reconciler:sourceOptions["ksyun.tables"]`."""
    return f'{SETTING_KEYS["options"]}["{key}"]'


def _setting_of(exc: InputError, options: tuple[tuple[str, str], ...], files: list[str]) -> str:
    """The stack setting an InputError comes from: the source setting whose file or value it names
    (`reconciler:sourceOptions["pulumi.tables"]`), else an observed file's, else the sources'."""
    for key, value in options:
        if value and exc.file == value:
            return option_key(key)
    for problem in exc.problems:
        field_name = problem.field.partition("=")[0]
        if any(field_name == key for key, _ in options) or (
            field_name.partition(".")[0] in SOURCES and "." in field_name
        ):
            return option_key(field_name)
    if any(exc.file == given.rpartition("=")[2] for given in files):
        return SETTING_KEYS["observed"]
    return f"{SETTING_KEYS['source']}, {SETTING_KEYS['observed']}"


def _reconcile(
    settings: Settings, contract_path: Path, names: list[str], files: list[str], attest: list[Path], root: Path
) -> Reconciliation:
    now = _parse_now(settings.now)
    options = setting_paths(settings.options, root)
    try:
        requests = source_requests(names, files, [f"{k}={v}" for k, v in options], None, os.environ, now)
    except InputError as exc:
        setting = _setting_of(exc, options, files)
        raise InputError(f"stack setting{'s' if ', ' in setting else ''} {setting}", exc.problems) from exc
    try:
        contract, warnings = load_checked_contract(contract_path, refuse_errors=False)  # the policy pack blocks
    except InputError as exc:
        raise InputError(f"{exc.file} (stack setting {SETTING_KEYS['contract']})", exc.problems) from exc
    try:
        attested = load_attestations(attest)
    except InputError as exc:
        raise InputError(f"{exc.file} (stack setting {SETTING_KEYS['attest']})", exc.problems) from exc
    try:
        return check_sources(contract, warnings, open_sources(requests), now, attestations=attested)
    except InputError as exc:
        setting = _setting_of(exc, options, files)
        named = f"stack setting{'s' if ', ' in setting else ''} {setting}"
        raise InputError(named if exc.file.startswith("<") else f"{exc.file} ({named})", exc.problems) from exc


def _resolve_file(given: str, base: Path) -> str:
    """A configured file relative to the project root; `NAME=FILE` keeps its source name."""
    name, sep, path = given.rpartition("=")
    return f"{name}{sep}{resolve(path, base)}"


def _signature(path: Path, setting: str) -> tuple[int, ...]:
    try:
        stat = path.stat()
    except OSError as exc:
        key = SETTING_KEYS[setting]
        raise InputError.single(
            f"stack setting {key}",
            "",
            f"{path}: cannot read: {exc.strerror} (point it at a readable file: pulumi config set {key} FILE)",
        ) from exc
    return stat.st_size, stat.st_mtime_ns


def _parse_now(text: str | None) -> datetime:
    if not text:
        return _PROCESS_NOW
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise InputError("stack configuration", [Problem(SETTING_KEYS["now"], str(exc))]) from exc


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
        message(
            "attested_supply",
            id=ref.id,
            quantity=ref.quantity,
            attested_by=ref.attested_by,
            evidence=ref.evidence,
            valid_until=ref.valid_until,
        ).text("en")
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


# -- what the program declares: the contract's figures and tonight's observation ------------------------------


def line_item_inputs(finding: Finding, settings: Settings) -> dict[str, Any]:
    """A line item's inputs: its entitlement, and its supply, gap and status as observed now."""
    return {
        "line_item": finding.line_item.value,
        "name_zh": finding.name_zh,
        "name_en": finding.name_en,
        "unit": finding.unit.value,
        "unit_price": text(finding.unit_price),
        "baseline": text(finding.baseline),
        "entitled": text(finding.entitled),
        "due": text(finding.due),
        "supplied": supplied_text(finding),
        "gap": gap_text(finding),
        "status": finding.status.value,
        "possible": [status.value for status in finding.possible],
        "supplied_lower": text(finding.supplied_lower),
        "supplied_upper": text(finding.supplied_upper),
        "gap_value_monthly": text(finding.gap_value_monthly),
        "shortfall_value_monthly": text(finding.shortfall_value_monthly),
        "reason": None if finding.reason is None else finding.reason.text("en"),
        **provenance_outputs(finding),
        "settings": settings.to_props(),
        "version": PROVIDER_VERSION,
    }  # no timestamps: they change every run and would show on every resource (they are stack outputs)


def expansion_inputs(expansion: ExpansionStatus, supplied: Decimal | None, settings: Settings) -> dict[str, Any]:
    """An expansion's inputs: the line item supplied up to `required` by `due_at`, and its state now."""
    return {
        "expansion": expansion.id,
        "line_item": expansion.line_item.value,
        "quantity": text(expansion.quantity),
        "requested_at": expansion.requested_at.isoformat(),
        "due_at": expansion.due_at.isoformat(),
        "required": text(expansion.required),
        "supplied": text(supplied),
        "state": expansion.state.value,
        "fulfilled_at": expansion.fulfilled_at.isoformat() if expansion.fulfilled_at else None,
        "settings": settings.to_props(),
        "version": PROVIDER_VERSION,
    }  # time left changes every run: it is a stack output


def declaration_changed(olds: Mapping[str, Any], news: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    return any(olds.get(key) != news.get(key) for key in (*keys, *COMMON_DECLARED))


# -- the providers -----------------------------------------------------------------------------------------------


class _RecordingProvider(pulumi.dynamic.ResourceProvider):
    """Shared CRUD: record the inputs; never observe, never call a cloud API."""

    declared: ClassVar[tuple[str, ...]] = ()
    id_key: ClassVar[str] = ""

    def gap_open(self, inputs: Mapping[str, Any]) -> bool:
        """Whether tonight's inputs (the program's observation) show a gap the gate must fail on."""
        raise NotImplementedError

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=str(props[self.id_key]), outs=dict(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs=dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_=id_, outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changed = declaration_changed(olds, news, self.declared) or self.gap_open(news)
        return pulumi.dynamic.DiffResult(changes=changed, replaces=[], stables=[self.id_key])

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class LineItemProvider(_RecordingProvider):
    declared = LINE_ITEM_DECLARED
    id_key = "line_item"

    def gap_open(self, inputs: Mapping[str, Any]) -> bool:
        return shortfall_open(inputs)


def shortfall_open(inputs: Mapping[str, Any]) -> bool:
    """The gate: whether tonight's inputs show a line item that is or may be short. An unknown whose bounds rule
    a shortfall out passes; one without `possible` (written before bounds) may be short: it fails."""
    status = inputs.get("status")
    if status == Status.SHORT:
        return True
    if status != Status.UNKNOWN:
        return False
    possible = inputs.get("possible")
    return not isinstance(possible, list | tuple) or Status.SHORT.value in possible


class ExpansionProvider(_RecordingProvider):
    declared = EXPANSION_DECLARED
    id_key = "expansion"

    def gap_open(self, inputs: Mapping[str, Any]) -> bool:
        return inputs.get("state") == ExpansionState.OVERDUE


# -- the resources the program declares ------------------------------------------------------------------------


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
        super().__init__(LineItemProvider(), finding.line_item.value, line_item_inputs(finding, settings), opts)


class Expansion(pulumi.dynamic.Resource, module="reconciler", name="Expansion"):
    """One recorded expansion: type `pulumi-python:dynamic/reconciler:Expansion`, named by its id."""

    expansion: pulumi.Output[str]
    due_at: pulumi.Output[str]
    required: pulumi.Output[str]
    supplied: pulumi.Output[str | None]
    state: pulumi.Output[str]

    def __init__(
        self,
        status: ExpansionStatus,
        supplied: Decimal | None,
        settings: Settings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(ExpansionProvider(), status.id, expansion_inputs(status, supplied, settings), opts)
