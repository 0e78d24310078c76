"""The normalized resource model between sources and meters, and the health of the sources that observed it.

Sources turn a provider's native objects into these resources; meters sum them into line items.
Pure data and validation: no I/O. Resources are validated dicts (TypedDicts), which keeps a
million of them cheap to stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, NotRequired, TypeAlias, get_args

from pydantic import ConfigDict, Field, Strict, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

Size = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Count = Annotated[int, Strict(), Field(ge=0)]
Id = Annotated[str, Strict(), Field(min_length=1)]

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

_ALLOW_EXTRA = ConfigDict(extra="allow")


@with_config(_ALLOW_EXTRA)
class _Common(TypedDict):
    id: Id
    name: NotRequired[str]
    region: NotRequired[str]
    project: NotRequired[str]


class Vm(_Common):
    """A cloud host: its vCPU count, memory, CPU clock, architecture and lifecycle state."""

    kind: Literal["vm"]
    vcpu: Count
    memory_gb: Size
    cpu_ghz: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    arch: Arch
    state: VmState
    instance_type: NotRequired[str]


class Volume(_Common):
    """A block volume of the ordinary (`standard`) or high-performance (`performance`) tier."""

    kind: Literal["volume"]
    tier: Tier
    size_gb: Size


class Bucket(_Common):
    """Object ("static") storage in use, in GB (the contract prices it in TB: 1 TB = 1000 GB)."""

    kind: Literal["bucket"]
    size_gb: Size


class Backup(_Common):
    """Host backup capacity (snapshots, backup vault), in GB."""

    kind: Literal["backup"]
    size_gb: Size


class Bandwidth(_Common):
    """Internet bandwidth of one link or shared-bandwidth package, in Mbps (count each link once)."""

    kind: Literal["bandwidth"]
    mbps: Size


class PublicIp(_Common):
    kind: Literal["public_ip"]
    address: NotRequired[str]


class LoadBalancer(_Common):
    kind: Literal["load_balancer"]


class RemoteAccessAccount(_Common):
    kind: Literal["remote_access_account"]


class Waf(_Common):
    kind: Literal["waf"]


Resource: TypeAlias = Vm | Volume | Bucket | Backup | Bandwidth | PublicIp | LoadBalancer | RemoteAccessAccount | Waf

_BY_KIND: Final[dict[str, type[Any]]] = {
    "vm": Vm,
    "volume": Volume,
    "bucket": Bucket,
    "backup": Backup,
    "bandwidth": Bandwidth,
    "public_ip": PublicIp,
    "load_balancer": LoadBalancer,
    "remote_access_account": RemoteAccessAccount,
    "waf": Waf,
}
_ADAPTERS: Final[dict[str, TypeAdapter[Any]]] = {kind: TypeAdapter(cls) for kind, cls in _BY_KIND.items()}
_BATCH: Final[TypeAdapter[list[Any]]] = TypeAdapter(list[Annotated[Resource, Field(discriminator="kind")]])
FIELDS: Final[dict[str, frozenset[str]]] = {
    kind: frozenset(cls.__annotations__) | frozenset(_Common.__annotations__) for kind, cls in _BY_KIND.items()
}


def validate_resource(raw: Mapping[str, Any]) -> Resource:
    """Validate one resource of a known kind; raises pydantic ValidationError. Unknown fields are kept."""
    result: Resource = _ADAPTERS[raw["kind"]].validate_python(raw)
    return result


def validate_batch(raws: list[dict[str, Any]]) -> list[Resource]:
    """Validate many resources of known kinds at once (fast path); raises pydantic ValidationError."""
    return _BATCH.validate_python(raws)


def unknown_fields(resource: Mapping[str, Any]) -> frozenset[str]:
    """Fields a resource carries that its kind does not define."""
    return frozenset(resource.keys() - FIELDS[resource["kind"]])


def resource_json_schema() -> dict[str, Any]:
    """JSON Schema of one resource: a union over the kinds, discriminated by `kind`."""
    return TypeAdapter(Annotated[Resource, Field(discriminator="kind")]).json_schema()


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
    """What one source observed: the kinds it covers, the kinds it failed on (and why), what it skipped."""

    name: str
    covers: frozenset[ResourceKind]
    detail: str = ""
    failed: Mapping[ResourceKind, str] = field(default_factory=dict)
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


__all__ = [
    "KINDS",
    "Observation",
    "Resource",
    "ResourceKind",
    "SourceReport",
    "Unrecognized",
    "ValidationError",
    "resource_json_schema",
    "unknown_fields",
    "validate_batch",
    "validate_resource",
]
