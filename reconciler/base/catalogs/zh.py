"""The Chinese catalog: every message key's template and the Chinese vocabulary. Read by `base.messages`.

Chinese text names line items, resource kinds and fields by their Chinese names, never by ids; the contract's
own wording is kept where a sentence quotes it (分项名称, 信息系统云服务费, 政务云管理单位...).
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    "sentences": "{parts}",
    "service_not_started": "服务期自 {start} 开始：尚无应交付数量，不足显示为待交付",
    "repeated_ids": (
        "{line_item} 有 {count} 个资源在观测数据中重复出现，且每次均已计入（例如 {sample}）：请核查导出数据"
    ),
    "observed_after_now": "观测时间 {observed_at} 晚于本次核对时间（{now}）：观测反映的是之后的情况",
    "stale_observation": "观测时间 {observed_at}，早于本次核对时间 {hours} 小时：其后实有资源可能已有变化",
    "source_failed": "数据来源观测{kind}失败：{failures}",
    "source_error": "{source}：{text}",
    "observed_twice": "{count} 个资源被多个数据来源观测到，只按第一个数据来源计入一次（例如 {sample}）",
    "contract_discrepancy": "合同{subject}：{detail}",
    "service_ended": (
        "服务期已于 {end} 结束：不再有应交付和应有数量，各项显示为已结束，核对通过；"
        "第十四条第3款的切换期（免费配合迁移和交接）至 {switch_over_end}"
    ),
    "service_ended_switch_over_over": (
        "服务期已于 {end} 结束：不再有应交付和应有数量，各项显示为已结束，核对通过；"
        "第十四条第3款的切换期已于 {switch_over_end} 结束"
    ),
    "ended_item": "服务期已于 {end} 结束：不再有应交付和应有数量；实有数量按观测显示",
    "listing_incomplete": "{kind}的清单可能不完整：{reasons}",
    "outcome_short_pending": "未达应有数量；可能不足（低于应交付数量）",
    "outcome_short_met": "未超出；可能不足",
    "outcome_short_over": "可能不足，也可能超出",
    "outcome_pending_met": "不会不足，也不会超出；可能待交付",
    "outcome_pending_over": "不会不足；可能待交付，也可能超出",
    "outcome_met_over": "不会不足；可能超出",
    "not_observed": "所选数据来源均不观测{kind}",
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
    "calendar_example": (
        "{file} 注明仅为示例，并非 {year} 年节假日安排：据此算出的期限不是合同期限；请使用按公布安排填写的日历文件"
    ),
    "looks_like": "该文件看起来是「{what}」，而不是「{expected}」；{hint}",
    "format_kubectl": "{tool} 导出文件（`{command}`）",
    "format_pulumi_export": "{tool} 堆栈导出文件（`{command}`）",
    "format_pulumi_preview": "{tool} 预览输出（`{command}`）",
    "format_terraform": "{tool} 输出（`{command}`）",
    "format_ksyun": "金山云导出文件（接口操作 -> 分页）",
    "format_observation": "标准化观测文件（{tag}）",
    "format_contract": "合同文件",
    "format_tables": "对照表文件",
    "format_pulumi_tables": "{sources} 数据来源的对照表文件",
    "format_attestations": "证明文件",
    "use_source": "请使用 {option}",
    "use_option": "请以 {option} 提供",
    "use_tables": "请作为该数据来源的对照表提供：{option}",
    "listing_partial": "{listing}：其元数据表明后面还有条目（{what}）：只是较长列表中的一页",
    "request_deadline": "{seconds} 秒内未收到完整应答（设置 {setting}）",
    "source_deadline": "在 {what} 完成之前，数据来源的时限 {seconds} 秒（设置 {setting}）已到",
    "pending_expansions": "仅差尚在期限内的扩容",
    "pending_not_started": "服务期尚未开始",
    # 书面确认
    "attestation_expiring": (
        "{line_item} 的书面确认 {id}（{quantity} {unit}，确认人 {attested_by}）有效期至 {valid_until}，还剩 {days} 天："
        "请及时续签，否则该分项将变为未知"
    ),
    "attestation_expired": (
        "{line_item} 的书面确认 {id}（{quantity} {unit}，确认人 {attested_by}）已于 {valid_until} 到期：请续签"
    ),
    "attestation_not_yet": "{line_item} 的书面确认 {id} 签署于 {attested_at}，晚于本次核对时间：不计入",
    "attestation_unknown": (
        "{line_item} 有书面确认，但 {ids} 已到期：其确认的数量已无从得知（无上限）；请续签：由确认人在书面确认文件中"
        "新增一条记录，写明新的有效期"
    ),
    "attestation_disagrees": (
        "{line_item} 观测为 {observed}，书面确认为 {attested}（{ids}）：以观测数为准；请核对书面确认或数据来源"
    ),
    "supply_exact": "{quantity}",
    "supply_between": "{lower}–{upper}",
    "supply_at_least": "至少 {lower}",
    "attestation_line": (
        "{id} {line_item}：{quantity} {unit}，确认人 {attested_by}，依据：{evidence}，确认于 {attested_at}，"
        "有效期至 {valid_until}：{state}"
    ),
    "attestation_state_valid": "有效，已计入",
    "attestation_state_expiring": "有效，已计入，即将到期",
    "attestation_state_expired": "已到期：续签前为未知",
    "attestation_state_not_yet": "本次核对时尚未生效",
    "attestation_state_observed": "未计入：该分项已有数据来源观测",
    "attested_supply": "{id}：{quantity}，确认人 {attested_by}（{evidence}），有效期至 {valid_until}",
    "basis_entry": "{source} {entry}：{values}；依据：{evidence}（{origin}）；{resources} 个资源；用于 {line_items}",
    "no_evidence": "未注明",
    "built_in": "内置默认",
    # reconciler tables init / check
    "tables_scaffolded": "{source} 对照表，依据 {origin}，已写入 {output}：",
    "tables_not_complete": "{kind} 未能完整观测（{reason}）：可能缺少条目",
    "tables_action_failed": "{action} 未能读取（{reason}）",
    "tables_to_fill": "待填写：{entries} 个条目，并注明依据；然后运行：{command}",
    "tables_nothing_to_fill": "没有待填写的字段；请核对依据，然后运行：{command}",
    "tables_blank": "待填写：{fields}",
    "tables_not_listed": "未列出（{reason}）",
    "tables_checked": "{file}：{source} 对照表，{counts}",
    "tables_still_blank": "仍有 {count} 处待填写：",
    "tables_complete": "已完整：每个条目均已填写并注明依据",
    "tables_carried": "沿用 {file}：已填写的条目保持不变；新增 {new} 个条目（{keys}）",
    "tables_carried_nothing_new": "沿用 {file}：已填写的条目保持不变；没有新增条目",
    "tables_new_mark": "新增",
    "plan_gate": "计划检查：{verdict}（退出码 {code}）",
    "plan_gate_short": "该计划将使 {line_items} 不足",
    "plan_gate_maybe_short": "无法判断 {line_items} 是否不足（见上文）",
    "plan_gate_ok": "没有分项会不足",
    "plan_gate_causes": "{line_item}：此变更减少了以下资源中的数量：{causes}",
    "plan_resource_removed": "{name}（删除）",
    "plan_resource_reduced": "{name}（{before} -> {after}）",
    "plan_not_a_delay": "本次核对读取的是计划变更：尚未实施的变更不构成延期，不计第 12.3 条的延期",
    "set_aside_arch": "非 {required} 平台，实为 {arch}",
    "set_aside_clock": "主频 {ghz}GHz 低于 {minimum}GHz",
    "set_aside_state": "状态为{state}",
    "set_aside_no_state": "状态未知，且没有任何状态计入",
    "no_ids": "依据第 {id} 次核对记录：核对记录只保存计数，不保存资源编号",
    "period_not_over": "期间尚未结束：本报告统计至 {as_of}",
    "days_without_runs": "{days} 天中有 {missing} 天无核对记录，情况不明",
    "date_out_of_range": "{value} 超出合同可指的日期范围：北京时间 {first}-01-01 至 {last}-12-31",
    "no_holiday_data": (
        "无 {year} 年法定节假日数据：仅按周末计算；请用 --calendar 提供节假日文件（内置数据覆盖 {first}-{last} 年）"
    ),
    "extended_saturday": "{day}是星期六（周休日），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_sunday": "{day}是星期日（周休日），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_supplied": "{day}是法定节假日（依据 {source}），顺延至休假日结束后的第一个工作日 {last_day}",
    "extended_holiday": "{day}是法定节假日（{holiday}），顺延至休假日结束后的第一个工作日 {last_day}",
    "period_natural_days": "{days} 日",
    "period_working_days": "{days} 个工作日",
    "period_working_days_before": "提前 {days} 个工作日",
    "period_months": "{months} 个月",
    "rule_civil_code": "民法典规则（第二百零一条至第二百零三条）",
    "rule_calendar_days": "自然日规则（不因休假日顺延）",
    "ob_service_start": "服务期开始（本合同服务期限为：自 {start}至 {end}。）",
    "ob_service_end": "服务期满（本合同服务期限为：自 {start}至 {end}。）",
    "ob_payment": "甲方支付合同服务费的 {percent}%（{amount} 元）：{condition}",
    "ob_nine_months": "本合同服务期满 {months} 个月",
    "ob_acceptance": "甲方依据本合同，在服务期满后15个工作日内对乙方服务情况进行验收",
    "ob_re_acceptance": "验收不合格的，乙方应当在15日内进行调整，并重新提交甲方验收",
    "ob_exit_request": "服务期内，如乙方提出退出要求，需在服务期截止前至少3个月前向甲方提出退出申请",
    "ob_switch_over": (
        "服务期满后双方不再续签或者合同提前解除的，乙方应无条件免费配合甲方完成迁移和切换工作，切换期为2个月"
    ),
    "ob_project_lead": (
        "乙方如因正当理由需要调整项目负责人的，应提前5个工作日通知甲方，获得甲方的书面同意后方可进行调整"
    ),
    "ob_migration": "在甲方提出系统迁出需求后10天内配合甲方完成信息系统迁移的相关工作",
    "ob_return_material": "乙方应按照国家指示在收到甲方书面通知后5日内将含有保密信息的所有文件或其他资料归还甲方",
    "ob_change_notice": "本合同载明的地址、电话、银行账号等发生变更的，变更一方应自变更之日起20日内以书面形式通知对方",
    "ob_expansion": "云平台可按需 {days} 个自然日快速扩容：{line_item} +{quantity} {unit}（{expansion}）",
    "anchor_fixed": "合同约定日期",
    "anchor_funds_released": "财政经费下达（最早：服务期开始 {start}）",
    "anchor_service_start": "服务期开始 {start}",
    "anchor_months_and_funds": "服务期满 {months} 个月且财政经费下达（最早：{day}）",
    "anchor_acceptance_and_funds": "通过项目验收且财政经费下达（最早：服务期满 {end}）",
    "anchor_service_end": "服务期满 {end}",
    "anchor_service_end_at": "服务期满 {end}",
    "anchor_acceptance_failed": "验收不合格（按验收期限最后一日 {day} 计）",
    "anchor_expansion_requested": "扩容申请 {at}",
    "anchor_project_lead": "调整项目负责人",
    "anchor_migration_request": "甲方提出系统迁出需求",
    "anchor_written_notice": "收到甲方书面通知",
    "anchor_change_day": "变更之日",
    "cond_funds_first": "财政经费下达日期未知：显示自服务期开始起算的最早日期",
    "cond_funds_second": "财政经费下达日期未知：显示自服务期满 {months} 个月之日起算的最早日期",
    "cond_funds_final": "验收通过及财政经费下达日期未知：显示自服务期满起算的最早日期",
    "cond_acceptance_fails": "仅在验收不合格时适用；不合格日期未知，按验收期限最后一日计算",
    "cond_exit": "仅在乙方要求退出时适用",
    "cond_not_renewed": "仅在服务期满后不再续签时适用（合同提前解除的，自解除之日起算）",
    "cond_project_lead": "仅在乙方调整项目负责人时适用",
    "cond_migration": "仅在政务云管理单位责令乙方退出时适用",
    "cond_client_asks": "仅在甲方提出要求时适用",
    "cond_details_change": "仅在地址、电话、银行账号等变更时适用",
    "note_funds_after_start": (
        "财政经费在服务期开始后下达的，应于经费下达后 {days} 个工作日内付款；"
        "在服务期开始前下达的，按自服务期开始起算理解。"
    ),
    "note_civil_code_moved": (
        "按民法典计算：{start}当日不计入（民法典第二百零一条），{months} 个月于 {end}届满，顺延至 {moved}"
        "（民法典第二百零三条）。"
    ),
    "note_civil_code": "按民法典计算：{start}当日不计入（民法典第二百零一条），{months} 个月于 {end}届满。",
    "note_first_day_counted": (
        "另一种理解：合同约定的服务期限计入首日（{start}），据此 {months} 个月于 {alternative} 24:00 届满，"
        "比 {end}早一日；详见期限说明文档。采用何种理解由合同双方确定。"
    ),
    "note_counted_from_mark": "自 {day}（按民法典计算的服务期满 {months} 个月之日）起算。",
    "note_mark_not_moved": (
        "服务期满 {months} 个月之日如不按民法典第二百零三条顺延（该日为付款条件，而非履行期限），最早日期为 {day}。"
    ),
    "note_payment_first_day_counted": (
        "另一种理解（服务期限计入首日）：{months} 个月于 {alternative}届满，最早付款日期为 {day}。"
    ),
    "note_failed_earlier": "验收不合格之日更早的，日期相应提前：为该日之后 {days} 日。",
    "note_counted_back": "自服务期截止时倒算；不因休假日顺延，因为推后将使提前时间不足 {months} 个月。",
    "note_switch_over": "自服务期满之日起算（当日不计入，民法典第二百零一条）；如以切换期首日为起算事件，则晚一日。",
    "exposure_disclaimer": (
        "依据合同条款及本工具观测结果的参考测算，不构成法律结论或索赔主张：条款是否适用及如何适用取决于原因、通知、"
        "不可抗力及双方约定。"
    ),
    "delay_formula": "合同总价 × 每日违约金比例 × 延期天数 = {total} × {rate} × {days}",
    "expansion_formula": "信息系统云服务费 ÷ 服务月数 × 惩罚系数 = {fee} ÷ {months} × {coefficient}",
    "no_notice": "未记录政务云管理单位的书面通知：暂不适用",
    "delivered_late": "已于 {at} 逾期完成，在书面通知之后",
    "late_amount_unknown": "未记录是否在通知期限内完成，故不计金额",
    "overdue_after_notice": "自 {due_at} 起逾期，书面通知后仍未完成",
    "fee_reading": "信息系统云服务费按合同总价（全年服务费）计，信息系统云服务费 ÷ 服务月数即月服务费",
    "day_rule": (
        "延期天数 = 自本次连续显示该分项低于基准的首次核对起已开始的整日数（无则为本次核对；未能观测该分项的核对"
        "既不中断也不延续该连续段）：向下取整((核对时间 - 首次) ÷ 24 小时) + 1"
    ),
    "delay_since": "实有 {supplied} < 基准 {baseline}，最迟自 {first} 的核对起",
    "termination": "延期已达 {days} 日：甲方有权解除合同（{clause}）",
    "delay_days_once": "第12.3条每一延期日只计一次：这些天已随延期最长的{line_item}（{days} 天）计入",
    "one_event": "{one_event}：{line_item}的同一事件亦适用{heavier}，按较重者（{heavier}，{amount} 元）计入",
    "expansion_outside_period": "扩容 {expansion} 的申请时间 {at} 不在服务期内（{opens} 至 {closes}，北京时间）",
    "expansion_notice_before_request": "扩容 {expansion}：书面通知（{notice}）早于扩容申请（{requested}）",
    "expansion_notice_early": (
        "扩容 {expansion}：书面通知（{notice}）早于7日期限（{due_at}）；附件3第4项应理解为期限届满未完成后的通知"
    ),
    "cap_term": "{expansion}：{quantity} × {price} × {months} = {value}",
    "supplement_cap": "扩容合计 {used} 元（{terms}）；{clause}规定的上限为 {cap} 元，尚余 {headroom} 元",
    "expansion_value_rule": "数量 × 单价 × 剩余服务月数，自提出扩容的服务月（该月全额计）至服务期满；四舍五入到分",
    "period_mismatch": "自 {start}起 {months} 个月应于 {expected}届满，但服务期截止于 {end}",
    "billing_months": "{line_item}按 {billed} 个月计费，服务期为 {months} 个月",
    "line_total_rounded": "{price} × {quantity} × {months} = {exact}（精确值）；合同写明 {stated}",
    "line_total_wrong": (
        "{price} × {quantity} × {months} = {exact}，四舍五入为 {rounded}；合同写明 {stated}（相差 {difference}）"
    ),
    "total_mismatch": "各分项合价之和为 {stated_sum}，未舍入的分项乘积之和为 {exact_sum}；合同总价为 {total}",
    "percent_sum": "各期付款比例之和为 {percent}%，不是100%",
    "instalment_rounded": "{total} 的 {percent}% = {exact}；合同写明 {stated}",
    "instalment_wrong": "{total} 的 {percent}% = {exact}，四舍五入为 {rounded}；合同写明 {stated}",
    "instalment_sum": "各期付款之和为 {paid}；合同总价为 {total}",
    "words_unreadable": "大写金额 {words} 无法读为数字；小写金额为 {figures}；小写金额与计算一致，采用小写金额",
    "words_mismatch": (
        "大写金额 {words} 读作 {reads}；小写金额为 {figures}（大写应为 {expected}）；小写金额与计算一致，采用小写金额"
    ),
    "cause_expansion_outside": "扩容申请时间录入有误（请核对年份和时区），或该申请不属于本合同",
    "cause_notice_or_request": "书面通知时间或扩容申请时间录入有误",
    "cause_notice_early": "书面通知时间录入有误，或将提前提醒记录为书面通知",
    "cause_cap_exceeded": "扩容超出补充协议金额上限（第20.2条）",
    "cause_value_rule": "计值规则：{rule}",
    "cause_period": "服务期起止日期或月数录入有误",
    "cause_billing_months": "计费月数录入有误，或该分项只覆盖服务期的一部分（应记录为扩容）",
    "cause_rounding": "四舍五入到分（0.01元）",
    "cause_transposed": "合价数字顺序颠倒",
    "cause_decimal_point": "合价小数点位置有误",
    "cause_months_of_line": "合价为该分项 {months} 个月的费用，而不是 {billed} 个月",
    "cause_implied_price": "按合价推算单价为 {implied}，而不是 {price}",
    "cause_line_mistyped": "单价、数量或合价录入有误",
    "cause_total_rounds_sum": "总价是对未舍入之和四舍五入，而不是各分项舍入后合价之和",
    "cause_total_cuts_sum": "总价将未舍入之和 {exact} 截断到分（而非四舍五入）",
    "cause_line_twice": "{line_item}被重复计入或遗漏",
    "cause_total_mistyped": "某一合价或总价录入有误",
    "cause_percent": "某一付款比例录入有误或缺少一期付款",
    "cause_instalment_mistyped": "金额或比例录入有误",
    "cause_each_rounded": "各期金额分别舍入",
    "cause_not_numeral": "大写金额中有非大写数字的字符",
    "cause_leading_numeral": "大写金额缺少开头的数字 {numeral}",
    "cause_words_disagree": "大写与小写金额不一致",
    "likely_causes": "{causes}",
}

TERMS: Final[dict[str, str]] = {
    "join": "；",
    "or_join": "；或",
    "list_join": "、",
    "clause": "第{clause}条",
    "annex_clause": "附件{annex}第{item}项",
    "subject_sep": " ",
    "subject.total": "总价",
    "subject.payment_schedule": "付款计划",
    "subject.expansions": "扩容",
    "subject.supplement_cap": "补充协议金额上限",
    "subject.service_period": "服务期",
    "instalment.first": "第一期",
    "instalment.second": "第二期",
    "instalment.final": "尾款",
    "line_item.compute.vcpu": "云主机vCPU",
    "line_item.compute.memory": "云主机内存",
    "line_item.storage.standard": "普通存储",
    "line_item.storage.performance": "高性能存储",
    "line_item.storage.object": "静态存储",
    "line_item.backup.host": "本地主机备份",
    "line_item.network.bandwidth": "互联网链路带宽",
    "line_item.network.public_ip": "互联网IP地址",
    "line_item.network.load_balancer": "主机负载均衡",
    "line_item.network.remote_access": "远程接入",
    "line_item.security.waf": "WAF防护",
    "kind.vm": "云主机",
    "kind.volume": "云硬盘",
    "kind.bucket": "对象存储桶",
    "kind.backup": "主机备份",
    "kind.bandwidth": "互联网链路",
    "kind.public_ip": "公网IP",
    "kind.load_balancer": "负载均衡实例",
    "kind.remote_access_account": "远程接入账号",
    "kind.waf": "WAF实例",
    "vm_state.running": "运行中",
    "vm_state.stopped": "已停止",
    "vm_state.terminated": "已销毁",
    "unit.vCPU": "vCPU",
    "unit.GB": "GB",
    "unit.TB": "TB",
    "unit.Mbps": "Mbps",
    "unit.IP": "IP",
    "unit.instance": "个",
    "unit.account": "个",
}
