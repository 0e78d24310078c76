"""What a planned change does to each line item: the supply and status before the change and after it.

Called by `check` (app/cli.py) when a source reads a planned change (a Pulumi preview applied to an export,
a Terraform plan): the console and Markdown faces then end with one line per line item the change moves.
"""

from __future__ import annotations

from typing import TextIO

from reconciler.core.models import Reconciliation
from reconciler.report.labels import Lang, unit
from reconciler.report.text import bracketed, colon, item_name, status, supply

HEADING = {"en": "Before -> after the planned change", "zh": "计划变更前 -> 变更后"}
NOTHING = {"en": "no line item changes", "zh": "没有合同条目变化"}


def plan_change_lines(before: Reconciliation, after: Reconciliation, lang: Lang = "en") -> list[str]:
    """`compute.vcpu: 1,232 -> 1,104 vCPU (met -> short)` / `云主机vCPU：1,232 -> 1,104 vCPU（满足 -> 不足）` for
    every line item whose supply or status moves."""
    earlier = {finding.line_item: finding for finding in before.findings}
    lines = []
    for finding in after.findings:
        was = earlier.get(finding.line_item)
        if was is None:
            continue
        supplies = (supply(was, lang), supply(finding, lang))
        statuses = (status(was, lang), status(finding, lang))
        if supplies[0] == supplies[1] and statuses[0] == statuses[1]:
            continue
        lines.append(
            f"{item_name(finding.line_item.value, lang)}{colon(lang)}{supplies[0]} -> {supplies[1]} "
            f"{unit(finding.unit.value, lang)}" + bracketed(f"{statuses[0]} -> {statuses[1]}", lang)
        )
    return lines


def render_plan_change(before: Reconciliation, after: Reconciliation, out: TextIO, lang: Lang = "en") -> None:
    lines = plan_change_lines(before, after, lang)
    out.write(f"{HEADING[lang]}{colon(lang).rstrip()}\n")
    for line in lines or [NOTHING[lang]]:
        out.write(f"- {line}\n")
