"""Render a contract check (`reconciler validate`) as text or JSON.

Called by the CLI. The JSON lists every line item by id with its figures, and every discrepancy.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.base.messages import say, subject_name, to_json
from reconciler.base.money import ROUNDING_RULE, plain, to_fen
from reconciler.contract.checks import EXPANSION_VALUE_RULE, ContractCheck, Severity
from reconciler.contract.model import Contract
from reconciler.report import text
from reconciler.report.labels import Lang, label

VALIDATION_SCHEMA_ID = "contract-reconciler/validation"


def validation_json(path: str, contract: Contract, check: ContractCheck) -> str:
    document: dict[str, Any] = {
        "schema": VALIDATION_SCHEMA_ID,
        "version": 2,
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
            "value_rule": to_json(EXPANSION_VALUE_RULE),
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
                "message": to_json(d.message),
                "likely_cause": to_json(d.likely_cause),
            }
            for d in check.discrepancies
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def validation_text(path: str, contract: Contract, check: ContractCheck, lang: Lang = "en") -> str:
    period = contract.service_period
    lines = [
        f"{path}: {contract.title_zh}",
        "  "
        + label("validate_summary", lang).format(
            count=len(contract.line_items),
            total=text.yuan(contract.total, lang),
            start=text.day(period.start, lang),
            end=text.day(period.end, lang),
        ),
        f"  {label('rounding_rule', lang)}",
    ]
    for d in check.discrepancies:
        lines.append(
            f"  {label('severity.' + d.severity.value, lang)}: {subject_name(d.subject, lang)}: {say(d.message, lang)}"
        )
        lines.append(f"    {label('likely_cause', lang)}: {say(d.likely_cause, lang)}")
    counts = label("validate_counts", lang).format(**{s.value: check.count(s) for s in Severity})
    verdict = label("valid" if check.ok else "invalid", lang)
    lines.append(f"{verdict}: {counts}")
    return "\n".join(lines) + "\n"
