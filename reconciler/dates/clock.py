"""Contract time: every contract date is a calendar day in Asia/Shanghai; every instant is timezone-aware.

Called by the contract model, the CLI (`--now`) and the reconcile core; the core never reads the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from reconciler.base.formats import CONTRACT_TZ

__all__ = ["CONTRACT_TZ", "end_of_day", "in_contract_tz", "parse_instant", "start_of_day"]


def start_of_day(day: date) -> datetime:
    """00:00 of a contract day, Asia/Shanghai."""
    return datetime.combine(day, time(0), tzinfo=CONTRACT_TZ)


def end_of_day(day: date) -> datetime:
    """24:00 of a contract day (= 00:00 of the next), Asia/Shanghai: when a period's last day ends."""
    return start_of_day(day + timedelta(days=1))


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; it must carry an offset (naive times are ambiguous, so rejected). The error
    suggests the same moment in Beijing time written in full, which parses: 2026-11-25 -> 2026-11-25T00:00:00+08:00."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        suggestion = value.replace(tzinfo=CONTRACT_TZ).isoformat()
        raise ValueError(f"{text!r} has no UTC offset; write it with one, e.g. {suggestion} (Beijing time)")
    return value


def in_contract_tz(value: datetime) -> datetime:
    return value.astimezone(CONTRACT_TZ)
