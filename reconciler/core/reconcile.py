"""The reconcile core: entitlement against measured supply, per line item, with status, gap and its value.

Called by the CLI's check, the Pulumi provider and the reports. Pure: `now` is passed in, no I/O,
and every list in the result is sorted so that the same inputs always give the same output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum
from itertools import islice, pairwise
from operator import eq
from typing import BinaryIO, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.base.messages import message
from reconciler.base.money import arithmetic, to_fen
from reconciler.contract import deadlines
from reconciler.contract.model import Contract, LineItem, LineItemId, Unit
from reconciler.core.changes import Changes
from reconciler.core.expansions import ExpansionStatus, track
from reconciler.core.exposure import Exposure, assess_exposure
from reconciler.core.meters import METER_BY_ITEM, Measurement, MeterPolicy, SetAsideRule, Shortfall, Tally, measure
from reconciler.core.observation import Observation, ResourceKind, SourceReport
from reconciler.core.runs import PastRun
from reconciler.dates.clock import CONTRACT_TZ


class Status(StrEnum):
    MET = "met"
    PENDING = "pending"
    SHORT = "short"
    OVER = "over"
    UNKNOWN = "unknown"
    NOT_OBSERVED = "not_observed"


class Verdict(StrEnum):
    OK = "ok"
    DRIFT = "drift"
    UNKNOWN = "unknown"


class ExitCode(IntEnum):
    """Fixed exit codes of `reconciler check`."""

    OK = 0
    DRIFT = 1
    INVALID_INPUT = 2
    SOURCE_FAILED = 3


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SetAside(Frozen):
    """Resources of the line item's kind that did not count, grouped by the rule that set them aside."""

    rule: SetAsideRule
    detail: str
    subject: str = Field(description="the value that failed the rule: an arch, a clock in GHz, a state")
    limit: str = Field(description="what the contract requires (x86_64, 2.4); empty for policy rules")
    count: int
    quantity: Decimal = Field(description="what they would have counted, in the line item's unit")
    ids: list[str]


class Evidence(Frozen):
    contributing_count: int
    contributing: list[str] = Field(description="ids of the resources counted as supplied, sorted")
    nonconforming: list[SetAside] = Field(description="resources failing a constraint written in the contract")
    excluded: list[SetAside] = Field(description="resources not counted by policy (e.g. terminated VMs)")


class Finding(Frozen):
    """One line item reconciled. gap = supplied - entitled (negative = short)."""

    line_item: LineItemId
    seq: int
    name_zh: str
    name_en: str
    unit: Unit
    unit_price: Decimal
    baseline: Decimal
    entitled: Decimal
    due: Decimal
    supplied: Decimal | None
    gap: Decimal | None
    status: Status
    gap_value_monthly: Decimal | None = Field(description="gap x unit price, CNY per month, rounded to the fen")
    measured_by: str
    reason: str | None = Field(None, description="why the status is unknown, not_observed or pending")
    evidence: Evidence | None


class UnrecognizedInput(Frozen):
    """Input the snapshot reader did not understand: it is reported and not counted."""

    what: Literal["kind", "field"]
    name: str
    kind: str
    count: int
    sample_ids: list[str]


class SourceSummary(Frozen):
    name: str
    detail: str
    covers: list[ResourceKind]
    failed: dict[str, str]
    resource_count: int
    unrecognized: list[UnrecognizedInput]


class Summary(Frozen):
    line_items: int
    by_status: dict[Status, int]
    shortfall_value_monthly: Decimal = Field(description="sum of gap values of short and pending line items")
    surplus_value_monthly: Decimal = Field(description="sum of gap values of line items over entitlement")
    resources_observed: int


class ContractRef(Frozen):
    title_zh: str
    title_en: str
    service_start: str
    service_end: str
    total: Decimal
    monthly_fee: Decimal


class Reconciliation(Frozen):
    """Everything `reconciler check` knows after one run; its JSON is the documented output format."""

    schema_: Literal["contract-reconciler/reconciliation"] = Field("contract-reconciler/reconciliation", alias="schema")
    version: Literal[1] = 1
    now: datetime
    observed_at: datetime
    contract: ContractRef
    sources: list[SourceSummary]
    findings: list[Finding]
    summary: Summary
    expansions: list[ExpansionStatus] = Field(description="every recorded expansion at now (expansions.track)")
    exposure: Exposure = Field(description="indicative penalty exposure by clause, not a legal conclusion")
    verdict: Verdict
    exit_code: ExitCode
    warnings: list[str]
    run_id: int | None = Field(None, description="the id the run history recorded this check under; null without")
    changes: Changes | None = Field(
        None, description="what changed since the previous recorded run; null on the first one or without history"
    )

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    def write_json(self, out: BinaryIO) -> None:
        """Write the documented JSON output (UTF-8, indented) one finding at a time, so that the evidence
        of a million resources is never held twice in memory. Same bytes as `model_dump_json(indent=2)`."""
        head = self.model_dump(mode="json", by_alias=True, exclude={"findings"})
        out.write(b"{")
        for number, name in enumerate(type(self).model_fields):
            key = "schema" if name == "schema_" else name
            out.write(b"," if number else b"")
            out.write(b'\n  "' + key.encode() + b'": ')
            if name == "findings":
                out.write(b"[")
                for index, finding in enumerate(self.findings):
                    text = finding.__pydantic_serializer__.to_json(finding, indent=2)
                    out.write(b",\n    " if index else b"\n    ")
                    _write_indented(out, text, b"    ")
                out.write(b"\n  ]" if self.findings else b"]")
            else:
                # a lone surrogate (from a "\\udc80" escape in the input) is written back as that escape
                text = json.dumps(head[key], indent=2, ensure_ascii=False).encode("utf-8", "backslashreplace")
                out.write(text.replace(b"\n", b"\n  "))
        out.write(b"\n}\n")

    def finding(self, item_id: LineItemId | str) -> Finding:
        for finding in self.findings:
            if finding.line_item == item_id:
                return finding
        raise KeyError(item_id)


INDENT_PIECE: Final = 1 << 20
"""Bytes re-indented at a time: a finding with a million ids is never copied whole."""


def _write_indented(out: BinaryIO, text: bytes, indent: bytes) -> None:
    """Write `text` with `indent` after every newline, a megabyte at a time (cut before a newline)."""
    start = 0
    while start < len(text):
        end = text.find(b"\n", start + INDENT_PIECE)
        end = len(text) if end < 0 else end
        out.write(text[start:end].replace(b"\n", b"\n" + indent))
        start = end


def contract_ref(contract: Contract) -> ContractRef:
    """How a reconciliation (and the history) names the contract it was made for."""
    return ContractRef(
        title_zh=contract.title_zh,
        title_en=contract.title_en,
        service_start=contract.service_period.start.isoformat(),
        service_end=contract.service_period.end.isoformat(),
        total=contract.total,
        monthly_fee=to_fen(contract.monthly_fee),
    )


def reconcile(
    contract: Contract,
    observation: Observation,
    now: datetime,
    policy: MeterPolicy | None = None,
    history: Sequence[PastRun] = (),
) -> Reconciliation:
    """Measure the observation's resources and assess them against the contract at `now`."""
    return assess(contract, observation, measure(contract, observation.resources, policy), now, history)


def assess(
    contract: Contract,
    observation: Observation,
    measurement: Measurement,
    now: datetime,
    history: Sequence[PastRun] = (),
) -> Reconciliation:
    """The verdict on a measurement: per line item entitled, due, supplied, gap, status and value; the
    expansions' states and the indicative exposure, both using the earlier runs of `history` (oldest first)."""
    with arithmetic():
        return _assess(contract, observation, measurement, now, history)


def _assess(
    contract: Contract, observation: Observation, measurement: Measurement, now: datetime, history: Sequence[PastRun]
) -> Reconciliation:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    warnings: list[str] = []
    started = deadlines.service_started(contract, now)
    ended = deadlines.service_ended(contract, now)
    if not started:
        warnings.append(message("service_not_started", start=contract.service_period.start))
    warnings += _freshness(observation.observed_at, now)
    if ended:
        warnings.append(message("service_ended", end=contract.service_period.end))
    findings = [
        _finding(contract, item, measurement.tallies[item.id], observation.sources, now, started, ended)
        for item in contract.line_items
    ]
    findings.sort(key=lambda f: f.seq)
    warnings += [w for f in findings if (w := _repeated_ids(f)) is not None]
    by_status = {status: sum(1 for f in findings if f.status is status) for status in Status}
    summary = Summary(
        line_items=len(findings),
        by_status=by_status,
        shortfall_value_monthly=sum(
            (
                f.gap_value_monthly
                for f in findings
                if f.status in (Status.SHORT, Status.PENDING) and f.gap_value_monthly is not None
            ),
            Decimal("0.00"),
        ),
        surplus_value_monthly=sum(
            (f.gap_value_monthly for f in findings if f.status is Status.OVER and f.gap_value_monthly is not None),
            Decimal("0.00"),
        ),
        resources_observed=measurement.resource_count,
    )
    verdict, exit_code = _verdict(by_status)
    expansions = track(contract, {f.line_item.value: f.supplied for f in findings}, now, history)
    return Reconciliation(
        now=now,
        observed_at=observation.observed_at.astimezone(CONTRACT_TZ),  # one zone in every report: Beijing
        contract=contract_ref(contract),
        sources=[_source_summary(s) for s in observation.sources],
        findings=findings,
        summary=summary,
        expansions=expansions,
        exposure=assess_exposure(contract, findings, expansions, now, history),
        verdict=verdict,
        exit_code=exit_code,
        warnings=warnings,
    )


STALE_AFTER: Final = timedelta(hours=24)
"""An observation older than this at the check's `now` is reported as possibly out of date (nightly checks)."""


def _repeated_ids(finding: Finding) -> str | None:
    """A warning when one id counted more than once toward a line item (an export that lists a resource twice):
    found in the sorted evidence, so it costs no memory on a large observation."""
    if finding.evidence is None:
        return None
    ids = finding.evidence.contributing
    if not any(map(eq, ids, islice(ids, 1, None))):  # the common case, at C speed
        return None
    repeated = [a for a, b in pairwise(ids) if a == b]
    sample = ", ".join(dict.fromkeys(repeated[:SAMPLE_REPEATED]))
    return message("repeated_ids", count=len(repeated), line_item=finding.line_item.value, sample=sample)


SAMPLE_REPEATED: Final = 5

SKEW: Final = timedelta(minutes=5)
"""A live source stamps its observation after the check read the clock: that much later is the same moment."""


def _freshness(observed_at: datetime, now: datetime) -> list[str]:
    """A warning when the observation does not describe the moment checked: made after it, or a day before."""
    shown = observed_at.astimezone(CONTRACT_TZ).isoformat()
    if observed_at > now + SKEW:
        return [message("observed_after_now", observed_at=shown, now=now.isoformat())]
    if now - observed_at > STALE_AFTER:
        hours = (now - observed_at) // timedelta(hours=1)
        return [message("stale_observation", observed_at=shown, hours=hours)]
    return []


def _verdict(by_status: dict[Status, int]) -> tuple[Verdict, ExitCode]:
    """A definite shortfall or surplus is never masked by a failed source: drift (1) before unknown (3)."""
    if by_status[Status.SHORT] or by_status[Status.OVER]:
        return Verdict.DRIFT, ExitCode.DRIFT
    if by_status[Status.UNKNOWN]:
        return Verdict.UNKNOWN, ExitCode.SOURCE_FAILED
    return Verdict.OK, ExitCode.OK


def _finding(
    contract: Contract,
    item: LineItem,
    tally: Tally,
    sources: Iterable[SourceReport],
    now: datetime,
    started: bool,
    ended: bool,
) -> Finding:
    meter = METER_BY_ITEM[item.id]
    expansions = [e for e in contract.expansions_for(item.id) if e.requested_at <= now]  # known as of now
    entitled = Decimal(0) if ended else item.quantity + sum((e.quantity for e in expansions), Decimal(0))
    overdue = [e for e in expansions if deadlines.expansion_due_at(contract, e) <= now]
    due = Decimal(0) if ended or not started else item.quantity + sum((e.quantity for e in overdue), Decimal(0))
    common = {
        "line_item": item.id,
        "seq": item.seq,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "unit": item.unit,
        "unit_price": item.unit_price,
        "baseline": item.quantity,
        "entitled": entitled,
        "due": due,
        "measured_by": meter.description,
    }
    failures = [s.failed[meter.kind] for s in sources if meter.kind in s.failed]
    if failures:
        return Finding(
            **common,
            supplied=None,
            gap=None,
            gap_value_monthly=None,
            status=Status.UNKNOWN,
            reason=message("source_failed", kind=meter.kind, failures="; ".join(failures)),
            evidence=None,
        )
    if not any(meter.kind in s.covers for s in sources):
        return Finding(
            **common,
            supplied=None,
            gap=None,
            gap_value_monthly=None,
            status=Status.NOT_OBSERVED,
            reason=message("not_observed", kind=meter.kind),
            evidence=None,
        )
    supplied = tally.supplied
    gap = supplied - entitled
    reason = None
    if supplied < due:
        status = Status.SHORT
    elif supplied < entitled:
        status = Status.PENDING
        reason = message("pending_expansions" if started else "pending_not_started")
    elif supplied > entitled:
        status = Status.OVER
    else:
        status = Status.MET
    return Finding(
        **common,
        supplied=supplied,
        gap=gap,
        gap_value_monthly=to_fen(gap * item.unit_price),
        status=status,
        reason=reason,
        evidence=_evidence(tally),
    )


def _evidence(tally: Tally) -> Evidence:
    """The tally's ids sorted in place and handed over without validation (they are the meters' own lists):
    a million ids are then held once, not copied (peak memory of a large check)."""
    tally.contributing.sort()
    return Evidence.model_construct(
        contributing_count=len(tally.contributing),
        contributing=tally.contributing,
        nonconforming=_set_aside(tally.nonconforming.values()),
        excluded=_set_aside(tally.excluded.values()),
    )


def _set_aside(groups: Iterable[Shortfall]) -> list[SetAside]:
    for group in groups:
        group.ids.sort()
    return sorted(
        (
            SetAside.model_construct(  # the meters' own values: no validation, no copy of the ids
                rule=g.rule,
                detail=g.detail,
                subject=g.subject,
                limit=g.limit,
                count=len(g.ids),
                quantity=g.quantity,
                ids=g.ids,
            )
            for g in groups
        ),
        key=lambda s: (s.rule, s.subject),
    )


def _source_summary(source: SourceReport) -> SourceSummary:
    return SourceSummary(
        name=source.name,
        detail=source.detail,
        covers=sorted(source.covers),
        failed=dict(sorted(source.failed.items())),
        resource_count=source.resource_count,
        unrecognized=[
            UnrecognizedInput(what=u.what, name=u.name, kind=u.kind, count=u.count, sample_ids=list(u.sample_ids))
            for u in sorted(source.unrecognized, key=lambda u: (u.what, u.kind, u.name))
        ],
    )
