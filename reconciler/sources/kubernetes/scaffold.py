"""The tables file to fill in for a Kubernetes cluster: every instance type (`node.kubernetes.io/instance-type`)
and storage class the objects hold, with counts and sample names, what the nodes report (architecture label,
capacity), and the fields still to fill.

Called by the Kubernetes source's `scaffold` (`reconciler tables init --source kubernetes`): `ScaffoldInventory`
is fed the same objects as a check (live lists or exports) and `scaffold` writes the document. No I/O. Nodes do
not report a CPU clock: `cpu_ghz` is left blank (null) for the operator. A storage class the naming rule decides
is filled with that rule as its evidence, others are blank. Entries of an earlier tables file are carried over.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from reconciler.base.money import plain
from reconciler.sources.base import HELD_SAMPLES, dotted_get
from reconciler.sources.kubernetes.mapping import (
    ARCH_LABELS,
    INSTANCE_TYPE_LABELS,
    ClusterInventory,
    object_name,
)
from reconciler.sources.kubernetes.quantity import QuantityError, bytes_to_gib, parse_quantity
from reconciler.sources.kubernetes.tables import (
    CATCH_ALL,
    INSTANCE_TYPES,
    NAMING_RULE,
    STORAGE_CLASSES,
    KubernetesTables,
    default_tier_of_class,
)

INSTRUCTIONS: Final = (
    "Fill every null: an instance type's cpu_ghz (its CPU clock in GHz; nodes do not report it), a storage class's "
    "tier (standard, performance, or ignore); write in `evidence` where each figure comes from (a document, a "
    "ticket, an lscpu output on a node). `observed` and `reported` are for reference and are not read. Then run: "
    "reconciler tables check FILE"
)
UNLABELLED: Final = CATCH_ALL
"""Nodes without an instance-type label can only be stated through the catch-all entry."""


class _Seen:
    def __init__(self) -> None:
        self.count = 0
        self.names: list[str] = []
        self.values: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.size = Decimal(0)

    def add(self, name: str, **values: str) -> None:
        self.count += 1
        if len(self.names) < HELD_SAMPLES:
            self.names.append(name)
        for field, value in values.items():
            self.values[field][value] += 1

    def merge(self, other: _Seen) -> None:
        self.count += other.count
        self.names += other.names[: max(0, HELD_SAMPLES - len(self.names))]
        for field, counts in other.values.items():
            for value, count in counts.items():
                self.values[field][value] += count
        self.size += other.size

    def shown(self) -> dict[str, Any]:
        return {field: dict(sorted(counts.items())) for field, counts in sorted(self.values.items())}


class ScaffoldInventory(ClusterInventory):
    """A cluster inventory that also remembers, per instance type and storage class, what the objects show."""

    def __init__(self, tables: KubernetesTables, lb_id_annotation: str | None) -> None:
        super().__init__(tables, lb_id_annotation)
        self.types: dict[str, _Seen] = defaultdict(_Seen)
        self.classes: dict[str, _Seen] = defaultdict(_Seen)
        self.classless = _Seen()
        self._keys: set[tuple[str, str]] = set()

    def add(self, obj: Mapping[str, Any], kind: str | None = None) -> None:
        super().add(obj, kind)  # validates the object (ObjectError) as a check would
        kind = obj.get("kind") or kind
        if kind not in ("Node", "PersistentVolume"):
            return
        name = object_name(obj)
        if (kind, name) in self._keys:
            return
        self._keys.add((kind, name))
        labels = dotted_get(obj, "metadata.labels") or {}
        if kind == "Node":
            label = next((labels[k] for k in INSTANCE_TYPE_LABELS if isinstance(labels.get(k), str)), None)
            arch = next((labels[k] for k in ARCH_LABELS if isinstance(labels.get(k), str)), None)
            capacity = dotted_get(obj, "status.capacity") or {}
            self.types[label or UNLABELLED].add(
                name,
                arch=str(arch or dotted_get(obj, "status.nodeInfo.architecture")),
                cpu=str(capacity.get("cpu")),
                memory_gib=_gib(capacity.get("memory")),
            )
        else:
            storage_class = dotted_get(obj, "spec.storageClassName")
            seen = self.classes[storage_class] if isinstance(storage_class, str) and storage_class else self.classless
            seen.add(name)
            with contextlib.suppress(QuantityError):
                seen.size += bytes_to_gib(parse_quantity(dotted_get(obj, "spec.capacity.storage")))


def _gib(value: Any) -> str:
    try:
        return plain(bytes_to_gib(parse_quantity(value)).quantize(Decimal("0.01")))
    except QuantityError:
        return str(value)


def scaffold(
    inventory: ScaffoldInventory, previous: Mapping[str, Any] | None, scaffolded: dict[str, Any]
) -> dict[str, Any]:
    """The tables document for what the inventory holds; `previous` (the tables file in use) is carried over."""
    given = previous or {}
    old_types: Mapping[str, Any] = given.get(INSTANCE_TYPES) or {}
    old_classes: Mapping[str, Any] = given.get(STORAGE_CLASSES) or {}
    notes = dict(scaffolded)
    if inventory.classless.count:
        notes["without_storage_class"] = {
            "volumes": inventory.classless.count,
            "sample_names": inventory.classless.names,
            "note": "no table can state their tier: they stay unknown (set spec.storageClassName)",
        }
    document: dict[str, Any] = {
        "format": "contract-reconciler/tables",
        "version": 1,
        "source": "kubernetes",
        "scaffolded": {**notes, "instructions": INSTRUCTIONS},
        INSTANCE_TYPES: {},
        STORAGE_CLASSES: {},
    }
    seen_by_key: dict[str, _Seen] = {}
    for label, seen in inventory.types.items():  # a type an entry already states (its family, `*`) goes there
        match = inventory.tables.instance_type(None if label == UNLABELLED else label)
        key = match[0] if match is not None and match[1].cpu_ghz is not None else label
        seen_by_key.setdefault(key, _Seen()).merge(seen)
    for key in sorted(set(seen_by_key) | set(old_types)):
        given_entry = old_types.get(key)
        old: Mapping[str, Any] = given_entry if isinstance(given_entry, dict) else {}
        seen = seen_by_key.get(key) or _Seen()
        entry: dict[str, Any] = {"cpu_ghz": old.get("cpu_ghz"), "evidence": old.get("evidence")}
        if old.get("memory_gib") is not None:
            entry["memory_gib"] = old["memory_gib"]
        entry["observed"] = {"nodes": seen.count, "sample_names": seen.names}
        entry["reported"] = {"by": "node labels (kubernetes.io/arch) and status.capacity", **seen.shown()}
        document[INSTANCE_TYPES][key] = entry
    for key in sorted(set(inventory.classes) | set(old_classes)):
        old_class = old_classes.get(key)
        seen = inventory.classes.get(key) or _Seen()
        observed = {"volumes": seen.count, "size_gib": seen.size, "sample_names": seen.names}
        if isinstance(old_class, dict):
            tier, evidence = old_class.get("tier"), old_class.get("evidence")
        elif isinstance(old_class, str):
            tier, evidence = old_class, None
        else:
            tier = default_tier_of_class(key)
            evidence = NAMING_RULE if tier is not None else None
        document[STORAGE_CLASSES][key] = {"tier": tier, "evidence": evidence, "observed": observed}
    if isinstance(given.get("memory_sizes_gib"), list):
        document["memory_sizes_gib"] = given["memory_sizes_gib"]
    return document
