"""Geometry of the reports' SVG charts: trend lines per line item and the expansion timeline.

Called by `report.html` (for the HTML and PDF reports); the templates only place what is computed here. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from reconciler.base.formats import Lang, day, short_day, short_deadline, short_instant
from reconciler.core.models import Status
from reconciler.dates.clock import in_contract_tz
from reconciler.history.trends import Trend
from reconciler.report.text import quantity

TREND_WIDTH = 320
TREND_HEIGHT = 84
TREND_PAD = 6
TREND_PLOT_RIGHT = 252
"""The lines end here; the value labels stand in the gutter to the right, where no line crosses them."""
TREND_PLOT_BOTTOM = 64
"""The lines end here; the first and last run's days stand below."""
MAX_DOTS = 62
"""A dot per run up to about two months of nightly runs; beyond, the line alone (short runs keep their red dot)."""
TIMELINE_WIDTH = 960
TIMELINE_LABEL = 210
TIMELINE_ROW = 34
TIMELINE_TOP = 34


@dataclass(frozen=True)
class TrendChart:
    """One line item's trend: polylines in a TREND_WIDTH x TREND_HEIGHT box (y grows downwards)."""

    trend: Trend
    supplied: tuple[str, ...]
    """Polyline point lists of the supplied line, one per stretch of runs that observed it."""
    entitled: str
    due: str
    short_points: tuple[tuple[float, float], ...]
    points: tuple[tuple[float, float], ...]
    """Every observed (x, y) of the supplied line, for the runs' dots; none past MAX_DOTS runs."""
    low: str
    """The axis label at the bottom; empty for a flat series (one value, shown as `high`)."""
    high: str
    high_y: float
    """Where `high` is written: the top, or beside the line of a flat series."""
    low_y: float
    first_day: str
    """The first run's day, in the reader's format, under the left end of the lines."""
    last_day: str
    first_supplied: str
    last_supplied: str
    lowest_supplied: str


def trend_chart(trend: Trend, lang: Lang = "en") -> TrendChart:
    """The chart of one line item's trend; days under it as `lang` writes them."""
    points = trend.points
    values = [v for p in points for v in (p.supplied, p.entitled, p.due) if v is not None]
    low, high = (min(values), max(values)) if values else (Decimal(0), Decimal(1))
    flat = low == high
    if flat:
        low, high = low - 1, high + 1
    first, last = (points[0].now, points[-1].now) if points else (None, None)
    span = (last - first).total_seconds() if first is not None and last is not None else 0.0

    def x(now: datetime) -> float:
        if first is None or span <= 0:
            return TREND_PLOT_RIGHT / 2
        return TREND_PAD + (now - first).total_seconds() / span * (TREND_PLOT_RIGHT - 2 * TREND_PAD)

    def y(value: Decimal) -> float:
        share = float((value - low) / (high - low))
        return TREND_PLOT_BOTTOM - TREND_PAD - share * (TREND_PLOT_BOTTOM - 2 * TREND_PAD)

    stretches: list[list[str]] = [[]]
    observed: list[tuple[float, float]] = []
    for p in points:
        if p.supplied is None:
            if stretches[-1]:
                stretches.append([])
            continue
        stretches[-1].append(f"{x(p.now):.1f},{y(p.supplied):.1f}")
        observed.append((round(x(p.now), 1), round(y(p.supplied), 1)))
    supplied = [p.supplied for p in points if p.supplied is not None]
    return TrendChart(
        trend=trend,
        supplied=tuple(" ".join(s) for s in stretches if s),
        entitled=_steps([(x(p.now), y(p.entitled)) for p in points]),
        due=_steps([(x(p.now), y(p.due)) for p in points]),
        short_points=tuple(
            (round(x(p.now), 1), round(y(p.supplied), 1))
            for p in points
            if p.status is Status.SHORT and p.supplied is not None
        ),
        points=tuple(observed) if len(observed) <= MAX_DOTS else (),
        low="" if flat else quantity(low),
        high=quantity(low + 1) if flat else quantity(high),
        high_y=TREND_PLOT_BOTTOM / 2 + 4 if flat else TREND_PAD + 8,
        low_y=TREND_PLOT_BOTTOM - TREND_PAD,
        first_day="" if first is None else day(in_contract_tz(first).date(), lang),
        last_day="" if last is None or last == first else day(in_contract_tz(last).date(), lang),
        first_supplied=_text(supplied[0] if supplied else None),
        last_supplied=_text(supplied[-1] if supplied else None),
        lowest_supplied=_text(min(supplied) if supplied else None),
    )


def _steps(points: Sequence[tuple[float, float]]) -> str:
    """A step line through the points (a value holds until the next run); one point gives a short dash."""
    if len(points) == 1:
        (px, py) = points[0]
        return f"{px - 6:.1f},{py:.1f} {px + 6:.1f},{py:.1f}"
    parts: list[str] = []
    for index, (px, py) in enumerate(points):
        if index:
            parts.append(f"{px:.1f},{points[index - 1][1]:.1f}")
        parts.append(f"{px:.1f},{py:.1f}")
    return " ".join(parts)


def _text(value: Decimal | None) -> str:
    return quantity(value)


class ExpansionLike(Protocol):
    """What the timeline reads of an expansion (expansions.ExpansionStatus, acceptance.ExpansionOutcome)."""

    @property
    def id(self) -> str: ...
    @property
    def requested_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def fulfilled_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class TimelineRow:
    id: str
    label: str
    """What the row is, for people: the line item and the quantity it adds."""
    state: str
    y: float
    requested_x: float
    due_x: float
    fulfilled_x: float | None
    late: bool
    """Delivered after the deadline, or not delivered by the timeline's end with the deadline past."""
    due_label: str


@dataclass(frozen=True)
class Ticks:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    rows: tuple[TimelineRow, ...]
    ticks: tuple[Ticks, ...]
    now_x: float | None
    now_label: str
    width: int
    height: int
    left: int


def timeline(
    expansions: Sequence[ExpansionLike],
    states: Sequence[str],
    now: datetime,
    labels: Sequence[str],
    lang: Lang = "en",
) -> Timeline:
    """Each expansion as a bar from its request to its deadline (labelled with `labels`), a dot where it was
    delivered, and `now`; days and times as `lang` writes them."""
    instants = [now]
    for e in expansions:
        instants += [e.requested_at, e.due_at, *([e.fulfilled_at] if e.fulfilled_at else [])]
    start = _midnight(min(instants))
    end = _midnight(max(instants)) + timedelta(days=1)
    span = (end - start).total_seconds()
    usable = TIMELINE_WIDTH - TIMELINE_LABEL - 70  # room for the last labels

    def x(at: datetime) -> float:
        return round(TIMELINE_LABEL + (at - start).total_seconds() / span * usable, 1)

    rows = []
    for index, (e, state, label) in enumerate(zip(expansions, states, labels, strict=True)):
        fulfilled = e.fulfilled_at
        rows.append(
            TimelineRow(
                id=e.id,
                label=label,
                state=state,
                y=TIMELINE_TOP + index * TIMELINE_ROW,
                requested_x=x(e.requested_at),
                due_x=x(e.due_at),
                fulfilled_x=None if fulfilled is None else x(fulfilled),
                late=(fulfilled is not None and fulfilled > e.due_at) or (fulfilled is None and e.due_at <= now),
                due_label=short_deadline(e.due_at, lang),
            )
        )
    days = (end - start).days
    step = max(1, -(-days // 8))  # at most about 8 day ticks
    ticks = tuple(
        Ticks(x=x(start + timedelta(days=n)), label=short_day((start + timedelta(days=n)).date(), lang))
        for n in range(0, days + 1, step)
    )
    return Timeline(
        rows=tuple(rows),
        ticks=ticks,
        now_x=x(now),
        now_label=short_instant(now, lang),
        width=TIMELINE_WIDTH,
        height=TIMELINE_TOP + TIMELINE_ROW * max(1, len(rows)) + 10,
        left=TIMELINE_LABEL,
    )


def _midnight(at: datetime) -> datetime:
    local = in_contract_tz(at)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
