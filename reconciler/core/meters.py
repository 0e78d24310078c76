"""Meters: how observed resources count toward the contract's line items, following its wording.

Called by the reconcile core (and the benchmark) with any iterable of normalized resources; one pass.
Pure: no I/O, no clock. The table `METERS` is the whole mapping, one row per line item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any, Final

from reconciler.base.messages import Message, message
from reconciler.base.money import arithmetic
from reconciler.contract.model import Constraints, Contract, LineItemId
from reconciler.core.models import SetAsideRule
from reconciler.core.observation import RESOURCE_CLASS, Resource, ResourceKind, Vm, VmState, Volume

GB_PER_TB: Final = Decimal(1000)
"""Contract units: Art. 2.2 prices 4.648 TB of static storage beside 4648 GB of backup, so 1 TB = 1000 GB."""


@dataclass(frozen=True)
class Meter:
    """One line item's rule: which kind counts, which of them (`select`), how much each counts."""

    line_item: LineItemId
    kind: ResourceKind
    amount: Callable[[Any], Decimal | int]
    select: Callable[[Any], bool] = lambda resource: True
    per_unit: Decimal = Decimal(1)
    """Divide the summed amount by this to get the line item's unit (GB -> TB)."""
    description: str = ""


def _one(resource: Any) -> int:
    return 1


METERS: Final[tuple[Meter, ...]] = (
    Meter(LineItemId.COMPUTE_VCPU, "vm", attrgetter("vcpu"), description="sum of vcpu of VMs"),
    Meter(LineItemId.COMPUTE_MEMORY, "vm", attrgetter("memory_gb"), description="sum of memory_gb of VMs"),
    Meter(
        LineItemId.STORAGE_STANDARD,
        "volume",
        attrgetter("size_gb"),
        lambda r: r.tier == "standard",
        description="sum of size_gb of volumes of tier standard",
    ),
    Meter(
        LineItemId.STORAGE_PERFORMANCE,
        "volume",
        attrgetter("size_gb"),
        lambda r: r.tier == "performance",
        description="sum of size_gb of volumes of tier performance",
    ),
    Meter(
        LineItemId.STORAGE_OBJECT,
        "bucket",
        attrgetter("size_gb"),
        per_unit=GB_PER_TB,
        description="sum of size_gb of buckets / 1000 (TB)",
    ),
    Meter(LineItemId.BACKUP_HOST, "backup", attrgetter("size_gb"), description="sum of size_gb of backups"),
    Meter(LineItemId.NETWORK_BANDWIDTH, "bandwidth", attrgetter("mbps"), description="sum of mbps of links"),
    Meter(LineItemId.NETWORK_PUBLIC_IP, "public_ip", _one, description="count of public IPs"),
    Meter(LineItemId.NETWORK_LOAD_BALANCER, "load_balancer", _one, description="count of load balancers"),
    Meter(
        LineItemId.NETWORK_REMOTE_ACCESS,
        "remote_access_account",
        _one,
        description="count of remote-access (VPN) accounts",
    ),
    Meter(LineItemId.SECURITY_WAF, "waf", _one, description="count of WAF instances"),
)
METER_BY_ITEM: Final[dict[LineItemId, Meter]] = {m.line_item: m for m in METERS}


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

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.cell[0])


@dataclass
class Tally:
    """A line item's measured supply: the conforming quantity and the evidence behind it."""

    line_item: LineItemId
    supplied: Decimal = Decimal(0)
    contributing: list[str] = field(default_factory=list)
    nonconforming: dict[str, SetAsideGroup] = field(default_factory=dict)
    excluded: dict[str, SetAsideGroup] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    tallies: dict[LineItemId, Tally]
    resource_count: int


def constraint_failures(resource: Any, constraints: Constraints) -> list[tuple[SetAsideRule, Message, str, str]]:
    """The line item's written constraints this VM fails, as (rule, why as a message, subject, limit)."""
    failures: list[tuple[SetAsideRule, Message, str, str]] = []
    arch, ghz = resource.arch, resource.cpu_ghz
    if constraints.arch is not None and arch != constraints.arch:
        detail = message("set_aside_arch", arch=arch, required=constraints.arch)
        failures.append(("arch", detail, arch, constraints.arch))
    if constraints.min_cpu_ghz is not None and ghz < constraints.min_cpu_ghz:
        minimum = constraints.min_cpu_ghz
        detail = message("set_aside_clock", ghz=Decimal(str(ghz)), minimum=Decimal(str(minimum)))
        failures.append(("min_cpu_ghz", detail, str(ghz), str(minimum)))
    return failures


_DECIDED_BY: Final[dict[type, Callable[[Any], Any]]] = {
    Vm: attrgetter("state", "arch", "cpu_ghz"),
    Volume: attrgetter("tier"),
}
"""The fields a meter's decision reads, per kind; the plan cache is keyed by their values."""


_Step = tuple[Callable[[Any], Decimal | int], list[Decimal | int], list[str]]


def measure(contract: Contract, resources: Iterable[Resource], policy: MeterPolicy | None = None) -> Measurement:
    """Sum resources into each line item of the contract. One pass; ids are kept for evidence.

    Whether a resource counts depends only on a few of its fields (a VM's state, arch and clock; a
    volume's tier), so the decision is made once per distinct combination and replayed as a plan.
    """
    planner = _Planner(contract, policy or MeterPolicy())
    plans = planner.plans
    count = 0
    for resource in resources:
        count += 1
        cls = type(resource)
        decided_by = _DECIDED_BY.get(cls)
        key = (cls, decided_by(resource) if decided_by else None)
        plan = plans.get(key) or planner.decide(key, resource)
        rid = resource.id
        for amount_of, cell, ids in plan:
            cell[0] += amount_of(resource)
            ids.append(rid)
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
        self.plans: dict[tuple[type, Any], list[_Step]] = {}

    def decide(self, key: tuple[type, Any], resource: Any) -> list[_Step]:
        steps: list[_Step] = []
        for meter, constraints in self._meters.get(key[0], ()):
            if not meter.select(resource):
                continue
            tally = self._tallies[meter.line_item]
            if isinstance(resource, Vm):
                state = resource.state
                if state not in self._policy.counted_vm_states:
                    group = _group(tally.excluded, "state", message("set_aside_state", state=state), state)
                    steps.append((meter.amount, group.cell, group.ids))
                    continue
                failures = constraint_failures(resource, constraints)
                if failures:  # counted once, under the first constraint it fails
                    rule, detail, subject, limit = failures[0]
                    group = _group(tally.nonconforming, rule, detail, subject, limit)
                    steps.append((meter.amount, group.cell, group.ids))
                    continue
            steps.append((meter.amount, self._sums[meter.line_item], tally.contributing))
        self.plans[key] = steps
        return steps

    def tallies(self) -> dict[LineItemId, Tally]:
        with arithmetic():
            for item_id, tally in self._tallies.items():
                tally.supplied = Decimal(self._sums[item_id][0]) / METER_BY_ITEM[item_id].per_unit
        return self._tallies


def _group(
    groups: dict[str, SetAsideGroup], rule: SetAsideRule, detail: Message, subject: str, limit: str = ""
) -> SetAsideGroup:
    key = f"{rule}:{subject}"
    if key not in groups:
        groups[key] = SetAsideGroup(rule, detail, subject, limit)
    return groups[key]
