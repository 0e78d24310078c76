"""Expansions: their deadline, time left and state across recorded runs, and their validation in `validate`.

Hand-computed: a request on 2026-11-18 (Beijing) is due at 11-26 00:00 (days 11-19..11-25, Art. 3.4 + Civil
Code art. 201); 64 vCPU requested in service month 5 (11-17..12-16) are worth 64 x 14.02 x 8 = 7,178.24.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from reconciler.base.formats import duration
from reconciler.contract.model import Contract
from reconciler.core.models import ExitCode, ExpansionState, Reconciliation, Status
from reconciler.core.observation import KINDS, Observation, SourceReport
from reconciler.core.reconcile import reconcile
from reconciler.core.runs import PastRun
from reconciler.dates.clock import CONTRACT_TZ
from tests.conftest import CliResult, met_resources, structs, vm

REQUESTED = "2026-11-18T10:00:00+08:00"
DUE = datetime(2026, 11, 26, 0, 0, tzinfo=CONTRACT_TZ)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def with_expansions(data: dict[str, Any], *expansions: dict[str, Any]) -> Contract:
    data["expansions"] = list(expansions)
    return Contract.model_validate(data)


def expansion(eid: str = "exp-1", quantity: int = 64, requested_at: str = REQUESTED, **extra: Any) -> dict[str, Any]:
    return {"id": eid, "line_item": "compute.vcpu", "quantity": quantity, "requested_at": requested_at, **extra}


def observe(vcpu: int) -> Observation:
    """The contract's baseline everywhere, with `vcpu` x86 vCPU in total (baseline 1232)."""
    resources = [r for r in met_resources() if r["id"] != "vm-b"] + [vm("vm-b", vcpu - 616, 1448)]
    return Observation(at("2026-11-01T00:00:00+08:00"), (SourceReport("test", frozenset(KINDS)),), structs(resources))


def run(run_id: int, now: str, vcpu: int | None, status: str = "met") -> PastRun:
    moment = at(now)
    supplied = None if vcpu is None else Decimal(vcpu)
    return PastRun(run_id, moment, moment, {"compute.vcpu": supplied}, {"compute.vcpu": Status(status)})


def check(contract: Contract, now: str, vcpu: int, history: list[PastRun] | None = None) -> Reconciliation:
    return reconcile(contract, observe(vcpu), at(now), history=history or [])


def test_states_open_at_risk_overdue_then_fulfilled_late(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion())
    history: list[PastRun] = []
    seen = []
    for number, (now, vcpu) in enumerate(
        [
            ("2026-11-20T09:00:00+08:00", 1232),  # 5d 15h before the deadline
            ("2026-11-24T09:00:00+08:00", 1232),  # 39h left: at risk
            ("2026-11-26T09:00:00+08:00", 1232),  # 9h past the deadline
            ("2026-11-27T09:00:00+08:00", 1296),  # delivered, a day and 9 hours late
        ]
    ):
        [e] = check(contract, now, vcpu, history).expansions
        seen.append((e.state, e.remaining_seconds, duration(e.remaining_seconds, "en"), e.fulfilled_at))
        history.append(run(number, now, vcpu))
    assert seen == [
        (ExpansionState.OPEN, 5 * 86400 + 15 * 3600, "5d 15h 0m", None),
        (ExpansionState.AT_RISK, 39 * 3600, "1d 15h 0m", None),
        (ExpansionState.OVERDUE, -9 * 3600, "-9h 0m", None),
        (ExpansionState.FULFILLED_LATE, -(33 * 3600), "-1d 9h 0m", at("2026-11-27T09:00:00+08:00")),
    ]
    # supply dropping again later does not undo the delivery recorded at the run of 11-27
    [later] = check(contract, "2026-11-28T09:00:00+08:00", 1232, history).expansions
    assert (later.state, later.fulfilled_at) == (ExpansionState.FULFILLED_LATE, at("2026-11-27T09:00:00+08:00"))
    assert later.due_at == DUE
    assert later.required == 1296


def test_open_then_fulfilled_on_time_at_the_first_run_that_supplied_it(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion())
    history = [
        run(1, "2026-11-17T09:00:00+08:00", 1296, "over"),  # before the request: does not count
        run(2, "2026-11-19T09:00:00+08:00", 1232, "pending"),
        run(3, "2026-11-22T09:00:00+08:00", 1296),
        run(4, "2026-11-23T09:00:00+08:00", 1296),
    ]
    [first] = check(contract, "2026-11-19T09:00:00+08:00", 1232, history[:1]).expansions
    assert first.state is ExpansionState.OPEN
    [e] = check(contract, "2026-11-25T09:00:00+08:00", 1296, history).expansions
    assert (e.state, e.fulfilled_at) == (ExpansionState.FULFILLED_ON_TIME, at("2026-11-22T09:00:00+08:00"))


def test_the_current_run_fulfils_when_no_earlier_run_did(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion())
    # exactly at the deadline counts as on time
    [e] = check(contract, "2026-11-26T00:00:00+08:00", 1296, [run(1, "2026-11-20T09:00:00+08:00", 1232)]).expansions
    assert (e.state, e.fulfilled_at, e.remaining_seconds, duration(e.remaining_seconds, "en")) == (
        ExpansionState.FULFILLED_ON_TIME,
        DUE,
        0,
        "0s",
    )


def test_runs_after_now_and_unknown_supply_do_not_fulfil(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion())
    history = [run(1, "2026-11-21T09:00:00+08:00", None, "unknown"), run(2, "2026-11-30T09:00:00+08:00", 1296)]
    [e] = check(contract, "2026-11-22T09:00:00+08:00", 1232, history).expansions
    assert (e.state, e.fulfilled_at) == (ExpansionState.OPEN, None)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        ("2026-11-24T00:00:00+08:00", ExpansionState.OPEN),  # exactly 48 h left: not under 48 h
        ("2026-11-24T00:00:01+08:00", ExpansionState.AT_RISK),
        ("2026-11-25T23:59:59+08:00", ExpansionState.AT_RISK),
        ("2026-11-26T00:00:00+08:00", ExpansionState.OVERDUE),
        ("2026-11-25T16:00:00+00:00", ExpansionState.OVERDUE),  # the same instant in UTC
        ("2026-11-23T16:00:00+00:00", ExpansionState.OPEN),  # 11-24 00:00 in Beijing
    ],
)
def test_the_48_hour_boundary(contract_data: dict[str, Any], now: str, state: ExpansionState) -> None:
    contract = with_expansions(contract_data, expansion())
    assert check(contract, now, 1232).expansions[0].state is state


@pytest.mark.parametrize(
    ("requested_at", "due_at"),
    [
        ("2026-11-17T17:00:00+00:00", "2026-11-26T00:00:00+08:00"),  # 11-18 01:00 in Beijing
        ("2026-11-17T15:59:59+00:00", "2026-11-25T00:00:00+08:00"),  # 11-17 23:59:59 in Beijing
        ("2026-11-18T10:00:00-05:00", "2026-11-26T00:00:00+08:00"),  # 11-18 23:00 in Beijing
        ("2026-11-18T12:00:00-05:00", "2026-11-27T00:00:00+08:00"),  # 11-19 01:00 in Beijing
    ],
)
def test_request_days_are_beijing_days(contract_data: dict[str, Any], requested_at: str, due_at: str) -> None:
    contract = with_expansions(contract_data, expansion(requested_at=requested_at))
    [e] = check(contract, "2026-11-20T09:00:00+08:00", 1232).expansions
    assert e.due_at == at(due_at)


def test_later_expansions_of_a_line_item_need_the_earlier_ones_too(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(
        contract_data, expansion("b", 32, "2026-11-19T10:00:00+08:00"), expansion("a", 64, REQUESTED)
    )
    result = check(contract, "2026-11-25T09:00:00+08:00", 1296)
    assert [(e.id, e.required, e.state) for e in result.expansions] == [
        ("a", 1296, ExpansionState.FULFILLED_ON_TIME),
        ("b", 1328, ExpansionState.AT_RISK),
    ]
    assert result.finding("compute.vcpu").status is Status.PENDING
    assert result.exit_code is ExitCode.OK


def test_a_deadline_in_a_year_without_holiday_data_warns(contract_data: dict[str, Any]) -> None:
    contract = with_expansions(contract_data, expansion(requested_at="2026-12-28T10:00:00+08:00"))
    [e] = check(contract, "2026-12-29T09:00:00+08:00", 1232).expansions
    assert e.due_at == at("2027-01-05T00:00:00+08:00")
    assert [(w.key, w.values["year"]) for w in e.warnings] == [("no_holiday_data", 2027)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -8}, "quantity"),
        ({"line_item": "compute.gpu"}, "line_item"),
    ],
)
def test_the_model_rejects_bad_quantities_and_unknown_line_items(
    contract_data: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        with_expansions(contract_data, {**expansion(), **change})


# -- validate: the service period, the notice and the supplement cap (Art. 20.2) ---------------------------------


def validate(cli: Any, write_json: Any, data: dict[str, Any], *expansions: dict[str, Any]) -> CliResult:
    data["expansions"] = list(expansions)
    return cli("validate", write_json(data, "contract.json"), "--format", "json")


def test_validate_reports_each_expansion_and_the_cap_headroom(
    cli: Any, write_json: Any, contract_data: dict[str, Any]
) -> None:
    result = validate(cli, write_json, contract_data, expansion())
    assert result.exit_code == 0
    document = result.json()
    assert document["expansions"] == [
        {
            "id": "exp-1",
            "line_item": "compute.vcpu",
            "quantity": "64",
            "requested_at": REQUESTED,
            "due_at": "2026-11-26T00:00:00+08:00",
            "unit_price": "14.02",
            "months": 8,
            "value": "7178.24",
        }
    ]
    cap = document["supplement_cap"]
    assert (cap["amount"], cap["used"], cap["headroom"]) == ("230501.96", "7178.24", "223323.72")
    [note] = [d for d in document["discrepancies"] if d["check"] == "supplement_cap"]
    assert note["severity"] == "note"
    assert "headroom 223,323.72" in note["message"]["text"]
    assert (note["message"]["values"]["headroom"], note["message"]["values"]["cap"]) == ("223323.72", "230501.96")


def test_validate_fails_when_expansions_exceed_the_cap(
    cli: Any, write_json: Any, contract_data: dict[str, Any]
) -> None:
    # requested in service month 1: 1370 x 14.02 x 12 = 230,488.80 (inside the cap of 230,501.96);
    # one more vCPU adds 14.02 x 12 = 168.24 -> 230,657.04, 155.08 over
    inside = [expansion("big", 1370, "2026-07-20T10:00:00+08:00")]
    assert validate(cli, write_json, dict(contract_data), *inside).exit_code == 0
    over = [*inside, expansion("one-more", 1, "2026-07-21T10:00:00+08:00")]
    result = validate(cli, write_json, contract_data, *over)
    assert result.exit_code == 2
    document = result.json()
    assert (document["supplement_cap"]["used"], document["supplement_cap"]["headroom"]) == ("230657.04", "-155.08")
    [error] = [d for d in document["discrepancies"] if d["check"] == "supplement_cap"]
    assert error["severity"] == "error"


@pytest.mark.parametrize(
    ("requested_at", "valid"),
    [
        ("2026-07-16T23:59:59+08:00", False),
        ("2026-07-16T16:00:00+00:00", True),  # 07-17 00:00 in Beijing
        ("2027-07-16T23:59:59+08:00", True),
        ("2027-07-17T00:00:00+08:00", False),
        ("2027-07-16T16:00:00+00:00", False),  # 07-17 00:00 in Beijing
    ],
)
def test_validate_fails_a_request_outside_the_service_period(
    cli: Any, write_json: Any, contract_data: dict[str, Any], requested_at: str, valid: bool
) -> None:
    result = validate(cli, write_json, contract_data, expansion("early-or-late", 1, requested_at))
    assert result.exit_code == (0 if valid else 2)
    errors = [d for d in result.json()["discrepancies"] if d["severity"] == "error"]
    assert [(d["check"], d["subject"]) for d in errors] == (
        [] if valid else [("expansion_period", "expansions.early-or-late")]
    )
    if not valid:
        assert "expansion early-or-late" in errors[0]["message"]["text"]


def test_validate_fails_a_notice_before_the_request(cli: Any, write_json: Any, contract_data: dict[str, Any]) -> None:
    early = expansion(notice_at="2026-11-17T10:00:00+08:00")
    result = validate(cli, write_json, contract_data, early)
    assert result.exit_code == 2
    assert [d["check"] for d in result.json()["discrepancies"] if d["severity"] == "error"] == ["expansion_notice"]
    reminder = expansion(notice_at="2026-11-20T10:00:00+08:00")  # after the request, before the deadline
    warned = validate(cli, write_json, contract_data, reminder)
    assert warned.exit_code == 0
    assert [d["check"] for d in warned.json()["discrepancies"] if d["severity"] == "warning"] == [
        "amount_in_words",
        "expansion_notice",
    ]


def test_a_check_before_the_request_neither_entitles_nor_tracks_it(contract_data: dict[str, Any]) -> None:
    """A report rebuilt from a run of 11-10 must not hold the provider to a request made on 11-18."""
    contract = with_expansions(contract_data, expansion())
    before = check(contract, "2026-11-10T02:00:00+08:00", 1232)
    vcpu = next(f for f in before.findings if f.line_item == "compute.vcpu")
    assert (vcpu.entitled, vcpu.status, before.expansions) == (Decimal(1232), Status.MET, [])
    after = check(contract, "2026-11-18T10:00:00+08:00", 1232)
    vcpu = next(f for f in after.findings if f.line_item == "compute.vcpu")
    assert (vcpu.entitled, vcpu.status, len(after.expansions)) == (Decimal(1296), Status.PENDING, 1)
