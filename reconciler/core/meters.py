"""Meters: how observed resources count toward the contract's line items, following its wording.

Called by the reconcile core (and the benchmark) with any iterable of normalized resources; one pass.
Pure: no I/O, no clock. The table `METERS` is the whole mapping, one row per line item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from operator import attrgetter
from typing import Any, Final, get_args

from reconciler.base.messages import Message, message
from reconciler.base.money import arithmetic
from reconciler.contract.model import Constraints, Contract, LineItemId
from reconciler.core.models import SetAsideRule
from reconciler.core.observation import RESOURCE_CLASS, Resource, ResourceKind, Vm, VmState, Volume

GB_PER_TB: Final = Decimal(1000)
"""Contract units: Art. 2.2 prices 4.648 TB of static storage beside 4648 GB of backup, so 1 TB = 1000 GB."""


@dataclass(frozen=True)
class Meter:
    """One line item's rule: which kind counts, which of them (`where`), how much each counts (`amount`)."""

    line_item: LineItemId
    kind: ResourceKind
    amount: str | None
    """The attribute summed (`vcpu`, `size_gb`); None: each resource counts one."""
    where: tuple[tuple[str, str], ...] = ()
    """Attribute values a resource must have to count here (a volume's tier); an unknown one: it may count."""
    per_unit: Decimal = Decimal(1)
    """Divide the summed amount by this to get the line item's unit (GB -> TB)."""
    description: str = ""

    def amount_of(self) -> Callable[[Any], Decimal | int | None] | None:
        """The getter of the amount summed; None: each resource counts one (the meters' batches count those)."""
        return None if self.amount is None else attrgetter(self.amount)

    def amount_in(self, resource: Any) -> Decimal | int | None:
        """What one resource of this meter's kind counts: its amount (None when not known), or 1 when each
        resource counts one."""
        return 1 if self.amount is None else getattr(resource, self.amount)


METERS: Final[tuple[Meter, ...]] = (
    Meter(LineItemId.COMPUTE_VCPU, "vm", "vcpu", description="sum of vcpu of VMs"),
    Meter(LineItemId.COMPUTE_MEMORY, "vm", "memory_gb", description="sum of memory_gb of VMs"),
    Meter(
        LineItemId.STORAGE_STANDARD,
        "volume",
        "size_gb",
        (("tier", "standard"),),
        description="sum of size_gb of volumes of tier standard",
    ),
    Meter(
        LineItemId.STORAGE_PERFORMANCE,
        "volume",
        "size_gb",
        (("tier", "performance"),),
        description="sum of size_gb of volumes of tier performance",
    ),
    Meter(
        LineItemId.STORAGE_OBJECT,
        "bucket",
        "size_gb",
        per_unit=GB_PER_TB,
        description="sum of size_gb of buckets / 1000 (TB)",
    ),
    Meter(LineItemId.BACKUP_HOST, "backup", "size_gb", description="sum of size_gb of backups"),
    Meter(LineItemId.NETWORK_BANDWIDTH, "bandwidth", "mbps", description="sum of mbps of links"),
    Meter(LineItemId.NETWORK_PUBLIC_IP, "public_ip", None, description="count of public IPs"),
    Meter(LineItemId.NETWORK_LOAD_BALANCER, "load_balancer", None, description="count of load balancers"),
    Meter(
        LineItemId.NETWORK_REMOTE_ACCESS,
        "remote_access_account",
        None,
        description="count of remote-access (VPN) accounts",
    ),
    Meter(LineItemId.SECURITY_WAF, "waf", None, description="count of WAF instances"),
)
METER_BY_ITEM: Final[dict[LineItemId, Meter]] = {m.line_item: m for m in METERS}


def attributes_read(meter: Meter, constraints: Constraints) -> frozenset[str]:
    """The resource attributes a line item's figure reads: what decides whether a resource counts (a VM's state
    and the constraints' arch and clock, a volume's tier), the amount summed, and `listing` (a table entry that
    made a listing's items resources of the kind). A table entry that decided one of them is part of the
    figure's provenance."""
    read = {name for name, _ in meter.where} | {"listing"}  # which listings count at all (remote access, WAF)
    if meter.amount is not None:
        read.add(meter.amount)
    if meter.kind == "vm":
        read.add("state")
        if constraints.arch is not None:
            read.add("arch")
        if constraints.min_cpu_ghz is not None:
            read.add("cpu_ghz")
    return frozenset(read)


@dataclass(frozen=True)
class MeterPolicy:
    """Choices the contract leaves open. Default: running and stopped VMs count (capacity stays allocated)."""

    counted_vm_states: frozenset[VmState] = frozenset({"running", "stopped"})


@dataclass
class SetAsideGroup:
    """Resources of a line item's kind set aside by one rule (a constraint or a state), with what they hold."""

    rule: SetAsideRule
    detail: Message
    subject: str
    """The value that failed the rule: an arch, a clock, a state."""
    limit: str = ""
    """What the rule requires (x86_64, 2.4); empty for policy rules."""
    cell: list[Decimal | int] = field(default_factory=lambda: [0])
    ids: list[str] = field(default_factory=list)
    """Every member; one whose amount is not known adds nothing to `quantity`."""

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.cell[0])


@dataclass
class UncertainGroup:
    """Resources that widen a line item's bounds, grouped by what is not known of them.

    `certain`: they count, only their amount is unknown (lower bound 0 each, no upper bound). Otherwise they
    may count: an attribute that decides (`arch`, `cpu_ghz`, `state`, `tier`) is unknown; their known amounts
    add to the upper bound only, and an unknown amount (in `unknown` too) leaves it open."""

    certain: bool
    unknown: tuple[str, ...]
    cell: list[Decimal | int] = field(default_factory=lambda: [0])
    ids: list[str] = field(default_factory=list)

    @property
    def bounded(self) -> bool:
        """Whether every member's amount is known (else the line item has no upper bound)."""
        return not self.certain and not self.unknown_amount

    @property
    def unknown_amount(self) -> bool:
        return bool(self.unknown) and self.unknown[-1] in AMOUNTS

    @property
    def quantity(self) -> Decimal:
        """The known amounts of the members, in the kind's own unit (GB, vCPU)."""
        return Decimal(self.cell[0])


AMOUNTS: Final = frozenset({"vcpu", "memory_gb", "size_gb"})
"""The attributes a meter sums that a source may not know."""


@dataclass
class Tally:
    """A line item's measured supply: its bounds and the evidence behind each.

    `supplied` is the lower bound: what counts for certain (contributing resources with known amounts).
    `upper` adds what may count; None when it has no bound (an amount that may count is unknown). The kind's
    listing (`SourceReport.incomplete`, `failed`) is applied by the reconcile core, which sees the sources."""

    line_item: LineItemId
    supplied: Decimal = Decimal(0)
    upper: Decimal | None = Decimal(0)
    contributing: list[str] = field(default_factory=list)
    nonconforming: dict[str, SetAsideGroup] = field(default_factory=dict)
    excluded: dict[str, SetAsideGroup] = field(default_factory=dict)
    uncertain: dict[tuple[bool, tuple[str, ...]], UncertainGroup] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    tallies: dict[LineItemId, Tally]
    resource_count: int


def constraint_failures(resource: Any, constraints: Constraints) -> list[tuple[SetAsideRule, Message, str, str]]:
    """The line item's written constraints this VM fails, as (rule, why as a message, subject, limit); an
    attribute that is not known fails nothing (see `unknown_constraints`)."""
    failures: list[tuple[SetAsideRule, Message, str, str]] = []
    arch, ghz = resource.arch, resource.cpu_ghz
    if constraints.arch is not None and arch is not None and arch != constraints.arch:
        detail = message("set_aside_arch", arch=arch, required=constraints.arch)
        failures.append(("arch", detail, arch, constraints.arch))
    if constraints.min_cpu_ghz is not None and ghz is not None and ghz < constraints.min_cpu_ghz:
        minimum = constraints.min_cpu_ghz
        detail = message("set_aside_clock", ghz=Decimal(str(ghz)), minimum=Decimal(str(minimum)))
        failures.append(("min_cpu_ghz", detail, str(ghz), str(minimum)))
    return failures


def unknown_constraints(resource: Any, constraints: Constraints) -> tuple[str, ...]:
    """The attributes a constraint of the line item reads that the VM does not state: memory needs the
    architecture, vCPU the architecture and the clock."""
    unknown: list[str] = []
    if constraints.arch is not None and resource.arch is None:
        unknown.append("arch")
    if constraints.min_cpu_ghz is not None and resource.cpu_ghz is None:
        unknown.append("cpu_ghz")
    return tuple(unknown)


_DECIDED_BY: Final[dict[type, Callable[[Any], Any]]] = {
    cls: attrgetter("__class__", "state", "arch", "cpu_ghz") if cls is Vm else type for cls in RESOURCE_CLASS.values()
}
"""The plan key of a resource, per kind: its class and the fields a meter's decision reads (a VM's state, arch and
clock; a volume's tier)."""
_DECIDED_BY[Volume] = attrgetter("__class__", "tier")

_Step = tuple[Callable[[Any], Decimal | int | None] | None, list[Decimal | int], list[str], list[str]]
"""(amount of a resource, None: each counts one; where a known amount adds; where its id goes; where its id goes if
the amount is None)."""

BATCH: Final = 8192
"""Resources grouped by plan at a time: each group is then summed and its ids collected at C speed."""
_ID: Final = attrgetter("id")


def measure(contract: Contract, resources: Iterable[Resource], policy: MeterPolicy | None = None) -> Measurement:
    """Sum resources into each line item of the contract: its lower and upper bound. One pass; ids are kept
    for evidence.

    Whether a resource counts depends only on a few of its fields (a VM's state, arch and clock; a
    volume's tier), so the decision is made once per distinct combination and replayed as a plan: a batch of
    resources is grouped by that combination, and each group summed and its ids collected at once. Sums are
    exact (`arithmetic`), so their order does not matter.
    """
    planner = _Planner(contract, policy or MeterPolicy())
    plans = planner.plans
    count = 0
    decided_by = _DECIDED_BY
    items = iter(resources)
    with arithmetic():
        while batch := list(islice(items, BATCH)):
            count += len(batch)
            groups: defaultdict[Any, list[Any]] = defaultdict(list)
            for resource in batch:
                groups[decided_by[type(resource)](resource)].append(resource)
            for key, group in groups.items():
                plan = plans.get(key) or planner.decide(key, group[0])
                for amount_of, cell, ids, if_unknown in plan:
                    if amount_of is None:
                        cell[0] += len(group)
                        ids.extend(map(_ID, group))
                        continue
                    values = list(map(amount_of, group))
                    if None not in values:
                        cell[0] += sum(values)  # type: ignore[arg-type,operator]  # no None among them
                        ids.extend(map(_ID, group))
                        continue
                    for resource, value in zip(group, values, strict=True):
                        if value is None:
                            if_unknown.append(resource.id)
                        else:
                            cell[0] += value
                            ids.append(resource.id)
    return Measurement(planner.tallies(), count)


class _Planner:
    """Decides, once per kind and decision key, which accumulators a resource adds to."""

    def __init__(self, contract: Contract, policy: MeterPolicy) -> None:
        self._policy = policy
        self._meters: dict[type, list[tuple[Meter, Constraints]]] = defaultdict(list)
        self._sums: dict[LineItemId, list[Decimal | int]] = {}
        self._tallies: dict[LineItemId, Tally] = {}
        for item in contract.line_items:
            meter = METER_BY_ITEM[item.id]
            self._meters[RESOURCE_CLASS[meter.kind]].append((meter, item.constraints))
            self._sums[item.id] = [0]
            self._tallies[item.id] = Tally(item.id)
        self.plans: dict[Any, list[_Step]] = {}

    def decide(self, key: Any, resource: Any) -> list[_Step]:
        steps: list[_Step] = []
        for meter, constraints in self._meters.get(type(resource), ()):
            step = self._decide(meter, constraints, resource)
            if step is not None:
                steps.append(step)
        self.plans[key] = steps
        return steps

    def _decide(self, meter: Meter, constraints: Constraints, resource: Any) -> _Step | None:
        """Where one resource goes for one meter: counted, set aside, uncertain, or nowhere (not selected)."""
        tally = self._tallies[meter.line_item]
        amount_of = meter.amount_of()
        unknown: list[str] = []
        for name, wanted in meter.where:
            value = getattr(resource, name)
            if value is None:
                unknown.append(name)
            elif value != wanted:
                return None
        if isinstance(resource, Vm):
            state, counted = resource.state, self._policy.counted_vm_states
            if state is not None and state not in counted:
                group = _group(tally.excluded, "state", message("set_aside_state", state=state), state)
                return amount_of, group.cell, group.ids, group.ids
            failures = constraint_failures(resource, constraints)
            if failures:  # counted once, under the first constraint it fails
                rule, detail, subject, limit = failures[0]
                group = _group(tally.nonconforming, rule, detail, subject, limit)
                return amount_of, group.cell, group.ids, group.ids
            if state is None and not counted:
                group = _group(tally.excluded, "state", message("set_aside_no_state"), "unknown")
                return amount_of, group.cell, group.ids, group.ids
            if state is None and not counted.issuperset(get_args(VmState)):
                unknown.append("state")
            unknown += unknown_constraints(resource, constraints)
        decided = tuple(unknown)
        amount = () if meter.amount is None else (meter.amount,)
        if_unknown = _uncertain(tally, not decided, decided + amount).ids
        if decided:
            possibly = _uncertain(tally, False, decided)
            return amount_of, possibly.cell, possibly.ids, if_unknown
        return amount_of, self._sums[meter.line_item], tally.contributing, if_unknown

    def tallies(self) -> dict[LineItemId, Tally]:
        with arithmetic():
            for item_id, tally in self._tallies.items():
                per_unit = METER_BY_ITEM[item_id].per_unit
                tally.supplied = Decimal(self._sums[item_id][0]) / per_unit
                groups = {key: group for key, group in tally.uncertain.items() if group.ids}
                tally.uncertain = dict(sorted(groups.items(), key=lambda pair: (not pair[0][0], pair[0][1])))
                if any(not group.bounded for group in groups.values()):
                    tally.upper = None
                else:
                    possible = sum((group.quantity for group in groups.values()), Decimal(0))
                    tally.upper = tally.supplied + possible / per_unit
        return self._tallies


def _uncertain(tally: Tally, certain: bool, unknown: tuple[str, ...]) -> UncertainGroup:
    key = (certain, unknown)
    if key not in tally.uncertain:
        tally.uncertain[key] = UncertainGroup(certain, unknown)
    return tally.uncertain[key]


def _group(
    groups: dict[str, SetAsideGroup], rule: SetAsideRule, detail: Message, subject: str, limit: str = ""
) -> SetAsideGroup:
    key = f"{rule}:{subject}"
    if key not in groups:
        groups[key] = SetAsideGroup(rule, detail, subject, limit)
    return groups[key]
