"""Contract periods under the PRC Civil Code (Art. 201-203): when a period of days, working days or months ends.

Called by `deadlines` (expansion due dates) and the `reconciler deadline` command. Pure; holidays via chinese_calendar.
"""

from __future__ import annotations

import calendar as gregorian
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from reconciler.base.errors import InputError, Problem, json_type_name
from reconciler.base.messages import Message, Names, message
from reconciler.dates.clock import FIRST_YEAR, LAST_YEAR, end_of_day, in_contract_tz

MAX_DAYS = 36_600
"""Longest period accepted, in days or working days (about a century)."""
MAX_MONTHS = 1_200
"""Longest period accepted, in months (a century)."""


class Rule(StrEnum):
    """How the last day is fixed: by the Civil Code (with the rest-day extension) or by the calendar alone."""

    CIVIL_CODE = "civil-code"
    CALENDAR_DAYS = "calendar-days"


@cache
def library_years() -> range:
    """Years for which `chinese_calendar` has the State Council's holiday schedule (it raises for any other
    year). The library is imported only when a period meets a day that may be a rest day."""
    import chinese_calendar

    years = {day.year for day in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


if TYPE_CHECKING:
    LIBRARY_YEARS: range
    """`library_years()`."""


def __getattr__(name: str) -> Any:
    if name == "LIBRARY_YEARS":
        return library_years()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class YearCalendar:
    """One year's statutory holidays and adjusted working days (调休上班日), supplied by the user.

    For that year it replaces the library's data: a day is a rest day when it is listed in `holidays`, or
    when it is a Saturday or Sunday not listed in `workdays`.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()
    source: str = "the supplied calendar"


@dataclass(frozen=True)
class Deadline:
    """When a period ends, and why. `due_at` is 24:00 (Asia/Shanghai) of `last_day`: 00:00 of the next day."""

    start: datetime
    """The event the period runs from, as given."""
    due_at: datetime
    rule: Rule
    days: int | None
    months: int | None
    working: bool
    first_day: date
    """The day after the event's day (Art. 201: the event's own day is not counted)."""
    nominal_last_day: date
    """The last day by counting alone, before any rest-day extension."""
    last_day: date
    extended: bool
    extension_reason: Message | None
    warnings: tuple[Message, ...]

    @property
    def length(self) -> Message:
        """The period as a message: 7 natural days, 10 working days, 9 months."""
        return period_length(self.days, self.months, self.working)


def period_length(days: int | None, months: int | None, working: bool = False, before: bool = False) -> Message:
    """A period's length as a message: `months` months, or `days` natural or working days (`before` an event)."""
    if months is not None:
        return message("period_months", months=months)
    if working:
        return message("period_working_days_before" if before else "period_working_days", days=days or 0)
    return message("period_natural_days", days=days or 0)


def period_end(
    start: datetime,
    *,
    days: int | None = None,
    months: int | None = None,
    working: bool = False,
    rule: Rule = Rule.CIVIL_CODE,
    calendars: Iterable[YearCalendar] = (),
) -> Deadline:
    """The end of a period of `days` (natural or `working`) days or `months` months after the event `start`.

    Art. 201: counting starts the day after the event's day (in Asia/Shanghai). Art. 202: `months` ends on the
    day of the last month numbered as the event's day, or that month's last day. Art. 203 (rule `civil-code`):
    a last day that is a rest day moves to the first working day after the rest; the last day ends at 24:00.
    Raises ValueError for a naive `start`, both or neither of days/months, a non-positive or overlong
    length, working months, or two calendars for one year.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("the event must be timezone-aware (an instant with a UTC offset)")
    if (days is None) == (months is None):
        raise ValueError("give exactly one of days or months")
    if days is not None:
        _check_length(days, MAX_DAYS, "days")
    if months is not None:
        _check_length(months, MAX_MONTHS, "months")
        if working:
            raise ValueError("working days are counted in days, not months")
    days_off = _RestDays(_by_year(calendars))

    try:
        event_day = in_contract_tz(start).date()
        first_day = event_day + timedelta(days=1)
        if months is not None:
            nominal = add_months(event_day, months)
        elif working:
            nominal = _nth_working_day(first_day, days or 0, days_off)
        else:
            nominal = event_day + timedelta(days=days or 0)
        last_day, reason = _extend(nominal, days_off) if rule is Rule.CIVIL_CODE else (nominal, None)
        due_at = end_of_day(last_day)
    except (OverflowError, ValueError) as exc:  # beyond the year 9999
        raise ValueError(f"the period runs past the last representable date ({exc})") from exc
    return Deadline(
        start=start,
        due_at=due_at,
        rule=rule,
        days=days,
        months=months,
        working=working,
        first_day=first_day,
        nominal_last_day=nominal,
        last_day=last_day,
        extended=last_day != nominal,
        extension_reason=reason,
        warnings=days_off.warnings(),
    )


def add_months(day: date, months: int) -> date:
    """The day numbered as `day` in the month `months` later, or that month's last day (Art. 202)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, gregorian.monthrange(year, month + 1)[1]))


# -- the user's calendar file, already parsed from JSON ---------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CALENDAR_FIELDS = ("year", "holidays", "workdays", "note")


def calendar_from_data(data: Any, source: str) -> YearCalendar:
    """Validate a parsed calendar document `{"year": 2027, "holidays": [...], "workdays": [...]}` (and an optional
    `note`, free text: where the dates come from, or that the file is only an example).

    Raises InputError naming `source` and every field that is wrong.
    """
    if not isinstance(data, dict):
        raise InputError.single(source, "", f"expected a JSON object, found {json_type_name(data)}")
    problems = [
        Problem(key, "unknown field (expected year, holidays, workdays, note)")
        for key in data
        if key not in _CALENDAR_FIELDS
    ]
    if "note" in data and not isinstance(data["note"], str):
        problems.append(Problem("note", f"expected a text, found {json_type_name(data['note'])}"))
    year = data.get("year")
    if "year" not in data:
        problems.append(Problem("year", "required field is missing"))
        year = None
    elif isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            Problem("year", f"expected a year such as 2027, from {FIRST_YEAR} to {LAST_YEAR} (got {year!r})")
        )
        year = None
    lists: dict[str, frozenset[date]] = {}
    for key in ("holidays", "workdays"):
        lists[key] = frozenset(_dates(data, key, year, problems))
    for both in sorted(lists["holidays"] & lists["workdays"]):
        problems.append(Problem("workdays", f"{both.isoformat()} is listed both as a holiday and as a workday"))
    if problems or year is None:
        raise InputError(source, problems)
    return YearCalendar(year=year, holidays=lists["holidays"], workdays=lists["workdays"], source=source)


def _dates(data: Mapping[str, Any], key: str, year: int | None, problems: list[Problem]) -> list[date]:
    if key not in data:
        problems.append(Problem(key, "required field is missing (an empty list is allowed)"))
        return []
    values = data[key]
    if not isinstance(values, list):
        problems.append(Problem(key, f"expected a list of dates YYYY-MM-DD, found {json_type_name(values)}"))
        return []
    found = []
    for index, value in enumerate(values):
        where = f"{key}[{index}]"
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            problems.append(Problem(where, f"expected a date YYYY-MM-DD (got {value!r})"))
            continue
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            problems.append(Problem(where, f"not a calendar date: {exc} (got {value!r})"))
            continue
        if year is not None and day.year != year:
            problems.append(Problem(where, f"{value} is not in the calendar's year {year}"))
            continue
        found.append(day)
    return found


# -- counting -------------------------------------------------------------------------------------------------


def length_problem(value: object, limit: int) -> str | None:
    """What is wrong with `value` as the length of a period (days or months up to `limit`); None if nothing.
    The CLI names its option with the same words."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        return f"expected a whole number from 1 to {limit}; got {value!r}"
    return None


def _check_length(value: int, limit: int, unit: str) -> None:
    problem = length_problem(value, limit)
    if problem is not None:
        raise ValueError(f"{unit}: {problem}")


def _by_year(calendars: Iterable[YearCalendar]) -> dict[int, YearCalendar]:
    by_year: dict[int, YearCalendar] = {}
    for supplied in calendars:
        if supplied.year in by_year:
            raise ValueError(
                f"two calendars for {supplied.year}: {by_year[supplied.year].source} and {supplied.source}"
            )
        by_year[supplied.year] = supplied
    return by_year


def _extend(nominal: date, days_off: _RestDays) -> tuple[date, Message | None]:
    """Art. 203: a last day on a rest day moves to the day after the rest ends (the first working day)."""
    found = days_off.rest(nominal)
    if found is None:
        return nominal, None
    last_day = nominal + timedelta(days=1)
    while days_off.rest(last_day) is not None:
        last_day += timedelta(days=1)
    key, values = found
    return last_day, message(key, day=nominal, last_day=last_day, **values)


def _nth_working_day(first_day: date, count: int, days_off: _RestDays) -> date:
    day, left = first_day, count
    while True:
        if days_off.rest(day) is None:
            left -= 1
            if left == 0:
                return day
        day += timedelta(days=1)


_Why = tuple[str, dict[str, object]]
"""Why a day is a rest day: a sentence key of `reconciler.base.messages` and its values other than the days."""


class _RestDays:
    """Says whether a day is a rest day, and remembers the years it had to answer from weekends alone."""

    def __init__(self, supplied: Mapping[int, YearCalendar]) -> None:
        self._supplied = supplied
        self._weekends_only: set[int] = set()

    def rest(self, day: date) -> _Why | None:
        """Why `day` is a rest day: the key of the extension's sentence (`reconciler.base.messages`) and its values,
        e.g. ("extended_holiday", {"holiday": Names("National Day", "国庆节")}); None for a working day."""
        supplied = self._supplied.get(day.year)
        if supplied is not None:
            if day in supplied.workdays:
                return None
            if day in supplied.holidays:
                return "extended_supplied", {"source": supplied.source}
            return _weekend(day)
        if day.year not in library_years():
            self._weekends_only.add(day.year)
            return _weekend(day)
        import chinese_calendar

        try:
            on_rest, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a gap in the library's years
            self._weekends_only.add(day.year)
            return _weekend(day)
        if not on_rest:
            return None
        if name is None:
            return _weekend(day)
        return _holiday(str(name))

    def warnings(self) -> tuple[Message, ...]:
        years = library_years()
        first, last = years.start, years.stop - 1
        return tuple(
            message("no_holiday_data", year=year, first=first, last=last) for year in sorted(self._weekends_only)
        )


def _weekend(day: date) -> _Why | None:
    if day.weekday() < 5:
        return None
    return ("extended_saturday" if day.weekday() == 5 else "extended_sunday"), {}


def _holiday(name: str) -> _Why:
    import chinese_calendar

    try:
        chinese = str(chinese_calendar.Holiday(name).chinese)
    except ValueError:  # a name the library does not translate: the same in both languages
        chinese = name
    return "extended_holiday", {"holiday": Names(en=name, zh=chinese)}
