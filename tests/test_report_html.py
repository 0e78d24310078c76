"""The `reconciler report` command: the self-contained HTML report, checked as parsed HTML and in headless Chromium.

The browser tests need /usr/bin/chromium (Debian's chromium, installed by `make setup`); they fail without it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli_runner import CliResult

ROOT = Path(__file__).resolve().parent.parent
OBSERVATION = ROOT / "tests" / "data" / "observation-small.json"
NOW = "2026-11-25T09:00:00+08:00"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VCPU_ZH = "计算服务-x86平台云主机服务 -vCPU (主频不低于2.4GHz)"


class Page(HTMLParser):
    """The parsed report: the text of each table row keyed by its data-line-item, every attribute value,
    and the page's whole text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict[str, str]] = {}
        self.attributes: list[str] = []
        self.texts: list[str] = []
        self._row: str | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.attributes += [v for v in values.values() if v]
        if tag == "tr" and values.get("data-line-item"):
            self._row = values["data-line-item"]
            self.rows[self._row] = {}
        elif tag == "td" and self._row is not None:
            classes = (values.get("class") or "").split()
            self._cell = next((c for c in classes if c != "num"), f"col{len(self.rows[self._row])}")
            self.rows[self._row][self._cell] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._row is not None and self._cell is not None:
            self.rows[self._row][self._cell] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture
def report_file(tmp_path: Path, cli: Callable[..., CliResult]) -> Path:
    output = tmp_path / "out" / "report.html"
    result = cli("report", "--observed", OBSERVATION, "--now", NOW, "--no-history", "--output", output)
    assert result.exit_code == 0, result.stderr
    assert str(output) in result.stdout
    return output


def test_html_report_carries_the_figures_and_chinese_names(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    page = parse(html)
    vcpu = page.rows["compute.vcpu"]
    assert vcpu["entitled"] == "1,232"
    assert vcpu["supplied"] == "1,216"
    assert vcpu["gap"] == "-16"
    assert vcpu["value"] == "-224.32"
    assert "不足" in vcpu["status"]
    assert "short" in vcpu["status"]
    assert page.rows["storage.performance"]["gap"] == "-582"
    assert page.rows["network.public_ip"]["value"] == "+76.05"
    assert len(page.rows) == 11
    text = page.text
    assert VCPU_ZH in text
    assert "北京市应急指挥保障中心2026-2027年度信息系统政务云租用项目（第一包）服务合同" in text
    assert "北京金山云网络技术有限公司" in text
    assert "2,305,019.62" in text  # the contract total
    # the first screen says what is wrong in words, without the check's exit code
    assert "2 line items are short of what is due, worth 596.80 CNY a month" in text
    assert "2 个分项低于应交付数量，月值 596.80 元" in text
    assert "vCPU: 16 vCPU short of what is due (1,216 supplied, 1,232 due), worth 224.32 CNY a month" in text
    assert "云主机vCPU：比应交付少 16 vCPU（实有 1,216，应交付 1,232），月值 224.32 元" in text
    assert "exit 1" not in text
    assert "退出码" not in text
    assert "46,100.39" in text  # exposure counted: Art. 12.3 once a day for two short line items
    assert "参考测算，不构成法律结论" in text
    assert "98.7 %" in text  # compute.vcpu in the chart: 1216 / 1232


def test_html_report_carries_the_payment_and_acceptance_calendar(report_file: Path) -> None:
    page = parse(report_file.read_text(encoding="utf-8"))
    for obligation in ("7.2-first-payment", "7.3-second-payment", "7.4-final-payment", "6-acceptance"):
        assert obligation in page.attributes
    text = page.text
    assert "甲方依据本合同，在服务期满后15个工作日内对乙方服务情况进行验收" in text
    assert (
        "2026-07-31 2026年7月31日 past 已过 7.2" in text
    )  # the first payment's earliest date, 10 working days after the start
    assert "Trends across recorded runs 历次核对趋势 no recorded runs 无核对记录" in text  # --no-history


def test_pdf_report_carries_the_figures_and_chinese_names(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    from pypdf import PdfReader

    output = tmp_path / "report.pdf"
    result = cli(
        "report", "--observed", OBSERVATION, "--now", NOW, "--no-history", "--format", "pdf", "--output", output
    )
    assert result.exit_code == 0, result.stderr
    assert output.read_bytes()[:5] == b"%PDF-"
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(output).pages)
    for expected in ("合同容量核对报告", "Contractcapacityreport", "1,216", "-224.32", "-582", "+76.05", "46,100.39"):
        assert expected in text
    assert "".join(VCPU_ZH.split()) in text
    assert "北京金山云网络技术有限公司" in text
    assert "付款及验收日历" in text


def test_html_report_is_self_contained(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert "http://" not in html
    assert "https://" not in html
    assert "//" not in " ".join(parse(html).attributes)  # no protocol-relative src/href either
    for tag in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert tag not in html
    assert "<style>" in html
    assert "<svg" in html


def test_html_report_in_one_language(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    english, chinese = tmp_path / "en.html", tmp_path / "zh.html"
    for lang, path in (("en", english), ("zh", chinese)):
        result = cli(
            "report", "--observed", OBSERVATION, "--now", NOW, "--no-history", "--lang", lang, "--output", path
        )
        assert result.exit_code == 0, result.stderr
    en_text, zh_text = parse(english.read_text(encoding="utf-8")).text, parse(chinese.read_text(encoding="utf-8")).text
    assert "Supplied" in en_text
    assert "实有" not in en_text
    assert "实有" in zh_text
    assert VCPU_ZH in zh_text
    assert "Compute - x86 cloud host - vCPU" not in zh_text


def test_report_markdown_and_json_reuse_the_check_renderers(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    """The report's Markdown is the check's with the first screen in place of the verdict and exit code, then
    the calendar and the trends; its JSON is the check's."""
    markdown, data = tmp_path / "report.md", tmp_path / "report.json"
    common = ("--observed", OBSERVATION, "--now", NOW, "--no-history")
    assert cli("report", *common, "--format", "markdown", "--lang", "zh", "--output", markdown).exit_code == 0
    assert cli("report", *common, "--format", "json", "--output", data).exit_code == 0
    check = cli("check", *common, "--format", "markdown", "--lang", "zh").stdout
    report = markdown.read_text(encoding="utf-8")
    verdict = "**结论：存在不足或超出（退出码 1）**"
    assert verdict in check
    title, _, body = check.partition(verdict)
    assert report.startswith(
        title + "**2 个分项低于应交付数量，月值 596.80 元；2 个分项超出合同数量，月值 734.37 元**\n"
    )
    assert body.strip() in report  # the check's figures, notes, expansions and exposure, unchanged
    assert "退出码" not in report
    assert "**付款及验收日历**" in report
    assert "**历次核对趋势**" in report
    assert json.loads(data.read_text(encoding="utf-8")) == cli("check", *common, "--format", "json").json()


def test_report_records_the_run_unless_no_history(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    output = tmp_path / "report.json"
    common = ("--observed", OBSERVATION, "--now", NOW, "--format", "json", "--output", output)
    assert cli("report", *common).exit_code == 0
    assert json.loads(output.read_text(encoding="utf-8"))["run_id"] == 1
    assert cli("report", *common).exit_code == 0
    assert json.loads(output.read_text(encoding="utf-8"))["run_id"] == 2
    html = tmp_path / "report.html"
    assert cli("report", *common[:-4], "--output", html).exit_code == 0
    assert "#3" in parse(html.read_text(encoding="utf-8")).text


def test_report_rejects_both_languages_for_markdown(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    output = tmp_path / "report.md"
    result = cli(
        "report",
        "--observed",
        OBSERVATION,
        "--no-history",
        "--format",
        "markdown",
        "--lang",
        "both",
        "--output",
        output,
    )
    assert result.exit_code == 2
    assert "--lang" in result.stderr
    assert not output.exists()


# -- in a real browser ------------------------------------------------------------------------------------


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a fresh profile and no background networking; fail clearly if it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium and fonts-noto-cjk)")
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    profile.mkdir()
    command = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def console_errors(stderr: str) -> list[str]:
    """Messages the page wrote to its console, and uncaught errors, as Chromium logs them with --enable-logging."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.mark.browser
def test_chromium_renders_the_report(report_file: Path, tmp_path: Path) -> None:
    done = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", report_file.as_uri())
    assert done.returncode == 0, done.stderr
    assert console_errors(done.stderr) == []
    page = parse(done.stdout)
    vcpu = page.rows["compute.vcpu"]
    assert (vcpu["supplied"], vcpu["gap"], vcpu["value"]) == ("1,216", "-16", "-224.32")
    assert VCPU_ZH in page.text
    assert "98.7 %" in page.text


@pytest.mark.browser
def test_chromium_renders_the_expansion_timeline(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    output = tmp_path / "report.html"
    contract = ROOT / "examples" / "contract-with-expansion.json"
    args = ("--observed", OBSERVATION, "--contract", contract, "--now", NOW, "--no-history", "--output", output)
    assert cli("report", *args).exit_code == 0
    done = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", output.as_uri())
    assert done.returncode == 0, done.stderr
    assert console_errors(done.stderr) == []
    assert '<g class="expansion at_risk" data-expansion="EXP-2026-001">' in done.stdout  # 1 d 15 h left
    text = parse(done.stdout).text
    assert "11-26 24:00" in text  # the deadline's label on the timeline, as every table writes it
    assert "临近期限（不足48小时）" in text


@pytest.mark.browser
def test_chromium_screenshot_of_the_report(report_file: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    screenshot.unlink(missing_ok=True)
    done = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        report_file.as_uri(),
    )
    assert done.returncode == 0, done.stderr
    assert console_errors(done.stderr) == []
    assert screenshot.exists(), done.stderr
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000
