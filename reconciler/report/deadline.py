"""Render a computed period (`reconciler deadline`) as text or JSON.

Called by the CLI. The JSON carries the inputs (event, length, rule, calendar files) and the result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reconciler.dates.periods import Deadline, Rule

DEADLINE_SCHEMA_ID = "contract-reconciler/deadline"

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RULE_TEXT = {
    Rule.CIVIL_CODE: "Civil Code rule (Art. 201-203)",
    Rule.CALENDAR_DAYS: "calendar-days rule (no rest-day extension)",
}


def deadline_json(deadline: Deadline, calendar_files: Sequence[str] = ()) -> str:
    document: dict[str, Any] = {
        "schema": DEADLINE_SCHEMA_ID,
        "version": 1,
        "from": deadline.start.isoformat(),
        "days": deadline.days,
        "months": deadline.months,
        "working": deadline.working,
        "rule": deadline.rule.value,
        "calendars": list(calendar_files),
        "first_day": deadline.first_day.isoformat(),
        "nominal_last_day": deadline.nominal_last_day.isoformat(),
        "last_day": deadline.last_day.isoformat(),
        "due_at": deadline.due_at.isoformat(),
        "extended": deadline.extended,
        "extension_reason": deadline.extension_reason,
        "warnings": list(deadline.warnings),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def deadline_text(deadline: Deadline) -> str:
    last = deadline.last_day
    lines = [
        f"due {deadline.due_at.isoformat()} (end of {_WEEKDAYS[last.weekday()]} {last.isoformat()}): "
        f"{deadline.length} after {deadline.start.isoformat()}, counted from {deadline.first_day.isoformat()}, "
        f"{_RULE_TEXT[deadline.rule]}"
    ]
    if deadline.extension_reason is not None:
        lines.append(f"extended: {deadline.extension_reason}")
    lines.extend(f"warning: {warning}" for warning in deadline.warnings)
    return "\n".join(lines) + "\n"
