"""Render a reconciliation for a terminal (rich table), or as plain text when not on one.

Called by `reconciler check --format console`.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table

from reconciler.core.models import Reconciliation, Status
from reconciler.report import text
from reconciler.report.labels import Lang, counted, label
from reconciler.report.wording import say

_STYLE = {
    Status.MET: "green",
    Status.PENDING: "yellow",
    Status.SHORT: "bold red",
    Status.OVER: "magenta",
    Status.UNKNOWN: "bold yellow",
    Status.NOT_OBSERVED: "dim",
    Status.ENDED: "dim",
}


def render_console(result: Reconciliation, out: TextIO, lang: Lang = "en", width: int | None = None) -> None:
    console = Console(file=out, width=width or (None if out.isatty() else 160), highlight=False, soft_wrap=False)
    table = Table(title=f"{label('title', lang)} - {result.contract.title_zh}", title_justify="left")
    for key in text.COLUMNS:
        header = "#" if key == "#" else label(key, lang)
        table.add_column(header, justify="right" if key in text.NUMERIC else "left")
    for finding in result.findings:
        table.add_row(*text.row(finding, lang), style=_STYLE[finding.status])
    console.print(table)
    console.print(
        f"{label('now', lang)}: {result.now.isoformat()}   {label('observed_at', lang)}: "
        f"{result.observed_at.isoformat()}"
    )
    for source in result.sources:
        console.print(
            f"{label('sources', lang)}: {source.name} ({source.detail}), "
            f"{counted(source.resource_count, 'resources', lang)}"
        )
    for line in text.summary_lines(result, lang):
        console.print(line, markup=False, soft_wrap=True)
    heading = text.history_heading(result, lang)
    if heading:
        console.print(heading, markup=False, soft_wrap=True)
    for line in text.change_lines(result, lang):
        console.print(f"  {line}", markup=False, soft_wrap=True)
    for line in text.notes(result, lang):
        console.print(f"- {line}", markup=False, soft_wrap=True)
    for key, lines in (
        ("basis_tables", text.basis_lines(result, lang)),
        ("basis_attested", text.attestation_lines(result, lang)),
    ):
        if lines:
            console.print(f"{label(key, lang)}:", markup=False)
        for line in lines:
            console.print(f"- {line}", markup=False, soft_wrap=True)
    none = "" if result.expansions else f" {label('no_expansions', lang)}"
    console.print(f"{label('expansions', lang)}:{none}", markup=False)
    for line in text.expansion_lines(result, lang):
        console.print(f"- {line}", markup=False, soft_wrap=True)
    console.print(text.exposure_total(result, lang), markup=False)
    for line in text.exposure_lines(result, lang):
        console.print(f"- {line}", markup=False, soft_wrap=True)
    if result.exposure.items:
        console.print(f"  {label('exposure_disclaimer', lang)}", markup=False, soft_wrap=True)
    for warning in result.warnings:
        console.print(f"! {say(warning, lang)}", markup=False, soft_wrap=True)
    console.print(text.verdict_line(result, lang), style="bold")
