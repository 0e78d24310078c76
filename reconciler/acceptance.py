"""The acceptance materials of Art. 6, built from recorded runs: the monthly operations report (运维服务月报)
and the service summary report (服务总结报告).

Called by `reconciler report --kind monthly|summary` with the contract's recorded runs. Pure: `as_of` (the
report's `--now`) is passed in; only what the runs recorded is counted, and days without a run are said so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.contract.model import Contract
from reconciler.expansions import ExpansionState, track
from reconciler.exposure import DISCLAIMER
from reconciler.messages import message
from reconciler.money import arithmetic
from reconciler.reconcile import ContractRef, Reconciliation, contract_ref
from reconciler.replay import replay
from reconciler.runs import RecordedRun

Kind = Literal["monthly", "summary"]
DayStatus = Literal["met", "short", "unknown", "no_run"]
Outcome = Literal["on_time", "late", "overdue", "open"]
SUPPLIED_STATUSES = frozenset({"met", "pending", "over"})
"""A run with one of these statuses saw at least what was due of the line item."""
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


class DayCounts(_Frozen):
    met: int = Field(description="days whose runs all saw at least what was due (met, pending or over)")
    short: int = Field(description="days with at least one run showing the line item short")
    unknown: int = Field(description="days whose runs could not observe the line item (unknown, not observed)")
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
    lowest_supplied: Decimal | None
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
    """One clause applied to one event: its counted amount at the window's end and what of it accrued inside."""

    clause: str
    line_item: str
    expansion: str | None
    since: datetime | None = Field(description="Art. 12.3: first run of the shortfall streak")
    days: int | None = Field(description="Art. 12.3: days of delay at the last run that showed the item")
    amount_at_end: Decimal = Field(description="counted amount at the last run up to the window's end")
    accrued: Decimal = Field(description="amount_at_end minus the counted amount before the window")
    formula: str


class Incident(_Frozen):
    """A run during which a source failed: what it could not observe."""

    run_id: int
    now: datetime
    source: str
    failed: dict[str, str] = Field(description="resource kind -> failure")
    unknown_line_items: list[str]


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
    incidents: int
    exposure_accrued: Decimal


class AcceptanceReport(_Frozen):
    """A monthly operations report or the service summary report; its JSON is the documented output."""

    schema_: Literal["contract-reconciler/acceptance-report"] = Field(ACCEPTANCE_SCHEMA_ID, alias="schema")
    version: Literal[1] = 1
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
    exposure_disclaimer: str
    incidents: list[Incident]
    runs: list[RunRow] = Field(description="every run of the window (monthly report); empty in the summary")
    months: list[MonthRow] = Field(description="one row per month of the service (summary report); else empty")
    warnings: list[str]

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
        self.ordered = sorted((r for r in self.all_runs if r.now <= self.as_of), key=lambda r: (r.now, r.run_id))

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
        warnings = []
        complete = self.as_of >= self._period_end(kind, start)
        if not complete:
            warnings.append(message("period_not_over", as_of=self.as_of.isoformat()))
        missing_days = [d for d in days if d not in by_day]
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
            ),
            availability=self._availability(inside, days, by_day),
            episodes=self._episodes(start, end),
            expansions=self._expansions(kind, start, end),
            exposure=exposure,
            exposure_accrued=sum((e.accrued for e in exposure), Decimal("0.00")),
            exposure_disclaimer=DISCLAIMER,
            incidents=[i for run in inside for i in _incidents(run)],
            runs=[_run_row(run) for run in inside] if kind == "monthly" else [],
            months=self._months(start, end) if kind == "summary" else [],
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
        return [r for r in self.ordered if r.now < end or (r.now == end == self.as_of)]

    def _inside(self, start: datetime, end: datetime) -> list[RecordedRun]:
        return [r for r in self._known(end) if r.now >= start]

    def _replay(self, run: RecordedRun) -> Reconciliation:
        if run.run_id not in self._replays:
            earlier = [r.past() for r in self.all_runs if r.run_id < run.run_id]
            self._replays[run.run_id] = replay(self.contract, run, earlier)
        return self._replays[run.run_id]

    def _availability(
        self, inside: list[RecordedRun], days: list[date], by_day: dict[date, list[RecordedRun]]
    ) -> list[Availability]:
        result = []
        for item in self.contract.line_items:
            key = item.id.value
            counts = {"met": 0, "short": 0, "unknown": 0, "no_run": 0}
            for day in days:
                counts[_day_status([_status(r, key) for r in by_day.get(day, [])])] += 1
            records = [rec for r in inside for rec in r.findings if rec["line_item"] == key]
            supplied = [Decimal(str(rec["supplied"])) for rec in records if rec.get("supplied") is not None]
            last = records[-1] if records else None
            result.append(
                Availability(
                    line_item=key,
                    seq=item.seq,
                    name_zh=item.name_zh,
                    name_en=item.name_en,
                    unit=item.unit.value,
                    days=DayCounts(**counts),
                    runs=len(records),
                    runs_short=sum(1 for rec in records if rec["status"] == "short"),
                    lowest_supplied=min(supplied) if supplied else None,
                    entitled_at_end=None if last is None else Decimal(str(last["entitled"])),
                    supplied_at_end=None
                    if last is None or last.get("supplied") is None
                    else Decimal(str(last["supplied"])),
                )
            )
        return result

    def _episodes(self, start: datetime, end: datetime) -> list[Episode]:
        """Every shortfall episode that overlaps the window, from all runs up to its end."""
        known = self._known(end)
        episodes: list[Episode] = []
        for item in self.contract.line_items:
            key = item.id.value
            current: list[tuple[RecordedRun, dict[str, object]]] = []
            for run in known:
                record = next((dict(rec) for rec in run.findings if rec["line_item"] == key), None)
                status = None if record is None else str(record["status"])
                if status == "short" and record is not None:
                    current.append((run, record))
                elif status in SUPPLIED_STATUSES and current:
                    episodes.append(_episode(item.seq, key, current, run))
                    current = []
            if current:
                episodes.append(_episode(item.seq, key, current, None))
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
        """Per clause and event: the counted amount at the last run before the window and at the last one in it."""
        before: dict[tuple[str, str, str], Decimal] = {}
        at_end: dict[tuple[str, str, str], ExposureAccrual] = {}
        for run in self._known(end):
            for item in self._replay(run).exposure.items:
                since = item.inputs.get("first_seen_short")
                key = (item.clause, item.line_item.value, item.expansion or since or "")
                amount = item.amount if item.counted else Decimal("0.00")
                if run.now < start:
                    before[key] = amount
                    continue
                at_end[key] = ExposureAccrual(
                    clause=item.clause,
                    line_item=item.line_item.value,
                    expansion=item.expansion,
                    since=None if since is None else datetime.fromisoformat(since),
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
        return sorted(
            result,
            key=lambda e: (
                seq.get(e.line_item, 0),
                e.clause,
                e.expansion or "",
                e.since.isoformat() if e.since else "",
            ),
        )

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
                in_contract_tz(r.now).date() for r in inside if any(f["status"] == "short" for f in r.findings)
            }
            rows.append(
                MonthRow(
                    month=f"{year:04d}-{month:02d}",
                    days=len(days),
                    days_with_runs=len(run_days),
                    runs=len(inside),
                    days_short=len(short_days),
                    incidents=sum(len(_incidents(r)) for r in inside),
                    exposure_accrued=sum((e.accrued for e in self._exposure(month_start, month_end)), Decimal("0.00")),
                )
            )
        return rows


def _days(start: datetime, end: datetime) -> list[date]:
    """The contract days the window [start, end) touches."""
    first = in_contract_tz(start).date()
    last = in_contract_tz(end - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _status(run: RecordedRun, key: str) -> str | None:
    return next((str(rec["status"]) for rec in run.findings if rec["line_item"] == key), None)


def _day_status(statuses: list[str | None]) -> DayStatus:
    if not statuses:
        return "no_run"
    if "short" in statuses:
        return "short"
    if any(s in SUPPLIED_STATUSES for s in statuses):
        return "met"
    return "unknown"


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


def _incidents(run: RecordedRun) -> list[Incident]:
    unknown = [str(rec["line_item"]) for rec in run.findings if rec["status"] == "unknown"]
    return [
        Incident(
            run_id=run.run_id, now=run.now, source=name, failed=dict(sorted(failed.items())), unknown_line_items=unknown
        )
        for name, failed in sorted(run.failed_sources.items())
    ]


def _run_row(run: RecordedRun) -> RunRow:
    def having(status: str) -> list[str]:
        return [str(rec["line_item"]) for rec in run.findings if rec["status"] == status]

    return RunRow(
        run_id=run.run_id,
        now=run.now,
        verdict=run.verdict,
        short=having("short"),
        over=having("over"),
        unknown=having("unknown"),
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
