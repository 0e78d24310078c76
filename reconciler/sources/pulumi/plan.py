"""A stack after a planned change: the resources of a `pulumi stack export` with the steps of `pulumi preview
--json` applied.

Called by the `pulumi` source when its setting `plan` names a preview. A preview lists a step per resource:
`same` keeps the exported resource; a create (or the new copy of a replacement, an import) brings its planned
inputs; an update brings its planned inputs over the exported outputs, which keep the values the program does
not set; a delete (or a discard) removes it (marked "delete": the stack still declares its kind, now with
nothing). Planned resources are marked (mapping.PLANNED): the values the
preview does not know (the unknown sentinel, or absent because the provider computes them) are unknown until
apply, never guessed. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from reconciler.base.errors import InputError, Problem, json_type_name
from reconciler.sources.pulumi.mapping import PLANNED

PREVIEW_DOCUMENT: Final = "`pulumi preview --json` output (a JSON object with `steps`)"

KEEP: Final = frozenset({"same", "read", "refresh", "delete-replaced", "discard-replaced", "remove-pending-replace"})
"""Steps that leave the exported resource as it is (a replacement's old copy goes with its new one)."""
CREATE: Final = frozenset({"create", "create-replacement", "replace", "import", "import-replacement"})
UPDATE: Final = frozenset({"update"})
REMOVE: Final = frozenset({"delete", "discard"})
OPS: Final = KEEP | CREATE | UPDATE | REMOVE


@dataclass(frozen=True)
class PlannedStep:
    """One step that changes the stack: its operation, resource name and type token."""

    op: str
    urn: str
    type: str

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _steps(preview: Any, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(preview, dict):
        raise InputError.single(where, "", f"expected {PREVIEW_DOCUMENT}, found {json_type_name(preview)}")
    steps = preview.get("steps")
    if not isinstance(steps, list):
        raise InputError.single(where, "steps", "required field is missing (is this `pulumi preview --json`?)")
    problems = []
    for index, step in enumerate(steps):
        at = f"steps[{index}]"
        if not isinstance(step, dict):
            problems.append(Problem(at, f"expected an object, found {json_type_name(step)}"))
        elif not isinstance(step.get("op"), str) or step["op"] not in OPS:
            problems.append(Problem(f"{at}.op", f"unknown operation {step.get('op')!r}"))
        elif not isinstance(step.get("urn"), str):
            problems.append(Problem(f"{at}.urn", "required field is missing"))
        elif step["op"] in CREATE | UPDATE and not isinstance(step.get("newState"), dict):
            problems.append(Problem(f"{at}.newState", "required field is missing"))
        elif (
            step["op"] in CREATE | UPDATE
            and step["newState"].get("custom")
            and not isinstance(step["newState"].get("inputs"), dict)
        ):
            problems.append(Problem(f"{at}.newState.inputs", "required field is missing"))
    if problems:
        raise InputError(where, problems)
    return steps


def apply_preview(resources: list[Any], preview: Any, where: str) -> tuple[list[Any], list[PlannedStep]]:
    """The exported `resources` with the preview's steps applied, in the export's order (new ones last, by URN), and the
    steps that change something. Bad previews are InputErrors naming `where`, the step and the reason."""
    by_urn: dict[str, Any] = {}
    for resource in resources:
        urn = resource.get("urn") if isinstance(resource, dict) else None
        by_urn[urn if isinstance(urn, str) else f"#{len(by_urn)}"] = resource
    order = set(by_urn)
    changes: list[PlannedStep] = []
    for step in _steps(preview, where):
        op, urn = step["op"], step["urn"]
        if op in KEEP:
            continue
        new_state, old_state = _object(step.get("newState")), _object(step.get("oldState"))
        rtype = next((t for t in (new_state.get("type"), old_state.get("type")) if isinstance(t, str) and t), "")
        changes.append(PlannedStep(op, urn, rtype))
        if op in REMOVE:
            # kept, marked: the kinds it held are still the stack's (all of them deleted is a shortfall)
            by_urn[urn] = {**old_state, "urn": urn, "type": rtype, PLANNED: "delete"}
        elif op in CREATE:
            by_urn[urn] = {**new_state, "urn": urn, "type": rtype, PLANNED: "create"}
        else:
            exported = by_urn.get(urn)
            old: dict[str, Any] = exported if isinstance(exported, dict) else {}
            inputs = _object(new_state.get("inputs"))
            outputs = {k: v for k, v in _object(old.get("outputs")).items() if k not in inputs}
            by_urn[urn] = {**old, **new_state, "urn": urn, "type": rtype, "outputs": outputs, PLANNED: "update"}
    exported = [urn for urn in by_urn if urn in order]
    created = sorted(urn for urn in by_urn if urn not in order)  # the preview lists steps as they complete
    return [by_urn[urn] for urn in (*exported, *created)], changes
