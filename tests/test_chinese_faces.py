"""Every face in Chinese: goldens of the console at 80 columns, the calendar, validation and a deadline, and a
check that no Chinese golden carries an English sentence. Also the `--now`/`--from` hints, which must work when
followed, and the one way a deadline is written everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import CliResult
from tests.conftest import GOLDEN

Cli = Callable[..., CliResult]
NOW = "2026-11-25T09:00:00+08:00"
SMALL = "tests/data/observation-small.json"
EXAMPLE = "examples/observation.json"  # relative to the repository, where the tests run: goldens name it so
EXPANSION_CONTRACT = "examples/contract-with-expansion.json"


def test_console_at_80_columns_in_chinese_matches_its_golden(
    cli: Cli, golden: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ("check", "--observed", EXAMPLE, "--contract", EXPANSION_CONTRACT, "--now", NOW, "--no-history")
    result = cli(*args, "--lang", "zh")
    assert result.exit_code == 1
    golden("check-example.zh.console.txt", result.stdout)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_console_at_80_columns_keeps_every_line_item_whole_on_one_line(
    cli: Cli, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ("check", "--observed", EXAMPLE, "--contract", EXPANSION_CONTRACT, "--now", NOW, "--no-history")
    out = cli(*args, "--lang", lang).stdout
    names = (
        ["compute.vcpu", "storage.performance", "network.load_balancer", "network.remote_access", "security.waf"]
        if lang == "en"
        else ["云主机vCPU", "高性能存储", "主机负载均衡", "远程接入", "WAF防护"]
    )
    table = out.split("Checked at:" if lang == "en" else "核对时间：")[0]
    rows = [line for line in table.splitlines() if any(line.startswith(name + " ") for name in names)]
    assert len(rows) == len(names), out  # one line per line item, its id or name whole
    assert all(_cells(row) <= 80 for row in table.splitlines()[1:]), out  # the title wraps as the terminal does
    assert "…" not in table
    # the due column is there while the expansion is pending (entitled 1,296, due 1,232)
    assert re.search(r"1,296 +1,232 +1,216", out)


def _cells(line: str) -> int:
    return sum(2 if "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in line)


def test_calendar_in_chinese_matches_its_golden_and_lines_up_by_display_width(cli: Cli, golden: Any) -> None:
    result = cli("calendar", "--contract", EXPANSION_CONTRACT, "--now", NOW, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    golden("calendar.zh.txt", result.stdout)
    rows = [line for line in result.stdout.splitlines() if re.match(r"\d{4}年", line)]
    # the clause column starts at the same display column on every row, whatever the width of the date and state
    columns = {_cells(row[: re.search(r"  (\d+(\.\d+)?) +\S", row).start()]) for row in rows}  # type: ignore[union-attr]
    assert len(rows) > 5
    assert len(columns) == 1, rows


def test_calendar_markdown_in_chinese_matches_its_golden(cli: Cli, golden: Any) -> None:
    result = cli("calendar", "--contract", EXPANSION_CONTRACT, "--now", NOW, "--lang", "zh", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    golden("calendar.zh.md", result.stdout)
    assert "`7.2-first-payment`" not in result.stdout  # notes name the clause and the date, not the id


def test_validate_in_chinese_matches_its_golden(cli: Cli, golden: Any) -> None:
    result = cli("validate", "contract_inventory.json", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    golden("validate.zh.txt", result.stdout)


def test_deadline_in_chinese_matches_its_golden(cli: Cli, golden: Any) -> None:
    result = cli("deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    golden("deadline.zh.txt", result.stdout)


# Latin text a Chinese page may carry: line item ids and resource ids in tables (small references), units and
# platform names, the command and option names, file names, and what the test inputs themselves say (a source's
# description and a provider's error text, shown as they came)
_ALLOWED = re.compile(
    r"`[^`]*`|[\w./-]+\.json|\b[a-z_]+\.[a-z_.]+\b|reconciler report|--calendar|EXP-[\w-]+"
    r"|hand-written test tenancy|ksyun export [\w-]+\s+\(nightly\)|403 from the WAF API"
)


def english_sentences(text: str) -> list[str]:
    """Runs of two or more English words (three letters or more for the first) left in a text."""
    return re.findall(r"[A-Za-z]{3,}(?:[ \-][A-Za-z]{2,})+", _ALLOWED.sub(" ", text))


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.zh.*")), ids=lambda p: p.name)
def test_no_chinese_golden_carries_an_english_sentence(path: Path) -> None:
    assert english_sentences(path.read_text(encoding="utf-8")) == []


def test_every_face_has_a_chinese_golden() -> None:
    names = {p.name for p in GOLDEN.glob("*.zh.*")}
    assert {
        "check-small.zh.md",
        "check-example.zh.console.txt",
        "calendar.zh.txt",
        "calendar.zh.md",
        "validate.zh.txt",
        "deadline.zh.txt",
        "report-monthly-2026-11.zh.md",
        "report-summary.zh.md",
        "report-status-history.zh.md",
    } <= names


def test_one_deadline_is_written_one_way_on_every_face(cli: Cli, tmp_path: Path) -> None:
    """EXP-2026-001 (requested 11-19 10:30) is due at the end of 11-26: every face says 2026-11-26 24:00."""
    args = ("--contract", EXPANSION_CONTRACT, "--now", NOW)
    check = ("check", "--observed", EXAMPLE, *args, "--no-history")
    faces = {
        "console": cli(*check).stdout,
        "markdown": cli(*check, "--format", "markdown").stdout,
        "calendar": cli("calendar", *args).stdout,
        "deadline": cli("deadline", "--from", "2026-11-19T10:30:00+08:00", "--days", "7").stdout,
    }
    output = tmp_path / "report.html"
    assert (
        cli("report", "--observed", EXAMPLE, *args, "--no-history", "--lang", "en", "--output", output).exit_code == 0
    )
    faces["html"] = output.read_text(encoding="utf-8")
    for face, text in faces.items():
        assert "2026-11-26 24:00" in text, face
        assert "2026-11-27T00:00:00+08:00" not in text.replace('"2026-11-27T00:00:00+08:00"', ""), face
        assert "2026-11-27 00:00" not in text, face
    zh = cli(*check, "--lang", "zh").stdout + cli("calendar", *args, "--lang", "zh").stdout
    assert zh.count("2026年11月26日 24:00") >= 2


@pytest.mark.parametrize(
    ("option", "typed", "suggested"),
    [
        ("--now", "2026-11-25", "2026-11-25T00:00:00+08:00"),
        ("--now", "2026-11-25T09:00", "2026-11-25T09:00:00+08:00"),
        ("--from", "2026-09-27 10:00", "2026-09-27T10:00:00+08:00"),
    ],
)
def test_the_hint_for_an_instant_without_offset_works_when_followed(
    cli: Cli, option: str, typed: str, suggested: str
) -> None:
    command = ["calendar"] if option == "--now" else ["deadline", "--days", "7"]
    refused = cli(*command, option, typed)
    assert refused.exit_code == 2
    assert f"e.g. {suggested}" in refused.stderr
    followed = cli(*command, option, suggested)
    assert followed.exit_code == 0, followed.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_too_wide_for_the_compact_table_take_two_lines_each(
    cli: Cli, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ksyun export without its bandwidth shares (a supply known only from below) and a tenancy far short:
    the widest figures still read whole at 80 columns, never cut with an ellipsis."""
    data = json.loads((Path("tests/data/ksyun/export.json")).read_text(encoding="utf-8"))
    del data["DescribeBandWidthShares"]
    export = tmp_path / "no-shares.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "80")
    args = ("check", "--source", "ksyun", "--from-file", export, "--now", NOW, "--no-history", "--lang", lang)
    out = cli(*args, "--source-option", "ksyun.tables=tests/data/ksyun/tables.json").stdout
    lines = out.splitlines()
    assert "…" not in out
    if lang == "en":  # the English ids and statuses do not fit one line each: two lines per line item
        assert any(line.startswith("network.bandwidth  unknown (") for line in lines), out
        assert any(line.startswith("  Supplied ≥ ") for line in lines), out
    else:  # the Chinese short names leave room for the compact table
        [row] = [line for line in lines if line.startswith("互联网链路带宽 ")]
        assert "≥" in row
        assert "未知（" in row
    table = out.split("Checked at:" if lang == "en" else "核对时间：")[0]
    assert all(_cells(line) <= 80 for line in table.splitlines()[1:]), out


# each source's own example, checked in Chinese: what the source read, what its tables could not decide and the
# evidence of its table entries are sentences of the catalog, so no English is left but ids, files and commands
_SOURCES = {
    "ksyun": ("examples/ksyun-export.json", "ksyun.tables=examples/ksyun-tables.json"),
    "ksyun-defaults": ("tests/data/ksyun/export.json", None),
    "kubernetes": ("examples/kubernetes-cluster.json", "kubernetes.tables=examples/kubernetes-tables.json"),
    "kubernetes-defaults": ("tests/data/kubernetes/cluster.json", None),
    "pulumi": ("tests/data/pulumi/tenancy-export.json", "pulumi.tables=tests/data/pulumi/tables.json"),
    "pulumi-plan": (
        "tests/data/pulumi/tenancy-export.json",
        "pulumi.plan=tests/data/pulumi/tenancy-preview-grown-from-model.json",
    ),
    "terraform-plan": ("tests/data/terraform/tenancy-plan-create.json", None),
    "terraform-state": ("tests/data/terraform/tenancy-state.json", None),
}
# what a source's example quotes as it is: evidence written in its tables files, resource and type names
# names (storage classes, resource addresses), the command a detail quotes, and a table entry's reference with
# what it states in the tables file's own words (`ksyun families[C6]：cpu_ghz 3.0, arch x86_64；`)
_QUOTED = re.compile(
    r"依据：[^；\n]*（(?:examples|tests/data)/[\w/.-]+）|ksyun_[\w.]+\[[^\]]*\]|\b[a-z0-9]+(?:-[a-z0-9]+)+\b"
    r"|terraform show -json|[\w:/.-]+ \w+\[[^\]]*\]：[^；\n]*；"
)


@pytest.mark.parametrize("case", sorted(_SOURCES))
@pytest.mark.parametrize("face", ["console", "markdown", "html"])
def test_each_source_checked_in_chinese_says_no_english_sentence(
    cli: Cli, case: str, face: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    file, option = _SOURCES[case]
    source = case.split("-", maxsplit=1)[0]
    args = ["--source", source, "--from-file", file, "--now", NOW, "--no-history", "--lang", "zh"]
    args += ["--source-option", option] if option else []
    if face == "html":
        output = tmp_path / "report.html"
        result = cli("report", *args, "--output", output)
        out = re.sub(
            r"<[^>]+>",
            " ",
            re.sub(r"<(style|script)[^>]*>.*?</\1>", "", output.read_text(encoding="utf-8"), flags=re.S),
        )
    else:
        result = cli("check", *args, *(["--format", "markdown"] if face == "markdown" else []))
        out = result.stdout
    assert result.exit_code in (0, 1, 3), result.stderr
    assert "数据来源" in out
    assert english_sentences(_QUOTED.sub(" ", out)) == [], out
