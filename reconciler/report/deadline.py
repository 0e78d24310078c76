"""Render a computed period (`reconciler deadline`) as text (English or Chinese) or JSON.

Called by the CLI. The JSON carries the inputs (event, length, rule, calendar files) and the result; its
sentences (the period, the extension reason, warnings) are messages {key, values, text}.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reconciler.base.messages import message, say, to_json
from reconciler.dates.periods import Deadline, Rule
from reconciler.report import text
from reconciler.report.labels import Lang, label

DEADLINE_SCHEMA_ID = "contract-reconciler/deadline"

_RULE = {Rule.CIVIL_CODE: "rule_civil_code", Rule.CALENDAR_DAYS: "rule_calendar_days"}


def deadline_json(deadline: Deadline, calendar_files: Sequence[str] = ()) -> str:
    document: dict[str, Any] = {
        "schema": DEADLINE_SCHEMA_ID,
        "version": 2,
        "from": deadline.start.isoformat(),
        "days": deadline.days,
        "months": deadline.months,
        "working": deadline.working,
        "rule": deadline.rule.value,
        "calendars": list(calendar_files),
        "length": to_json(deadline.length),
        "first_day": deadline.first_day.isoformat(),
        "nominal_last_day": deadline.nominal_last_day.isoformat(),
        "last_day": deadline.last_day.isoformat(),
        "due_at": deadline.due_at.isoformat(),
        "extended": deadline.extended,
        "extension_reason": None if deadline.extension_reason is None else to_json(deadline.extension_reason),
        "warnings": [to_json(w) for w in deadline.warnings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def deadline_text(deadline: Deadline, lang: Lang = "en") -> str:
    """e.g. `due 2026-11-26 24:00 (Thursday): 7 natural days after 2026-11-19 10:30, counted from 2026-11-20,
    Civil Code rule (Art. 201-203)`."""
    weekday = label(f"weekday.{deadline.last_day.weekday()}", lang)
    lines = [
        label("deadline_line", lang).format(
            due=text.deadline(deadline.due_at, lang),
            weekday=weekday,
            length=say(deadline.length, lang),
            start=text.when(deadline.start, lang),
            first=text.day(deadline.first_day, lang),
            rule=say(message(_RULE[deadline.rule]), lang),
        )
    ]
    if deadline.extension_reason is not None:
        lines.append(f"{label('cal_extended', lang)}: {say(deadline.extension_reason, lang)}")
    lines.extend(f"{label('warning', lang)}: {say(warning, lang)}" for warning in deadline.warnings)
    return "\n".join(lines) + "\n"
