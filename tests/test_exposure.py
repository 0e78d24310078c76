"""Indicative exposure: Annex 3 item 4, Art. 12.3 day counting and termination, Art. 12.4 heavier rule.

Hand-computed from the contract total 2,305,019.62 and 12 service months:
Annex 3 item 4 = 2,305,019.62 / 12 x 0.20 = 38,416.9936... -> 38,416.99;
Art. 12.3 = 2,305,019.62 x 0.02 = 46,100.3924 a day: 2 days 92,200.78, 3 days 138,301.18, 4 days 184,401.57,
10 days 461,003.92, 11 days 507,104.32.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reconciler.base.messages import message, say
from reconciler.contract.model import Contract
from reconciler.core.exposure import DISCLAIMER, delay_periods
from reconciler.core.models import ExposureItem, Reconciliation
from reconciler.core.observation import KINDS, Observation, SourceReport
from reconciler.core.reconcile import reconcile
from reconciler.core.runs import PastRun
from tests.conftest import met_resources, structs, vm
from tests.test_expansions import at, check, expansion, run, with_expansions

ANNEX = Decimal("38416.99")
DAY = Decimal("46100.39")
LATE_NOW = "2026-11-28T09:00:00+08:00"  # exp-1 (requested 11-18) has been overdue since 11-26 00:00


def items(result: Reconciliation) -> list[ExposureItem]:
    assert result.exposure.disclaimer == DISCLAIMER
    return result.exposure.items


def keys(item: ExposureItem) -> list[str]:
    return [m.key for m in item.reasons]


def test_no_expansions_and_no_shortfall_is_no_exposure(contract: Contract) -> None:
    result = check(contract, LATE_NOW, 1232)
    assert (result.exposure.total, result.exposure.items) == (Decimal("0.00"), [])
    assert result.exposure.disclaimer == DISCLAIMER


def test_annex_3_4_applies_to_an_overdue_expansion_after_the_written_notice(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion(notice_at="2026-11-27T10:00:00+08:00"))
    result = check(contract, LATE_NOW, 1232)  # baseline met, the 64 vCPU not delivered
    [item] = items(result)
    assert (item.clause, item.line_item.value, item.expansion) == ("annex3.4", "compute.vcpu", "exp-1")
    assert (item.applies, item.counted, item.amount) == (True, True, ANNEX)
    assert item.formula == message(
        "expansion_formula", fee=Decimal("2305019.62"), months=12, coefficient=Decimal("0.2")
    )
    assert say(item.formula, "en") == "fee / service months x coefficient = 2,305,019.62 / 12 x 0.2"
    assert item.inputs["fee"] == "2305019.62"
    assert item.inputs["coefficient"] == "0.2"
    assert item.inputs["notice_at"] == "2026-11-27T10:00:00+08:00"
    assert keys(item) == ["overdue_after_notice", "fee_reading"]
    assert item.reasons[0].values["due_at"] == at("2026-11-26T00:00:00+08:00")
    assert result.exposure.total == ANNEX


@pytest.mark.parametrize(
    "notice_at",
    [None, "2026-11-29T10:00:00+08:00"],  # no notice recorded; a notice after this check's now
)
def test_annex_3_4_cannot_apply_without_a_notice(contract_data: dict[str, Any], notice_at: str | None) -> None:
    extra = {} if notice_at is None else {"notice_at": notice_at}
    contract = with_expansions(contract_data, expansion(**extra))
    [item] = items(check(contract, LATE_NOW, 1232))
    assert (item.applies, item.counted, item.amount) == (False, False, Decimal("0.00"))
    assert keys(item) == ["no_notice", "fee_reading"]


def test_an_expansion_delivered_late_after_the_notice_is_listed_without_an_amount(
    contract_data: dict[str, Any],
) -> None:
    contract = with_expansions(contract_data, expansion(notice_at="2026-11-27T10:00:00+08:00"))
    history = [run(1, "2026-11-27T12:00:00+08:00", 1296)]
    [item] = items(check(contract, LATE_NOW, 1296, history))
    assert (item.applies, item.amount) == (False, Decimal("0.00"))
    assert keys(item) == ["delivered_late", "late_amount_unknown", "fee_reading"]
    # delivered late but before any notice: the clause is not even a candidate
    quiet = with_expansions(contract_data, expansion())
    assert items(check(quiet, LATE_NOW, 1296, history)) == []


def test_an_expansion_still_inside_its_deadline_has_no_exposure(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion(notice_at="2026-11-27T10:00:00+08:00"))
    assert items(check(contract, "2026-11-25T09:00:00+08:00", 1232)) == []


def short_runs(*nows: str, status: str = "short", vcpu: int = 1216) -> list[PastRun]:
    return [run(n, now, vcpu, status) for n, now in enumerate(nows)]


@pytest.mark.parametrize(
    ("history", "now", "days", "amount"),
    [
        ([], "2026-11-23T09:00:00+08:00", 1, DAY),  # first seen now: day 1 has started
        # streak starts at the run of 11-21 09:00 (11-20 was met)
        (
            [
                *short_runs("2026-11-20T09:00:00+08:00", status="met", vcpu=1232),
                *short_runs("2026-11-21T09:00:00+08:00"),
            ],
            "2026-11-23T08:59:59+08:00",
            2,
            Decimal("92200.78"),
        ),
        (
            short_runs("2026-11-21T09:00:00+08:00", "2026-11-22T09:00:00+08:00"),
            "2026-11-23T09:00:00+08:00",
            3,
            Decimal("138301.18"),
        ),
        # an unknown run (a source failed) neither breaks nor extends the streak: counting goes on from 11-20
        (
            [
                *short_runs("2026-11-20T09:00:00+08:00"),
                run(8, "2026-11-21T09:00:00+08:00", None, "unknown"),
                *short_runs("2026-11-22T09:00:00+08:00"),
            ],
            "2026-11-23T09:00:00+08:00",
            4,
            Decimal("184401.57"),
        ),
        # ... nor does a run that did not observe it (not_observed); the met run before it breaks it
        (
            [
                *short_runs("2026-11-19T09:00:00+08:00"),
                run(7, "2026-11-20T09:00:00+08:00", 1232, "met"),
                run(8, "2026-11-21T09:00:00+08:00", None, "not_observed"),
                *short_runs("2026-11-22T09:00:00+08:00"),
            ],
            "2026-11-23T09:00:00+08:00",
            2,
            Decimal("92200.78"),
        ),
        # the same instants in UTC
        (short_runs("2026-11-21T01:00:00+00:00"), "2026-11-23T00:59:59+00:00", 2, Decimal("92200.78")),
    ],
)
def test_art_12_3_counts_whole_days_started_since_the_streak_began(
    contract: Contract, history: list[PastRun], now: str, days: int, amount: Decimal
) -> None:
    result = check(contract, now, 1216, history)  # 16 vCPU below the baseline of 1232
    [item] = items(result)
    assert (item.clause, item.line_item.value, item.days, item.amount) == ("12.3", "compute.vcpu", days, amount)
    assert item.formula == message("delay_formula", total=Decimal("2305019.62"), rate=Decimal("0.02"), days=days)
    assert not item.termination_right
    assert result.exposure.total == amount


@pytest.mark.parametrize(
    ("now", "days", "amount", "termination"),
    [
        ("2026-11-11T08:59:59+08:00", 10, Decimal("461003.92"), False),
        ("2026-11-11T09:00:00+08:00", 11, Decimal("507104.32"), True),  # 10 full days of delay
    ],
)
def test_art_12_3_termination_right_after_10_days(
    contract: Contract, now: str, days: int, amount: Decimal, termination: bool
) -> None:
    history = short_runs(*(f"2026-11-{day:02d}T09:00:00+08:00" for day in range(1, 11)))
    [item] = items(check(contract, now, 1216, history))
    assert (item.days, item.amount, item.termination_right) == (days, amount, termination)
    assert item.inputs["first_seen_short"] == "2026-11-01T09:00:00+08:00"
    assert ("termination" in keys(item)) is termination


def test_short_only_of_an_overdue_expansion_is_not_a_baseline_delay(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion())
    result = check(contract, LATE_NOW, 1232)
    assert result.finding("compute.vcpu").status == "short"
    assert [i.clause for i in items(result)] == ["annex3.4"]


def test_art_12_4_one_event_counts_only_the_heavier_rule(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion(notice_at="2026-11-27T10:00:00+08:00"))
    result = check(contract, LATE_NOW, 1216)  # below the baseline and the expansion overdue after notice
    delay, annex = items(result)
    assert (delay.clause, delay.amount, delay.counted) == ("12.3", DAY, True)
    assert (annex.clause, annex.amount, annex.applies, annex.counted) == ("annex3.4", ANNEX, True, False)
    assert annex.not_counted is not None
    assert (annex.not_counted.key, annex.not_counted.values["amount"]) == ("one_event", DAY)
    assert "Art. 12.4" in say(annex.not_counted, "en")
    assert "46,100.39 元" in say(annex.not_counted, "zh")
    assert result.exposure.total == DAY


def test_art_12_4_compares_the_rules_per_line_item(contract_data: dict[str, Any]) -> None:
    notice = "2026-11-27T10:00:00+08:00"
    contract = with_expansions(
        contract_data,
        expansion("a", 64, notice_at=notice),
        expansion("b", 8, "2026-11-18T11:00:00+08:00", notice_at=notice),
    )
    result = check(contract, LATE_NOW, 1216)
    # two notified expansions: 2 x 38,416.99 = 76,833.98 outweighs one day of Art. 12.3
    assert [(i.clause, i.expansion, i.counted) for i in items(result)] == [
        ("12.3", None, False),
        ("annex3.4", "a", True),
        ("annex3.4", "b", True),
    ]
    assert result.exposure.total == Decimal("76833.98")


def test_exposure_does_not_change_the_exit_code(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion(notice_at="2026-11-27T10:00:00+08:00"))
    before = check(contract, "2026-11-25T09:00:00+08:00", 1232)
    assert (before.finding("compute.vcpu").status, int(before.exit_code)) == ("pending", 0)
    assert before.expansions[0].fulfilled_at is None
    assert at(LATE_NOW) > before.expansions[0].due_at


def test_art_12_3_charges_a_day_of_delay_once_however_many_line_items_are_short(contract: Contract) -> None:
    """vCPU short since 11-21 09:00 (3 days started by 11-23 09:00), memory short since now (day 1): the service
    is late 3 days, not 4; memory's day lies within vCPU's streak and is listed, not counted."""
    resources = [r for r in met_resources() if r["id"] != "vm-b"] + [vm("vm-b", 600, 1400)]
    observation = Observation(at("2026-11-23T09:00:00+08:00"), (SourceReport("test", frozenset(KINDS)),),
                              structs(resources))  # fmt: skip
    history = short_runs("2026-11-21T09:00:00+08:00", "2026-11-22T09:00:00+08:00")
    result = reconcile(contract, observation, at("2026-11-23T09:00:00+08:00"), history=history)
    vcpu, memory = items(result)
    three_days = Decimal("138301.18")
    assert (vcpu.line_item.value, vcpu.days, vcpu.amount, vcpu.counted) == ("compute.vcpu", 3, three_days, True)
    assert (memory.line_item.value, memory.days, memory.amount, memory.counted) == ("compute.memory", 1, DAY, False)
    assert memory.not_counted == message("delay_days_once", line_item="compute.vcpu", days=3)
    assert say(memory.not_counted, "en").endswith(
        "these days already count with the longest delay, compute.vcpu (3 days)"
    )
    assert result.exposure.total == three_days


@pytest.mark.parametrize(
    ("streaks", "periods"),
    [
        # one streak counts as the check counts it: 11-21 09:00 to 11-23 08:59:59 is 2 days started
        ([("2026-11-21T09:00:00+08:00", "2026-11-23T08:59:59+08:00")], [("2026-11-21T09:00:00+08:00", 2)]),
        # vCPU short at one run, storage at it and the next: the same 2 days, not 1 + 2
        (
            [
                ("2026-11-03T02:00:00+08:00", "2026-11-03T02:00:00+08:00"),
                ("2026-11-03T02:00:00+08:00", "2026-11-04T02:00:00+08:00"),
            ],
            [("2026-11-03T02:00:00+08:00", 2)],
        ),
        # a streak beginning inside the first one's counted day (11-03 02:00 to 11-04 02:00) extends it:
        # 11-03 02:00 to 11-04 10:00 is 32 h, 2 days started
        (
            [
                ("2026-11-03T02:00:00+08:00", "2026-11-03T02:00:00+08:00"),
                ("2026-11-03T20:00:00+08:00", "2026-11-04T10:00:00+08:00"),
            ],
            [("2026-11-03T02:00:00+08:00", 2)],
        ),
        # one beginning when that day is over is a new delay: 1 + 1 days
        (
            [
                ("2026-11-04T02:00:00+08:00", "2026-11-04T02:00:00+08:00"),
                ("2026-11-03T02:00:00+08:00", "2026-11-03T02:00:00+08:00"),
            ],
            [("2026-11-03T02:00:00+08:00", 1), ("2026-11-04T02:00:00+08:00", 1)],
        ),
    ],
)
def test_delay_periods_count_each_day_of_delay_once(
    streaks: list[tuple[str, str]], periods: list[tuple[str, int]]
) -> None:
    result = delay_periods((at(first), at(last)) for first, last in streaks)
    assert [(first, days) for first, _, days in result] == [(at(first), days) for first, days in periods]
