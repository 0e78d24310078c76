"""Indicative penalty exposure by clause (Annex 3 item 4, Art. 12.3, Art. 12.4): figures, never a legal conclusion.

Called by the reconcile core (`reconcile.assess`) with the findings, the tracked expansions and the earlier runs.
Pure. Every item carries its clause, formula, inputs, amount and the disclaimer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from reconciler.base.messages import message
from reconciler.base.money import arithmetic, plain, to_fen
from reconciler.contract.model import Contract, LineItemId, PenaltyRule
from reconciler.core.models import ExpansionState, ExpansionStatus, Exposure, ExposureItem, Finding, Status
from reconciler.core.runs import PastRun

DISCLAIMER = message("exposure_disclaimer")
EXPANSION_CLAUSE = "annex3.4"
DELAY_CLAUSE = "12.3"
ONE_EVENT_CLAUSE = "12.4"
FEE_READING = message("fee_reading")
DAY_RULE = message("day_rule")
OBSERVED_STATUSES = frozenset({Status.MET, Status.PENDING, Status.OVER, Status.SHORT, Status.ENDED})
"""A run with one of these statuses observed the line item and decided it; any other (unknown, not observed)
did not."""
ONE_DAY = timedelta(days=1)


def assess_exposure(
    contract: Contract,
    findings: Sequence[Finding],
    expansions: Sequence[ExpansionStatus],
    now: datetime,
    history: Sequence[PastRun] = (),
    planned: bool = False,
) -> Exposure:
    """Annex 3 item 4 for overdue expansions, Art. 12.3 for baseline shortfalls, Art. 12.4 between them. Of a
    planned change (`planned`) no Art. 12.3 delay: a change not yet applied delays nothing."""
    rules = {rule.clause: rule for rule in contract.penalties}
    runs = sorted((r for r in history if r.now <= now), key=lambda r: r.now)
    with arithmetic():
        items: list[ExposureItem] = []
        annex = rules.get(EXPANSION_CLAUSE)
        if annex is not None:
            items += [_expansion_item(contract, annex, e, now) for e in expansions if _late(e)]
        delay = rules.get(DELAY_CLAUSE)
        if delay is not None and not planned:
            items += [
                _delay_item(contract, delay, f, runs, now)
                for f in findings
                if f.status is Status.SHORT and f.supplied_upper is not None and f.supplied_upper < f.baseline
            ]
        if ONE_EVENT_CLAUSE in rules:
            items = _one_event(items)
        seq = {item.id: item.seq for item in contract.line_items}
        items = _delay_days_once(items, seq)
        items.sort(key=lambda i: (seq[i.line_item], i.clause != DELAY_CLAUSE, i.expansion or ""))
        total = sum((i.amount for i in items if i.counted), Decimal("0.00"))
    return Exposure.model_construct(total=total, items=items, disclaimer=DISCLAIMER)


def _late(expansion: ExpansionStatus) -> bool:
    """Overdue, or delivered late after a written notice (whether within the notice's time limit is unknown)."""
    if expansion.state is ExpansionState.OVERDUE:
        return True
    notice, fulfilled = expansion.notice_at, expansion.fulfilled_at
    return (
        expansion.state is ExpansionState.FULFILLED_LATE
        and notice is not None
        and fulfilled is not None
        and (notice <= fulfilled)
    )


def _expansion_item(contract: Contract, rule: PenaltyRule, expansion: ExpansionStatus, now: datetime) -> ExposureItem:
    coefficient = rule.coefficient or Decimal(0)
    months = contract.service_period.months
    inputs = {
        "fee": str(contract.total),
        "service_months": str(months),
        "coefficient": plain(coefficient),
        "due_at": expansion.due_at.isoformat(),
        "notice_at": "" if expansion.notice_at is None else expansion.notice_at.isoformat(),
        "fulfilled_at": "" if expansion.fulfilled_at is None else expansion.fulfilled_at.isoformat(),
    }
    amount = to_fen(contract.total / months * coefficient)
    formula = message("expansion_formula", fee=contract.total, months=months, coefficient=coefficient)
    notice = expansion.notice_at
    if notice is None or notice > now:
        applies, reasons = False, [message("no_notice")]
    elif expansion.fulfilled_at is not None:
        applies = False
        reasons = [message("delivered_late", at=expansion.fulfilled_at), message("late_amount_unknown")]
    else:
        applies = True
        reasons = [message("overdue_after_notice", due_at=expansion.due_at)]
    return ExposureItem.model_construct(
        clause=rule.clause,
        line_item=expansion.line_item,
        expansion=expansion.id,
        applies=applies,
        formula=formula,
        inputs=inputs,
        amount=amount if applies else Decimal("0.00"),
        days=None,
        termination_right=False,
        counted=applies,
        reasons=[*reasons, FEE_READING],
        not_counted=None,
    )


def _delay_item(
    contract: Contract, rule: PenaltyRule, finding: Finding, runs: Sequence[PastRun], now: datetime
) -> ExposureItem:
    rate = rule.rate or Decimal(0)
    first = _streak_start(finding, runs, now)
    [(_, _, days)] = delay_periods([(first, now)])
    threshold = rule.termination_after_days
    termination = threshold is not None and now - first >= timedelta(days=threshold)
    amount = delay_amount(contract, rule, days)
    since = message(
        "delay_since", supplied=finding.supplied_upper or Decimal(0), baseline=finding.baseline, first=first
    )
    reasons = [since, DAY_RULE]
    if termination:
        reasons.append(message("termination", days=threshold, clause=rule.clause))
    return ExposureItem.model_construct(
        clause=rule.clause,
        line_item=finding.line_item,
        expansion=None,
        applies=True,
        formula=message("delay_formula", total=contract.total, rate=rate, days=days),
        inputs={
            "contract_total": str(contract.total),
            "rate": plain(rate),
            "first_seen_short": first.isoformat(),
            "now": now.isoformat(),
            "days": str(days),
            "termination_after_days": "" if threshold is None else str(threshold),
        },
        amount=amount,
        days=days,
        termination_right=termination,
        counted=True,
        reasons=reasons,
        not_counted=None,
    )


def _streak_start(finding: Finding, runs: Sequence[PastRun], now: datetime) -> datetime:
    """The `now` of the first run of the current streak of runs showing the item short below its baseline (the
    current run, which shows it so, ends the sequence)."""
    key = finding.line_item.value

    def mark(run: PastRun) -> bool | None:
        status = run.statuses.get(key)
        upper = run.upper.get(key) if run.upper else run.supplied.get(key)
        lower = run.lower.get(key) if run.lower else run.supplied.get(key)
        if status is Status.UNKNOWN and lower is not None and lower >= finding.baseline:
            return False  # undecided, but certainly not short below the baseline: the streak is broken
        if not observed(status):
            return None
        return status is Status.SHORT and upper is not None and upper < finding.baseline

    marks = [*(mark(run) for run in runs), True]
    first, _, _ = shortfall_streaks(marks)[-1]
    return runs[first].now if first < len(runs) else now


def observed(status: Status | None) -> bool:
    """Whether a run with this status for a line item observed it (None: the run has no finding for it)."""
    return status in OBSERVED_STATUSES


def shortfall_streaks(marks: Sequence[bool | None]) -> list[tuple[int, int, int | None]]:
    """The streaks of a line item's runs, oldest first, each run marked True (short), False (not short) or None
    (the run could not observe the line item). A streak starts at a short run and ends at the first later run
    that was not short; runs that could not observe the item neither break nor extend it, so a failed source
    does not restart the day count. Returns (first short index, last short index, index of the run that ended
    it or None while it lasts) per streak."""
    result: list[tuple[int, int, int | None]] = []
    first: int | None = None
    last = 0
    for index, mark in enumerate(marks):
        if mark is True:
            if first is None:
                first = index
            last = index
        elif mark is False and first is not None:
            result.append((first, last, index))
            first = None
    if first is not None:
        result.append((first, last, None))
    return result


def delay_periods(streaks: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime, int]]:
    """Art. 12.3 days of delay covered by shortfall streaks, each day once ("每延期一日"), as delay periods
    (first, last, days), oldest first. A streak (first, last) runs from its first short run to its last; a period
    counts the whole days started since its first instant, floor((last - first) / 24 h) + 1, so one streak
    counts as the check counts it. A streak that begins before the period's counted days end (overlapping it or
    within its last counted day) belongs to that period; one that begins later starts a new period."""
    periods: list[tuple[datetime, datetime, int]] = []
    for first, last in sorted(streaks):
        if periods:
            start, end, days = periods[-1]
            if first < start + days * ONE_DAY:
                end = max(end, last)
                periods[-1] = (start, end, (end - start) // ONE_DAY + 1)
                continue
        periods.append((first, last, (last - first) // ONE_DAY + 1))
    return periods


def delay_amount(contract: Contract, rule: PenaltyRule, days: int) -> Decimal:
    """Art. 12.3 for `days` days of delay: contract total x rate x days, rounded half up to the fen."""
    with arithmetic():
        return to_fen(contract.total * (rule.rate or Decimal(0)) * days)


def _delay_days_once(items: list[ExposureItem], seq: dict[LineItemId, int]) -> list[ExposureItem]:
    """Art. 12.3 charges a day of the service's delay once, however many line items are short that day: of the
    delay items still counted, the longest streak counts (the first line item on a tie); the others' days lie
    within it and are listed, not counted."""
    delays = [n for n, i in enumerate(items) if i.clause == DELAY_CLAUSE and i.counted]
    if len(delays) < 2:
        return items
    longest = min(delays, key=lambda n: (-(items[n].days or 0), seq[items[n].line_item]))
    kept = items[longest]
    result = list(items)
    for n in delays:
        if n != longest:
            note = message("delay_days_once", line_item=kept.line_item, days=kept.days or 0)
            result[n] = result[n].model_copy(update={"counted": False, "not_counted": note})
    return result


def _one_event(items: list[ExposureItem]) -> list[ExposureItem]:
    """Art. 12.4: where one line item triggers both Art. 12.3 and Annex 3 item 4, only the heavier rule counts."""
    result = list(items)
    for line_item in {i.line_item for i in items}:
        delay = [n for n, i in enumerate(result) if i.line_item == line_item and i.clause == DELAY_CLAUSE]
        annex = [n for n, i in enumerate(result) if i.line_item == line_item and i.clause != DELAY_CLAUSE and i.applies]
        if not delay or not annex:
            continue
        delay_sum = sum((result[n].amount for n in delay), Decimal(0))
        annex_sum = sum((result[n].amount for n in annex), Decimal(0))
        keep, drop = (delay, annex) if delay_sum >= annex_sum else (annex, delay)
        heavier = result[keep[0]].clause
        heavier_amount = delay_sum if keep is delay else annex_sum
        for n in drop:
            result[n] = result[n].model_copy(
                update={
                    "counted": False,
                    "not_counted": message(
                        "one_event",
                        one_event=ONE_EVENT_CLAUSE,
                        heavier=heavier,
                        line_item=line_item,
                        amount=to_fen(heavier_amount),
                    ),
                }
            )
    return result
