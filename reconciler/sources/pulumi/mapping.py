"""Resources of a Pulumi stack's state (`pulumi stack export`) as the reconciler's resources.

Called by the `pulumi` source with the decoded deployment, and by the `terraform` source with Terraform's
resources under the bridged names. Resource types of the Kingsoft Cloud provider (bridged from
terraform-provider-ksyun) map through an overridable type table; unknown types are reported as unrecognized,
never guessed. A planned resource (a step of `pulumi preview`, a change of `terraform plan`; marked
`"planned": "create" | "update"`) may hold values unknown until apply: they are never guessed either, but
counted as unknown (an instance of unknown type widens the vCPU interval; bandwidth that cannot be linked
leaves its listing incomplete).
No I/O. Every rule is in docs/sources.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

from reconciler.base.messages import Message, combined, message
from reconciler.base.numbers import DECIMAL_HINT, exact_number
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
from reconciler.sources.base import EntryUses, Held, describe_groups

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

UNKNOWN: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""Pulumi's sentinel for a value unknown until apply; the terraform source writes it for Terraform's unknowns."""
UNKNOWN_VALUE: Final = UNKNOWN
UNKNOWNS: Final = frozenset(
    {
        UNKNOWN,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # a boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # a number
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # an array
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # an object
    }
)
"""Every sentinel the Pulumi engine and policy packs write for an unknown value (strings, booleans, numbers, ...)."""
PLANNED: Final = "planned"
"""The key marking a planned resource, whose value is how it comes about: "create" or "update"; "delete" marks
one the plan removes (it counts for nothing, but its kind stays observed: removing all of a kind is a
shortfall, not a kind nobody declares)."""


class UnknownUntilApply(Exception):
    """A value a planned resource will only have once applied (`path` within the resource)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


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
    origin: str = "built-in"
    """The tables file, or `built-in`."""
    given: frozenset[tuple[str, str]] = frozenset()
    """(table, key) of the entries the file gives (the others are built in)."""
    evidence: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(table, key) -> the evidence the file gives for the entry (its `evidence` member)."""

    def basis_pair(self, table: str, key: str) -> tuple[str, str | None]:
        """(origin, evidence) of an entry, as `EntryUses.entries` reads it: the file and the evidence it gives, or
        `built-in` (docs/sources.md) for the defaults."""
        keys = [key]
        if table == "instance_types":  # the entry merges the family's and `*`'s: each one's evidence counts
            keys += [k for k in (key.split(".", 1)[0], "*") if k != key and k in self.instance_types]
        given = [k for k in keys if (table, k) in self.given]
        if not given:
            return "built-in", None
        stated = [(k, self.evidence[(table, k)]) for k in given if (table, k) in self.evidence]
        if len(stated) <= 1:
            return self.origin, stated[0][1] if stated else None
        return self.origin, "; ".join(f"[{k}] {text}" for k, text in stated)

    def vm_type_key(self, label: str) -> str | None:
        """The most specific key of the instance-type table that states something of `label`."""
        for key in (label, label.split(".", 1)[0], "*"):
            if key in self.instance_types:
                return key
        return None

    def tier_key(self, volume_type: str) -> str | None:
        """The key of the volume-type table that decides `volume_type` (exact, else the longest pattern)."""
        if volume_type in self.volume_types:
            return volume_type
        matches = [p for p in self.volume_types if p.endswith("*") and volume_type.startswith(p[:-1])]
        return max(matches, key=len) if matches else None

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
    """The first of the names present in outputs, else in inputs; with its path. Secret values are refused;
    a value unknown until apply raises UnknownUntilApply."""
    for section in ("outputs", "inputs"):
        values = resource.get(section)
        if not isinstance(values, dict):
            continue
        for name in names:
            if values.get(name) is not None:
                value = values[name]
                if isinstance(value, dict) and "ciphertext" in value:
                    raise StateError(f".{section}.{name}", "is a secret: export without it encrypted is needed")
                if isinstance(value, str) and value in UNKNOWNS:
                    raise UnknownUntilApply(f".{section}.{name}")
                return f".{section}.{name}", value
    return f".outputs.{names[0]}", None


def _required(resource: Mapping[str, Any], path: str) -> None:
    """A required value is absent: a planned resource gets it from its provider on apply, a state is broken."""
    if resource.get(PLANNED):
        raise UnknownUntilApply(path)
    raise StateError(path, "required field is missing")


def _number(resource: Mapping[str, Any], *names: str) -> Decimal:
    path, value = _field(resource, *names)
    if value is None:
        _required(resource, path)
    number = exact_number(value) if not isinstance(value, float) else None
    if number is None or not number.is_finite() or number < 0:
        raise StateError(path, f"expected a non-negative number ({DECIMAL_HINT}), found {value!r}")
    return number


def _text(resource: Mapping[str, Any], *names: str) -> str | None:
    path, value = _field(resource, *names)
    if value is not None and not isinstance(value, str):
        raise StateError(path, "expected a string")
    return value


def _known_text(resource: Mapping[str, Any], *names: str) -> str | None:
    """A descriptive value (a region, an address): unknown until apply is the same as absent."""
    try:
        return _text(resource, *names)
    except UnknownUntilApply:
        return None


def _groups(groups: Mapping[str, Held]) -> str:
    """`instanceType: 2 (batch-1, batch-2)` (as `describe_groups`, in every language): names sorted, so the text
    does not depend on the plan's order."""
    return "; ".join(
        f"{key}: {held.count} ({', '.join(sorted(held.samples))}{', ...' if held.count > len(held.samples) else ''})"
        for key, held in sorted(groups.items())
    )


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
        self._unknown_until_apply: dict[str, Held] = defaultdict(Held)
        """Planned resources counted with a value unknown until apply (bounds), by attribute."""
        self._unlinked: dict[str, Held] = defaultdict(Held)
        """Bandwidth unknown until apply, by attribute: the listing of `bandwidth` is then incomplete."""
        self._eips_created: set[str] = set()
        """EIPs a plan creates: an association whose EIP is unknown until apply may join any of them."""
        self._open_association = False
        self._document = ""
        self._urns: set[str] = set()
        self.uses = EntryUses()
        """The table entries that decided attributes of the resources (their provenance)."""
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
        if resource.get(PLANNED) == "delete":
            return
        if urn in self._urns:
            for kind in KINDS_OF_MAPPER[mapper]:
                self._twice[kind][self._document].add(name)
        self._urns.add(urn)
        try:
            self._add(resource, mapper, name, urn)
        except UnknownUntilApply as unknown:  # bandwidth: what was seen is a lower bound, the upper is open
            self._unlinked[unknown.path.rsplit(".", 1)[-1]].add(name)
            if mapper == "bandwidth_association":
                self._open_association = True

    def _add(self, resource: Mapping[str, Any], mapper: Mapper, name: str, urn: str) -> None:
        rid = resource.get("id")
        if mapper == "bandwidth_association":
            allocation = _text(resource, "allocationId", "allocation_id")
            if allocation:
                self._shared_eips.add(allocation)
            return
        if resource.get(PLANNED) == "create" and (not isinstance(rid, str) or not rid or rid in UNKNOWNS):
            rid = urn  # not created yet: the address names it
            if mapper == "eip":
                self._eips_created.add(rid)
        if not isinstance(rid, str) or not rid:
            raise StateError(".id", "required field is missing (a resource not yet created?)")
        region = _known_text(resource, "region")
        if mapper == "instance":
            self._instance(resource, rid, name, region)
        elif mapper == "volume":
            self._volume(resource, rid, name, region)
        elif mapper == "eip":
            address = _known_text(resource, "publicIp", "public_ip")
            self._keep(PublicIp(id=rid, name=name, region=region, address=address))
            mbps = _number(resource, "bandWidth", "band_width")
            self._eip_bandwidths.append(Bandwidth(id=rid, name=name, region=region, mbps=mbps))
        elif mapper == "bandwidth":
            self._keep(Bandwidth(id=rid, name=name, region=region, mbps=_number(resource, "bandWidth", "band_width")))
        elif mapper == "load_balancer":
            self._keep(LoadBalancer(id=rid, name=name, region=region))

    def _keep(self, resource: Resource) -> None:
        key = (kind_of(resource), resource.id)
        if key not in self._resources:
            self._resources[key] = resource
            self.uses.commit(key[0], resource.id)

    def _unknown(self, resource: Mapping[str, Any], name: str, *names: str) -> str | None:
        """A text value, or UNKNOWN (noted) when it is unknown until apply."""
        try:
            value = _text(resource, *names)
        except UnknownUntilApply:
            value = UNKNOWN
        if value == UNKNOWN:
            self._unknown_until_apply[names[0]].add(name)
        return value

    def _instance(self, resource: Mapping[str, Any], rid: str, name: str, region: str | None) -> None:
        try:
            instance_type = _text(resource, "instanceType", "instance_type")
        except UnknownUntilApply:
            instance_type = UNKNOWN
        if not instance_type:
            if not resource.get(PLANNED):
                raise StateError(".outputs.instanceType", "required field is missing")
            instance_type = UNKNOWN  # a planned instance whose provider picks the type (from its model)
        try:
            status = _text(resource, "instanceStatus", "instance_status")
        except UnknownUntilApply:
            # the provider creates an instance running unless told otherwise; an update may change it
            status = None if resource.get(PLANNED) == "create" else UNKNOWN
            if status == UNKNOWN:
                self._unknown_until_apply["instanceStatus"].add(name)
        state: VmState | None = (
            "running" if status is None else None if status == UNKNOWN else self.tables.vm_states.get(status)
        )
        if state is None and status != UNKNOWN:
            self._unknown_states[status or ""].add(name)
        planned = instance_type == UNKNOWN  # a value the engine learns only when it applies the plan
        known = VmType() if planned else self.tables.vm_type(instance_type)
        if known.vcpu is None or known.memory_gib is None or known.cpu_ghz is None or known.arch is None:
            if planned:  # named with the other values a plan leaves unknown until apply
                self._unknown_until_apply["instanceType"].add(name)
            else:
                self._unresolved_vms[instance_type].add(name)
        type_key = None if planned else self.tables.vm_type_key(instance_type)
        if type_key is not None:
            stated = {"vcpu": known.vcpu, "memory_gb": known.memory_gib, "cpu_ghz": known.cpu_ghz, "arch": known.arch}
            values = tuple((k, str(v)) for k, v in stated.items() if v is not None)
            self.uses.add("instance_types", type_key, "vm", values, rid)
        if state is not None and status is not None and status in self.tables.vm_states:
            self.uses.add("vm_states", status, "vm", (("state", state),), rid)
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
        try:
            size: Decimal | None = _number(resource, "size")
        except UnknownUntilApply:
            size = None  # counted with an unknown size (bounds)
            self._unknown_until_apply["size"].add(name)
        volume_type = self._unknown(resource, name, "volumeType", "volume_type") or ""
        tier = None if volume_type == UNKNOWN else self.tables.tier(volume_type)
        if tier is None and volume_type != UNKNOWN:
            self._unknown_volume_types[volume_type or "(no volume type)"].add(name)
        tier_key = None if tier is None else self.tables.tier_key(volume_type)
        if tier is not None and tier_key is not None:
            self.uses.add("volume_types", tier_key, "volume", (("tier", tier),), rid)
        self._keep(Volume(id=rid, name=name, region=region, size_gb=size, tier=tier))

    def _counted(self) -> dict[tuple[str, str], Resource]:
        """Every counted resource by kind and id; an EIP's own bandwidth counts unless it joined shared
        bandwidth. Computed afresh: asking for it changes nothing, so the calls may come in any order."""
        counted = dict(self._resources)
        for bandwidth in self._eip_bandwidths:
            if bandwidth.id in self._shared_eips:
                continue
            if self._open_association and bandwidth.id in self._eips_created:
                continue  # it may join shared bandwidth: not counted for certain (the listing is incomplete)
            counted.setdefault((kind_of(bandwidth), bandwidth.id), bandwidth)
        return counted

    def resources(self) -> list[Resource]:
        """Counted resources, ordered by kind and id."""
        counted = self._counted()
        return [counted[key] for key in sorted(counted)]

    def report(
        self, name: str, detail: Message, covers: frozenset[ResourceKind] | None, planned: bool = False
    ) -> SourceReport:
        """The source's report; what the tables cannot decide is counted with unknown attributes (bounds) and
        named in the detail. `planned`: the resources are a planned change's (SourceReport.planned)."""
        notes = [detail]
        if self._unresolved_vms:
            setting = f"{'terraform' if name.startswith('terraform') else 'pulumi'}.tables"
            notes.append(
                message("pulumi_types_unresolved", groups=describe_groups(self._unresolved_vms), setting=setting)
            )
        if self._unknown_states:
            notes.append(message("pulumi_states_unknown", groups=describe_groups(self._unknown_states)))
        if self._unknown_volume_types:
            notes.append(message("pulumi_volume_types_unknown", groups=describe_groups(self._unknown_volume_types)))
        if self._unknown_until_apply:
            notes.append(message("pulumi_unknown_until_apply", groups=_groups(self._unknown_until_apply)))
        incomplete: dict[ResourceKind, list[Message]] = {}
        if self._unlinked:
            incomplete["bandwidth"] = [message("planned_bandwidth_unknown", groups=_groups(self._unlinked))]
        unrecognized = tuple(
            Unrecognized("kind", rtype, rtype, held.count, tuple(held.samples))
            for rtype, held in sorted(self._unknown_types.items())
        )
        for kind, documents in sorted(self._twice.items()):
            incomplete.setdefault(kind, []).extend(
                message("listing_twice", listing=message("listing_state", document=document), sample=held.sample_text())
                for document, held in sorted(documents.items())
            )
        covered = frozenset(self.seen) if covers is None else covers
        return SourceReport(
            name=name,
            covers=covered,
            detail=combined(notes),
            incomplete={kind: combined(reasons) for kind, reasons in sorted(incomplete.items())},
            unrecognized=unrecognized,
            resource_count=len(self._counted()),
            table_entries=tuple(e for e in self.uses.entries(self.tables.basis_pair) if e.kind in covered),
            planned=planned,
        )
