"""The reconcile core: statuses, gaps, their monthly value, the verdict, and the contract's clocks.

Hand-computed: a vCPU short of 16 is worth -16 x 14.02 = -224.32 CNY a month, and so on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from reconciler.base.messages import plain_text
from reconciler.contract.model import Contract
from reconciler.core.models import ExitCode, Status, Verdict
from reconciler.core.observation import KINDS, Observation, SourceReport
from reconciler.core.reconcile import reconcile
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.report.json_output import write_json
from tests.conftest import met_resources, structs, vm

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ)
OBSERVED = datetime(2026, 11, 25, 2, 0, tzinfo=CONTRACT_TZ)


def _observe(resources: list[dict[str, Any]], covers=KINDS, failed=None) -> Observation:
    source = SourceReport("test", frozenset(covers), failed=failed or {})
    return Observation(OBSERVED, (source,), structs(resources))


def _statuses(result: Any) -> dict[str, Status]:
    return {f.line_item.value: f.status for f in result.findings}


def test_everything_met_is_ok_and_exit_0(contract: Contract) -> None:
    result = reconcile(contract, _observe(met_resources()), NOW)
    assert set(_statuses(result).values()) == {Status.MET}
    assert (result.verdict, result.exit_code) == (Verdict.OK, ExitCode.OK)
    assert result.summary.shortfall_value_monthly == 0
    assert all(f.gap == 0 for f in result.findings)


def test_short_and_over_with_their_monthly_value(contract: Contract) -> None:
    resources = [r for r in met_resources() if r["id"] not in {"vm-b", "eip-2"}]
    resources += [vm("vm-b", 600, 1448), {"id": "eip-x", "kind": "public_ip"}, {"id": "eip-y", "kind": "public_ip"}]
    result = reconcile(contract, _observe(resources), NOW)
    vcpu = result.finding("compute.vcpu")
    assert (vcpu.entitled, vcpu.due, vcpu.supplied, vcpu.gap) == (1232, 1232, 1216, -16)
    assert vcpu.status is Status.SHORT
    assert vcpu.gap_value_monthly == Decimal("-224.32")
    ip = result.finding("network.public_ip")
    assert (ip.supplied, ip.gap, ip.status, ip.gap_value_monthly) == (4, 1, Status.OVER, Decimal("76.05"))
    assert result.summary.shortfall_value_monthly == Decimal("-224.32")
    assert result.summary.surplus_value_monthly == Decimal("76.05")
    assert (result.verdict, result.exit_code) == (Verdict.DRIFT, ExitCode.DRIFT)


def test_gap_value_of_tb_and_fractional_prices_rounds_half_up_to_the_fen(contract: Contract) -> None:
    resources = [r for r in met_resources() if r["kind"] not in {"bucket", "backup"}]
    resources += [{"id": "b", "kind": "bucket", "size_gb": 4000}, {"id": "k", "kind": "backup", "size_gb": 4647}]
    result = reconcile(contract, _observe(resources), NOW)
    # 0.648 TB x 72.75 = 47.142 -> -47.14; 1 GB x 0.8845 -> -0.88 (half up from -0.8845)
    assert result.finding("storage.object").gap == Decimal("-0.648")
    assert result.finding("storage.object").gap_value_monthly == Decimal("-47.14")
    assert result.finding("backup.host").gap_value_monthly == Decimal("-0.88")


def test_nonconforming_and_terminated_vms_are_evidence_not_supply(contract: Contract) -> None:
    resources = [*met_resources(), vm("arm", 16, 32, arch="aarch64"), vm("old", 8, 16, state="terminated")]
    result = reconcile(contract, _observe(resources), NOW)
    vcpu = result.finding("compute.vcpu")
    assert vcpu.status is Status.MET
    assert vcpu.evidence is not None
    assert vcpu.evidence.contributing == ["vm-a", "vm-b"]
    assert [(g.rule, g.ids, g.quantity) for g in vcpu.evidence.nonconforming] == [("arch", ["arm"], 16)]
    assert [(g.rule, g.ids) for g in vcpu.evidence.excluded] == [("state", ["old"])]


def test_failed_source_makes_its_line_items_unknown_and_exit_3(contract: Contract) -> None:
    observation = _observe(met_resources(), failed={"waf": plain_text("WAF inventory API denied (403)")})
    result = reconcile(contract, observation, NOW)
    waf = result.finding("security.waf")
    assert (waf.status, waf.supplied, waf.gap) == (Status.UNKNOWN, None, None)
    # what the failing source listed still counts toward the lower bound; the upper bound is open
    assert (waf.supplied_lower, waf.supplied_upper) == (waf.entitled, None)
    assert waf.possible == [Status.MET, Status.OVER]
    assert waf.reason is not None
    assert [part.key for part in waf.reason.values["parts"]] == ["source_failed", "outcome_met_over"]
    assert "403" in waf.reason.text("en")
    assert "403" in waf.reason.text("zh")
    assert (result.verdict, result.exit_code) == (Verdict.UNKNOWN, ExitCode.SOURCE_FAILED)


def test_a_definite_shortfall_is_not_masked_by_a_failed_source(contract: Contract) -> None:
    resources = [r for r in met_resources() if r["kind"] != "bandwidth"]
    observation = _observe(resources, failed={"waf": plain_text("timeout")})
    assert reconcile(contract, observation, NOW).exit_code is ExitCode.DRIFT


def test_uncovered_kinds_are_not_observed_and_do_not_change_the_exit_code(contract: Contract) -> None:
    covers = [k for k in KINDS if k not in {"waf", "remote_access_account"}]
    resources = [r for r in met_resources() if r["kind"] in covers]
    result = reconcile(contract, _observe(resources, covers=covers), NOW)
    assert result.finding("security.waf").status is Status.NOT_OBSERVED
    assert result.finding("network.remote_access").status is Status.NOT_OBSERVED
    assert result.exit_code is ExitCode.OK


def test_before_the_service_period_shortfalls_are_pending(contract: Contract) -> None:
    before = datetime(2026, 7, 16, 23, 59, 59, tzinfo=CONTRACT_TZ)
    result = reconcile(contract, _observe([]), before)
    assert set(_statuses(result).values()) == {Status.PENDING}
    assert result.exit_code is ExitCode.OK
    assert result.finding("compute.vcpu").due == 0
    at_start = datetime(2026, 7, 16, 16, 0, tzinfo=UTC)  # 2026-07-17 00:00 in Beijing
    assert set(_statuses(reconcile(contract, _observe([]), at_start)).values()) == {Status.SHORT}


def test_after_the_service_period_nothing_is_due_or_entitled_and_the_check_passes(contract: Contract) -> None:
    last_moment = datetime(2027, 7, 16, 23, 59, 59, tzinfo=CONTRACT_TZ)
    assert reconcile(contract, _observe(met_resources()), last_moment).exit_code is ExitCode.OK
    after = datetime(2027, 7, 17, 0, 0, tzinfo=CONTRACT_TZ)
    result = reconcile(contract, _observe(met_resources()), after)
    vcpu = result.finding("compute.vcpu")
    assert (vcpu.entitled, vcpu.due, vcpu.supplied, vcpu.gap, vcpu.gap_value_monthly) == (0, 0, 1232, None, None)
    assert set(_statuses(result).values()) == {Status.ENDED}
    assert (result.verdict, result.exit_code) == (Verdict.OK, ExitCode.OK)
    assert (result.summary.shortfall_value_monthly, result.summary.surplus_value_monthly) == (0, 0)
    # the note names the Art. 14.3 switch-over: 2 months from 2027-07-16, to Thu 2027-09-16 (docs/deadlines.md)
    [ended] = [w for w in result.warnings if w.key == "service_ended"]
    assert ended.values["switch_over_end"] == date(2027, 9, 16)
    assert "switch-over" in ended.text("en")
    assert "runs until 2027-09-16" in ended.text("en")
    later = reconcile(contract, _observe(met_resources()), datetime(2027, 9, 17, 0, 0, tzinfo=CONTRACT_TZ))
    assert any("switch-over ended on 2027-09-16" in w.text("en") for w in later.warnings)


def test_now_must_be_timezone_aware(contract: Contract) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reconcile(contract, _observe([]), datetime(2026, 11, 25, 9, 0))


@pytest.mark.parametrize(
    ("requested_at", "now", "status"),
    [
        # requested on 11-18 (Beijing): days 11-19..11-25 are the 7 natural days; due at 11-26 00:00
        ("2026-11-18T10:00:00+08:00", "2026-11-25T23:59:59+08:00", Status.PENDING),
        ("2026-11-18T10:00:00+08:00", "2026-11-26T00:00:00+08:00", Status.SHORT),
        # 17:00 UTC on 11-17 is 01:00 on 11-18 in Beijing: the same deadline
        ("2026-11-17T17:00:00+00:00", "2026-11-25T23:59:59+08:00", Status.PENDING),
        ("2026-11-17T17:00:00+00:00", "2026-11-25T16:00:00+00:00", Status.SHORT),
        # requested on 09-27: the 7th day, 10-04, falls in the National Day holiday (10-01..10-07), so the
        # period ends on 10-08, the first working day after the rest (Art. 203); due at 10-09 00:00
        ("2026-09-27T10:00:00+08:00", "2026-10-08T23:59:59+08:00", Status.PENDING),
        ("2026-09-27T10:00:00+08:00", "2026-10-09T00:00:00+08:00", Status.SHORT),
    ],
)
def test_expansion_is_pending_until_its_seventh_natural_day_ends(
    contract_data: dict[str, Any], requested_at: str, now: str, status: Status
) -> None:
    contract_data["expansions"] = [
        {"id": "exp-1", "line_item": "compute.vcpu", "quantity": 64, "requested_at": requested_at}
    ]
    contract = Contract.model_validate(contract_data)
    result = reconcile(contract, _observe(met_resources()), datetime.fromisoformat(now))
    vcpu = result.finding("compute.vcpu")
    assert (vcpu.entitled, vcpu.supplied, vcpu.gap) == (1296, 1232, -64)
    assert vcpu.status is status
    assert vcpu.due == (1296 if status is Status.SHORT else 1232)


def test_findings_are_in_contract_order_and_evidence_sorted(contract: Contract) -> None:
    resources = list(reversed(met_resources()))
    result = reconcile(contract, _observe(resources), NOW)
    assert [f.seq for f in result.findings] == list(range(1, 12))
    ips = result.finding("network.public_ip").evidence
    assert ips is not None
    assert ips.contributing == ["eip-0", "eip-1", "eip-2"]


def test_streamed_json_is_the_models_own_serialization(contract: Contract) -> None:
    import io

    resources = [*met_resources(), vm("arm", 16, 32, arch="aarch64")]
    result = reconcile(contract, _observe(resources, failed={"waf": plain_text("timeout")}), NOW)
    out = io.BytesIO()
    write_json(result, out)
    assert out.getvalue().decode() == result.model_dump_json(indent=2, by_alias=True) + "\n"


@pytest.mark.parametrize(
    ("observed_at", "warning"),
    [
        ("2026-11-25T02:00:00+08:00", None),  # 7 hours before: a nightly export, fine
        ("2026-11-25T09:03:00+08:00", None),  # a live source stamps its observation just after the check began
        (
            "2026-11-23T13:00:00+00:00",  # in UTC: worded in Beijing time
            {
                "key": "stale_observation",
                "values": {"observed_at": "2026-11-23T21:00:00+08:00", "hours": 36},
                "text": "the observation was made at 2026-11-23 21:00, 36 hours before this check's time: supply may "
                "have changed since",
            },
        ),
        (
            "2026-11-23T21:00:00+08:00",
            {
                "key": "stale_observation",
                "values": {"observed_at": "2026-11-23T21:00:00+08:00", "hours": 36},
                "text": "the observation was made at 2026-11-23 21:00, 36 hours before this check's time: supply may "
                "have changed since",
            },
        ),
        (
            "2026-11-25T10:00:00+08:00",
            {
                "key": "observed_after_now",
                "values": {"observed_at": "2026-11-25T10:00:00+08:00", "now": "2026-11-25T09:00:00+08:00"},
                "text": "the observation was made at 2026-11-25 10:00, after this check's time (2026-11-25 09:00): it "
                "describes a later moment",
            },
        ),
    ],
)
def test_an_observation_not_of_the_moment_checked_is_warned(
    cli: Any, write_snapshot: Any, observed_at: str, warning: dict[str, Any] | None
) -> None:
    path = write_snapshot(met_resources(), observed_at=observed_at)
    result = cli("check", "--observed", path, "--now", "2026-11-25T09:00:00+08:00", "--format", "json")
    assert result.json()["warnings"] == ([] if warning is None else [warning])
    zh = cli("check", "--observed", path, "--now", "2026-11-25T09:00:00+08:00", "--lang", "zh", "--no-history")
    if warning is not None:
        assert "! 观测时间 2026年11月" in zh.stdout


def test_a_resource_listed_twice_is_warned_of_naming_it(cli: Any, write_snapshot: Any) -> None:
    """An export that lists vm-a twice: the check counts what it was given (1848 vCPU) and says so."""
    resources = met_resources()
    path = write_snapshot([*resources, resources[0]])
    result = cli("check", "--observed", path, "--now", "2026-11-25T09:00:00+08:00", "--format", "json")
    report = result.json()
    assert {f["line_item"]: f["supplied"] for f in report["findings"]}["compute.vcpu"] == "1848"
    assert {
        "key": "repeated_ids",
        "values": {"count": 1, "line_item": "compute.vcpu", "sample": ["vm-a"]},
        "text": "1 resource of compute.vcpu listed more than once in the observation and counted each time (e.g. "
        "vm-a): check the export",
    } in report["warnings"]


def test_json_output_of_a_finding_over_a_megabyte_is_the_models_own_json(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_json re-indents each finding in pieces (so a million ids are not copied whole): with 40,000 VMs
    the vCPU finding is several pieces of 64 KB, and the bytes are exactly `model_dump_json(indent=2)`'s."""
    import io
    import sys

    monkeypatch.setattr(sys.modules["reconciler.report.json_output"], "INDENT_PIECE", 1 << 16)
    vms = [vm(f"vm-{n:05d}-ünï", 1, 1) for n in range(40_000)]
    result = reconcile(contract, _observe([*met_resources(), *vms]), NOW)
    out = io.BytesIO()
    write_json(result, out)
    assert len(out.getvalue()) > 4 * (1 << 16)
    assert out.getvalue() == (result.model_dump_json(indent=2) + "\n").encode("utf-8")
