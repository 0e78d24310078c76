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
    # expansions and exposure
    "expansions": ("Expansions", "扩容"),
    "no_expansions": ("none recorded", "无扩容记录"),
    "requested": ("requested", "提出"),
    "due_by": ("due", "期限"),
    "left": ("left", "剩余"),
    "fulfilled": ("fulfilled", "完成于"),
    "expansion.open": ("open", "期限内"),
    "expansion.at_risk": ("at risk (under 48 h left)", "临近期限（不足48小时）"),
    "expansion.overdue": ("overdue", "逾期未完成"),
    "expansion.fulfilled_on_time": ("fulfilled on time", "按期完成"),
    "expansion.fulfilled_late": ("fulfilled late", "逾期完成"),
    "exposure": ("Exposure (indicative)", "违约金（参考测算）"),
    "exposure_total": ("total counted", "计入合计"),
    "no_exposure": ("none", "无"),
    "not_counted_one_event": ("not counted: Art. 12.4, the heavier rule counts", "不计入：第12.4条，择其重者"),
    "cannot_apply": ("does not apply", "不适用"),
    "delay_days": ("day(s) since", "日，起算于"),
    "termination_right": ("termination right reached", "已达解除合同条件"),
    "exposure_disclaimer": (
        "Indicative, not a legal conclusion or a claim: cause, notice, force majeure and the parties' agreement "
        "decide whether a clause applies.",
        "参考测算，不构成法律结论或索赔主张：条款是否适用取决于原因、通知、不可抗力及双方约定。",
    ),
    # reconciler calendar
    "cal_title": ("Contract calendar", "合同履约日历"),
    "cal_date": ("Date", "日期"),
    "cal_state": ("State", "状态"),
    "cal_clause": ("Clause", "条款"),
    "cal_obligation": ("Obligation", "义务"),
    "cal_rule": ("Rule", "计算规则"),
    "cal_anchor": ("From", "起算事件"),
    "cal_soon": ("due soon: within {days} days", "即将到期：{days} 日内"),
    "cal_conditional": ("conditional", "附条件"),
    "cal_condition": ("Condition", "条件"),
    "cal_extended": ("extended", "顺延"),
    "cal_notes": ("Notes", "说明"),
    "cal_no_date": ("no date", "无日期"),
    "past": ("past", "已过"),
    "due_soon": ("due soon", "即将到期"),
    "ahead": ("ahead", "未到"),
    "rule": ("rule", "规则"),
    "fixed-date": ("date in the contract", "合同约定日期"),
    "civil-code": ("Civil Code (Art. 201-203)", "民法典第201-203条"),
    "calendar-days": ("calendar days", "自然日（不顺延）"),
    "counted-back": ("counted back, not moved", "倒算，不顺延"),
    # run history (reconciler check --history)
    "run_recorded": ("Recorded as run #{id}", "已记录为第 {id} 次核对"),
    "first_run": ("the first recorded run", "首次记录"),
    "since_run": ("since run #{id} at {now}", "与第 {id} 次核对（{now}）相比"),
    "change.new": ("new", "新增问题"),
    "change.resolved": ("resolved", "已解决"),
    "change.changed": ("changed", "有变化"),
    "no_change": ("no change", "无变化"),
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
