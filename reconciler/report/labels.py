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
    "evidence": ("not counted", "未计入"),
    "unrecognized": ("not understood, ignored", "无法识别，已忽略"),
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
    "for_example": ("e.g.", "例如"),
}


_SET_ASIDE: dict[str, tuple[str, str]] = {
    "arch": ("not {limit} (is {subject})", "非{limit}平台（实为 {subject}）"),
    "min_cpu_ghz": ("clock {subject} GHz below {limit} GHz", "主频 {subject}GHz 低于 {limit}GHz"),
    "state": ("state {subject} does not count", "状态为 {subject}，不计入"),
}


def set_aside_reason(rule: str, subject: str, limit: str, lang: Lang) -> str:
    """Why resources did not count, e.g. "clock below 2.4 GHz" / "主频低于2.4GHz"."""
    en, zh = _SET_ASIDE[rule]
    return (zh if lang == "zh" else en).format(subject=subject, limit=limit)


def label(key: str, lang: Lang) -> str:
    en, zh = _LABELS[key]
    return zh if lang == "zh" else en
