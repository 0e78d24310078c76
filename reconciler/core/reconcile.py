"""The reconcile core: entitlement against measured supply, per line item, with status, gap and its value.

Called by the app's pipeline, the Pulumi integration and the reports (replaying a recorded run). Pure: `now` is
passed in, no I/O, and every list in the result is sorted so that the same inputs always give the same output.
The result models are in `models`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice, pairwise
from operator import eq
from typing import Final

from reconciler.base.messages import Message, message
from reconciler.base.money import arithmetic, to_fen
from reconciler.contract import deadlines
from reconciler.contract.model import Contract, LineItem
from reconciler.core.expansions import track
from reconciler.core.exposure import assess_exposure
from reconciler.core.meters import METER_BY_ITEM, Measurement, MeterPolicy, SetAsideGroup, Tally, measure
from reconciler.core.models import (
    ContractRef,
    Evidence,
    ExitCode,
    Finding,
    Reconciliation,
    SetAside,
    SourceSummary,
    Status,
    Summary,
    UnrecognizedInput,
    Verdict,
)
from reconciler.core.observation import Observation, SourceReport
from reconciler.core.runs import PastRun
from reconciler.dates.clock import CONTRACT_TZ

STALE_AFTER: Final = timedelta(hours=24)
"""An observation older than this at the check's `now` is reported as possibly out of date (nightly checks)."""
SKEW: Final = timedelta(minutes=5)
"""A live source stamps its observation after the check read the clock: that much later is the same moment."""
SAMPLE_REPEATED: Final = 5
"""Ids named in the warning about resources listed more than once."""


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
    warnings: list[Message] = []
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


def _repeated_ids(finding: Finding) -> Message | None:
    """A warning when one id counted more than once toward a line item (an export that lists a resource twice):
    found in the sorted evidence, so it costs no memory on a large observation."""
    if finding.evidence is None:
        return None
    ids = finding.evidence.contributing
    if not any(map(eq, ids, islice(ids, 1, None))):  # the common case, at C speed
        return None
    repeated = [a for a, b in pairwise(ids) if a == b]
    sample = list(dict.fromkeys(repeated[:SAMPLE_REPEATED]))
    return message("repeated_ids", count=len(repeated), line_item=finding.line_item, sample=sample)


def _freshness(observed_at: datetime, now: datetime) -> list[Message]:
    """A warning when the observation does not describe the moment checked: made after it, or a day before."""
    shown = observed_at.astimezone(CONTRACT_TZ)
    if observed_at > now + SKEW:
        return [message("observed_after_now", observed_at=shown, now=now)]
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
    failures = [
        message("source_error", source=s.name, text=s.failed[meter.kind]) for s in sources if meter.kind in s.failed
    ]
    if failures:
        return Finding(
            **common,
            supplied=None,
            gap=None,
            gap_value_monthly=None,
            status=Status.UNKNOWN,
            reason=message("source_failed", kind=meter.kind, failures=failures),
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


def _set_aside(groups: Iterable[SetAsideGroup]) -> list[SetAside]:
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
