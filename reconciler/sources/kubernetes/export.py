"""`kubectl get nodes,pv,svc -A -o json` exports read into a cluster inventory, for offline checks.

Called by the Kubernetes source for `--from-file` (repeatable). Accepts a `List` of mixed kinds, a typed
list (`NodeList`, `PersistentVolumeList`, `ServiceList`, as the API returns them) or a single object. The
objects go through the same mapping as the live lists; bad files raise InputError with file, field, reason.
A list is checked for what it claims: one that says more items follow (a page of a paginated list: a continue
token, a remainingItemCount) or that holds an object twice leaves its kinds incomplete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.base.errors import InputError, Problem, json_type_name
from reconciler.base.jsonio import load_json_object
from reconciler.base.messages import message
from reconciler.base.recognize import refuse_other_format
from reconciler.sources.base import Held
from reconciler.sources.kubernetes.mapping import KIND_OF_OBJECT, ClusterInventory, ObjectError, object_name

MAX_PROBLEMS = 20


def read_export(path: Path, inventory: ClusterInventory) -> None:
    """Add the file's objects to the inventory; a kind is `listed` when the file holds a typed list of it
    (even empty) or at least one object of it (see docs/sources.md, "coverage of exports")."""
    where = str(path)
    data = load_json_object(path, "a Kubernetes object or List from `kubectl get ... -o json`")
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        refuse_other_format(data, where, "kubectl", "kubernetes")
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
    _check_list(data, items, item_kind, where, inventory)
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


def _check_list(
    data: dict[str, Any], items: list[Any], item_kind: str | None, where: str, inventory: ClusterInventory
) -> None:
    """The kinds a list leaves incomplete: all of its kinds when its metadata says more items follow, a kind
    when an object of it is in the list twice."""
    named = [_kind_of(item, item_kind) for item in items] + [item_kind]
    kinds = {kind for kind in named if kind is not None and kind in KIND_OF_OBJECT}
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    more = [
        f"{key} {metadata[key]!r}"
        for key in ("continue", "remainingItemCount")
        if metadata.get(key) not in (None, "", 0)
    ]
    if more:
        reason = message("listing_partial", listing=message("listing_file", file=where), what=", ".join(more))
        for name in sorted(kinds):
            inventory.set_incomplete(KIND_OF_OBJECT[name], reason)
    seen: set[tuple[str, str]] = set()
    twice: dict[str, Held] = {}
    for item in items:
        of = _kind_of(item, item_kind)
        if of is None or of not in KIND_OF_OBJECT:
            continue
        try:
            key = (of, object_name(item))
        except ObjectError:
            continue  # reported by the mapping
        if key in seen:
            twice.setdefault(of, Held()).add(f"{of}/{key[1]}")
        seen.add(key)
    for of, held in sorted(twice.items()):
        reason = message("listing_twice", listing=message("listing_file", file=where), sample=held.sample_text())
        inventory.set_incomplete(KIND_OF_OBJECT[of], reason)


def _kind_of(item: Any, item_kind: str | None) -> str | None:
    kind = item.get("kind") if isinstance(item, dict) else None
    return kind if isinstance(kind, str) and kind else item_kind
