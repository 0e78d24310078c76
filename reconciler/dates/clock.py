"""Contract time: every contract date is a calendar day in Asia/Shanghai; every instant is timezone-aware.

Called by the contract model, the CLI (`--now`) and the reconcile core; the core never reads the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Final

from reconciler.base.formats import CONTRACT_TZ
from reconciler.base.messages import message

__all__ = [
    "CONTRACT_TZ",
    "EARLIEST",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LATEST",
    "day_problem",
    "end_of_day",
    "in_contract_tz",
    "instant_problem",
    "parse_instant",
    "start_of_day",
]

FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2199
EARLIEST: Final = datetime(FIRST_YEAR, 1, 1, tzinfo=CONTRACT_TZ)
LATEST: Final = datetime(LAST_YEAR + 1, 1, 1, tzinfo=CONTRACT_TZ)
"""The dates a contract can mean: from 2000-01-01 00:00 up to (not including) 2200-01-01 00:00, Beijing time.

Every date and instant read from input (the contract, a snapshot's observed_at, a state's time, calendar files,
--now, --from, --period) must lie in it; outside it the input is refused with the range named. A century and
more of room on each side of any service period, and every period computed from an input (at most 1,200 months
or 36,600 days on) stays far from the years 1 and 9999, where date arithmetic and time zones overflow."""


def start_of_day(day: date) -> datetime:
    """00:00 of a contract day, Asia/Shanghai."""
    return datetime.combine(day, time(0), tzinfo=CONTRACT_TZ)


def end_of_day(day: date) -> datetime:
    """24:00 of a contract day (= 00:00 of the next), Asia/Shanghai: when a period's last day ends."""
    return start_of_day(day + timedelta(days=1))


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; it must carry an offset (naive times are ambiguous, so rejected) and lie between
    EARLIEST and LATEST. The error suggests the same moment in Beijing time written in full, which parses:
    2026-11-25 -> 2026-11-25T00:00:00+08:00."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        suggestion = value.replace(tzinfo=CONTRACT_TZ).isoformat()
        raise ValueError(f"{text!r} has no UTC offset; write it with one, e.g. {suggestion} (Beijing time)")
    problem = instant_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def instant_problem(value: datetime) -> str | None:
    """Why an aware instant is not one a contract can mean (outside EARLIEST..LATEST), or None."""
    if EARLIEST <= value < LATEST:  # aware comparisons subtract offsets exactly: no overflow near year 9999
        return None
    return str(message("date_out_of_range", value=value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR))


def day_problem(value: date, shown: str = "") -> str | None:
    """Why a calendar day (written `shown`, e.g. a month 2026-11) is not one a contract can mean (outside the
    years FIRST_YEAR..LAST_YEAR), or None."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return str(message("date_out_of_range", value=shown or value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR))


def in_contract_tz(value: datetime) -> datetime:
    return value.astimezone(CONTRACT_TZ)
