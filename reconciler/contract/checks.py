"""Check a contract's own arithmetic: line totals, the grand total, instalments and amounts in words.

Called by `reconciler validate`, the policy pack and `reconcile` (which refuses nothing but reports).
Pure: works on a loaded `Contract`. Rounding rule: see `reconciler.base.money.ROUNDING_RULE`.
Expansions are checked too: requested inside the service period, notice after the request, and their value
against the supplement cap of Art. 20.2 (`EXPANSION_VALUE_RULE`).
Severity: `note` = a rounding-level difference; `warning` = a defect in the text that does not change
the figures used; `error` = the figures contradict each other (validate exits 2).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from reconciler.base.messages import Message, message
from reconciler.base.money import FEN, arithmetic, to_fen
from reconciler.contract import deadlines, numerals
from reconciler.contract.model import Contract, Expansion, LineItem
from reconciler.dates.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.dates.periods import add_months

EXPANSION_VALUE_RULE = message("expansion_value_rule")
"""How an expansion is valued against the supplement cap (Art. 20.2). The contract is silent; this is an
upper bound of what the expansion can be billed (billing from its due date or delivery gives at most this)."""


class Severity(StrEnum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Discrepancy:
    """One place where the contract's figures do not agree exactly, with the numbers and a likely cause."""

    severity: Severity
    check: str
    subject: str
    computed: Decimal | None
    stated: Decimal | None
    message: Message
    likely_cause: Message

    @property
    def difference(self) -> Decimal | None:
        if self.computed is None or self.stated is None:
            return None
        return self.stated - self.computed


@dataclass(frozen=True)
class LineCheck:
    """A line item's figures as checked: exact product, the product rounded to the fen, and what is stated."""

    item: LineItem
    exact_total: Decimal
    rounded_total: Decimal


@dataclass(frozen=True)
class ExpansionValue:
    """An expansion as valued against the supplement cap: months billed and the value (EXPANSION_VALUE_RULE)."""

    expansion: Expansion
    due_at: datetime
    unit_price: Decimal
    months: int
    exact_value: Decimal
    value: Decimal


@dataclass(frozen=True)
class CapUse:
    """Art. 20.2: the cap on supplements, what the recorded expansions use of it and what is left."""

    clause: str
    cap: Decimal
    used: Decimal
    headroom: Decimal

    @property
    def exceeded(self) -> bool:
        return self.used > self.cap


@dataclass(frozen=True)
class ContractCheck:
    lines: tuple[LineCheck, ...]
    exact_total: Decimal
    stated_line_sum: Decimal
    discrepancies: tuple[Discrepancy, ...]
    expansions: tuple[ExpansionValue, ...] = ()
    supplement_cap: CapUse | None = None

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.discrepancies)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.discrepancies if d.severity is severity)


def check_contract(contract: Contract, words: bool = True) -> ContractCheck:
    """Every arithmetic and consistency check of the contract, in the contract's order.

    `words=False` skips comparing amounts in words with the figures: they can only give warnings about the
    contract's text, which `validate` reports; the nightly check need not repeat them (nor pay for cn2an).
    """
    with arithmetic():
        return _check(contract, words)


def _check(contract: Contract, words: bool) -> ContractCheck:
    lines = tuple(
        LineCheck(item, exact, to_fen(exact))
        for item in contract.line_items
        for exact in [item.unit_price * item.quantity * item.billing_months]
    )
    values = tuple(expansion_value(contract, e) for e in sorted(contract.expansions, key=lambda e: e.requested_at))
    cap = to_fen(contract.total * contract.supplement_cap.max_fraction_of_total)
    used = sum((v.value for v in values), Decimal("0.00"))
    cap_use = CapUse(contract.supplement_cap.clause, cap, used, cap - used)
    found = [
        *_period(contract),
        *(d for line in lines for d in _line_total(line, contract.service_period.months)),
        *_grand_total(contract, lines),
        *_instalments(contract),
        *(_words(contract) if words else ()),
        *_expansions(contract, values),
        *_supplement_cap(values, cap_use),
    ]
    return ContractCheck(
        lines=lines,
        exact_total=sum((line.exact_total for line in lines), Decimal(0)),
        stated_line_sum=sum((line.item.line_total for line in lines), Decimal(0)),
        discrepancies=tuple(found),
        expansions=values,
        supplement_cap=cap_use,
    )


def remaining_service_months(contract: Contract, instant: datetime) -> int:
    """Service months not yet over at `instant`, the month it falls in counted in full (0 after the period).

    Service month k (0-based) runs from the start day + k months (Art. 202 numbering) to the day before the next.
    """
    period = contract.service_period
    day = in_contract_tz(instant).date()
    if day < period.start:
        return period.months
    for month in range(period.months):
        if day < add_months(period.start, month + 1):
            return period.months - month
    return 0


def expansion_value(contract: Contract, expansion: Expansion) -> ExpansionValue:
    """The value of one expansion under EXPANSION_VALUE_RULE."""
    item = contract.line_item(expansion.line_item)
    months = remaining_service_months(contract, expansion.requested_at)
    with arithmetic():
        exact = expansion.quantity * item.unit_price * months
    due_at = deadlines.expansion_due_at(contract, expansion)
    return ExpansionValue(expansion, due_at, item.unit_price, months, exact, to_fen(exact))


def _expansions(contract: Contract, values: tuple[ExpansionValue, ...]) -> Iterator[Discrepancy]:
    period = contract.service_period
    opens, closes = start_of_day(period.start), end_of_day(period.end)
    for value in values:
        expansion = value.expansion
        subject = f"expansions.{expansion.id}"
        if not opens <= expansion.requested_at < closes:
            yield Discrepancy(
                Severity.ERROR,
                "expansion_period",
                subject,
                None,
                None,
                message(
                    "expansion_outside_period",
                    expansion=expansion.id,
                    at=expansion.requested_at,
                    opens=opens,
                    closes=closes,
                ),
                message("cause_expansion_outside"),
            )
        if expansion.notice_at is None:
            continue
        if expansion.notice_at < expansion.requested_at:
            yield Discrepancy(
                Severity.ERROR,
                "expansion_notice",
                subject,
                None,
                None,
                message(
                    "expansion_notice_before_request",
                    expansion=expansion.id,
                    notice=expansion.notice_at,
                    requested=expansion.requested_at,
                ),
                message("cause_notice_or_request"),
            )
        elif expansion.notice_at < value.due_at:
            yield Discrepancy(
                Severity.WARNING,
                "expansion_notice",
                subject,
                None,
                None,
                message(
                    "expansion_notice_early", expansion=expansion.id, notice=expansion.notice_at, due_at=value.due_at
                ),
                message("cause_notice_early"),
            )


def _supplement_cap(values: tuple[ExpansionValue, ...], cap: CapUse) -> Iterator[Discrepancy]:
    if not values:
        return
    terms = [
        message(
            "cap_term",
            expansion=v.expansion.id,
            quantity=v.expansion.quantity,
            price=v.unit_price,
            months=v.months,
            value=v.value,
        )
        for v in values
    ]
    yield Discrepancy(
        Severity.ERROR if cap.exceeded else Severity.NOTE,
        "supplement_cap",
        "supplement_cap",
        cap.cap,
        cap.used,
        message("supplement_cap", used=cap.used, terms=terms, clause=cap.clause, cap=cap.cap, headroom=cap.headroom),
        message("cause_cap_exceeded") if cap.exceeded else message("cause_value_rule", rule=EXPANSION_VALUE_RULE),
    )


def _period(contract: Contract) -> Iterator[Discrepancy]:
    period = contract.service_period
    start = period.start
    month_index = start.month - 1 + period.months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    anniversary = date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    expected_end = anniversary - timedelta(days=1)
    if period.end != expected_end:
        yield Discrepancy(
            Severity.ERROR,
            "service_period",
            "service_period",
            None,
            None,
            message("period_mismatch", months=period.months, start=start, expected=expected_end, end=period.end),
            message("cause_period"),
        )


def _line_total(line: LineCheck, months: int) -> Iterator[Discrepancy]:
    item = line.item
    formula = {"price": item.unit_price, "quantity": item.quantity, "months": item.billing_months}
    if item.billing_months != months:
        yield Discrepancy(
            Severity.ERROR,
            "billing_months",
            item.id.value,
            Decimal(months),
            Decimal(item.billing_months),
            message("billing_months", line_item=item.id, billed=item.billing_months, months=months),
            message("cause_billing_months"),
        )
    if line.exact_total == item.line_total:
        return
    if line.rounded_total == item.line_total:
        yield Discrepancy(
            Severity.NOTE,
            "line_total",
            item.id.value,
            line.exact_total,
            item.line_total,
            message("line_total_rounded", **formula, exact=line.exact_total, stated=item.line_total),
            message("cause_rounding"),
        )
        return
    yield Discrepancy(
        Severity.ERROR,
        "line_total",
        item.id.value,
        line.rounded_total,
        item.line_total,
        message(
            "line_total_wrong",
            **formula,
            exact=line.exact_total,
            rounded=line.rounded_total,
            stated=item.line_total,
            difference=item.line_total - line.rounded_total,
        ),
        _likely_cause(item, line.rounded_total),
    )


def _likely_cause(item: LineItem, computed: Decimal) -> Message:
    """Every simple mistake that would explain the stated total, most specific first."""
    stated = item.line_total
    monthly = item.unit_price * item.quantity
    causes = []
    if sorted(str(stated)) == sorted(str(computed)):
        causes.append(message("cause_transposed"))
    if any(to_fen(computed * Decimal(10) ** power) == stated for power in (-3, -2, -1, 1, 2, 3)):
        causes.append(message("cause_decimal_point"))
    if monthly and stated % monthly == 0:
        months = (stated / monthly).quantize(Decimal(1))
        causes.append(message("cause_months_of_line", months=months, billed=item.billing_months))
    implied = stated / (item.quantity * item.billing_months)
    if to_fen(implied) == implied:
        causes.append(message("cause_implied_price", implied=implied, price=item.unit_price))
    if not causes:
        return message("cause_line_mistyped")
    return causes[0] if len(causes) == 1 else message("likely_causes", causes=causes)


def _grand_total(contract: Contract, lines: tuple[LineCheck, ...]) -> Iterator[Discrepancy]:
    stated_sum = sum((line.item.line_total for line in lines), Decimal(0))
    exact_sum = sum((line.exact_total for line in lines), Decimal(0))
    if contract.total in (stated_sum, exact_sum):
        return
    difference = contract.total - stated_sum
    said = message("total_mismatch", stated_sum=stated_sum, exact_sum=exact_sum, total=contract.total)
    if contract.total == to_fen(exact_sum):
        cause = message("cause_total_rounds_sum")
    elif contract.total == exact_sum.quantize(FEN, rounding=ROUND_DOWN):
        cause = message("cause_total_cuts_sum", exact=exact_sum)
    else:
        matches = [line.item.id for line in lines if line.item.line_total == abs(difference)]
        cause = message("cause_line_twice", line_item=matches[0]) if matches else message("cause_total_mistyped")
    rounding_level = abs(difference) <= FEN * len(lines) / 2
    yield Discrepancy(
        Severity.NOTE if rounding_level else Severity.ERROR,
        "total",
        "total",
        stated_sum,
        contract.total,
        said,
        cause,
    )


def _instalments(contract: Contract) -> Iterator[Discrepancy]:
    schedule = contract.payment_schedule
    percent_sum = sum((i.percent for i in schedule.instalments), Decimal(0))
    if percent_sum != 100:
        yield Discrepancy(
            Severity.ERROR,
            "instalment_percent",
            "payment_schedule",
            Decimal(100),
            percent_sum,
            message("percent_sum", percent=percent_sum),
            message("cause_percent"),
        )
    for instalment in schedule.instalments:
        exact = contract.total * instalment.percent / 100
        if exact == instalment.amount:
            continue
        rounded = to_fen(exact)
        subject = f"payment_schedule.{instalment.id}"
        formula = {"percent": instalment.percent, "total": contract.total, "exact": exact}
        if rounded == instalment.amount:
            yield Discrepancy(
                Severity.NOTE,
                "instalment",
                subject,
                exact,
                instalment.amount,
                message("instalment_rounded", **formula, stated=instalment.amount),
                message("cause_rounding"),
            )
        else:
            yield Discrepancy(
                Severity.ERROR,
                "instalment",
                subject,
                rounded,
                instalment.amount,
                message("instalment_wrong", **formula, rounded=rounded, stated=instalment.amount),
                message("cause_instalment_mistyped"),
            )
    paid = sum((i.amount for i in schedule.instalments), Decimal(0))
    if paid != contract.total:
        small = abs(paid - contract.total) <= FEN * len(schedule.instalments)
        yield Discrepancy(
            Severity.NOTE if small else Severity.ERROR,
            "instalment_sum",
            "payment_schedule",
            contract.total,
            paid,
            message("instalment_sum", paid=paid, total=contract.total),
            message("cause_each_rounded") if small else message("cause_instalment_mistyped"),
        )


def _words(contract: Contract) -> Iterator[Discrepancy]:
    written = [("total", contract.payment_schedule.total_in_words, contract.total)] + [
        (f"payment_schedule.{i.id}", i.amount_in_words, i.amount) for i in contract.payment_schedule.instalments
    ]
    for subject, words, figures in written:
        value = numerals.read_amount(words)
        if value == figures:
            continue
        expected_words = numerals.write_amount(figures)
        if value is None:
            said = message("words_unreadable", words=words, figures=figures)
            cause = message("cause_not_numeral")
        else:
            said = message("words_mismatch", words=words, reads=value, figures=figures, expected=expected_words)
            cause = (
                message("cause_leading_numeral", numeral=expected_words[: len(expected_words) - len(words)])
                if expected_words.endswith(words)
                else message("cause_words_disagree")
            )
        yield Discrepancy(
            Severity.WARNING,
            "amount_in_words",
            subject,
            figures,
            value,
            said,
            cause,
        )
