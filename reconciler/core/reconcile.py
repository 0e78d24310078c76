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
from typing import Any, Final

from reconciler.base.messages import Message, joined, message
from reconciler.base.money import arithmetic, to_fen
from reconciler.contract import deadlines
from reconciler.contract.model import Contract, LineItem, LineItemId
from reconciler.core import attestations as attested
from reconciler.core import bounds
from reconciler.core.attestations import Attestation
from reconciler.core.expansions import track
from reconciler.core.exposure import assess_exposure
from reconciler.core.meters import (
    METER_BY_ITEM,
    Measurement,
    MeterPolicy,
    SetAsideGroup,
    Tally,
    UncertainGroup,
    attributes_read,
    measure,
)
from reconciler.core.models import (
    BOUND_FIGURES,
    AttestationRef,
    AttestationState,
    ContractRef,
    Evidence,
    Finding,
    Provenance,
    Reconciliation,
    SetAside,
    SourceSummary,
    Status,
    Summary,
    TableEntryRef,
    Uncertain,
    UnrecognizedInput,
)
from reconciler.core.observation import Observation, SourceReport
from reconciler.core.runs import PastRun
from reconciler.dates.clock import CONTRACT_TZ, start_of_day

STALE_AFTER: Final = timedelta(hours=24)
"""An observation older than this at the check's `now` is reported as possibly out of date (nightly checks)."""
SKEW: Final = timedelta(minutes=5)
"""A live source stamps its observation after the check read the clock: that much later is the same moment."""
SAMPLE_REPEATED: Final = 5
"""Ids named in the warning about resources listed more than once."""


def contract_ref(contract: Contract) -> ContractRef:
    """How a reconciliation (and the history) names the contract it was made for."""
    return ContractRef.model_construct(
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
    attestations: Sequence[Attestation] = (),
) -> Reconciliation:
    """Measure the observation's resources and assess them against the contract at `now`."""
    measurement = measure(contract, observation.resources, policy)
    return assess(contract, observation, measurement, now, history, attestations)


def assess(
    contract: Contract,
    observation: Observation,
    measurement: Measurement,
    now: datetime,
    history: Sequence[PastRun] = (),
    attestations: Sequence[Attestation] = (),
) -> Reconciliation:
    """The verdict on a measurement: per line item entitled, due, supplied, gap, status and value; the
    expansions' states and the indicative exposure, both using the earlier runs of `history` (oldest first).
    `attestations` supply the line items no source observes (core.attestations)."""
    with arithmetic():
        return _assess(contract, observation, measurement, now, history, attestations)


def _assess(
    contract: Contract,
    observation: Observation,
    measurement: Measurement,
    now: datetime,
    history: Sequence[PastRun],
    attestations: Sequence[Attestation],
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
        warnings.append(_ended_note(contract, now))
    planned = any(source.planned for source in observation.sources)
    if planned:
        warnings.append(message("plan_not_a_delay"))
    observed = frozenset(item.id for item in contract.line_items if _observed(item.id, observation.sources))
    refs = attested.references(attestations, now, observed)
    warnings += _attestation_notes(contract, refs, now)
    findings = [
        _finding(
            contract,
            item,
            measurement.tallies[item.id],
            observation.sources,
            now,
            started,
            ended,
            [ref for ref in refs if ref.line_item == item.id],
        )
        for item in contract.line_items
    ]
    findings.sort(key=lambda f: f.seq)
    warnings += [w for f in findings if (w := _repeated_ids(f)) is not None]
    warnings += [w for f in findings if (w := _disagreement(f)) is not None]
    summary = summarize(findings, measurement.resource_count)
    verdict, exit_code = bounds.verdict(findings)
    expansions = track(contract, {f.line_item.value: f.supplied_lower for f in findings}, now, history)
    return Reconciliation.model_construct(
        now=now,
        observed_at=observation.observed_at.astimezone(CONTRACT_TZ),  # one zone in every report: Beijing
        contract=contract_ref(contract),
        sources=[_source_summary(s) for s in observation.sources],
        findings=findings,
        summary=summary,
        expansions=expansions,
        exposure=assess_exposure(contract, findings, expansions, now, history, planned),
        verdict=verdict,
        exit_code=exit_code,
        warnings=warnings,
        attestations=refs,
    )


def _observed(item_id: LineItemId, sources: Iterable[SourceReport]) -> bool:
    """Whether a source observed the line item's kind (covered it, or tried: failed or incomplete)."""
    kind = METER_BY_ITEM[item_id].kind
    return any(kind in s.covers or kind in s.failed or kind in s.incomplete for s in sources)


def _attestation_notes(contract: Contract, refs: Sequence[AttestationRef], now: datetime) -> list[Message]:
    """Warnings about the attestations themselves: one expiring soon, one expired, one dated after `now`."""
    units = {item.id: item.unit for item in contract.line_items}
    notes = []
    for ref in refs:
        values = {
            "id": ref.id,
            "line_item": ref.line_item,
            "quantity": ref.quantity,
            "unit": units[ref.line_item],
            "attested_by": ref.attested_by,
            "valid_until": ref.valid_until,
        }
        if ref.state is AttestationState.EXPIRING:
            days = (ref.valid_until - now) // timedelta(days=1)
            notes.append(message("attestation_expiring", days=days, **values))
        elif ref.state is AttestationState.EXPIRED:
            notes.append(message("attestation_expired", **values))
        elif ref.state is AttestationState.NOT_YET:
            notes.append(
                message("attestation_not_yet", id=ref.id, line_item=ref.line_item, attested_at=ref.attested_at)
            )
    return notes


def _disagreement(finding: Finding) -> Message | None:
    """A warning when a line item some source observed is also attested, and the attested total lies outside
    the observed bounds: the observed figure counts."""
    provenance = finding.provenance
    if provenance is None or provenance.supplied_by != "observed" or finding.supplied_lower is None:
        return None
    total = attested.outside(provenance.attestations, finding.supplied_lower, finding.supplied_upper)
    if total is None:
        return None
    lower, upper = finding.supplied_lower, finding.supplied_upper
    if upper == lower:
        observed = message("supply_exact", quantity=lower)
    elif upper is None:
        observed = message("supply_at_least", lower=lower)
    else:
        observed = message("supply_between", lower=lower, upper=upper)
    ids = [ref.id for ref in provenance.attestations if ref.state in attested.COUNTING]
    return message("attestation_disagrees", line_item=finding.line_item, observed=observed, attested=total, ids=ids)


def summarize(findings: Sequence[Finding], resources_observed: int) -> Summary:
    """The totals of the findings: counts by status and the values per month. The headline shortfall counts only
    what is overdue (supplied below due) and certain from the bounds; what is pending (short only of expansions
    still inside their deadline) is beside it, with the earliest deadline."""

    def total(values: Iterable[Decimal | None]) -> Decimal:
        return sum((v for v in values if v is not None), Decimal("0.00"))

    surplus_open = any(f.surplus_value_monthly is not None and f.surplus_value_possible is None for f in findings)
    deadlines_ = [f.pending_due_at for f in findings if f.pending_due_at is not None]
    return Summary.model_construct(
        line_items=len(findings),
        by_status={status: sum(1 for f in findings if f.status is status) for status in Status},
        shortfall_value_monthly=total(f.shortfall_value_monthly for f in findings),
        shortfall_value_possible=total(f.shortfall_value_possible for f in findings),
        pending_value_monthly=total(f.pending_value_monthly for f in findings),
        pending_value_possible=total(f.pending_value_possible for f in findings),
        pending_due_at=min(deadlines_) if deadlines_ else None,
        surplus_value_monthly=total(f.surplus_value_monthly for f in findings),
        surplus_value_possible=None if surplus_open else total(f.surplus_value_possible for f in findings),
        resources_observed=resources_observed,
    )


def _ended_note(contract: Contract, now: datetime) -> Message:
    switch_over = deadlines.switch_over(contract)
    key = "service_ended" if now < switch_over.due_at else "service_ended_switch_over_over"
    return message(key, end=contract.service_period.end, switch_over_end=switch_over.last_day)


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


def _finding(
    contract: Contract,
    item: LineItem,
    tally: Tally,
    sources: Iterable[SourceReport],
    now: datetime,
    started: bool,
    ended: bool,
    attestations: Sequence[AttestationRef] = (),
) -> Finding:
    meter = METER_BY_ITEM[item.id]
    kind = meter.kind
    expansions = [e for e in contract.expansions_for(item.id) if e.requested_at <= now]  # known as of now
    entitled = Decimal(0) if ended else item.quantity + sum((e.quantity for e in expansions), Decimal(0))
    due_times = {e.id: deadlines.expansion_due_at(contract, e) for e in expansions}
    overdue = [e for e in expansions if due_times[e.id] <= now]
    due = Decimal(0) if ended or not started else item.quantity + sum((e.quantity for e in overdue), Decimal(0))
    common: dict[str, Any] = {
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
    supply = _supply(item, tally, list(sources), attestations)
    if supply is None:
        return Finding.model_construct(
            **common,
            **_UNMEASURED,
            status=Status.NOT_OBSERVED,
            possible=[],
            reason=message("not_observed", kind=kind),
            evidence=None,
        )
    lower, upper, reasons, evidence, provenance = supply
    exact = lower if upper == lower else None
    if ended:
        reasons.insert(0, message("ended_item", end=contract.service_period.end))
        zero = Decimal("0.00")
        return Finding.model_construct(
            **common,
            supplied=exact,
            supplied_lower=lower,
            supplied_upper=upper,
            gap=None,
            gap_value_monthly=None,
            status=Status.ENDED,
            possible=[Status.ENDED],
            shortfall_value_monthly=zero,
            shortfall_value_possible=zero,
            pending_value_monthly=zero,
            pending_value_possible=zero,
            pending_due_at=None,
            surplus_value_monthly=zero,
            surplus_value_possible=zero,
            reason=joined(reasons),
            evidence=evidence,
            provenance=provenance,
        )
    possible = bounds.possible_statuses(lower, upper, due, entitled)
    status = bounds.decided(possible)
    if status is Status.UNKNOWN:
        reasons.append(message(f"outcome_{possible[0].value}_{possible[-1].value}"))
    elif status is Status.PENDING:
        reasons.insert(0, message("pending_expansions" if started else "pending_not_started"))
    price = item.unit_price
    short_certain, short_possible = bounds.shortfall_quantities(lower, upper, due)
    pending_certain, pending_possible = bounds.pending_quantities(lower, upper, due, entitled)
    surplus_certain, surplus_possible = bounds.surplus_quantities(lower, upper, entitled)
    if pending_possible < 0:
        upcoming = [t for t in due_times.values() if t > now]
        if not started:
            upcoming.append(start_of_day(contract.service_period.start))
        pending_due_at = min(upcoming) if upcoming else None
    else:
        pending_due_at = None
    return Finding.model_construct(
        **common,
        supplied=exact,
        supplied_lower=lower,
        supplied_upper=upper,
        gap=None if exact is None else exact - entitled,
        gap_value_monthly=None if exact is None else to_fen((exact - entitled) * price),
        status=status,
        possible=possible,
        shortfall_value_monthly=to_fen(short_certain * price),
        shortfall_value_possible=to_fen(short_possible * price),
        pending_value_monthly=to_fen(pending_certain * price),
        pending_value_possible=to_fen(pending_possible * price),
        pending_due_at=pending_due_at,
        surplus_value_monthly=to_fen(surplus_certain * price),
        surplus_value_possible=None if surplus_possible is None else to_fen(surplus_possible * price),
        reason=joined(reasons),
        evidence=evidence,
        provenance=provenance,
    )


def _table_entries(sources: Iterable[SourceReport], kind: str, read: frozenset[str]) -> list[TableEntryRef]:
    """The table entries of the sources that decided an attribute `read` of resources of `kind`."""
    refs = [
        TableEntryRef(
            source=source.name,
            table=entry.table,
            key=entry.key,
            values=dict(entry.values),
            origin=entry.origin,
            evidence=entry.evidence,
            resources=entry.count,
            sample_ids=list(entry.sample_ids),
        )
        for source in sources
        for entry in source.table_entries
        if entry.kind == kind and read.intersection(entry.attributes)
    ]
    return sorted(refs, key=lambda ref: (ref.source, ref.table, ref.key))


def _supply(
    item: LineItem, tally: Tally, sources: list[SourceReport], attestations: Sequence[AttestationRef]
) -> tuple[Decimal, Decimal | None, list[Message], Evidence | None, Provenance] | None:
    """The line item's supply bounds, the reasons they differ, its evidence and provenance: observed when a
    source observes its kind (tried to: failed or incomplete leave the upper bound open), else attested when an
    attestation counts or has expired; None when neither (not observed)."""
    meter = METER_BY_ITEM[item.id]
    kind = meter.kind
    failures = [message("source_error", source=s.name, reason=s.failed[kind]) for s in sources if kind in s.failed]
    incomplete = [
        message("source_error", source=s.name, reason=s.incomplete[kind]) for s in sources if kind in s.incomplete
    ]
    observers = [s for s in sources if kind in s.covers or kind in s.failed or kind in s.incomplete]
    reasons: list[Message] = []
    if observers:
        provenance = Provenance.model_construct(
            supplied_by="observed",
            sources=[s.name for s in observers],
            table_entries=_table_entries(observers, kind, attributes_read(meter, item.constraints)),
            attestations=list(attestations),
        )
        if failures:
            reasons.append(message("source_failed", kind=kind, failures=failures))
        if incomplete:
            reasons.append(message("listing_incomplete", kind=kind, reasons=incomplete))
        upper = None if failures or incomplete else tally.upper
        return tally.supplied, upper, reasons, _evidence(tally, meter.per_unit), provenance
    given = attested.attested_bounds(attestations)
    if given is None:
        return None
    expired = [ref.id for ref in attestations if ref.state is AttestationState.EXPIRED]
    if expired:
        reasons.append(message("attestation_unknown", line_item=item.id, ids=expired))
    provenance = Provenance.model_construct(
        supplied_by="attested", sources=[], table_entries=[], attestations=list(attestations)
    )
    return given[0], given[1], reasons, None, provenance


_UNMEASURED: Final[dict[str, Any]] = dict.fromkeys(("supplied", "gap", "gap_value_monthly", *BOUND_FIGURES))


def _evidence(tally: Tally, per_unit: Decimal) -> Evidence:
    """The tally's ids sorted in place and handed over without validation (they are the meters' own lists):
    a million ids are then held once, not copied (peak memory of a large check)."""
    tally.contributing.sort()
    return Evidence.model_construct(
        contributing_count=len(tally.contributing),
        contributing=tally.contributing,
        nonconforming=_set_aside(tally.nonconforming.values()),
        excluded=_set_aside(tally.excluded.values()),
        uncertain=[_uncertain(group, per_unit) for group in tally.uncertain.values()],
    )


def _uncertain(group: UncertainGroup, per_unit: Decimal) -> Uncertain:
    group.ids.sort()
    return Uncertain.model_construct(
        counts="certainly" if group.certain else "possibly",
        unknown=list(group.unknown),
        count=len(group.ids),
        quantity=group.quantity / per_unit if group.bounded else None,
        ids=group.ids,
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
    return SourceSummary.model_construct(
        name=source.name,
        detail=source.detail,
        covers=sorted(source.covers),
        failed=dict(sorted(source.failed.items())),
        incomplete=dict(sorted(source.incomplete.items())),
        resource_count=source.resource_count,
        unrecognized=[
            UnrecognizedInput.model_construct(
                what=u.what, name=u.name, kind=u.kind, count=u.count, sample_ids=list(u.sample_ids)
            )
            for u in sorted(source.unrecognized, key=lambda u: (u.what, u.kind, u.name))
        ],
    )
