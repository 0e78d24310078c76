"""Sentences as data: every message key is worded in every catalog with every one of its values, Chinese
renderings carry no English sentence, messages survive JSON with their types, and figures are written per
language in one place (numbers, money, days, instants, deadlines, durations).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, get_args

import pytest

from reconciler.base import formats
from reconciler.base.catalogs import en, zh
from reconciler.base.messages import (
    KEYS,
    Kind,
    Message,
    Names,
    from_json,
    message,
    plain_text,
    say,
    to_json,
)
from reconciler.contract.model import LineItemId, Unit
from reconciler.core.models import Status
from reconciler.core.observation import KINDS, VmState
from reconciler.dates.clock import CONTRACT_TZ

CATALOGS = {"en": en, "zh": zh}
_FIELD = re.compile(r"\{(\w+)(?::[^{}]*)?\}")

INSTANT = datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ)
END_OF_DAY = datetime(2026, 11, 27, 0, 0, tzinfo=CONTRACT_TZ)


def sample(kind: Kind) -> Any:
    """A value of each kind; TEXT values are marked so a test can tell them from the catalog's words."""
    return {
        Kind.INT: 3,
        Kind.YEAR: 2027,
        Kind.QUANTITY: Decimal("52116.5"),
        Kind.MONEY: Decimal("1383011.77"),
        Kind.FIGURE: Decimal("0.02"),
        Kind.DATE: date(2026, 11, 25),
        Kind.INSTANT: INSTANT,
        Kind.DEADLINE: END_OF_DAY,
        Kind.DURATION: 140400,
        Kind.LINE_ITEM: "compute.vcpu",
        Kind.LINE_ITEMS: ("compute.vcpu", "security.waf"),
        Kind.ITEM: "storage.performance",
        Kind.STATUS: "not_observed",
        Kind.ATTRIBUTES: ("cpu_ghz", "tier"),
        Kind.STATED: (("state", "running"), ("cpu_ghz", "2.6")),
        Kind.RESOURCE_KIND: "vm",
        Kind.VM_STATE: "terminated",
        Kind.UNIT: "instance",
        Kind.CLAUSE: "annex3.4",
        Kind.SUBJECT: "payment_schedule.final",
        Kind.TEXT: "«TEXT»",
        Kind.NAMES: Names("National Day", "国庆节"),
        Kind.IDS: ("vm-1", "vm-2"),
        Kind.MESSAGE: message("pending_expansions"),
        Kind.MESSAGES: (message("no_notice"), message("late_amount_unknown")),
        Kind.ALTERNATIVES: (message("cause_transposed"), message("cause_decimal_point")),
    }[kind]


def build(key: str) -> Message:
    return message(key, **{name: sample(kind) for name, kind in KEYS[key].items()})


WORDED = sorted(k for k in KEYS if k != "text")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_catalog_words_every_key_and_nothing_else(lang: str) -> None:
    assert set(CATALOGS[lang].MESSAGES) == set(WORDED)


@pytest.mark.parametrize("key", WORDED)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_template_uses_every_value_of_its_key(lang: str, key: str) -> None:
    assert set(_FIELD.findall(CATALOGS[lang].MESSAGES[key])) == set(KEYS[key])


def test_the_vocabularies_name_every_line_item_resource_kind_state_and_unit_in_both_languages() -> None:
    assert set(en.TERMS) == set(zh.TERMS)
    wanted = {
        *(f"line_item.{item.value}" for item in LineItemId),
        *(f"kind.{kind}" for kind in KINDS),
        *(f"vm_state.{state}" for state in get_args(VmState)),
        *(f"unit.{u.value}" for u in Unit),
        *(f"item.{item.value}" for item in LineItemId),
        *(f"status.{status.value}" for status in Status),
    }
    assert wanted <= set(zh.TERMS)


# Latin words that may stand in Chinese text: units and platform names, the CLI option a warning points to,
# protocol and tool names in a source's reasons
_ALLOWED_LATIN = re.compile(
    r"vCPU|GHz|GB|TB|Mbps|IP|WAF|x86_64|x86|aarch64|--calendar|«TEXT»|vm-\d|EXP-[\w-]+|HTTP|JSON|API|SDK|pulumi|Kubernetes|ksyun"
)


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more left in a text once ids, units and quoted text are taken out."""
    return re.findall(r"[A-Za-z]{3,}", _ALLOWED_LATIN.sub("", text))


@pytest.mark.parametrize("key", WORDED)
def test_a_chinese_rendering_has_no_english_and_an_english_one_no_chinese(key: str) -> None:
    msg = build(key)
    chinese = say(msg, "zh")
    assert english_words(chinese) == [], chinese
    english = say(msg, "en")
    # the one Chinese term the English catalog quotes is the contract's own name of the fee
    assert re.findall(r"[\u4e00-\u9fff]+", english.replace("信息系统云服务费", "").replace("国庆节", "")) == []
    assert "{" not in chinese
    assert "{" not in english


@pytest.mark.parametrize("key", sorted(KEYS))
def test_a_message_survives_json_with_its_types(key: str) -> None:
    msg = build(key)
    document = to_json(msg)
    assert document["text"] == say(msg, "en")
    assert from_json(document) == msg


def test_json_values_are_plain_json_and_the_text_is_english() -> None:
    msg = message(
        "delay_since",
        supplied=Decimal("1216"),
        baseline=Decimal("1232"),
        first=datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ),
    )
    assert to_json(msg) == {
        "key": "delay_since",
        "values": {"supplied": "1216", "baseline": "1232", "first": "2026-11-25T09:00:00+08:00"},
        "text": "supplied 1,216 < baseline 1,232 since the run of 2026-11-25 09:00 at the latest",
    }


def test_a_key_this_version_does_not_know_is_kept_as_its_text() -> None:
    kept = from_json({"key": "from_the_future", "values": {"x": 1}, "text": "a sentence of a later version"})
    assert kept == plain_text("a sentence of a later version")
    assert say(kept, "zh") == "a sentence of a later version"
    # values that do not fit the key (a hand-edited store) are kept as text too, never a crash
    assert from_json({"key": "no_ids", "values": {"id": "nine"}, "text": "t"}) == plain_text("t")


def test_a_message_is_never_built_wrong() -> None:
    with pytest.raises(TypeError, match="takes"):
        message("no_ids")
    with pytest.raises(TypeError, match="must be a date"):
        message("service_not_started", start="2026-07-17")
    with pytest.raises(TypeError, match="must be a instant"):
        message("period_not_over", as_of=datetime(2026, 11, 25))  # naive
    with pytest.raises(KeyError):
        message("no_such_key")


def test_english_plurals_follow_the_number() -> None:
    assert say(message("period_natural_days", days=1), "en") == "1 natural day"
    assert say(message("period_natural_days", days=7), "en") == "7 natural days"
    assert say(message("period_natural_days", days=7), "zh") == "7 日"


# -- formats: one place for numbers, money, days, instants, deadlines and durations ---------------------------


def test_numbers_and_money_per_language() -> None:
    assert formats.money(Decimal("1383011.77"), "zh") == "1,383,011.77"
    assert formats.money(Decimal("1383011.775"), "en") == "1,383,011.78"  # half up
    assert [formats.number(Decimal(v), "en") for v in ("565.6612873", "52116", "2896.000", "0.0005", "-0.0004")] == [
        "565.661",
        "52,116",
        "2,896",
        "0.001",
        "0",
    ]
    assert formats.number(Decimal("1E+3"), "zh") == "1,000"
    assert [formats.signed(Decimal(v), "en") for v in ("16", "-16", "0", "0.0001")] == ["+16", "-16", "0", "0"]


def test_days_and_instants_per_language_in_beijing_time() -> None:
    assert formats.day(date(2026, 11, 25), "zh") == "2026年11月25日"
    assert formats.day(date(2026, 11, 25), "en") == "2026-11-25"
    assert formats.instant(INSTANT, "zh") == "2026年11月25日 09:00"
    assert formats.instant(INSTANT, "en") == "2026-11-25 09:00"
    utc = datetime.fromisoformat("2026-11-25T01:00:05+00:00")
    assert formats.instant(utc, "en") == "2026-11-25 09:00:05"


def test_a_deadline_that_ends_with_a_day_is_that_days_24_00_in_every_language() -> None:
    assert formats.deadline(END_OF_DAY, "en") == "2026-11-26 24:00"
    assert formats.deadline(END_OF_DAY, "zh") == "2026年11月26日 24:00"
    assert formats.deadline(INSTANT, "en") == "2026-11-25 09:00"  # any other instant is written as it is
    assert formats.short_deadline(END_OF_DAY) == "11-26 24:00"


def test_durations_per_language() -> None:
    seconds = [140400, -183600, 3660, 60, 59, 0, 183900, -90061]
    assert [formats.duration(s, "en") for s in seconds] == [
        "1d 15h 0m",
        "-2d 3h 0m",
        "1h 1m",
        "1m",
        "59s",
        "0s",
        "2d 3h 5m",
        "-1d 1h 1m",
    ]
    assert formats.duration(140400, "zh") == "1天15小时0分"
    assert formats.duration(59, "zh") == "59秒"


@pytest.mark.parametrize(
    ("key", "values", "text"),
    [
        ("termination", {"days": 1, "clause": "12.3"}, "the delay has reached 1 day:"),
        ("termination", {"days": 30, "clause": "12.3"}, "the delay has reached 30 days:"),
        ("listing_too_long", {"listing": plain_text("kec DescribeInstances"), "pages": 1}, "1 page"),
        ("billing_months", {"line_item": "compute.vcpu", "billed": 1, "months": 12}, "billed for 1 month,"),
    ],
)
def test_one_of_a_unit_is_singular(key: str, values: dict[str, object], text: str) -> None:
    assert text in say(message(key, **values), "en")


def test_the_calendar_says_within_1_day_not_1_days() -> None:
    from tests.cli_runner import run_cli

    one = run_cli("calendar", "--soon-days", "1", "--now", "2026-11-25T09:00:00+08:00").stdout
    assert "due soon: within 1 day" in one
    assert "1 days" not in one
