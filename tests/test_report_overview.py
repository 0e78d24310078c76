"""The first screen of every report answers the contract owner: what is short or over, by how much and what it is
worth a month, which expansions fall due or came late, what is undecided and how to resolve it, what changed; in
the reader's language, without exit codes, field names or ids. Over-supply counts in the acceptance reports, the
monthly timeline marks the report's time, and the page title carries no markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.messages import say
from reconciler.contract.load import load_contract
from reconciler.report.overview import period_overview
from tests.cli_runner import run_cli
from tests.conftest import ROOT, CliResult
from tests.test_messages import english_words
from tests.test_report_html import parse
from tests.year_history import WITH_EXPANSION, record_year

OBSERVATION = ROOT / "examples" / "observation.json"
NOW = "2026-11-25T09:00:00+08:00"
Cli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("year") / "history.sqlite"
    record_year(store)
    return store


def _report(store: Path, output: Path, *args: str) -> None:
    result = run_cli("report", "--contract", WITH_EXPANSION, "--history", store, "--output", output, *args)
    assert result.exit_code == 0, result.stderr


def _overview(html: str) -> str:
    found = re.search(r'<section id="overview".*?</section>', html, re.S)
    assert found is not None
    return parse(found.group(0)).text


def test_the_status_report_opens_with_what_is_short_at_risk_and_over(cli: Cli, tmp_path: Path) -> None:
    """The demo: vCPU 16 short of what is due and performance storage 582 GB short (overdue, 596.80 a month),
    64 vCPU due within 48 hours, a public IP and 16 GB of memory over, nothing recorded before."""
    pages = {}
    for lang in ("en", "zh"):
        output = tmp_path / f"{lang}.html"
        args = ("--observed", OBSERVATION, "--contract", WITH_EXPANSION, "--now", NOW, "--no-history")
        assert cli("report", *args, "--lang", lang, "--output", output).exit_code == 0
        pages[lang] = _overview(output.read_text(encoding="utf-8"))
    en, zh = pages["en"], pages["zh"]
    assert en.startswith(
        "2 line items are short of what is due, worth 596.80 CNY a month; 1 expansion falls due within 48 hours "
        "(by 2026-11-26 24:00); 1 line item is over the contract, worth 76.05 CNY a month"
    )
    assert "vCPU: 16 vCPU short of what is due (1,216 supplied, 1,232 due), worth 224.32 CNY a month" in en
    assert "Performance storage: 582 GB short of what is due (36,000 supplied, 36,582 due), worth 372.48" in en
    assert (
        "vCPU: the expansion by 64 vCPU requested 2026-11-19 10:30 is due by 2026-11-26 24:00, only 1d 15h 0m left"
        in en
    )
    assert "Public IP addresses: 1 IP over the contract (4 supplied, 3 entitled), worth 76.05 CNY a month" in en
    assert "Indicative penalties under the contract: 46,100.39 CNY" in en
    assert "No earlier check was read" in en
    assert zh.startswith("2 个分项低于应交付数量，月值 596.80 元；1 项扩容将在48小时内到期（2026年11月26日 24:00）")
    assert "高性能存储：比应交付少 582 GB（实有 36,000，应交付 36,582），月值 372.48 元" in zh
    assert "云主机vCPU：2026年11月19日 10:30 提出的扩容 64 vCPU，期限 2026年11月26日 24:00，仅剩 1天15小时0分" in zh
    for text in (en, zh):
        for jargon in ("exit", "退出码", "compute.vcpu", "EXP-2026-001", "gap_value", "shortfall_value"):
            assert jargon not in text, jargon
    assert english_words(zh) == []


def test_an_undecided_line_item_says_why_and_how_to_resolve_it(cli: Cli, write_snapshot: Any, tmp_path: Path) -> None:
    from tests.conftest import met_resources

    observed = write_snapshot(
        [r for r in met_resources() if r["kind"] != "waf"],
        failures=[{"kinds": ["waf"], "reason": "403 from the WAF API"}],
    )
    output = tmp_path / "zh.html"
    args = ("--observed", observed, "--now", NOW, "--no-history", "--lang", "zh", "--output", output)
    assert cli("report", *args).exit_code == 0
    text = _overview(output.read_text(encoding="utf-8"))
    assert text.startswith("1 个分项无法确定")
    assert "WAF防护无法确定：数据来源未能列出WAF实例；可能不足，也可能超出。解决办法：检查说明中所列的数据来源" in text
    assert english_words(text) == []


def test_monthly_and_summary_reports_count_days_over_and_say_so(year: Path, tmp_path: Path) -> None:
    """One surplus public IP on 2027-01-05 to 01-11: seven days over, not met, in January and in the year."""
    output = tmp_path / "january.json"
    _report(year, output, "--kind", "monthly", "--period", "2027-01", "--now", "2027-02-02T09:00:00+08:00",
            "--format", "json")  # fmt: skip
    january: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    ip = next(a for a in january["availability"] if a["line_item"] == "network.public_ip")
    assert ip["days"] == {"met": 24, "over": 7, "short": 0, "unknown": 0, "no_run": 0}
    assert (ip["largest_surplus"], ip["largest_surplus_value"]) == ("1", "76.05")
    assert january["coverage"]["days_over"] == 7
    summary = tmp_path / "summary.json"
    _report(year, summary, "--kind", "summary", "--now", "2027-07-17T00:00:00+08:00", "--format", "json")
    months = {m["month"]: m for m in json.loads(summary.read_text(encoding="utf-8"))["months"]}
    assert (months["2027-01"]["days_over"], months["2026-12"]["days_over"]) == (7, 0)
    page = tmp_path / "january.html"
    _report(year, page, "--kind", "monthly", "--period", "2027-01", "--now", "2027-02-02T09:00:00+08:00",
            "--lang", "zh")  # fmt: skip
    text = _overview(page.read_text(encoding="utf-8"))
    assert text.startswith("1 个分项共 7 天超出合同数量")
    assert "互联网IP地址：7 天超出合同，最多超出 1 IP（月值 76.05 元）" in text


def test_the_period_overview_names_every_kind_of_trouble_in_both_languages(year: Path) -> None:
    """November: vCPU short on five days (four nights of a shortfall, then the expansion a night overdue), the
    expansion delivered late, the WAF undecided one night; the year: nine days without a run, named."""
    from datetime import datetime

    from reconciler.app.report_command import acceptance_report
    from reconciler.dates.clock import CONTRACT_TZ
    from reconciler.history.store import history_url

    contract = load_contract(WITH_EXPANSION)
    end = datetime(2027, 7, 17, tzinfo=CONTRACT_TZ)
    november, _ = acceptance_report(contract, "monthly", end, history_url(str(year)), (2026, 11))
    overview = period_overview(november, contract)
    assert overview.tone == "drift"
    en = [say(p.text, "en") for p in overview.points]
    assert en[0] == (
        "vCPU: short on 5 days (5 of 30 checks), at worst 64 vCPU below the entitlement, worth 897.28 CNY a month"
    )
    assert en[1].startswith("vCPU: the expansion by 64 vCPU requested 2026-11-19 10:30 was delivered late")
    assert en[2].startswith("WAF protection: undecided on 1 day: a data source could not list WAF instances")
    summary, _ = acceptance_report(contract, "summary", end, history_url(str(year)), None)
    texts = [say(p.text, "zh") for p in period_overview(summary, contract).points]
    [no_run] = [t for t in texts if "无核对记录" in t]
    assert no_run.startswith("9 天无核对记录（2026年8月3日至2026年8月4日；2026年10月1日至2026年10月3日；")
    for text in texts:
        assert english_words(text) == [], text


def test_the_monthly_timeline_marks_the_reports_time(year: Path, tmp_path: Path) -> None:
    output = tmp_path / "november.html"
    _report(year, output, "--kind", "monthly", "--period", "2026-11", "--now", "2026-12-03T09:00:00+08:00")
    html = output.read_text(encoding="utf-8")
    timeline = html[html.index('class="timeline"') :]
    assert ">12-03 09:00</text>" in timeline  # the report's time, not the period's end (12-01 00:00)
    assert "12-01 00:00" not in timeline
    assert "the vertical line is the time of the report" in parse(html).text


@pytest.mark.parametrize("lang", ["both", "zh"])
def test_the_page_title_and_the_pdf_title_carry_no_markup(cli: Cli, tmp_path: Path, lang: str) -> None:
    from pypdf import PdfReader

    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    args = ("--observed", OBSERVATION, "--now", NOW, "--no-history", "--lang", lang)
    assert cli("report", *args, "--output", html).exit_code == 0
    assert cli("report", *args, "--format", "pdf", "--output", pdf).exit_code == 0
    title = re.search(r"<title>(.*?)</title>", html.read_text(encoding="utf-8"), re.S)
    assert title is not None
    pdf_title = PdfReader(pdf).metadata.title  # type: ignore[union-attr]
    for shown in (title.group(1), pdf_title):
        assert shown is not None
        for markup in ("<", "&lt;", "span"):
            assert markup not in shown
        assert shown.startswith("合同容量核对报告")
    assert ("Contract capacity report" in title.group(1)) == (lang == "both")


def test_chart_ticks_are_in_the_readers_date_format(year: Path, tmp_path: Path) -> None:
    output = tmp_path / "november.html"
    _report(year, output, "--kind", "monthly", "--period", "2026-11", "--now", "2026-12-03T09:00:00+08:00",
            "--lang", "zh")  # fmt: skip
    html = output.read_text(encoding="utf-8")
    timeline = html[html.index('class="timeline"') :]
    assert ">11月19日</text>" in timeline
    assert ">11月26日 24:00</text>" in timeline
    trend = html[html.index('class="trend"') :]
    assert ">2026年11月1日</text>" in trend
    assert not re.search(r">\d{4}-\d\d-\d\d", timeline + trend)


def test_a_shortfall_known_only_within_bounds_says_what_is_certain_and_what_only_possible(contract: Any) -> None:
    """vm-b has 600 of its 616 vCPU and a host whose clock is not known may add 8: supplied 1,216 to 1,224 of
    1,232 due, so 8 to 16 vCPU short, worth 112.16 to 224.32 CNY a month."""
    from datetime import datetime

    from reconciler.core.observation import KINDS, Observation, SourceReport
    from reconciler.core.reconcile import reconcile
    from reconciler.dates.clock import CONTRACT_TZ
    from reconciler.report.overview import status_overview
    from tests.conftest import met_resources, structs, vm

    unclocked = {**vm("vm-unknown-clock", 8, 0), "cpu_ghz": None}
    resources = [r for r in met_resources() if r["id"] != "vm-b"] + [vm("vm-b", 600, 1448), unclocked]
    now = datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ)
    source = SourceReport("test", frozenset(KINDS))
    result = reconcile(contract, Observation(now, (source,), structs(resources)), now)
    overview = status_overview(result)
    [short] = [p for p in overview.points if p.topic == "short"]
    assert say(short.text, "en") == "vCPU: 8 to 16 vCPU short of what is due, worth 112.16 to 224.32 CNY a month"
    assert say(short.text, "zh") == "云主机vCPU：比应交付少 8 至 16 vCPU，月值 112.16 至 224.32 元"
    assert say(overview.banner, "en") == "1 line item is short of what is due, worth 112.16 to 224.32 CNY a month"
