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

from reconciler.base.money import FEN, arithmetic, plain, to_fen, yuan
from reconciler.contract import deadlines, numerals
from reconciler.contract.model import Contract, Expansion, LineItem
from reconciler.dates.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.dates.periods import add_months

EXPANSION_VALUE_RULE = (
    "quantity x unit price x service months remaining, counted from the service month in which the expansion "
    "is requested (that month counts in full) to the end of the service period; rounded half up to the fen"
)
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
    message: str
    likely_cause: str

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
                f"expansion {expansion.id} is requested at {expansion.requested_at.isoformat()}, outside the "
                f"service period ({opens.isoformat()} to {closes.isoformat()}, Asia/Shanghai)",
                "requested_at mistyped (check the year and the UTC offset), or the request is not under this contract",
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
                f"expansion {expansion.id}: the written notice ({expansion.notice_at.isoformat()}) is before the "
                f"request ({expansion.requested_at.isoformat()})",
                "notice_at or requested_at mistyped",
            )
        elif expansion.notice_at < value.due_at:
            yield Discrepancy(
                Severity.WARNING,
                "expansion_notice",
                subject,
                None,
                None,
                f"expansion {expansion.id}: the written notice ({expansion.notice_at.isoformat()}) is before the "
                f"7-day deadline ({value.due_at.isoformat()}); Annex 3 item 4 reads as a notice after a missed one",
                "notice_at mistyped, or an early reminder recorded as the notice",
            )


def _supplement_cap(values: tuple[ExpansionValue, ...], cap: CapUse) -> Iterator[Discrepancy]:
    if not values:
        return
    terms = "; ".join(
        f"{v.expansion.id}: {plain(v.expansion.quantity)} x {plain(v.unit_price)} x {v.months} = {yuan(v.value)}"
        for v in values
    )
    message = (
        f"expansions are worth {yuan(cap.used)} CNY ({terms}); the cap of Art. {cap.clause} is {yuan(cap.cap)}, "
        f"headroom {yuan(cap.headroom)}"
    )
    yield Discrepancy(
        Severity.ERROR if cap.exceeded else Severity.NOTE,
        "supplement_cap",
        "supplement_cap",
        cap.cap,
        cap.used,
        message,
        "the expansions exceed the cap on supplementary agreements (Art. 20.2)"
        if cap.exceeded
        else f"value rule: {EXPANSION_VALUE_RULE}",
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
            f"{period.months} months from {start} end on {expected_end}, but the period ends on {period.end}",
            "the start, the end or the number of months is mistyped",
        )


def _line_total(line: LineCheck, months: int) -> Iterator[Discrepancy]:
    item = line.item
    formula = f"{item.unit_price} x {item.quantity} x {item.billing_months}"
    if item.billing_months != months:
        yield Discrepancy(
            Severity.ERROR,
            "billing_months",
            item.id.value,
            Decimal(months),
            Decimal(item.billing_months),
            f"{item.id.value} is billed for {item.billing_months} months, the service period has {months}",
            "billing months mistyped, or the line covers part of the period (record it as an expansion)",
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
            f"{formula} = {plain(line.exact_total)} exactly; the contract states {item.line_total}",
            "rounding to the fen (0.01 CNY), half up",
        )
        return
    yield Discrepancy(
        Severity.ERROR,
        "line_total",
        item.id.value,
        line.rounded_total,
        item.line_total,
        f"{formula} = {plain(line.exact_total)}, which rounds to {line.rounded_total}; "
        f"the contract states {item.line_total} (difference {item.line_total - line.rounded_total})",
        _likely_cause(item, line.rounded_total),
    )


def _likely_cause(item: LineItem, computed: Decimal) -> str:
    """Every simple mistake that would explain the stated total, most specific first."""
    stated = item.line_total
    monthly = item.unit_price * item.quantity
    causes = []
    if sorted(str(stated)) == sorted(str(computed)):
        causes.append("transposed digits in the stated total")
    if any(to_fen(computed * Decimal(10) ** power) == stated for power in (-3, -2, -1, 1, 2, 3)):
        causes.append("misplaced decimal point in the stated total")
    if monthly and stated % monthly == 0:
        causes.append(f"the stated total is {stated / monthly:.0f} month(s) of this line, not {item.billing_months}")
    implied = stated / (item.quantity * item.billing_months)
    if to_fen(implied) == implied:
        causes.append(f"the stated total implies a unit price of {plain(implied)}, not {plain(item.unit_price)}")
    return "; or ".join(causes) or "unit price, quantity or total mistyped"


def _grand_total(contract: Contract, lines: tuple[LineCheck, ...]) -> Iterator[Discrepancy]:
    stated_sum = sum((line.item.line_total for line in lines), Decimal(0))
    exact_sum = sum((line.exact_total for line in lines), Decimal(0))
    if contract.total in (stated_sum, exact_sum):
        return
    difference = contract.total - stated_sum
    message = (
        f"the stated line totals add up to {yuan(stated_sum)} and the unrounded line products to {plain(exact_sum)}; "
        f"the contract total is {yuan(contract.total)}"
    )
    if contract.total == to_fen(exact_sum):
        cause = "the total rounds the unrounded sum instead of adding the rounded line totals"
    elif contract.total == exact_sum.quantize(FEN, rounding=ROUND_DOWN):
        cause = f"the total cuts the unrounded sum {plain(exact_sum)} to the fen (not rounded half up)"
    else:
        matches = [line.item.id.value for line in lines if line.item.line_total == abs(difference)]
        cause = f"line {matches[0]} counted twice or left out" if matches else "a line total or the total is mistyped"
    rounding_level = abs(difference) <= FEN * len(lines) / 2
    yield Discrepancy(
        Severity.NOTE if rounding_level else Severity.ERROR,
        "total",
        "total",
        stated_sum,
        contract.total,
        message,
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
            f"the instalments' percentages add up to {percent_sum}%, not 100%",
            "a percentage is mistyped or an instalment is missing",
        )
    for instalment in schedule.instalments:
        exact = contract.total * instalment.percent / 100
        if exact == instalment.amount:
            continue
        rounded = to_fen(exact)
        subject = f"payment_schedule.{instalment.id}"
        formula = f"{plain(instalment.percent)}% of {yuan(contract.total)} = {plain(exact)}"
        if rounded == instalment.amount:
            yield Discrepancy(
                Severity.NOTE,
                "instalment",
                subject,
                exact,
                instalment.amount,
                f"{formula}; the contract states {instalment.amount}",
                "rounding to the fen (0.01 CNY), half up",
            )
        else:
            yield Discrepancy(
                Severity.ERROR,
                "instalment",
                subject,
                rounded,
                instalment.amount,
                f"{formula}, which rounds to {rounded}; the contract states {instalment.amount}",
                "the amount or the percentage is mistyped",
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
            f"the instalments add up to {yuan(paid)}; the contract total is {yuan(contract.total)}",
            "each instalment rounded separately" if small else "an instalment amount is mistyped",
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
            message = f"the amount in words {words} cannot be read as a number; the figures say {yuan(figures)}"
            cause = "a character in the words is not a capital numeral"
        else:
            message = (
                f"the amount in words {words} reads {yuan(value)}; the figures say {yuan(figures)} "
                f"(in words: {expected_words})"
            )
            cause = (
                f"the leading numeral {expected_words[: len(expected_words) - len(words)]} is missing from the words"
                if expected_words.endswith(words)
                else "words and figures disagree"
            )
        yield Discrepancy(
            Severity.WARNING,
            "amount_in_words",
            subject,
            figures,
            value,
            f"{message}; the figures agree with the arithmetic and are the ones used",
            cause,
        )
