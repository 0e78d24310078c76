"""User-facing words in English and Chinese, one table for every renderer.

Chinese labels follow the contract's own wording (分项名称, 单价, 数量, 合价, ...).
"""

from __future__ import annotations

from typing import Literal

from reconciler.base.messages import TEMPLATES

Lang = Literal["en", "zh"]
"""A reader's language."""
PageLang = Literal["en", "zh", "both"]
"""A page's language: one, or both side by side (HTML and PDF)."""

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
    "contract_total": ("Contract total (CNY)", "合同总价 (元)"),
    "monthly_fee": ("Monthly fee (CNY)", "月服务费 (元)"),
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
    "basis_entry": (
        "{source} {table}[{key}]: {values}; evidence: {evidence} ({origin}); {resources}; for {line_items}",
        "{source} {table}[{key}]：{values}；依据：{evidence}（{origin}）；{resources}；用于 {line_items}",
    ),
    "no_evidence": ("none given", "未注明"),
    "built_in": ("built-in", "内置默认"),
    "attestation_line": (
        "{id} {line_item}: {quantity} {unit} attested by {attested_by}, evidence: {evidence}, attested "
        "{attested_at}, valid until {valid_until}: {state}",
        "{id} {line_item}：{quantity} {unit}，确认人 {attested_by}，依据：{evidence}，确认于 {attested_at}，"
        "有效期至 {valid_until}：{state}",
    ),
    "attestation.valid": ("valid, counted", "有效，已计入"),
    "attestation.expiring": ("valid, counted, expiring soon", "有效，已计入，即将到期"),
    "attestation.expired": ("expired: unknown until renewed", "已到期：续签前为未知"),
    "attestation.not_yet": ("not yet valid at this check", "本次核对时尚未生效"),
    "attestation.observed": ("not counted: a source observes the line item", "未计入：该分项已有数据来源观测"),
    # reconciler tables init / check
    "tables_scaffolded": (
        "{source} tables from {origin}, written to {output}:",
        "{source} 对照表，依据 {origin}，已写入 {output}：",
    ),
    "tables_not_complete": (
        "{kind} not observed completely ({reason}): keys may be missing",
        "{kind} 未能完整观测（{reason}）：可能缺少条目",
    ),
    "tables_action_failed": ("{action} could not be read ({reason})", "{action} 未能读取（{reason}）"),
    "tables_to_fill": (
        "To fill: {entries} entry(ies), each with its evidence; then: reconciler tables check {output}",
        "待填写：{entries} 个条目，并注明依据；然后运行：reconciler tables check {output}",
    ),
    "tables_nothing_to_fill": (
        "Nothing left blank; review the evidence, then: reconciler tables check {output}",
        "没有待填写的字段；请核对依据，然后运行：reconciler tables check {output}",
    ),
    "tables_blank": ("to fill: {fields}", "待填写：{fields}"),
    "tables_not_listed": ("not listed ({reason})", "未列出（{reason}）"),
    "tables_evidence": ("evidence", "依据"),
    "tables_checked": ("{file}: {source} tables, {counts}", "{file}：{source} 对照表，{counts}"),
    "tables_still_blank": ("{count} still to fill:", "仍有 {count} 处待填写："),
    "tables_complete": (
        "complete: every entry filled, each with its evidence",
        "已完整：每个条目均已填写并注明依据",
    ),
    "expansion_id": ("Expansion", "扩容编号"),
    "quantity": ("Quantity", "数量"),
    "requested_at": ("Requested", "提出时间"),
    "due_at": ("Deadline", "期限"),
    "remaining": ("Left", "剩余时间"),
    "state": ("State", "状态"),
    "clause": ("Clause", "条款"),
    "event": ("Event", "事项"),
    "amount": ("Amount (CNY)", "金额 (元)"),
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
        "Days in Asia/Shanghai. A day is short when a run that day found the line item short; met when its runs "
        "found at least what was due; unknown when they could not observe it.",
        "按北京时间计日。当日有核对发现不足的计为不足；当日核对均不低于应交付数量的计为满足；无法观测的计为未知。",
    ),
    "days_met": ("Days met", "满足天数"),
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
    "accrued": ("Accrued in the period (CNY)", "期间内新增 (元)"),
    "amount_at_end": ("Counted at the end (CNY)", "期末计入金额 (元)"),
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
    "monthly_values": ("Value/month (CNY)", "月值 (元)"),
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
    "cal_due_at": ("due at", "截止时间"),
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

_UNITS_ZH: dict[str, str] = {
    # the contract prices these by the piece: "免费提供 1 个远程登录堡垒机的运维账号" (Art. 2, security services)
    "instance": "个",
    "account": "个",
}

_DURATION: dict[str, tuple[str, str]] = {
    "d": ("d", "天"),
    "h": ("h", "小时"),
    "m": ("m", "分"),
    "s": ("s", "秒"),
}

_MESSAGES_ZH: dict[str, str] = {
    # Chinese wording of the core's sentences (reconciler.base.messages.TEMPLATES has the English one, as in JSON)
    "service_not_started": "服务期自 {start} 开始：尚无应交付数量，不足显示为待交付",
    "service_ended": (
        "服务期已于 {end} 结束：不再有应交付和应有数量，各项显示为已结束，核对通过；"
        "第十四条第3款的切换期（免费配合迁移和交接）至 {switch_over_end}"
    ),
    "service_ended_switch_over_over": (
        "服务期已于 {end} 结束：不再有应交付和应有数量，各项显示为已结束，核对通过；"
        "第十四条第3款的切换期已于 {switch_over_end} 结束"
    ),
    "ended_item": "服务期已于 {end} 结束：不再有应交付和应有数量；实有数量按观测显示",
    "repeated_ids": (
        "{line_item} 有 {count} 个资源在观测数据中重复出现，且每次均已计入（例如 {sample}）：请核查导出数据"
    ),
    "observed_after_now": "观测时间 {observed_at} 晚于本次核对时间（{now}）：观测反映的是之后的情况",
    "stale_observation": "观测时间 {observed_at}，早于本次核对时间 {hours} 小时：其后实有资源可能已有变化",
    "source_failed": "数据来源观测 {kind} 失败：{failures}",
    "listing_incomplete": "{kind} 的清单可能不完整：{reasons}",
    "outcome_short_pending": "未达应有数量；可能不足（低于应交付数量）",
    "outcome_short_met": "未超出；可能不足",
    "outcome_short_over": "可能不足，也可能超出",
    "outcome_pending_met": "不会不足，也不会超出；可能待交付",
    "outcome_pending_over": "不会不足；可能待交付，也可能超出",
    "outcome_met_over": "不会不足；可能超出",
    "not_observed": "所选数据来源均不观测 {kind} 类资源",
    "listing_twice_on_page": "{listing}：第 {page} 页多次出现 {sample}",
    "listing_repeats": (
        "{listing}：第 {page} 页的 {items} 项中有 {count} 项已在前几页出现（例如 {sample}）：分页重复或重叠"
    ),
    "listing_total_changed": "{listing}：第 {page} 页给出的总数为 {total}，而之前各页给出的是 {before}",
    "listing_short_page": "{listing}：第 {page} 页返回的条目不足（{count}/{size}），但列表仍在继续",
    "listing_over_total": "{listing}：不重复的条目有 {distinct} 个，多于各页给出的总数 {total}",
    "listing_under_total": "{listing}：列表结束时只有 {distinct} 个不重复条目，少于各页给出的总数 {total}",
    "listing_same_token": "{listing}：第 {page} 页返回了请求时所用的同一 {position} {token}：列表没有前进",
    "listing_no_end": "{listing}：最后一页仍指向下一页",
    "listing_no_page": "{listing}：一页也没有，连空页都没有",
    "listing_end_unconfirmed": (
        "{listing}：最后一页条目不足（{count} 项）且其后没有空页：该接口不给出总数，只有空页才能表明列表已结束"
    ),
    "listing_too_long": "{listing}：超过 {pages} 页，已停止",
    "listing_unplaced": "{listing}：第 {page} 页没有回显其 {position}，无法区分各个列表",
    "listing_pages_missing": "{listing}：第 {page} 页位于 {position} {at}，而下一页应为 {expected}：缺页",
    "listing_starts_late": "{listing}：第 {page} 页位于 {position} {at}：其前面的页缺失",
    "listing_read_again": "{listing}：已从第一页重新读取",
    "listing_twice": "{listing}：{sample} 出现了不止一次",
    "listing_partial": "{listing}：其元数据表明后面还有条目（{what}）：只是较长列表中的一页",
    "request_deadline": "{seconds} 秒内未收到完整应答（设置 {setting}）",
    "source_deadline": "在 {what} 完成之前，数据来源的时限 {seconds} 秒（设置 {setting}）已到",
    "pending_expansions": "仅差尚在期限内的扩容",
    "pending_not_started": "服务期尚未开始",
    "attestation_expiring": (
        "{line_item} 的书面确认 {id}（{quantity}，确认人 {attested_by}）将于 {valid_until} 到期，还剩 {days} 天："
        "请及时续签，否则该分项将变为未知"
    ),
    "attestation_expired": (
        "{line_item} 的书面确认 {id}（{quantity}，确认人 {attested_by}）已于 {valid_until} 到期：请续签"
    ),
    "attestation_not_yet": "{line_item} 的书面确认 {id} 签署于 {attested_at}，晚于本次核对时间：不计入",
    "attestation_unknown": "{line_item} 有书面确认，但 {ids} 已到期：其确认的数量已无从得知（无上限）",
    "attestation_disagrees": (
        "{line_item} 观测为 {observed}，书面确认为 {attested}（{ids}）：以观测数为准；请核对书面确认或数据来源"
    ),
    "no_ids": "依据第 {id} 次核对记录：核对记录只保存计数，不保存资源编号",
    "period_not_over": "期间尚未结束：本报告统计至 {as_of}",
    "days_without_runs": "{days} 天中有 {missing} 天无核对记录，情况不明",
    "no_holiday_data": (
        "无 {year} 年法定节假日数据：仅按周末计算；请用 --calendar FILE 提供（节假日数据覆盖 {known} 年）"
    ),
    "extended_saturday": "{day} 是星期六（周休日），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_sunday": "{day} 是星期日（周休日），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_supplied": "{day} 是法定节假日（依据 {source}），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_holiday": "{day} 是法定节假日（{name_zh}），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_holiday_unnamed": "{day} 是法定节假日（{name}），顺延至休假日结束后的第一个工作日 {last_day}",
    "note_funds_after_start": (
        "财政经费在服务期开始后下达的，应于经费下达后 {days} 个工作日内付款；"
        "在服务期开始前下达的，按自服务期开始起算理解。"
    ),
    "note_civil_code_moved": (
        "按民法典计算：{start} 当日不计入（民法典第二百零一条），{months} 个月于 {end} 届满，"
        "顺延至 {moved}（民法典第二百零三条）。"
    ),
    "note_civil_code": "按民法典计算：{start} 当日不计入（民法典第二百零一条），{months} 个月于 {end} 届满。",
    "note_first_day_counted": (
        "另一种理解：合同约定的服务期限计入首日（{start}），据此 {months} 个月于 {alternative} 24:00 届满，"
        "比 {end} 早一日；见 docs/deadlines.md。采用何种理解由合同双方确定。"
    ),
    "note_counted_from_mark": "自 {day}（按民法典计算的服务期满 {months} 个月之日）起算。",
    "note_mark_not_moved": (
        "服务期满 {months} 个月之日如不按民法典第二百零三条顺延（该日为付款条件，而非履行期限），最早日期为 {day}。"
    ),
    "note_payment_first_day_counted": (
        "另一种理解（服务期限计入首日）：{months} 个月于 {alternative} 届满，最早付款日期为 {day}。"
    ),
    "note_failed_earlier": "验收不合格之日更早的，日期相应提前：为该日之后 {days} 日。",
    "note_counted_back": "自服务期截止时倒算；不因休假日顺延，因为推后将使提前时间不足 {months} 个月。",
    "note_switch_over": "自服务期满之日起算（当日不计入，民法典第二百零一条）；如以切换期首日为起算事件，则晚一日。",
    "delay_formula": "合同总价 × 每日违约金比例 × 延期天数 = {total} × {rate} × {days}",
    "expansion_formula": "信息系统云服务费 ÷ 服务月数 × 惩罚系数 = {fee} ÷ {months} × {coefficient}",
    "no_notice": "未记录政务云管理单位的书面通知（notice_at）：暂不适用",
    "delivered_late": "已于 {at} 逾期完成，在书面通知之后",
    "late_amount_unknown": "未记录是否在通知期限内完成，故不计金额",
    "overdue_after_notice": "自 {due_at} 起逾期，书面通知后仍未完成",
    "fee_reading": "信息系统云服务费按合同总价（全年服务费）计，信息系统云服务费 ÷ 服务月数即月服务费",
    "day_rule": (
        "延期天数 = 自本次连续显示该分项低于基准的首次核对起已开始的整日数（无则为本次核对；未能观测该分项的核对"
        "既不中断也不延续该连续段）："
        "floor((核对时间 - 首次) / 24 小时) + 1"
    ),
    "delay_since": "实有 {supplied} < 基准 {baseline}，最迟自 {first} 的核对起",
    "termination": "延期已达 {days} 日：甲方有权解除合同（第{clause}条）",
    "delay_days_once": "第12.3条每一延期日只计一次：这些天已随延期最长的 {line_item}（{days} 天）计入",
    "one_event": (
        "第{one_event}条：{line_item} 的同一事件亦适用第{heavier}条，按较重者（第{heavier}条，{amount} 元）计入"
    ),
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

_SET_ASIDE: dict[str, tuple[str, str]] = {
    "arch": ("not {limit} (is {subject})", "非 {limit} 平台，实为 {subject}"),
    "min_cpu_ghz": ("clock {subject} GHz below {limit} GHz", "主频 {subject}GHz 低于 {limit}GHz"),
    "state": ("state {subject}", "状态为 {subject}"),
}


def counted(count: int, key: str, lang: Lang) -> str:
    """A number with its noun: "1 resource", "2 resources", "2 个资源" (Chinese has no plural)."""
    one, many, zh = _COUNTED[key]
    if lang == "zh":
        return f"{count} {zh}"
    return f"{count} {one if count == 1 else many}"


def unit(value: str, lang: Lang) -> str:
    """A line item's unit as the reader's language writes it: "instance" -> "个" in Chinese."""
    return _UNITS_ZH.get(value, value) if lang == "zh" else value


def duration_part(letter: str, lang: Lang) -> str:
    """The unit letter of a duration part (d, h, m, s) in `lang`: "d" -> "天"."""
    en, zh = _DURATION[letter]
    return zh if lang == "zh" else en


def message_words(key: str, lang: Lang) -> str:
    """The template of the core sentence `key` (reconciler.base.messages) in `lang`."""
    return _MESSAGES_ZH[key] if lang == "zh" else TEMPLATES[key]


def field_name(path: str, lang: Lang) -> str:
    """A changed field of a line item for people: "supplied" -> "实有" in Chinese; other paths as they are."""
    return _FIELDS_ZH.get(path, path) if lang == "zh" else path


def set_aside_reason(rule: str, subject: str, limit: str, lang: Lang) -> str:
    """Why resources did not count, e.g. "clock below 2.4 GHz" / "主频低于2.4GHz"."""
    en, zh = _SET_ASIDE[rule]
    return (zh if lang == "zh" else en).format(subject=subject, limit=limit)


def label(key: str, lang: Lang) -> str:
    en, zh = _LABELS[key]
    return zh if lang == "zh" else en
