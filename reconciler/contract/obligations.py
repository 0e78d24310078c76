"""Every dated obligation of the contract, with its date under the period rules and its state as of `now`.

Called by `reconciler calendar` (through `report.calendar`). Pure: `now` and the holiday calendars are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from reconciler.base.messages import Message, Names, message
from reconciler.contract.deadlines import expansion_deadline
from reconciler.contract.model import Contract, Expansion
from reconciler.dates.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.dates.periods import Deadline, Rule, YearCalendar, add_months, period_end, period_length

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
    description: Message
    """What is owed; its Chinese wording is the contract's."""
    method: Method
    period: Message | None
    """The period (10 working days, 9 months, 15 natural days); None for a fixed date."""
    anchor: Message
    """The event the period runs from."""
    anchor_day: date | None = None
    """The day of the event the period runs from (not counted, Art. 201); None when it cannot be known."""
    day: date | None = None
    """The last day (or, for an event, its day); None for a rule without a date."""
    due_at: datetime | None = None
    """The instant the day ends for a deadline (24:00 = 00:00 next day), or the event's instant."""
    state: State = State.RULE
    """Set by `obligations` from `now`."""
    conditional: bool = False
    condition: Message | None = None
    extended: bool = False
    extension_reason: Message | None = None
    warnings: tuple[Message, ...] = ()
    notes: tuple[Message, ...] = ()


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


def _service_period(contract: Contract) -> list[Obligation]:
    period = contract.service_period
    return [
        Obligation(
            id="5-service-start",
            clause="5",
            description=message("ob_service_start", start=period.start, end=period.end),
            method=Method.FIXED,
            period=None,
            anchor=message("anchor_fixed"),
            day=period.start,
            due_at=start_of_day(period.start),
        ),
        Obligation(
            id="5-service-end",
            clause="5",
            description=message("ob_service_end", start=period.start, end=period.end),
            method=Method.FIXED,
            period=None,
            anchor=message("anchor_fixed"),
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
                description=_payment(first.percent, first.amount, first.condition_en, first.condition_zh),
                anchor=message("anchor_funds_released", start=start),
                anchor_day=start,
                condition=message("cond_funds_first"),
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
                description=message("ob_nine_months", months=months),
                anchor=message("anchor_service_start", start=start),
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
                description=_payment(second.percent, second.amount, second.condition_en, second.condition_zh),
                anchor=message("anchor_months_and_funds", months=months, day=mark.last_day),
                anchor_day=mark.last_day,
                condition=message("cond_funds_second", months=months),
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
                description=_payment(final.percent, final.amount, final.condition_en, final.condition_zh),
                anchor=message("anchor_acceptance_and_funds", end=end),
                anchor_day=end,
                condition=message("cond_funds_final"),
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
            description=message("ob_acceptance"),
            anchor=message("anchor_service_end", end=end),
            anchor_day=end,
        ),
        _from_deadline(
            redo,
            id="6-re-acceptance",
            clause="6",
            description=message("ob_re_acceptance"),
            anchor=message("anchor_acceptance_failed", day=accept.last_day),
            anchor_day=accept.last_day,
            condition=message("cond_acceptance_fails"),
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
            description=message("ob_exit_request"),
            method=Method.COUNTED_BACK,
            period=period_length(None, notice_months),
            anchor=message("anchor_service_end_at", end=end_of_day(end)),
            anchor_day=end,
            day=latest,
            due_at=end_of_day(latest),
            conditional=True,
            condition=message("cond_exit"),
            notes=(message("note_counted_back", months=notice_months),),
        ),
        _from_deadline(
            switch,
            id="14.3-switch-over-end",
            clause="14.3",
            description=message("ob_switch_over"),
            anchor=message("anchor_service_end", end=end),
            anchor_day=end,
            condition=message("cond_not_renewed"),
            notes=(message("note_switch_over"),),
        ),
    ]


def _rules() -> list[Obligation]:
    return [
        Obligation(
            id="4.5-project-lead-change",
            clause="4.5",
            description=message("ob_project_lead"),
            method=Method.CIVIL_CODE,
            period=period_length(5, None, working=True, before=True),
            anchor=message("anchor_project_lead"),
            conditional=True,
            condition=message("cond_project_lead"),
        ),
        Obligation(
            id="14.2-migration",
            clause="14.2",
            description=message("ob_migration"),
            method=Method.CIVIL_CODE,
            period=period_length(10, None),
            anchor=message("anchor_migration_request"),
            conditional=True,
            condition=message("cond_migration"),
        ),
        Obligation(
            id="15.5-return-material",
            clause="15.5",
            description=message("ob_return_material"),
            method=Method.CIVIL_CODE,
            period=period_length(5, None),
            anchor=message("anchor_written_notice"),
            conditional=True,
            condition=message("cond_client_asks"),
        ),
        Obligation(
            id="19.2-change-notice",
            clause="19.2",
            description=message("ob_change_notice"),
            method=Method.CIVIL_CODE,
            period=period_length(20, None),
            anchor=message("anchor_change_day"),
            conditional=True,
            condition=message("cond_details_change"),
        ),
    ]


def _expansion(contract: Contract, expansion: Expansion, cals: Sequence[YearCalendar]) -> Obligation:
    item = next((i for i in contract.line_items if i.id == expansion.line_item), None)
    unit = item.unit.value if item is not None else ""
    days = contract.service_levels.expansion_natural_days
    return _from_deadline(
        expansion_deadline(contract, expansion, cals),
        id=f"3.4-expansion-{expansion.id}",
        clause=contract.service_levels.expansion_clause,
        description=message(
            "ob_expansion",
            days=days,
            line_item=expansion.line_item,
            quantity=expansion.quantity,
            unit=unit,
            expansion=expansion.id,
        ),
        anchor=message("anchor_expansion_requested", at=expansion.requested_at),
        anchor_day=None,
    )


# -- helpers --------------------------------------------------------------------------------------------------


def _from_deadline(
    deadline: Deadline,
    *,
    id: str,
    clause: str,
    description: Message,
    anchor: Message,
    anchor_day: date | None,
    condition: Message | None = None,
    notes: tuple[Message, ...] = (),
) -> Obligation:
    method = Method.CIVIL_CODE if deadline.rule is Rule.CIVIL_CODE else Method.CALENDAR_DAYS
    day = anchor_day if anchor_day is not None else in_contract_tz(deadline.start).date()
    return Obligation(
        id=id,
        clause=clause,
        description=description,
        method=method,
        period=deadline.length,
        anchor=anchor,
        anchor_day=day,
        day=deadline.last_day,
        due_at=deadline.due_at,
        conditional=condition is not None,
        condition=condition,
        extended=deadline.extended,
        extension_reason=deadline.extension_reason,
        warnings=deadline.warnings,
        notes=notes,
    )


def _nine_month_notes(start: date, months: int, mark: Deadline) -> tuple[Message, ...]:
    counted = start - timedelta(days=1)
    alternative = add_months(counted, months)
    end = mark.nominal_last_day
    civil_code = (
        message("note_civil_code_moved", start=start, months=months, end=end, moved=mark.last_day)
        if mark.extended
        else message("note_civil_code", start=start, months=months, end=end)
    )
    return (
        civil_code,
        message("note_first_day_counted", start=start, months=months, alternative=alternative, end=end),
    )


def _second_payment_notes(
    start: date, months: int, mark: Deadline, wd: int, pay: Deadline, cals: Sequence[YearCalendar]
) -> tuple[Message, ...]:
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


def _payment(percent: Decimal, amount: Decimal, condition_en: str, condition_zh: str) -> Message:
    """An instalment: its share of the fee, its amount and the contract's condition in both languages."""
    condition = Names(en=condition_en[:1].lower() + condition_en[1:], zh=condition_zh)
    return message("ob_payment", percent=percent, amount=amount, condition=condition)
