"""Render a reconciliation for a terminal (rich table), or as plain text when not on one.

Called by `reconciler check --format console` and by `report.calendar` (`cell_width`, `pad`: display-width
alignment, a Chinese character taking two columns). Below `COMPACT_BELOW` columns the table drops the long
names: English shows each line item's whole id, Chinese its short name, and the due column only when some
line item has expansions still pending.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from reconciler.base.messages import say
from reconciler.core.models import Finding, Reconciliation, Status
from reconciler.report import text
from reconciler.report.labels import Lang, counted, label, unit

COMPACT_BELOW = 120
"""Terminals narrower than this get the compact table."""

_STYLE = {
    Status.MET: "green",
    Status.PENDING: "yellow",
    Status.SHORT: "bold red",
    Status.OVER: "magenta",
    Status.UNKNOWN: "bold yellow",
    Status.NOT_OBSERVED: "dim",
    Status.ENDED: "dim",
}


def cell_width(value: str) -> int:
    """The columns `value` takes on a terminal (a CJK character takes two)."""
    return cell_len(value)


def pad(value: str, width: int) -> str:
    """`value` padded with spaces to `width` terminal columns."""
    return value + " " * max(0, width - cell_len(value))


def output_width(out: TextIO) -> int | None:
    """The columns text written to `out` may take: $COLUMNS, else the terminal's; None for a file or a pipe
    (prose then stays one line per sentence, for grep and for log viewers that wrap themselves)."""
    if os.environ.get("COLUMNS", "").isdigit():
        return max(int(os.environ["COLUMNS"]), MIN_WIDTH)
    if out.isatty():
        return max(Console(file=out).width, MIN_WIDTH)
    return None


def wrapped(value: str, width: int | None, first: str, rest: str) -> list[str]:
    """`value` after `first` broken into lines of at most `width` terminal columns, every line after the first
    starting with `rest`: words kept whole where they fit, Chinese broken between characters but never before
    a closing mark (，。）and the like) or after an opening one (（《). One line when `width` is None."""
    if width is None:
        return [first + value]
    room = max(width - max(cell_len(first), cell_len(rest)), MIN_WIDTH // 2)
    lines: list[list[str]] = [[]]
    used = 0
    for found in _TOKENS.findall(value):
        token = found
        size = cell_len(token)
        if token.isspace():
            if lines[-1]:
                lines[-1].append(token)
                used += size
            continue
        if used + size > room and lines[-1]:
            carried: list[str] = []
            if token in _CLOSING:  # the mark goes down with the characters it closes
                while len(lines[-1]) > 1 and (not carried or carried[0] in _CLOSING):
                    carried.insert(0, lines[-1].pop())
            while lines[-1] and lines[-1][-1].isspace():
                lines[-1].pop()
            if not carried and len(lines[-1]) > 1 and lines[-1][-1] in _OPENING:  # （ goes down with what it opens
                carried = [lines[-1].pop()]
            lines.append(carried)
            used = sum(cell_len(t) for t in carried)
        while size > room:  # a word longer than the line: folded
            cut = _fit(token, room - used)
            lines[-1].append(token[:cut])
            lines.append([])
            token, used = token[cut:], 0
            size = cell_len(token)
        lines[-1].append(token)
        used += size
    return [(first if index == 0 else rest) + "".join(line).rstrip() for index, line in enumerate(lines)]


def _fit(token: str, room: int) -> int:
    """How many of `token`'s characters fit in `room` columns (at least one)."""
    total = 0
    for index, char in enumerate(token):
        total += cell_len(char)
        if total > room:
            return max(index, 1)
    return len(token)


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKENS = re.compile(
    rf"[\d,.:]+(?:年\d+月\d+日(?: \d+:\d\d)?|年\d+月|月\d+日|[年月日时个元])|[{_WIDE}]|[^\s{_WIDE}]+|\s+"
)
"""A date or figure with its Chinese unit (2027年7月16日, 10 个 stays apart), a wide (Chinese) character alone, a
run of other non-space characters (a word), or spaces."""
_CLOSING = frozenset("，。、；：！？）》」』】,.;:!?)")
"""Marks that never start a line."""
_OPENING = frozenset("（《「『【(")
"""Marks that never end a line."""


MIN_WIDTH = 40
"""Narrower terminals are written as if they were this wide."""


def render_console(result: Reconciliation, out: TextIO, lang: Lang = "en", width: int | None = None) -> None:
    """The table and what goes with it, for `width` columns (default: `output_width(out)`); prose wrapped to
    it, one line per sentence on a file or a pipe (the table then takes up to 160 columns)."""
    width = width or output_width(out)
    console = Console(file=out, width=width or 160, highlight=False, soft_wrap=False)

    def say_lines(value: str, first: str = "", rest: str = "  ") -> None:
        """`value` wrapped to the console's width, every line after the first indented by `rest`."""
        for line in wrapped(value, width, first, rest):
            console.print(line, markup=False, soft_wrap=True)

    title = f"{label('title', lang)} - {result.contract.title_zh}"
    if console.width >= COMPACT_BELOW:
        table = Table(title=title, title_justify="left")
        for key in text.COLUMNS:
            header = "#" if key == "#" else label(key, lang)
            table.add_column(header, justify="right" if key in text.NUMERIC else "left")
        for finding in result.findings:
            table.add_row(*text.row(finding, lang), style=_STYLE[finding.status])
        console.print(table)
    else:
        table = _compact_table(result, lang)
        console.print(title, markup=False, soft_wrap=True)
        unbounded = console.options.update(width=10_000, max_width=10_000)
        if Measurement.get(console, unbounded, table).maximum <= console.width:
            console.print(table)
        else:  # wide figures (bounds, large values): two lines per line item
            for finding in result.findings:
                head, figures = _two_lines(finding, lang)
                console.print(head, style=_STYLE[finding.status], markup=False, soft_wrap=True)
                console.print(f"  {figures}", markup=False, soft_wrap=True)
    say_lines(
        f"{label('now', lang)}{text.colon(lang)}{text.when(result.now, lang)}   {label('observed_at', lang)}"
        f"{text.colon(lang)}{text.when(result.observed_at, lang)}"
    )
    for source in result.sources:
        say_lines(
            f"{label('sources', lang)}{text.colon(lang)}{source.name}{text.source_detail(source.detail, lang)}"
            f"{text.comma(lang)}{counted(source.resource_count, 'resources', lang)}"
        )
    for line in text.summary_lines(result, lang):
        say_lines(line)
    heading = text.history_heading(result, lang)
    if heading:
        console.print(heading, markup=False, soft_wrap=True)
    for line in text.change_lines(result, lang):
        say_lines(line, "  ", "    ")
    for line in text.notes(result, lang):
        say_lines(line, "- ")
    for key, lines in (
        ("basis_tables", text.basis_lines(result, lang)),
        ("basis_attested", text.attestation_lines(result, lang)),
    ):
        if lines:
            console.print(f"{label(key, lang)}{text.colon(lang).rstrip()}", markup=False)
        for line in lines:
            say_lines(line, "- ")
    none = "" if result.expansions else label("no_expansions", lang)
    console.print(
        f"{label('expansions', lang)}{text.colon(lang).rstrip() if not none else text.colon(lang)}{none}", markup=False
    )
    for line in text.expansion_lines(result, lang):
        say_lines(line, "- ")
    console.print(text.exposure_total(result, lang), markup=False)
    for line in text.exposure_lines(result, lang):
        say_lines(line, "- ")
    if result.exposure.items:
        say_lines(label("exposure_disclaimer", lang), "  ")
    for warning in result.warnings:
        say_lines(say(warning, lang), "! ")
    console.print(text.verdict_line(result, lang), style="bold")


def _compact_table(result: Reconciliation, lang: Lang) -> Table:
    """One line per line item: the whole id (or the Chinese short name) and the figures; no long names, no row
    number, and the due column only while some expansion is pending."""
    show_due = any(f.due != f.entitled for f in result.findings)
    table = Table(box=box.SIMPLE_HEAD, padding=0, show_edge=False)
    table.add_column(label("line_item", lang), no_wrap=True)
    table.add_column(label("unit", lang), no_wrap=True)
    keys = ["entitled", *(["due"] if show_due else []), "supplied", "gap"]
    for key in keys:
        table.add_column(label(key, lang), justify="right", no_wrap=True)
    table.add_column(label("status", lang), no_wrap=True)
    table.add_column(label("gap_value_short", lang), justify="right", no_wrap=True)
    for f in result.findings:
        figures = {
            "entitled": text.quantity(f.entitled, lang),
            "due": text.quantity(f.due, lang),
            "supplied": text.supply(f, lang),
            "gap": text.gap(f, lang),
        }
        table.add_row(
            text.item_name(f.line_item.value, lang),
            unit(f.unit.value, lang),
            *(figures[key] for key in keys),
            text.status(f, lang),
            text.value(f, lang),
            style=_STYLE[f.status],
        )
    return table


def _two_lines(f: Finding, lang: Lang) -> tuple[str, str]:
    """A line item where even the compact table does not fit: its name, status and value, then its figures."""
    comma = "，" if lang == "zh" else ", "
    head = f"{text.item_name(f.line_item.value, lang)}  {text.status(f, lang)}"
    value = text.value(f, lang)
    if value != "-":
        head += "  " + label("value_per_month", lang).format(value=value)
    supplied = text.supply(f, lang)
    figures = [
        f"{label('supplied', lang)} {supplied}" + ("" if supplied == "-" else f" {unit(f.unit.value, lang)}"),
        f"{label('entitled', lang)} {text.quantity(f.entitled, lang)}",
    ]
    if f.due != f.entitled:
        figures.append(f"{label('due', lang)} {text.quantity(f.due, lang)}")
    figures.append(f"{label('gap', lang)} {text.gap(f, lang)}")
    return head, comma.join(figures)
