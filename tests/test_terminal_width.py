"""Console text at the terminal's width: `check` and `calendar` wrap their prose to $COLUMNS (or the terminal's)
with a hanging indent, Chinese by display width, and lose no word; on a pipe they keep one line per sentence."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from reconciler.report.console import wrapped
from tests.cli_runner import run_cli
from tests.conftest import ROOT

NOW = "2026-11-25T09:00:00+08:00"
EXAMPLE = ("--observed", str(ROOT / "examples/observation.json"), "--contract",
           str(ROOT / "examples/contract-with-expansion.json"), "--now", NOW, "--no-history")  # fmt: skip
COMMANDS = {
    "check": ("check", *EXAMPLE),
    "calendar": ("calendar", "--contract", str(ROOT / "examples/contract-with-expansion.json"), "--now", NOW),
}
CLOSING = "，。、；：）》"


def _words(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _prose(out: str) -> str:
    """What follows check's table (the table itself has a layout per width), or the whole calendar."""
    found = re.search(r"^(Checked at|核对时间)", out, re.M)
    return out[found.start() :] if found else out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("columns", [60, 80])
def test_every_line_fits_the_terminal_and_no_word_is_lost(
    monkeypatch: pytest.MonkeyPatch, command: str, lang: str, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    whole = run_cli(*COMMANDS[command], "--lang", lang).stdout
    monkeypatch.setenv("COLUMNS", str(columns))
    narrow = run_cli(*COMMANDS[command], "--lang", lang).stdout
    too_wide = [line for line in narrow.splitlines() if cell_len(line) > columns]
    # the contract's title is one unbreakable run of Chinese in the first line of check's table
    assert [line for line in too_wide if "服务合同" not in line] == []
    assert _words(_prose(narrow)) == _words(_prose(whole))
    assert [line for line in narrow.splitlines() if line.lstrip().startswith(tuple(CLOSING))] == []
    assert len(narrow.splitlines()) > len(whole.splitlines())


def test_on_a_pipe_each_sentence_stays_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out = run_cli(*COMMANDS["calendar"]).stdout
    assert any(cell_len(line) > 160 for line in out.splitlines())  # a note longer than any terminal: not wrapped


def test_chinese_breaks_between_characters_keeps_dates_whole_and_never_starts_with_a_closing_mark() -> None:
    text = "期限 2026年11月26日 24:00，剩余 1天15小时0分：临近期限（不足48小时）。甲方支付合同服务费的 60%。"
    for width in range(24, 60):
        lines = wrapped(text, width, "- ", "  ")
        assert all(cell_len(line) <= width for line in lines), (width, lines)
        assert _words("".join(lines)) == _words("- " + text)
        assert not any(line[2:].startswith(tuple(CLOSING)) for line in lines[1:]), (width, lines)
        assert not any(line.endswith(("（", "(")) for line in lines), (width, lines)
        assert not any(line.endswith(("2026年11月", "2026年", "26日")) for line in lines), (width, lines)


def test_english_keeps_words_whole_and_folds_only_a_word_longer_than_the_line() -> None:
    lines = wrapped("vCPU: 128 resources may count: i-c6-093, i-c6-094", 30, "- ", "  ")
    assert lines == ["- vCPU: 128 resources may", "  count: i-c6-093, i-c6-094"]
    assert wrapped("x" * 50, 30, "", "") == ["x" * 30, "x" * 20]
    assert wrapped("as it is", None, "- ", "  ") == ["- as it is"]
