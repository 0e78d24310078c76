"""What changed since the last recorded run: new, resolved and changed line items, in JSON, console and Markdown.

Three recorded `reconciler check` runs over different observations, then the comparison rules one by one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from reconciler.core.changes import compare_records
from reconciler.core.models import Changes
from reconciler.core.runs import PastRun
from reconciler.dates.clock import CONTRACT_TZ
from tests.conftest import ROOT, CliResult, met_resources, vm

NOW = "2026-11-25T09:00:00+08:00"
Cli = Callable[..., CliResult]


def _without(*ids: str) -> list[dict[str, Any]]:
    return [r for r in met_resources() if r["id"] not in ids]


def _check(cli: Cli, path: Any, *options: str) -> CliResult:
    return cli("check", "--observed", path, "--now", NOW, *options)


@pytest.fixture
def three_runs(cli: Cli, write_snapshot: Any) -> list[Any]:
    """Run 1 all met; run 2 vCPU short 16 and one public IP over; run 3 vCPU back, two IPs over and the
    performance storage short. Returns the JSON output of each."""
    first = write_snapshot(met_resources())
    second = write_snapshot([*_without("vm-b"), vm("vm-b", 600, 1448), {"id": "eip-x", "kind": "public_ip"}])
    third = write_snapshot(
        [
            *_without("vol-p1"),
            {"id": "vol-p1", "kind": "volume", "tier": "performance", "size_gb": 36000},
            {"id": "eip-x", "kind": "public_ip"},
            {"id": "eip-y", "kind": "public_ip"},
        ],
        observed_at="2026-11-26T02:00:00+08:00",
    )
    return [_check(cli, path, "--format", "json").json() for path in (first, second, third)]


def _summary(changes: dict[str, Any]) -> dict[str, list[tuple[str, str | None, str]]]:
    return {
        kind: [(c["line_item"], c["previous_status"], c["status"]) for c in changes[kind]]
        for kind in ("new", "resolved", "changed")
    }


def test_changes_across_three_recorded_runs(three_runs: list[Any]) -> None:
    first, second, third = three_runs
    assert [run["run_id"] for run in three_runs] == [1, 2, 3]
    assert first["changes"] is None
    assert second["changes"]["previous_run_id"] == 1
    assert _summary(second["changes"]) == {
        "new": [("compute.vcpu", "met", "short"), ("network.public_ip", "met", "over")],
        "resolved": [],
        "changed": [],
    }
    vcpu = second["changes"]["new"][0]["fields"]
    assert vcpu[:4] == [
        {"field": "status", "old": "met", "new": "short"},
        {"field": "supplied", "old": "1232", "new": "1216"},
        {"field": "gap", "old": "0", "new": "-16"},
        {"field": "gap_value_monthly", "old": "0.00", "new": "-224.32"},
    ]
    assert (third["changes"]["previous_run_id"], third["changes"]["previous_now"]) == (2, NOW)
    assert third["changes"]["previous_observed_at"] == "2026-11-25T02:00:00+08:00"
    assert _summary(third["changes"]) == {
        "new": [("storage.performance", "met", "short")],
        "resolved": [("compute.vcpu", "short", "met")],
        "changed": [("network.public_ip", "over", "over")],
    }
    ip = third["changes"]["changed"][0]["fields"]
    assert {"field": "supplied", "old": "4", "new": "5"} in ip
    assert {"field": "evidence.contributing_count", "old": 4, "new": 5} in ip
    schema = json.loads((ROOT / "schemas" / "reconciliation.schema.json").read_text(encoding="utf-8"))
    for run in three_runs:
        jsonschema.validate(run, schema)


def test_console_and_markdown_show_the_changes(cli: Cli, write_snapshot: Any) -> None:
    met = write_snapshot(met_resources())
    short = write_snapshot([*_without("vm-b"), vm("vm-b", 600, 1448)])
    first = _check(cli, met, "--format", "markdown").stdout
    assert "- Recorded as run #1: the first recorded run" in first
    console = _check(cli, short).stdout
    assert "Recorded as run #2; since run #1 at 2026-11-25 09:00: 1 new, 0 resolved, 0 changed" in console
    new = "  new: compute.vcpu met → short (supplied 1,232 → 1,216, gap 0 → -16, gap_value_monthly 0.00 → -224.32)"
    assert f"{new}\n" in console  # the status as old → new; unchanged fields (the VM count) are not listed
    markdown = _check(cli, met, "--format", "markdown").stdout
    assert "- Recorded as run #3; since run #2 at 2026-11-25 09:00: 0 new, 1 resolved, 0 changed" in markdown
    assert "  - resolved: compute.vcpu short → met (supplied 1,216 → 1,232, gap -16 → 0" in markdown
    chinese = _check(cli, met, "--format", "markdown", "--lang", "zh").stdout
    assert "- 已记录为第 4 次核对；与第 3 次核对（2026年11月25日 09:00）相比：无变化" in chinese
    alone = _check(cli, met, "--no-history").stdout
    assert "Recorded as run" not in alone
    assert "since run" not in alone


# -- the rules, on recorded findings ----------------------------------------------------------------------

PREVIOUS_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=CONTRACT_TZ)


def _finding(item: str, status: str, supplied: str | None, **evidence: Any) -> dict[str, Any]:
    return {
        "line_item": item,
        "status": status,
        "entitled": "100",
        "due": "100",
        "supplied": supplied,
        "gap": None if supplied is None else str(Decimal(supplied) - 100),
        "reason": None,
        "evidence": None
        if supplied is None
        else {"contributing_count": 1, "nonconforming": [], "excluded": [], **evidence},
    }


def _compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> Changes:
    past = PastRun(
        run_id=7,
        now=PREVIOUS_NOW,
        observed_at=PREVIOUS_NOW,
        supplied={},
        statuses={},
        findings={f["line_item"]: f for f in before},
    )
    return compare_records(past, after)


def test_pending_to_short_and_short_to_not_observed_are_changes() -> None:
    changes = _compare(
        [_finding("a", "pending", "90"), _finding("b", "short", "80"), _finding("c", "not_observed", None)],
        [_finding("a", "short", "90"), _finding("b", "not_observed", None), _finding("c", "met", "100")],
    )
    assert [(c.line_item, c.previous_status, c.status) for c in changes.changed] == [
        ("a", "pending", "short"),
        ("b", "short", "not_observed"),
    ]
    assert changes.new == changes.resolved == []  # c: not observed -> met is nothing to report
    assert [(f.field, f.old, f.new) for f in changes.changed[1].fields][:3] == [
        ("status", "short", "not_observed"),
        ("supplied", "80", None),
        ("gap", "-20", None),
    ]


def test_a_line_item_absent_before_is_new_when_not_met_and_ignored_when_met() -> None:
    changes = _compare([], [_finding("a", "over", "120"), _finding("b", "met", "100")])
    assert [(c.line_item, c.previous_status) for c in changes.new] == [("a", None)]
    assert changes.resolved == changes.changed == []


def test_equal_decimals_evidence_ids_and_evidence_counts_alone_are_no_change() -> None:
    before = _finding("a", "short", "80")
    after = _finding("a", "short", "80.0", contributing_count=3, contributing=["x", "y", "z"])
    changes = _compare([before], [after])
    assert changes.empty


def test_set_aside_groups_are_compared_by_rule_and_subject_not_position() -> None:
    slow = {"rule": "min_cpu_ghz", "detail": "", "subject": "2.2", "limit": "2.4", "count": 1, "quantity": "4"}
    arm = {"rule": "arch", "detail": "", "subject": "aarch64", "limit": "x86_64", "count": 2, "quantity": "8.0"}
    before = _finding("a", "short", "80", nonconforming=[slow])
    after = _finding("a", "short", "70", nonconforming=[arm, {**slow, "quantity": "4.00"}])
    [change] = _compare([before], [after]).changed
    fields = {f.field: (f.old, f.new) for f in change.fields}
    assert fields["supplied"] == ("80", "70")
    # the group that appeared, as compared: its detail (a sentence derived from rule, subject and limit) left out
    arm_compared = {k: v for k, v in arm.items() if k != "detail"}
    assert fields["evidence.nonconforming[arch aarch64]"] == (None, arm_compared)
    assert not any("min_cpu_ghz" in name for name in fields)


def test_a_reworded_sentence_is_not_a_change() -> None:
    """A run recorded before a sentence was reworded (the same key and values, another English text: a run
    migrated from version 1, or a later wording) lists what changed, not the wording."""
    reason = {"key": "pending_expansions", "values": {}, "text": "short only of expansions still inside their deadline"}
    before = {**_finding("a", "short", "80"), "reason": reason}
    after = {**_finding("a", "short", "70"), "reason": {**reason, "text": "short only of expansions not yet due"}}
    [change] = _compare([before], [after]).changed
    assert not any(f.field.startswith("reason") for f in change.fields)
    assert "supplied" in [f.field for f in change.fields]


def test_unknown_to_met_lists_status_and_supply_not_the_whole_evidence() -> None:
    """The run before could not observe the kind: the change reads unknown -> met, supplied - -> 100."""
    [change] = _compare([_finding("a", "unknown", None)], [_finding("a", "met", "100")]).resolved
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("status", "unknown", "met"),
        ("supplied", None, "100"),
        ("gap", None, "0"),
    ]


def test_supply_bounds_compare_as_one_value_and_what_an_unknown_may_be_is_a_change() -> None:
    """Short at 80 exactly, then a listing that may be incomplete: at least 80, possibly anything. The change
    shows the supply as `[80, ∞)` and what the unknown may be; the values derived from the bounds are not
    listed again."""
    before = _finding("a", "short", "80") | {"supplied_lower": "80", "supplied_upper": "80", "possible": ["short"]}
    after = _finding("a", "unknown", None) | {
        "supplied_lower": "80",
        "supplied_upper": None,
        "possible": ["short", "met", "over"],
        "shortfall_value_monthly": "0.00",
    }
    [change] = _compare([before], [after]).changed
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("status", "short", "unknown"),
        ("supplied", "80", "[80, ∞)"),
        ("gap", "-20", None),
        ("possible", None, "short/met/over"),
    ]
    narrower = after | {"possible": ["met", "over"], "supplied_lower": "100"}
    [change] = _compare([after], [narrower]).changed
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("supplied", "[80, ∞)", "[100, ∞)"),
        ("possible", "short/met/over", "met/over"),
    ]
