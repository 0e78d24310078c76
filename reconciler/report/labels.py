"""User-facing words in English and Chinese, one table for every renderer.

Chinese labels follow the contract's own wording (分项名称, 单价, 数量, 合价, ...).
"""

from __future__ import annotations

import re
from typing import Literal

from reconciler.base.formats import Lang, number
from reconciler.base.messages import term

__all__ = ["Lang", "PageLang", "counted", "field_name", "label", "unit"]

PageLang = Literal["en", "zh", "both"]
"""A page's language: one, or both side by side (HTML and PDF)."""

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Contract capacity check", "合同容量核对"),
    "line_item": ("Line item", "分项名称"),
    "unit": ("Unit", "单位"),
    "unit_price": ("Unit price", "单价（元）"),
    "entitled": ("Entitled", "应有"),
    "due": ("Due", "应交付"),
    "supplied": ("Supplied", "实有"),
    "gap": ("Gap", "差额"),
    "status": ("Status", "状态"),
    "gap_value": ("Value/month (CNY)", "差额月值（元）"),
    "gap_value_short": ("CNY/month", "月值（元）"),
    "value_per_month": ("{value} CNY/month", "月值 {value} 元"),
    "observed_at": ("Observed at", "观测时间"),
    "now": ("Checked at", "核对时间"),
    "verdict": ("Verdict", "结论"),
    "sources": ("Sources", "数据来源"),
    "shortfall_value": ("Shortfall value per month", "短缺月值"),
    "shortfall_overdue": ("overdue", "已逾期"),
    "pending_value": ("pending", "待交付"),
    "pending_until": ("next deadline", "最近期限"),
    "surplus_value": ("Surplus value per month", "超配月值"),
    "possibly": ("possibly down to {value}", "最多可能 {value}"),
    "possibly_up": ("possibly up to {value}", "最多可能 {value}"),
    "possibly_unbounded": ("possibly more", "可能更多"),
    "at_least": ("≥ {value}", "≥ {value}"),
    "bounds_note": (
        "{count} resource(s) {counts}: {unknown} not known, {quantity}",
        "{count} 个资源{counts}：{unknown} 未知，{quantity}",
    ),
    "uncertain.certainly": ("count, amount not known", "计入但数量未知"),
    "uncertain.possibly": ("may count", "可能计入"),
    "uncertain.unbounded": ("no upper bound", "无上限"),
    "warnings": ("Warnings", "提示"),
    "warning": ("warning", "提示"),
    "evidence": ("not counted", "未计入"),
    "unrecognized": ("not understood, ignored", "无法识别，已忽略"),
    "unrecognized.kind": ("kind {name}", "资源类型 {name}"),
    "unrecognized.field": ("field {kind}.{name}", "字段 {kind}.{name}"),
    "met": ("met", "满足"),
    "pending": ("pending", "待交付"),
    "short": ("short", "不足"),
    "over": ("over", "超出"),
    "unknown": ("unknown", "未知"),
    "not_observed": ("not observed", "未观测"),
    "ended": ("ended", "已结束"),
    "ok": ("all line items met", "全部分项满足"),
    "drift": ("shortfall or surplus", "存在不足或超出"),
    "verdict_unknown": (
        "undecided: some line items may be short or over (a source failed or knowledge is partial)",
        "无法确定：部分分项可能不足或超出（数据来源失败或信息不全）",
    ),
    "verdict_ended": (
        "the service period ended on {end}: nothing is due or entitled any more",
        "服务期已于 {end} 结束：不再有应交付或应享有的数量",
    ),
    "exit": ("(exit {code})", "（退出码 {code}）"),
    "cny": ("CNY", "元"),
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
    "exposure_counted": ("Total counted", "计入合计"),
    "col_short": ("Short", "不足"),
    "col_over": ("Over", "超出"),
    "col_unknown": ("Undecided", "无法确定"),
    "no_exposure": ("none", "无"),
    "not_counted": ("not counted", "不计入"),
    "cannot_apply": ("does not apply", "不适用"),
    "termination_right": ("termination right reached", "已达解除合同条件"),
    "exposure_disclaimer": (
        "Indicative, not a legal conclusion or a claim: cause, notice, force majeure and the parties' agreement "
        "decide whether a clause applies.",
        "参考测算，不构成法律结论或索赔主张：条款是否适用取决于原因、通知、不可抗力及双方约定。",
    ),
    # reconciler report --format html
    "report_title": ("Contract capacity report", "合同容量核对报告"),
    "contract": ("Contract", "合同"),
    "parties": ("Parties", "合同双方"),
    "party.client": ("Client", "甲方"),
    "party.provider": ("Provider", "乙方"),
    "party.management_unit": ("Management unit", "管理单位"),
    "service_period": ("Service period", "服务期"),
    "contract_total": ("Contract total (CNY)", "合同总价（元）"),
    "monthly_fee": ("Monthly fee (CNY)", "月服务费（元）"),
    "months": ("months", "个月"),
    "chart": ("Supplied against entitlement", "实有与应有对比"),
    "chart_note": (
        "Bars as % of the entitlement; the grey bar is the contracted 100 %, red marks short line items.",
        "以应有数量为100%；灰色为合同约定，红色为不足的分项。",
    ),
    "contracted": ("contracted", "合同约定"),
    "line_items": ("Line items", "分项明细"),
    "notes": ("Notes", "说明"),
    # where the figures come from (provenance): table entries and attestations
    "attested": ("attested", "书面确认"),
    "basis": ("Basis of the figures", "数据依据"),
    "basis_tables": ("Table entries the figures rest on", "数据所依据的对照表条目"),
    "basis_attested": ("Attestations", "书面确认"),
    # reconciler tables init (the sentences are messages: base.messages KEYS tables_*)
    "tables_evidence": ("evidence", "依据"),
    "expansion_id": ("Expansion", "扩容编号"),
    "quantity": ("Quantity", "数量"),
    "requested_at": ("Requested", "提出时间"),
    "due_at": ("Deadline", "期限"),
    "remaining": ("Left", "剩余时间"),
    "state": ("State", "状态"),
    "clause": ("Clause", "条款"),
    "event": ("Event", "事项"),
    "amount": ("Amount (CNY)", "金额（元）"),
    "formula": ("Formula", "计算方式"),
    "counted": ("Counted", "计入"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "history": ("Run history", "核对记录"),
    "generated": ("Generated by reconciler report", "由 reconciler report 生成"),
    # reconciler report: sections beyond the check
    "from_history": ("Reported from recorded run #{id}, checked at {now}", "依据第 {id} 次核对记录（核对时间 {now}）"),
    "timeline": ("Expansions on a timeline", "扩容时间线"),
    "timeline_note": (
        "Each bar runs from the expansion request to its deadline (7 natural days, Art. 3.4); a dot marks the "
        "run that first found it delivered; the vertical line is the time of the report.",
        "条形自扩容申请起至期限止（7个自然日，第三条第4款）；圆点为首次核对到扩容完成的时间；竖线为报告时间。",
    ),
    "calendar": ("Payment and acceptance calendar", "付款及验收日历"),
    "calendar_note": (
        "Dated obligations of the contract as of the report's time; conditional ones apply only if their "
        "condition arises.",
        "截至报告时间的合同履约日期；附条件事项仅在条件成就时适用。",
    ),
    "trends": ("Trends across recorded runs", "历次核对趋势"),
    "trends_note": (
        "Supplied (solid) against entitled (dashed) and due (dotted) at each recorded run; red dots are runs "
        "that found the line item short.",
        "各次核对的实有（实线）与应有（虚线）、应交付（点线）对比；红点为核对时不足。",
    ),
    "no_runs": ("no recorded runs", "无核对记录"),
    "runs": ("Runs", "核对次数"),
    "first": ("First", "首次"),
    "last": ("Last", "最近"),
    "lowest": ("Lowest", "最低"),
    "runs_short": ("Runs short", "不足次数"),
    # acceptance materials (Art. 6)
    "monthly_title": ("Monthly operations report", "运维服务月报"),
    "summary_title": ("Service summary report", "服务总结报告"),
    "acceptance_note": (
        "Acceptance material under Art. 6 of the contract, built from the recorded capacity checks.",
        "合同第六条所列验收材料，依据历次容量核对记录生成。",
    ),
    "period": ("Period", "期间"),
    "as_of": ("As of", "截至"),
    "incomplete": ("the period is not over: covered up to the time of the report", "期间尚未结束：统计至报告时间"),
    "coverage": ("Coverage by recorded runs", "核对记录覆盖情况"),
    "days": ("Days", "天数"),
    "days_with_runs": ("Days with a recorded run", "有核对记录的天数"),
    "days_without_runs": ("Days without any run: nothing is known of them", "无核对记录的天数（情况不明）"),
    "missing_days": ("Days without a run", "无核对记录的日期"),
    "availability": ("Supply by line item", "各分项供给情况"),
    "availability_note": (
        "Days in Beijing time. A day is short when a run that day found the line item short; over when none did "
        "and one found more than the entitlement; met when its runs found at least what was due and no more than "
        "entitled; unknown when they could not observe it.",
        "按北京时间计日。当日有核对发现不足的计为不足；无不足但有核对发现超出应有数量的计为超出；"
        "当日核对均不低于应交付数量且不超出应有数量的计为满足；无法观测的计为未知。",
    ),
    "days_met": ("Days met", "满足天数"),
    "days_over": ("Days over", "超出天数"),
    "days_any_over": ("Days with a surplus", "存在超出的天数"),
    "run.ok": ("all met", "全部满足"),
    "run.drift": ("short or over", "不足或超出"),
    "run.unknown": ("undecided", "无法确定"),
    "days_short": ("Days short", "不足天数"),
    "days_unknown": ("Days unknown", "未知天数"),
    "days_no_run": ("Days no run", "无记录天数"),
    "fulfilled_at": ("Delivered", "完成时间"),
    "delay_days_count": ("Days of delay", "延误天数"),
    "episodes": ("Shortfall episodes", "供给不足时段"),
    "none": ("none", "无"),
    "episode_start": ("From (first run short)", "起（首次核对不足）"),
    "episode_end": ("Until (first run supplied)", "止（首次核对恢复）"),
    "ongoing": ("ongoing", "持续中"),
    "largest_gap": ("Largest gap", "最大差额"),
    "outcome": ("Outcome", "结果"),
    "outcome.on_time": ("delivered on time", "按期完成"),
    "outcome.late": ("delivered late", "逾期完成"),
    "outcome.overdue": ("overdue, not delivered", "逾期未完成"),
    "outcome.open": ("open", "期限未到"),
    "exposure_accrued": ("Exposure accrued in the period (indicative)", "期间内违约金（参考测算）"),
    "accrued": ("Accrued in the period (CNY)", "期间内新增（元）"),
    "amount_at_end": ("Counted at the end (CNY)", "期末计入金额（元）"),
    "since": ("Since", "起算"),
    "incidents": ("Incidents: runs during which a source failed", "异常：数据来源失败的核对"),
    "source": ("Source", "数据来源"),
    "failure": ("Failure", "失败原因"),
    "unknown_items": ("Line items unknown", "未知分项"),
    "runs_table": ("Recorded runs", "核对记录"),
    "run": ("Run", "核对"),
    "months_table": ("By month", "按月统计"),
    "month": ("Month", "月份"),
    "days_any_short": ("Days with a shortfall", "存在不足的天数"),
    "incident_count": ("Incidents", "异常次数"),
    "monthly_values": ("Value/month (CNY)", "月值（元）"),
    # reconciler calendar
    "cal_title": ("Contract calendar", "合同履约日历"),
    "cal_date": ("Date", "日期"),
    "cal_state": ("State", "状态"),
    "cal_clause": ("Clause", "条款"),
    "cal_obligation": ("Obligation", "义务"),
    "cal_rule": ("Rule", "计算规则"),
    "cal_anchor": ("From", "起算事件"),
    "cal_soon": ("due soon: within {days} days", "即将到期：{days} 日内"),
    "cal_soon_one": ("due soon: within 1 day", "即将到期：1 日内"),
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
    "cal_due_at": ("due at", "截止时间"),
    # reconciler validate
    "validate_summary": (
        "{count} line items, total {total} CNY, service {start} to {end}",
        "{count} 个分项，合同总价 {total} 元，服务期 {start} 至 {end}",
    ),
    "rounding_rule": (
        "rounding rule: exact Decimal arithmetic, then rounded half-up to 0.01 CNY (四舍五入到分)",
        "舍入规则：精确计算后四舍五入到分（0.01元）",
    ),
    "severity.note": ("note", "说明"),
    "severity.warning": ("warning", "警告"),
    "severity.error": ("error", "错误"),
    "likely_cause": ("likely cause", "可能原因"),
    "validate_counts": (
        "{note} note(s), {warning} warning(s), {error} error(s)",
        "说明 {note} 条，警告 {warning} 条，错误 {error} 条",
    ),
    "valid": ("valid", "有效"),
    "invalid": ("INVALID", "无效"),
    # reconciler deadline
    "deadline_line": (
        "due {due} ({weekday}): {length} after {start}, counted from {first}, {rule}",
        "期限 {due}（{weekday}）：自 {start} 起 {length}，自 {first} 起算，{rule}",
    ),
    "weekday.0": ("Monday", "星期一"),
    "weekday.1": ("Tuesday", "星期二"),
    "weekday.2": ("Wednesday", "星期三"),
    "weekday.3": ("Thursday", "星期四"),
    "weekday.4": ("Friday", "星期五"),
    "weekday.5": ("Saturday", "星期六"),
    "weekday.6": ("Sunday", "星期日"),
    # run history (reconciler check --history)
    "run_recorded": ("Recorded as run #{id}", "已记录为第 {id} 次核对"),
    "first_run": ("the first recorded run", "首次记录"),
    "since_run": ("since run #{id} at {now}", "与第 {id} 次核对（{now}）相比"),
    "change.new": ("new", "新增问题"),
    "change.resolved": ("resolved", "已解决"),
    "change.changed": ("changed", "有变化"),
    "no_change": ("no change", "无变化"),
}


_COUNTED: dict[str, tuple[str, str, str]] = {
    # key: (English singular, English plural, Chinese); shown after a number: "1 resource", "30 个资源"
    "resources": ("resource", "resources", "个资源"),
    "delay_days": ("day since", "days since", "日，起算于"),
    "not_counted": ("not counted", "not counted", "个未计入"),
}

_FIELDS_ZH: dict[str, str] = {
    # a changed figure of a line item (`changes.FieldChange.field`) as the Chinese reports name it
    "unit_price": "单价",
    "baseline": "基准",
    "entitled": "应有",
    "due": "应交付",
    "supplied": "实有",
    "gap": "差额",
    "gap_value_monthly": "差额月值",
    "evidence.contributing_count": "计入资源数",
}


def counted(count: int, key: str, lang: Lang) -> str:
    """A number with its noun: "1 resource", "2 resources", "2 个资源" (Chinese has no plural)."""
    one, many, zh = _COUNTED[key]
    shown = number(count, lang)
    if lang == "zh":
        return f"{shown} {zh}"
    return f"{shown} {one if count == 1 else many}"


def unit(value: str, lang: Lang) -> str:
    """A line item's unit as the reader's language writes it: "instance" -> "个" in Chinese (the catalogs'
    vocabulary, `reconciler.base.catalogs`)."""
    return term(f"unit.{value}", lang)


_GROUP_PATH = re.compile(r"evidence\.(nonconforming|excluded)\[(\w+) ([^\]]*)\](?:\.(count|quantity))?")
_GROUPS_ZH = {"nonconforming": "不符合合同要求", "excluded": "按规则不计入"}
_RULES_ZH = {"arch": "平台", "min_cpu_ghz": "主频", "state": "状态"}
_GROUP_FIGURES_ZH = {"count": "资源数", "quantity": "数量"}


def field_name(path: str, lang: Lang) -> str:
    """A changed field of a line item (`changes.FieldChange.field`, a path the change report builds) for people:
    "supplied" -> "实有", "evidence.excluded[state terminated].count" -> "按规则不计入（状态 terminated）资源数"
    in Chinese; English keeps the path."""
    if lang != "zh":
        return path
    group = _GROUP_PATH.fullmatch(path)
    if group is not None:
        kind, rule, subject, figure = group.groups()
        shown = term(f"vm_state.{subject}", lang) if rule == "state" else subject
        return f"{_GROUPS_ZH[kind]}（{_RULES_ZH.get(rule, rule)} {shown}）{_GROUP_FIGURES_ZH.get(figure, '')}"
    return _FIELDS_ZH.get(path, path)


_ATTRIBUTES_ZH: dict[str, str] = {
    # a resource attribute a source could not tell (`Uncertain.unknown`), as the Chinese reports name it
    "arch": "平台",
    "cpu_ghz": "主频",
    "state": "状态",
    "tier": "存储类型",
    "vcpu": "vCPU 数",
    "memory_gb": "内存容量",
    "size_gb": "容量",
    "mbps": "带宽",
}


def attribute_name(name: str, lang: Lang) -> str:
    """A resource attribute for people: "cpu_ghz" -> "主频" in Chinese; English keeps the field name."""
    return _ATTRIBUTES_ZH.get(name, name) if lang == "zh" else name


def label(key: str, lang: Lang) -> str:
    en, zh = _LABELS[key]
    return zh if lang == "zh" else en
