"""Shared wording of a reconciliation for the console and Markdown renderers.

Called by `report.console` and `report.markdown`, which differ only in layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from reconciler.base import formats
from reconciler.base.messages import Message, clause_name, line_item_name, message, plain_text, say, term
from reconciler.core.models import (
    AttestationRef,
    AttestationState,
    Finding,
    Reconciliation,
    Status,
    TableEntryRef,
    Uncertain,
    Verdict,
)
from reconciler.report.labels import Lang, attribute_name, counted, field_name, label, unit

COLUMNS = ("#", "line_item", "unit", "entitled", "due", "supplied", "gap", "status", "gap_value")
NUMERIC = frozenset({"#", "entitled", "due", "supplied", "gap", "gap_value"})


def quantity(value: Decimal | None, lang: Lang = "en") -> str:
    """A quantity for people (`formats.number`), "-" when unknown."""
    return "-" if value is None else formats.number(value, lang)


def signed(value: Decimal | None, lang: Lang = "en") -> str:
    return "-" if value is None else formats.signed(value, lang)


def money(value: Decimal | None, lang: Lang = "en") -> str:
    """A gap's value in CNY, signed: +734.37; "-" when unknown."""
    return "-" if value is None else formats.signed_money(value, lang)


def yuan(value: Decimal, lang: Lang = "en") -> str:
    """An amount in CNY without sign or unit: 2,305,019.62."""
    return formats.money(value, lang)


def duration(seconds: int, lang: Lang) -> str:
    """Seconds as days, hours and minutes: 140400 -> 1d 15h 0m / 1天15小时0分."""
    return formats.duration(seconds, lang)


def day(value: date | None, lang: Lang = "en") -> str:
    return "-" if value is None else formats.day(value, lang)


def when(value: datetime | None, lang: Lang = "en") -> str:
    """An instant for people, in contract time: 2026-11-25 09:00 / 2026年11月25日 09:00."""
    return "-" if value is None else formats.instant(value, lang)


def deadline(value: datetime | None, lang: Lang = "en") -> str:
    """A deadline: 2026-11-26 24:00 / 2026年11月26日 24:00 for one that ends with a day."""
    return "-" if value is None else formats.deadline(value, lang)


def day_range(text: str, lang: Lang) -> str:
    """A range of days as the JSON writes it (2026-11-05/2026-11-09, or one day) for people."""
    first, _, last = text.partition("/")
    return formats.day_range(date.fromisoformat(first), date.fromisoformat(last or first), lang)


def list_join(lang: Lang) -> str:
    """Between the items of a list in running text: ", " / "、"."""
    return "、" if lang == "zh" else ", "


def colon(lang: Lang) -> str:
    """After a label: ": " / "："."""
    return "：" if lang == "zh" else ": "


def semicolon(lang: Lang) -> str:
    """Between two clauses: "; " / "；"."""
    return "；" if lang == "zh" else "; "


def comma(lang: Lang) -> str:
    """Between two phrases: ", " / "，"."""
    return "，" if lang == "zh" else ", "


def bracketed(value: str, lang: Lang) -> str:
    """An aside: " (x)" / "（x）"."""
    return f"（{value}）" if lang == "zh" else f" ({value})"


def source_detail(detail: Message | None, lang: Lang) -> str:
    """What a source read and what its tables could not decide, as an aside after its name ("" for nothing)."""
    return "" if detail is None else bracketed(say(detail, lang), lang)


def period_name(kind: str, period: str, lang: Lang) -> str:
    """A report's period for people: a month (2026-11 / 2026年11月), or the service's days (a summary)."""
    if kind == "monthly":
        year, _, month = period.partition("-")
        return f"{year}年{int(month)}月" if lang == "zh" else period
    return day_range(period, lang)


def item_label(item: str, lang: Lang) -> str:
    """A line item named for the contract owner: vCPU, Performance storage / 云主机vCPU, 高性能存储."""
    return term(f"item.{item}", lang)


def item_name(item: str, lang: Lang) -> str:
    """A line item in running text: its id in English, its short Chinese name in Chinese."""
    return line_item_name(item, lang)


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
        quantity(finding.entitled, lang),
        quantity(finding.due, lang),
        supply(finding, lang),
        gap(finding, lang),
        status(finding, lang),
        value(finding, lang),
    ]


RANGE = "–"
"""Between the two bounds of a figure: 1200–1264."""


def _bounded(lower: Decimal | None, upper: Decimal | None, show: Callable[[Decimal], str]) -> str:
    if lower is None:
        return "-"
    if upper is None:
        return f"≥ {show(lower)}"
    return show(lower) if upper == lower else f"{show(lower)}{RANGE}{show(upper)}"


def supply(finding: Finding, lang: Lang = "en") -> str:
    """The supplied quantity, or its bounds where they differ: `1,216`, `1,200–1,264`, `≥ 1,200` (no upper bound)."""
    if finding.supplied is not None:
        return quantity(finding.supplied, lang)
    return _bounded(finding.supplied_lower, finding.supplied_upper, lambda v: formats.number(v, lang))


def gap(finding: Finding, lang: Lang = "en") -> str:
    """supplied - entitled, or its bounds: `-16`, `-32–+32`, `≥ -32`."""
    if finding.gap is not None or finding.supplied_lower is None or finding.status is Status.ENDED:
        return signed(finding.gap, lang)
    lower = finding.supplied_lower - finding.entitled
    upper = None if finding.supplied_upper is None else finding.supplied_upper - finding.entitled
    return _bounded(lower, upper, lambda v: formats.signed(v, lang))


def value(finding: Finding, lang: Lang = "en") -> str:
    """The gap's monthly value, or its bounds (rounded half up to the fen)."""
    if finding.gap_value_monthly is not None or finding.supplied_lower is None or finding.status is Status.ENDED:
        return money(finding.gap_value_monthly, lang)
    price = finding.unit_price
    lower = (finding.supplied_lower - finding.entitled) * price
    upper = None if finding.supplied_upper is None else (finding.supplied_upper - finding.entitled) * price
    return _bounded(lower, upper, lambda v: formats.signed_money(v, lang))


def status(finding: Finding, lang: Lang) -> str:
    """The status; an unknown one with what it may be: `unknown (met/over)`; attested supply says so:
    `met (attested)`."""
    shown = label(finding.status.value, lang)
    if finding.status is Status.UNKNOWN and finding.possible:
        shown += bracketed("/".join(label(s.value, lang) for s in finding.possible), lang)
    if attested(finding):
        shown += bracketed(label("attested", lang), lang)
    return shown


def attested(finding: Finding) -> bool:
    """Whether the line item's supply is attested: no source observes it and an attestation counts (an expired
    one no longer does: the line item is then unknown, not attested)."""
    provenance = finding.provenance
    return (
        provenance is not None
        and provenance.supplied_by == "attested"
        and any(ref.counted for ref in provenance.attestations)
    )


def basis_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """Each table entry the figures rest on, once, with what it states, its evidence and origin, how many
    resources it decided and for which line items."""
    return [say(m, lang) for m in basis_messages(result.findings)]


def basis_messages(findings: Iterable[Finding]) -> list[Message]:
    """The table entries the findings' figures rest on as messages (`basis_entry`), each entry once with its
    line items."""
    entries: dict[tuple[str, str, str], tuple[TableEntryRef, list[str]]] = {}
    for finding in findings:
        if finding.provenance is None:
            continue
        for entry in finding.provenance.table_entries:
            key = (entry.source, entry.table, entry.key)
            entries.setdefault(key, (entry, []))[1].append(finding.line_item.value)
    return [
        message(
            "basis_entry",
            source=entry.source,
            entry=f"{entry.table}[{entry.key}]",
            values=entry.values,
            evidence=entry.evidence or message("no_evidence"),
            origin=message("built_in") if entry.origin == "built-in" else plain_text(entry.origin),
            resources=entry.resources,
            line_items=items,
        )
        for entry, items in entries.values()
    ]


def attestation_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """Each attestation given to the check: what, by whom, on what evidence, valid until when, and its state."""
    units = {f.line_item: f.unit for f in result.findings}
    return [say(attestation_message(ref, units[ref.line_item].value), lang) for ref in result.attestations]


def attestation_message(ref: AttestationRef, unit_value: str) -> Message:
    """An attestation as the reports list it (`attestation_line`), with its state at the check's now: one that
    would count but for a source observing its line item says so."""
    state = ref.state.value
    if not ref.counted and ref.state in (AttestationState.VALID, AttestationState.EXPIRING):
        state = "observed"
    return message(
        "attestation_line",
        id=ref.id,
        line_item=ref.line_item,
        quantity=ref.quantity,
        unit=unit_value,
        attested_by=ref.attested_by,
        evidence=ref.evidence,
        attested_at=ref.attested_at,
        valid_until=ref.valid_until,
        state=message(f"attestation_state_{state}"),
    )


def summary_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """The monthly values with their labels: `Shortfall value per month: -224.32 CNY overdue; ...`."""
    return [f"{label(key, lang)}{colon(lang)}{shown}" for key, shown in summary_values(result, lang)]


def summary_values(result: Reconciliation, lang: Lang) -> list[tuple[str, str]]:
    """(label key, text) of the monthly values: the overdue shortfall (the headline, with how far the bounds let
    it go), what is pending beside it with its next deadline, and the surplus."""
    s = result.summary
    cny = label("cny", lang)
    shortfall = f"{money(s.shortfall_value_monthly, lang)} {cny}" + bracketed(label("shortfall_overdue", lang), lang)
    if s.shortfall_value_possible != s.shortfall_value_monthly:
        shortfall += bracketed(label("possibly", lang).format(value=money(s.shortfall_value_possible, lang)), lang)
    if s.pending_value_monthly or s.pending_value_possible:
        pending = money(s.pending_value_monthly, lang)
        if s.pending_value_possible != s.pending_value_monthly:
            pending += bracketed(label("possibly", lang).format(value=money(s.pending_value_possible, lang)), lang)
        shortfall += f"{semicolon(lang)}{label('pending_value', lang)} {pending} {cny}"
        if s.pending_due_at is not None:
            shortfall += f"{comma(lang)}{label('pending_until', lang)} {deadline(s.pending_due_at, lang)}"
    surplus = f"{money(s.surplus_value_monthly, lang)} {cny}"
    if s.surplus_value_possible is None:
        surplus += bracketed(label("possibly_unbounded", lang), lang)
    elif s.surplus_value_possible != s.surplus_value_monthly:
        surplus += bracketed(label("possibly_up", lang).format(value=money(s.surplus_value_possible, lang)), lang)
    return [("shortfall_value", shortfall), ("surplus_value", surplus)]


def verdict_line(result: Reconciliation, lang: Lang) -> str:
    key = "verdict_unknown" if result.verdict is Verdict.UNKNOWN else result.verdict.value
    exit_code = label("exit", lang).format(code=int(result.exit_code))
    shown = label(key, lang)
    if result.findings and all(f.status is Status.ENDED for f in result.findings):  # nothing was met: nothing is due
        shown = label("verdict_ended", lang).format(end=day(date.fromisoformat(result.contract.service_end), lang))
    return f"{label('verdict', lang)}{colon(lang)}{shown}{'' if lang == 'zh' else ' '}{exit_code}"


def notes(result: Reconciliation, lang: Lang) -> list[str]:
    """Everything a reader should know beside the table: reasons, set-aside resources, unknown input."""
    lines = []
    for f in result.findings:
        name = item_name(f.line_item.value, lang)
        if f.reason:
            dash = " —" if lang == "zh" else " -"
            lines.append(f"{name}{colon(lang)}{label(f.status.value, lang)}{dash} {say(f.reason, lang)}")
        if f.evidence is None:
            continue
        for uncertain in f.evidence.uncertain:
            lines.append(f"{name}{colon(lang)}{uncertain_note(uncertain, f.unit.value, lang)}")
        for group in [*f.evidence.nonconforming, *f.evidence.excluded]:
            reason = say(group.detail, lang)
            amount = f"{quantity(group.quantity, lang)} {unit(f.unit.value, lang)}"
            sample = ", ".join(group.ids[:3]) + (", ..." if group.count > 3 else "")
            if lang == "zh":
                line = f"{name}：{counted(group.count, 'not_counted', lang)}（{reason}），{amount}"
            else:
                line = f"{name}: {counted(group.count, 'not_counted', lang)} ({reason}), {amount}"
            lines.append(line + (f"{colon(lang)}{sample}" if group.ids else ""))
    for source in result.sources:
        for u in source.unrecognized:
            what = label("unrecognized." + u.what, lang).format(name=u.name, kind=u.kind)
            lines.append(
                f"{source.name}{colon(lang)}{label('unrecognized', lang)}{colon(lang)}{what}{comma(lang)}"
                f"{counted(u.count, 'resources', lang)}"
                + bracketed(f"{label('for_example', lang)} {', '.join(u.sample_ids)}", lang)
            )
    return lines


def uncertain_note(group: Uncertain, unit_value: str, lang: Lang) -> str:
    """Resources behind the difference of the bounds: `2 resource(s) may count: cpu_ghz not known, 12 vCPU: ids`."""
    quantity_text = (
        label("uncertain.unbounded", lang)
        if group.quantity is None
        else f"{quantity(group.quantity, lang)} {unit(unit_value, lang)}"
    )
    line = label("bounds_note", lang).format(
        count=group.count,
        counts=label("uncertain." + group.counts, lang),
        unknown=("、" if lang == "zh" else ", ").join(attribute_name(a, lang) for a in group.unknown),
        quantity=quantity_text,
    )
    sample = ", ".join(group.ids[:3]) + (", ..." if group.count > 3 else "")
    return line + (f"{colon(lang)}{sample}" if group.ids else "")


def expansion_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per expansion: id, line item, quantity, request, deadline, time left, state."""
    lines = []
    for e in result.expansions:
        c = comma(lang)
        line = (
            f"{e.id} {item_name(e.line_item.value, lang)} +{quantity(e.quantity, lang)}{colon(lang)}"
            f"{label('requested', lang)} {when(e.requested_at, lang)}{c}{label('due_by', lang)} "
            f"{deadline(e.due_at, lang)}{c}{label('left', lang)} {duration(e.remaining_seconds, lang)}{colon(lang)}"
            f"{label('expansion.' + e.state.value, lang)}"
        )
        if e.fulfilled_at is not None:
            line += bracketed(f"{label('fulfilled', lang)} {when(e.fulfilled_at, lang)}", lang)
        lines.append(line + "".join(f"{semicolon(lang)}{say(w, lang)}" for w in e.warnings))
    return lines


def exposure_lines(result: Reconciliation, lang: Lang) -> list[str]:
    """One line per exposure item: clause, event, amount = formula, and whether the total counts it."""
    lines = []
    for item in result.exposure.items:
        event = item_name(item.line_item.value, lang) + (f" {item.expansion}" if item.expansion else "")
        amount = f"{yuan(item.amount, lang)} {label('cny', lang)}"
        line = f"{clause(item.clause, lang)} {event}{colon(lang)}{amount} = {say(item.formula, lang)}"
        if item.days is not None:
            line += bracketed(delay_since(item.days, item.inputs["first_seen_short"], lang), lang)
        if item.termination_right:
            line += f"{semicolon(lang)}{label('termination_right', lang)}"
        if not item.applies:
            line += f"{semicolon(lang)}{label('cannot_apply', lang)}{colon(lang)}{say(item.reasons[0], lang)}"
        elif item.not_counted is not None:
            line += f"{semicolon(lang)}{label('not_counted', lang)}{colon(lang)}{say(item.not_counted, lang)}"
        lines.append(line)
    return lines


def clause(value: str, lang: Lang) -> str:
    """A clause of the contract: Art. 12.3 / 第12.3条."""
    return clause_name(value, lang)


def delay_since(days: int, first_seen_short: str | datetime, lang: Lang) -> str:
    """Art. 12.3's days of delay and the run they count from: "2 days since 2026-11-03 02:00"."""
    first = first_seen_short if isinstance(first_seen_short, datetime) else datetime.fromisoformat(first_seen_short)
    return f"{counted(days, 'delay_days', lang)} {when(first, lang)}"


def sentence(value: Message | None, lang: Lang) -> str:
    """A message in `lang` ("" for none)."""
    return "" if value is None else say(value, lang)


def exposure_total(result: Reconciliation, lang: Lang) -> str:
    total = f"{yuan(result.exposure.total, lang)} {label('cny', lang)}"
    return f"{label('exposure', lang)}{colon(lang)}{label('exposure_total', lang)} {total}"


def history_heading(result: Reconciliation, lang: Lang) -> str | None:
    """The run's place in the history, e.g. "Recorded as run #7; since run #6 at ...: 1 new, 0 resolved,
    2 changed"; None when the run was not recorded (--no-history)."""
    if result.run_id is None:
        return None
    recorded = label("run_recorded", lang).format(id=result.run_id)
    changes = result.changes
    if changes is None:
        return f"{recorded}{colon(lang)}{label('first_run', lang)}"
    since = label("since_run", lang).format(id=changes.previous_run_id, now=when(changes.previous_now, lang))
    if changes.empty:
        return f"{recorded}{semicolon(lang)}{since}{colon(lang)}{label('no_change', lang)}"
    counts = comma(lang).join(
        f"{len(items)} {label('change.' + kind, lang)}"
        for kind, items in (("new", changes.new), ("resolved", changes.resolved), ("changed", changes.changed))
    )
    return f"{recorded}{semicolon(lang)}{since}{colon(lang)}{counts}"


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
            line = f"{label('change.' + kind, lang)}{colon(lang)}{item_name(item.line_item, lang)} "
            line += f"{before} → {status}" if before != status else status
            figures = [
                f"{field_name(c.field, lang)} {_value(c.field, c.old, lang)} → {_value(c.field, c.new, lang)}"
                for c in item.fields
                if c.field not in _NOT_SHOWN
            ]
            lines.append(line + (bracketed(comma(lang).join(figures), lang) if figures else ""))
    return lines


_MONEY_FIELDS = frozenset({"gap_value_monthly", "unit_price"})


def _value(field: str, value: object, lang: Lang) -> str:
    """A changed figure: a decimal as people read it (money to the fen); a set-aside group (added or gone) as
    its count."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        count = value.get("count")
        return counted(count, "resources", lang) if isinstance(count, int) else "-"
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return formats.money(number, lang) if field in _MONEY_FIELDS else quantity(number, lang)
    return str(value)
