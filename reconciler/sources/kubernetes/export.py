"""`kubectl get nodes,pv,svc -A -o json` exports read into a cluster inventory, for offline checks.

Called by the Kubernetes source for `--from-file` (repeatable). Accepts a `List` of mixed kinds, a typed
list (`NodeList`, `PersistentVolumeList`, `ServiceList`, as the API returns them) or a single object. The
objects go through the same mapping as the live lists; bad files raise InputError with file, field, reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.base.errors import InputError, Problem, json_type_name
from reconciler.base.jsonio import load_json_object
from reconciler.sources.kubernetes.mapping import KIND_OF_OBJECT, ClusterInventory, ObjectError

MAX_PROBLEMS = 20


def read_export(path: Path, inventory: ClusterInventory) -> None:
    """Add the file's objects to the inventory; a kind is `listed` when the file holds a typed list of it
    (even empty) or at least one object of it (see docs/sources.md, "coverage of exports")."""
    where = str(path)
    data = load_json_object(path, "a Kubernetes object or List from `kubectl get ... -o json`")
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise InputError.single(where, "kind", "required field is missing (is this `kubectl get -o json` output?)")
    if not kind.endswith("List"):
        _add(inventory, data, None, "", where, [])
        return
    items = data.get("items")
    if not isinstance(items, list):
        raise InputError.single(where, "items", "expected a list of objects")
    item_kind = kind.removesuffix("List") or None
    if item_kind in KIND_OF_OBJECT:
        inventory.listed(item_kind)
    problems: list[Problem] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(f"items[{index}]", f"expected an object, found {json_type_name(item)}"))
        else:
            _add(inventory, item, item_kind, f"items[{index}]", where, problems)
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem("", f"stopped after {MAX_PROBLEMS} problems"))
            break
    if problems:
        raise InputError(where, problems)


def _add(
    inventory: ClusterInventory,
    obj: dict[str, Any],
    list_kind: str | None,
    at: str,
    where: str,
    problems: list[Problem],
) -> None:
    kind = obj.get("kind") or list_kind
    if isinstance(kind, str) and kind in KIND_OF_OBJECT:
        inventory.listed(kind)
    try:
        inventory.add(obj, list_kind)
    except ObjectError as exc:
        name = obj.get("metadata", {}).get("name") if isinstance(obj.get("metadata"), dict) else None
        label = f"({kind}/{name})" if isinstance(name, str) else ""
        problem = Problem(f"{at}{label}{exc.path}" if at else f"{label}{exc.path}".lstrip("."), exc.reason)
        if not at:
            raise InputError(where, [problem]) from exc
        problems.append(problem)
