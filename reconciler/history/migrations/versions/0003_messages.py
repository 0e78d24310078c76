"""Sentences as data: the warnings and reasons recorded as English text become messages {key, values, text}.

Applied by Alembic from `reconciler.history.store`. Runs recorded before output format 2 kept each warning, each
finding's reason and each set-aside group's detail as English text. This migration reads that text ONCE, here,
against the version-1 templates frozen below (a copy: they must not follow later wording), and stores the key
and the values it finds, in their JSON form, beside the original text; text that matches no template is kept
as a plain-text message (key "text"). A set-aside group's detail is rebuilt from its rule, subject and limit,
which were recorded beside it. Nothing else in the program reads message text. The runs' format_version
becomes 2. Downgrade writes the English text back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_runs = sa.table(
    "runs",
    sa.column("id", sa.Integer()),
    sa.column("format_version", sa.Integer()),
    sa.column("findings", sa.JSON()),
    sa.column("warnings", sa.JSON()),
)


def _text(text: str) -> dict[str, Any]:
    return {"key": "text", "values": {"text": text}, "text": text}


def _int(value: str) -> int:
    return int(value)


def _ids(value: str) -> list[str]:
    return value.split(", ")


def _failures(value: str) -> list[dict[str, Any]]:
    return [_text(value)]


_V1: list[tuple[str, str, dict[str, Callable[[str], Any]]]] = [
    # (key, the version-1 English template, converters of the values that are not kept as strings)
    ("service_not_started", "the service period starts on {start}: nothing is due yet, shortfalls show as pending", {}),
    (
        "service_ended",
        "the service period ended on {end}: nothing is entitled any more (the 2-month switch-over of Art. 14.3 is "
        "not modelled)",
        {},
    ),
    (
        "repeated_ids",
        "{count} resource(s) of {line_item} are listed more than once in the observation and were counted each "
        "time (e.g. {sample}): check the export",
        {"count": _int, "sample": _ids},
    ),
    (
        "observed_after_now",
        "the observation was made at {observed_at}, after this check's now ({now}): it describes a later moment",
        {},
    ),
    (
        "stale_observation",
        "the observation was made at {observed_at}, {hours} hours before this check's now: supply may have "
        "changed since",
        {"hours": _int},
    ),
    ("source_failed", "a source failed while observing {kind}: {failures}", {"failures": _failures}),
    ("not_observed", "no chosen source observes resources of kind {kind}", {}),
    ("pending_expansions", "short only of expansions still inside their deadline", {}),
    ("pending_not_started", "the service period has not started", {}),
]
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    parts, last = [], 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


_PATTERNS = [(key, _pattern(template), converters) for key, template, converters in _V1]


def _message(text: Any) -> Any:
    """A version-1 sentence as a message; anything already a message (or not text) is left as it is."""
    if not isinstance(text, str):
        return text
    for key, pattern, converters in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is not None:
            values = {name: converters.get(name, str)(value) for name, value in found.groupdict().items()}
            return {"key": key, "values": values, "text": text}
    return _text(text)


def _detail(group: dict[str, Any]) -> dict[str, Any]:
    rule, subject, limit, text = group.get("rule"), group.get("subject"), group.get("limit"), group.get("detail")
    if not isinstance(text, str):
        return group
    if rule == "arch":
        detail = {"key": "set_aside_arch", "values": {"arch": subject, "required": limit}, "text": text}
    elif rule == "min_cpu_ghz":
        detail = {"key": "set_aside_clock", "values": {"ghz": subject, "minimum": limit}, "text": text}
    elif rule == "state":
        detail = {"key": "set_aside_state", "values": {"state": subject}, "text": text}
    else:
        detail = _text(text)
    return {**group, "detail": detail}


def _finding(record: Any) -> Any:
    if not isinstance(record, dict):
        return record
    result = dict(record)
    if result.get("reason") is not None:
        result["reason"] = _message(result["reason"])
    evidence = result.get("evidence")
    if isinstance(evidence, dict):
        result["evidence"] = {
            **evidence,
            **{
                group: [_detail(g) if isinstance(g, dict) else g for g in evidence.get(group) or []]
                for group in ("nonconforming", "excluded")
                if group in evidence
            },
        }
    return result


def _english(value: Any) -> Any:
    return value.get("text") if isinstance(value, dict) and "key" in value else value


def _finding_back(record: Any) -> Any:
    if not isinstance(record, dict):
        return record
    result = dict(record)
    if result.get("reason") is not None:
        result["reason"] = _english(result["reason"])
    evidence = result.get("evidence")
    if isinstance(evidence, dict):
        result["evidence"] = {
            **evidence,
            **{
                group: [{**g, "detail": _english(g.get("detail"))} for g in evidence.get(group) or []]
                for group in ("nonconforming", "excluded")
                if group in evidence
            },
        }
    return result


def _rewrite(version: int, warning: Callable[[Any], Any], finding: Callable[[Any], Any]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_runs.c.id, _runs.c.findings, _runs.c.warnings)).all()
    for row in rows:
        bind.execute(
            _runs.update()
            .where(_runs.c.id == row.id)
            .values(
                format_version=version,
                warnings=[warning(w) for w in row.warnings or []],
                findings=[finding(f) for f in row.findings or []],
            )
        )


def upgrade() -> None:
    _rewrite(2, _message, _finding)


def downgrade() -> None:
    _rewrite(1, _english, _finding_back)
