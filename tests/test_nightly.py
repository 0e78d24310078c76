"""The nightly check end to end: expansions move through their states as supply changes across recorded runs.

Each night is a real `reconciler check` against one SQLite history store; fulfilment and the age of a
shortfall come from the runs recorded before. Contract: the demo contract (64 vCPU requested on
2026-11-19 10:30 Beijing, due at the end of 2026-11-26, i.e. 2026-11-27 00:00+08:00).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, CliResult, met_resources, vm

CONTRACT = ROOT / "examples" / "contract-with-expansion.json"


def _night(cli: Callable[..., CliResult], history: Path, observed: Path, now: str) -> dict[str, Any]:
    result = cli(
        "check", "--observed", observed, "--contract", CONTRACT, "--now", now, "--history", history, "--format", "json"
    )
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def test_an_expansion_delivered_a_day_late(cli: Callable[..., CliResult], write_snapshot: Any, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    baseline = write_snapshot(met_resources())  # 1232 vCPU: the baseline, not the expansion
    expanded = write_snapshot([*met_resources(), vm("vm-new", 64, 0)])  # 1296 vCPU

    first = _night(cli, history, baseline, "2026-11-20T02:00:00+08:00")
    assert first["expansions"][0]["state"] == "open"  # 6 d 22 h left
    assert first["findings"][0]["status"] == "pending"  # short only of the expansion inside its deadline
    assert first["exit_code"] == 0
    assert first["changes"] is None  # the first recorded run

    second = _night(cli, history, baseline, "2026-11-25T02:00:00+08:00")
    assert second["expansions"][0]["state"] == "at_risk"  # 1 d 22 h left

    third = _night(cli, history, baseline, "2026-11-27T02:00:00+08:00")
    assert third["expansions"][0]["state"] == "overdue"
    assert third["findings"][0]["status"] == "short"
    assert third["exit_code"] == 1
    [changed] = third["changes"]["changed"]  # still not met, but pending -> short
    assert (changed["line_item"], changed["previous_status"], changed["status"]) == ("compute.vcpu", "pending", "short")

    fourth = _night(cli, history, expanded, "2026-11-28T02:00:00+08:00")
    expansion = fourth["expansions"][0]
    assert (expansion["state"], expansion["fulfilled_at"]) == ("fulfilled_late", "2026-11-28T02:00:00+08:00")
    assert fourth["findings"][0]["status"] == "met"
    assert [c["line_item"] for c in fourth["changes"]["resolved"]] == ["compute.vcpu"]

    fifth = _night(cli, history, expanded, "2026-11-29T02:00:00+08:00")
    assert fifth["expansions"][0]["fulfilled_at"] == "2026-11-28T02:00:00+08:00"  # from history, not today
    assert [r["run_id"] for r in (first, second, third, fourth, fifth)] == [1, 2, 3, 4, 5]


def test_an_expansion_delivered_in_time(cli: Callable[..., CliResult], write_snapshot: Any, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    expanded = write_snapshot([*met_resources(), vm("vm-new", 64, 0)])
    _night(cli, history, write_snapshot(met_resources()), "2026-11-20T02:00:00+08:00")
    on_time = _night(cli, history, expanded, "2026-11-26T23:00:00+08:00")
    later = _night(cli, history, expanded, "2026-12-01T02:00:00+08:00")
    for night in (on_time, later):
        assert night["expansions"][0]["state"] == "fulfilled_on_time"
        assert night["expansions"][0]["fulfilled_at"] == "2026-11-26T23:00:00+08:00"


def test_runs_of_another_contract_in_the_same_store_are_not_this_contracts_history(
    cli: Callable[..., CliResult], write_snapshot: Any, write_json: Any, contract_data: dict[str, Any], tmp_path: Path
) -> None:
    history = tmp_path / "history.sqlite"
    observed = write_snapshot(met_resources())
    other = dict(contract_data, title_zh="另一份合同", title_en="Another contract")
    other_path = write_json(other, "other-contract.json")
    first_other = cli(
        "check",
        "--observed",
        observed,
        "--contract",
        other_path,
        "--now",
        "2026-11-20T02:00:00+08:00",
        "--history",
        history,
        "--format",
        "json",
    )
    assert first_other.json()["run_id"] == 1
    ours = _night(cli, history, observed, "2026-11-21T02:00:00+08:00")
    assert ours["run_id"] == 2
    assert ours["changes"] is None  # the other contract's run is not "the previous run" of this one
