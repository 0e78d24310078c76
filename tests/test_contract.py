"""The contract as data: what the shipped file says, and how its arithmetic is checked.

Figures are computed by hand from the contract text (Art. 2, 5, 7, 20.2 and Annexes 1-3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reconciler.base.errors import InputError
from reconciler.base.messages import message, say
from reconciler.contract.checks import Severity, check_contract
from reconciler.contract.model import Contract, FormulaKind, LineItemId
from reconciler.core.meters import GB_PER_TB

EXPECTED_IDS = [
    "compute.vcpu",
    "compute.memory",
    "storage.standard",
    "storage.performance",
    "storage.object",
    "backup.host",
    "network.bandwidth",
    "network.public_ip",
    "network.load_balancer",
    "network.remote_access",
    "security.waf",
]


def test_line_items_in_contract_order_with_stable_ids(contract: Contract) -> None:
    assert [item.id.value for item in contract.line_items] == EXPECTED_IDS
    assert [item.seq for item in contract.line_items] == list(range(1, 12))


def test_quantities_prices_and_totals_as_written(contract: Contract) -> None:
    vcpu = contract.line_item("compute.vcpu")
    assert (vcpu.unit_price, vcpu.quantity, vcpu.line_total) == (Decimal("14.02"), 1232, Decimal("207271.68"))
    assert vcpu.name_zh == "计算服务-x86平台云主机服务 -vCPU (主频不低于2.4GHz)"
    assert vcpu.constraints.arch == "x86_64"
    assert vcpu.constraints.min_cpu_ghz == Decimal("2.4")
    memory = contract.line_item("compute.memory")
    assert memory.constraints.arch == "x86_64"
    assert memory.constraints.min_cpu_ghz is None
    assert contract.line_item("storage.object").quantity == Decimal("4.648")
    assert contract.line_item("storage.object").unit.value == "TB"
    assert contract.total == Decimal("2305019.62")
    assert all(item.billing_months == 12 for item in contract.line_items)


def test_static_storage_tb_equals_backup_gb_in_contract_units(contract: Contract) -> None:
    static = contract.line_item("storage.object").quantity
    backup = contract.line_item("backup.host").quantity
    assert static * GB_PER_TB == backup == 4648


def test_period_parties_payments_sla_and_cap(contract: Contract) -> None:
    assert (str(contract.service_period.start), str(contract.service_period.end)) == ("2026-07-17", "2027-07-16")
    assert str(contract.signed_on) == "2026-06-12"
    assert [p.role for p in contract.parties] == ["client", "provider", "management_unit"]
    instalments = contract.payment_schedule.instalments
    assert [(i.percent, i.amount) for i in instalments] == [
        (60, Decimal("1383011.77")),
        (30, Decimal("691505.89")),
        (10, Decimal("230501.96")),
    ]
    assert instalments[1].after_service_months == 9
    sla = contract.service_levels
    assert (sla.availability_percent, sla.data_reliability_percent) == (Decimal("99.99"), Decimal("99.9999"))
    assert (sla.expansion_natural_days, sla.response_minutes, sla.on_site_minutes) == (7, 15, 60)
    assert (sla.fault_fix_minutes, sla.important_fault_fix_minutes) == (30, 10)
    assert contract.supplement_cap.max_fraction_of_total == Decimal("0.10")
    assert contract.expansions == []


def test_penalty_rules_as_data(contract: Contract) -> None:
    rules = {rule.clause: rule for rule in contract.penalties}
    assert rules["12.3"].formula is FormulaKind.PERCENT_OF_TOTAL_PER_DAY
    assert (rules["12.3"].rate, rules["12.3"].termination_after_days) == (Decimal("0.02"), 10)
    assert rules["12.4"].formula is FormulaKind.NO_DOUBLE_COUNTING
    assert rules["annex3.4"].coefficient == Decimal("0.20")
    assert rules["annex3.4"].formula is FormulaKind.MONTHLY_FEE_TIMES_COEFFICIENT
    assert len([c for c in rules if c.startswith("annex2.")]) == 12
    assert len([c for c in rules if c.startswith("annex3.")]) == 13
    assert {rules[f"annex1.{i}"].grade for i in range(1, 9)} == {"A", "B"}
    assert rules["annex2.3"].coefficient == Decimal("6.00")


def test_shipped_contract_passes_with_rounding_notes_and_one_words_warning(contract: Contract) -> None:
    result = check_contract(contract)
    assert result.ok
    notes = {(d.check, d.subject) for d in result.discrepancies if d.severity is Severity.NOTE}
    assert notes == {
        ("line_total", "storage.object"),
        ("line_total", "backup.host"),
        ("total", "total"),
        ("instalment", "payment_schedule.first"),
        ("instalment", "payment_schedule.second"),
        ("instalment", "payment_schedule.final"),
    }
    [warning] = [d for d in result.discrepancies if d.severity is Severity.WARNING]
    assert warning.subject == "payment_schedule.final"
    assert warning.stated == Decimal("130501.96")  # 拾叁万… as written
    assert warning.likely_cause == message("cause_leading_numeral", numeral="贰")
    lines = {line.item.id: line for line in result.lines}
    assert lines[LineItemId.STORAGE_OBJECT].exact_total == Decimal("4057.704")
    assert lines[LineItemId.BACKUP_HOST].exact_total == Decimal("49333.872")
    assert result.stated_line_sum == Decimal("2305019.61")
    assert result.exact_total == Decimal("2305019.616")


def _checked(data: dict[str, Any]) -> list[Any]:
    return list(check_contract(Contract.model_validate(data)).discrepancies)


def _errors(data: dict[str, Any]) -> list[Any]:
    return [d for d in _checked(data) if d.severity is Severity.ERROR]


def test_transposed_digits_in_a_line_total_fail(contract_data: dict[str, Any]) -> None:
    contract_data["line_items"][0]["line_total"] = "207271.86"
    [error] = [e for e in _errors(contract_data) if e.check == "line_total"]
    assert error.subject == "compute.vcpu"
    assert error.computed == Decimal("207271.68")
    assert error.difference == Decimal("0.18")
    assert say(error.likely_cause, "en").startswith("transposed digits in the stated total")


def test_line_total_of_eleven_months_names_the_months(contract_data: dict[str, Any]) -> None:
    contract_data["line_items"][6]["line_total"] = "109010.00"  # 49.55 x 200 x 11
    [error] = [e for e in _errors(contract_data) if e.check == "line_total"]
    assert error.likely_cause == message("cause_months_of_line", months=Decimal(11), billed=12)
    assert say(error.likely_cause, "zh") == "合价为该分项 11 个月的费用，而不是 12 个月"


def test_wrong_unit_price_is_named(contract_data: dict[str, Any]) -> None:
    contract_data["line_items"][8]["unit_price"] = "12.50"  # 12.5 x 2 x 12 = 300 != 240
    [error] = [e for e in _errors(contract_data) if e.check == "line_total"]
    assert say(error.likely_cause, "en") == "the stated total implies a unit price of 10, not 12.5"


def test_a_line_left_out_of_the_total_is_named(contract_data: dict[str, Any]) -> None:
    contract_data["total"] = str(Decimal("2305019.61") - Decimal("2737.80"))
    errors = [e for e in _errors(contract_data) if e.check == "total"]
    assert [e.likely_cause for e in errors] == [message("cause_line_twice", line_item="network.public_ip")]
    assert say(errors[0].likely_cause, "zh") == "互联网IP地址被重复计入或遗漏"


def test_instalment_not_matching_its_percentage_fails(contract_data: dict[str, Any]) -> None:
    contract_data["payment_schedule"]["instalments"][1]["amount"] = "691505.98"
    errors = {e.check for e in _errors(contract_data)}
    assert errors == {"instalment", "instalment_sum"}


def test_percentages_must_add_up_to_100(contract_data: dict[str, Any]) -> None:
    contract_data["payment_schedule"]["instalments"][2]["percent"] = "15"
    assert "instalment_percent" in {e.check for e in _errors(contract_data)}


def test_billing_months_differing_from_the_period_fail(contract_data: dict[str, Any]) -> None:
    contract_data["line_items"][3]["billing_months"] = 11
    contract_data["line_items"][3]["line_total"] = "257537.28"  # 0.64 x 36582 x 11
    errors = list(_errors(contract_data))
    assert [e.check for e in errors] == ["billing_months", "total"]


def test_service_period_must_match_its_months(contract_data: dict[str, Any]) -> None:
    contract_data["service_period"]["end"] = "2027-07-17"
    assert [e.check for e in _errors(contract_data)] == ["service_period"]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["line_items"][2].pop("quantity"), "line_items[2](storage.standard).quantity"),
        (lambda d: d["line_items"][1].update(unit_price="-41.145"), "line_items[1](compute.memory).unit_price"),
        (lambda d: d["line_items"][0].update(id="compute.gpu"), "line_items[0](compute.gpu).id"),
        (lambda d: d.update(total="2,305,019.62"), "total"),
        (lambda d: d["service_period"].update(start="2026-13-01"), "service_period.start"),
        (lambda d: d.update(surprise=True), "surprise"),
        (
            lambda d: d["expansions"].append(
                {"id": "x", "line_item": "compute.vcpu", "quantity": 8, "requested_at": "2026-11-20T10:00:00"}
            ),
            "expansions[0](x).requested_at",
        ),
    ],
)
def test_invalid_fields_are_named(contract_data: dict[str, Any], write_json: Any, mutate: Any, field: str) -> None:
    from reconciler.contract.load import load_contract

    mutate(contract_data)
    path = write_json(contract_data, "contract.json")
    with pytest.raises(InputError) as caught:
        load_contract(path)
    rendered = caught.value.render()
    assert f"{path}: {field}:" in rendered, rendered


def test_duplicate_line_items_are_rejected(contract_data: dict[str, Any]) -> None:
    contract_data["line_items"].append(dict(contract_data["line_items"][0]))
    with pytest.raises(ValueError, match="declared twice"):
        Contract.model_validate(contract_data)


def test_expansion_of_an_unpriced_line_item_is_rejected(contract_data: dict[str, Any]) -> None:
    del contract_data["line_items"][10]
    contract_data["expansions"] = [
        {"id": "e1", "line_item": "security.waf", "quantity": 1, "requested_at": "2026-11-20T10:00:00+08:00"}
    ]
    with pytest.raises(ValueError, match="does not price"):
        Contract.model_validate(contract_data)
