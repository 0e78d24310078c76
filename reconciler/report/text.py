"""Shared wording of a reconciliation for the console and Markdown renderers.

Called by `report.console` and `report.markdown`, which differ only in layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from reconciler.clock import in_contract_tz
from reconciler.money import plain, yuan
from reconciler.reconcile import Finding, Reconciliation, Verdict
from reconciler.report.labels import Lang, label, set_aside_reason

COLUMNS = ("#", "line_item", "unit", "entitled", "due", "supplied", "gap", "status", "gap_value")
NUMERIC = frozenset({"#", "entitled", "due", "supplied", "gap", "gap_value"})


def quantity(value: Decimal | None) -> str:
    return "-" if value is None else plain(value)


def signed(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"+{plain(value)}" if value > 0 else plain(value)


def money(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"+{yuan(value)}" if value > 0 else yuan(value)


def table(headers: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table: headers, the alignment row (`align`: "l" or "r" for each column), then
    one line per row of cells."""
    rule = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return [table_row(headers), rule, *(table_row(cells) for cells in rows)]


def table_row(cells: Sequence[str]) -> str:
    """One Markdown table line; a `|` inside a cell is escaped so it cannot split the cell."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def row(finding: Finding, lang: Lang) -> list[str]:
    name = finding.name_zh if lang == "zh" else finding.name_en
    return [
        str(finding.seq),
        f"{finding.line_item.value} {name}",
        finding.unit.value,
        quantity(finding.entitled),
        quantity(finding.due),
        quantity(finding.supplied),
        signed(finding.gap),
        label(finding.status.value, lang),
        money(finding.gap_value_monthly),
    ]


def verdict_line(result: Reconciliation, lang: Lang) -> str:
    key = "verdict_unknown" if result.verdict is Verdict.UNKNOWN else result.verdict.value
    return f"{label('verdict', lang)}: {label(key, lang)} (exit {int(result.exit_code)})"


def notes(result: Reconciliation, lang: Lang) -> list[str]:
    """Everything a reader should know beside the table: reasons, set-aside resources, unknown input."""
    lines = []
    for f in result.findings:
        if f.reason:
            lines.append(f"{f.line_item.value}: {label(f.status.value, lang)} - {f.reason}")
        if f.evidence is None:
            continue
        for group in [*f.evidence.nonconforming, *f.evidence.excluded]:
            sample = ", ".join(group.ids[:3]) + (", ..." if group.count > 3 else "")
            reason = set_aside_reason(group.rule, group.subject, group.limit, lang)
            lines.append(
                f"{f.line_item.value}: {group.count} {label('evidence', lang)} ({reason}), "
                f"{plain(group.quantity)} {f.unit.value}: {sample}"
            )
    for source in result.sources:
        for u in source.unrecognized:
            what = f"kind {u.name}" if u.what == "kind" else f"field {u.kind}.{u.name}"
            lines.append(
                f"{source.name}: {label('unrecognized', lang)}: {what}, {u.count} {label('resources', lang)} "
                f"({label('for_example', lang)} {', '.join(u.sample_ids)})"
            )
    return lines


def expansion_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per expansion: id, line item, quantity, request, deadline, time left, state."""
    lines = []
    for e in result.expansions:
        line = (
            f"{e.id} {e.line_item.value} +{plain(e.quantity)}: {label('requested', lang)} "
            f"{e.requested_at.isoformat()}, {label('due_by', lang)} {e.due_at.isoformat()}, "
            f"{label('left', lang)} {e.remaining}: {label('expansion.' + e.state.value, lang)}"
        )
        if e.fulfilled_at is not None:
            line += f" ({label('fulfilled', lang)} {e.fulfilled_at.isoformat()})"
        lines.append(line + "".join(f"; {w}" for w in e.warnings))
    return lines


def exposure_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per exposure item: clause, event, amount = formula, and whether the total counts it."""
    lines = []
    for item in result.exposure.items:
        event = item.line_item.value + (f" {item.expansion}" if item.expansion else "")
        line = f"{item.clause} {event}: {yuan(item.amount)} CNY = {item.formula}"
        if item.days is not None:
            line += f" ({item.days} {label('delay_days', lang)} {item.inputs['first_seen_short']})"
        if item.termination_right:
            line += f"; {label('termination_right', lang)}"
        if not item.applies:
            line += f"; {label('cannot_apply', lang)}: {item.reason.split(';')[0]}"
        elif not item.counted:
            line += f"; {label('not_counted_one_event', lang)}"
        lines.append(line)
    return lines


def exposure_total(result: Reconciliation, lang: Lang) -> str:
    return f"{label('exposure', lang)}: {label('exposure_total', lang)} {yuan(result.exposure.total)} CNY"


def history_heading(result: Reconciliation, lang: Lang) -> str | None:
    """The run's place in the history, e.g. "Recorded as run #7; since run #6 at ...: 1 new, 0 resolved,
    2 changed"; None when the run was not recorded (--no-history)."""
    if result.run_id is None:
        return None
    recorded = label("run_recorded", lang).format(id=result.run_id)
    changes = result.changes
    if changes is None:
        return f"{recorded}: {label('first_run', lang)}"
    since = label("since_run", lang).format(id=changes.previous_run_id, now=changes.previous_now.isoformat())
    if changes.empty:
        return f"{recorded}; {since}: {label('no_change', lang)}"
    counts = ", ".join(
        f"{len(items)} {label('change.' + kind, lang)}"
        for kind, items in (("new", changes.new), ("resolved", changes.resolved), ("changed", changes.changed))
    )
    return f"{recorded}; {since}: {counts}"


def change_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per changed line item: kind, item, old -> new status, and its changed figures."""
    changes = result.changes
    if changes is None:
        return []
    lines = []
    for kind, items in (("new", changes.new), ("resolved", changes.resolved), ("changed", changes.changed)):
        for item in items:
            before = label(item.previous_status, lang) if item.previous_status else "-"
            status = label(item.status, lang)
            line = f"{label('change.' + kind, lang)}: {item.line_item} "
            line += f"{before} -> {status}" if before != status else status
            figures = [
                f"{c.field} {_value(c.old)} -> {_value(c.new)}" for c in item.fields if c.field not in _NOT_SHOWN
            ]
            lines.append(line + (f" ({', '.join(figures)})" if figures else ""))
    return lines


_NOT_SHOWN = frozenset({"status", "reason"})  # the status is shown as old -> new; reasons are in the notes


def _value(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items() if k != "detail") + "}"
    return str(value)


def when(value: datetime | None) -> str:
    """An instant for people, in contract time: 2026-11-25 09:00 (seconds only when not zero)."""
    if value is None:
        return "-"
    local = in_contract_tz(value)
    return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
