"""User-facing words in English and Chinese, one table for every renderer.

Chinese labels follow the contract's own wording (分项名称, 单价, 数量, 合价, ...).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Contract capacity check", "合同容量核对"),
    "line_item": ("Line item", "分项名称"),
    "unit": ("Unit", "单位"),
    "unit_price": ("Unit price", "单价 (元)"),
    "entitled": ("Entitled", "应有"),
    "due": ("Due", "应交付"),
    "supplied": ("Supplied", "实有"),
    "gap": ("Gap", "差额"),
    "status": ("Status", "状态"),
    "gap_value": ("Value/month (CNY)", "差额月值 (元)"),
    "observed_at": ("Observed at", "观测时间"),
    "now": ("Checked at", "核对时间"),
    "verdict": ("Verdict", "结论"),
    "sources": ("Sources", "数据来源"),
    "shortfall_value": ("Shortfall value per month", "短缺月值"),
    "surplus_value": ("Surplus value per month", "超配月值"),
    "warnings": ("Warnings", "提示"),
    "evidence": ("Not counted", "未计入"),
    "unrecognized": ("Not understood", "无法识别"),
    "met": ("met", "满足"),
    "pending": ("pending", "待交付"),
    "short": ("short", "不足"),
    "over": ("over", "超出"),
    "unknown": ("unknown", "未知"),
    "not_observed": ("not observed", "未观测"),
    "ok": ("all line items met", "全部分项满足"),
    "drift": ("shortfall or surplus", "存在不足或超出"),
    "verdict_unknown": ("a source failed: some line items unknown", "数据来源失败：部分分项未知"),
    "resources": ("resources", "个资源"),
}


def label(key: str, lang: Lang) -> str:
    en, zh = _LABELS[key]
    return zh if lang == "zh" else en
