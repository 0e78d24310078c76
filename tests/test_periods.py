"""The period calculator (Civil Code Art. 201-203) and the `reconciler deadline` command.

Every expected date is hand-computed in a comment. Calendar facts used (chinese-calendar 1.11.0, 2026 schedule):
2026-01-01 is a Thursday, so 2026-11-01, 2026-02-01 and 2026-03-01 are Sundays; 2027-01-01 is a Friday.
Mid-Autumn rest 09-25 (Fri) .. 09-27 (Sun); National Day rest 10-01 (Thu) .. 10-07 (Wed); adjusted working
days (调休上班) 2026-02-28 (Sat), 2026-09-20 (Sun) and 2026-10-10 (Sat).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.errors import InputError
from reconciler.base.messages import Names, message, say
from reconciler.contract.deadlines import expansion_deadline, expansion_due_at
from reconciler.contract.model import Contract, Expansion
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.dates.periods import (
    LIBRARY_YEARS,
    Deadline,
    Rule,
    YearCalendar,
    add_months,
    calendar_from_data,
    period_end,
)
from tests.conftest import CliResult

Cli = Callable[..., CliResult]
NO_2027_DATA = pytest.mark.skipif(
    2027 in LIBRARY_YEARS, reason="chinese-calendar now knows 2027: revisit the fallback cases and docs"
)
FALLBACK_2027 = "no statutory holiday data for 2027: weekends only; pass --calendar FILE"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def due(text: str, **kwargs: Any) -> Deadline:
    return period_end(at(text), **kwargs)


# A hypothetical 2027 calendar (not the State Council's, which is not yet published): New Year's Day on
# Friday 2027-01-01, and Saturday 2027-04-17 made an adjusted working day.
CALENDAR_2027 = {"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-04-17"]}


def test_the_library_covers_2004_to_2026() -> None:
    assert LIBRARY_YEARS.start == 2004
    assert 2026 in LIBRARY_YEARS


@pytest.mark.parametrize(
    ("day", "rest"),
    [
        (date(2026, 10, 1), True),  # Thu, National Day
        (date(2026, 10, 6), True),  # Tue, National Day (a day off in lieu)
        (date(2026, 9, 25), True),  # Fri, Mid-Autumn
        (date(2026, 11, 28), True),  # Sat, an ordinary weekend
        (date(2026, 11, 27), False),  # Fri, an ordinary working day
        (date(2026, 10, 10), False),  # Sat, adjusted working day for National Day
        (date(2026, 9, 20), False),  # Sun, adjusted working day for National Day
        (date(2026, 2, 28), False),  # Sat, adjusted working day for Spring Festival
    ],
)
def test_rest_days_are_weekends_and_holidays_but_not_adjusted_working_days(day: date, rest: bool) -> None:
    """A one-day period whose last day is `day` ends on it exactly when it is a working day (Art. 203)."""
    event = datetime(day.year, day.month, day.day, 12, tzinfo=CONTRACT_TZ) - timedelta(days=1)
    deadline = period_end(event, days=1)
    assert deadline.nominal_last_day == day
    assert deadline.extended is rest


# -- natural days and the day boundary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "last_day"),
    [
        # 11-18 23:59:59 Beijing: 11-18 is not counted; days 11-19..11-25 (Wed); ends 11-25 24:00
        ("2026-11-18T23:59:59+08:00", date(2026, 11, 25)),
        # 11-19 00:00:00 Beijing: the event day is now 11-19; days 11-20..11-26 (Thu)
        ("2026-11-19T00:00:00+08:00", date(2026, 11, 26)),
        # 16:00 UTC on 11-18 is 00:00 on 11-19 in Beijing: the same as the line above
        ("2026-11-18T16:00:00+00:00", date(2026, 11, 26)),
        # 15:59:59 UTC on 11-18 is 23:59:59 on 11-18 in Beijing: the same as the first line
        ("2026-11-18T15:59:59+00:00", date(2026, 11, 25)),
    ],
)
def test_the_event_day_is_not_counted_and_the_last_day_ends_at_24_00_beijing(event: str, last_day: date) -> None:
    deadline = due(event, days=7)
    assert deadline.first_day == last_day - timedelta(days=6)
    assert (deadline.last_day, deadline.nominal_last_day, deadline.extended) == (last_day, last_day, False)
    assert deadline.due_at == at(f"{last_day + timedelta(days=1)}T00:00:00+08:00")
    assert deadline.due_at.isoformat().endswith("+08:00")
    assert deadline.start == at(event)
    assert deadline.warnings == ()


def test_a_last_day_on_a_weekend_moves_to_monday() -> None:
    # event Sat 11-21; days 11-22..11-28: 11-28 is a Saturday; 11-29 Sunday; Monday 11-30 ends it
    deadline = due("2026-11-21T10:00:00+08:00", days=7)
    assert deadline.nominal_last_day == date(2026, 11, 28)
    assert deadline.last_day == date(2026, 11, 30)
    assert deadline.due_at == at("2026-12-01T00:00:00+08:00")
    assert deadline.extended is True
    assert deadline.extension_reason == message(
        "extended_saturday", day=date(2026, 11, 28), last_day=date(2026, 11, 30)
    )
    assert say(deadline.extension_reason, "en") == (
        "2026-11-28 is a Saturday (weekly rest day); extended to the first working day after the rest, 2026-11-30"
    )
    assert deadline.warnings == ()


def test_a_last_day_in_the_national_day_holiday_moves_past_the_whole_holiday() -> None:
    # event 09-27; days 09-28..10-04 (Sun, National Day); rest runs to 10-07 (Wed); ends Thu 10-08
    deadline = due("2026-09-27T10:00:00+08:00", days=7)
    assert (deadline.nominal_last_day, deadline.last_day) == (date(2026, 10, 4), date(2026, 10, 8))
    assert deadline.due_at == at("2026-10-09T00:00:00+08:00")
    assert deadline.extension_reason == message(
        "extended_holiday", day=date(2026, 10, 4), holiday=Names("National Day", "国庆节"), last_day=date(2026, 10, 8)
    )


def test_a_last_day_on_mid_autumn_friday_moves_to_monday() -> None:
    # event Fri 09-18; days 09-19..09-25 (Fri, Mid-Autumn); 09-26, 09-27 rest; ends Mon 09-28
    deadline = due("2026-09-18T09:00:00+08:00", days=7)
    assert deadline.last_day == date(2026, 9, 28)
    assert deadline.due_at == at("2026-09-29T00:00:00+08:00")
    assert deadline.extension_reason is not None
    assert deadline.extension_reason.values["holiday"] == Names("Mid-autumn Festival", "中秋")
    assert say(deadline.extension_reason, "zh").startswith("2026年9月25日是法定节假日（中秋）")


@pytest.mark.parametrize(
    ("event", "last_day"),
    [
        # event 10-03; days 10-04..10-10: Saturday 10-10 is an adjusted working day, so no extension
        ("2026-10-03T10:00:00+08:00", date(2026, 10, 10)),
        # event 09-13; days 09-14..09-20: Sunday 09-20 is an adjusted working day
        ("2026-09-13T10:00:00+08:00", date(2026, 9, 20)),
    ],
)
def test_an_adjusted_working_day_is_not_a_rest_day(event: str, last_day: date) -> None:
    deadline = due(event, days=7)
    assert (deadline.last_day, deadline.extended, deadline.extension_reason) == (last_day, False, None)
    assert deadline.due_at == at(f"{last_day + timedelta(days=1)}T00:00:00+08:00")


@pytest.mark.parametrize(
    ("event", "last_day"),
    [
        ("2026-09-27T10:00:00+08:00", date(2026, 10, 4)),  # National Day Sunday, kept
        ("2026-11-21T10:00:00+08:00", date(2026, 11, 28)),  # Saturday, kept
    ],
)
def test_the_calendar_days_rule_never_extends(event: str, last_day: date) -> None:
    deadline = due(event, days=7, rule=Rule.CALENDAR_DAYS)
    assert (deadline.last_day, deadline.extended, deadline.extension_reason) == (last_day, False, None)
    assert deadline.rule is Rule.CALENDAR_DAYS
    assert deadline.due_at == at(f"{last_day + timedelta(days=1)}T00:00:00+08:00")


# -- working days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "count", "last_day"),
    [
        # event Mon 09-28: 09-29 (1), 09-30 (2), 10-01..10-07 rest, 10-08 (3), 10-09 (4), Sat 10-10 adjusted (5)
        ("2026-09-28T10:00:00+08:00", 5, date(2026, 10, 10)),
        # event Thu 09-24: 09-25..09-27 Mid-Autumn, 09-28 (1), 09-29 (2), 09-30 (3), 10-01..10-07 rest, 10-08 (4),
        # 10-09 (5), Sat 10-10 (6), 10-11 Sun rest, 10-12 (7), 10-13 (8), 10-14 (9), Thu 10-15 (10)
        ("2026-09-24T10:00:00+08:00", 10, date(2026, 10, 15)),
        # event Fri 11-20 23:00: 11-21, 11-22 weekend, Mon 11-23 (1)
        ("2026-11-20T23:00:00+08:00", 1, date(2026, 11, 23)),
    ],
)
def test_working_days_skip_rest_days_and_count_adjusted_working_days(event: str, count: int, last_day: date) -> None:
    deadline = due(event, days=count, working=True)
    assert (deadline.last_day, deadline.extended, deadline.working) == (last_day, False, True)
    assert deadline.due_at == at(f"{last_day + timedelta(days=1)}T00:00:00+08:00")
    assert deadline.warnings == ()


# -- months ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 7, 17), 9, date(2027, 4, 17)),  # the same day number, 9 months on
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 2026-02-31: February's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 8, 31), 1, date(2026, 9, 30)),  # no 09-31
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year
        (date(2026, 7, 17), 12, date(2027, 7, 17)),
    ],
)
def test_add_months_takes_the_corresponding_day_or_the_months_last(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@NO_2027_DATA
def test_nine_months_of_service_for_the_second_instalment_art_7_3() -> None:
    # event 2026-07-17; Art. 202: the corresponding day of the 9th month is 2027-04-17, a Saturday (2027-01-01
    # is a Friday: 04-01 is a Thursday, 04-17 a Saturday). 2027 has no holiday data: weekends only, so the
    # period ends Monday 04-19, due 04-20 00:00, with a warning.
    deadline = due("2026-07-17T00:00:00+08:00", months=9)
    assert (deadline.first_day, deadline.nominal_last_day) == (date(2026, 7, 18), date(2027, 4, 17))
    assert deadline.last_day == date(2027, 4, 19)
    assert deadline.due_at == at("2027-04-20T00:00:00+08:00")
    assert deadline.months == 9
    assert deadline.days is None
    assert len(deadline.warnings) == 1
    assert say(deadline.warnings[0], "en").startswith(FALLBACK_2027)


def test_nine_months_under_the_calendar_days_rule_examine_no_day_and_warn_of_nothing() -> None:
    # 2027-04-17 kept as is (no rest-day rule), due 04-18 00:00; no day's rest status was needed
    deadline = due("2026-07-17T00:00:00+08:00", months=9, rule=Rule.CALENDAR_DAYS)
    assert deadline.due_at == at("2027-04-18T00:00:00+08:00")
    assert deadline.warnings == ()


def test_a_month_from_january_31_ends_on_an_adjusted_working_saturday() -> None:
    # event 2026-01-31; 2026 has no 02-31, so Feb's last day, 02-28: a Saturday, but an adjusted working day
    # (Spring Festival), so it is not extended; due 03-01 00:00
    deadline = due("2026-01-31T12:00:00+08:00", months=1)
    assert (deadline.last_day, deadline.extended) == (date(2026, 2, 28), False)
    assert deadline.due_at == at("2026-03-01T00:00:00+08:00")


# -- years without holiday data ------------------------------------------------------------------------


def test_only_the_days_examined_matter_for_the_fallback_warning() -> None:
    # event 12-19; days 12-20..12-26 (Sat); 12-27 Sun; ends Mon 12-28: all in 2026, no warning
    deadline = due("2026-12-19T10:00:00+08:00", days=7)
    assert (deadline.last_day, deadline.warnings) == (date(2026, 12, 28), ())


@NO_2027_DATA
def test_a_period_ending_in_2027_falls_back_to_weekends_and_says_so() -> None:
    # event 12-25; days 12-26..2027-01-01 (Fri): without data a Friday is a working day; due 01-02 00:00
    deadline = due("2026-12-25T10:00:00+08:00", days=7)
    assert (deadline.last_day, deadline.extended) == (date(2027, 1, 1), False)
    assert deadline.due_at == at("2027-01-02T00:00:00+08:00")
    assert say(deadline.warnings[0], "en").startswith(FALLBACK_2027)


@NO_2027_DATA
def test_a_supplied_calendar_is_honoured_and_silences_the_warning() -> None:
    supplied = calendar_from_data(CALENDAR_2027, "calendar-2027.json")
    # as above, but 2027-01-01 is a holiday: 01-02 Sat, 01-03 Sun; ends Mon 01-04, due 01-05 00:00
    deadline = due("2026-12-25T10:00:00+08:00", days=7, calendars=[supplied])
    assert deadline.last_day == date(2027, 1, 4)
    assert deadline.due_at == at("2027-01-05T00:00:00+08:00")
    assert deadline.extension_reason is not None
    assert say(deadline.extension_reason, "en") == (
        "2027-01-01 is a statutory holiday (per calendar-2027.json); "
        "extended to the first working day after the rest, 2027-01-04"
    )
    assert deadline.warnings == ()
    # 9 months from 2026-07-17: Saturday 2027-04-17 is a working day in this calendar: not extended
    months = due("2026-07-17T00:00:00+08:00", months=9, calendars=[supplied])
    assert (months.last_day, months.extended, months.warnings) == (date(2027, 4, 17), False, ())


@NO_2027_DATA
def test_working_days_into_2027_with_and_without_a_calendar() -> None:
    # event Wed 12-30: 12-31 (1); weekends only: Fri 2027-01-01 (2), Mon 01-04 (3)
    bare = due("2026-12-30T10:00:00+08:00", days=3, working=True)
    assert bare.last_day == date(2027, 1, 4)
    assert say(bare.warnings[0], "en").startswith(FALLBACK_2027)
    # with 01-01 a holiday: 12-31 (1), Mon 01-04 (2), Tue 01-05 (3)
    supplied = calendar_from_data(CALENDAR_2027, "c.json")
    assert due("2026-12-30T10:00:00+08:00", days=3, working=True, calendars=[supplied]).last_day == date(2027, 1, 5)


def test_a_supplied_calendar_replaces_the_library_for_its_year() -> None:
    bare_2026 = YearCalendar(year=2026, holidays=frozenset())
    # event Fri 09-18; days to 09-25 (Fri): a plain Friday in this calendar, so not extended
    assert due("2026-09-18T09:00:00+08:00", days=7, calendars=[bare_2026]).last_day == date(2026, 9, 25)


# -- the contract's expansions -----------------------------------------------------------------------------


def test_expansion_due_at_applies_the_rest_day_extension(contract: Contract) -> None:
    expansion = Expansion(
        id="exp-1", line_item="compute.vcpu", quantity=64, requested_at=at("2026-09-27T10:00:00+08:00")
    )
    # 7 natural days (Art. 3.4): last day 10-04 in the National Day holiday; extended to 10-08; due 10-09 00:00
    assert expansion_due_at(contract, expansion) == at("2026-10-09T00:00:00+08:00")
    assert expansion_deadline(contract, expansion).extended is True


# -- rejected input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 7, "start": datetime(2026, 9, 27, 10)}, "timezone-aware"),
        ({}, "exactly one of days or months"),
        ({"days": 7, "months": 1}, "exactly one of days or months"),
        ({"days": 0}, "days: expected a whole number from 1"),
        ({"days": -3}, "days: expected a whole number from 1"),
        ({"days": True}, "days: expected a whole number from 1"),
        ({"months": 0}, "months: expected a whole number from 1"),
        ({"months": 3, "working": True}, "working days are counted in days"),
        ({"days": 1, "start": at("9999-12-31T10:00:00+08:00")}, "past the last representable date"),
    ],
)
def test_period_end_rejects_what_is_not_a_period(kwargs: dict[str, Any], message: str) -> None:
    start = kwargs.pop("start", at("2026-09-27T10:00:00+08:00"))
    with pytest.raises(ValueError, match=message):
        period_end(start, **kwargs)


def test_two_calendars_for_one_year_are_rejected() -> None:
    one = YearCalendar(year=2027, holidays=frozenset(), source="a.json")
    other = YearCalendar(year=2027, holidays=frozenset(), source="b.json")
    with pytest.raises(ValueError, match=r"two calendars for 2027: a.json and b.json"):
        period_end(at("2026-09-27T10:00:00+08:00"), days=1, calendars=[one, other])


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "cal.json: expected a JSON object, found an array"),
        ({"holidays": [], "workdays": []}, "cal.json: year: required field is missing"),
        ({"year": "2027", "holidays": [], "workdays": []}, "cal.json: year: expected a year such as 2027"),
        ({"year": 2027, "workdays": []}, "cal.json: holidays: required field is missing"),
        ({"year": 2027, "holidays": "2027-01-01", "workdays": []}, "cal.json: holidays: expected a list of dates"),
        ({"year": 2027, "holidays": ["2027-1-1"], "workdays": []}, "cal.json: holidays[0]: expected a date YYYY-MM-DD"),
        ({"year": 2027, "holidays": ["2027-02-30"], "workdays": []}, "cal.json: holidays[0]: not a calendar date"),
        ({"year": 2027, "holidays": [], "workdays": ["2028-01-02"]}, "cal.json: workdays[0]: 2028-01-02 is not in"),
        (
            {"year": 2027, "holidays": ["2027-01-02"], "workdays": ["2027-01-02"]},
            "cal.json: workdays: 2027-01-02 is listed both as a holiday and as a workday",
        ),
        ({**CALENDAR_2027, "names": {}}, "cal.json: names: unknown field"),
    ],
)
def test_a_malformed_calendar_names_the_field(data: Any, problem: str) -> None:
    with pytest.raises(InputError) as raised:
        calendar_from_data(data, "cal.json")
    assert problem in raised.value.render()


# -- the command line ------------------------------------------------------------------------------------


def test_cli_text_names_the_due_instant_and_the_extension(cli: Cli) -> None:
    result = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "due 2026-10-08 24:00 (Thursday): 7 natural days after 2026-09-27 10:00, counted from 2026-09-28, "
        "Civil Code rule (Art. 201-203)",
        "extended: 2026-10-04 is a statutory holiday (National Day); "
        "extended to the first working day after the rest, 2026-10-08",
    ]
    # the same deadline in Chinese, written as the calendar and the reports write it
    zh = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--lang", "zh")
    assert zh.stdout.splitlines() == [
        "期限 2026年10月8日 24:00（星期四）：自 2026年9月27日 10:00 起 7 日，自 2026年9月28日 起算，"
        "民法典规则（第二百零一条至第二百零三条）",
        "顺延: 2026年10月4日是法定节假日（国庆节），顺延至休假日结束后的第一个工作日 2026年10月8日",
    ]


def test_cli_json_carries_the_inputs_and_the_result(cli: Cli) -> None:
    # event 09-28 (Mon), 5 working days: 09-29, 09-30, 10-08, 10-09, Sat 10-10 (adjusted); due 10-11 00:00
    result = cli("deadline", "--from", "2026-09-28T10:00:00+08:00", "--days", "5", "--working", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "schema": "contract-reconciler/deadline",
        "version": 2,
        "from": "2026-09-28T10:00:00+08:00",
        "days": 5,
        "months": None,
        "working": True,
        "rule": "civil-code",
        "calendars": [],
        "length": {"key": "period_working_days", "values": {"days": 5}, "text": "5 working days"},
        "first_day": "2026-09-29",
        "nominal_last_day": "2026-10-10",
        "last_day": "2026-10-10",
        "due_at": "2026-10-11T00:00:00+08:00",
        "extended": False,
        "extension_reason": None,
        "warnings": [],
    }


def test_cli_calendar_days_rule(cli: Cli) -> None:
    # 7 days from 09-27: last day 10-04 kept; due 10-05 00:00
    result = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--rule", "calendar-days")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("due 2026-10-04 24:00 (Sunday)")
    assert "calendar-days rule" in result.stdout
    assert "extended" not in result.stdout


@NO_2027_DATA
def test_cli_months_warn_of_2027_until_a_calendar_is_given(cli: Cli, write_json: Callable[[Any, str], Path]) -> None:
    # 9 months from 2026-07-17: 2027-04-17 (Sat) -> weekends only: Mon 04-19, due 04-20 00:00
    bare = cli("deadline", "--from", "2026-07-17T00:00:00+08:00", "--months", "9", "--format", "json").json()
    assert (bare["last_day"], bare["due_at"], bare["extended"]) == ("2027-04-19", "2027-04-20T00:00:00+08:00", True)
    assert bare["warnings"][0]["text"].startswith(FALLBACK_2027)
    # the text form prints the warning too
    text = cli("deadline", "--from", "2026-07-17T00:00:00+08:00", "--months", "9")
    assert f"warning: {FALLBACK_2027}" in text.stdout
    # with a calendar making 04-17 an adjusted working day: not extended, due 04-18 00:00, no warning
    path = write_json(CALENDAR_2027, "calendar-2027.json")
    args = ("deadline", "--from", "2026-07-17T00:00:00+08:00", "--months", "9", "--calendar", path)
    supplied = cli(*args, "--format", "json").json()
    assert (supplied["last_day"], supplied["due_at"], supplied["warnings"]) == (
        "2027-04-17",
        "2027-04-18T00:00:00+08:00",
        [],
    )
    assert supplied["calendars"] == [str(path)]


@pytest.mark.parametrize(
    ("args", "where", "reason"),
    [
        (["--from", "next tuesday", "--days", "7"], "<option --from>", "Invalid isoformat string"),
        (["--from", "2026-09-27T10:00:00", "--days", "7"], "<option --from>", "has no UTC offset"),
        (["--from", "2026-09-27T10:00:00+08:00", "--days", "0"], "<option --days>", "from 1 to 36600; got 0"),
        (["--from", "2026-09-27T10:00:00+08:00", "--days", "-3"], "<option --days>", "got -3"),
        (["--from", "2026-09-27T10:00:00+08:00", "--months", "0"], "<option --months>", "from 1 to 1200; got 0"),
        (
            ["--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--months", "1"],
            "<option --days/--months>",
            "exactly one",
        ),
        (["--from", "2026-09-27T10:00:00+08:00"], "<option --days/--months>", "exactly one"),
        (
            ["--from", "2026-09-27T10:00:00+08:00", "--months", "3", "--working"],
            "<option --working>",
            "counted with --days",
        ),
    ],
)
def test_cli_bad_options_exit_2_naming_the_option(cli: Cli, args: list[str], where: str, reason: str) -> None:
    result = cli("deadline", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {where}: ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_an_unknown_rule_is_a_usage_error(cli: Cli) -> None:
    result = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--rule", "lunar")
    assert result.exit_code == 2
    assert "--rule" in result.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON at line 1 column 2"),
        ("", "the file is empty"),
        ('["2027-01-01"]', "expected a JSON object, found an array"),
        ('{"year": 2027, "holidays": ["2027-13-01"], "workdays": []}', "holidays[0]: not a calendar date"),
        ('{"year": 2027, "holidays": ["2028-01-01"], "workdays": []}', "holidays[0]: 2028-01-01 is not in"),
    ],
)
def test_cli_a_malformed_calendar_file_exits_2_naming_the_file(
    cli: Cli, tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "calendar.json"
    path.write_text(content, encoding="utf-8")
    result = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--calendar", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_a_missing_or_repeated_calendar_year_exits_2(cli: Cli, tmp_path: Path) -> None:
    missing = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--calendar", tmp_path / "no")
    assert (missing.exit_code, missing.stderr) == (2, f"error: {tmp_path / 'no'}: no such file\n")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second):
        path.write_text(json.dumps(CALENDAR_2027), encoding="utf-8")
    repeated = cli(
        "deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--calendar", first, "--calendar", second
    )
    assert repeated.exit_code == 2
    assert f"error: {second}: year: 2027 is already given by {first}" in repeated.stderr
