"""The contract as typed data: parties, period, priced line items, payments, SLA, penalties, expansions.

Built by `contract.load` from contract_inventory.json; read by the checks, meters, reconcile core and faces.
Pure data: no I/O. Money and quantities are Decimal; instants are timezone-aware.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from reconciler.base.numbers import strict_number
from reconciler.dates.clock import day_problem, instant_problem


class LineItemId(StrEnum):
    """Stable ids of the contract's eleven priced rows, in the contract's order."""

    COMPUTE_VCPU = "compute.vcpu"
    COMPUTE_MEMORY = "compute.memory"
    STORAGE_STANDARD = "storage.standard"
    STORAGE_PERFORMANCE = "storage.performance"
    STORAGE_OBJECT = "storage.object"
    BACKUP_HOST = "backup.host"
    NETWORK_BANDWIDTH = "network.bandwidth"
    NETWORK_PUBLIC_IP = "network.public_ip"
    NETWORK_LOAD_BALANCER = "network.load_balancer"
    NETWORK_REMOTE_ACCESS = "network.remote_access"
    SECURITY_WAF = "security.waf"


class Unit(StrEnum):
    """Units the line items are priced in. In contract units 1 TB = 1000 GB (4.648 TB = 4648 GB)."""

    VCPU = "vCPU"
    GB = "GB"
    TB = "TB"
    MBPS = "Mbps"
    IP = "IP"
    INSTANCE = "instance"
    ACCOUNT = "account"


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be greater than zero")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


_Bounded = Field(max_digits=18, decimal_places=6)
"""Contract figures: at most 18 digits, 6 of them after the point (the contract uses 4 at most)."""
_Figure = Annotated[Decimal, _Bounded, BeforeValidator(strict_number), AfterValidator(_finite)]
Amount = Annotated[_Figure, AfterValidator(_non_negative)]
"""A non-negative amount of money in CNY (yuan), exact."""
PositiveDecimal = Annotated[_Figure, AfterValidator(_positive)]
Percent = Annotated[_Figure, AfterValidator(_non_negative), Field(le=100)]
Whole = Annotated[int, Field(strict=True, gt=0)]
"""A positive whole number, written as a JSON integer (not a string, a fraction or a bool)."""
Text = Annotated[str, Field(min_length=1)]


def _contract_day(value: date) -> date:
    problem = day_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _contract_instant(value: datetime) -> datetime:
    problem = instant_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Day = Annotated[date, AfterValidator(_contract_day)]
"""A calendar day of the contract, within the years a contract can mean (`dates.clock`)."""
Instant = Annotated[AwareDatetime, AfterValidator(_contract_instant)]
"""An instant with its offset, within the dates a contract can mean (`dates.clock`)."""


class Strict(BaseModel):
    """Base of every contract model: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Party(Strict):
    role: Literal["client", "provider", "management_unit"]
    name_zh: Text
    name_en: Text
    representative: str | None = None
    address: str | None = None
    phone: str | None = None


class ServicePeriod(Strict):
    """Art. 5: the service period, inclusive calendar days in the contract's time zone."""

    start: Day
    end: Day
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    months: Annotated[Whole, Field(le=1200)]

    @model_validator(mode="after")
    def _ordered(self) -> ServicePeriod:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Constraints(Strict):
    """Requirements written into a line item's name: a resource failing them does not count toward it."""

    arch: Literal["x86_64", "aarch64"] | None = None
    min_cpu_ghz: PositiveDecimal | None = None


class LineItem(Strict):
    """One priced row of Art. 2.2(1): unit price per unit per month, quantity, months, stated total."""

    id: LineItemId
    seq: Annotated[int, Field(strict=True, ge=1)]
    name_zh: Text
    name_en: Text
    unit: Unit
    unit_price: Amount = Field(description="CNY per unit per month, as written in the contract")
    quantity: PositiveDecimal
    billing_months: Annotated[Whole, Field(le=1200)]
    line_total: Amount = Field(description="CNY as stated in the contract for the whole period")
    constraints: Constraints = Constraints.model_construct()  # not Constraints(): no validator is built on import

    @property
    def monthly_fee(self) -> Decimal:
        """Exact monthly fee of this line item at its contracted quantity."""
        return self.unit_price * self.quantity


class Instalment(Strict):
    """One payment of Art. 7: a percentage of the total, its stated amount and what triggers it."""

    id: Text
    clause: Text
    percent: Percent
    amount: Amount
    amount_in_words: Text = Field(description="the amount in Chinese capital numerals as written (大写)")
    condition_zh: Text
    condition_en: Text
    trigger: Literal["service_started", "service_months_elapsed", "acceptance_passed"]
    after_service_months: Whole | None = None
    working_days_after_funds: Whole


class PaymentSchedule(Strict):
    clause: Text
    total_in_words: Text = Field(description="the total in Chinese capital numerals as written (大写)")
    instalments: Annotated[list[Instalment], Field(min_length=1)]


class ServiceLevels(Strict):
    """Art. 3: availability, reliability, expansion and response commitments."""

    clause: Text
    availability_percent: Percent
    data_reliability_percent: Percent
    expansion_natural_days: Whole
    expansion_clause: Text
    response_minutes: Whole
    on_site_minutes: Whole
    fault_fix_minutes: Whole
    important_fault_fix_minutes: Whole


class FormulaKind(StrEnum):
    """How a penalty amount is computed."""

    PERCENT_OF_TOTAL_PER_DAY = "percent_of_total_per_day"
    PERCENT_OF_TOTAL = "percent_of_total"
    MONTHLY_FEE_TIMES_COEFFICIENT = "monthly_fee_times_coefficient"
    LPR_INTEREST = "lpr_interest"
    TERMINATION_RIGHT = "termination_right"
    NO_DOUBLE_COUNTING = "no_double_counting"


class PenaltyRule(Strict):
    """One liability rule of Art. 12 or Annexes 1-3 (or Art. 14 / Annex 4), as data.

    `rate` is a fraction (0.02 = 2%), `coefficient` the annexes' 惩罚系数 (2.00 = 200%), applied as
    fee / service months x coefficient.
    """

    clause: Text
    description_zh: Text
    description_en: Text
    formula: FormulaKind
    rate: Amount | None = None
    coefficient: Amount | None = None
    termination_after_days: Whole | None = None
    grade: Literal["A", "B"] | None = None
    occurrences: Whole | None = None

    @model_validator(mode="after")
    def _inputs_for_formula(self) -> PenaltyRule:
        needs_rate = {
            FormulaKind.PERCENT_OF_TOTAL_PER_DAY,
            FormulaKind.PERCENT_OF_TOTAL,
        }
        if self.formula in needs_rate and self.rate is None:
            raise ValueError(f"formula {self.formula.value} needs a rate")
        if self.formula is FormulaKind.MONTHLY_FEE_TIMES_COEFFICIENT and self.coefficient is None:
            raise ValueError("formula monthly_fee_times_coefficient needs a coefficient")
        return self


class SupplementCap(Strict):
    """Art. 20.2: all supplementary agreements together may not exceed this fraction of the total."""

    clause: Text
    max_fraction_of_total: Annotated[_Figure, Field(gt=0, le=1)]


class Expansion(Strict):
    """An approved capacity increase requested of the provider (Art. 3.4: within 7 natural days)."""

    id: Text
    line_item: LineItemId
    quantity: PositiveDecimal
    requested_at: Instant
    reference: str | None = None
    notice_at: Instant | None = None


class Contract(Strict):
    """The whole contract: identity, parties, period, priced line items and the rules around them."""

    schema_: Literal["contract-reconciler/contract"] = Field("contract-reconciler/contract", alias="schema")
    version: Literal[1] = 1
    title_zh: Text
    title_en: Text
    contract_number: str | None = Field(None, description="blank in the signed text; null until assigned")
    signed_on: Day
    signed_at_place: Text
    currency: Literal["CNY"] = "CNY"
    parties: Annotated[list[Party], Field(min_length=2)]
    service_period: ServicePeriod
    line_items: Annotated[list[LineItem], Field(min_length=1)]
    total: Amount
    payment_schedule: PaymentSchedule
    service_levels: ServiceLevels
    penalties: list[PenaltyRule]
    supplement_cap: SupplementCap
    expansions: list[Expansion] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _references(self) -> Contract:
        seen: set[str] = set()
        for item in self.line_items:
            if item.id in seen:
                raise ValueError(f"line item {item.id.value} is declared twice")
            seen.add(item.id)
        ids = [e.id for e in self.expansions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"expansion ids must be unique; repeated: {', '.join(duplicates)}")
        for expansion in self.expansions:
            if expansion.line_item not in seen:
                raise ValueError(
                    f"expansion {expansion.id} names line item {expansion.line_item.value}, "
                    "which this contract does not price"
                )
        return self

    def line_item(self, item_id: LineItemId | str) -> LineItem:
        for item in self.line_items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def monthly_fee(self) -> Decimal:
        """The contract's fee per service month (total / service months), exact."""
        return self.total / self.service_period.months

    def expansions_for(self, item_id: LineItemId) -> list[Expansion]:
        return sorted((e for e in self.expansions if e.line_item == item_id), key=lambda e: (e.requested_at, e.id))
