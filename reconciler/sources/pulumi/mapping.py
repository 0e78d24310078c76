"""Resources of a Pulumi stack's state (`pulumi stack export`) as the reconciler's resources.

Called by the `pulumi` source with the decoded deployment. Resource types of the Kingsoft Cloud provider
(bridged from terraform-provider-ksyun) map through an overridable type table; unknown types are reported
as unrecognized, never guessed. No I/O. Every rule is in docs/sources.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from reconciler.base.messages import message
from reconciler.core.observation import (
    Arch,
    Bandwidth,
    LoadBalancer,
    PublicIp,
    Resource,
    ResourceKind,
    SourceReport,
    Tier,
    Unrecognized,
    Vm,
    VmState,
    Volume,
    kind_of,
)
from reconciler.sources.base import Held, describe_groups

Mapper = Literal["instance", "volume", "eip", "bandwidth", "bandwidth_association", "load_balancer", "ignore"]
MAPPERS: Final[tuple[Mapper, ...]] = (
    "instance",
    "volume",
    "eip",
    "bandwidth",
    "bandwidth_association",
    "load_balancer",
    "ignore",
)
KINDS_OF_MAPPER: Final[dict[Mapper, tuple[ResourceKind, ...]]] = {
    "instance": ("vm",),
    "volume": ("volume",),
    "eip": ("public_ip", "bandwidth"),
    "bandwidth": ("bandwidth",),
    "bandwidth_association": (),
    "load_balancer": ("load_balancer",),
    "ignore": (),
}
KINDS: Final[tuple[ResourceKind, ...]] = ("vm", "volume", "public_ip", "bandwidth", "load_balancer")

BUILTIN_TYPES: Final[dict[str, Mapper]] = {
    "ksyun:index/instance:Instance": "instance",
    "ksyun:index/volume:Volume": "volume",
    "ksyun:index/eip:Eip": "eip",
    "ksyun:index/bws:Bws": "bandwidth",
    "ksyun:index/bwsAssociate:BwsAssociate": "bandwidth_association",
    "ksyun:index/lb:Lb": "load_balancer",
    # no capacity of their own (networking, access, attachments)
    "ksyun:index/vpc:Vpc": "ignore",
    "ksyun:index/subnet:Subnet": "ignore",
    "ksyun:index/securityGroup:SecurityGroup": "ignore",
    "ksyun:index/securityGroupEntry:SecurityGroupEntry": "ignore",
    "ksyun:index/sshKey:SshKey": "ignore",
    "ksyun:index/eipAssociate:EipAssociate": "ignore",
    "ksyun:index/volumeAttach:VolumeAttach": "ignore",
    "ksyun:index/lbListener:LbListener": "ignore",
    "ksyun:index/lbListenerServer:LbListenerServer": "ignore",
}
"""Pulumi type token -> how it is read. Tokens follow the bridged provider's naming of ksyun_* resources."""

BUILTIN_VOLUME_TYPES: Final[dict[str, Tier]] = {
    "EHDD": "standard",
    "SATA*": "standard",
    "SSD*": "performance",
    "ESSD*": "performance",
    "Local_SSD": "performance",
}
"""Kingsoft volume type -> tier; a trailing `*` matches any suffix (SSD3.0, ESSD_PL1, SATA2.0)."""

BUILTIN_VM_STATES: Final[dict[str, VmState]] = {"active": "running", "stopped": "stopped"}

UNKNOWN_VALUE: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The string the Pulumi engine writes for an output known only after apply (a planned instance's type)."""


class StateError(ValueError):
    """A resource whose state is not what the provider writes: `path` within the resource, and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class VmType:
    """What the operator states about an instance type or family (merged exact > family > `*`)."""

    vcpu: int | None = None
    memory_gib: Decimal | None = None
    cpu_ghz: Decimal | None = None
    arch: Arch | None = None


@dataclass(frozen=True)
class PulumiTables:
    types: Mapping[str, Mapper] = field(default_factory=lambda: dict(BUILTIN_TYPES))
    instance_types: Mapping[str, VmType] = field(default_factory=dict)
    volume_types: Mapping[str, Tier] = field(default_factory=lambda: dict(BUILTIN_VOLUME_TYPES))
    vm_states: Mapping[str, VmState] = field(default_factory=lambda: dict(BUILTIN_VM_STATES))

    def vm_type(self, label: str) -> VmType:
        """The merged entry: exact type, then family (before the first dot), then `*`, field by field."""
        merged: dict[str, Any] = {}
        for key in ("*", label.split(".", 1)[0], label):
            entry = self.instance_types.get(key)
            if entry is not None:
                merged.update({k: v for k, v in vars(entry).items() if v is not None})
        return VmType(**merged)

    def tier(self, volume_type: str) -> Tier | None:
        if volume_type in self.volume_types:
            return self.volume_types[volume_type]
        matches = [
            (len(pattern), tier)
            for pattern, tier in self.volume_types.items()
            if pattern.endswith("*") and volume_type.startswith(pattern[:-1])
        ]
        return max(matches)[1] if matches else None


def _field(resource: Mapping[str, Any], *names: str) -> tuple[str, Any]:
    """The first of the names present in outputs, else in inputs; with its path. Secret values are refused."""
    for section in ("outputs", "inputs"):
        values = resource.get(section)
        if not isinstance(values, dict):
            continue
        for name in names:
            if values.get(name) is not None:
                value = values[name]
                if isinstance(value, dict) and "ciphertext" in value:
                    raise StateError(f".{section}.{name}", "is a secret: export without it encrypted is needed")
                return f".{section}.{name}", value
    return f".outputs.{names[0]}", None


def _number(resource: Mapping[str, Any], *names: str) -> Decimal:
    path, value = _field(resource, *names)
    if value is None:
        raise StateError(path, "required field is missing")
    try:
        number = Decimal(str(value)) if isinstance(value, int | str | Decimal) and not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise StateError(path, f"expected a non-negative number, found {value!r}")
    return number


def _text(resource: Mapping[str, Any], *names: str) -> str | None:
    path, value = _field(resource, *names)
    if value is not None and not isinstance(value, str):
        raise StateError(path, "expected a string")
    return value


class StackInventory:
    """The resources of one stack's state; `add` each state resource, then read `resources` and `report`."""

    def __init__(self, tables: PulumiTables) -> None:
        self.tables = tables
        self._resources: dict[tuple[str, str], Resource] = {}
        self._eip_bandwidths: list[Bandwidth] = []
        """Each EIP's own bandwidth: counted unless a bandwidth association puts the EIP in shared bandwidth
        (the association may come after the EIP in the state, so this is decided once everything is read)."""
        self._shared_eips: set[str] = set()
        self.seen: set[ResourceKind] = set()
        self._unknown_types: dict[str, Held] = defaultdict(Held)
        self._unresolved_vms: dict[str, Held] = defaultdict(Held)
        self._unknown_volume_types: dict[str, Held] = defaultdict(Held)
        self._unknown_states: dict[str, Held] = defaultdict(Held)
        self._document = ""
        self._urns: set[str] = set()
        self._twice: dict[ResourceKind, dict[str, Held]] = defaultdict(lambda: defaultdict(Held))
        """URNs a state holds more than once (outside old copies pending deletion), by kind and document."""

    def begin(self, document: str) -> None:
        """The resources `add`ed next are one state's (`document` names it): a URN twice in it contradicts it."""
        self._document, self._urns = document, set()

    def add(self, resource: Mapping[str, Any]) -> None:
        rtype = resource.get("type")
        if not isinstance(rtype, str) or not rtype:
            raise StateError(".type", "required field is missing")
        urn = resource.get("urn")
        if not isinstance(urn, str) or not urn:
            raise StateError(".urn", "required field is missing")
        if rtype.startswith("pulumi:") or resource.get("custom") is False or resource.get("delete") is True:
            return  # the stack, providers, components; and old copies pending deletion
        name = urn.rsplit("::", 1)[-1]
        mapper = self.tables.types.get(rtype)
        if mapper is None:
            self._unknown_types[rtype].add(name)
            return
        if mapper == "ignore":
            return
        self.seen.update(KINDS_OF_MAPPER[mapper])
        if urn in self._urns:
            for kind in KINDS_OF_MAPPER[mapper]:
                self._twice[kind][self._document].add(name)
        self._urns.add(urn)
        rid = resource.get("id")
        if mapper == "bandwidth_association":
            allocation = _text(resource, "allocationId")
            if allocation:
                self._shared_eips.add(allocation)
            return
        if not isinstance(rid, str) or not rid:
            raise StateError(".id", "required field is missing (a resource not yet created?)")
        region = _text(resource, "region")
        if mapper == "instance":
            self._instance(resource, rid, name, region)
        elif mapper == "volume":
            self._volume(resource, rid, name, region)
        elif mapper == "eip":
            address = _text(resource, "publicIp")
            self._keep(PublicIp(id=rid, name=name, region=region, address=address))
            mbps = _number(resource, "bandWidth", "band_width")
            self._eip_bandwidths.append(Bandwidth(id=rid, name=name, region=region, mbps=mbps))
        elif mapper == "bandwidth":
            self._keep(Bandwidth(id=rid, name=name, region=region, mbps=_number(resource, "bandWidth", "band_width")))
        elif mapper == "load_balancer":
            self._keep(LoadBalancer(id=rid, name=name, region=region))

    def _keep(self, resource: Resource) -> None:
        self._resources.setdefault((kind_of(resource), resource.id), resource)

    def _instance(self, resource: Mapping[str, Any], rid: str, name: str, region: str | None) -> None:
        instance_type = _text(resource, "instanceType", "instance_type")
        if not instance_type:
            raise StateError(".outputs.instanceType", "required field is missing")
        status = _text(resource, "instanceStatus", "instance_status")
        state: VmState | None = "running" if status is None else self.tables.vm_states.get(status)
        if state is None:
            self._unknown_states[status or ""].add(name)
        planned = instance_type == UNKNOWN_VALUE  # a value the engine learns only when it applies the plan
        known = VmType() if planned else self.tables.vm_type(instance_type)
        if known.vcpu is None or known.memory_gib is None or known.cpu_ghz is None or known.arch is None:
            self._unresolved_vms["(known after apply)" if planned else instance_type].add(name)
        self._keep(
            Vm(
                id=rid,
                name=name,
                region=region,
                vcpu=known.vcpu,
                memory_gb=known.memory_gib,
                cpu_ghz=known.cpu_ghz,
                arch=known.arch,
                state=state,
                instance_type=None if planned else instance_type,
            )
        )

    def _volume(self, resource: Mapping[str, Any], rid: str, name: str, region: str | None) -> None:
        size = _number(resource, "size")
        volume_type = _text(resource, "volumeType", "volume_type") or ""
        tier = self.tables.tier(volume_type)
        if tier is None:
            self._unknown_volume_types[volume_type or "(no volume type)"].add(name)
        self._keep(Volume(id=rid, name=name, region=region, size_gb=size, tier=tier))

    def _counted(self) -> dict[tuple[str, str], Resource]:
        """Every counted resource by kind and id; an EIP's own bandwidth counts unless it joined shared
        bandwidth. Computed afresh: asking for it changes nothing, so the calls may come in any order."""
        counted = dict(self._resources)
        for bandwidth in self._eip_bandwidths:
            if bandwidth.id not in self._shared_eips:
                counted.setdefault((kind_of(bandwidth), bandwidth.id), bandwidth)
        return counted

    def resources(self) -> list[Resource]:
        """Counted resources, ordered by kind and id."""
        counted = self._counted()
        return [counted[key] for key in sorted(counted)]

    def report(self, name: str, detail: str, covers: frozenset[ResourceKind] | None) -> SourceReport:
        """The source's report; what the tables cannot decide is counted with unknown attributes (bounds) and
        named in the detail."""
        notes = [detail] if detail else []
        if self._unresolved_vms:
            groups = describe_groups(self._unresolved_vms)
            notes.append(
                f"vCPU, memory, CPU clock or architecture unknown for instance types not (fully) in the "
                f"instance-type table ({groups}): counted as unknown (bounds); add them to the tables file "
                "(setting pulumi.tables)"
            )
        if self._unknown_states:
            groups = describe_groups(self._unknown_states)
            notes.append(f"instance states not in the state map, counted as unknown (bounds): {groups}")
        if self._unknown_volume_types:
            groups = describe_groups(self._unknown_volume_types)
            notes.append(f"tier unknown for volume types not in the volume-type map ({groups}): counted as unknown")
        unrecognized = tuple(
            Unrecognized("kind", rtype, rtype, held.count, tuple(held.samples))
            for rtype, held in sorted(self._unknown_types.items())
        )
        incomplete = {
            kind: "; ".join(
                message("listing_twice", listing=f"the state {document}", sample=held.sample_text())
                for document, held in sorted(documents.items())
            )
            for kind, documents in sorted(self._twice.items())
        }
        return SourceReport(
            name=name,
            covers=frozenset(self.seen) if covers is None else covers,
            detail="; ".join(notes),
            incomplete=incomplete,
            unrecognized=unrecognized,
            resource_count=len(self._counted()),
        )
