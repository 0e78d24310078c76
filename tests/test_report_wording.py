"""How the human renderings word things: rounded quantities, durations, day ranges, plurals, units, the core's
sentences in Chinese, the trend charts' axis labels, `reconciler sources` and `--help`.

JSON keeps the exact values and the English sentences; only what people read changes.
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

from reconciler.clock import CONTRACT_TZ
from reconciler.messages import JOINER, TEMPLATES, message
from reconciler.report.charts import trend_chart
from reconciler.report.labels import _MESSAGES_ZH, counted, unit
from reconciler.report.messages import parse, say
from reconciler.report.text import day_range, duration, number, quantity, signed
from reconciler.trends import Trend, TrendPoint
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
        ("-51550.3387126922607421875", "-51550.339"),
        ("4.648", "4.648"),
        ("2896.000", "2896"),
        ("0.0005", "0.001"),  # half up
        ("0.0004", "0"),
        ("-0.0004", "0"),  # no "-0"
        ("1E+3", "1000"),  # no exponent
        ("12.50", "12.5"),
    ],
)
def test_quantities_for_people_are_rounded_to_three_decimals(value: str, shown: str) -> None:
    assert number(Decimal(value)) == shown


def test_signed_and_missing_quantities() -> None:
    assert [signed(Decimal(v)) for v in ("16", "-16", "0", "0.0001")] == ["+16", "-16", "0", "0"]
    assert quantity(None) == signed(None) == "-"


def test_durations_in_both_languages() -> None:
    seconds = [140400, -183600, 3660, 60, 59, 0]
    assert [duration(s, "en") for s in seconds] == ["1d 15h 0m", "-2d 3h 0m", "1h 1m", "1m", "59s", "0s"]
    assert [duration(s, "zh") for s in seconds] == ["1天15小时0分", "-2天3小时0分", "1小时1分", "1分", "59秒", "0秒"]


def test_day_ranges_and_plurals_and_units() -> None:
    assert day_range("2026-11-05/2026-11-09", "en") == "2026-11-05 – 2026-11-09"
    assert day_range("2026-11-05/2026-11-09", "zh") == "2026-11-05 至 2026-11-09"
    assert day_range("2026-11-01", "zh") == "2026-11-01"
    assert [counted(n, "resources", "en") for n in (0, 1, 2)] == ["0 resources", "1 resource", "2 resources"]
    assert counted(1, "resources", "zh") == counted(1, "resources", "zh") == "1 个资源"
    assert [unit(u, "zh") for u in ("instance", "account", "GB", "vCPU")] == ["个", "个", "GB", "vCPU"]
    assert unit("instance", "en") == "instance"


def _sample(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in re.findall(r"\{(\w+)\}", template)}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_core_sentence_has_a_chinese_wording_with_the_same_values(key: str) -> None:
    values = _sample(TEMPLATES[key])
    english = message(key, **values)
    assert parse(english) == (key, values)
    assert say(english, "en") == english
    chinese = say(english, "zh")
    assert set(re.findall(r"\{(\w+)\}", _MESSAGES_ZH[key])) == set(values)
    assert all(v in chinese for v in values.values())
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<\w+>|--calendar FILE|notice_at|floor", "", chinese)), chinese


def test_sentences_joined_in_one_reason_are_each_worded_and_unknown_text_is_kept() -> None:
    reason = JOINER.join(
        (message("delivered_late", at="2026-11-28T02:00:00+08:00"), message("late_amount_unknown"), "other; text")
    )
    assert say(reason, "zh") == (
        "已于 2026-11-28T02:00:00+08:00 逾期完成，在书面通知之后；未记录是否在通知期限内完成，故不计金额；other；text"
    )
    failed = message("source_failed", kind="waf", failures="403 from the WAF API; timeout")
    assert say(failed, "zh") == "数据来源观测 waf 失败：403 from the WAF API; timeout"
    assert set(_MESSAGES_ZH) == set(TEMPLATES)


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
        assert "合同总价 × 每日违约金比例 × 延期天数 = 2305019.62 × 0.02 × 1" in out
        assert "剩余 1天15小时0分" in out
        assert "30 个资源" in out
        assert "1 个未计入（非 x86_64 平台，实为 aarch64），16 vCPU: vm-arm-1" in out
        for english in ("contract total", " x rate", "1d 15h", "instance", "account", "resources", "不计入，"):
            assert english not in out, (output_format, english)
    english = cli(*args, "--format", "markdown").stdout
    assert "1 resource (e.g. vol-x)" in english
    assert "left 1d 15h 0m" in english


def test_json_keeps_the_exact_english_sentences(cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--observed", OBSERVATION, "--now", NOW, "--no-history", "--format", "json")
    document: dict[str, Any] = json.loads(result.stdout)
    formulas = {item["formula"] for item in document["exposure"]["items"]}
    assert formulas == {"contract total x rate x days = 2305019.62 x 0.02 x 1"}


def test_html_in_both_languages_carries_each_sentence_in_each(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    output = tmp_path / "both.html"
    args = ("--observed", OBSERVATION, "--contract", EXPANSION_CONTRACT, "--now", NOW, "--no-history")
    assert cli("report", *args, "--output", output).exit_code == 0
    html = output.read_text(encoding="utf-8")
    text = parse_html(html).text
    assert "contract total x rate x days = 2305019.62 x 0.02 x 1 合同总价 × 每日违约金比例 × 延期天数" in text
    assert "1d 15h 0m 1天15小时0分" in text
    assert "instance 个" in text
    assert "30 resources 30 个资源" in text
    # the vCPU bar (93.8 %; due is below the entitlement while EXP-2026-001 runs) ends just before the due
    # tick: its percent is written clear past the tick (2 units wide), not over it
    bar = html[html.index('data-line-item="1. compute.vcpu"') :]
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
