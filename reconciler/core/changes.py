"""What changed since the previous recorded run: line items newly not met, resolved, or changed while not met.

Called by `pipeline.check_sources` before it records the run; the result is the reconciliation's `changes`.
The only module that imports deepdiff. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from pydantic import JsonValue

from reconciler.base.money import plain
from reconciler.core.models import BOUND_FIGURES, Changes, FieldChange, Finding, ItemChange, Status
from reconciler.core.runs import PastRun, finding_record

NOT_MET: Final = frozenset({Status.SHORT, Status.OVER, Status.UNKNOWN, Status.PENDING})
"""Statuses that need attention; `met` and `not_observed` do not."""
_DECIMALS: Final = frozenset({"unit_price", "baseline", "entitled", "due", "supplied", "gap", "gap_value_monthly"})
_IDS: Final = frozenset({"contributing", "ids"})  # evidence ids never count as a change
_FIGURES: Final = frozenset({"status", "possible", "entitled", "due", "supplied", "gap", "gap_value_monthly"})
"""A line item is `changed` when one of these differs; its other differing fields are listed with them."""
_DERIVED: Final = frozenset(BOUND_FIGURES)
"""Figures that follow from the supply's bounds, due and entitled: compared through `supplied` (the bounds)."""


def changes_since(previous: PastRun | None, findings: Sequence[Finding]) -> Changes | None:
    """Compare the current findings with `previous` (the last recorded run); None when there is none."""
    if previous is None:
        return None
    return compare_records(previous, [finding_record(f) for f in findings])


def compare_records(previous: PastRun, current: Sequence[Mapping[str, Any]]) -> Changes:
    """The same comparison on findings already in their recorded form (`runs.finding_record`)."""
    new: list[ItemChange] = []
    resolved: list[ItemChange] = []
    changed: list[ItemChange] = []
    for record in current:
        item_id = str(record["line_item"])
        before = previous.findings.get(item_id)
        old = before if isinstance(before, Mapping) else None
        old_status = None if old is None else Status(old["status"])
        status = Status(record["status"])
        fields = _field_changes(old or {}, record)
        change = ItemChange(line_item=item_id, previous_status=old_status, status=status, fields=fields)
        if status in NOT_MET and old_status not in NOT_MET:
            new.append(change)
        elif old_status in NOT_MET and status is Status.MET:
            resolved.append(change)
        elif old is not None and status is not Status.MET and any(f.field in _FIGURES for f in fields):
            changed.append(change)
    return Changes(
        previous_run_id=previous.run_id,
        previous_now=previous.now,
        previous_observed_at=previous.observed_at,
        new=new,
        resolved=resolved,
        changed=changed,
    )


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    before, after = _comparable(old), _comparable(new)
    if before.get("evidence") is None or after.get("evidence") is None:
        # one side was not measured (unknown, not observed): its status and supply say it all; the other
        # side's whole evidence would only read as a nested blob
        before.pop("evidence", None)
        after.pop("evidence", None)
    if before == after:  # the common case, and a hundred times cheaper than a DeepDiff
        return []
    from deepdiff import DeepDiff  # imported when there is something to compare: it is slow to import

    diff = DeepDiff(before, after, view="tree")
    order = {key: index for index, key in enumerate(new)}
    changes = []
    for levels in diff.values():
        for level in levels:
            path = level.path(output_format="list")
            top = str(path[0]) if path else ""
            key = (top != "status", order.get(top, len(order)), _path_text(path))
            changes.append((key, FieldChange(field=_path_text(path), old=_json(level.t1), new=_json(level.t2))))
    return [change for _, change in sorted(changes, key=lambda pair: pair[0])]


def _comparable(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as compared: decimals as numbers (4.6480 equals 4.648), the supply as its value when exact
    and as [lower, upper] (upper null: unbounded) when its bounds differ, `possible` only where it says more
    than the status, set-aside groups keyed by rule and subject rather than position, and no evidence ids (a
    replaced VM is not a change; counts are kept)."""
    result = {
        key: _decimal(value) if key in _DECIMALS else value for key, value in record.items() if key not in _DERIVED
    }
    if "reason" in result:  # a sentence compares by its key and values: rewording it is not a change
        result["reason"] = _sentence(result["reason"])
    lower, upper = _decimal(record.get("supplied_lower")), _decimal(record.get("supplied_upper"))
    if record.get("supplied") is None and isinstance(lower, Decimal):
        result["supplied"] = bounds_text(lower, upper if isinstance(upper, Decimal) else None)
    provenance = result.pop("provenance", None)
    if isinstance(provenance, Mapping) and provenance.get("supplied_by") == "attested":
        result["supplied_by"] = "attested"  # the source's name and table entries are not figures
    possible = record.get("possible") or ()
    if len(possible) < 2:
        result.pop("possible", None)
    else:  # one value, as the reports show it: short/met/over
        result["possible"] = "/".join(str(status) for status in possible)
    evidence = result.get("evidence")
    if isinstance(evidence, Mapping):
        result["evidence"] = {
            name: _groups(value) if name in ("nonconforming", "excluded", "uncertain") else value
            for name, value in evidence.items()
            if name not in _IDS
        }
    return result


def _groups(groups: Any) -> Any:
    if not isinstance(groups, list):
        return groups
    return {
        _group_key(group): {
            k: _decimal(v) if k == "quantity" else v for k, v in group.items() if k not in _IDS and k != "detail"
        }
        for group in groups
        if isinstance(group, Mapping)
    }


def _sentence(value: Any) -> Any:
    """A recorded message without its English text (nested ones too): what it says, not how it is worded."""
    if isinstance(value, Mapping):
        return {k: _sentence(v) for k, v in value.items() if k != "text"}
    if isinstance(value, list):
        return [_sentence(v) for v in value]
    return value


def bounds_text(lower: Decimal, upper: Decimal | None) -> str:
    """Bounds that differ as one comparable value: `[1200, 1264]`, or `[1200, ∞)` without an upper bound."""
    return f"[{plain(lower)}, {plain(upper)}]" if upper is not None else f"[{plain(lower)}, ∞)"


def _group_key(group: Mapping[str, Any]) -> str:
    if "rule" in group:  # set aside
        return f"{group.get('rule')} {group.get('subject')}"
    return f"{group.get('counts')} {'+'.join(group.get('unknown') or ())}"  # uncertain


def _decimal(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def _json(value: Any) -> JsonValue:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return None  # deepdiff's marker of a side where the field is absent


def _path_text(path: Sequence[object]) -> str:
    text = ""
    for step in path:
        if isinstance(step, int) or (
            text.endswith(("nonconforming", "excluded", "uncertain")) and isinstance(step, str)
        ):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else str(step)
    return text
