"""Render the contract calendar (`reconciler calendar`) as text, Markdown or JSON.

Called by the CLI with the list from `obligations.obligations`; wording in English or Chinese via `labels`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reconciler.contract.obligations import Obligation
from reconciler.report import text
from reconciler.report.labels import Lang, label
from reconciler.report.wording import say

CALENDAR_SCHEMA_ID = "contract-reconciler/calendar"

_PERIOD_ZH = (
    (re.compile(r"^(\d+) working days? \(before\)$"), r"提前 \1 个工作日"),
    (re.compile(r"^(\d+) working days?$"), r"\1 个工作日"),
    (re.compile(r"^(\d+) natural days?$"), r"\1 日"),
    (re.compile(r"^(\d+) months?$"), r"\1 个月"),
)


def calendar_json(items: Sequence[Obligation], now: datetime, soon_days: int, calendar_files: Sequence[str]) -> str:
    document: dict[str, Any] = {
        "schema": CALENDAR_SCHEMA_ID,
        "version": 1,
        "now": now.isoformat(),
        "soon_days": soon_days,
        "calendars": list(calendar_files),
        "obligations": [_item_json(o) for o in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _item_json(o: Obligation) -> dict[str, Any]:
    return {
        "id": o.id,
        "clause": o.clause,
        "description_zh": o.description_zh,
        "description_en": o.description_en,
        "state": o.state.value,
        "date": None if o.day is None else o.day.isoformat(),
        "due_at": None if o.due_at is None else o.due_at.isoformat(),
        "rule": o.method.value,
        "period": o.period,
        "anchor_zh": o.anchor_zh,
        "anchor_en": o.anchor_en,
        "anchor_date": None if o.anchor_day is None else o.anchor_day.isoformat(),
        "conditional": o.conditional,
        "condition_zh": o.condition_zh,
        "condition_en": o.condition_en,
        "extended": o.extended,
        "extension_reason": o.extension_reason,
        "warnings": list(o.warnings),
        "notes": list(o.notes),
    }


def calendar_text(items: Sequence[Obligation], title: str, now: datetime, soon_days: int, lang: Lang = "en") -> str:
    lines = [*_header(title, now, soon_days, lang), ""]
    for o in items:
        day = o.day.isoformat() if o.day is not None else label("cal_no_date", lang)
        flag = f" [{label('cal_conditional', lang)}]" if o.conditional else ""
        lines.append(f"{day:<10}  {label(o.state.value, lang):<10}  {o.clause:<6}  {_description(o, lang)}{flag}")
        indent = " " * 32
        lines.append(
            f"{indent}{label('cal_rule', lang)}: {_rule(o, lang)}; {label('cal_anchor', lang)}: {_anchor(o, lang)}"
        )
        if o.due_at is not None:
            lines.append(f"{indent}{label('cal_due_at', lang)}: {o.due_at.isoformat()}")
        if o.conditional:
            lines.append(f"{indent}{label('cal_condition', lang)}: {_condition(o, lang)}")
        if o.extension_reason is not None:
            lines.append(f"{indent}{label('cal_extended', lang)}: {say(o.extension_reason, lang)}")
        lines.extend(f"{indent}- {say(note, lang)}" for note in o.notes)
    lines += _warnings(items, lang, bullet=f"{label('warning', lang)}: ")
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
        day = f"`{o.day.isoformat()}`" if o.day is not None else label("cal_no_date", lang)
        flag = f" *({label('cal_conditional', lang)})*" if o.conditional else ""
        cells = [
            day,
            label(o.state.value, lang),
            o.clause,
            _description(o, lang) + flag,
            _rule(o, lang),
            _anchor(o, lang),
        ]
        lines.append(text.table_row(cells))
    details = [o for o in items if o.conditional or o.extension_reason or o.notes]
    if details:
        lines += ["", f"**{label('cal_notes', lang)}**", ""]
        for o in details:
            parts = []
            if o.conditional:
                parts.append(f"{label('cal_condition', lang)}: {_condition(o, lang)}")
            if o.extension_reason is not None:
                parts.append(f"{label('cal_extended', lang)}: {say(o.extension_reason, lang)}")
            parts.extend(say(note, lang) for note in o.notes)
            stop, gap = ("。", "") if lang == "zh" else (".", " ")
            lines.append(f"- `{o.id}`: " + gap.join(p if p.endswith((".", "。")) else p + stop for p in parts))
    warnings = _warnings(items, lang, bullet="- ")
    if warnings:
        lines += ["", f"**{label('warnings', lang)}**", *warnings]
    return "\n".join(lines) + "\n"


def _header(title: str, now: datetime, soon_days: int, lang: Lang) -> list[str]:
    return [
        f"{label('cal_title', lang)}: {title}",
        f"{label('now', lang)}: {now.isoformat()}; {label('cal_soon', lang).format(days=soon_days)}",
    ]


def _warnings(items: Sequence[Obligation], lang: Lang, bullet: str) -> list[str]:
    seen: dict[str, list[str]] = {}
    for o in items:
        for warning in o.warnings:
            seen.setdefault(warning, []).append(o.id)
    if not seen:
        return []
    return ["", *(f"{bullet}{say(w, lang)} ({', '.join(ids)})" for w, ids in seen.items())]


def _description(o: Obligation, lang: Lang) -> str:
    return o.description_zh if lang == "zh" else o.description_en


def _anchor(o: Obligation, lang: Lang) -> str:
    return o.anchor_zh if lang == "zh" else o.anchor_en


def _condition(o: Obligation, lang: Lang) -> str:
    return (o.condition_zh if lang == "zh" else o.condition_en) or ""


def _rule(o: Obligation, lang: Lang) -> str:
    method = label(o.method.value, lang)
    if o.period is None:
        return method
    period = o.period
    if lang == "zh":
        for pattern, replacement in _PERIOD_ZH:
            period = pattern.sub(replacement, period)
    return f"{period}, {method}" if lang == "en" else f"{period}，{method}"
