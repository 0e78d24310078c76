"""Shared wording of a reconciliation for the console and Markdown renderers.

Called by `report.console` and `report.markdown`, which differ only in layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from reconciler.base.messages import JOINER
from reconciler.base.money import yuan
from reconciler.core.models import Finding, Reconciliation, Status, TableEntryRef, Uncertain, Verdict
from reconciler.dates.clock import duration_parts, in_contract_tz
from reconciler.report.labels import Lang, counted, duration_part, field_name, label, set_aside_reason, unit
from reconciler.report.wording import say

COLUMNS = ("#", "line_item", "unit", "entitled", "due", "supplied", "gap", "status", "gap_value")
NUMERIC = frozenset({"#", "entitled", "due", "supplied", "gap", "gap_value"})


DISPLAY_PLACES = 3
"""Quantities for people are rounded (half up) to at most this many decimals; JSON keeps them exact."""


def number(value: Decimal) -> str:
    """A quantity for people: at most DISPLAY_PLACES decimals, rounded half up, no trailing zeros, no exponent:
    565.6612873077392578125 -> 565.661, 4.648 -> 4.648, 2896.000 -> 2896."""
    rounded = value.quantize(Decimal(1).scaleb(-DISPLAY_PLACES), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        return "0"
    digits = f"{rounded:f}"
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def quantity(value: Decimal | None) -> str:
    return "-" if value is None else number(value)


def signed(value: Decimal | None) -> str:
    if value is None:
        return "-"
    shown = number(value)
    return f"+{shown}" if value > 0 and shown != "0" else shown


def duration(seconds: int, lang: Lang) -> str:
    """Seconds as days, hours and minutes (seconds only under a minute): 140400 -> 1d 15h 0m / 1天15小时0分."""
    sign, parts = duration_parts(seconds)
    gap = "" if lang == "zh" else " "
    return sign + gap.join(f"{count}{duration_part(unit, lang)}" for count, unit in parts)


def day_range(text: str, lang: Lang) -> str:
    """A range of days as the JSON writes it (2026-11-05/2026-11-09) for people: 2026-11-05 至 2026-11-09."""
    first, slash, last = text.partition("/")
    if not slash:
        return text
    return f"{first} 至 {last}" if lang == "zh" else f"{first} – {last}"


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
        unit(finding.unit.value, lang),
        quantity(finding.entitled),
        quantity(finding.due),
        supply(finding),
        gap(finding),
        status(finding, lang),
        value(finding),
    ]


RANGE = "–"
"""Between the two bounds of a figure: 1200–1264."""


def _bounded(lower: Decimal | None, upper: Decimal | None, show: Callable[[Decimal], str]) -> str:
    if lower is None:
        return "-"
    if upper is None:
        return f"≥ {show(lower)}"
    return show(lower) if upper == lower else f"{show(lower)}{RANGE}{show(upper)}"


def supply(finding: Finding) -> str:
    """The supplied quantity, or its bounds where they differ: `1216`, `1200–1264`, `≥ 1200` (no upper bound)."""
    if finding.supplied is not None:
        return number(finding.supplied)
    return _bounded(finding.supplied_lower, finding.supplied_upper, number)


def gap(finding: Finding) -> str:
    """supplied - entitled, or its bounds: `-16`, `-32–+32`, `≥ -32`."""
    if finding.gap is not None or finding.supplied_lower is None or finding.status is Status.ENDED:
        return signed(finding.gap)
    lower = finding.supplied_lower - finding.entitled
    upper = None if finding.supplied_upper is None else finding.supplied_upper - finding.entitled
    return _bounded(lower, upper, signed)


def value(finding: Finding) -> str:
    """The gap's monthly value, or its bounds (rounded half up to the fen)."""
    if finding.gap_value_monthly is not None or finding.supplied_lower is None or finding.status is Status.ENDED:
        return money(finding.gap_value_monthly)
    price = finding.unit_price
    lower = (finding.supplied_lower - finding.entitled) * price
    upper = None if finding.supplied_upper is None else (finding.supplied_upper - finding.entitled) * price
    return _bounded(lower, upper, money)


def status(finding: Finding, lang: Lang) -> str:
    """The status; an unknown one with what it may be: `unknown (met/over)`; attested supply says so:
    `met (attested)`."""
    shown = label(finding.status.value, lang)
    if finding.status is Status.UNKNOWN and finding.possible:
        shown += f" ({'/'.join(label(s.value, lang) for s in finding.possible)})"
    if attested(finding):
        shown += f"（{label('attested', lang)}）" if lang == "zh" else f" ({label('attested', lang)})"
    return shown


def attested(finding: Finding) -> bool:
    """Whether the line item's supply is attested (no source observes it)."""
    return finding.provenance is not None and finding.provenance.supplied_by == "attested"


def basis_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """Each table entry the figures rest on, once, with what it states, its evidence and origin, how many
    resources it decided and for which line items."""
    entries: dict[tuple[str, str, str], tuple[TableEntryRef, list[str]]] = {}
    for finding in result.findings:
        if finding.provenance is None:
            continue
        for entry in finding.provenance.table_entries:
            key = (entry.source, entry.table, entry.key)
            entries.setdefault(key, (entry, []))[1].append(finding.line_item.value)
    lines = []
    for entry, items in entries.values():
        origin = label("built_in", lang) if entry.origin == "built-in" else entry.origin
        lines.append(
            label("basis_entry", lang).format(
                source=entry.source,
                table=entry.table,
                key=entry.key,
                values=", ".join(f"{name} {value}" for name, value in entry.values.items()),
                evidence=entry.evidence or label("no_evidence", lang),
                origin=origin,
                resources=counted(entry.resources, "resources", lang),
                line_items=", ".join(items),
            )
        )
    return lines


def attestation_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """Each attestation given to the check: what, by whom, on what evidence, valid until when, and its state."""
    units = {f.line_item: f.unit.value for f in result.findings}
    lines = []
    for ref in result.attestations:
        state = f"attestation.{ref.state.value}"
        if not ref.counted and ref.state.value in ("valid", "expiring"):
            state = "attestation.observed"
        lines.append(
            label("attestation_line", lang).format(
                id=ref.id,
                line_item=ref.line_item.value,
                quantity=number(ref.quantity),
                unit=unit(units.get(ref.line_item, ""), lang),
                attested_by=ref.attested_by,
                evidence=ref.evidence,
                attested_at=when(ref.attested_at),
                valid_until=when(ref.valid_until),
                state=label(state, lang),
            )
        )
    return lines


def summary_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """The monthly values with their labels: `Shortfall value per month: -224.32 CNY overdue; ...`."""
    return [f"{label(key, lang)}: {shown}" for key, shown in summary_values(result, lang)]


def summary_values(result: Reconciliation, lang: Lang) -> list[tuple[str, str]]:
    """(label key, text) of the monthly values: the overdue shortfall (the headline, with how far the bounds let
    it go), what is pending beside it with its next deadline, and the surplus."""
    s = result.summary
    cny = label("cny", lang)
    shortfall = f"{money(s.shortfall_value_monthly)} {cny} {label('shortfall_overdue', lang)}"
    if s.shortfall_value_possible != s.shortfall_value_monthly:
        shortfall += f" ({label('possibly', lang).format(value=money(s.shortfall_value_possible))})"
    if s.pending_value_monthly or s.pending_value_possible:
        pending = money(s.pending_value_monthly)
        if s.pending_value_possible != s.pending_value_monthly:
            pending += f" ({label('possibly', lang).format(value=money(s.pending_value_possible))})"
        shortfall += f"; {label('pending_value', lang)} {pending} {cny}"
        if s.pending_due_at is not None:
            shortfall += f", {label('pending_until', lang)} {s.pending_due_at.isoformat()}"
    surplus = f"{money(s.surplus_value_monthly)} {cny}"
    if s.surplus_value_possible is None:
        surplus += f" ({label('possibly_unbounded', lang)})"
    elif s.surplus_value_possible != s.surplus_value_monthly:
        surplus += f" ({label('possibly_up', lang).format(value=money(s.surplus_value_possible))})"
    return [("shortfall_value", shortfall), ("surplus_value", surplus)]


def verdict_line(result: Reconciliation, lang: Lang) -> str:
    key = "verdict_unknown" if result.verdict is Verdict.UNKNOWN else result.verdict.value
    exit_code = label("exit", lang).format(code=int(result.exit_code))
    return f"{label('verdict', lang)}: {label(key, lang)}{'' if lang == 'zh' else ' '}{exit_code}"


def notes(result: Reconciliation, lang: Lang) -> list[str]:
    """Everything a reader should know beside the table: reasons, set-aside resources, unknown input."""
    lines = []
    for f in result.findings:
        if f.reason:
            lines.append(f"{f.line_item.value}: {label(f.status.value, lang)} - {say(f.reason, lang)}")
        if f.evidence is None:
            continue
        for uncertain in f.evidence.uncertain:
            lines.append(f"{f.line_item.value}: {uncertain_note(uncertain, f.unit.value, lang)}")
        for group in [*f.evidence.nonconforming, *f.evidence.excluded]:
            reason = set_aside_reason(group.rule, group.subject, group.limit, lang)
            amount = f"{number(group.quantity)} {unit(f.unit.value, lang)}"
            sample = ", ".join(group.ids[:3]) + (", ..." if group.count > 3 else "")
            if lang == "zh":
                line = f"{f.line_item.value}: {counted(group.count, 'not_counted', lang)}（{reason}），{amount}"
            else:
                line = f"{f.line_item.value}: {counted(group.count, 'not_counted', lang)} ({reason}), {amount}"
            lines.append(line + (f": {sample}" if group.ids else ""))
    for source in result.sources:
        for u in source.unrecognized:
            what = label("unrecognized." + u.what, lang).format(name=u.name, kind=u.kind)
            lines.append(
                f"{source.name}: {label('unrecognized', lang)}: {what}, {counted(u.count, 'resources', lang)} "
                f"({label('for_example', lang)} {', '.join(u.sample_ids)})"
            )
    return lines


def uncertain_note(group: Uncertain, unit_value: str, lang: Lang) -> str:
    """Resources behind the difference of the bounds: `2 resource(s) may count: cpu_ghz not known, 12 vCPU: ids`."""
    quantity_text = (
        label("uncertain.unbounded", lang)
        if group.quantity is None
        else f"{number(group.quantity)} {unit(unit_value, lang)}"
    )
    line = label("bounds_note", lang).format(
        count=group.count,
        counts=label("uncertain." + group.counts, lang),
        unknown=", ".join(group.unknown),
        quantity=quantity_text,
    )
    sample = ", ".join(group.ids[:3]) + (", ..." if group.count > 3 else "")
    return line + (f": {sample}" if group.ids else "")


def expansion_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per expansion: id, line item, quantity, request, deadline, time left, state."""
    lines = []
    for e in result.expansions:
        line = (
            f"{e.id} {e.line_item.value} +{number(e.quantity)}: {label('requested', lang)} "
            f"{e.requested_at.isoformat()}, {label('due_by', lang)} {e.due_at.isoformat()}, "
            f"{label('left', lang)} {duration(e.remaining_seconds, lang)}: {label('expansion.' + e.state.value, lang)}"
        )
        if e.fulfilled_at is not None:
            line += f" ({label('fulfilled', lang)} {e.fulfilled_at.isoformat()})"
        lines.append(line + "".join(f"; {say(w, lang)}" for w in e.warnings))
    return lines


def exposure_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per exposure item: clause, event, amount = formula, and whether the total counts it."""
    lines = []
    for item in result.exposure.items:
        event = item.line_item.value + (f" {item.expansion}" if item.expansion else "")
        line = f"{item.clause} {event}: {yuan(item.amount)} {label('cny', lang)} = {say(item.formula, lang)}"
        if item.days is not None:
            line += f" ({delay_since(item.days, item.inputs['first_seen_short'], lang)})"
        if item.termination_right:
            line += f"; {label('termination_right', lang)}"
        if not item.applies:
            line += f"; {label('cannot_apply', lang)}: {say(first_reason(item.reason), lang)}"
        elif not item.counted:
            line += f"; {label('not_counted', lang)}: {say(last_reason(item.reason), lang)}"
        lines.append(line)
    return lines


def delay_since(days: int, first_seen_short: str, lang: Lang) -> str:
    """Art. 12.3's days of delay and the run they count from: "2 days since 2026-11-03T02:00:00+08:00"."""
    return f"{counted(days, 'delay_days', lang)} {first_seen_short}"


def first_reason(reason: str) -> str:
    """The first sentence of an exposure item's reason (why it applies or not), without the readings after it."""
    return reason.split(JOINER, maxsplit=1)[0]


def last_reason(reason: str) -> str:
    """The last sentence of an exposure item's reason: why the total does not count it (Art. 12.3, 12.4)."""
    return reason.rsplit(JOINER, maxsplit=1)[-1]


def exposure_total(result: Reconciliation, lang: Lang) -> str:
    total = f"{yuan(result.exposure.total)} {label('cny', lang)}"
    return f"{label('exposure', lang)}: {label('exposure_total', lang)} {total}"


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


_NOT_SHOWN = frozenset({"status", "reason"})  # the status is shown as old -> new; reasons are in the notes


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
                f"{field_name(c.field, lang)} {_value(c.old)} -> {_value(c.new)}"
                for c in item.fields
                if c.field not in _NOT_SHOWN
            ]
            lines.append(line + (f" ({', '.join(figures)})" if figures else ""))
    return lines


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
