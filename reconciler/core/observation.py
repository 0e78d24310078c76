"""The normalized resource model between sources and meters, and the health of the sources that observed it.

Sources turn a provider's native objects into these resources; meters sum them into line items.
Resources are msgspec structs, the one module that uses msgspec: it decodes and validates millions of
resources straight from JSON text at C speed. No I/O here.

Knowledge may be partial. An attribute a source cannot know is `None` (required, so a missing field is
still an error: unknown is said with `null`): a VM's `vcpu`, `memory_gb`, `cpu_ghz`, `arch` and `state`
(an instance type or family not in the tables, a planned instance whose type is known only after apply, a
state not in the state map), a volume's `tier` and `size_gb` (a volume type not in the tables), a bucket's
`size_gb` (no usage data). Backups, bandwidth and the counted kinds have nothing a source cannot know. A
kind whose listing may be incomplete is named in `SourceReport.incomplete`. The meters turn both into bounds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final, Literal, TypeAlias, get_args

import msgspec

from reconciler.base.messages import Message

ResourceKind: TypeAlias = Literal[
    "vm",
    "volume",
    "bucket",
    "backup",
    "bandwidth",
    "public_ip",
    "load_balancer",
    "remote_access_account",
    "waf",
]
KINDS: Final[tuple[ResourceKind, ...]] = get_args(ResourceKind)
VmState: TypeAlias = Literal["running", "stopped", "terminated"]
Arch: TypeAlias = Literal["x86_64", "aarch64"]
Tier: TypeAlias = Literal["standard", "performance"]

Id = Annotated[str, msgspec.Meta(min_length=1)]
Count = Annotated[int, msgspec.Meta(ge=0, le=10**9)]
Size = Annotated[Decimal, msgspec.Meta(extra_json_schema={"minimum": 0})]
"""A non-negative size, exact (JSON numbers are read as Decimal); checked in `__post_init__`."""
Clock = Annotated[Decimal, msgspec.Meta(extra_json_schema={"exclusiveMinimum": 0})]


_ZERO: Final = Decimal(0)
_MIN_GHZ: Final = Decimal("0.001")
_MAX_GHZ: Final = Decimal(100)
MAX_SIZE: Final = Decimal("1e15")
"""No single resource is larger than this (10^15 GB or Mbps); larger values are typos or garbage."""


def _in_range(value: Decimal, low: Decimal = _ZERO, high: Decimal = MAX_SIZE) -> bool:
    try:
        return low <= value <= high
    except InvalidOperation:  # NaN (JSON strings are read as decimals too)
        return False


def _out_of_range(name: str, value: Decimal) -> ValueError:
    if not value.is_finite():
        return ValueError(f"{name}: must be a finite number")
    if value < 0:
        return ValueError(f"{name}: must not be negative")
    return ValueError(f"{name}: must be at most {MAX_SIZE:f}")


class _Resource(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, frozen=True, kw_only=True, gc=False):
    id: Id
    name: str | None = None
    region: str | None = None
    project: str | None = None


class Vm(_Resource, tag="vm", frozen=True, kw_only=True):
    """A cloud host: its vCPU count, memory, CPU clock, architecture and lifecycle state."""

    vcpu: Count | None
    memory_gb: Size | None
    cpu_ghz: Clock | None
    arch: Arch | None
    state: VmState | None
    instance_type: str | None = None

    def __post_init__(self) -> None:
        memory, ghz = self.memory_gb, self.cpu_ghz
        try:  # inline, not a helper call: this runs for every VM
            if (memory is None or 0 <= memory <= MAX_SIZE) and (ghz is None or _MIN_GHZ <= ghz <= _MAX_GHZ):
                return
        except InvalidOperation:  # NaN (JSON strings are read as decimals too)
            pass
        if memory is not None and not _in_range(memory):
            raise _out_of_range("memory_gb", memory)
        raise ValueError("cpu_ghz: must be a number greater than 0 and below 100")


def _check_size(size: Decimal | None) -> None:
    try:  # this runs for every resource
        if size is None or 0 <= size <= MAX_SIZE:
            return
    except InvalidOperation:  # NaN (JSON strings are read as decimals too)
        pass
    assert size is not None
    raise _out_of_range("size_gb", size)


class Volume(_Resource, tag="volume", frozen=True, kw_only=True):
    """A block volume of the ordinary (`standard`) or high-performance (`performance`) tier, in GB."""

    tier: Tier | None
    size_gb: Size | None

    def __post_init__(self) -> None:
        _check_size(self.size_gb)


class Bucket(_Resource, tag="bucket", frozen=True, kw_only=True):
    """Object ("static") storage in use, in GB (the contract prices it in TB: 1 TB = 1000 GB)."""

    size_gb: Size | None

    def __post_init__(self) -> None:
        _check_size(self.size_gb)


class Backup(_Resource, tag="backup", frozen=True, kw_only=True):
    """Host backup capacity (snapshots, backup vault), in GB."""

    size_gb: Size

    def __post_init__(self) -> None:
        _check_size(self.size_gb)


class Bandwidth(_Resource, tag="bandwidth", frozen=True, kw_only=True):
    """Internet bandwidth of one link or shared-bandwidth package, in Mbps (count each link once)."""

    mbps: Size

    def __post_init__(self) -> None:
        try:  # inline, not a helper call: this runs for every resource
            if 0 <= self.mbps <= MAX_SIZE:
                return
        except InvalidOperation:  # NaN (JSON strings are read as decimals too)
            pass
        raise _out_of_range("mbps", self.mbps)


class PublicIp(_Resource, tag="public_ip", frozen=True, kw_only=True):
    address: str | None = None


class LoadBalancer(_Resource, tag="load_balancer", frozen=True, kw_only=True):
    pass


class RemoteAccessAccount(_Resource, tag="remote_access_account", frozen=True, kw_only=True):
    pass


class Waf(_Resource, tag="waf", frozen=True, kw_only=True):
    pass


Resource: TypeAlias = Vm | Volume | Bucket | Backup | Bandwidth | PublicIp | LoadBalancer | RemoteAccessAccount | Waf
RESOURCE_CLASS: Final[dict[str, type[Resource]]] = {cls.__struct_config__.tag: cls for cls in get_args(Resource)}
FIELDS: Final[dict[str, frozenset[str]]] = {
    kind: frozenset(cls.__struct_fields__) | {"kind"} for kind, cls in RESOURCE_CLASS.items()
}
_LIST: Final = msgspec.json.Decoder(list[Resource])


def kind_of(resource: Resource) -> ResourceKind:
    """The resource's kind, as written in its `kind` field."""
    kind: ResourceKind = type(resource).__struct_config__.tag  # type: ignore[assignment]
    return kind


_PATH = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


class ResourceError(ValueError):
    """A resource that is not of the format: `path` is relative to the resource (e.g. `.vcpu`)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotAList(ValueError):
    """The text given to `decode_resources` is not a JSON array of whole elements."""


def decode_resources(text: str) -> list[Resource]:
    """Decode a JSON array of resources (fast path). NotAList if the text is not valid JSON,
    ResourceError (with the element's index as the path) if an element is not a valid resource."""
    try:
        return _LIST.decode(text)
    except msgspec.ValidationError as exc:
        raise _resource_error(exc) from exc
    except msgspec.DecodeError as exc:
        raise NotAList(str(exc)) from exc


def to_resource(raw: Mapping[str, Any]) -> Resource:
    """Validate one decoded resource of a known kind and known fields; ResourceError if it is invalid."""
    try:
        resource: Resource = msgspec.convert(raw, Resource)
    except msgspec.ValidationError as exc:
        raise _resource_error(exc) from exc
    return resource


def _resource_error(exc: msgspec.ValidationError) -> ResourceError:
    match = _PATH.match(str(exc))
    assert match is not None  # the pattern matches any text
    path, reason = match["path"] or "", match["reason"]
    named = re.match(r"^(\w+): (.*)$", reason)  # "size_gb: must not be negative" from __post_init__
    missing = re.match(r"^Object missing required field `(\w+)`$", reason)
    if named:
        path, reason = f"{path}.{named[1]}", named[2]
    elif missing:
        path, reason = f"{path}.{missing[1]}", "required field is missing"
    return ResourceError(path, reason)


def resource_json_schema() -> dict[str, Any]:
    """JSON Schema of one resource: a union over the kinds, discriminated by `kind`.

    Sizes are exact decimals: JSON numbers (or decimal strings), never negative. `null` says a source does not
    know the attribute (see the module docstring).
    """
    schema: dict[str, Any] = msgspec.json.schema(Resource)
    for definition in schema.get("$defs", {}).values():
        for name, prop in definition.get("properties", {}).items():
            nullable = [p for p in prop.get("anyOf", ()) if p != {"type": "null"}]
            target = nullable[0] if len(nullable) == 1 and len(prop["anyOf"]) == 2 else prop
            if target.get("format") == "decimal":
                bounds = {k: target.pop(k) for k in ("minimum", "exclusiveMinimum") if k in target}
                number = [{"type": "number", **bounds}, {"type": "string", "pattern": r"^\d+(\.\d+)?$"}]
                if target is prop:
                    prop.pop("type"), prop.pop("format")
                    prop["anyOf"] = number
                else:
                    prop["anyOf"] = [*number, {"type": "null"}]
            if target is not prop and "default" not in prop:
                prop["description"] = f"null when the source does not know the {name}"
    return schema


@dataclass(frozen=True)
class Unrecognized:
    """Something in an observation the model does not know: a resource kind, or a field of a known kind."""

    what: Literal["kind", "field"]
    name: str
    kind: str
    count: int
    sample_ids: tuple[str, ...]


@dataclass(frozen=True)
class SourceReport:
    """What one source observed: the kinds it covers, the kinds it failed on (and why), the kinds whose
    listing may be incomplete (and why), what it skipped. For a failed or incomplete kind, what was seen
    counts toward the lower bound of its line items and their upper bound is open."""

    name: str
    covers: frozenset[ResourceKind]
    detail: str = ""
    failed: Mapping[ResourceKind, Message] = field(default_factory=dict)
    incomplete: Mapping[ResourceKind, Message] = field(default_factory=dict)
    unrecognized: tuple[Unrecognized, ...] = ()
    resource_count: int = 0


@dataclass(frozen=True)
class Observation:
    """What was observed at `observed_at`, by which sources, and the resources themselves.

    `resources` may be a one-pass iterator (a streamed snapshot): consume it once.
    """

    observed_at: datetime
    sources: tuple[SourceReport, ...]
    resources: Iterable[Resource] = ()
