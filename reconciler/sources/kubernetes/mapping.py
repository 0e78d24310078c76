"""Kubernetes objects (Nodes, PersistentVolumes, Services) as the reconciler's resources, and the health of
what was listed: one mapping for the live API and for `kubectl get -o json` exports.

Called by the Kubernetes source (live lists) and its export reader (files), both with the raw JSON objects
the API server returns. No I/O. Every rule is described in docs/sources.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from reconciler.base.messages import Message, combined, message
from reconciler.core.observation import (
    Arch,
    LoadBalancer,
    Resource,
    ResourceKind,
    SourceReport,
    Unrecognized,
    Vm,
    Volume,
    kind_of,
)
from reconciler.sources.base import EntryUses, Held, describe_groups, dotted_get
from reconciler.sources.kubernetes.quantity import QuantityError, bytes_to_gib, parse_quantity
from reconciler.sources.kubernetes.tables import INSTANCE_TYPES, MEMORY_SIZES, STORAGE_CLASSES, KubernetesTables

KIND_OF_OBJECT: Final[dict[str, ResourceKind]] = {
    "Node": "vm",
    "PersistentVolume": "volume",
    "Service": "load_balancer",
}
"""Which Kubernetes kind observes which resource kind (Services: only those of type LoadBalancer count)."""
PLURAL: Final[dict[str, str]] = {"Node": "nodes", "PersistentVolume": "persistentvolumes", "Service": "services"}
KINDS: Final[tuple[ResourceKind, ...]] = tuple(KIND_OF_OBJECT.values())

ARCH: Final[dict[str, Arch]] = {"amd64": "x86_64", "arm64": "aarch64"}
ARCH_LABELS: Final = ("kubernetes.io/arch", "beta.kubernetes.io/arch")
INSTANCE_TYPE_LABELS: Final = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
REGION_LABELS: Final = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")
DEFAULT_LB_ID_ANNOTATION: Final = "service.beta.kubernetes.io/ksc-loadbalancer-id"


class ObjectError(ValueError):
    """An object that is not what the Kubernetes API returns: `path` within the object, and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _mapping(obj: Mapping[str, Any], path: str) -> dict[str, Any]:
    value = dotted_get(obj, path)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ObjectError(f".{path}", "expected an object")
    return value


def _required(obj: Mapping[str, Any], path: str) -> Any:
    value = dotted_get(obj, path)
    if value is None:
        raise ObjectError(f".{path}", "required field is missing")
    return value


MAX_QUANTITY: Final = Decimal("1e24")
"""Bytes or cores beyond this are garbage (the normalized model stops at 10^15 GB)."""


def _quantity(obj: Mapping[str, Any], path: str) -> Decimal:
    try:
        value = parse_quantity(_required(obj, path))
    except QuantityError as exc:
        raise ObjectError(f".{path}", str(exc)) from exc
    if value < 0:
        raise ObjectError(f".{path}", "must not be negative")
    if value > MAX_QUANTITY:
        raise ObjectError(f".{path}", "larger than any real capacity (over 10^24)")
    return value


def _label(labels: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = labels.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def object_name(obj: Mapping[str, Any]) -> str:
    """`namespace/name` or `name`, as kubectl names the object (for paths in messages)."""
    name = dotted_get(obj, "metadata.name")
    namespace = dotted_get(obj, "metadata.namespace")
    if not isinstance(name, str) or not name:
        raise ObjectError(".metadata.name", "required field is missing")
    return f"{namespace}/{name}" if isinstance(namespace, str) and namespace else name


def instance_id(provider_id: str) -> str | None:
    """The cloud instance id in a node's `spec.providerID` (`<provider>://<path>`): its last path segment."""
    scheme, sep, rest = provider_id.partition("://")
    if not sep or not scheme:
        return None
    segments = [s for s in rest.split("/") if s]
    return segments[-1] if segments else None


def round_up_memory(capacity_gib: Decimal, sizes: tuple[Decimal, ...]) -> Decimal:
    """The smallest standard size at least the reported memory; past the largest, the next whole GiB."""
    for size in sizes:
        if size >= capacity_gib:
            return size
    return capacity_gib.to_integral_value(rounding="ROUND_CEILING")


class ClusterInventory:
    """The resources of one cluster's objects, with what was listed, what failed and what was set aside.

    Feed it objects with `add` (an ObjectError means a malformed object: the caller decides whether that is
    bad input or a failed list), mark each listed kind with `listed`, then read `resources` and `report`.
    """

    def __init__(self, tables: KubernetesTables, lb_id_annotation: str | None = DEFAULT_LB_ID_ANNOTATION) -> None:
        self.tables = tables
        self.lb_id_annotation = lb_id_annotation
        self._resources: dict[tuple[str, str], Resource] = {}
        self._objects: set[tuple[str, str]] = set()
        self.listed_kinds: set[str] = set()
        self.failed: dict[ResourceKind, list[Message]] = {}
        self.incomplete: dict[ResourceKind, list[Message]] = {}
        self._unknown_clock: dict[str, Held] = defaultdict(Held)
        self._unclassed: dict[str, Held] = defaultdict(Held)
        self._other_arch: dict[str, Held] = defaultdict(Held)
        self._other_kinds: dict[str, Held] = defaultdict(Held)
        self._ignored_classes: dict[str, Held] = defaultdict(Held)
        self._pending_lbs = Held()
        self._memory_rule: dict[str, int] = defaultdict(int)
        self.object_count = 0
        self.uses = EntryUses()
        """The table entries that decided attributes of the resources (their provenance)."""

    # -- feeding ------------------------------------------------------------------------------------------

    def listed(self, kind: str) -> None:
        """A whole list of this Kubernetes kind (Node, PersistentVolume, Service) was read."""
        self.listed_kinds.add(kind)

    def fail(self, kind: ResourceKind, reason: Message) -> None:
        self.failed.setdefault(kind, []).append(reason)

    def set_incomplete(self, kind: ResourceKind, reason: Message) -> None:
        """The list of this kind may be incomplete: its objects count, more may exist."""
        self.incomplete.setdefault(kind, []).append(reason)

    def add(self, obj: Mapping[str, Any], kind: str | None = None) -> None:
        """Map one object; `kind` is the list's item kind when the object does not carry one (API lists)."""
        kind = obj.get("kind") or kind
        if not isinstance(kind, str) or not kind:
            raise ObjectError(".kind", "required field is missing")
        if kind not in KIND_OF_OBJECT:
            self._other_kinds[kind].add(_name_or_unnamed(obj))
            return
        name = object_name(obj)
        key = (kind, name)
        if key in self._objects:  # the same object in two export files counts once
            return
        self._objects.add(key)
        self.object_count += 1
        resource = {"Node": self._node, "PersistentVolume": self._volume, "Service": self._service}[kind](obj, name)
        if resource is not None:
            key = (kind_of(resource), resource.id)
            if key not in self._resources:
                self._resources[key] = resource
                self.uses.commit(key[0], resource.id)

    def _node(self, obj: Mapping[str, Any], name: str) -> Vm | None:
        labels = _mapping(obj, "metadata.labels")
        cores = _quantity(obj, "status.capacity.cpu")
        if cores != cores.to_integral_value() or cores == 0:
            raise ObjectError(".status.capacity.cpu", f"expected a whole number of CPUs, found {cores}")
        memory_gib = bytes_to_gib(_quantity(obj, "status.capacity.memory"))
        raw_arch = _label(labels, ARCH_LABELS) or dotted_get(obj, "status.nodeInfo.architecture")
        if not isinstance(raw_arch, str) or not raw_arch:
            raise ObjectError(".metadata.labels", "no kubernetes.io/arch label and no status.nodeInfo.architecture")
        arch = ARCH.get(raw_arch)
        if arch is None:
            self._other_arch[raw_arch].add(name)
            return None
        instance_type = _label(labels, INSTANCE_TYPE_LABELS)
        entry = self.tables.instance_type(instance_type)
        ghz = None if entry is None else entry[1].cpu_ghz
        if ghz is None:  # Kubernetes does not report clocks: vCPU may count (bounds); memory does not need it
            self._unknown_clock[instance_type or "(no instance-type label)"].add(name)
        provider_id = dotted_get(obj, "spec.providerID")
        cloud_id = instance_id(provider_id) if isinstance(provider_id, str) else None
        rid = cloud_id or f"node/{name}"
        stated: list[tuple[str, str]] = [] if ghz is None else [("cpu_ghz", str(ghz))]
        if (
            entry is not None
            and entry[1].memory_gib is not None
            and entry[0] == instance_type
            and (memory_gib <= entry[1].memory_gib)
        ):
            memory, rule = entry[1].memory_gib, "k8s_memory_from_table"
            stated.append(("memory_gb", str(memory)))
        else:
            memory, rule = round_up_memory(memory_gib, self.tables.memory_sizes_gib), "k8s_memory_rounded"
            self.uses.add(MEMORY_SIZES, str(memory), "vm", (("memory_gb", str(memory)),), rid)
        if entry is not None and stated:
            self.uses.add(INSTANCE_TYPES, entry[0], "vm", tuple(stated), rid)
        self._memory_rule[rule] += 1
        return Vm(
            id=rid,
            name=name,
            region=_label(labels, REGION_LABELS),
            vcpu=int(cores),
            memory_gb=memory,
            cpu_ghz=ghz,
            arch=arch,
            state="running" if _ready(obj) else "stopped",
            instance_type=instance_type,
        )

    def _volume(self, obj: Mapping[str, Any], name: str) -> Volume | None:
        size = bytes_to_gib(_quantity(obj, "spec.capacity.storage"))
        storage_class = dotted_get(obj, "spec.storageClassName") or ""
        if not isinstance(storage_class, str):
            raise ObjectError(".spec.storageClassName", "expected a string")
        tier = self.tables.tier_of_class(storage_class) if storage_class else None
        handle = dotted_get(obj, "spec.csi.volumeHandle")
        rid = handle if isinstance(handle, str) and handle else f"pv/{name}"
        if tier is None:  # counted with an unknown tier: it may be either (bounds)
            self._unclassed[storage_class or "(no storage class)"].add(name)
        elif tier == "ignore":
            self._ignored_classes[storage_class].add(name)
            self.uses.add(STORAGE_CLASSES, storage_class, "volume", (("tier", tier),), rid)
            self.uses.commit("volume", rid)  # not a resource: the entry set it aside
            return None
        else:
            self.uses.add(STORAGE_CLASSES, storage_class, "volume", (("tier", tier),), rid)
        labels = _mapping(obj, "metadata.labels")
        return Volume(
            id=rid,
            name=name,
            region=_label(labels, REGION_LABELS),
            size_gb=size,
            tier=tier,
        )

    def _service(self, obj: Mapping[str, Any], name: str) -> LoadBalancer | None:
        if dotted_get(obj, "spec.type") != "LoadBalancer":
            return None
        ingress = dotted_get(obj, "status.loadBalancer.ingress")
        if not isinstance(ingress, list) or not ingress:
            self._pending_lbs.add(name)
            return None
        annotations = _mapping(obj, "metadata.annotations")
        cloud_id = annotations.get(self.lb_id_annotation) if self.lb_id_annotation else None
        return LoadBalancer(id=cloud_id if isinstance(cloud_id, str) and cloud_id else f"svc/{name}", name=name)

    # -- reading ------------------------------------------------------------------------------------------

    def resources(self) -> list[Resource]:
        """The counted resources, ordered by kind and id (one per cloud resource)."""
        return [self._resources[key] for key in sorted(self._resources)]

    def covered(self) -> frozenset[ResourceKind]:
        return frozenset(KIND_OF_OBJECT[kind] for kind in self.listed_kinds)

    def report(self, name: str, detail: Message, covers: frozenset[ResourceKind] | None = None) -> SourceReport:
        """The source's report: kinds listed (or `covers`), failures, and in the detail what the tables cannot
        decide (those resources are counted with the attribute unknown: they widen the line items' bounds)."""
        failed = {kind: combined(reasons) for kind, reasons in self.failed.items()}
        notes = [detail]
        if self._unknown_clock:
            notes.append(
                message("k8s_clock_unknown", groups=describe_groups(self._unknown_clock), setting="kubernetes.tables")
            )
        if self._unclassed:
            notes.append(
                message(
                    "k8s_tier_unknown",
                    groups=describe_groups(self._unclassed),
                    option="kubernetes.storage_classes=CLASS=standard|performance|ignore",
                )
            )
        unrecognized = [
            Unrecognized("kind", kind, kind, held.count, tuple(held.samples))
            for kind, held in sorted(self._other_kinds.items())
        ] + [
            Unrecognized("field", f"arch={arch}", "vm", held.count, tuple(held.samples))
            for arch, held in sorted(self._other_arch.items())
        ]
        if self._memory_rule:
            rules = [message(rule, count=n) for rule, n in sorted(self._memory_rule.items())]
            notes.append(message("k8s_node_memory", rules=rules))
        for cls, held in sorted(self._ignored_classes.items()):
            notes.append(message("k8s_class_ignored", storage_class=cls, held=held.describe()))
        if self._pending_lbs.count:
            notes.append(message("k8s_lbs_pending", held=self._pending_lbs.describe()))
        covered = self.covered() if covers is None else covers
        return SourceReport(
            name=name,
            covers=covered,
            detail=combined(notes),
            failed=failed,
            incomplete={
                kind: combined(reasons) for kind, reasons in sorted(self.incomplete.items()) if kind not in failed
            },
            unrecognized=tuple(unrecognized),
            resource_count=len(self._resources),
            table_entries=tuple(e for e in self.uses.entries(self.tables.basis_pair) if e.kind in covered),
        )


def _ready(obj: Mapping[str, Any]) -> bool:
    conditions = dotted_get(obj, "status.conditions")
    if not isinstance(conditions, list):
        return False
    return any(isinstance(c, dict) and c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _name_or_unnamed(obj: Mapping[str, Any]) -> str:
    try:
        return object_name(obj)
    except ObjectError:
        return "(unnamed)"
