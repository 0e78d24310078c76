"""The contract calendar: `obligations.obligations` and the `reconciler calendar` command.

Every expected date is hand-computed in a comment. Calendar facts used: 2026-07-17 is a Friday; 2027-01-01 is
a Friday, so 2027-04-17, 2027-07-17, 2027-08-21 are Saturdays and 2027-04-16, 2027-07-16, 2027-07-30,
2027-08-06 are Fridays; 2027-09-16 is a Thursday. chinese-calendar 1.11.0 has no 2027 schedule, so without
--calendar 2027 has weekends only (and a warning). July 2026 has no public holiday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.messages import message, say, to_json
from reconciler.contract.model import Contract
from reconciler.contract.obligations import Method, Obligation, State, obligations, state_at
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.dates.periods import YearCalendar
from tests.cli_runner import CliResult

NOW = datetime(2027, 3, 25, tzinfo=CONTRACT_TZ)
FALLBACK_2027_TEXT = (
    "no statutory holiday data for 2027: weekends only; pass --calendar FILE (holiday data covers 2004-2026)"
)
FALLBACK_2027 = message("no_holiday_data", year=2027, first=2004, last=2026)

# A made-up 2027 schedule for the tests (the State Council has not published 2027's): Labour Day 05-01..05-05,
# Mid-Autumn 09-15..09-17.
HYPOTHETICAL_2027 = {
    "year": 2027,
    "holidays": [
        "2027-05-01",
        "2027-05-02",
        "2027-05-03",
        "2027-05-04",
        "2027-05-05",
        "2027-09-15",
        "2027-09-16",
        "2027-09-17",
    ],
    "workdays": [],
}


def by_id(items: list[Obligation]) -> dict[str, Obligation]:
    return {o.id: o for o in items}


@pytest.fixture
def found(contract: Contract) -> dict[str, Obligation]:
    return by_id(obligations(contract, NOW))


def test_service_period_dates(found: dict[str, Obligation]) -> None:
    start, end = found["5-service-start"], found["5-service-end"]
    # Art. 5: from 2026-07-17 (00:00) to 2027-07-16 (24:00 = 07-17 00:00), both in Asia/Shanghai.
    assert (start.day, start.due_at) == (date(2026, 7, 17), datetime(2026, 7, 17, tzinfo=CONTRACT_TZ))
    assert (end.day, end.due_at) == (date(2027, 7, 16), datetime(2027, 7, 17, tzinfo=CONTRACT_TZ))
    assert start.method is end.method is Method.FIXED
    assert not start.warnings
    assert not end.warnings


def test_first_payment_earliest_from_service_start(found: dict[str, Obligation]) -> None:
    first = found["7.2-first-payment"]
    # 10 working days counted from Sat 2026-07-18 (07-17 not counted): Mon 07-20 .. Fri 07-24 are 5,
    # Mon 07-27 .. Fri 07-31 are 10 -> 2026-07-31, due 08-01 00:00. 2026 has holiday data: no warning.
    assert first.day == date(2026, 7, 31)
    assert first.due_at == datetime(2026, 8, 1, tzinfo=CONTRACT_TZ)
    assert first.conditional
    assert first.condition == message("cond_funds_first")
    assert first.period == message("period_working_days", days=10)
    assert first.description.values["amount"] == Decimal("1383011.77")
    assert "（1,383,011.77 元）" in say(first.description, "zh")
    assert first.method is Method.CIVIL_CODE
    assert first.warnings == ()


def test_nine_months_and_second_payment(found: dict[str, Obligation]) -> None:
    mark, second = found["7.3-nine-months"], found["7.3-second-payment"]
    # 9 months from 2026-07-17 (not counted, Art. 201): 2027-04-17 (Art. 202), a Saturday -> Mon 2027-04-19.
    assert mark.day == date(2027, 4, 19)
    assert mark.extended
    assert mark.extension_reason is not None
    assert mark.extension_reason == message("extended_saturday", day=date(2027, 4, 17), last_day=date(2027, 4, 19))
    assert not mark.conditional
    # 10 working days from the day after 04-19 (weekends only in 2027): Tue 04-20 .. Fri 04-23 are 4,
    # Mon 04-26 .. Fri 04-30 are 9, Mon 05-03 is 10.
    assert second.day == date(2027, 5, 3)
    assert second.conditional
    assert second.anchor_day == date(2027, 4, 19)
    assert mark.warnings == second.warnings == (FALLBACK_2027,)
    # The alternative reading counts 2026-07-17: 9 months end Fri 2027-04-16; 10 working days from Sat 04-17:
    # Mon 04-19 .. Fri 04-23 are 5, Mon 04-26 .. Fri 04-30 are 10 -> 2027-04-30. Without the Art. 203 move
    # (mark 04-17, counting from Sun 04-18) the same 2027-04-30.
    readings = {note.key: note.values for note in [*mark.notes, *second.notes]}
    assert readings["note_first_day_counted"]["alternative"] == date(2027, 4, 16)
    payment = readings["note_payment_first_day_counted"]
    assert (payment["alternative"], payment["day"]) == (date(2027, 4, 16), date(2027, 4, 30))
    assert readings["note_mark_not_moved"]["day"] == date(2027, 4, 30)


def test_final_payment_and_acceptance(found: dict[str, Obligation]) -> None:
    final, accept, redo = found["7.4-final-payment"], found["6-acceptance"], found["6-re-acceptance"]
    # Final payment, earliest: 10 working days after the service period ends on Fri 2027-07-16: counting from
    # Sat 07-17: Mon 07-19 .. Fri 07-23 are 5, Mon 07-26 .. Fri 07-30 are 10 -> 2027-07-30.
    assert final.day == date(2027, 7, 30)
    assert final.conditional
    # Acceptance: 15 working days from Sat 07-17: ... 10 on Fri 07-30, Mon 08-02 .. Fri 08-06 are 15.
    assert accept.day == date(2027, 8, 6)
    assert not accept.conditional
    assert accept.due_at == datetime(2027, 8, 7, tzinfo=CONTRACT_TZ)
    # Re-acceptance, acceptance failing on its last day 08-06: 08-06 + 15 = Sat 08-21 -> Mon 08-23.
    assert redo.day == date(2027, 8, 23)
    assert redo.extended
    assert redo.conditional
    assert redo.anchor_day == date(2027, 8, 6)
    assert final.warnings == accept.warnings == redo.warnings == (FALLBACK_2027,)


def test_exit_and_switch_over(found: dict[str, Obligation]) -> None:
    exit_request, switch = found["14.1-exit-request"], found["14.3-switch-over-end"]
    # Art. 14.1: the service ends at 2027-07-17 00:00; 3 months before is 2027-04-17 00:00, so the latest day to
    # apply is Fri 2027-04-16. Counted back: no rest-day move, no holiday lookup, no warning.
    assert exit_request.day == date(2027, 4, 16)
    assert exit_request.method is Method.COUNTED_BACK
    assert exit_request.due_at == datetime(2027, 4, 17, tzinfo=CONTRACT_TZ)
    assert exit_request.warnings == ()
    # Art. 14.3: 2 months from 2027-07-16 (not counted): 2027-09-16, a Thursday (weekends only).
    assert switch.day == date(2027, 9, 16)
    assert not switch.extended
    assert switch.conditional
    assert switch.warnings == (FALLBACK_2027,)


def test_rules_without_a_date_come_last(contract: Contract) -> None:
    items = obligations(contract, NOW)
    undated = [o.id for o in items if o.day is None]
    assert undated == ["4.5-project-lead-change", "14.2-migration", "15.5-return-material", "19.2-change-notice"]
    assert [o.id for o in items[-4:]] == undated
    assert all(o.state is State.RULE and o.due_at is None and o.conditional for o in items[-4:])
    dated = [o.due_at for o in items if o.due_at is not None]
    assert dated == sorted(dated)


def test_states_around_now(contract: Contract) -> None:
    # now 2027-03-25 00:00, soon = 30 days (until 04-24 00:00).
    found = by_id(obligations(contract, NOW))
    assert found["7.2-first-payment"].state is State.PAST  # 2026-08-01 00:00
    assert found["14.1-exit-request"].state is State.DUE_SOON  # 04-17 00:00: 23 days
    assert found["7.3-nine-months"].state is State.DUE_SOON  # 04-20 00:00: 26 days
    assert found["7.3-second-payment"].state is State.AHEAD  # 05-04 00:00: 40 days
    # With --soon-days 10 none of them is due soon.
    short = by_id(obligations(contract, NOW, soon_days=10))
    assert short["14.1-exit-request"].state is State.AHEAD
    # At exactly 24:00 of the last day the obligation is past.
    at_end = by_id(obligations(contract, datetime(2027, 4, 17, tzinfo=CONTRACT_TZ)))
    assert at_end["14.1-exit-request"].state is State.PAST
    assert at_end["7.3-nine-months"].state is State.DUE_SOON


def test_state_at_boundaries() -> None:
    due = datetime(2027, 4, 17, tzinfo=CONTRACT_TZ)
    assert state_at(None, NOW, 30) is State.RULE
    assert state_at(due, datetime(2027, 3, 18, tzinfo=CONTRACT_TZ), 30) is State.DUE_SOON  # exactly 30 days
    assert state_at(due, datetime(2027, 3, 17, 23, 59, tzinfo=CONTRACT_TZ), 30) is State.AHEAD


def test_a_2027_calendar_changes_results(contract: Contract) -> None:
    cal = YearCalendar(
        year=2027,
        holidays=frozenset(date.fromisoformat(d) for d in HYPOTHETICAL_2027["holidays"]),
        source="calendar-2027.json",
    )
    found = by_id(obligations(contract, NOW, [cal]))
    # Second payment: Tue 04-20 .. Fri 04-23 are 4, Mon 04-26 .. Fri 04-30 are 9, 05-01 .. 05-05 rest,
    # Thu 05-06 is 10.
    assert found["7.3-second-payment"].day == date(2027, 5, 6)
    # Switch-over: 09-16 is a (made-up) holiday; rest 09-15 .. 09-19 (weekend) -> Mon 2027-09-20.
    switch = found["14.3-switch-over-end"]
    assert switch.day == date(2027, 9, 20)
    assert switch.extended
    assert switch.extension_reason is not None
    assert switch.extension_reason.values["source"] == "calendar-2027.json"
    assert all(not o.warnings for o in found.values())


def test_expansions_are_listed(contract: Contract) -> None:
    expansion = {
        "id": "exp-1",
        "line_item": "compute.vcpu",
        "quantity": "16",
        "requested_at": "2026-09-27T10:00:00+08:00",
    }
    with_expansion = contract.model_validate({**contract.model_dump(by_alias=True), "expansions": [expansion]})
    items = obligations(with_expansion, NOW)
    found = by_id(items)["3.4-expansion-exp-1"]
    # 7 natural days from 2026-09-27: 10-04 falls in National Day (10-01 .. 10-07) -> Thu 2026-10-08.
    assert found.day == date(2026, 10, 8)
    assert found.extended
    assert found.clause == "3.4"
    assert found.state is State.PAST
    ids = [o.id for o in items]
    assert ids.index("7.2-first-payment") < ids.index("3.4-expansion-exp-1") < ids.index("14.1-exit-request")


def test_naive_now_or_negative_soon_rejected(contract: Contract) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        obligations(contract, datetime(2027, 3, 25))
    with pytest.raises(ValueError, match="negative"):
        obligations(contract, NOW, soon_days=-1)


# -- the command --------------------------------------------------------------------------------------------

CliRun = Callable[..., CliResult]


def test_cli_json_shape(cli: CliRun) -> None:
    result = cli("calendar", "--now", "2027-03-25T00:00:00+08:00", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["schema"] == "contract-reconciler/calendar"
    assert document["version"] == 2
    assert document["now"] == "2027-03-25T00:00:00+08:00"
    assert document["soon_days"] == 30
    first = document["obligations"][0]
    assert set(first) == {
        "id", "clause", "description", "state", "date", "due_at", "rule", "period", "anchor", "anchor_date",
        "conditional", "condition", "extended", "extension_reason", "warnings", "notes",
    }  # fmt: skip
    assert (first["id"], first["date"], first["state"], first["rule"]) == (
        "5-service-start",
        "2026-07-17",
        "past",
        "fixed-date",
    )
    last = document["obligations"][-1]
    assert (last["id"], last["date"], last["due_at"], last["state"]) == ("19.2-change-notice", None, None, "rule")


def test_cli_calendar_file(cli: CliRun, write_json: Callable[[Any, str], Path]) -> None:
    path = write_json(HYPOTHETICAL_2027, "calendar-2027.json")
    args = ("calendar", "--now", "2027-03-25T00:00:00+08:00", "--format", "json")
    plain = {o["id"]: o for o in cli(*args).json()["obligations"]}
    supplied = cli(*args, "--calendar", path).json()
    assert supplied["calendars"] == [str(path)]
    found = {o["id"]: o for o in supplied["obligations"]}
    assert plain["14.3-switch-over-end"]["date"] == "2027-09-16"
    assert found["14.3-switch-over-end"]["date"] == "2027-09-20"  # see test_a_2027_calendar_changes_results
    assert plain["6-acceptance"]["warnings"] == [to_json(FALLBACK_2027)]
    assert found["6-acceptance"]["warnings"] == []


def test_cli_text_and_soon_days(cli: CliRun) -> None:
    result = cli("calendar", "--now", "2027-03-25T00:00:00+08:00", "--soon-days", "10")
    assert result.exit_code == 0, result.stderr
    assert "2027-04-16  ahead" in result.stdout
    assert f"warning: {FALLBACK_2027_TEXT}" in result.stdout
    zh = cli("calendar", "--now", "2027-03-25T00:00:00+08:00", "--lang", "zh")
    # columns line up by display width: a Chinese date takes as many columns as its widest neighbour
    assert "2027年4月16日  即将到期  14.1" in zh.stdout
    assert "2027年5月3日   未到      7.3" in zh.stdout
    assert "本合同服务期满 9 个月" in zh.stdout
    assert "截止时间: 2027年4月16日 24:00" in zh.stdout
    assert "提示: 无 2027 年法定节假日数据：仅按周末计算" in zh.stdout
    for english in ("due_at", "warning:", "no statutory holiday data", "weekends only"):
        assert english not in zh.stdout


def test_cli_markdown_golden(cli: CliRun, golden: Callable[[str, str], None]) -> None:
    result = cli("calendar", "--now", "2027-03-25T00:00:00+08:00", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    golden("calendar.md", result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--now", "2027-03-25T00:00:00"), "<option --now>"),
        (("--soon-days", "-1"), "<option --soon-days>"),
        (("--calendar", "/nonexistent/calendar-2027.json"), "calendar-2027.json"),
        (("--contract", "/nonexistent/contract.json"), "contract.json"),
    ],
)
def test_cli_bad_input_exits_2(cli: CliRun, args: tuple[str, ...], message: str) -> None:
    result = cli("calendar", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_calendar_file_for_the_wrong_year(cli: CliRun, write_json: Callable[[Any, str], Path]) -> None:
    path = write_json({"year": 2027, "holidays": ["2028-01-01"], "workdays": []}, "bad.json")
    result = cli("calendar", "--calendar", path)
    assert result.exit_code == 2
    assert "holidays[0]: 2028-01-01 is not in the calendar's year 2027" in result.stderr
