"""The monthly operations report (运维服务月报) and the service summary report (服务总结报告) as Markdown.

Called by `reporting` for `reconciler report --kind monthly|summary --format markdown`.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.base.messages import say, term
from reconciler.contract.model import Contract
from reconciler.history.trends import Trend
from reconciler.report import text
from reconciler.report.acceptance import AcceptanceReport
from reconciler.report.labels import Lang, label
from reconciler.report.markdown import overview_lines
from reconciler.report.overview import period_overview
from reconciler.report.status_markdown import trend_table


def render_acceptance_markdown(
    report: AcceptanceReport, contract: Contract, trends: Sequence[Trend], lang: Lang = "en"
) -> str:
    def lab(key: str) -> str:
        return label(key, lang)

    def items(ids: Sequence[str]) -> str:
        return text.list_join(lang).join(text.item_label(i, lang) for i in ids) or "-"

    colon = text.colon(lang)
    title = lab("monthly_title" if report.kind == "monthly" else "summary_title")
    period = text.period_name(report.kind, report.period, lang)
    c = report.coverage
    lines = [
        f"## {title} · {period}{colon}{report.contract.title_zh}",
        "",
        *overview_lines(period_overview(report, contract), lang),
        "",
        f"- {lab('period')}{colon}{text.when(report.window_start, lang)} – {text.deadline(report.window_end, lang)}"
        + ("" if report.complete else text.bracketed(lab("incomplete"), lang)),
        f"- {lab('as_of')}{colon}{text.when(report.as_of, lang)}",
        "",
        f"_{lab('acceptance_note')}_",
        "",
        f"**{lab('coverage')}**",
        "",
        f"- {lab('days')}{colon}{c.days}",
        f"- {lab('days_with_runs')}{colon}{c.days_with_runs}",
        f"- {lab('days_without_runs')}{colon}{c.days_without_runs}",
        f"- {lab('runs')}{colon}{c.runs}",
    ]
    if c.missing:
        ranges = text.list_join(lang).join(text.day_range(r, lang) for r in c.missing)
        lines.append(f"- {lab('missing_days')}{colon}{ranges}")
    headers = ["#", lab("line_item"), lab("days_met"), lab("days_over"), lab("days_short"), lab("days_unknown")]
    headers.append(lab("days_no_run"))
    headers += [lab("runs_short"), lab("lowest"), lab("entitled"), lab("supplied")]
    lines += [
        "",
        f"**{lab('availability')}**",
        "",
        f"_{lab('availability_note')}_",
        "",
    ]
    lines += text.table(
        headers,
        "rlrrrrrrrrr",
        (
            [
                str(v.seq),
                f"{text.item_label(v.line_item, lang)} `{v.line_item}`",
                str(v.days.met),
                str(v.days.over),
                str(v.days.short),
                str(v.days.unknown),
                str(v.days.no_run),
                f"{v.runs_short}/{v.runs}",
                text.quantity(v.lowest_supplied, lang),
                text.quantity(v.entitled_at_end, lang),
                text.quantity(v.supplied_at_end, lang),
            ]
            for v in report.availability
        ),
    )
    lines += ["", f"**{lab('episodes')}**", ""]
    if report.episodes:
        headers = [lab(key) for key in ("line_item", "episode_start", "episode_end", "runs", "largest_gap")]
        lines += text.table(
            [*headers, lab("monthly_values")],
            "lllrrr",
            (
                [
                    text.item_label(e.line_item, lang),
                    f"{text.when(e.start, lang)} (#{e.start_run_id})",
                    f"{text.when(e.end, lang)} (#{e.end_run_id})" if e.end else lab("ongoing"),
                    str(e.runs),
                    text.signed(e.largest_gap, lang),
                    text.money(e.largest_gap_value, lang),
                ]
                for e in report.episodes
            ),
        )
    else:
        lines.append(lab("none"))
    lines += ["", f"**{lab('expansions')}**", ""]
    if report.expansions:
        headers = [lab(key) for key in ("expansion_id", "line_item", "quantity", "requested_at", "due_at")]
        lines += text.table(
            [*headers, lab("fulfilled_at"), lab("outcome")],
            "llrllll",
            (
                [
                    x.id,
                    text.item_label(x.line_item, lang),
                    f"+{text.quantity(x.quantity, lang)}",
                    text.when(x.requested_at, lang),
                    text.deadline(x.due_at, lang),
                    text.when(x.fulfilled_at, lang),
                    lab("outcome." + x.outcome),
                ]
                for x in report.expansions
            ),
        )
    else:
        lines.append(lab("no_expansions"))
    lines += ["", f"**{lab('exposure_accrued')}{colon}{text.yuan(report.exposure_accrued, lang)} {lab('cny')}**", ""]
    if report.exposure:
        headers = [lab(key) for key in ("clause", "event", "since", "delay_days_count", "amount_at_end", "accrued")]
        lines += text.table(
            [*headers, lab("formula")],
            "lllrrrl",
            (
                [
                    text.clause(item.clause, lang),
                    items(item.line_items) + (f" {item.expansion}" if item.expansion else ""),
                    text.when(item.since, lang),
                    "-" if item.days is None else str(item.days),
                    text.yuan(item.amount_at_end, lang),
                    text.yuan(item.accrued, lang),
                    say(item.formula, lang),
                ]
                for item in report.exposure
            ),
        )
        lines += ["", f"_{lab('exposure_disclaimer')}_"]
    lines += ["", f"**{lab('incidents')}**", ""]
    if report.incidents:
        for i in report.incidents:
            failed = text.semicolon(lang).join(
                f"{term(f'kind.{kind}', lang)}{colon}{say(reason, lang)}" for kind, reason in i.failed.items()
            )
            unknown = items(i.unknown_line_items)
            lines.append(
                f"- #{i.run_id} {text.when(i.now, lang)} `{i.source}`{colon}{failed}"
                + text.bracketed(f"{lab('unknown_items')}{colon}{unknown}", lang)
            )
    else:
        lines.append(lab("none"))
    if report.months:
        lines += [
            "",
            f"**{lab('months_table')}**",
            "",
        ]
        headers = [lab(key) for key in ("month", "days", "days_with_runs", "runs", "days_any_short", "days_any_over")]
        lines += text.table(
            [*headers, lab("incident_count"), lab("accrued")],
            "lrrrrrrr",
            (
                [
                    text.period_name("monthly", m.month, lang),
                    str(m.days),
                    str(m.days_with_runs),
                    str(m.runs),
                    str(m.days_short),
                    str(m.days_over),
                    str(m.incidents),
                    text.yuan(m.exposure_accrued, lang),
                ]
                for m in report.months
            ),
        )
    lines += ["", f"**{lab('trends')}**", "", *trend_table(trends, lang)]
    if report.runs:
        lines += [
            "",
            f"**{lab('runs_table')}**",
            "",
        ]
        lines += text.table(
            [lab(key) for key in ("run", "now", "verdict", "col_short", "col_over", "col_unknown")],
            "llllll",
            (
                [
                    f"#{run.run_id}",
                    text.when(run.now, lang),
                    lab(f"run.{run.verdict}"),
                    items(run.short),
                    items(run.over),
                    items(run.unknown),
                ]
                for run in report.runs
            ),
        )
    if report.warnings:
        lines += ["", f"**{lab('warnings')}**", "", *(f"- {say(w, lang)}" for w in report.warnings)]
    return "\n".join(lines) + "\n"
