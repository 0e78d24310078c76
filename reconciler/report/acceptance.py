"""The acceptance materials of Art. 6, built from recorded runs: the monthly operations report (运维服务月报)
and the service summary report (服务总结报告).

Called by `reconciler report --kind monthly|summary` with the contract's recorded runs. Pure: `as_of` (the
report's `--now`) is passed in; only what the runs recorded is counted, and days without a run are said so.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.base.messages import Message, message
from reconciler.base.money import arithmetic
from reconciler.contract.model import Contract
from reconciler.core.expansions import track
from reconciler.core.exposure import DELAY_CLAUSE, DISCLAIMER, delay_amount, delay_periods, observed, shortfall_streaks
from reconciler.core.models import ContractRef, ExpansionState, ExposureItem, Reconciliation, Status
from reconciler.core.reconcile import contract_ref
from reconciler.core.runs import RecordedRun
from reconciler.dates.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.history.replay import replay

Kind = Literal["monthly", "summary"]
DayStatus = Literal["met", "over", "short", "unknown", "no_run"]
Outcome = Literal["on_time", "late", "overdue", "open"]
SUPPLIED_STATUSES = frozenset({Status.MET, Status.PENDING, Status.OVER})
"""A run with one of these statuses saw at least what was due of the line item."""
ZERO = Decimal("0.00")
ACCEPTANCE_SCHEMA_ID: Final = "contract-reconciler/acceptance-report"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Coverage(_Frozen):
    """Which days of the window have at least one recorded run (days in Asia/Shanghai)."""

    first_day: date
    last_day: date
    days: int
    days_with_runs: int
    days_without_runs: int
    missing: list[str] = Field(description="days without a run, as single days or ranges first/last")
    runs: int
    days_short: int = Field(0, description="days on which any line item was short")
    days_over: int = Field(0, description="days on which a line item was over and none short")
    days_unknown: int = Field(0, description="days with runs on which a line item could not be decided")


class DayCounts(_Frozen):
    met: int = Field(
        description="days on which every run that observed the line item saw at least what was due and none more "
        "than the entitlement (met or pending); runs that could not observe it do not count"
    )
    over: int = Field(
        0, description="days on which no run found the line item short and a run that observed it found it over"
    )
    short: int = Field(description="days with at least one run showing the line item short")
    unknown: int = Field(description="days with runs, none of which could observe the line item")
    no_run: int = Field(description="days without any recorded run")


class Availability(_Frozen):
    """One line item's supply over the window, day by day."""

    line_item: str
    seq: int
    name_zh: str
    name_en: str
    unit: str
    days: DayCounts
    runs: int
    runs_short: int
    lowest_supplied: Decimal | None = Field(
        description="the lowest exact supply of the runs (bounds that differ are left out)"
    )
    largest_surplus: Decimal | None = Field(
        None, description="the largest surplus (supplied - entitled) a run found, certain from its bounds"
    )
    largest_surplus_value: Decimal | None = Field(None, description="that run's surplus value, CNY per month")
    entitled_at_end: Decimal | None = Field(description="entitled at the window's last run")
    supplied_at_end: Decimal | None = Field(description="supplied at the window's last run")


class Episode(_Frozen):
    """An unbroken stretch of runs showing a line item short (runs that could not observe it neither break
    nor extend it). It ends at the first later run that saw at least what was due."""

    line_item: str
    seq: int
    start: datetime = Field(description="the first run showing it short")
    start_run_id: int
    last_short: datetime = Field(description="the last run showing it short")
    end: datetime | None = Field(description="the first later run that saw it supplied; null while ongoing")
    end_run_id: int | None
    runs: int
    largest_gap: Decimal = Field(description="the most negative gap (supplied - entitled) seen in the episode")
    largest_gap_value: Decimal | None = Field(description="that run's gap value, CNY per month")


class ExpansionOutcome(_Frozen):
    id: str
    line_item: str
    quantity: Decimal
    requested_at: datetime
    due_at: datetime
    fulfilled_at: datetime | None = Field(description="the first recorded run that supplied it")
    state: ExpansionState = Field(description="as at the end of the window")
    outcome: Outcome


class ExposureAccrual(_Frozen):
    """One clause applied to one event (Annex 3 item 4: an expansion; Art. 12.3: a delay period, the union of
    the shortfall streaks that overlap, each day once): its counted amount at the window's end and what of it
    accrued inside."""

    clause: str
    line_item: str = Field(description="Art. 12.3: the line item of the delay's first streak")
    line_items: list[str] = Field(description="Art. 12.3: every line item whose streak lies in the delay")
    expansion: str | None
    since: datetime | None = Field(description="Art. 12.3: first run of the delay's first shortfall streak")
    days: int | None = Field(description="Art. 12.3: days of delay of the whole delay period, each day once")
    amount_at_end: Decimal = Field(description="counted amount at the last run up to the window's end")
    accrued: Decimal = Field(description="amount_at_end minus the counted amount before the window")
    formula: Message


class Incident(_Frozen):
    """A run during which a source failed: what it could not observe."""

    run_id: int
    now: datetime
    source: str
    failed: dict[str, Message] = Field(description="resource kind -> why it failed")
    unknown_line_items: list[str]


class SincePrevious(_Frozen):
    """Each line item's status at the window's last run against the last run before the window's last month (the
    end of the previous monthly report)."""

    previous_check: datetime = Field(description="the last run before the window's last month")
    before: dict[str, Status]
    after: dict[str, Status] = Field(description="at the window's last run")


class RunRow(_Frozen):
    run_id: int
    now: datetime
    verdict: str
    short: list[str]
    over: list[str]
    unknown: list[str]


class MonthRow(_Frozen):
    month: str
    days: int
    days_with_runs: int
    runs: int
    days_short: int = Field(description="days with at least one line item short")
    days_over: int = Field(0, description="days with a line item over and none short")
    incidents: int
    exposure_accrued: Decimal


class AcceptanceReport(_Frozen):
    """A monthly operations report or the service summary report; its JSON is the documented output."""

    schema_: Literal["contract-reconciler/acceptance-report"] = Field(ACCEPTANCE_SCHEMA_ID, alias="schema")
    version: Literal[2] = 2
    kind: Kind
    period: str = Field(description="YYYY-MM for a monthly report; first/last day of the service for a summary")
    window_start: datetime
    window_end: datetime = Field(description="exclusive; `as_of` when the period is not over yet")
    as_of: datetime
    complete: bool = Field(description="false when as_of falls before the end of the period")
    contract: ContractRef
    coverage: Coverage
    availability: list[Availability]
    episodes: list[Episode]
    expansions: list[ExpansionOutcome]
    exposure: list[ExposureAccrual]
    exposure_accrued: Decimal
    exposure_disclaimer: Message
    incidents: list[Incident]
    runs: list[RunRow] = Field(description="every run of the window (monthly report); empty in the summary")
    months: list[MonthRow] = Field(description="one row per month of the service (summary report); else empty")
    since_previous: SincePrevious | None = Field(
        None, description="what changed since the previous month's end; null without a run on either side"
    )
    warnings: list[Message]

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)


def monthly_report(
    contract: Contract, runs: Sequence[RecordedRun], year: int, month: int, as_of: datetime
) -> AcceptanceReport:
    """The monthly operations report of `year-month` as of `as_of`. ValueError when the month lies outside the
    service period or has not begun by `as_of`."""
    start, end = _month_window(contract, year, month, as_of)
    return _Builder(contract, runs, as_of).report("monthly", f"{year:04d}-{month:02d}", start, end)


def summary_report(contract: Contract, runs: Sequence[RecordedRun], as_of: datetime) -> AcceptanceReport:
    """The service summary report over the whole service period up to `as_of`. ValueError before the service."""
    period = contract.service_period
    start = start_of_day(period.start)
    if as_of <= start:
        raise ValueError(f"the service period begins on {period.start.isoformat()}, after {as_of.isoformat()}")
    end = min(end_of_day(period.end), as_of)
    label = f"{period.start.isoformat()}/{period.end.isoformat()}"
    return _Builder(contract, runs, as_of).report("summary", label, start, end)


def report_runs(report: AcceptanceReport, runs: Sequence[RecordedRun]) -> list[RecordedRun]:
    """The runs a report was built from: those of its window, ordered by `now` then run id, as its sections
    counted them (the window's end is exclusive unless it is the report's as-of instant)."""
    return _window_runs(_ordered(runs, report.as_of), report.window_start, report.window_end, report.as_of)


def service_months(contract: Contract) -> list[tuple[int, int]]:
    """Every (year, month) the service period touches, in order."""
    period = contract.service_period
    year, month = period.start.year, period.start.month
    months = []
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_window(contract: Contract, year: int, month: int, as_of: datetime) -> tuple[datetime, datetime]:
    period = contract.service_period
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    start = max(start_of_day(first), start_of_day(period.start))
    end = min(start_of_day(following), end_of_day(period.end))
    if start >= end:
        raise ValueError(
            f"{year:04d}-{month:02d} is outside the service period "
            f"{period.start.isoformat()} - {period.end.isoformat()}"
        )
    if as_of <= start:
        raise ValueError(f"{year:04d}-{month:02d} has not begun as of {as_of.isoformat()}")
    return start, min(end, as_of)


@dataclass
class _Builder:
    contract: Contract
    all_runs: Sequence[RecordedRun]
    as_of: datetime
    _replays: dict[int, Reconciliation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ordered = _ordered(self.all_runs, self.as_of)
        by_id = sorted(self.all_runs, key=lambda r: r.run_id)
        self._ids = [r.run_id for r in by_id]
        self._pasts = [r.past() for r in by_id]  # each run read as the core reads earlier runs, once

    def report(self, kind: Kind, period: str, start: datetime, end: datetime) -> AcceptanceReport:
        with arithmetic():
            return self._report(kind, period, start, end)

    def _report(self, kind: Kind, period: str, start: datetime, end: datetime) -> AcceptanceReport:
        inside = self._inside(start, end)
        days = _days(start, end)
        by_day: dict[date, list[RecordedRun]] = {}
        for run in inside:
            by_day.setdefault(in_contract_tz(run.now).date(), []).append(run)
        exposure = self._exposure(start, end)
        warnings: list[Message] = []
        complete = self.as_of >= self._period_end(kind, start)
        if not complete:
            warnings.append(message("period_not_over", as_of=self.as_of))
        missing_days = [d for d in days if d not in by_day]
        availability, totals = self._availability(inside, days, by_day)
        if missing_days:
            warnings.append(message("days_without_runs", missing=len(missing_days), days=len(days)))
        return AcceptanceReport(
            kind=kind,
            period=period,
            window_start=start,
            window_end=end,
            as_of=self.as_of,
            complete=complete,
            contract=contract_ref(self.contract),
            coverage=Coverage(
                first_day=days[0],
                last_day=days[-1],
                days=len(days),
                days_with_runs=len(days) - len(missing_days),
                days_without_runs=len(missing_days),
                missing=_ranges(missing_days),
                runs=len(inside),
                days_short=totals["short"],
                days_over=totals["over"],
                days_unknown=totals["unknown"],
            ),
            availability=availability,
            episodes=self._episodes(start, end),
            expansions=self._expansions(kind, start, end),
            exposure=exposure,
            exposure_accrued=sum((e.accrued for e in exposure), Decimal("0.00")),
            exposure_disclaimer=DISCLAIMER,
            incidents=[i for run in inside for i in _incidents(run)],
            runs=[_run_row(run) for run in inside] if kind == "monthly" else [],
            months=self._months(start, end) if kind == "summary" else [],
            since_previous=self._since_previous(inside, end),
            warnings=warnings,
        )

    def _period_end(self, kind: Kind, start: datetime) -> datetime:
        period_end = end_of_day(self.contract.service_period.end)
        if kind == "summary":
            return period_end
        day = in_contract_tz(start).date()
        following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
        return min(start_of_day(following), period_end)

    def _known(self, end: datetime) -> list[RecordedRun]:
        """Runs up to the window's end: before it, or at it when it is the report's as-of instant."""
        return _window_runs(self.ordered, None, end, self.as_of)

    def _inside(self, start: datetime, end: datetime) -> list[RecordedRun]:
        return _window_runs(self.ordered, start, end, self.as_of)

    def _replay(self, run: RecordedRun) -> Reconciliation:
        if run.run_id not in self._replays:
            earlier = self._pasts[: bisect_left(self._ids, run.run_id)]
            self._replays[run.run_id] = replay(self.contract, run, earlier)
        return self._replays[run.run_id]

    def _since_previous(self, inside: list[RecordedRun], end: datetime) -> SincePrevious | None:
        if not inside:
            return None
        last_month = start_of_day(in_contract_tz(end - timedelta(microseconds=1)).date().replace(day=1))
        earlier = [r for r in self.ordered if r.now < last_month]
        if not earlier or inside[-1].now < last_month:
            return None

        def statuses(run: RecordedRun) -> dict[str, Status]:
            return {str(rec["line_item"]): _decided_status(rec) for rec in run.findings}

        return SincePrevious(previous_check=earlier[-1].now, before=statuses(earlier[-1]), after=statuses(inside[-1]))

    def _availability(
        self, inside: list[RecordedRun], days: list[date], by_day: dict[date, list[RecordedRun]]
    ) -> tuple[list[Availability], dict[str, int]]:
        """Each line item's days and runs, and the days on which any line item was short, over (none short) or
        undecided."""
        result = []
        marks: dict[date, set[str]] = {day: set() for day in days}
        for item in self.contract.line_items:
            key = item.id.value
            counts = {"met": 0, "over": 0, "short": 0, "unknown": 0, "no_run": 0}
            for day in days:
                status = _day_status([_status(r, key) for r in by_day.get(day, [])])
                counts[status] += 1
                marks[day].add(status)
            records = [rec for r in inside for rec in r.findings if rec["line_item"] == key]
            supplied = [Decimal(str(rec["supplied"])) for rec in records if rec.get("supplied") is not None]
            last = records[-1] if records else None
            surpluses = [_surplus(rec) for rec in records if rec["status"] == Status.OVER]
            surplus = max((s for s in surpluses if s is not None), key=lambda s: s[0], default=None)
            result.append(
                Availability(
                    line_item=key,
                    seq=item.seq,
                    name_zh=item.name_zh,
                    name_en=item.name_en,
                    unit=item.unit.value,
                    days=DayCounts(**counts),
                    runs=len(records),
                    runs_short=sum(1 for rec in records if rec["status"] == Status.SHORT),
                    lowest_supplied=min(supplied) if supplied else None,
                    largest_surplus=None if surplus is None else surplus[0],
                    largest_surplus_value=None if surplus is None else surplus[1],
                    entitled_at_end=None if last is None else Decimal(str(last["entitled"])),
                    supplied_at_end=None
                    if last is None or last.get("supplied") is None
                    else Decimal(str(last["supplied"])),
                )
            )
        totals = {
            "short": sum(1 for m in marks.values() if "short" in m),
            "over": sum(1 for m in marks.values() if "over" in m and "short" not in m),
            "unknown": sum(1 for m in marks.values() if "unknown" in m),
        }
        return result, totals

    def _episodes(self, start: datetime, end: datetime) -> list[Episode]:
        """Every shortfall episode that overlaps the window, from all runs up to its end."""
        known = self._known(end)
        episodes: list[Episode] = []
        for item in self.contract.line_items:
            key = item.id.value
            records = [next((dict(rec) for rec in run.findings if rec["line_item"] == key), None) for run in known]
            statuses = [None if rec is None else _decided_status(rec) for rec in records]
            marks = [None if not observed(status) else status is Status.SHORT for status in statuses]
            for first, last, ended in shortfall_streaks(marks):
                short = [(known[n], rec) for n in range(first, last + 1) if marks[n] and (rec := records[n])]
                episodes.append(_episode(item.seq, key, short, None if ended is None else known[ended]))
        overlapping = [e for e in episodes if e.start < end and (e.end is None or e.end > start)]
        return sorted(overlapping, key=lambda e: (e.start, e.seq))

    def _expansions(self, kind: Kind, start: datetime, end: datetime) -> list[ExpansionOutcome]:
        past = [r.past() for r in self._known(end)]
        statuses = track(self.contract, {}, end, past)
        result = []
        for s in statuses:
            if s.requested_at >= end:
                continue
            if kind == "monthly" and s.fulfilled_at is not None and s.fulfilled_at < start:
                continue
            outcome: Outcome = (
                "on_time"
                if s.state is ExpansionState.FULFILLED_ON_TIME
                else "late"
                if s.state is ExpansionState.FULFILLED_LATE
                else "overdue"
                if s.state is ExpansionState.OVERDUE
                else "open"
            )
            result.append(
                ExpansionOutcome(
                    id=s.id,
                    line_item=s.line_item.value,
                    quantity=s.quantity,
                    requested_at=s.requested_at,
                    due_at=s.due_at,
                    fulfilled_at=s.fulfilled_at,
                    state=s.state,
                    outcome=outcome,
                )
            )
        return result

    def _exposure(self, start: datetime, end: datetime) -> list[ExposureAccrual]:
        """Per clause and event: the counted amount at the last run before the window and at the last one in it.
        Annex 3 item 4: per expansion. Art. 12.3: per delay period, the union of the shortfall streaks in force
        (`delay_periods`), so a day short on several line items or across several runs counts once."""
        before: dict[tuple[str, str, str], Decimal] = {}
        at_end: dict[tuple[str, str, str], ExposureAccrual] = {}
        streaks_before: dict[tuple[str, datetime], tuple[datetime, bool]] = {}
        streaks_at_end: dict[tuple[str, datetime], tuple[datetime, bool]] = {}
        for run in self._known(end):
            items = self._replay(run).exposure.items
            for item in items:
                if item.clause == DELAY_CLAUSE:
                    streak = (item.line_item.value, datetime.fromisoformat(item.inputs["first_seen_short"]))
                    streaks_at_end[streak] = (run.now, _in_force(item, items))
                    if run.now < start:
                        streaks_before[streak] = streaks_at_end[streak]
                    continue
                key = (item.clause, item.line_item.value, item.expansion or "")
                amount = item.amount if item.counted else Decimal("0.00")
                if run.now < start:
                    before[key] = amount
                    continue
                at_end[key] = ExposureAccrual(
                    clause=item.clause,
                    line_item=item.line_item.value,
                    line_items=[item.line_item.value],
                    expansion=item.expansion,
                    since=None,
                    days=item.days,
                    amount_at_end=amount,
                    accrued=amount,
                    formula=item.formula,
                )
        seq = {i.id.value: i.seq for i in self.contract.line_items}
        result = [
            e.model_copy(update={"accrued": e.amount_at_end - before.get(key, Decimal("0.00"))})
            for key, e in at_end.items()
        ]
        result += self._delays(start, streaks_before, streaks_at_end, seq)
        return sorted(
            result,
            key=lambda e: (
                seq.get(e.line_item, 0),
                e.clause,
                e.expansion or "",
                e.since.isoformat() if e.since else "",
            ),
        )

    def _delays(
        self,
        start: datetime,
        streaks_before: dict[tuple[str, datetime], tuple[datetime, bool]],
        streaks_at_end: dict[tuple[str, datetime], tuple[datetime, bool]],
        seq: dict[str, int],
    ) -> list[ExposureAccrual]:
        """Art. 12.3 per delay period known at the window's end that a run inside the window saw, minus the
        periods known before the window that began within it (a period before the window that no later period
        holds any more, e.g. after Art. 12.4 let an expansion's rule count instead, accrues minus its amount)."""
        rule = next((r for r in self.contract.penalties if r.clause == DELAY_CLAUSE), None)
        if rule is None:
            return []

        def spans(streaks: dict[tuple[str, datetime], tuple[datetime, bool]]) -> list[tuple[datetime, datetime]]:
            return [(since, last) for (_, since), (last, in_force) in streaks.items() if in_force]

        def row(
            streaks: dict[tuple[str, datetime], tuple[datetime, bool]], period: tuple[datetime, datetime, int]
        ) -> ExposureAccrual:
            first, last, days = period
            inside = sorted(
                ((since, seq.get(item, 0), item) for (item, since), (_, on) in streaks.items() if on),
                key=lambda s: (s[0], s[1]),
            )
            items = sorted({item for since, _, item in inside if first <= since <= last}, key=lambda i: seq.get(i, 0))
            amount = delay_amount(self.contract, rule, days)
            return ExposureAccrual(
                clause=DELAY_CLAUSE,
                line_item=next(item for since, _, item in inside if since == first),
                line_items=items,
                expansion=None,
                since=first,
                days=days,
                amount_at_end=amount,
                accrued=amount,
                formula=message("delay_formula", total=self.contract.total, rate=rule.rate or ZERO, days=days),
            )

        earlier = delay_periods(spans(streaks_before))
        result = []
        for period in delay_periods(spans(streaks_at_end)):
            held = [p for p in earlier if period[0] <= p[0] <= period[1]]
            earlier = [p for p in earlier if p not in held]
            accrual = row(streaks_at_end, period)
            accrued = accrual.amount_at_end - sum((row(streaks_before, p).amount_at_end for p in held), ZERO)
            if period[1] >= start or accrued:
                result.append(accrual.model_copy(update={"accrued": accrued}))
        for lost in earlier:  # no longer in force at the window's end
            gone = row(streaks_before, lost)
            result.append(gone.model_copy(update={"days": 0, "amount_at_end": ZERO, "accrued": -gone.amount_at_end}))
        return result

    def _months(self, start: datetime, end: datetime) -> list[MonthRow]:
        rows = []
        for year, month in service_months(self.contract):
            try:
                month_start, month_end = _month_window(self.contract, year, month, self.as_of)
            except ValueError:
                continue  # not begun yet
            month_end = min(month_end, end)
            inside = self._inside(month_start, month_end)
            days = _days(month_start, month_end)
            run_days = {in_contract_tz(r.now).date() for r in inside}
            short_days = {
                in_contract_tz(r.now).date() for r in inside if any(f["status"] == Status.SHORT for f in r.findings)
            }
            over_days = {
                in_contract_tz(r.now).date() for r in inside if any(f["status"] == Status.OVER for f in r.findings)
            }
            rows.append(
                MonthRow(
                    month=f"{year:04d}-{month:02d}",
                    days=len(days),
                    days_with_runs=len(run_days),
                    runs=len(inside),
                    days_short=len(short_days),
                    days_over=len(over_days - short_days),
                    incidents=sum(len(_incidents(r)) for r in inside),
                    exposure_accrued=sum((e.accrued for e in self._exposure(month_start, month_end)), Decimal("0.00")),
                )
            )
        return rows


def _ordered(runs: Sequence[RecordedRun], as_of: datetime) -> list[RecordedRun]:
    """The runs up to `as_of`, ordered by `now`, then run id."""
    return sorted((r for r in runs if r.now <= as_of), key=lambda r: (r.now, r.run_id))


def _window_runs(
    ordered: Sequence[RecordedRun], start: datetime | None, end: datetime, as_of: datetime
) -> list[RecordedRun]:
    """The runs from `start` (from the first when None) up to the window's end: before it, or at it when it is
    the report's as-of instant (the end is exclusive otherwise: a run at the next month's first instant belongs
    to the next month)."""
    return [r for r in ordered if (start is None or r.now >= start) and (r.now < end or r.now == end == as_of)]


def _days(start: datetime, end: datetime) -> list[date]:
    """The contract days the window [start, end) touches."""
    first = in_contract_tz(start).date()
    last = in_contract_tz(end - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _status(run: RecordedRun, key: str) -> Status | None:
    return next((_decided_status(rec) for rec in run.findings if rec["line_item"] == key), None)


def _decided_status(record: Mapping[str, Any]) -> Status:
    """A recorded finding's status for the day counts and shortfall episodes: an unknown that cannot be short
    (its bounds leave only pending, met or over) saw at least what was due, as `met` does; an unknown that may
    be short stays unknown: a day that was possibly short is not counted short."""
    status = Status(record["status"])
    if status is Status.UNKNOWN and record.get("possible") and Status.SHORT.value not in record["possible"]:
        return Status.MET
    return status


def _day_status(statuses: list[Status | None]) -> DayStatus:
    """A day's status from its runs' statuses of one line item: short if any run found it short (for certain);
    over if none did and a run that observed it found more than the entitlement; met if every run that observed
    it saw at least what was due and no more than entitled; unknown if none observed it; no_run without runs."""
    if not statuses:
        return "no_run"
    seen = [s for s in statuses if observed(s)]
    if not seen:
        return "unknown"
    if Status.SHORT in seen:
        return "short"
    return "over" if Status.OVER in seen else "met"


def _surplus(record: Mapping[str, Any]) -> tuple[Decimal, Decimal | None] | None:
    """An over run's certain surplus (its lower bound above the entitlement) and that surplus's monthly value."""
    lower = record.get("supplied_lower", record.get("supplied"))
    if lower is None:
        return None
    value = record.get("surplus_value_monthly")
    return Decimal(str(lower)) - Decimal(str(record["entitled"])), None if value is None else Decimal(str(value))


def _episode(
    seq: int, key: str, runs: list[tuple[RecordedRun, dict[str, object]]], ended_by: RecordedRun | None
) -> Episode:
    gaps = [(Decimal(str(rec["gap"])), rec.get("gap_value_monthly")) for _, rec in runs if rec.get("gap") is not None]
    largest = min(gaps, key=lambda g: g[0]) if gaps else (Decimal(0), None)
    return Episode(
        line_item=key,
        seq=seq,
        start=runs[0][0].now,
        start_run_id=runs[0][0].run_id,
        last_short=runs[-1][0].now,
        end=None if ended_by is None else ended_by.now,
        end_run_id=None if ended_by is None else ended_by.run_id,
        runs=len(runs),
        largest_gap=largest[0],
        largest_gap_value=None if largest[1] is None else Decimal(str(largest[1])),
    )


def _in_force(delay: ExposureItem, items: Sequence[ExposureItem]) -> bool:
    """Whether an Art. 12.3 item's days count at its run: not when Art. 12.4 let the same line item's Annex 3
    item 4 count instead (an item left uncounted only because a longer streak holds its days stays in force)."""
    return delay.counted or not any(
        i.line_item == delay.line_item and i.clause != DELAY_CLAUSE and i.counted for i in items
    )


def _incidents(run: RecordedRun) -> list[Incident]:
    unknown = [str(rec["line_item"]) for rec in run.findings if rec["status"] == Status.UNKNOWN]
    return [
        Incident(
            run_id=run.run_id, now=run.now, source=name, failed=dict(sorted(failed.items())), unknown_line_items=unknown
        )
        for name, failed in sorted(run.failed_sources.items())
    ]


def _run_row(run: RecordedRun) -> RunRow:
    def having(status: Status) -> list[str]:
        return [str(rec["line_item"]) for rec in run.findings if rec["status"] == status]

    return RunRow(
        run_id=run.run_id,
        now=run.now,
        verdict=run.verdict,
        short=having(Status.SHORT),
        over=having(Status.OVER),
        unknown=having(Status.UNKNOWN),
    )


def _ranges(days: list[date]) -> list[str]:
    """Consecutive days as first/last ranges: [1, 2, 3, 5] -> ["...-01/...-03", "...-05"]."""
    ranges: list[str] = []
    first = previous = None
    for day in days:
        if previous is not None and day == previous + timedelta(days=1):
            previous = day
            continue
        if first is not None and previous is not None:
            ranges.append(first.isoformat() if first == previous else f"{first.isoformat()}/{previous.isoformat()}")
        first = previous = day
    if first is not None and previous is not None:
        ranges.append(first.isoformat() if first == previous else f"{first.isoformat()}/{previous.isoformat()}")
    return ranges
