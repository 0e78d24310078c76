"""The monthly operations report (运维服务月报) and the service summary report (服务总结报告) as Markdown.

Called by `reporting` for `reconciler report --kind monthly|summary --format markdown`.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.acceptance import AcceptanceReport
from reconciler.money import yuan
from reconciler.report import text
from reconciler.report.labels import Lang, label
from reconciler.report.status_markdown import trend_table
from reconciler.trends import Trend


def render_acceptance_markdown(report: AcceptanceReport, trends: Sequence[Trend], lang: Lang = "en") -> str:
    def lab(key: str) -> str:
        return label(key, lang)

    title = lab("monthly_title" if report.kind == "monthly" else "summary_title")
    c = report.coverage
    lines = [
        f"## {title} · {report.period}: {report.contract.title_zh}",
        "",
        f"_{lab('acceptance_note')}_",
        "",
        f"- {lab('period')}: `{text.when(report.window_start)}` – `{text.when(report.window_end)}`"
        + ("" if report.complete else f" ({lab('incomplete')})"),
        f"- {lab('as_of')}: `{report.as_of.isoformat()}`",
        "",
        f"**{lab('coverage')}**",
        "",
        f"- {lab('days')}: {c.days}",
        f"- {lab('days_with_runs')}: {c.days_with_runs}",
        f"- {lab('days_without_runs')}: {c.days_without_runs}",
        f"- {lab('runs')}: {c.runs}",
    ]
    if c.missing:
        lines.append(f"- {lab('missing_days')}: {', '.join(c.missing)}")
    headers = ["#", lab("line_item"), lab("days_met"), lab("days_short"), lab("days_unknown"), lab("days_no_run")]
    headers += [lab("runs_short"), lab("lowest"), lab("entitled"), lab("supplied")]
    lines += [
        "",
        f"**{lab('availability')}**",
        "",
        f"_{lab('availability_note')}_",
        "",
        "| " + " | ".join(headers) + " |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for v in report.availability:
        name = v.name_zh if lang == "zh" else v.name_en
        cells = [
            str(v.seq),
            f"{v.line_item} {name}",
            str(v.days.met),
            str(v.days.short),
            str(v.days.unknown),
            str(v.days.no_run),
            f"{v.runs_short}/{v.runs}",
            text.quantity(v.lowest_supplied),
            text.quantity(v.entitled_at_end),
            text.quantity(v.supplied_at_end),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += ["", f"**{lab('episodes')}**", ""]
    if report.episodes:
        lines += [
            f"| {lab('line_item')} | {lab('episode_start')} | {lab('episode_end')} | {lab('runs')} | "
            f"{lab('largest_gap')} | {lab('monthly_values')} |",
            "|---|---|---|---:|---:|---:|",
        ]
        for e in report.episodes:
            end = f"{text.when(e.end)} (#{e.end_run_id})" if e.end else lab("ongoing")
            lines.append(
                f"| {e.line_item} | {text.when(e.start)} (#{e.start_run_id}) | {end} | {e.runs} | "
                f"{text.signed(e.largest_gap)} | {text.money(e.largest_gap_value)} |"
            )
    else:
        lines.append(lab("none"))
    lines += ["", f"**{lab('expansions')}**", ""]
    if report.expansions:
        lines += [
            f"| {lab('expansion_id')} | {lab('line_item')} | {lab('quantity')} | {lab('requested_at')} | "
            f"{lab('due_at')} | {lab('fulfilled_at')} | {lab('outcome')} |",
            "|---|---|---:|---|---|---|---|",
        ]
        for x in report.expansions:
            lines.append(
                f"| {x.id} | {x.line_item} | +{text.quantity(x.quantity)} | {text.when(x.requested_at)} | "
                f"{text.when(x.due_at)} | {text.when(x.fulfilled_at)} | {lab('outcome.' + x.outcome)} |"
            )
    else:
        lines.append(lab("no_expansions"))
    lines += ["", f"**{lab('exposure_accrued')}: {yuan(report.exposure_accrued)} CNY**", ""]
    if report.exposure:
        lines += [
            f"| {lab('clause')} | {lab('event')} | {lab('since')} | {lab('delay_days_count')} | "
            f"{lab('amount_at_end')} | {lab('accrued')} | {lab('formula')} |",
            "|---|---|---|---:|---:|---:|---|",
        ]
        for item in report.exposure:
            event = item.line_item + (f" {item.expansion}" if item.expansion else "")
            days = "-" if item.days is None else str(item.days)
            lines.append(
                f"| {item.clause} | {event} | {text.when(item.since)} | {days} | {yuan(item.amount_at_end)} | "
                f"{yuan(item.accrued)} | {item.formula} |"
            )
        lines += ["", f"_{lab('exposure_disclaimer')}_"]
    lines += ["", f"**{lab('incidents')}**", ""]
    if report.incidents:
        for i in report.incidents:
            failed = "; ".join(f"{kind}: {reason}" for kind, reason in i.failed.items())
            unknown = ", ".join(i.unknown_line_items) or "-"
            lines.append(f"- #{i.run_id} {text.when(i.now)} `{i.source}`: {failed} ({lab('unknown_items')}: {unknown})")
    else:
        lines.append(lab("none"))
    if report.months:
        lines += [
            "",
            f"**{lab('months_table')}**",
            "",
            f"| {lab('month')} | {lab('days')} | {lab('days_with_runs')} | {lab('runs')} | {lab('days_any_short')} | "
            f"{lab('incident_count')} | {lab('accrued')} |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for m in report.months:
            lines.append(
                f"| {m.month} | {m.days} | {m.days_with_runs} | {m.runs} | {m.days_short} | {m.incidents} | "
                f"{yuan(m.exposure_accrued)} |"
            )
    lines += ["", f"**{lab('trends')}**", "", *trend_table(trends, lang)]
    if report.runs:
        lines += [
            "",
            f"**{lab('runs_table')}**",
            "",
            f"| {lab('run')} | {lab('now')} | {lab('verdict')} | {lab('short')} | {lab('over')} | {lab('unknown')} |",
            "|---|---|---|---|---|---|",
        ]
        for run in report.runs:
            verdict = lab("verdict_unknown" if run.verdict == "unknown" else run.verdict)
            lines.append(
                f"| #{run.run_id} | {text.when(run.now)} | {verdict} | {', '.join(run.short) or '-'} | "
                f"{', '.join(run.over) or '-'} | {', '.join(run.unknown) or '-'} |"
            )
    if report.warnings:
        lines += ["", f"**{lab('warnings')}**", "", *(f"- {w}" for w in report.warnings)]
    return "\n".join(lines) + "\n"
