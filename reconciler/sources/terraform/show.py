"""The managed resources of `terraform show -json`, in the shape the ksyun mapping reads.

Called by the terraform source. Of a saved plan (`terraform show -json PLANFILE`): each resource as it will
be once the plan is applied, from `resource_changes` (`after`, with `after_unknown`): a delete (or a
`forget`) leaves nothing but its kind, a create or a replacement brings the new object, an update its new
values, a no-op keeps them. Values unknown until apply become the unknown sentinel and the resource is
marked planned, so the mapping never guesses them. Of a state (`terraform show -json`): `values.root_module`
and its child modules. Resource types of the ksyun provider take the bridged provider's token
(ksyun_bws_associate -> ksyun:index/bwsAssociate:BwsAssociate); attribute names stay Terraform's (the
mapping reads both spellings). No I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Final

from reconciler.base.errors import InputError, Problem, json_type_name
from reconciler.base.recognize import refuse_other_format
from reconciler.sources.pulumi.mapping import PLANNED, UNKNOWN

SHOW_DOCUMENT: Final = "`terraform show -json` output of a saved plan or of a state (a JSON object)"
PROVIDER_PREFIX: Final = "ksyun_"

REMOVED: Final = (("delete",), ("forget",))
CREATED: Final = (("create",), ("delete", "create"), ("create", "delete"))
UPDATED: Final = (("update",),)
KEPT: Final = (("no-op",), ("read",))


def token(resource_type: str) -> str:
    """The bridged provider's type token of a ksyun resource type; other providers' types stay as they are."""
    if not resource_type.startswith(PROVIDER_PREFIX):
        return resource_type
    head, *rest = resource_type.removeprefix(PROVIDER_PREFIX).split("_")
    camel = head + "".join(part[:1].upper() + part[1:] for part in rest)
    return f"ksyun:index/{camel}:{camel[:1].upper()}{camel[1:]}"


def _unknown_anywhere(marks: Any) -> bool:
    if isinstance(marks, dict):
        return any(_unknown_anywhere(value) for value in marks.values())
    if isinstance(marks, list):
        return any(_unknown_anywhere(value) for value in marks)
    return marks is True


def _resource(address: str, resource_type: str, values: Mapping[str, Any], planned: str | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "urn": address,
        "type": token(resource_type),
        "custom": True,
        "id": values.get("id"),
        "outputs": dict(values),
    }
    return resource | ({PLANNED: planned} if planned else {})


def _modules(module: Any, where: str, at: str) -> Iterator[tuple[str, Any]]:
    """(path, resource) of a module and its child modules, depth first."""
    if not isinstance(module, dict):
        raise InputError.single(where, at, f"expected an object, found {json_type_name(module)}")
    resources = module.get("resources", [])
    if not isinstance(resources, list):
        raise InputError.single(where, f"{at}.resources", "expected a list")
    for index, resource in enumerate(resources):
        yield f"{at}.resources[{index}]", resource
    children = module.get("child_modules", [])
    if not isinstance(children, list):
        raise InputError.single(where, f"{at}.child_modules", "expected a list")
    for index, child in enumerate(children):
        yield from _modules(child, where, f"{at}.child_modules[{index}]")


def _state_resources(values: Any, where: str, problems: list[Problem]) -> list[dict[str, Any]]:
    if not isinstance(values, dict):
        raise InputError.single(where, "values", f"expected an object, found {json_type_name(values)}")
    found = []
    for at, resource in _modules(values.get("root_module", {}), where, "values.root_module"):
        if not isinstance(resource, dict):
            problems.append(Problem(at, f"expected an object, found {json_type_name(resource)}"))
        elif resource.get("mode", "managed") != "managed":
            continue
        elif not all(isinstance(resource.get(k), str) for k in ("address", "type")):
            problems.append(Problem(at, "address and type are required"))
        elif not isinstance(resource.get("values"), dict):
            problems.append(Problem(f"{at}.values", "required field is missing"))
        else:
            found.append(_resource(resource["address"], resource["type"], resource["values"], None))
    return found


def _planned_resources(changes: Any, where: str, problems: list[Problem]) -> list[dict[str, Any]]:
    if not isinstance(changes, list):
        raise InputError.single(where, "resource_changes", "expected a list")
    found = []
    for index, change in enumerate(changes):
        at = f"resource_changes[{index}]"
        if not isinstance(change, dict):
            problems.append(Problem(at, f"expected an object, found {json_type_name(change)}"))
            continue
        if change.get("mode", "managed") != "managed":
            continue
        body = change.get("change")
        address, resource_type = change.get("address"), change.get("type")
        if not isinstance(address, str) or not isinstance(resource_type, str):
            problems.append(Problem(at, "address and type are required"))
            continue
        if not isinstance(body, dict) or not isinstance(body.get("actions"), list):
            problems.append(Problem(f"{at}({address}).change.actions", "required field is missing"))
            continue
        actions = tuple(body["actions"])
        if actions in REMOVED:
            # its kind stays the configuration's: removing all of a kind is a shortfall (see mapping.PLANNED)
            found.append(_resource(address, resource_type, {}, "delete"))
            continue
        if actions not in CREATED + UPDATED + KEPT:
            problems.append(Problem(f"{at}({address}).change.actions", f"unknown actions {list(actions)}"))
            continue
        after = body.get("after")
        if not isinstance(after, dict):
            problems.append(Problem(f"{at}({address}).change.after", "expected an object"))
            continue
        marks = body.get("after_unknown") or {}
        values = dict(after) | {
            key: UNKNOWN for key, mark in (marks.items() if isinstance(marks, dict) else ()) if _unknown_anywhere(mark)
        }
        planned = "create" if actions in CREATED else "update" if actions in UPDATED else None
        found.append(_resource(address, resource_type, values, planned))
    return found


def show_resources(document: Any, where: str, prior: bool = False) -> tuple[list[dict[str, Any]], bool]:
    """The managed resources of a decoded `terraform show -json` document, and whether it is a plan; with
    `prior`, a plan's prior state (the resources before the change; none for a first plan)."""
    if not isinstance(document, dict):
        raise InputError.single(where, "", f"expected {SHOW_DOCUMENT}, found {json_type_name(document)}")
    version = document.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != "1":
        refuse_other_format(document, where, "terraform", "terraform")
        raise InputError.single(where, "format_version", f"expected a 1.x format version, found {version!r}")
    problems: list[Problem] = []
    is_plan = "resource_changes" in document or "planned_values" in document
    if is_plan and prior:
        state = document.get("prior_state") or {}
        values = state.get("values") if isinstance(state, dict) else None
        resources = _state_resources(values, where, problems) if values is not None else []
    elif is_plan:
        resources = _planned_resources(document.get("resource_changes", []), where, problems)
    elif "values" in document:
        resources = _state_resources(document["values"], where, problems)
    else:
        resources = []  # `terraform show -json` of an empty state
    if problems:
        raise InputError(where, problems)
    return resources, is_plan


def plan_time(document: Any) -> datetime | None:
    """When a plan was made (`timestamp`, RFC 3339); None for a state or a plan without one."""
    text = document.get("timestamp") if isinstance(document, dict) else None
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
