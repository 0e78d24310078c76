"""Shared wording of a reconciliation for the console and Markdown renderers.

Called by `report.console` and `report.markdown`, which differ only in layout.
"""

from __future__ import annotations

from decimal import Decimal

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
