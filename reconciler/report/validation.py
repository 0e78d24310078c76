"""Render a contract check (`reconciler validate`) as text or JSON.

Called by the CLI. The JSON lists every line item by id with its figures, and every discrepancy.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.base.money import ROUNDING_RULE, plain, to_fen, yuan
from reconciler.contract.checks import EXPANSION_VALUE_RULE, ContractCheck, Severity
from reconciler.contract.model import Contract

VALIDATION_SCHEMA_ID = "contract-reconciler/validation"


def validation_json(path: str, contract: Contract, check: ContractCheck) -> str:
    document: dict[str, Any] = {
        "schema": VALIDATION_SCHEMA_ID,
        "version": 1,
        "file": path,
        "valid": check.ok,
        "rounding_rule": ROUNDING_RULE,
        "counts": {s.value: check.count(s) for s in Severity},
        "line_items": [
            {
                "id": line.item.id.value,
                "seq": line.item.seq,
                "name_zh": line.item.name_zh,
                "name_en": line.item.name_en,
                "unit": line.item.unit.value,
                "unit_price": plain(line.item.unit_price),
                "quantity": plain(line.item.quantity),
                "billing_months": line.item.billing_months,
                "monthly_fee": plain(line.item.monthly_fee),
                "exact_total": plain(line.exact_total),
                "rounded_total": str(line.rounded_total),
                "stated_total": str(line.item.line_total),
            }
            for line in check.lines
        ],
        "total": {
            "stated": str(contract.total),
            "sum_of_stated_lines": str(check.stated_line_sum),
            "sum_of_exact_lines": plain(check.exact_total),
            "monthly_fee": str(to_fen(contract.monthly_fee)),
        },
        "instalments": [
            {"id": i.id, "clause": i.clause, "percent": plain(i.percent), "amount": str(i.amount)}
            for i in contract.payment_schedule.instalments
        ],
        "expansions": [
            {
                "id": v.expansion.id,
                "line_item": v.expansion.line_item.value,
                "quantity": plain(v.expansion.quantity),
                "requested_at": v.expansion.requested_at.isoformat(),
                "due_at": v.due_at.isoformat(),
                "unit_price": plain(v.unit_price),
                "months": v.months,
                "value": str(v.value),
            }
            for v in check.expansions
        ],
        "supplement_cap": {
            "clause": contract.supplement_cap.clause,
            "max_fraction_of_total": plain(contract.supplement_cap.max_fraction_of_total),
            "amount": str(to_fen(contract.total * contract.supplement_cap.max_fraction_of_total)),
            "value_rule": EXPANSION_VALUE_RULE,
            "used": None if check.supplement_cap is None else str(check.supplement_cap.used),
            "headroom": None if check.supplement_cap is None else str(check.supplement_cap.headroom),
        },
        "discrepancies": [
            {
                "severity": d.severity.value,
                "check": d.check,
                "subject": d.subject,
                "computed": None if d.computed is None else plain(d.computed),
                "stated": None if d.stated is None else plain(d.stated),
                "difference": None if d.difference is None else plain(d.difference),
                "message": d.message,
                "likely_cause": d.likely_cause,
            }
            for d in check.discrepancies
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def validation_text(path: str, contract: Contract, check: ContractCheck) -> str:
    lines = [
        f"{path}: {contract.title_zh}",
        f"  {len(contract.line_items)} line items, total {yuan(contract.total)} CNY, "
        f"service {contract.service_period.start} to {contract.service_period.end}",
        f"  rounding rule: {ROUNDING_RULE}",
    ]
    for d in check.discrepancies:
        lines.append(f"  {d.severity.value}: {d.subject}: {d.message}")
        lines.append(f"    likely cause: {d.likely_cause}")
    counts = ", ".join(f"{check.count(s)} {s.value}(s)" for s in Severity)
    verdict = "valid" if check.ok else "INVALID"
    lines.append(f"{verdict}: {counts}")
    return "\n".join(lines) + "\n"
