"""The tables file to fill in for a Kingsoft account: every instance family, instance state and volume type the
pages hold, with counts and sample ids, what the API reports of each family, and the fields still to fill.

Called by the ksyun source's `scaffold` (`reconciler tables init --source ksyun`) with pages already read and
checked (live or from an export). Pure. No API reports a family's CPU clock or architecture: those are left
blank (null) for the operator, beside what the API does report (family names, vCPU and memory per instance
type from DescribeInstanceTypeConfigs / DescribeInstanceFamilys). States and volume types are filled from the
built-in defaults where one applies (with that as their evidence), else blank. Entries of an earlier tables
file are carried over as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

from reconciler.sources.base import HELD_SAMPLES, dotted_get
from reconciler.sources.ksyun.mapping import (
    API_BY_ACTION,
    OPENED,
    REMOTE_ACCESS_APIS,
    TRADE_INSTANCES,
    Pages,
    int_or_none,
    items_of,
)
from reconciler.sources.ksyun.tables import (
    BUILT_IN_EVIDENCE,
    DEFAULT_INSTANCE_STATES,
    FAMILIES,
    FORMAT,
    INSTANCE_STATES,
    REMOTE_ACCESS,
    REMOTE_ACCESS_LISTINGS,
    VOLUME_TIERS,
    WAF_PRODUCT_GROUPS,
    CountsEntry,
    KsyunTablesFile,
    Tables,
    family_of,
)

INSTRUCTIONS: Final = (
    "Fill every null: a family's cpu_ghz (its CPU clock in GHz) and arch (x86_64 or aarch64), a state's meaning, "
    "a volume type's tier, whether a listing's items are the contract's remote-access accounts, whether a trade "
    "product group's instances are WAF instances (counts: true or false); write in `evidence` where each comes "
    "from (a document, a ticket, an lscpu output). `observed` and `reported` are for reference and are not read. "
    "Then run: reconciler tables check FILE"
)
WAF_WORDS: Final = ("waf", "防火墙")
"""A product group none of whose instances' type names holds one of these is scaffolded as not WAF (to review)."""
VOLUME_ACTIONS: Final = (("DescribeVolumes", "VolumeId", "Size", "VolumeType"),)
LOCAL_VOLUME_ACTIONS: Final = (("DescribeLocalVolumes", "LocalVolumeId", "LocalVolumeSize", "LocalVolumeType"),)


class _Seen:
    """Resources seen under one key: how many, a few ids, and sums worth showing."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.count = 0
        self.sums: dict[str, Decimal] = defaultdict(Decimal)
        self.types: dict[str, int] = defaultdict(int)

    def add(self, rid: str, **sums: Decimal) -> None:
        self.count += 1
        if len(self.ids) < HELD_SAMPLES:
            self.ids.append(rid)
        for name, value in sums.items():
            self.sums[name] += value


def _items(pages: Pages, action: str) -> Iterator[Mapping[str, Any]]:
    api = API_BY_ACTION[action]
    for _region, body in pages.pages.get(action, []):
        try:
            yield from items_of(api, body)
        except ValueError:  # malformed: the check of the same pages has reported it
            continue


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None and not isinstance(value, bool) else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def scaffold(
    pages: Pages, tables: Tables, previous: KsyunTablesFile | None, scaffolded: dict[str, Any]
) -> dict[str, Any]:
    """The tables document for what `pages` hold; `previous` (the tables file in use) is carried over."""
    families: dict[str, _Seen] = defaultdict(_Seen)
    states: dict[str, _Seen] = defaultdict(_Seen)
    volume_types: dict[str, _Seen] = defaultdict(_Seen)
    seen_ids: set[tuple[str, str]] = set()
    for item in _items(pages, "DescribeInstances"):
        rid, instance_type = str(item.get("InstanceId")), str(item.get("InstanceType"))
        if ("vm", rid) in seen_ids:
            continue
        seen_ids.add(("vm", rid))
        family = families[family_of(instance_type)]
        family.add(
            rid,
            vcpu=_number(dotted_get(item, "InstanceConfigure.VCPU")),
            memory_gb=_number(dotted_get(item, "InstanceConfigure.MemoryGb")),
        )
        family.types[instance_type] += 1
        states[str(dotted_get(item, "InstanceState.Name"))].add(rid)
    for action, id_key, size_key, type_key in (*VOLUME_ACTIONS, *LOCAL_VOLUME_ACTIONS):
        for item in _items(pages, action):
            rid = str(item.get(id_key))
            if ("volume", rid) in seen_ids:
                continue
            seen_ids.add(("volume", rid))
            volume_types[str(item.get(type_key))].add(rid, size_gb=_number(item.get(size_key)))
    reported = _reported(pages)
    given = previous or KsyunTablesFile()
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "source": "ksyun",
        "scaffolded": {**scaffolded, "instructions": INSTRUCTIONS},
        FAMILIES: {},
        INSTANCE_STATES: {},
        VOLUME_TIERS: {},
    }
    for key in sorted(set(families) | set(given.families)):
        entry = given.families.get(key)
        filled = entry.model_dump(exclude={"observed", "reported"}) if entry else {}
        seen = families.get(key) or _Seen()
        document[FAMILIES][key] = {
            "cpu_ghz": filled.get("cpu_ghz"),
            "arch": filled.get("arch") if entry is not None else None,
            "evidence": filled.get("evidence"),
            "observed": {
                "instances": seen.count,
                "vcpu": int(seen.sums["vcpu"]),
                "memory_gb": seen.sums["memory_gb"],
                "instance_types": dict(sorted(seen.types.items())),
                "sample_ids": seen.ids,
            },
            **({"reported": reported[key]} if key in reported else {}),
        }
    for key in sorted(set(states) | set(given.instance_states)):
        document[INSTANCE_STATES][key] = _state_entry(key, given, states.get(key) or _Seen())
    for key in sorted(set(volume_types) | set(given.volume_tiers)):
        document[VOLUME_TIERS][key] = _tier_entry(key, given, tables, volume_types.get(key) or _Seen())
    document[REMOTE_ACCESS] = _remote_access(pages, given)
    document[WAF_PRODUCT_GROUPS] = _waf_groups(pages, given)
    return document


def _carried(entry: CountsEntry | None) -> dict[str, Any]:
    return {} if entry is None else {"counts": entry.counts, "evidence": entry.evidence}


def _remote_access(pages: Pages, given: KsyunTablesFile) -> dict[str, Any]:
    """Each listing that may stand for remote-access accounts, what it holds, and whether it counts (to decide)."""
    table: dict[str, Any] = {}
    for key in REMOTE_ACCESS_LISTINGS:
        api = REMOTE_ACCESS_APIS[key]
        seen = _Seen()
        for item in _items(pages, api.action):
            seen.add(str(item.get(api.id_key)))
        if api.action in pages.failed:
            observed: dict[str, Any] = {"not_listed": pages.failed[api.action]}
        elif api.action not in pages.pages:
            observed = {"not_listed": f"the observation holds no {api.action}"}
        else:
            observed = {"items": seen.count, "sample_ids": seen.ids}
        entry = {"counts": None, "evidence": None, **_carried(given.remote_access.get(key))}
        table[key] = {**entry, "observed": {"listing": f"{api.service} {api.action}", **observed}}
    return table


def _waf_groups(pages: Pages, given: KsyunTablesFile) -> dict[str, Any]:
    """Each trade product group the account's opened instances belong to, with their type names; a group whose
    names say nothing of WAF is scaffolded as not counting (with that as the evidence), others to decide."""
    groups: dict[str, _Seen] = defaultdict(_Seen)
    names: dict[str, set[str]] = defaultdict(set)
    for item in _items(pages, TRADE_INSTANCES.action):
        group = item.get("productGroup")
        if group is None or int_or_none(item.get("status")) != OPENED:
            continue
        groups[str(group)].add(str(item.get("instanceId")))
        for field in ("productTypeName", "instanceTypeName"):
            if isinstance(item.get(field), str) and item[field]:
                names[str(group)].add(item[field])
    table: dict[str, Any] = {}
    for key in sorted(set(groups) | set(given.waf_product_groups), key=int):
        seen = groups.get(key) or _Seen()
        shown = sorted(names.get(key, ()))
        entry: dict[str, Any] = {"counts": None, "evidence": None}
        if shown and not any(word in name.lower() for name in shown for word in WAF_WORDS):
            entry = {"counts": False, "evidence": f"its instances' product types name no WAF: {', '.join(shown)}"}
        entry.update(_carried(given.waf_product_groups.get(key)))
        table[key] = {**entry, "observed": {"instances": seen.count, "product_types": shown, "sample_ids": seen.ids}}
    return table


def _state_entry(key: str, given: KsyunTablesFile, seen: _Seen) -> dict[str, Any]:
    observed = {"instances": seen.count, "sample_ids": seen.ids}
    entry = given.instance_states.get(key)
    if isinstance(entry, str):
        return {"state": entry, "evidence": None, "observed": observed}
    if entry is not None:
        return {"state": entry.state, "evidence": entry.evidence, "observed": observed}
    default = DEFAULT_INSTANCE_STATES.get(key)
    evidence = f"{BUILT_IN_EVIDENCE}: built-in default" if default is not None else None
    return {"state": default, "evidence": evidence, "observed": observed}


def _tier_entry(key: str, given: KsyunTablesFile, tables: Tables, seen: _Seen) -> dict[str, Any]:
    observed = {"volumes": seen.count, "size_gb": seen.sums["size_gb"], "sample_ids": seen.ids}
    entry = given.volume_tiers.get(key)
    if isinstance(entry, str):
        return {"tier": entry, "evidence": None, "observed": observed}
    if entry is not None:
        return {"tier": entry.tier, "evidence": entry.evidence, "observed": observed}
    decided = tables.tier_entry(key)
    if decided is None:
        return {"tier": None, "evidence": None, "observed": observed}
    pattern, tier = decided
    basis = tables.basis_of(VOLUME_TIERS, pattern)
    evidence = basis.evidence if basis.origin != "built-in" else f"{BUILT_IN_EVIDENCE}: built-in default {pattern}"
    return {"tier": tier, "evidence": evidence, "observed": observed}


def _reported(pages: Pages) -> dict[str, dict[str, Any]]:
    """Per family, what DescribeInstanceTypeConfigs and DescribeInstanceFamilys report (names, vCPU and memory per
    instance type). Nothing of it is a clock or an architecture."""
    reported: dict[str, dict[str, Any]] = {}
    for item in _items(pages, "DescribeInstanceFamilys"):
        key = item.get("InstanceFamily") or item.get("InstanceFamilyName")
        if isinstance(key, str) and key:
            entry = reported.setdefault(key, {"by": "kec DescribeInstanceFamilys, DescribeInstanceTypeConfigs"})
            if isinstance(item.get("InstanceFamilyName"), str):
                entry["family_name"] = item["InstanceFamilyName"]
    for item in _items(pages, "DescribeInstanceTypeConfigs"):
        instance_type = item.get("InstanceType")
        if not isinstance(instance_type, str) or not instance_type:
            continue
        family = item.get("InstanceFamily")
        key = family if isinstance(family, str) and family else family_of(instance_type)
        entry = reported.setdefault(key, {"by": "kec DescribeInstanceFamilys, DescribeInstanceTypeConfigs"})
        if isinstance(item.get("InstanceFamilyName"), str):
            entry.setdefault("family_name", item["InstanceFamilyName"])
        shown = {name: item[name] for name in ("CPU", "Memory") if isinstance(item.get(name), int | str)}
        entry.setdefault("instance_types", {})[instance_type] = shown
    for entry in reported.values():
        if "instance_types" in entry:
            entry["instance_types"] = dict(sorted(entry["instance_types"].items()))
    return reported
