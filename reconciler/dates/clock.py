"""Contract time: every contract date is a calendar day in Asia/Shanghai; every instant is timezone-aware.

Called by the contract model, the CLI (`--now`) and the reconcile core; the core never reads the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CONTRACT_TZ = ZoneInfo("Asia/Shanghai")


def start_of_day(day: date) -> datetime:
    """00:00 of a contract day, Asia/Shanghai."""
    return datetime.combine(day, time(0), tzinfo=CONTRACT_TZ)


def end_of_day(day: date) -> datetime:
    """24:00 of a contract day (= 00:00 of the next), Asia/Shanghai: when a period's last day ends."""
    return start_of_day(day + timedelta(days=1))


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; it must carry an offset (naive times are ambiguous, so rejected)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{text!r} has no UTC offset; write e.g. {text}+08:00")
    return value


def in_contract_tz(value: datetime) -> datetime:
    return value.astimezone(CONTRACT_TZ)


def duration_parts(seconds: int) -> tuple[str, list[tuple[int, str]]]:
    """A duration as its sign and (count, unit) parts, unit one of d, h, m, s: days, hours and minutes, seconds
    only under a minute. 140400 -> ("", [(1, "d"), (15, "h"), (0, "m")]); -60 -> ("-", [(1, "m")])."""
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return sign, [(days, "d"), (hours, "h"), (minutes, "m")]
    if hours:
        return sign, [(hours, "h"), (minutes, "m")]
    if minutes:
        return sign, [(minutes, "m")]
    return sign, [(rest, "s")]
