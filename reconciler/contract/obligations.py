"""Every dated obligation of the contract, with its date under the period rules and its state as of `now`.

Called by `reconciler calendar` (through `report.calendar`). Pure: `now` and the holiday calendars are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from reconciler.base.messages import message
from reconciler.contract.deadlines import expansion_deadline
from reconciler.contract.model import Contract, Expansion
from reconciler.dates.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.dates.periods import Deadline, Rule, YearCalendar, add_months, period_end

DEFAULT_SOON_DAYS = 30
"""An obligation falls `due_soon` when its date is at most this many days after `now`."""


class State(StrEnum):
    """Where an obligation stands as of `now`; `rule` when it has no date to compare."""

    PAST = "past"
    DUE_SOON = "due_soon"
    AHEAD = "ahead"
    RULE = "rule"


class Method(StrEnum):
    """How the date is obtained: a date the contract names, a period counted forward, or one counted back."""

    FIXED = "fixed-date"
    CIVIL_CODE = "civil-code"
    CALENDAR_DAYS = "calendar-days"
    COUNTED_BACK = "counted-back"


@dataclass(frozen=True)
class Obligation:
    """One thing the contract ties to a date (or to a period after an event the tool cannot date)."""

    id: str
    clause: str
    description_zh: str
    """In the contract's wording."""
    description_en: str
    method: Method
    period: str | None
    """The period in words (`10 working days`, `9 months`, `15 natural days`); None for a fixed date."""
    anchor_zh: str
    anchor_en: str
    anchor_day: date | None = None
    """The day of the event the period runs from (not counted, Art. 201); None when it cannot be known."""
    day: date | None = None
    """The last day (or, for an event, its day); None for a rule without a date."""
    due_at: datetime | None = None
    """The instant the day ends for a deadline (24:00 = 00:00 next day), or the event's instant."""
    state: State = State.RULE
    """Set by `obligations` from `now`."""
    conditional: bool = False
    condition_zh: str | None = None
    condition_en: str | None = None
    extended: bool = False
    extension_reason: str | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def obligations(
    contract: Contract,
    now: datetime,
    calendars: Iterable[YearCalendar] = (),
    soon_days: int = DEFAULT_SOON_DAYS,
) -> list[Obligation]:
    """The contract's obligations, dated ones first by (date, id), then rules without a date by (clause, id).

    Raises ValueError for a naive `now`, a negative `soon_days` or two calendars for one year.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (an instant with a UTC offset)")
    if soon_days < 0:
        raise ValueError(f"soon_days must not be negative; got {soon_days}")
    cals = tuple(calendars)
    drafts = [
        *_service_period(contract),
        *_payments(contract, cals),
        *_acceptance(contract, cals),
        *_exit(contract, cals),
        *_rules(),
        *(_expansion(contract, e, cals) for e in contract.expansions),
    ]
    result = [_with_state(d, now, soon_days) for d in drafts]
    dated = sorted((o for o in result if o.due_at is not None), key=lambda o: (o.due_at, o.id))
    undated = sorted((o for o in result if o.due_at is None), key=lambda o: (_clause_key(o.clause), o.id))
    return dated + undated


def state_at(due_at: datetime | None, now: datetime, soon_days: int) -> State:
    """`past` once `due_at` is reached, `due_soon` within `soon_days` days of it, else `ahead`."""
    if due_at is None:
        return State.RULE
    if due_at <= now:
        return State.PAST
    if due_at - now <= timedelta(days=soon_days):
        return State.DUE_SOON
    return State.AHEAD


# -- the clauses ----------------------------------------------------------------------------------------------

_SERVICE_START_ZH = "服务期开始"
_SERVICE_START_EN = "the service period begins"
_SERVICE_END_ZH = "服务期满"
_SERVICE_END_EN = "the service period ends"


def _service_period(contract: Contract) -> list[Obligation]:
    period = contract.service_period
    wording = f"本合同服务期限为：自 {_zh_date(period.start)}至 {_zh_date(period.end)}。"
    return [
        Obligation(
            id="5-service-start",
            clause="5",
            description_zh=f"服务期开始（{wording}）",
            description_en=f"The service period begins ({period.start.isoformat()} 00:00 Asia/Shanghai)",
            method=Method.FIXED,
            period=None,
            anchor_zh="合同约定日期",
            anchor_en="a date named by the contract",
            day=period.start,
            due_at=start_of_day(period.start),
        ),
        Obligation(
            id="5-service-end",
            clause="5",
            description_zh=f"服务期满（{wording}）",
            description_en=f"The service period ends ({period.end.isoformat()} 24:00 Asia/Shanghai)",
            method=Method.FIXED,
            period=None,
            anchor_zh="合同约定日期",
            anchor_en="a date named by the contract",
            day=period.end,
            due_at=end_of_day(period.end),
        ),
    ]


def _payments(contract: Contract, cals: Sequence[YearCalendar]) -> list[Obligation]:
    start = contract.service_period.start
    end = contract.service_period.end
    by_clause = {i.clause: i for i in contract.payment_schedule.instalments}
    drafts: list[Obligation] = []

    first = by_clause.get("7.2")
    if first is not None:
        wd = first.working_days_after_funds
        deadline = period_end(start_of_day(start), days=wd, working=True, calendars=cals)
        drafts.append(
            _from_deadline(
                deadline,
                id="7.2-first-payment",
                clause="7.2",
                description_zh=f"甲方支付合同服务费的 {first.percent}%（{first.amount} 元）：{first.condition_zh}",
                description_en=f"Client pays {first.percent}% of the fee (CNY {first.amount}): "
                f"{_lower_first(first.condition_en)}",
                anchor_zh=f"财政经费下达（最早：服务期开始 {start.isoformat()}）",
                anchor_en=f"funds released (earliest: service start {start.isoformat()})",
                anchor_day=start,
                condition_zh="财政经费下达日期未知：显示自服务期开始起算的最早日期",
                condition_en="the day the funds are released is unknown: the earliest date, counted from the "
                "service start, is shown",
                notes=(message("note_funds_after_start", days=wd),),
            )
        )

    second = by_clause.get("7.3")
    if second is not None:
        months = second.after_service_months or 9
        mark = period_end(start_of_day(start), months=months, calendars=cals)
        drafts.append(
            _from_deadline(
                mark,
                id="7.3-nine-months",
                clause="7.3",
                description_zh=f"本合同服务期满 {months} 个月",
                description_en=f"{months} months of the service period have passed (condition of the second payment)",
                anchor_zh=f"服务期开始 {start.isoformat()}",
                anchor_en=f"service start {start.isoformat()}",
                anchor_day=start,
                notes=_nine_month_notes(start, months, mark),
            )
        )
        wd = second.working_days_after_funds
        pay = period_end(start_of_day(mark.last_day), days=wd, working=True, calendars=cals)
        drafts.append(
            _from_deadline(
                pay,
                id="7.3-second-payment",
                clause="7.3",
                description_zh=f"甲方支付合同服务费的 {second.percent}%（{second.amount} 元）：{second.condition_zh}",
                description_en=f"Client pays {second.percent}% of the fee (CNY {second.amount}): "
                f"{_lower_first(second.condition_en)}",
                anchor_zh=f"服务期满 {months} 个月且财政经费下达（最早：{mark.last_day.isoformat()}）",
                anchor_en=f"{months} months served and funds released (earliest: {mark.last_day.isoformat()})",
                anchor_day=mark.last_day,
                condition_zh=f"财政经费下达日期未知：显示自服务期满 {months} 个月之日起算的最早日期",
                condition_en=f"the day the funds are released is unknown: the earliest date, counted from the day "
                f"{months} months are served, is shown",
                notes=_second_payment_notes(start, months, mark, wd, pay, cals),
            )
        )

    final = by_clause.get("7.4")
    if final is not None:
        wd = final.working_days_after_funds
        pay = period_end(start_of_day(end), days=wd, working=True, calendars=cals)
        drafts.append(
            _from_deadline(
                pay,
                id="7.4-final-payment",
                clause="7.4",
                description_zh=f"甲方支付合同服务费的 {final.percent}%（{final.amount} 元）：{final.condition_zh}",
                description_en=f"Client pays {final.percent}% of the fee (CNY {final.amount}): "
                f"{_lower_first(final.condition_en)}",
                anchor_zh=f"通过项目验收且财政经费下达（最早：服务期满 {end.isoformat()}）",
                anchor_en=f"acceptance passed and funds released (earliest: service end {end.isoformat()})",
                anchor_day=end,
                condition_zh="验收通过及财政经费下达日期未知：显示自服务期满起算的最早日期",
                condition_en="the days of acceptance and of the funds' release are unknown: the earliest date, "
                "counted from the end of the service period, is shown",
            )
        )
    return drafts


def _acceptance(contract: Contract, cals: Sequence[YearCalendar]) -> list[Obligation]:
    end = contract.service_period.end
    accept = period_end(start_of_day(end), days=15, working=True, calendars=cals)
    redo = period_end(start_of_day(accept.last_day), days=15, calendars=cals)
    return [
        _from_deadline(
            accept,
            id="6-acceptance",
            clause="6",
            description_zh="甲方依据本合同，在服务期满后15个工作日内对乙方服务情况进行验收",
            description_en="The client carries out acceptance of the provider's service within 15 working days "
            "after the service period ends",
            anchor_zh=f"{_SERVICE_END_ZH} {end.isoformat()}",
            anchor_en=f"{_SERVICE_END_EN} {end.isoformat()}",
            anchor_day=end,
        ),
        _from_deadline(
            redo,
            id="6-re-acceptance",
            clause="6",
            description_zh="验收不合格的，乙方应当在15日内进行调整，并重新提交甲方验收",
            description_en="If acceptance fails, the provider rectifies within 15 days and resubmits for acceptance",
            anchor_zh=f"验收不合格（按验收期限最后一日 {accept.last_day.isoformat()} 计）",
            anchor_en=f"acceptance failed (taken on the last day for acceptance, {accept.last_day.isoformat()})",
            anchor_day=accept.last_day,
            condition_zh="仅在验收不合格时适用；不合格日期未知，按验收期限最后一日计算",
            condition_en="only if acceptance fails; the day it fails is unknown, so it is taken as the last day "
            "for acceptance",
            notes=(message("note_failed_earlier", days=redo.days),),
        ),
    ]


def _exit(contract: Contract, cals: Sequence[YearCalendar]) -> list[Obligation]:
    end = contract.service_period.end
    # "at least 3 months before the end": the end is 24:00 of `end`, i.e. 00:00 of the next day; 3 months
    # before that instant is 00:00 of the same-numbered day 3 months earlier, so the request must be made by
    # 24:00 of the day before it.
    notice_months = 3
    latest = add_months(end + timedelta(days=1), -notice_months) - timedelta(days=1)
    switch = period_end(start_of_day(end), months=2, calendars=cals)
    return [
        Obligation(
            id="14.1-exit-request",
            clause="14.1",
            description_zh="服务期内，如乙方提出退出要求，需在服务期截止前至少3个月前向甲方提出退出申请",
            description_en="If the provider wants to exit during the service period, it must apply to the "
            "client at least 3 months before the service period ends (latest day)",
            method=Method.COUNTED_BACK,
            period=f"{notice_months} months",
            anchor_zh=f"{_SERVICE_END_ZH} {end.isoformat()} 24:00",
            anchor_en=f"{_SERVICE_END_EN} {end.isoformat()} 24:00",
            anchor_day=end,
            day=latest,
            due_at=end_of_day(latest),
            conditional=True,
            condition_zh="仅在乙方要求退出时适用",
            condition_en="only if the provider wants to exit",
            notes=(message("note_counted_back", months=notice_months),),
        ),
        _from_deadline(
            switch,
            id="14.3-switch-over-end",
            clause="14.3",
            description_zh="服务期满后双方不再续签或者合同提前解除的，乙方应无条件免费配合甲方完成迁移和切换工作，"
            "切换期为2个月",
            description_en="If the contract is not renewed (or ends early), the provider supports migration and "
            "switch-over free of charge for a switch-over period of 2 months: its end",
            anchor_zh=f"{_SERVICE_END_ZH} {end.isoformat()}",
            anchor_en=f"{_SERVICE_END_EN} {end.isoformat()}",
            anchor_day=end,
            condition_zh="仅在服务期满后不再续签时适用（合同提前解除的，自解除之日起算）",
            condition_en="only if the contract is not renewed (after an early termination it runs from the "
            "termination instead)",
            notes=(message("note_switch_over"),),
        ),
    ]


def _rules() -> list[Obligation]:
    return [
        Obligation(
            id="4.5-project-lead-change",
            clause="4.5",
            description_zh="乙方如因正当理由需要调整项目负责人的，应提前5个工作日通知甲方，获得甲方的书面同意后方可进行调整",
            description_en="The provider notifies the client 5 working days in advance of changing its project "
            "lead, and changes the lead only with the client's written consent",
            method=Method.CIVIL_CODE,
            period="5 working days (before)",
            anchor_zh="调整项目负责人",
            anchor_en="the change of project lead",
            conditional=True,
            condition_zh="仅在乙方调整项目负责人时适用",
            condition_en="only if the provider changes its project lead",
        ),
        Obligation(
            id="14.2-migration",
            clause="14.2",
            description_zh="在甲方提出系统迁出需求后10天内配合甲方完成信息系统迁移的相关工作",
            description_en="Within 10 days after the client's request to move systems out, the provider "
            "completes its part of the migration",
            method=Method.CIVIL_CODE,
            period="10 natural days",
            anchor_zh="甲方提出系统迁出需求",
            anchor_en="the client's migration request",
            conditional=True,
            condition_zh="仅在政务云管理单位责令乙方退出时适用",
            condition_en="only if the management unit orders the provider out",
        ),
        Obligation(
            id="15.5-return-material",
            clause="15.5",
            description_zh="乙方应按照国家指示在收到甲方书面通知后5日内将含有保密信息的所有文件或其他资料归还甲方",
            description_en="Within 5 days of receiving the client's written notice, the provider returns all "
            "documents and material containing confidential information",
            method=Method.CIVIL_CODE,
            period="5 natural days",
            anchor_zh="收到甲方书面通知",
            anchor_en="receipt of the client's written notice",
            conditional=True,
            condition_zh="仅在甲方提出要求时适用",
            condition_en="only if the client asks",
        ),
        Obligation(
            id="19.2-change-notice",
            clause="19.2",
            description_zh="本合同载明的地址、电话、银行账号等发生变更的，变更一方应自变更之日起20日内以书面形式通知对方",
            description_en="A party whose address, telephone, bank account or other contract details change "
            "notifies the other in writing within 20 days of the change",
            method=Method.CIVIL_CODE,
            period="20 natural days",
            anchor_zh="变更之日",
            anchor_en="the day of the change",
            conditional=True,
            condition_zh="仅在地址、电话、银行账号等变更时适用",
            condition_en="only if such details change",
        ),
    ]


def _expansion(contract: Contract, expansion: Expansion, cals: Sequence[YearCalendar]) -> Obligation:
    item = next((i for i in contract.line_items if i.id == expansion.line_item), None)
    name_zh = item.name_zh if item is not None else expansion.line_item.value
    name_en = item.name_en if item is not None else expansion.line_item.value
    unit = item.unit.value if item is not None else ""
    quantity = f"{expansion.quantity} {unit}".strip()
    days = contract.service_levels.expansion_natural_days
    return _from_deadline(
        expansion_deadline(contract, expansion, cals),
        id=f"3.4-expansion-{expansion.id}",
        clause=contract.service_levels.expansion_clause,
        description_zh=f"云平台可按需 {days} 个自然日快速扩容：{name_zh} +{quantity}（{expansion.id}）",
        description_en=f"Expansion within {days} natural days: {name_en} +{quantity} ({expansion.id})",
        anchor_zh=f"扩容申请 {expansion.requested_at.isoformat()}",
        anchor_en=f"expansion requested {expansion.requested_at.isoformat()}",
        anchor_day=None,
    )


# -- helpers --------------------------------------------------------------------------------------------------


def _from_deadline(
    deadline: Deadline,
    *,
    id: str,
    clause: str,
    description_zh: str,
    description_en: str,
    anchor_zh: str,
    anchor_en: str,
    anchor_day: date | None,
    condition_zh: str | None = None,
    condition_en: str | None = None,
    notes: tuple[str, ...] = (),
) -> Obligation:
    method = Method.CIVIL_CODE if deadline.rule is Rule.CIVIL_CODE else Method.CALENDAR_DAYS
    day = anchor_day if anchor_day is not None else in_contract_tz(deadline.start).date()
    return Obligation(
        id=id,
        clause=clause,
        description_zh=description_zh,
        description_en=description_en,
        method=method,
        period=deadline.length,
        anchor_zh=anchor_zh,
        anchor_en=anchor_en,
        anchor_day=day,
        day=deadline.last_day,
        due_at=deadline.due_at,
        conditional=condition_en is not None,
        condition_zh=condition_zh,
        condition_en=condition_en,
        extended=deadline.extended,
        extension_reason=deadline.extension_reason,
        warnings=deadline.warnings,
        notes=notes,
    )


def _nine_month_notes(start: date, months: int, mark: Deadline) -> tuple[str, ...]:
    counted = start - timedelta(days=1)
    alternative = add_months(counted, months)
    end = mark.nominal_last_day.isoformat()
    civil_code = (
        message("note_civil_code_moved", start=start, months=months, end=end, moved=mark.last_day.isoformat())
        if mark.extended
        else message("note_civil_code", start=start, months=months, end=end)
    )
    return (
        civil_code,
        message("note_first_day_counted", start=start, months=months, alternative=alternative, end=end),
    )


def _second_payment_notes(
    start: date, months: int, mark: Deadline, wd: int, pay: Deadline, cals: Sequence[YearCalendar]
) -> tuple[str, ...]:
    alternative = add_months(start - timedelta(days=1), months)
    alt_pay = period_end(start_of_day(alternative), days=wd, working=True, calendars=cals)
    notes = [message("note_counted_from_mark", day=mark.last_day, months=months)]
    if mark.extended:
        unmoved = period_end(start_of_day(mark.nominal_last_day), days=wd, working=True, calendars=cals)
        notes.append(message("note_mark_not_moved", months=months, day=unmoved.last_day))
    notes.append(
        message("note_payment_first_day_counted", months=months, alternative=alternative, day=alt_pay.last_day)
    )
    return tuple(notes)


def _with_state(draft: Obligation, now: datetime, soon_days: int) -> Obligation:
    return replace(draft, state=state_at(draft.due_at, now, soon_days))


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in clause.split("."))


def _zh_date(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
