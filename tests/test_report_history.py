"""Reports built from the run history: the status of a recorded run, the monthly operations report (运维服务月报)
and the service summary report (服务总结报告) of Art. 6.

The store is filled by real `reconciler check` runs at different --now values against the demo contract
(64 vCPU requested 2026-11-19 10:30, due 2026-11-27 00:00). Every figure below is worked out by hand:

  run  now (+08:00)        vCPU supplied  other                     vCPU status
  #1   2026-11-02 02:00    1232           -                         met (expansion not yet requested)
  #2   2026-11-03 02:00    1216           -                         short
  #3   2026-11-04 02:00    1216           -                         short
  #4   2026-11-04 20:00    1232           -                         met
  #5   2026-11-10 02:00    1232           WAF source failed (403)   met; security.waf unknown
  #6   2026-11-20 02:00    1232           -                         pending (requested, not yet due)
  #7   2026-11-28 02:00    1296           -                         met (expansion delivered a day late)
  #8   2026-12-02 02:00    1216           -                         short (vm-new gone, vm-b down again)

Art. 12.3 exposure: 2,305,019.62 x 0.02 per day of delay = 46,100.39 a day; the November streak reaches
2 days at #3 (92,200.78); the December streak 1 day at #8 (46,100.39).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import run_cli
from tests.conftest import ROOT, CliResult, dumps, met_resources, snapshot_document, vm
from tests.test_expansions import at
from tests.test_report_html import chromium, console_errors, parse

CONTRACT = ROOT / "examples" / "contract-with-expansion.json"
AS_OF = "2026-12-05T00:00:00+08:00"
WAF_FAILURE = {"failures": [{"kinds": ["waf"], "reason": "403 from the WAF API"}]}
Cli = Callable[..., CliResult]


def _short() -> list[dict[str, Any]]:
    """vm-b with 600 vCPU instead of 616: 16 vCPU below the baseline."""
    return [r for r in met_resources() if r["id"] != "vm-b"] + [vm("vm-b", 600, 1448)]


Night = tuple[str, list[dict[str, Any]], dict[str, Any], int]
"""One recorded check: its now, the snapshot's resources, extra snapshot header members, the expected exit."""

NIGHTS: list[Night] = [
    ("2026-11-02T02:00:00+08:00", met_resources(), {}, 0),
    ("2026-11-03T02:00:00+08:00", _short(), {}, 1),
    ("2026-11-04T02:00:00+08:00", _short(), {}, 1),
    ("2026-11-04T20:00:00+08:00", met_resources(), {}, 0),
    # the failed WAF listing saw no WAF: [0, unbounded), may be short: the day is unknown, not short
    ("2026-11-10T02:00:00+08:00", [r for r in met_resources() if r["kind"] != "waf"], WAF_FAILURE, 3),
    ("2026-11-20T02:00:00+08:00", met_resources(), {}, 0),
    ("2026-11-28T02:00:00+08:00", [*met_resources(), vm("vm-new", 64, 0)], {}, 0),
    ("2026-12-02T02:00:00+08:00", _short(), {}, 1),
]


def record_nights(folder: Path, nights: list[Night], history: Path) -> list[Any]:
    """Each night's snapshot written to `folder` and checked into `history` at its `now`, with the exit code
    the night expects; the JSON output of every check."""
    outputs = []
    for index, (now, resources, header, code) in enumerate(nights):
        observed = folder / f"night-{index}.json"
        observed.write_text(dumps(snapshot_document(resources, observed_at=now, **header)), encoding="utf-8")
        result = run_cli(
            "check", "--observed", observed, "--contract", CONTRACT, "--now", now, "--history", history,
            "--format", "json",
        )  # fmt: skip
        assert result.exit_code == code, result.stderr
        outputs.append(result.json())
    return outputs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The history of the eight nights, and each night's own `check --format json` output."""
    folder = tmp_path_factory.mktemp("nights")
    history = folder / "history.sqlite"
    here = Path.cwd()
    os.chdir(folder)  # snapshots named relative to the folder: the reports (and goldens) name no temporary path
    try:
        outputs = record_nights(Path("."), NIGHTS, history)
    finally:
        os.chdir(here)
    assert [o["run_id"] for o in outputs] == list(range(1, 9))
    return {"history": history, "outputs": outputs}


def _report(store: dict[str, Any], output: Path, *args: str) -> CliResult:
    return run_cli("report", "--contract", CONTRACT, "--history", store["history"], "--output", output, *args)


def _json(store: dict[str, Any], tmp_path: Path, *args: str) -> dict[str, Any]:
    output = tmp_path / "report.json"
    result = _report(store, output, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return data


# -- the status of a recorded run ------------------------------------------------------------------------


def _without_ids(document: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    for finding in copy["findings"]:
        evidence = finding["evidence"]
        if evidence is not None:
            evidence["contributing"] = []
            for group in (*evidence["nonconforming"], *evidence["excluded"]):
                group["ids"] = []
    copy["warnings"] = []
    return copy


@pytest.mark.parametrize(
    ("args", "run_id"),
    [
        (("--now", AS_OF), 8),
        (("--now", "2026-11-25T00:00:00+08:00"), 6),  # the latest at or before --now, not the latest recorded
        (("--now", AS_OF, "--period", "2026-11"), 7),  # the latest of November
        (("--now", "2026-11-04T20:00:00+08:00"), 4),  # a run exactly at --now counts
    ],
)
def test_status_from_history_is_what_the_check_said(
    store: dict[str, Any], tmp_path: Path, args: tuple[str, ...], run_id: int
) -> None:
    replayed = _json(store, tmp_path, *args)
    checked = store["outputs"][run_id - 1]
    assert replayed["run_id"] == run_id
    assert _without_ids(replayed) == _without_ids(checked)  # expansions, exposure and changes recomputed alike
    assert replayed["warnings"][-1] == {
        "key": "no_ids",
        "values": {"id": run_id},
        "text": f"reported from recorded run #{run_id}: the history keeps evidence counts, not the resources' ids",
    }


def test_status_from_history_in_html_shows_its_run_timeline_and_trends(store: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "status.html"
    result = _report(store, output, "--now", AS_OF, "--period", "2026-11")
    assert result.exit_code == 0, result.stderr
    html = output.read_text(encoding="utf-8")
    page = parse(html)
    assert "Reported from recorded run #7, checked at 2026-11-28 02:00" in page.text
    assert "依据第 7 次核对记录" in page.text
    assert page.rows["compute.vcpu"]["supplied"] == "1,296"
    assert 'data-expansion="EXP-2026-001"' in html
    assert "逾期完成" in page.text  # fulfilled late, in the expansions table
    # trends over November's seven runs: vCPU 1232 first, 1296 last, 1216 lowest, 2 runs short
    assert (
        'data-line-item="compute.vcpu" data-runs="7" data-first="1,232" data-last="1,296" data-lowest="1,216"' in html
    )
    assert 'data-line-item="security.waf" data-runs="7" data-first="2" data-last="2" data-lowest="2"' in html


def test_status_markdown_from_history(
    store: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    output = tmp_path / "status.md"
    assert _report(store, output, "--now", AS_OF, "--format", "markdown", "--lang", "zh").exit_code == 0
    golden("report-status-history.zh.md", output.read_text(encoding="utf-8"))


def test_report_without_a_run_at_or_before_now_is_refused(store: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "status.html"
    result = _report(store, output, "--now", "2026-11-01T00:00:00+08:00")
    assert result.exit_code == 2
    assert "no recorded run of this contract at or before 2026-11-01T00:00:00+08:00" in result.stderr
    assert not output.exists()
    result = _report(store, output, "--now", AS_OF, "--period", "2026-10")
    assert result.exit_code == 2
    assert "no recorded run" in result.stderr


def test_report_from_a_store_that_does_not_exist(tmp_path: Path, cli: Cli) -> None:
    missing = tmp_path / "nothing-here.sqlite"
    result = cli("report", "--history", missing, "--output", tmp_path / "r.html", "--now", AS_OF)
    assert result.exit_code == 2
    assert "no history store there" in result.stderr
    assert not missing.exists()  # reading never creates a store


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "monthly"), "the monthly report needs --period YYYY-MM"),
        (("--kind", "monthly", "--period", "2026-13"), "expected a month as YYYY-MM"),
        (("--kind", "monthly", "--period", "Nov 2026"), "expected a month as YYYY-MM"),
        (("--kind", "monthly", "--period", "2026-05"), "2026-05 is outside the service period"),
        (("--kind", "monthly", "--period", "2027-01"), "2027-01 has not begun as of 2026-12-05T00:00:00+08:00"),
        (("--kind", "summary", "--period", "2026-11"), "the summary report covers the whole service period"),
        (("--kind", "summary", "--observed", "x.json"), "the summary report is built from history; drop --observed"),
        (("--no-history",), "without --observed or --source the report is built from history"),
        (("--format", "json", "--lang", "both"), "both is for --format html or pdf"),
    ],
)
def test_report_options_are_checked(store: dict[str, Any], tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    output = tmp_path / "r.out"
    result = _report(store, output, "--now", AS_OF, *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert not output.exists()


# -- the monthly operations report ------------------------------------------------------------------------


def test_monthly_report_figures(store: dict[str, Any], tmp_path: Path) -> None:
    report = _json(store, tmp_path, "--kind", "monthly", "--period", "2026-11", "--now", AS_OF)
    assert (report["schema"], report["kind"], report["period"], report["complete"]) == (
        "contract-reconciler/acceptance-report",
        "monthly",
        "2026-11",
        True,
    )
    assert report["coverage"] == {
        "first_day": "2026-11-01",
        "last_day": "2026-11-30",
        "days": 30,
        "days_with_runs": 6,
        "days_without_runs": 24,
        "missing": [
            "2026-11-01",
            "2026-11-05/2026-11-09",
            "2026-11-11/2026-11-19",
            "2026-11-21/2026-11-27",
            "2026-11-29/2026-11-30",
        ],
        "runs": 7,
        "days_short": 2,
        "days_over": 0,
        "days_unknown": 1,
    }
    by_item = {a["line_item"]: a for a in report["availability"]}
    vcpu = by_item["compute.vcpu"]
    assert vcpu["days"] == {
        "met": 4,
        "over": 0,
        "short": 2,
        "unknown": 0,
        "no_run": 24,
    }  # 11-04 had a short and a met run
    assert (vcpu["runs"], vcpu["runs_short"], vcpu["lowest_supplied"]) == (7, 2, "1216")
    assert (vcpu["entitled_at_end"], vcpu["supplied_at_end"]) == ("1296", "1296")
    assert by_item["security.waf"]["days"] == {"met": 5, "over": 0, "short": 0, "unknown": 1, "no_run": 24}
    [episode] = report["episodes"]  # December's shortfall starts after the month
    assert (episode["line_item"], episode["start"], episode["end"], episode["runs"]) == (
        "compute.vcpu",
        "2026-11-03T02:00:00+08:00",
        "2026-11-04T20:00:00+08:00",
        2,
    )
    assert (episode["largest_gap"], episode["largest_gap_value"]) == (
        "-16",
        "-224.32",
    )  # 1216 - 1232 (not yet requested), x 14.02
    [expansion] = report["expansions"]
    assert (expansion["id"], expansion["fulfilled_at"], expansion["outcome"]) == (
        "EXP-2026-001",
        "2026-11-28T02:00:00+08:00",
        "late",
    )
    [exposure] = report["exposure"]
    assert (exposure["clause"], exposure["days"], exposure["amount_at_end"], exposure["accrued"]) == (
        "12.3",
        2,
        "92200.78",
        "92200.78",
    )
    assert report["exposure_accrued"] == "92200.78"
    [incident] = report["incidents"]
    failed = {kind: why["text"] for kind, why in incident["failed"].items()}
    assert (incident["run_id"], failed, incident["unknown_line_items"]) == (
        5,
        {"waf": "403 from the WAF API"},
        ["security.waf"],
    )
    assert [r["run_id"] for r in report["runs"]] == [1, 2, 3, 4, 5, 6, 7]
    assert report["warnings"] == [
        {
            "key": "days_without_runs",
            "values": {"missing": 24, "days": 30},
            "text": "24 of 30 days have no recorded run: nothing is known of them",
        }
    ]


def test_monthly_report_of_a_month_not_over(store: dict[str, Any], tmp_path: Path) -> None:
    report = _json(store, tmp_path, "--kind", "monthly", "--period", "2026-12", "--now", AS_OF)
    assert report["complete"] is False
    assert (report["coverage"]["days"], report["coverage"]["runs"]) == (4, 1)  # 12-01 to 12-04, as of 12-05 00:00
    [episode] = report["episodes"]
    assert (episode["start"], episode["end"]) == ("2026-12-02T02:00:00+08:00", None)  # ongoing
    assert report["exposure_accrued"] == "46100.39"  # one day: 2,305,019.62 x 0.02
    assert report["expansions"] == []  # delivered in November
    assert report["warnings"][0]["key"] == "period_not_over"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_monthly_report_markdown(
    store: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None], lang: str
) -> None:
    output = tmp_path / "monthly.md"
    args = ("--kind", "monthly", "--period", "2026-11", "--now", AS_OF, "--format", "markdown", "--lang", lang)
    assert _report(store, output, *args).exit_code == 0
    golden(f"report-monthly-2026-11.{lang}.md", output.read_text(encoding="utf-8"))


def test_monthly_report_json_golden(store: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    output = tmp_path / "monthly.json"
    assert (
        _report(store, output, "--kind", "monthly", "--period", "2026-11", "--now", AS_OF, "--format", "json").exit_code
        == 0
    )
    golden("report-monthly-2026-11.json", output.read_text(encoding="utf-8"))


# -- the service summary report ---------------------------------------------------------------------------


def test_summary_report_figures(store: dict[str, Any], tmp_path: Path) -> None:
    report = _json(store, tmp_path, "--kind", "summary", "--now", AS_OF)
    assert (report["period"], report["complete"]) == ("2026-07-17/2027-07-16", False)
    # 2026-07-17 .. 2026-12-04: 15 + 31 + 30 + 31 + 30 + 4 days
    assert (report["coverage"]["days"], report["coverage"]["days_with_runs"], report["coverage"]["runs"]) == (141, 7, 8)
    vcpu = next(a for a in report["availability"] if a["line_item"] == "compute.vcpu")
    assert vcpu["days"] == {"met": 4, "over": 0, "short": 3, "unknown": 0, "no_run": 134}
    assert [(e["start"], e["end"]) for e in report["episodes"]] == [
        ("2026-11-03T02:00:00+08:00", "2026-11-04T20:00:00+08:00"),
        ("2026-12-02T02:00:00+08:00", None),
    ]
    assert report["exposure_accrued"] == "138301.17"  # 92,200.78 + 46,100.39
    months = {m["month"]: m for m in report["months"]}
    assert list(months) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert months["2026-07"] == {
        "month": "2026-07",
        "days": 15,
        "days_with_runs": 0,
        "runs": 0,
        "days_short": 0,
        "days_over": 0,
        "incidents": 0,
        "exposure_accrued": "0.00",
    }
    assert (months["2026-11"]["runs"], months["2026-11"]["days_short"], months["2026-11"]["incidents"]) == (7, 2, 1)
    assert months["2026-11"]["exposure_accrued"] == "92200.78"
    assert months["2026-12"]["exposure_accrued"] == "46100.39"
    assert sum(Decimal(m["exposure_accrued"]) for m in report["months"]) == Decimal(report["exposure_accrued"])
    assert report["runs"] == []


def test_summary_report_goldens(store: dict[str, Any], tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    for fmt, suffix in (("markdown", "zh.md"), ("json", "json")):
        output = tmp_path / f"summary.{suffix}"
        args = ("--kind", "summary", "--now", AS_OF, "--format", fmt, *(("--lang", "zh") if fmt == "markdown" else ()))
        assert _report(store, output, *args).exit_code == 0
        golden(f"report-summary.{suffix}", output.read_text(encoding="utf-8"))


# -- HTML in a browser and PDF ------------------------------------------------------------------------------


@pytest.mark.browser
def test_chromium_renders_the_monthly_report(store: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "monthly.html"
    assert _report(store, output, "--kind", "monthly", "--period", "2026-11", "--now", AS_OF).exit_code == 0
    html = output.read_text(encoding="utf-8")
    assert "http://" not in html
    assert "https://" not in html
    done = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", output.as_uri())
    assert done.returncode == 0, done.stderr
    assert console_errors(done.stderr) == []
    page = parse(done.stdout)
    assert "运维服务月报" in page.text
    assert "Monthly operations report" in page.text
    vcpu = page.rows["compute.vcpu"]
    assert (vcpu["days-met"], vcpu["days-short"], vcpu["days-no-run"], vcpu["runs-short"]) == ("4", "2", "24", "2/7")
    assert page.rows["security.waf"]["days-unknown"] == "1"
    assert "92,200.78" in page.text
    assert "403 from the WAF API" in page.text
    # --lang both: the days without a run listed once in each language, each range once
    english = ", ".join(
        [
            "2026-11-01",
            "2026-11-05 – 2026-11-09",
            "2026-11-11 – 2026-11-19",
            "2026-11-21 – 2026-11-27",
            "2026-11-29 – 2026-11-30",
        ]
    )
    chinese = "、".join(
        [
            "2026年11月1日",
            "2026年11月5日至2026年11月9日",
            "2026年11月11日至2026年11月19日",
            "2026年11月21日至2026年11月27日",
            "2026年11月29日至2026年11月30日",
        ]
    )
    missing = re.search(r'<td id="coverage-missing">(.*?)</td>', done.stdout)
    assert missing is not None
    assert parse(missing.group(1)).text == f"{english} {chinese}"
    # the first screen: what was short, the expansion delivered late, the undecided day, the days without a run
    assert "vCPU: short on 2 days (2 of 7 checks)" in page.text
    assert "云主机vCPU：2 天供给不足（7 次核对中 2 次）" in page.text
    assert "24 天无核对记录" in page.text
    assert "contract total x rate x days = 2,305,019.62 x 0.02 x 2" in page.text
    assert "合同总价 × 每日违约金比例 × 延期天数 = 2,305,019.62 × 0.02 × 2" in page.text
    assert "24 of 30 days have no recorded run" in page.text
    assert "30 天中有 24 天无核对记录" in page.text


@pytest.mark.browser
def test_chromium_renders_a_chinese_report_from_history_in_chinese(store: dict[str, Any], tmp_path: Path) -> None:
    """--lang zh: the formulas, warnings, units and durations are Chinese; none of the English wording is left."""
    status, summary = tmp_path / "status.html", tmp_path / "summary.html"
    assert _report(store, status, "--now", AS_OF, "--lang", "zh").exit_code == 0
    assert _report(store, summary, "--kind", "summary", "--now", AS_OF, "--lang", "zh").exit_code == 0
    texts = []
    for output in (status, summary):
        done = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", output.as_uri())
        assert done.returncode == 0, done.stderr
        assert console_errors(done.stderr) == []
        texts.append(parse(done.stdout).text)
    status_text, summary_text = texts
    assert "合同总价 × 每日违约金比例 × 延期天数 = 2,305,019.62 × 0.02 × 1" in status_text
    assert "1 日，起算于 2026年12月2日 02:00" in status_text
    assert "依据第 8 次核对记录：核对记录只保存计数，不保存资源编号" in status_text
    assert "-5天2小时0分" not in status_text  # no time left is shown for an expansion already delivered
    assert page_row_unit(status, "network.load_balancer") == "个"
    assert "期间尚未结束：本报告统计至 2026年12月5日 00:00" in summary_text
    assert "141 天中有 134 天无核对记录，情况不明" in summary_text
    assert "2026年11月5日至2026年11月9日" in summary_text
    for text in texts:
        for english in ENGLISH_WORDING:
            assert english not in text, english


ENGLISH_WORDING = (
    "contract total",
    " x rate",
    "the period is not over",
    "days have no recorded run",
    "the history keeps evidence counts",
    "reported from recorded run",
    "instance",
    "account",
    "day(s)",
    "resources",
    "2026-11-05/2026-11-09",
)
"""English a Chinese report must not carry (the data's own ids and source errors aside)."""


def page_row_unit(output: Path, line_item: str) -> str:
    return parse(output.read_text(encoding="utf-8")).rows[line_item]["col2"]


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "".join("".join(page.extract_text().split()) for page in reader.pages)  # text without any whitespace


def test_pdf_of_the_monthly_report(store: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "monthly.pdf"
    args = ("--kind", "monthly", "--period", "2026-11", "--now", AS_OF, "--format", "pdf")
    result = _report(store, output, *args)
    assert result.exit_code == 0, result.stderr
    assert output.read_bytes()[:5] == b"%PDF-"
    text = _pdf_text(output)
    for expected in (
        "运维服务月报",
        "Monthlyoperationsreport",
        "92,200.78",
        "403fromtheWAFAPI",
        "2026-11-03",
        "逾期完成",
    ):
        assert expected in text
    assert "云主机vCPU" in text


def test_pdf_of_the_summary_report_in_chinese(store: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "summary.pdf"
    assert _report(store, output, "--kind", "summary", "--now", AS_OF, "--format", "pdf", "--lang", "zh").exit_code == 0
    text = _pdf_text(output)
    assert "服务总结报告" in text
    assert "138,301.17" in text
    assert "Servicesummaryreport" not in text
    for chinese in ("合同总价×每日违约金比例×延期天数=2,305,019.62×0.02×2", "期间尚未结束", "141天中有134天无核对记录"):
        assert chinese in text
    for english in ENGLISH_WORDING:
        assert "".join(english.split()) not in text, english


# -- Art. 12.3 across runs: each day of delay once ---------------------------------------------------------
#
#   run  now (+08:00)        vCPU                          performance storage
#   #1   2026-11-03 02:00    600 on vm-b: short            36,000 GB of 36,582: short
#   #2   2026-11-04 02:00    unknown (the vm kind failed)  short
#   #3   2026-12-01 00:00    met (with the expansion)      met (the first instant of December)
#
# The check of #2 counts storage's 2 days (since #1): 2,305,019.62 x 0.02 x 2 = 92,200.78. November had 2 days
# of delay (11-03, 11-04), so the monthly report accrues 92,200.78 too, not vCPU's day 1 at #1 (46,100.39)
# plus storage's 2 days at #2.

OVERLAP: list[Night] = [
    (
        "2026-11-03T02:00:00+08:00",
        [
            *(r for r in _short() if r["id"] != "vol-p1"),
            {"id": "vol-p1", "kind": "volume", "tier": "performance", "size_gb": 36000},
        ],
        {},
        1,
    ),
    (
        "2026-11-04T02:00:00+08:00",
        [
            *(r for r in met_resources() if r["kind"] != "vm" and r["id"] != "vol-p1"),
            {"id": "vol-p1", "kind": "volume", "tier": "performance", "size_gb": 36000},
        ],
        {"failures": [{"kinds": ["vm"], "reason": "timeout listing instances"}]},
        1,  # short outweighs unknown
    ),
    ("2026-12-01T00:00:00+08:00", [*met_resources(), vm("vm-new", 64, 0)], {}, 0),
]


@pytest.fixture(scope="module")
def overlap_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("overlap")
    history = folder / "history.sqlite"
    return {"history": history, "outputs": record_nights(folder, OVERLAP, history)}


def test_a_day_short_on_several_line_items_across_runs_counts_once(
    overlap_store: dict[str, Any], tmp_path: Path
) -> None:
    second = overlap_store["outputs"][1]
    assert {f["line_item"]: f["status"] for f in second["findings"]}["compute.vcpu"] == "unknown"
    assert second["exposure"]["total"] == "92200.78"  # storage: 2 days since #1
    monthly = _json(overlap_store, tmp_path, "--kind", "monthly", "--period", "2026-11", "--now", AS_OF)
    assert monthly["exposure_accrued"] == "92200.78"  # 2 days, not 46,100.39 (vCPU at #1) + 92,200.78
    [delay] = monthly["exposure"]
    assert (delay["clause"], delay["since"], delay["days"], delay["line_items"]) == (
        "12.3",
        "2026-11-03T02:00:00+08:00",
        2,
        ["compute.vcpu", "storage.performance"],
    )
    assert (delay["amount_at_end"], delay["accrued"]) == ("92200.78", "92200.78")
    summary = _json(overlap_store, tmp_path, "--kind", "summary", "--now", AS_OF)
    assert summary["exposure_accrued"] == "92200.78"
    months = {m["month"]: m["exposure_accrued"] for m in summary["months"]}
    assert (months["2026-11"], months["2026-12"]) == ("92200.78", "0.00")


def test_monthly_trends_leave_out_the_first_instant_of_the_next_month(overlap_store: dict[str, Any]) -> None:
    from reconciler.app.report_command import acceptance_report
    from reconciler.contract.load import load_contract
    from reconciler.history.store import history_url

    store = history_url(str(overlap_store["history"]))
    report, series = acceptance_report(load_contract(CONTRACT), "monthly", at(AS_OF), store, (2026, 11))
    assert [r.run_id for r in report.runs] == [1, 2]
    assert {tuple(p.run_id for p in trend.points) for trend in series} == {(1, 2)}  # not #3 of 12-01 00:00


def test_latest_run_is_the_run_itself(overlap_store: dict[str, Any]) -> None:
    from reconciler.app.report_command import _recorded_runs
    from reconciler.contract.load import load_contract
    from reconciler.history.replay import latest_run
    from reconciler.history.store import history_url

    store = history_url(str(overlap_store["history"]))
    runs = _recorded_runs(load_contract(CONTRACT), store)
    assert latest_run(runs, at("2026-11-30T23:59:59+08:00"), store) == runs[1]


def test_day_counts_of_a_day_a_source_failed(overlap_store: dict[str, Any], tmp_path: Path) -> None:
    """A day is short if any run found the line item short, met if every run that observed it found it met,
    unknown if no run observed it: 11-04's only run could not see the VMs."""
    monthly = _json(overlap_store, tmp_path, "--kind", "monthly", "--period", "2026-11", "--now", AS_OF)
    days = {a["line_item"]: a["days"] for a in monthly["availability"]}
    assert days["compute.vcpu"] == {"met": 0, "over": 0, "short": 1, "unknown": 1, "no_run": 28}
    assert days["storage.performance"] == {"met": 0, "over": 0, "short": 2, "unknown": 0, "no_run": 28}
    assert days["compute.memory"] == {"met": 1, "over": 0, "short": 0, "unknown": 1, "no_run": 28}
