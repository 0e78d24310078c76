"""Render a reconciliation as Markdown, fit for a CI job summary or a pull request comment.

Called by `reconciler check --format markdown`.
"""

from __future__ import annotations

from reconciler.base.messages import say
from reconciler.core.models import Reconciliation
from reconciler.report import text
from reconciler.report.labels import Lang, counted, label
from reconciler.report.overview import Overview


def render_markdown(result: Reconciliation, lang: Lang = "en", overview: Overview | None = None) -> str:
    """The check as Markdown. With `overview` (the report's first screen) the verdict is said in its words, not
    as a verdict and exit code (`reconciler report --format markdown`)."""
    headers = ["#" if key == "#" else label(key, lang) for key in text.COLUMNS]
    lines = [
        f"## {label('title', lang)}{text.colon(lang)}{result.contract.title_zh}",
        "",
        *(overview_lines(overview, lang) if overview is not None else [f"**{text.verdict_line(result, lang)}**"]),
        "",
        f"- {label('now', lang)}{text.colon(lang)}{text.when(result.now, lang)}",
        f"- {label('observed_at', lang)}{text.colon(lang)}{text.when(result.observed_at, lang)}",
        *(
            f"- {label('sources', lang)}{text.colon(lang)}`{s.name}`{text.source_detail(s.detail, lang)}"
            f"{text.comma(lang)}{counted(s.resource_count, 'resources', lang)}"
            for s in result.sources
        ),
        *(f"- {line}" for line in text.summary_lines(result, lang)),
        *_history(result, lang),
        "",
        *text.table(
            headers,
            "".join("r" if key in text.NUMERIC else "l" for key in text.COLUMNS),
            (text.row(finding, lang) for finding in result.findings),
        ),
    ]
    notes = text.notes(result, lang)
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    for key, basis in (
        ("basis_tables", text.basis_lines(result, lang)),
        ("basis_attested", text.attestation_lines(result, lang)),
    ):
        if basis:
            lines += ["", f"**{label(key, lang)}**", "", *(f"- {line}" for line in basis)]
    expansions = text.expansion_lines(result, lang) or [label("no_expansions", lang)]
    lines += ["", f"**{label('expansions', lang)}**", "", *(f"- {line}" for line in expansions)]
    lines += ["", f"**{text.exposure_total(result, lang)}**"]
    exposure = text.exposure_lines(result, lang)
    if exposure:
        lines += ["", *(f"- {line}" for line in exposure), "", f"_{label('exposure_disclaimer', lang)}_"]
    if result.warnings:
        lines += ["", f"**{label('warnings', lang)}**", "", *(f"- {say(w, lang)}" for w in result.warnings)]
    return "\n".join(lines) + "\n"


def _history(result: Reconciliation, lang: Lang) -> list[str]:
    heading = text.history_heading(result, lang)
    if heading is None:
        return []
    return [f"- {heading}", *(f"  - {line}" for line in text.change_lines(result, lang))]


def overview_lines(overview: Overview, lang: Lang) -> list[str]:
    """The first screen in Markdown: the banner in bold, one point a line."""
    return [f"**{say(overview.banner, lang)}**", "", *(f"- {say(p.text, lang)}" for p in overview.points)]
