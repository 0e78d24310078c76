"""Supply as bounds (issue 11): the issue's cases give the answers it describes, and for random tenancies with
attributes hidden and listings cut, the bounds hold the truth and a definite status is the truth's status.

Hand-computed cases:
- kubectl export, nodes labelled kubernetes.io/arch, instance types not in the tables: memory exact, vCPU bounded.
- ksyun export without DescribeBandWidthShares, EIPs carrying 200 Mbps on their own: not short, possibly over.
- after 2027-07-16: nothing due or entitled, every line item `ended`, exit 0, the Art. 14.3 switch-over named.
- vCPU 1216 supplied, 1232 due, 1296 entitled (expansion inside its 7 days): -224.32 overdue, -897.28 pending.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.base.messages import plain_text
from reconciler.contract.load import load_contract
from reconciler.contract.model import Contract
from reconciler.core.bounds import possible_statuses
from reconciler.core.models import OUTCOMES, ExitCode, Reconciliation, Status
from reconciler.core.observation import KINDS, Observation, ResourceKind, SourceReport
from reconciler.core.reconcile import reconcile
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.integrations.pulumi import shortfall_open
from tests.cli_runner import run_cli
from tests.conftest import ROOT, met_resources, structs, vm

NOW = "2026-11-25T09:00:00+08:00"
AT = datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ)
EXPANSION_CONTRACT = ROOT / "examples" / "contract-with-expansion.json"
KUBERNETES = ROOT / "tests" / "data" / "kubernetes" / "cluster.json"
KSYUN = ROOT / "tests" / "data" / "ksyun"


def _finding(document: dict[str, Any], item: str) -> dict[str, Any]:
    return next(f for f in document["findings"] if f["line_item"] == item)


# -- the cases ------------------------------------------------------------------------------------------


def test_kubernetes_nodes_with_arch_but_unknown_instance_types_give_exact_memory_and_bounded_vcpu() -> None:
    """No tables at all: no clock is known, every node carries kubernetes.io/arch. Memory needs only the
    architecture (x86 nodes: 16 + 32 + 64 + 4 = 116 GB, exact); vCPU needs the clock (at most 4 + 8 + 16 + 2)."""
    result = run_cli("check", "--source", "kubernetes", "--from-file", KUBERNETES, "--now", NOW, "--format", "json")
    document = result.json()
    memory, vcpu = _finding(document, "compute.memory"), _finding(document, "compute.vcpu")
    assert (memory["supplied"], memory["supplied_lower"], memory["supplied_upper"]) == ("116", "116", "116")
    assert memory["status"] == "short"  # definite: 116 of 2896, not `unknown` as when the clock failed the kind
    assert (vcpu["supplied"], vcpu["supplied_lower"], vcpu["supplied_upper"]) == (None, "0", "30")
    assert vcpu["status"] == "short"  # even if every clock were high enough, 30 < 1232
    assert [(g["counts"], g["unknown"], g["count"]) for g in vcpu["evidence"]["uncertain"]] == [
        ("possibly", ["cpu_ghz"], 4)
    ]
    assert result.exit_code == 1


def _bandwidth_export(tmp_path: Path) -> Path:
    """The ksyun export without its DescribeBandWidthShares listing, eip-1 raised to 172 Mbps: the EIPs outside
    shared bandwidth carry 172 + 20 + 8 x 1 = 200 Mbps, the contract's 200."""
    data = json.loads((KSYUN / "export.json").read_text(encoding="utf-8"))
    del data["DescribeBandWidthShares"]
    data["DescribeAddresses"][0]["AddressesSet"][0]["BandWidth"] = 172
    path = tmp_path / "no-shares.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_bandwidth_without_the_shares_listing_is_not_short_when_the_eips_carry_what_is_due(tmp_path: Path) -> None:
    path = _bandwidth_export(tmp_path)
    args = ("check", "--source", "ksyun", "--from-file", path, "--now", NOW, "--format", "json")
    result = run_cli(*args, "--source-option", f"ksyun.tables={KSYUN / 'tables.json'}")
    document = result.json()
    bandwidth = _finding(document, "network.bandwidth")
    assert (bandwidth["supplied_lower"], bandwidth["supplied_upper"]) == ("200", None)  # shares could only add
    assert (bandwidth["status"], bandwidth["possible"]) == ("unknown", ["met", "over"])
    assert "not short; possibly over" in bandwidth["reason"]["text"]
    assert "DescribeBandWidthShares missing" in document["sources"][0]["incomplete"]["bandwidth"]["text"]
    assert bandwidth["shortfall_value_monthly"] == bandwidth["shortfall_value_possible"] == "0.00"
    # the gate that fails on shortfalls (Pulumi's diff) passes it; public IPs need no shares: still exact
    assert not shortfall_open({"status": bandwidth["status"], "possible": bandwidth["possible"]})
    assert _finding(document, "network.public_ip")["supplied"] == "12"


def test_after_the_service_period_nothing_is_due_or_entitled_and_the_nightly_check_passes() -> None:
    observed = ROOT / "examples" / "observation.json"
    result = run_cli("check", "--observed", observed, "--now", "2027-07-20T02:00:00+08:00", "--no-history")
    assert result.exit_code == 0, result.stdout
    assert "Surplus" in result.stdout
    assert "+191,564.22" not in result.stdout
    assert "switch-over (migration and handover, free of charge) runs until 2027-09-16" in result.stdout
    document = run_cli(
        "check", "--observed", observed, "--now", "2027-07-20T02:00:00+08:00", "--no-history", "--format", "json"
    ).json()
    assert {f["status"] for f in document["findings"]} == {"ended"}
    assert (document["summary"]["surplus_value_monthly"], document["summary"]["shortfall_value_monthly"]) == (
        "0.00",
        "0.00",
    )
    vcpu = _finding(document, "compute.vcpu")
    assert (vcpu["entitled"], vcpu["due"], vcpu["gap"], vcpu["gap_value_monthly"]) == ("0", "0", None, None)
    assert vcpu["supplied"] is not None  # still shown: the switch-over runs on what is there


def test_the_headline_counts_only_what_is_overdue_and_shows_the_pending_part_with_its_deadline(
    contract_data: dict[str, Any],
) -> None:
    contract_data["expansions"] = [
        {"id": "exp-1", "line_item": "compute.vcpu", "quantity": 64, "requested_at": "2026-11-19T10:30:00+08:00"}
    ]
    contract = Contract.model_validate(contract_data)
    resources = [r for r in met_resources() if r["id"] != "vm-b"] + [vm("vm-b", 600, 1448)]
    source = SourceReport("test", frozenset(KINDS))
    result = reconcile(contract, Observation(AT, (source,), structs(resources)), AT)
    vcpu = result.finding("compute.vcpu")
    assert (vcpu.supplied, vcpu.due, vcpu.entitled, vcpu.status) == (1216, 1232, 1296, Status.SHORT)
    assert vcpu.gap_value_monthly == Decimal("-1121.60")  # supplied - entitled, as before
    assert result.summary.shortfall_value_monthly == Decimal("-224.32")  # -16 x 14.02: only this is overdue
    assert result.summary.pending_value_monthly == Decimal("-897.28")  # -64 x 14.02, due at the deadline
    assert result.summary.pending_due_at == datetime(2026, 11, 27, 0, 0, tzinfo=CONTRACT_TZ)
    assert vcpu.pending_due_at == result.summary.pending_due_at


def test_money_with_bounds_is_the_certain_shortfall_and_its_range(contract: Contract) -> None:
    """vCPU: 1200 certain, 24 more on VMs of unknown clock: [1200, 1224], short of 1232 either way. The headline
    counts the certain shortfall (1224 - 1232) x 14.02 = -112.16; the worst is (1200 - 1232) x 14.02 = -448.64."""
    resources = [r for r in met_resources() if r["id"] != "vm-b"] + [vm("vm-b", 584, 1448)]
    resources += [{**vm(f"u{n}", 8, 0), "cpu_ghz": None} for n in range(3)]
    source = SourceReport("test", frozenset(KINDS))
    result = reconcile(contract, Observation(AT, (source,), structs(resources)), AT)
    vcpu = result.finding("compute.vcpu")
    assert (vcpu.supplied_lower, vcpu.supplied_upper, vcpu.status) == (1200, 1224, Status.SHORT)
    assert (vcpu.supplied, vcpu.gap, vcpu.gap_value_monthly) == (None, None, None)
    assert (vcpu.shortfall_value_monthly, vcpu.shortfall_value_possible) == (Decimal("-112.16"), Decimal("-448.64"))
    assert (result.summary.shortfall_value_monthly, result.summary.shortfall_value_possible) == (
        Decimal("-112.16"),
        Decimal("-448.64"),
    )
    memory = result.finding("compute.memory")
    assert memory.supplied == 2896  # the clock does not matter to memory: exact


def test_markdown_shows_the_bounds_and_what_an_unknown_may_be(tmp_path: Path) -> None:
    path = _bandwidth_export(tmp_path)
    args = ("check", "--source", "ksyun", "--from-file", path, "--now", NOW, "--format", "markdown")
    markdown = run_cli(*args, "--source-option", f"ksyun.tables={KSYUN / 'tables.json'}").stdout
    row = next(line for line in markdown.splitlines() if "network.bandwidth" in line and line.startswith("|"))
    assert "| ≥ 200 | ≥ 0 | unknown (met/over) | ≥ 0.00 |" in row
    assert "network.bandwidth: unknown - the listing of internet links may be incomplete" in markdown


# -- the status rules ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lower", "upper", "due", "entitled", "possible"),
    [
        (10, 10, 12, 12, ["short"]),
        (12, 12, 12, 12, ["met"]),
        (13, 13, 12, 12, ["over"]),
        (12, 12, 12, 14, ["pending"]),
        (10, 11, 12, 14, ["short"]),  # short only when upper < due
        (12, 13, 12, 14, ["pending"]),  # both within [due, entitled)
        (13, 14, 12, 14, ["pending", "met"]),  # not short, not over: the check passes (exit 0)
        (12, None, 12, 12, ["met", "over"]),  # "not short; possibly over": exit 3, the shortfall gate passes
        (15, None, 12, 14, ["over"]),  # over only when lower > entitled
        (11, 15, 12, 14, ["short", "pending", "met", "over"]),
        (11, 12, 12, 12, ["short", "met"]),  # no pending region when due = entitled
        (0, None, 0, 0, ["met", "over"]),
    ],
)
def test_possible_statuses(lower: int, upper: int | None, due: int, entitled: int, possible: list[str]) -> None:
    up = None if upper is None else Decimal(upper)
    assert [s.value for s in possible_statuses(Decimal(lower), up, Decimal(due), Decimal(entitled))] == possible


# -- property: bounds hold the truth --------------------------------------------------------------------------------

_CONTRACT = load_contract(EXPANSION_CONTRACT)  # vCPU: 1232 due, 1296 entitled at NOW (an expansion pending)
_GHZ = [Decimal("1.8"), Decimal("2.39"), Decimal("2.4"), Decimal("3.1")]
_HIDEABLE: dict[str, tuple[str, ...]] = {
    "vm": ("vcpu", "memory_gb", "cpu_ghz", "arch", "state"),
    "volume": ("tier", "size_gb"),
    "bucket": ("size_gb",),
}


@st.composite
def _resource(draw: st.DrawFn, number: int) -> tuple[dict[str, Any], frozenset[str]]:
    """A resource as it truly is, and which of its attributes the source does not know."""
    kind = draw(st.sampled_from(["vm", "vm", "volume", "bucket", "bandwidth", "public_ip", "waf"]))
    rid = f"r{number}"
    truth: dict[str, Any]
    if kind == "vm":
        truth = {
            "id": rid,
            "kind": "vm",
            "vcpu": draw(st.integers(0, 40)),
            "memory_gb": Decimal(draw(st.integers(0, 160))),
            "cpu_ghz": draw(st.sampled_from(_GHZ)),
            "arch": draw(st.sampled_from(["x86_64", "aarch64"])),
            "state": draw(st.sampled_from(["running", "stopped", "terminated"])),
        }
    elif kind == "volume":
        truth = {
            "id": rid,
            "kind": "volume",
            "tier": draw(st.sampled_from(["standard", "performance"])),
            "size_gb": Decimal(draw(st.integers(0, 900))),
        }
    elif kind == "bucket":
        truth = {"id": rid, "kind": "bucket", "size_gb": Decimal(draw(st.integers(0, 400)))}
    elif kind == "bandwidth":
        truth = {"id": rid, "kind": "bandwidth", "mbps": Decimal(draw(st.integers(0, 30)))}
    else:
        truth = {"id": rid, "kind": kind}
    hidden = draw(st.sets(st.sampled_from(_HIDEABLE.get(kind, ("id",))))) if kind in _HIDEABLE else set()
    return truth, frozenset(hidden)


def _near_entitlement(offsets: list[int]) -> list[dict[str, Any]]:
    """Known resources that bring each sized line item near its entitlement (offset from it), so that the
    random resources decide between short, pending, met and over."""
    vcpu, memory, standard, performance, objects, mbps = offsets
    return [
        vm("base-vm", 1232 + vcpu, 2896 + memory),
        {"id": "base-std", "kind": "volume", "tier": "standard", "size_gb": 52116 + standard},
        {"id": "base-perf", "kind": "volume", "tier": "performance", "size_gb": 36582 + performance},
        {"id": "base-bucket", "kind": "bucket", "size_gb": 4648 + objects},
        {"id": "base-bw", "kind": "bandwidth", "mbps": 200 + mbps},
        {"id": "base-ip-1", "kind": "public_ip"},
        {"id": "base-ip-2", "kind": "public_ip"},
        {"id": "base-waf-1", "kind": "waf"},
    ]


def _check(resources: list[dict[str, Any]], report: SourceReport) -> Reconciliation:
    return reconcile(_CONTRACT, Observation(AT, (report,), structs(resources)), AT)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offsets=st.lists(st.integers(-120, 120), min_size=6, max_size=6),
    drawn=st.lists(st.integers(0, 10**6), min_size=0, max_size=12).flatmap(
        lambda seeds: st.tuples(*(_resource(n) for n in range(len(seeds))))
    ),
    cut=st.sets(st.sampled_from(list(KINDS)), max_size=3),
    failed=st.sets(st.sampled_from(list(KINDS)), max_size=2),
)
def test_bounds_contain_the_truth_and_a_definite_status_is_the_truths(
    offsets: list[int],
    drawn: tuple[tuple[dict[str, Any], frozenset[str]], ...],
    cut: set[ResourceKind],
    failed: set[ResourceKind],
) -> None:
    """The observation hides the drawn attributes (null) and, for `cut` kinds (incomplete) and `failed` kinds,
    leaves out the drawn resources of that kind; the truth is every resource with its real values."""
    base = _near_entitlement(offsets)
    truth = [*base, *(resource for resource, _ in drawn)]
    seen = list(base)
    for resource, hidden in drawn:
        if resource["kind"] in cut or resource["kind"] in failed:
            continue  # the listing did not reach it
        seen.append({k: (None if k in hidden else v) for k, v in resource.items()})
    observed = _check(
        seen,
        SourceReport(
            "test",
            frozenset(KINDS),
            failed=dict.fromkeys(failed, plain_text("denied")),
            incomplete=dict.fromkeys(cut, plain_text("paging may have skipped items")),
        ),
    )
    real = _check(truth, SourceReport("truth", frozenset(KINDS)))
    for bounded in observed.findings:
        exact = real.finding(bounded.line_item)
        assert exact.supplied is not None
        assert bounded.supplied_lower is not None
        assert bounded.supplied_lower <= exact.supplied, bounded.line_item
        assert bounded.supplied_upper is None or exact.supplied <= bounded.supplied_upper, bounded.line_item
        assert exact.status in bounded.possible, bounded.line_item
        if bounded.status is not Status.UNKNOWN:
            assert bounded.status is exact.status, bounded.line_item
        else:
            assert len(bounded.possible) > 1
            assert set(bounded.possible) <= set(OUTCOMES)
        # money: the certain value holds, the possible one is never exceeded
        assert exact.shortfall_value_monthly is not None
        assert bounded.shortfall_value_monthly is not None
        assert bounded.shortfall_value_possible is not None
        assert bounded.shortfall_value_possible <= exact.shortfall_value_monthly <= bounded.shortfall_value_monthly
        assert exact.surplus_value_monthly is not None
        assert bounded.surplus_value_monthly is not None
        assert bounded.surplus_value_monthly <= exact.surplus_value_monthly
        if bounded.surplus_value_possible is not None:
            assert exact.surplus_value_monthly <= bounded.surplus_value_possible
        # the shortfall gate: it passes only when the truth is not short
        if not shortfall_open({"status": bounded.status.value, "possible": [s.value for s in bounded.possible]}):
            assert exact.status is not Status.SHORT
    # the exit code: a definite drift or ok is the truth's; 3 only where the truth may go either way
    if observed.exit_code is not ExitCode.SOURCE_FAILED:
        assert observed.exit_code is real.exit_code
    assert observed.summary.shortfall_value_possible <= real.summary.shortfall_value_monthly
    assert real.summary.shortfall_value_monthly <= observed.summary.shortfall_value_monthly


def test_every_completion_of_one_vm_lies_within_the_bounds() -> None:
    """Exhaustively, for one VM with every attribute hidden beside a known base: each completion's supply of
    vCPU and memory lies within the bounds, and the bounds are reached."""
    base = _near_entitlement([-8, -16, 0, 0, 0, 0])
    unknown = {"id": "u", "kind": "vm", "vcpu": None, "memory_gb": None, "cpu_ghz": None, "arch": None, "state": None}
    observed = _check([*base, unknown], SourceReport("test", frozenset(KINDS)))
    vcpu = observed.finding("compute.vcpu")
    assert (vcpu.supplied_lower, vcpu.supplied_upper) == (1224, None)
    supplies = set()
    for arch in ("x86_64", "aarch64"):
        for state in ("running", "stopped", "terminated"):
            for ghz in _GHZ:
                for size in (0, 8, 64):
                    completed = {**unknown, "vcpu": size, "memory_gb": size * 2, "cpu_ghz": ghz, "arch": arch}
                    real = _check([*base, {**completed, "state": state}], SourceReport("t", frozenset(KINDS)))
                    supplied = real.finding("compute.vcpu").supplied
                    assert supplied is not None
                    assert supplied >= vcpu.supplied_lower
                    supplies.add(supplied)
    assert min(supplies) == vcpu.supplied_lower
