"""The status report of `reconciler report --format markdown`: the check's Markdown plus the contract calendar
and the trends across recorded runs.

Called by `reporting`; the check's own part comes from `report.markdown` unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.base.messages import say
from reconciler.contract.obligations import Obligation
from reconciler.core.models import Reconciliation
from reconciler.history.trends import Trend
from reconciler.report import text
from reconciler.report.labels import Lang, label
from reconciler.report.markdown import render_markdown
from reconciler.report.overview import status_overview


def render_status_markdown(
    result: Reconciliation,
    lang: Lang,
    *,
    calendar: Sequence[Obligation] = (),
    trends: Sequence[Trend] = (),
    from_history: bool = False,
) -> str:
    lines: list[str] = []
    if from_history:
        lines += [f"> {label('from_history', lang).format(id=result.run_id, now=text.when(result.now, lang))}", ""]
    lines.append(render_markdown(result, lang, status_overview(result)).rstrip("\n"))
    dated = [o for o in calendar if o.day is not None]
    if dated:
        columns = ("cal_date", "cal_state", "cal_clause", "cal_obligation")
        lines += [
            "",
            f"**{label('calendar', lang)}**",
            "",
            text.table_row([label(c, lang) for c in columns]),
            "|---|---|---|---|",
        ]
        for o in dated:
            description = say(o.description, lang)
            if o.conditional:
                description += f" *{text.bracketed(label('cal_conditional', lang), lang).strip()}*"
            cells = [text.day(o.day, lang), label(o.state.value, lang), o.clause, description]
            lines.append(text.table_row(cells))
    lines += ["", f"**{label('trends', lang)}**", ""]
    lines += trend_table(trends, lang)
    return "\n".join(lines) + "\n"


def trend_table(trends: Sequence[Trend], lang: Lang) -> list[str]:
    """One row per line item: runs, first, last and lowest supplied, the last entitlement, runs short."""
    if not trends:
        return [label("no_runs", lang)]
    headers = ["#", label("line_item", lang), label("runs", lang), label("first", lang), label("last", lang)]
    headers += [label("lowest", lang), label("entitled", lang), label("runs_short", lang)]
    rows = []
    for t in trends:
        supplied = [p.supplied for p in t.points if p.supplied is not None]
        cells = [
            str(t.seq),
            text.item_label(t.line_item, lang),
            str(len(t.points)),
            text.quantity(supplied[0] if supplied else None, lang),
            text.quantity(supplied[-1] if supplied else None, lang),
            text.quantity(min(supplied) if supplied else None, lang),
            text.quantity(t.points[-1].entitled if t.points else None, lang),
            str(t.short_runs),
        ]
        rows.append(cells)
    return text.table(headers, "rlrrrrrr", rows)
