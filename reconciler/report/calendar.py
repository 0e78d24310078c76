"""Render the contract calendar (`reconciler calendar`) as text, Markdown or JSON.

Called by the CLI with the list from `obligations.obligations`; every sentence is a message rendered in English
or Chinese (`base.messages.say`), and text columns are aligned by display width (a Chinese character takes two
terminal columns, `report.console.cell_width`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reconciler.base.messages import Message, say, to_json
from reconciler.contract.obligations import Obligation
from reconciler.dates.clock import in_contract_tz
from reconciler.report import text
from reconciler.report.console import cell_width, pad, wrapped
from reconciler.report.labels import Lang, label

CALENDAR_SCHEMA_ID = "contract-reconciler/calendar"


def calendar_json(items: Sequence[Obligation], now: datetime, soon_days: int, calendar_files: Sequence[str]) -> str:
    document: dict[str, Any] = {
        "schema": CALENDAR_SCHEMA_ID,
        "version": 2,
        "now": now.isoformat(),
        "soon_days": soon_days,
        "calendars": list(calendar_files),
        "obligations": [_item_json(o) for o in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _message_json(value: Message | None) -> dict[str, Any] | None:
    return None if value is None else to_json(value)


def _item_json(o: Obligation) -> dict[str, Any]:
    return {
        "id": o.id,
        "clause": o.clause,
        "description": to_json(o.description),
        "state": o.state.value,
        "date": None if o.day is None else o.day.isoformat(),
        "due_at": None if o.due_at is None else o.due_at.isoformat(),
        "rule": o.method.value,
        "period": _message_json(o.period),
        "anchor": to_json(o.anchor),
        "anchor_date": None if o.anchor_day is None else o.anchor_day.isoformat(),
        "conditional": o.conditional,
        "condition": _message_json(o.condition),
        "extended": o.extended,
        "extension_reason": _message_json(o.extension_reason),
        "warnings": [to_json(w) for w in o.warnings],
        "notes": [to_json(n) for n in o.notes],
    }


def calendar_text(
    items: Sequence[Obligation], title: str, now: datetime, soon_days: int, lang: Lang = "en", width: int | None = None
) -> str:
    """The calendar for a terminal of `width` columns: a row per obligation (date, state, clause, what is due),
    its details under it; long text wraps under its own column (not at all when `width` is None)."""
    lines = [*_header(title, now, soon_days, lang), ""]
    days = [text.day(o.day, lang) if o.day is not None else label("cal_no_date", lang) for o in items]
    states = [label(o.state.value, lang) for o in items]
    widths = [max((cell_width(v) for v in column), default=0) for column in (days, states, [o.clause for o in items])]
    indent = " " * (sum(widths) + 2 * len(widths))
    for o, day, state in zip(items, days, states, strict=True):
        flag = f" [{label('cal_conditional', lang)}]" if o.conditional else ""
        cells = "  ".join((pad(day, widths[0]), pad(state, widths[1]), pad(o.clause, widths[2]))) + "  "
        details = [f"{label('cal_rule', lang)}: {_rule(o, lang)}; {label('cal_anchor', lang)}: {_anchor(o, lang)}"]
        if o.due_at is not None:
            details.append(f"{label('cal_due_at', lang)}: {due_at(o, lang)}")
        if o.condition is not None:
            details.append(f"{label('cal_condition', lang)}: {say(o.condition, lang)}")
        if o.extension_reason is not None:
            details.append(f"{label('cal_extended', lang)}: {say(o.extension_reason, lang)}")
        lines += wrapped(say(o.description, lang) + flag, width, cells, indent)
        for detail in details:
            lines += wrapped(detail, width, indent, indent + "  ")
        for note in o.notes:
            lines += wrapped(say(note, lang), width, indent + "- ", indent + "  ")
    for warning in _warnings(items, lang, bullet=f"{label('warning', lang)}: "):
        lines += wrapped(warning, width, "", "  ") if warning else [""]
    return "\n".join(lines) + "\n"


def calendar_markdown(items: Sequence[Obligation], title: str, now: datetime, soon_days: int, lang: Lang = "en") -> str:
    header = _header(title, now, soon_days, lang)
    columns = ("cal_date", "cal_state", "cal_clause", "cal_obligation", "cal_rule", "cal_anchor")
    lines = [
        f"## {header[0]}",
        "",
        f"- {header[1]}",
        "",
        text.table_row([label(key, lang) for key in columns]),
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for o in items:
        day = text.day(o.day, lang) if o.day is not None else label("cal_no_date", lang)
        flag = f" *({label('cal_conditional', lang)})*" if o.conditional else ""
        cells = [
            day,
            label(o.state.value, lang),
            o.clause,
            say(o.description, lang) + flag,
            _rule(o, lang),
            _anchor(o, lang),
        ]
        lines.append(text.table_row(cells))
    details = [o for o in items if o.condition or o.extension_reason or o.notes]
    if details:
        lines += ["", f"**{label('cal_notes', lang)}**", ""]
        for o in details:
            parts = []
            if o.condition is not None:
                parts.append(f"{label('cal_condition', lang)}: {say(o.condition, lang)}")
            if o.extension_reason is not None:
                parts.append(f"{label('cal_extended', lang)}: {say(o.extension_reason, lang)}")
            parts.extend(say(note, lang) for note in o.notes)
            stop, gap = ("。", "") if lang == "zh" else (".", " ")
            sentences = gap.join(p if p.endswith((".", "。")) else p + stop for p in parts)
            lines.append(f"- {_reference(o, lang)}: {sentences}")
    warnings = _warnings(items, lang, bullet="- ")
    if warnings:
        lines += ["", f"**{label('warnings', lang)}**", *warnings]
    return "\n".join(lines) + "\n"


def due_at(o: Obligation, lang: Lang) -> str:
    """When an obligation falls due: a deadline's day at 24:00, or an event's instant (the service start)."""
    if o.due_at is None:
        return "-"
    if o.day is not None and in_contract_tz(o.due_at).date() == o.day:
        return text.when(o.due_at, lang)
    return text.deadline(o.due_at, lang)


def _header(title: str, now: datetime, soon_days: int, lang: Lang) -> list[str]:
    soon_key = "cal_soon_one" if soon_days == 1 else "cal_soon"
    return [
        f"{label('cal_title', lang)}: {title}",
        f"{label('now', lang)}: {text.when(now, lang)}; {label(soon_key, lang).format(days=soon_days)}",
    ]


def _warnings(items: Sequence[Obligation], lang: Lang, bullet: str) -> list[str]:
    """Each warning once, with what it concerns: the obligations' ids in English, their clauses in Chinese."""
    seen: dict[Message, list[str]] = {}
    for o in items:
        for warning in o.warnings:
            refs = seen.setdefault(warning, [])
            ref = o.id if lang == "en" else text.clause(o.clause, lang)
            if ref not in refs:
                refs.append(ref)
    if not seen:
        return []
    if lang == "zh":
        return ["", *(f"{bullet}{say(w, lang)}（{'、'.join(refs)}）" for w, refs in seen.items())]
    return ["", *(f"{bullet}{say(w, lang)} ({', '.join(refs)})" for w, refs in seen.items())]


def _reference(o: Obligation, lang: Lang) -> str:
    """Which obligation a note is about: its id in English, its clause and date in Chinese."""
    if lang == "en":
        return f"`{o.id}`"
    when = text.day(o.day, lang) if o.day is not None else label("cal_no_date", lang)
    return f"{text.clause(o.clause, lang)}（{when}）"


def _anchor(o: Obligation, lang: Lang) -> str:
    return say(o.anchor, lang)


def _rule(o: Obligation, lang: Lang) -> str:
    method = label(o.method.value, lang)
    if o.period is None:
        return method
    period = say(o.period, lang)
    return f"{period}, {method}" if lang == "en" else f"{period}，{method}"
