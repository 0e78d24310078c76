"""Meters: how resources count toward line items, following the contract's wording.

Each test states its expected figures by hand; `met_resources()` supplies exactly the baseline.
"""

from __future__ import annotations

from decimal import Decimal

from reconciler.contract.model import Contract, LineItemId
from reconciler.core.meters import MeterPolicy, measure
from tests.conftest import met_resources, structs, vm


def _supplied(contract: Contract, resources: list, policy: MeterPolicy | None = None) -> dict[str, Decimal]:
    measured = measure(contract, structs(resources), policy)
    return {item.value: tally.supplied for item, tally in measured.tallies.items()}


def test_the_met_tenancy_supplies_exactly_the_baseline(contract: Contract) -> None:
    supplied = _supplied(contract, met_resources())
    assert supplied == {item.id.value: item.quantity for item in contract.line_items}


def test_vcpu_counts_only_x86_at_or_above_2_4_ghz(contract: Contract) -> None:
    resources = [
        vm("fast", 8, 16, ghz="2.4"),  # exactly the minimum: counts
        vm("slow", 4, 8, ghz="2.39"),  # below: nonconforming for vCPU, memory still counts (x86)
        vm("arm", 16, 32, ghz="2.6", arch="aarch64"),  # not x86: counts for neither
    ]
    measured = measure(contract, structs(resources))
    vcpu = measured.tallies[LineItemId.COMPUTE_VCPU]
    memory = measured.tallies[LineItemId.COMPUTE_MEMORY]
    assert vcpu.supplied == 8
    assert vcpu.contributing == ["fast"]
    groups = {g.rule: (g.ids, g.quantity) for g in vcpu.nonconforming.values()}
    assert groups == {"min_cpu_ghz": (["slow"], 4), "arch": (["arm"], 16)}
    assert memory.supplied == 24
    assert sorted(memory.contributing) == ["fast", "slow"]
    assert [(g.rule, g.ids, g.quantity) for g in memory.nonconforming.values()] == [("arch", ["arm"], 32)]


def test_terminated_vms_do_not_count_and_stopped_ones_do(contract: Contract) -> None:
    resources = [vm("up", 8, 16), vm("off", 4, 8, state="stopped"), vm("gone", 32, 64, state="terminated")]
    measured = measure(contract, structs(resources))
    vcpu = measured.tallies[LineItemId.COMPUTE_VCPU]
    assert vcpu.supplied == 12
    [excluded] = vcpu.excluded.values()
    assert (excluded.ids, excluded.quantity) == (["gone"], 32)


def test_counted_states_are_configurable(contract: Contract) -> None:
    resources = [vm("up", 8, 16), vm("off", 4, 8, state="stopped")]
    running_only = MeterPolicy(counted_vm_states=frozenset({"running"}))
    assert _supplied(contract, resources, running_only)["compute.vcpu"] == 8
    assert _supplied(contract, resources)["compute.vcpu"] == 12


def test_volumes_count_by_tier(contract: Contract) -> None:
    resources = [
        {"id": "s", "kind": "volume", "tier": "standard", "size_gb": 100},
        {"id": "p1", "kind": "volume", "tier": "performance", "size_gb": Decimal("40.5")},
        {"id": "p2", "kind": "volume", "tier": "performance", "size_gb": 60},
    ]
    supplied = _supplied(contract, resources)
    assert (supplied["storage.standard"], supplied["storage.performance"]) == (100, Decimal("100.5"))


def test_buckets_count_in_tb_at_1000_gb(contract: Contract) -> None:
    resources = [{"id": "b1", "kind": "bucket", "size_gb": 4000}, {"id": "b2", "kind": "bucket", "size_gb": 648}]
    assert _supplied(contract, resources)["storage.object"] == Decimal("4.648")


def test_countable_kinds_count_one_each(contract: Contract) -> None:
    resources = [{"id": f"ip{i}", "kind": "public_ip"} for i in range(5)] + [{"id": "w", "kind": "waf"}]
    supplied = _supplied(contract, resources)
    assert (supplied["network.public_ip"], supplied["security.waf"], supplied["network.load_balancer"]) == (5, 1, 0)


def test_measure_is_one_pass_over_any_iterable(contract: Contract) -> None:
    measured = measure(contract, iter(structs(met_resources())))
    assert measured.resource_count == len(met_resources())


def test_knowledge_is_per_attribute_and_per_line_item(contract: Contract) -> None:
    """Memory needs the architecture (and the state), vCPU the architecture and the clock: a VM of unknown clock
    counts toward memory for certain and only possibly toward vCPU; a known failing attribute sets a VM aside
    whatever else is unknown; an unknown amount leaves the upper bound open."""
    resources = [
        {**vm("no-clock", 8, 16), "cpu_ghz": None},
        {**vm("no-arch", 4, 8), "arch": None},
        {**vm("arm-no-clock", 16, 32, arch="aarch64"), "cpu_ghz": None},  # aarch64: set aside for certain
        {**vm("no-state", 2, 4), "state": None},
        {**vm("no-size", 1, 2), "memory_gb": None},
    ]
    measured = measure(contract, structs(resources))
    vcpu = measured.tallies[LineItemId.COMPUTE_VCPU]
    memory = measured.tallies[LineItemId.COMPUTE_MEMORY]
    assert (vcpu.supplied, vcpu.upper) == (1, 15)  # no-size counts; no-clock, no-arch, no-state may
    assert {key: group.ids for key, group in vcpu.uncertain.items()} == {
        (False, ("arch",)): ["no-arch"],
        (False, ("cpu_ghz",)): ["no-clock"],
        (False, ("state",)): ["no-state"],
    }
    assert [g.ids for g in vcpu.nonconforming.values()] == [["arm-no-clock"]]
    assert (memory.supplied, memory.upper) == (16, None)  # no-clock certain; no-size's memory unknown: open
    assert {key: group.ids for key, group in memory.uncertain.items()} == {
        (True, ("memory_gb",)): ["no-size"],
        (False, ("arch",)): ["no-arch"],
        (False, ("state",)): ["no-state"],
    }


def test_a_volume_of_unknown_tier_may_count_toward_either_storage_item(contract: Contract) -> None:
    resources = [
        {"id": "s", "kind": "volume", "tier": "standard", "size_gb": 100},
        {"id": "x", "kind": "volume", "tier": None, "size_gb": 40},
        {"id": "y", "kind": "volume", "tier": "performance", "size_gb": None},
    ]
    measured = measure(contract, structs(resources))
    standard = measured.tallies[LineItemId.STORAGE_STANDARD]
    performance = measured.tallies[LineItemId.STORAGE_PERFORMANCE]
    assert (standard.supplied, standard.upper) == (100, 140)
    assert (performance.supplied, performance.upper) == (0, None)
