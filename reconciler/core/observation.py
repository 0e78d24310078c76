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
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final, Literal, TypeAlias, get_args

import msgspec

from reconciler.base.messages import Message, redacted
from reconciler.base.numbers import DECIMAL_HINT, decimal_text
from reconciler.base.text import printable

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
MAX_COUNT: Final = 10**9
"""No VM has more vCPUs than this; checked on decoding and, for the sources' own structs, in `__post_init__`."""
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT)]
Number: TypeAlias = Any
"""A size or a clock as decoded: an int, or an exact Decimal (a JSON number with a fraction, through the decoder's
`float_hook`). msgspec would read a JSON string as a Decimal with Python's rules ("５００" and "5_00" as 500), so
the field is decoded as it is written and `__post_init__` refuses anything but a number: a decimal string is
read by `to_resource`, ASCII digits only (`base.numbers`)."""
Size = Annotated[Number, msgspec.Meta(extra_json_schema={"format": "decimal", "minimum": 0})]
"""A non-negative size, exact; checked in `__post_init__`."""
Clock = Annotated[Number, msgspec.Meta(extra_json_schema={"format": "decimal", "exclusiveMinimum": 0})]
DECIMAL_FIELDS: Final = frozenset({"memory_gb", "cpu_ghz", "size_gb", "mbps"})
"""The fields of type Size or Clock: a JSON number, or a decimal string of ASCII digits (`^\\d+(\\.\\d+)?$`)."""


_ZERO: Final = Decimal(0)
_MIN_GHZ: Final = Decimal("0.001")
_MAX_GHZ: Final = Decimal(100)
MAX_SIZE: Final = Decimal("1e15")
"""No single resource is larger than this (10^15 GB or Mbps); larger values are typos or garbage."""


def _in_range(value: Any, low: Decimal = _ZERO, high: Decimal = MAX_SIZE) -> bool:
    if value is True or value is False:
        return False
    try:
        return bool(low <= value <= high)
    except (InvalidOperation, TypeError):  # NaN; a value that is not a number
        return False


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)


def _out_of_range(name: str, value: Any) -> ValueError:
    if value is True or value is False or not isinstance(value, int | Decimal):
        return ValueError(f"{name}: expected a number, found {_json_type(value)}")
    if not isinstance(value, int) and not value.is_finite():
        return ValueError(f"{name}: must be a finite number")
    if value < 0:
        return ValueError(f"{name}: must not be negative")
    return ValueError(f"{name}: must be at most {MAX_SIZE:f}")


_QUOTES: Final = [0]
"""Double quotes the resources decoded since `decode_resources` reset it take in their JSON text (see there).
Each `__post_init__` adds its own, in one expression (it runs for every resource): 2 per member name and 2 per
string value. The required members are always there (kind, id and a kind's own fields, a null where unknown); an
optional string member (name, region, project, instance_type, address) adds 4 when set; an optional member written
as null adds 2 the resource does not hold, and the text is then read exactly. One decoding at a time counts
(`_DECODING`). A struct built in another thread during a decoding would add to the count as well: the product
reads its sources one after another, so this does not arise; an embedding that decodes while another thread
builds resources should read snapshots with `to_resource` instead."""


class _Resource(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, frozen=True, kw_only=True, gc=False):
    id: Id
    name: str | None = None
    region: str | None = None
    project: str | None = None

    def __post_init__(self) -> None:  # the kinds with nothing to check: only their quotes are counted
        _QUOTES[0] += 8 + 4 * ((self.name is not None) + (self.region is not None) + (self.project is not None))


class Vm(_Resource, tag="vm", frozen=True, kw_only=True):
    """A cloud host: its vCPU count, memory, CPU clock, architecture and lifecycle state."""

    vcpu: Count | None
    memory_gb: Size | None
    cpu_ghz: Clock | None
    arch: Arch | None
    state: VmState | None
    instance_type: str | None = None

    def __post_init__(self) -> None:
        _QUOTES[0] += (
            18
            + 2 * ((self.arch is not None) + (self.state is not None))
            + 4
            * (
                (self.name is not None)
                + (self.region is not None)
                + (self.project is not None)
                + (self.instance_type is not None)
            )
        )
        memory, ghz, vcpu = self.memory_gb, self.cpu_ghz, self.vcpu
        try:  # inline, not a helper call: this runs for every VM (a string or a list fails the comparison)
            if (
                (memory is None or (0 <= memory <= MAX_SIZE and memory is not True and memory is not False))
                and (ghz is None or (_MIN_GHZ <= ghz <= _MAX_GHZ and ghz is not True))
                and (vcpu is None or 0 <= vcpu <= MAX_COUNT)  # decoding checks it; a source's own struct may not
            ):
                return
        except (InvalidOperation, TypeError):  # NaN; not a number
            pass
        if vcpu is not None and not (isinstance(vcpu, int) and 0 <= vcpu <= MAX_COUNT):
            raise ValueError(f"vcpu: expected a whole number from 0 to {MAX_COUNT}")
        if memory is not None and not _in_range(memory):
            raise _out_of_range("memory_gb", memory)
        if ghz is not None and not _in_range(ghz, _ZERO):
            raise _out_of_range("cpu_ghz", ghz)
        raise ValueError("cpu_ghz: must be a number greater than 0 and below 100")


class Volume(_Resource, tag="volume", frozen=True, kw_only=True):
    """A block volume of the ordinary (`standard`) or high-performance (`performance`) tier, in GB."""

    tier: Tier | None
    size_gb: Size | None

    def __post_init__(self) -> None:
        _QUOTES[0] += (
            12
            + 2 * (self.tier is not None)
            + 4 * ((self.name is not None) + (self.region is not None) + (self.project is not None))
        )
        size = self.size_gb
        try:  # inline, not a helper call: this runs for every resource (a string or a list fails the comparison)
            if size is None or (0 <= size <= MAX_SIZE and size is not True and size is not False):
                return
        except (InvalidOperation, TypeError):  # NaN; not a number
            pass
        raise _out_of_range("size_gb", size)


class Bucket(_Resource, tag="bucket", frozen=True, kw_only=True):
    """Object ("static") storage in use, in GB (the contract prices it in TB: 1 TB = 1000 GB)."""

    size_gb: Size | None

    def __post_init__(self) -> None:
        _QUOTES[0] += 10 + 4 * ((self.name is not None) + (self.region is not None) + (self.project is not None))
        size = self.size_gb
        try:  # inline, not a helper call: this runs for every resource (a string or a list fails the comparison)
            if size is None or (0 <= size <= MAX_SIZE and size is not True and size is not False):
                return
        except (InvalidOperation, TypeError):  # NaN; not a number
            pass
        raise _out_of_range("size_gb", size)


class Backup(_Resource, tag="backup", frozen=True, kw_only=True):
    """Host backup capacity (snapshots, backup vault), in GB."""

    size_gb: Size

    def __post_init__(self) -> None:
        _QUOTES[0] += 10 + 4 * ((self.name is not None) + (self.region is not None) + (self.project is not None))
        size = self.size_gb
        try:  # inline, not a helper call: this runs for every resource (a string or a list fails the comparison)
            if size is None or (0 <= size <= MAX_SIZE and size is not True and size is not False):
                return
        except (InvalidOperation, TypeError):  # NaN; not a number
            pass
        raise _out_of_range("size_gb", size)


class Bandwidth(_Resource, tag="bandwidth", frozen=True, kw_only=True):
    """Internet bandwidth of one link or shared-bandwidth package, in Mbps (count each link once)."""

    mbps: Size

    def __post_init__(self) -> None:
        _QUOTES[0] += 10 + 4 * ((self.name is not None) + (self.region is not None) + (self.project is not None))
        mbps = self.mbps
        try:  # inline, not a helper call: this runs for every resource (a string or a list fails the comparison)
            if 0 <= mbps <= MAX_SIZE and mbps is not True and mbps is not False:
                return
        except (InvalidOperation, TypeError):  # NaN; not a number
            pass
        raise _out_of_range("mbps", mbps)


class PublicIp(_Resource, tag="public_ip", frozen=True, kw_only=True):
    address: str | None = None

    def __post_init__(self) -> None:
        _QUOTES[0] += 8 + 4 * (
            (self.name is not None)
            + (self.region is not None)
            + (self.project is not None)
            + (self.address is not None)
        )


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
_LIST: Final = msgspec.json.Decoder(list[Resource], float_hook=Decimal)


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


class NotExact(NotAList):
    """The text holds a member twice, or a null where a member may be left out: read it exactly instead."""


def decode_resources(text: str) -> list[Resource]:
    """Decode a JSON array of resources (fast path). NotAList if the text is not valid JSON, or if it must be read
    exactly (NotExact); ResourceError (with the element's index as the path) if an element is not a valid resource.

    msgspec keeps the last of a member given twice. So the text's double quotes are counted against those the
    decoded resources account for (`_QUOTES`): a member given twice, or an optional one given as null, adds quotes
    the resources do not hold, and the text is refused here for the exact reader, which names the member.
    """
    with _DECODING:
        _QUOTES[0] = 0
        try:
            resources = _LIST.decode(text)
        except msgspec.ValidationError as exc:
            raise _resource_error(exc) from exc
        except msgspec.DecodeError as exc:
            raise NotAList(str(exc)) from exc
        if _QUOTES[0] != text.count('"') - (_escaped_quotes(text) if "\\" in text else 0):
            raise NotExact("the text's members do not match the resources decoded")
        return resources


_DECODING: Final = threading.Lock()
"""One decoding at a time counts into `_QUOTES`."""


def _escaped_quotes(text: str) -> int:
    """Quotes inside strings, written `\\"`: those after an odd run of backslashes (`\\\\"` ends a string)."""
    escaped, run, sign = 0, 1, 1
    while found := text.count("\\" * run + '"'):
        escaped += sign * found
        run, sign = run + 1, -sign
    return escaped


def to_resource(raw: Mapping[str, Any]) -> Resource:
    """Validate one decoded resource of a known kind and known fields; ResourceError if it is invalid.
    A size or clock written as a string is read with ASCII digits only (`^\\d+(\\.\\d+)?$`)."""
    strings = [name for name in DECIMAL_FIELDS.intersection(raw) if isinstance(raw[name], str)]
    if strings:
        raw = dict(raw)
        for name in strings:
            number = decimal_text(raw[name])
            if number is None:
                raise ResourceError(f".{name}", f"expected {DECIMAL_HINT}; got {raw[name]!r}")
            raw[name] = number
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
                    prop.pop("type", None), prop.pop("format")
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

    def __post_init__(self) -> None:  # names and ids from the input, shown in every output: printable
        object.__setattr__(self, "name", printable(self.name))
        object.__setattr__(self, "kind", printable(self.kind))
        object.__setattr__(self, "sample_ids", tuple(map(printable, self.sample_ids)))


@dataclass(frozen=True)
class TableEntryUse:
    """One entry of a source's mapping tables that stated attributes of observed resources (a family's clock and
    architecture, what an instance state means, a volume type's tier): which entry, what it states, where it
    comes from and on what evidence, and how many resources it decided. The reconcile core names it on every
    line item whose figure reads one of its `attributes`, so no figure rests on a table unexplained."""

    table: str
    """The table's name in the tables file: `families`, `instance_states`, `volume_tiers`, `instance_types`, ..."""
    key: str
    kind: ResourceKind
    attributes: tuple[str, ...]
    """The resource attributes the entry decided (`cpu_ghz`, `arch`, `state`, `tier`, `memory_gb`)."""
    values: tuple[tuple[str, str], ...]
    """What the entry states, as (field, value) text: (("cpu_ghz", "2.6"), ("arch", "x86_64"))."""
    origin: str
    """The tables file it was read from, or `built-in` for the source's documented defaults."""
    evidence: Message | None
    """Where the figure comes from (a document, a ticket, an lscpu output), as the tables file says (its text), or
    the documented default's reference (a message); None: not said."""
    count: int
    sample_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceReport:
    """What one source observed: the kinds it covers, the kinds it failed on (and why), the kinds whose
    listing may be incomplete (and why), what it skipped, and the table entries its mapping rested on. For a
    failed or incomplete kind, what was seen counts toward the lower bound of its line items and their upper
    bound is open."""

    name: str
    covers: frozenset[ResourceKind]
    detail: Message | None = None
    """What the source read (files, a cluster, a stack) and what its tables could not decide, as one message."""
    failed: Mapping[ResourceKind, Message] = field(default_factory=dict)
    incomplete: Mapping[ResourceKind, Message] = field(default_factory=dict)
    unrecognized: tuple[Unrecognized, ...] = ()
    resource_count: int = 0
    table_entries: tuple[TableEntryUse, ...] = ()
    planned: bool = False
    """The source read a planned change (a Terraform plan, a Pulumi preview): what will be once it is applied."""

    def __post_init__(self) -> None:
        """Every text printable: a file name, a server's error message or a header from the input may hold
        control characters or undecodable bytes, and every output shows these."""
        object.__setattr__(self, "name", printable(self.name))
        if self.detail is not None:
            object.__setattr__(self, "detail", redacted(self.detail, printable))
        object.__setattr__(self, "failed", {kind: redacted(why, printable) for kind, why in self.failed.items()})
        object.__setattr__(
            self, "incomplete", {kind: redacted(why, printable) for kind, why in self.incomplete.items()}
        )


@dataclass(frozen=True)
class Observation:
    """What was observed at `observed_at`, by which sources, and the resources themselves.

    `resources` may be a one-pass iterator (a streamed snapshot): consume it once.
    """

    observed_at: datetime
    sources: tuple[SourceReport, ...]
    resources: Iterable[Resource] = ()
