"""How the human renderings word things: rounded quantities, durations, day ranges, plurals, units, the core's
sentences in Chinese on every face, the trend charts' axis labels, `reconciler sources` and `--help`.

JSON keeps the exact values, each sentence's key and values, and its English text; only what people read changes.
The catalogs themselves are tested in `test_messages`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.messages import say
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.dates.periods import period_end
from reconciler.history.trends import Trend, TrendPoint
from reconciler.report.charts import trend_chart
from reconciler.report.labels import counted, field_name, unit
from reconciler.report.text import day_range, duration, quantity, signed
from tests.cli_runner import CliResult
from tests.conftest import ROOT
from tests.test_report_html import OBSERVATION
from tests.test_report_html import parse as parse_html

NOW = "2026-11-25T09:00:00+08:00"
EXPANSION_CONTRACT = ROOT / "examples" / "contract-with-expansion.json"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("565.6612873077392578125", "565.661"),
        ("-51550.3387126922607421875", "-51,550.339"),
        ("4.648", "4.648"),
        ("2896.000", "2,896"),
        ("0.0005", "0.001"),  # half up
        ("0.0004", "0"),
        ("-0.0004", "0"),  # no "-0"
        ("1E+3", "1,000"),  # no exponent
        ("12.50", "12.5"),
    ],
)
def test_quantities_for_people_are_rounded_to_three_decimals(value: str, shown: str) -> None:
    assert quantity(Decimal(value), "en") == quantity(Decimal(value), "zh") == shown


def test_signed_and_missing_quantities() -> None:
    assert [signed(Decimal(v)) for v in ("16", "-16", "0", "0.0001")] == ["+16", "-16", "0", "0"]
    assert quantity(None) == signed(None) == "-"


def test_durations_in_both_languages() -> None:
    seconds = [140400, -183600, 3660, 60, 59, 0]
    assert [duration(s, "en") for s in seconds] == ["1d 15h 0m", "-2d 3h 0m", "1h 1m", "1m", "59s", "0s"]
    assert [duration(s, "zh") for s in seconds] == ["1天15小时0分", "-2天3小时0分", "1小时1分", "1分", "59秒", "0秒"]


def test_day_ranges_and_plurals_and_units() -> None:
    assert day_range("2026-11-05/2026-11-09", "en") == "2026-11-05 – 2026-11-09"
    assert day_range("2026-11-05/2026-11-09", "zh") == "2026年11月5日至2026年11月9日"
    assert day_range("2026-11-01", "zh") == "2026年11月1日"
    assert [counted(n, "resources", "en") for n in (0, 1, 2)] == ["0 resources", "1 resource", "2 resources"]
    assert counted(1, "resources", "zh") == counted(1, "resources", "zh") == "1 个资源"
    assert [unit(u, "zh") for u in ("instance", "account", "GB", "vCPU")] == ["个", "个", "GB", "vCPU"]
    assert unit("instance", "en") == "instance"


def _trend(values: list[str]) -> Trend:
    start = datetime(2026, 11, 1, 2, tzinfo=CONTRACT_TZ)
    points = tuple(
        TrendPoint(
            run_id=n + 1,
            now=start + timedelta(days=n),
            supplied=Decimal(v),
            entitled=Decimal("4.648"),
            due=Decimal("4.648"),
            status="met",
        )
        for n, v in enumerate(values)
    )
    return Trend("storage.object", 5, "存储服务-静态存储", "Object storage", "TB", points)


def test_a_flat_trend_shows_its_one_value_and_a_varying_one_its_range() -> None:
    flat = trend_chart(_trend(["4.648", "4.648"]))
    assert (flat.high, flat.low) == ("4.648", "")
    varying = trend_chart(_trend(["4.648", "565.6612873077392578125"]))
    assert (varying.high, varying.low, varying.last_supplied) == ("565.661", "4.648", "565.661")


def test_chinese_check_on_the_console_and_in_markdown(cli: Callable[..., CliResult]) -> None:
    args = ("check", "--observed", OBSERVATION, "--contract", EXPANSION_CONTRACT, "--now", NOW, "--no-history")
    for output_format in ("console", "markdown"):
        result = cli(*args, "--format", output_format, "--lang", "zh")
        assert result.exit_code == 1, result.stderr
        out = result.stdout
        assert "合同总价 × 每日违约金比例 × 延期天数 = 2,305,019.62 × 0.02 × 1" in out
        assert "剩余 1天15小时0分" in out
        assert "期限 2026年11月26日 24:00" in out
        assert "30 个资源" in out
        assert "云主机vCPU：1 个未计入（非 x86_64 平台，实为 aarch64），16 vCPU：vm-arm-1" in out
        for english in ("contract total", " x rate", "1d 15h", "instance", "account", "resources", "不计入，"):
            assert english not in out, (output_format, english)
        for iso in ("T09:00", "+08:00", "compute.vcpu:", "Art."):
            assert iso not in out, (output_format, iso)
    english = cli(*args, "--format", "markdown").stdout
    assert "1 resource (e.g. vol-x)" in english
    assert "left 1d 15h 0m" in english


def test_json_keeps_the_exact_english_sentences(cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--observed", OBSERVATION, "--now", NOW, "--no-history", "--format", "json")
    document: dict[str, Any] = json.loads(result.stdout)
    formulas = [item["formula"] for item in document["exposure"]["items"]]
    assert formulas[0] == {
        "key": "delay_formula",
        "values": {"total": "2305019.62", "rate": "0.02", "days": 1},
        "text": "contract total x rate x days = 2,305,019.62 x 0.02 x 1",
    }


def test_html_in_both_languages_carries_each_sentence_in_each(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    output = tmp_path / "both.html"
    args = ("--observed", OBSERVATION, "--contract", EXPANSION_CONTRACT, "--now", NOW, "--no-history")
    assert cli("report", *args, "--output", output).exit_code == 0
    html = output.read_text(encoding="utf-8")
    text = parse_html(html).text
    assert "contract total x rate x days = 2,305,019.62 x 0.02 x 1 合同总价 × 每日违约金比例 × 延期天数" in text
    assert "2026-11-26 24:00 2026年11月26日 24:00" in text
    assert "1d 15h 0m 1天15小时0分" in text
    assert "instance 个" in text
    assert "30 resources 30 个资源" in text
    # the vCPU bar (93.8 %; due is below the entitlement while EXP-2026-001 runs) ends just before the due
    # tick: its percent is written clear past the tick (2 units wide), not over it
    bar = html[html.index('data-line-item="compute.vcpu"') :]
    tick = float(re.search(r'<line x1="([\d.]+)"', bar).group(1))  # type: ignore[union-attr]
    label = float(re.search(r'<text x="([\d.]+)"[^>]*>93\.8 %', bar).group(1))  # type: ignore[union-attr]
    assert label >= tick + 5


def test_sources_says_a_default_once(cli: Callable[..., CliResult]) -> None:
    out = cli("sources").stdout
    assert "(env KSYUN_REGIONS; default cn-beijing-6 in use)" in out
    assert "; default)" not in out


@pytest.mark.parametrize("command", ["check", "report", "calendar", "deadline", "validate", "sources", "schema"])
def test_help_has_no_space_before_a_full_stop(
    cli: Callable[..., CliResult], command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")  # one line per option: no wrapping can hide or make a stray space
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert re.search(r"\w \.", result.stdout) is None, result.stdout


# -- the contract calendar's readings and extensions, and amounts, in Chinese ------------------------------------

CALENDAR_NOW = "2026-11-25T09:00:00+08:00"
# words the Chinese calendar may carry in Latin letters: obligation and expansion ids, the option and the file
# the notes point to, and the units of the contract's line items
_CALENDAR_IDS = re.compile(
    r"`?[\w.-]+-(?:payment|months|request|end|start|acceptance|migration|material|notice|change)`?"
)
_ALLOWED = re.compile(r"EXP-\d+-\d+|--calendar(?: FILE)?|docs/deadlines\.md|vCPU|\d+GHz|x86|[\w/.-]+\.json")


def _english_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", _ALLOWED.sub("", _CALENDAR_IDS.sub("", text)))


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_the_chinese_calendar_words_its_readings_and_extensions(
    cli: Callable[..., CliResult], output_format: str
) -> None:
    args = ("calendar", "--contract", EXPANSION_CONTRACT, "--now", CALENDAR_NOW, "--format", output_format)
    result = cli(*args, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # 9 months from 2026-07-17 (not counted) end on Saturday 2027-04-17; 2027 has weekends only: Monday 04-19
    assert "顺延: 2027年4月17日是星期六（周休日），顺延至休假日结束后的第一个工作日 2027年4月19日" in out
    assert (
        "按民法典计算：2026年7月17日当日不计入（民法典第二百零一条），9 个月于 2027年4月17日届满，"
        "顺延至 2027年4月19日（民法典第二百零三条）。"
    ) in out
    assert "另一种理解（服务期限计入首日）：9 个月于 2027年4月16日届满，最早付款日期为 2027年4月30日。" in out
    assert "甲方支付合同服务费的 60%（1,383,011.77 元）" in out
    assert "自服务期截止时倒算；不因休假日顺延" in out
    assert "为该日之后 15 日" in out
    assert "应于经费下达后 10 个工作日内付款" in out
    for english in ("Saturday", "extended to", "Civil Code", "reading", "Counted", "funds", "acceptance on"):
        assert english not in out, english
    assert _english_words(out) == [], out
    # the English calendar and its JSON keep the English sentences
    english_out = cli(*args).stdout
    assert "2027-04-17 is a Saturday (weekly rest day); extended to the first working day after the rest" in english_out
    assert "Civil Code reading: 2026-07-17 is not counted (Art. 201)" in english_out
    document = cli(*args[:-2], "--format", "json").json()
    mark = next(o for o in document["obligations"] if o["id"] == "7.3-nine-months")
    assert mark["extension_reason"] == {
        "key": "extended_saturday",
        "values": {"day": "2027-04-17", "last_day": "2027-04-19"},
        "text": "2027-04-17 is a Saturday (weekly rest day); extended to the first working day after the rest, "
        "2027-04-19",
    }
    assert mark["notes"][0]["text"] == (
        "Civil Code reading: 2026-07-17 is not counted (Art. 201), so 9 months end on 2027-04-17, moved to "
        "2027-04-19 (Art. 203)."
    )


def test_a_supplied_calendar_words_the_unmoved_reading_and_the_holiday_in_chinese(
    cli: Callable[..., CliResult], write_json: Callable[[Any, str], Path]
) -> None:
    # 2027-04-17 an adjusted working day: the 9-month mark does not move; 2027-09-16 (Thursday) a holiday: the
    # switch-over's last day moves to Friday 09-17
    path = write_json({"year": 2027, "holidays": ["2027-09-16"], "workdays": ["2027-04-17"]}, "calendar-2027.json")
    result = cli(
        "calendar", "--contract", EXPANSION_CONTRACT, "--now", CALENDAR_NOW, "--calendar", path, "--lang", "zh"
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "按民法典计算：2026年7月17日当日不计入（民法典第二百零一条），9 个月于 2027年4月17日届满。" in out
    assert f"2027年9月16日是法定节假日（依据 {path}），顺延至休假日结束后的第一个工作日 2027年9月17日" in out
    assert _english_words(out) == [], out


@pytest.mark.parametrize(
    ("event", "days", "chinese", "english"),
    [
        # days 09-28..10-04: Sunday 10-04 is in the National Day holiday, which runs to 10-07
        ("2026-09-27T10:00:00+08:00", 7,
         "2026年10月4日是法定节假日（国庆节），顺延至休假日结束后的第一个工作日 2026年10月8日", "National Day"),
        # days 11-21..11-29: 11-29 is a Sunday
        ("2026-11-20T10:00:00+08:00", 9,
         "2026年11月29日是星期日（周休日），顺延至休假日结束后的第一个工作日 2026年11月30日", "Sunday"),
    ],
)  # fmt: skip
def test_extension_reasons_name_the_holiday_and_the_weekday_in_chinese(
    event: str, days: int, chinese: str, english: str
) -> None:
    reason = period_end(datetime.fromisoformat(event), days=days).extension_reason
    assert reason is not None
    assert english in say(reason, "en")
    assert say(reason, "zh") == chinese


def test_chinese_amounts_are_in_yuan_and_english_ones_in_cny(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    args = ("--observed", OBSERVATION, "--contract", EXPANSION_CONTRACT, "--now", NOW, "--no-history")
    for output_format in ("console", "markdown"):
        zh = cli("check", *args, "--format", output_format, "--lang", "zh").stdout
        # only what is overdue is a shortfall: vCPU 1216 of 1232 due (-224.32) and performance storage (-372.48);
        # the expansion still inside its 7 days (1296 entitled) is pending beside it, with its deadline
        assert "短缺月值：-596.80 元（已逾期）；待交付 -897.28 元，最近期限 2026年11月26日 24:00" in zh
        assert "超配月值：+734.37 元" in zh
        assert "计入合计 46,100.39 元" in zh
        assert "第12.3条 云主机vCPU：46,100.39 元 = 合同总价" in zh
        assert "存在不足或超出（退出码 1）" in zh
        assert "CNY" not in zh
        assert "exit" not in zh
        en = cli("check", *args, "--format", output_format).stdout
        assert "-596.80 CNY (overdue); pending -897.28 CNY, next deadline 2026-11-26 24:00" in en
        assert "total counted 46,100.39 CNY" in en
        assert "(exit 1)" in en
        assert "元" not in en
    pages = {}
    for lang in ("zh", "both", "en"):
        output = tmp_path / f"{lang}.html"
        assert cli("report", *args, "--lang", lang, "--output", output).exit_code == 0
        pages[lang] = parse_html(output.read_text(encoding="utf-8")).text
    assert "-596.80 元（已逾期）" in pages["zh"]
    assert "CNY" not in pages["zh"]
    assert "-596.80 CNY (overdue)" in pages["both"]
    assert "-596.80 元（已逾期）" in pages["both"]
    assert "-596.80 CNY" in pages["en"]
    assert "元" not in pages["en"]
    # a Chinese-only page names the contract and its parties in Chinese only
    assert "Beijing" not in pages["zh"]
    assert "Beijing" in pages["both"]
    assert "Beijing" in pages["en"]


def test_changed_figures_are_named_in_the_readers_language() -> None:
    assert [field_name(f, "zh") for f in ("supplied", "gap_value_monthly", "evidence.contributing_count")] == [
        "实有",
        "差额月值",
        "计入资源数",
    ]
    assert field_name("supplied", "en") == "supplied"
    assert field_name("evidence.excluded[state terminated].count", "zh") == "按规则不计入（状态 已销毁）资源数"
    assert field_name("evidence.nonconforming[min_cpu_ghz 2.2].quantity", "zh") == "不符合合同要求（主频 2.2）数量"
    assert field_name("evidence.excluded[state terminated].count", "en") == "evidence.excluded[state terminated].count"
