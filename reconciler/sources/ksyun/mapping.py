"""From Kingsoft Cloud API response bodies to normalized resources: the APIs the ksyun source calls, how each
pages, and how its items become resources. Serves the live API and the native export file alike.

Pure: no I/O, no SDK. `reconciler.sources.ksyun.source` fetches the pages (or reads them from a file) and calls
`observe`; a structurally malformed body raises `Malformed` with a field path, which the live source turns
into a failed kind and the file source into an InputError.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal, TypeAlias

from reconciler.base.messages import Message, message
from reconciler.base.numbers import DECIMAL_HINT, exact_number
from reconciler.core.observation import (
    Backup,
    Bandwidth,
    Bucket,
    LoadBalancer,
    PublicIp,
    RemoteAccessAccount,
    Resource,
    ResourceKind,
    Unrecognized,
    Vm,
    Volume,
    Waf,
    kind_of,
)
from reconciler.sources.base import EntryUses, Held, dotted_get
from reconciler.sources.ksyun.tables import (
    FAMILIES,
    INSTANCE_STATES,
    REMOTE_ACCESS,
    VOLUME_TIERS,
    WAF_PRODUCT_GROUPS,
    Tables,
    family_of,
)

Paging: TypeAlias = Literal["marker", "page", "token", "numbered", "none"]
BYTES_PER_GB: Final = Decimal(1024) ** 3
"""KS3 reports bytes; like block storage, object storage counts binary GB as the contract's GB."""


@dataclass(frozen=True)
class Api:
    """One list action of one service: how it pages and where its items are."""

    service: str
    version: str
    action: str
    paging: Paging
    items_key: str
    kinds: tuple[ResourceKind, ...]
    id_key: str
    """The field holding each item's id (what the listing checks count)."""
    total_key: str | None = None
    project_scoped: bool = False
    regional: bool = True
    method: Literal["POST", "GET"] = "POST"
    json_body: bool = False
    """The action takes a JSON body (`POST /?Action=...`), as trade QueryInstances does."""


PROJECTS: Final = Api(
    "iam", "2015-11-01", "GetAccountAllProjectList", "none", "ListProjectResult.ProjectList", (), "ProjectId",
    regional=False,
)  # fmt: skip
"""Listed first: without `ProjectId.N` the project-scoped APIs return only the default project (0)."""

APIS: Final[tuple[Api, ...]] = (
    Api("kec", "2016-03-04", "DescribeInstances", "marker", "InstancesSet", ("vm",), "InstanceId", "InstanceCount",
        project_scoped=True),
    Api("ebs", "2016-03-04", "DescribeVolumes", "marker", "Volumes", ("volume",), "VolumeId"),
    Api("kec", "2016-03-04", "DescribeLocalVolumes", "marker", "LocalVolumeSet", ("volume",), "LocalVolumeId",
        "LocalVolumeCount"),
    Api("ebs", "2016-03-04", "DescribeSnapshots", "page", "Snapshots", ("backup",), "SnapshotId"),
    Api("kec", "2016-03-04", "DescribeLocalVolumeSnapshots", "marker", "LocalVolumeSnapshotSet", ("backup",),
        "LocalVolumeSnapshotId", "LocalVolumeSnapshotCount"),
    Api("eip", "2016-03-04", "DescribeAddresses", "token", "AddressesSet", ("public_ip", "bandwidth"), "AllocationId",
        project_scoped=True),
    Api("bws", "2016-03-04", "DescribeBandWidthShares", "token", "BandWidthShareSet", ("bandwidth",),
        "BandWidthShareId", project_scoped=True),
    Api("slb", "2016-03-04", "DescribeLoadBalancers", "token", "LoadBalancerDescriptions", ("load_balancer",),
        "LoadBalancerId", "TotalCount", project_scoped=True),
)  # fmt: skip
KS3_BUCKETS: Final = "ListBuckets"
KS3_USAGE: Final = Api(
    "ks3bill", "v1", "QueryKs3Data", "none", "Data.Buckets", ("bucket",), "BucketName", regional=False, method="GET"
)
"""Bucket sizes (bytes of standard, infrequent-access and archive data); the bucket list comes from KS3 itself."""

REFERENCE_APIS: Final[tuple[Api, ...]] = (
    Api("kec", "2016-03-04", "DescribeInstanceTypeConfigs", "none", "InstanceTypeConfigSet", (), "InstanceType"),
    Api("kec", "2016-03-04", "DescribeInstanceFamilys", "none", "InstanceFamilySet", (), "InstanceFamily"),
)
"""What the API reports of instance types and families (vCPU, memory, family names; no clock, no architecture):
read by `reconciler tables init` to help fill the family table, never counted. An export may hold them."""

REMOTE_ACCESS_APIS: Final[dict[str, Api]] = {
    "vpn_gateway": Api("vpc", "2016-03-04", "DescribeVpnGateways", "token", "VpnGatewaySet",
                       ("remote_access_account",), "VpnGatewayId", project_scoped=True),
    "vpn_tunnel": Api("vpc", "2016-03-04", "DescribeVpnTunnels", "token", "VpnTunnelSet",
                      ("remote_access_account",), "VpnTunnelId"),
    "remote_management": Api("epc", "2015-11-01", "DescribeRemoteManagements", "none", "RemoteManagementSet",
                             ("remote_access_account",), "RemoteManagementId"),
}  # fmt: skip
"""The listings that may stand for remote-access accounts, by their key in the `remote_access` table; a listing
is read for a check only when the table says its items count (docs/sources.md)."""
TRADE_INSTANCES: Final = Api(
    "trade", "2025-08-28", "QueryInstances", "numbered", "Data.RetResponse", ("waf",), "instanceId", "Data.Total",
    regional=False, json_body=True,
)  # fmt: skip
"""Purchased instances by product group (`productGroup`); read for a check per group the `waf_product_groups`
table says counts, each opened instance (status 2) one WAF instance. No WAF API lists WAF instances."""
OPENED: Final = 2
"""trade `status` of an opened (in service) instance."""

API_BY_ACTION: Final[dict[str, Api]] = {
    api.action: api
    for api in (PROJECTS, *APIS, KS3_USAGE, *REFERENCE_APIS, *REMOTE_ACCESS_APIS.values(), TRADE_INSTANCES)
}
KIND_ACTIONS: Final[dict[ResourceKind, tuple[str, ...]]] = {
    "vm": ("DescribeInstances",),
    "volume": ("DescribeVolumes", "DescribeLocalVolumes"),
    "backup": ("DescribeSnapshots", "DescribeLocalVolumeSnapshots"),
    "public_ip": ("DescribeAddresses",),
    "bandwidth": ("DescribeAddresses", "DescribeBandWidthShares"),
    "load_balancer": ("DescribeLoadBalancers",),
    "bucket": (KS3_BUCKETS, "QueryKs3Data"),
}
"""Every kind the source observes and the actions it needs, all of them, to observe it completely."""
KINDS: Final[tuple[ResourceKind, ...]] = (*KIND_ACTIONS, "remote_access_account", "waf")


def kind_actions(tables: Tables) -> dict[ResourceKind, tuple[str, ...]]:
    """The kinds a check observes and the actions each needs: the fixed ones, and remote-access accounts and WAF
    instances when the tables say which listings count (none by default: those kinds are then not observed)."""
    actions = dict(KIND_ACTIONS)
    remote = tuple(
        REMOTE_ACCESS_APIS[key].action for key in tables.counting(REMOTE_ACCESS) if key in REMOTE_ACCESS_APIS
    )
    if remote:
        actions["remote_access_account"] = remote
    if tables.counting(WAF_PRODUCT_GROUPS):
        actions["waf"] = (TRADE_INSTANCES.action,)
    return actions


def listed_apis(tables: Tables) -> tuple[Api, ...]:
    """The list APIs a check reads: every resource listing, and those the tables make count."""
    remote = [REMOTE_ACCESS_APIS[key] for key in tables.counting(REMOTE_ACCESS) if key in REMOTE_ACCESS_APIS]
    waf = [TRADE_INSTANCES] if tables.counting(WAF_PRODUCT_GROUPS) else []
    return (*APIS, *remote, *waf)


PAGE_SIZE: Final = 100
MAX_PROJECTS_PER_CALL: Final = 100


class Malformed(ValueError):
    """A response body not of the action's shape; `path` is inside the body (e.g. `InstancesSet[2].VCPU`)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class BodyError:
    """An `Error` object in a response body (inside a 200 too: some services answer errors that way)."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


def body_error(body: Mapping[str, Any]) -> BodyError | None:
    """The error a body carries (`Error` or lower-case `error`), if any."""
    error = body.get("Error", body.get("error"))
    if not error:
        return None
    if isinstance(error, Mapping):
        code = error.get("Code", error.get("code")) or "UnknownError"
        message = error.get("Message", error.get("message")) or ""
        return BodyError(str(code), str(message))
    return BodyError("UnknownError", str(error))


def items_of(api: Api, body: Any) -> list[Mapping[str, Any]]:
    """The items of one page; Malformed if the body is not an object or its item list is not a list of objects."""
    if not isinstance(body, Mapping):
        raise Malformed("", f"expected a JSON object, found {type(body).__name__}")
    items = dotted_get(body, api.items_key)
    if items is None:
        return []  # empty lists are left out by some services
    if not isinstance(items, list):
        raise Malformed(api.items_key, f"expected a list, found {type(items).__name__}")
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise Malformed(f"{api.items_key}[{index}]", "expected an object")
    return items


def total_of(api: Api, body: Mapping[str, Any]) -> int | None:
    """The item count of the whole listing a page tells, where its API tells one."""
    return int_or_none(dotted_get(body, api.total_key)) if api.total_key else None


def int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def ids_of(api: Api, items: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ids of a page's items, in order (items without one are left out: the mapping reports them)."""
    return [str(item[api.id_key]) for item in items if item.get(api.id_key) not in (None, "")]


# --- items -> resources ------------------------------------------------------------------------------------


Page: TypeAlias = tuple[str | None, Any]
"""(region, body) of one page as fetched."""


@dataclass
class Mapped:
    resources: list[Resource] = field(default_factory=list)
    failed: dict[ResourceKind, list[Message]] = field(default_factory=lambda: defaultdict(list))
    unknown: dict[ResourceKind, list[Message]] = field(default_factory=lambda: defaultdict(list))
    """Values the tables cannot decide, by kind: those resources are counted with the attribute unknown."""
    unrecognized: list[Unrecognized] = field(default_factory=list)
    uses: EntryUses = field(default_factory=EntryUses)
    """The table entries that decided attributes of the resources (their provenance)."""


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = _optional_text(item, key, where)
    if value is None:
        raise Malformed(f"{where}.{key}", "required field is missing")
    return value


def _optional_text(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list, bool)):
        raise Malformed(f"{where}.{key}", f"expected a string, found {type(value).__name__}")
    return str(value)


def _number(item: Mapping[str, Any], dotted: str, where: str) -> Decimal:
    value = dotted_get(item, dotted)
    if value is None or value == "":
        raise Malformed(f"{where}.{dotted}", "required field is missing")
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise Malformed(f"{where}.{dotted}", f"expected a number, found {type(value).__name__}")
    number = exact_number(value)
    if number is None:
        raise Malformed(f"{where}.{dotted}", f"expected {DECIMAL_HINT}, found {value!r}")
    if not number.is_finite() or number < 0:
        raise Malformed(f"{where}.{dotted}", f"expected a non-negative number, found {value!r}")
    return number


def _project(item: Mapping[str, Any]) -> str | None:
    value = item.get("ProjectId")
    return None if value is None or value == "" else str(value)


class _Gaps:
    """Values missing from a table (or blank in it), by kind and value, with sample ids (reported, never guessed:
    the resource is counted with the attribute unknown, so it widens its line items' bounds)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.held: dict[tuple[ResourceKind, str, str, str], Held] = defaultdict(Held)

    def add(self, kind: ResourceKind, table: str, what: str, value: str, rid: str) -> None:
        self.held[(kind, table, what, value)].add(rid)

    def reasons(self) -> dict[ResourceKind, list[Message]]:
        reasons: dict[ResourceKind, list[Message]] = defaultdict(list)
        for (kind, table, what, value), held in sorted(self.held.items()):
            blank = self.tables.blanks.get((table, value))
            values = {"count": held.count, "field": message(what), "value": value, "samples": held.sample_text()}
            reasons[kind].append(
                message("ksyun_blank_in_tables", blank=", ".join(blank), **values)
                if blank
                else message("ksyun_not_in_tables", **values)
            )
        return reasons


def _instances(
    items: Iterable[tuple[str, Mapping[str, Any], str | None]], tables: Tables, gaps: _Gaps, uses: EntryUses
) -> list[Vm]:
    vms = []
    for where, item, region in items:
        rid = _text(item, "InstanceId", where)
        instance_type = _text(item, "InstanceType", where)
        configure = item.get("InstanceConfigure")
        if not isinstance(configure, Mapping):
            raise Malformed(f"{where}.InstanceConfigure", "required object is missing")
        vcpu = _number(item, "InstanceConfigure.VCPU", where)
        if vcpu != vcpu.to_integral_value():
            raise Malformed(f"{where}.InstanceConfigure.VCPU", f"expected a whole number, found {vcpu}")
        memory = _number(item, "InstanceConfigure.MemoryGb", where)
        state_name = dotted_get(item, "InstanceState.Name")
        if not isinstance(state_name, str) or not state_name:
            raise Malformed(f"{where}.InstanceState.Name", "required field is missing")
        family = tables.family(instance_type)
        state = tables.instance_states.get(state_name)
        if family is None or family.cpu_ghz is None or family.arch is None:
            gaps.add("vm", FAMILIES, "ksyun_field_family", family_of(instance_type), rid)
        if family is not None:
            uses.add(FAMILIES, family_of(instance_type), "vm", family.values(), rid)
        if state is None:
            gaps.add("vm", INSTANCE_STATES, "ksyun_field_state", state_name, rid)
        else:
            uses.add(INSTANCE_STATES, state_name, "vm", (("state", state),), rid)
        vms.append(
            Vm(
                id=rid,
                name=_optional_text(item, "InstanceName", where),
                region=region,
                project=_project(item),
                vcpu=int(vcpu),
                memory_gb=memory,
                cpu_ghz=None if family is None else family.cpu_ghz,
                arch=None if family is None else family.arch,
                state=state,
                instance_type=instance_type,
            )
        )
    return vms


def _volumes(
    items: Iterable[tuple[str, Mapping[str, Any], str | None]],
    tables: Tables,
    gaps: _Gaps,
    uses: EntryUses,
    keys: tuple[str, str, str, str],
) -> list[Volume]:
    id_key, name_key, size_key, type_key = keys
    volumes = []
    for where, item, region in items:
        rid = _text(item, id_key, where)
        volume_type = _text(item, type_key, where)
        size = _number(item, size_key, where)
        entry = tables.tier_entry(volume_type)
        tier = None if entry is None else entry[1]
        if entry is None:
            gaps.add("volume", VOLUME_TIERS, "ksyun_field_volume_type", volume_type, rid)
        else:
            uses.add(VOLUME_TIERS, entry[0], "volume", (("tier", entry[1]),), rid)
        volumes.append(
            Volume(
                id=rid,
                name=_optional_text(item, name_key, where),
                region=region,
                project=_project(item),
                size_gb=size,
                tier=tier,
            )
        )
    return volumes


def _backups(items: Iterable[tuple[str, Mapping[str, Any], str | None]], keys: tuple[str, str, str]) -> list[Backup]:
    id_key, name_key, size_key = keys
    backups = []
    for where, item, region in items:
        rid = _text(item, id_key, where)
        backups.append(
            Backup(
                id=rid,
                name=_optional_text(item, name_key, where),
                region=region,
                project=_project(item),
                size_gb=_number(item, size_key, where),
            )
        )
    return backups


def _walk(action: str, pages: Sequence[Page]) -> list[tuple[str, Mapping[str, Any], str | None]]:
    api = API_BY_ACTION[action]
    walked = []
    for number, (region, body) in enumerate(pages):
        try:
            items = items_of(api, body)
        except Malformed as exc:
            raise Malformed(f"{action}[{number}]" + (f".{exc.path}" if exc.path else ""), exc.reason) from None
        for index, item in enumerate(items):
            walked.append((f"{action}[{number}].{api.items_key}[{index}]", item, region))
    return walked


def map_pages(
    pages: Mapping[str, Sequence[Page]], tables: Tables, bucket_names: Sequence[tuple[str, str | None]] = ()
) -> Mapped:
    """Resources from the pages of every action given (an action left out yields nothing: the caller decides
    what that means for coverage). Malformed names the action, page and field. Items whose family, state or
    volume type are not in the tables are counted with that attribute unknown (clock and arch, state, tier),
    and named in `unknown` with the values and sample ids."""
    mapped = Mapped()
    gaps = _Gaps(tables)
    seen: set[tuple[str, str]] = set()

    def add(resources: Iterable[Resource]) -> None:
        for resource in resources:
            key = (type(resource).__name__, resource.id)
            if key not in seen:  # project chunks and regions may repeat an item; count it once
                seen.add(key)
                mapped.resources.append(resource)
                mapped.uses.commit(kind_of(resource), resource.id)

    if "DescribeInstances" in pages:
        add(_instances(_walk("DescribeInstances", pages["DescribeInstances"]), tables, gaps, mapped.uses))
    if "DescribeVolumes" in pages:
        keys = ("VolumeId", "VolumeName", "Size", "VolumeType")
        add(_volumes(_walk("DescribeVolumes", pages["DescribeVolumes"]), tables, gaps, mapped.uses, keys))
    if "DescribeLocalVolumes" in pages:
        keys = ("LocalVolumeId", "LocalVolumeName", "LocalVolumeSize", "LocalVolumeType")
        local = _walk("DescribeLocalVolumes", pages["DescribeLocalVolumes"])
        add(_volumes(local, tables, gaps, mapped.uses, keys))
    if "DescribeSnapshots" in pages:
        add(_backups(_walk("DescribeSnapshots", pages["DescribeSnapshots"]), ("SnapshotId", "SnapshotName", "Size")))
    if "DescribeLocalVolumeSnapshots" in pages:
        keys3 = ("LocalVolumeSnapshotId", "LocalVolumeSnapshotName", "DiskSize")
        add(_backups(_walk("DescribeLocalVolumeSnapshots", pages["DescribeLocalVolumeSnapshots"]), keys3))
    if "DescribeAddresses" in pages:
        add(_addresses(_walk("DescribeAddresses", pages["DescribeAddresses"])))
    if "DescribeBandWidthShares" in pages:
        add(_shares(_walk("DescribeBandWidthShares", pages["DescribeBandWidthShares"])))
    if "DescribeLoadBalancers" in pages:
        add(_balancers(_walk("DescribeLoadBalancers", pages["DescribeLoadBalancers"])))
    if "QueryKs3Data" in pages:
        add(_buckets(_walk("QueryKs3Data", pages["QueryKs3Data"]), bucket_names, mapped))
    for key in tables.counting(REMOTE_ACCESS):
        api = REMOTE_ACCESS_APIS.get(key)
        if api is not None and api.action in pages:
            add(_counted(_walk(api.action, pages[api.action]), api, RemoteAccessAccount, (REMOTE_ACCESS, key), mapped))
    if TRADE_INSTANCES.action in pages:
        add(_waf_instances(_walk(TRADE_INSTANCES.action, pages[TRADE_INSTANCES.action]), tables, mapped))
    for kind, reasons in gaps.reasons().items():
        mapped.unknown[kind].extend(reasons)
    return mapped


def _counted(
    items: Iterable[tuple[str, Mapping[str, Any], str | None]],
    api: Api,
    cls: type[RemoteAccessAccount],
    entry: tuple[str, str],
    mapped: Mapped,
) -> list[Resource]:
    """One resource per item of a listing a table entry says counts (a VPN tunnel as a remote-access account)."""
    resources: list[Resource] = []
    for where, item, region in items:
        rid = _text(item, api.id_key, where)
        name = _optional_text(item, "Name", where) or _optional_text(item, api.id_key.replace("Id", "Name"), where)
        resources.append(cls(id=rid, name=name, region=region, project=_project(item)))
        mapped.uses.add(entry[0], entry[1], "remote_access_account", (("listing", api.action),), rid)
    return resources


def _waf_instances(
    items: Iterable[tuple[str, Mapping[str, Any], str | None]], tables: Tables, mapped: Mapped
) -> list[Resource]:
    """One WAF instance per opened instance (status 2) of a product group the tables say is WAF; other groups and
    instances not opened are not counted (the request asks for the counting groups only)."""
    groups = set(tables.counting(WAF_PRODUCT_GROUPS))
    resources: list[Resource] = []
    for where, item, region in items:
        rid = _text(item, "instanceId", where)
        group = _optional_text(item, "productGroup", where)
        if group not in groups or int_or_none(item.get("status")) != OPENED:
            continue
        name = _optional_text(item, "instanceName", where) or _optional_text(item, "productTypeName", where)
        resources.append(Waf(id=rid, name=name, region=_optional_text(item, "region", where) or region))
        mapped.uses.add(WAF_PRODUCT_GROUPS, group, "waf", (("listing", f"QueryInstances productGroup {group}"),), rid)
    return resources


def _addresses(items: Iterable[tuple[str, Mapping[str, Any], str | None]]) -> list[Resource]:
    """Each EIP is a public IP; its bandwidth counts on its own only outside a shared-bandwidth package."""
    resources: list[Resource] = []
    for where, item, region in items:
        rid = _text(item, "AllocationId", where)
        address = _optional_text(item, "PublicIp", where)
        project = _project(item)
        resources.append(PublicIp(id=rid, name=address, region=region, project=project, address=address))
        mbps = _number(item, "BandWidth", where)
        if _optional_text(item, "BandWidthShareId", where) is None:
            resources.append(Bandwidth(id=rid, name=address, region=region, project=project, mbps=mbps))
    return resources


def _shares(items: Iterable[tuple[str, Mapping[str, Any], str | None]]) -> list[Resource]:
    resources: list[Resource] = []
    for where, item, region in items:
        rid = _text(item, "BandWidthShareId", where)
        resources.append(
            Bandwidth(
                id=rid,
                name=_optional_text(item, "BandWidthShareName", where),
                region=region,
                project=_project(item),
                mbps=_number(item, "BandWidth", where),
            )
        )
    return resources


def _balancers(items: Iterable[tuple[str, Mapping[str, Any], str | None]]) -> list[Resource]:
    resources: list[Resource] = []
    for where, item, region in items:
        rid = _text(item, "LoadBalancerId", where)
        name = _optional_text(item, "LoadBalancerName", where)
        resources.append(LoadBalancer(id=rid, name=name, region=region, project=_project(item)))
    return resources


USAGE_FIELDS: Final = ("StandardDataSize", "StandardIADataSize", "ArchiveDataSize")


def _buckets(
    items: Iterable[tuple[str, Mapping[str, Any], str | None]],
    bucket_names: Sequence[tuple[str, str | None]],
    mapped: Mapped,
) -> list[Resource]:
    """One Bucket per listed bucket, sized by the usage rows (bytes -> binary GB). A listed bucket with no
    usage row has an unknown size (no upper bound), not a zero."""
    sizes: dict[str, Decimal] = {}
    for where, item, _region in items:
        name = _text(item, "BucketName", where)
        sizes[name] = sum((_number(item, key, where) for key in USAGE_FIELDS if key in item), Decimal(0))
    resources: list[Resource] = []
    missing = Held()
    for name, region in bucket_names:
        size = sizes.get(name)
        if size is None:
            missing.add(name)
        resources.append(
            Bucket(id=name, name=name, region=region, size_gb=None if size is None else size / BYTES_PER_GB)
        )
    if missing.count:
        mapped.unknown["bucket"].append(message("ks3_no_usage", count=missing.count, samples=missing.sample_text()))
    return resources


@dataclass
class Pages:
    """What was fetched or read: pages per action, actions that failed (with why), KS3 bucket names."""

    pages: dict[str, list[Page]]
    failed: dict[str, Message]
    buckets: list[tuple[str, str | None]]
    bucket_list_read: bool = False
    incomplete: dict[str, Message] = field(default_factory=dict)
    """Actions whose listings may be incomplete, and why: their pages count, more items may exist."""
