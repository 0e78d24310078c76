"""The core's models: every result of a check and the enums that name its states, in one module.

Built by the reconcile core (`reconcile`, `expansions`, `exposure`, `changes`); read by every face (reports, the
history, the Pulumi integration). Pure data: the documented JSON output is these models' serialization.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Final, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from reconciler.base.messages import Message
from reconciler.contract.model import LineItemId, Unit
from reconciler.core.observation import ResourceKind


class Status(StrEnum):
    MET = "met"
    PENDING = "pending"
    SHORT = "short"
    OVER = "over"
    UNKNOWN = "unknown"
    NOT_OBSERVED = "not_observed"
    ENDED = "ended"


OUTCOMES: tuple[Status, ...] = (Status.SHORT, Status.PENDING, Status.MET, Status.OVER)
"""The statuses a supply can have against due and entitled, from lowest supply to highest."""
DRIFT: frozenset[Status] = frozenset({Status.SHORT, Status.OVER})
"""The statuses that are drift (exit 1)."""


class Verdict(StrEnum):
    OK = "ok"
    DRIFT = "drift"
    UNKNOWN = "unknown"


class ExitCode(IntEnum):
    """Fixed exit codes of `reconciler check`."""

    OK = 0
    DRIFT = 1
    INVALID_INPUT = 2
    SOURCE_FAILED = 3


SetAsideRule: TypeAlias = Literal["arch", "min_cpu_ghz", "state"]
"""Why resources were set aside: a constraint written in the contract (arch, clock), or a policy (VM state)."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class ExpansionState(StrEnum):
    OPEN = "open"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    FULFILLED_ON_TIME = "fulfilled_on_time"
    FULFILLED_LATE = "fulfilled_late"


class ExpansionStatus(Frozen):
    """One expansion at `now`. remaining = due_at - now (negative once the deadline has passed)."""

    id: str
    line_item: LineItemId
    quantity: Decimal
    requested_at: datetime
    reference: str | None
    notice_at: datetime | None
    due_at: datetime = Field(description="end of the Art. 3.4 period (7 natural days, Civil Code rule)")
    required: Decimal = Field(description="baseline + this and every earlier expansion of the line item")
    remaining_seconds: int
    state: ExpansionState
    fulfilled_at: datetime | None = Field(description="the run (its now) that first supplied `required`")
    warnings: list[Message]


class ExposureItem(Frozen):
    """One clause applied to one event: its formula, every input, the amount, and whether the total counts it."""

    clause: str
    line_item: LineItemId
    expansion: str | None = Field(description="the expansion id, for Annex 3 item 4")
    applies: bool = Field(description="false when the clause cannot apply yet (amount 0, see reason)")
    formula: Message
    inputs: dict[str, str]
    amount: Decimal = Field(description="CNY, rounded half up to the fen")
    days: int | None = Field(description="days of delay counted (Art. 12.3)")
    termination_right: bool = Field(description="the clause's termination threshold is reached (Art. 12.3: 10 days)")
    counted: bool = Field(description="included in the total (Art. 12.4 keeps only the heavier rule per event)")
    reasons: list[Message] = Field(
        description="why the clause applies or not (first), then how its figures are read (the day rule, the fee)"
    )
    not_counted: Message | None = Field(
        description="why the total does not count an item that applies (Art. 12.3 once a day, Art. 12.4)"
    )


class Exposure(Frozen):
    """Per-item exposure and its total (counted items only)."""

    total: Decimal
    items: list[ExposureItem]
    disclaimer: Message


class FieldChange(Frozen):
    """One field of a finding, before and after; `field` is a path such as `supplied` or
    `evidence.nonconforming[min_cpu_ghz 2.2].count`. Decimals are strings; null where absent."""

    field: str
    old: JsonValue
    new: JsonValue


class ItemChange(Frozen):
    line_item: str
    previous_status: Status | None = Field(description="null when the previous run did not have this line item")
    status: Status
    fields: list[FieldChange] = Field(description="every field that differs, status first")


class Changes(Frozen):
    """The findings compared with the previous recorded run's."""

    previous_run_id: int
    previous_now: datetime
    previous_observed_at: datetime
    new: list[ItemChange] = Field(description="now short, over, unknown or pending; before met, not observed or absent")
    resolved: list[ItemChange] = Field(description="before short, over, unknown or pending; now met")
    changed: list[ItemChange] = Field(
        description="not met now (or not observed) and a status or figure (entitled, due, supplied, gap, value) "
        "differs; a line item met now that was not observed before is not listed"
    )

    @property
    def empty(self) -> bool:
        return not (self.new or self.resolved or self.changed)


class SetAside(Frozen):
    """Resources of the line item's kind that did not count, grouped by the rule that set them aside."""

    rule: SetAsideRule
    detail: Message
    subject: str = Field(description="the value that failed the rule: an arch, a clock in GHz, a state")
    limit: str = Field(description="what the contract requires (x86_64, 2.4); empty for policy rules")
    count: int
    quantity: Decimal = Field(description="what they would have counted, in the line item's unit")
    ids: list[str]


class Uncertain(Frozen):
    """Resources that widen the supply's bounds, grouped by what is not known of them."""

    counts: Literal["certainly", "possibly"] = Field(
        description="certainly: they count, only their amount is unknown (each adds 0 to the lower bound and "
        "opens the upper one); possibly: an attribute that decides whether they count is unknown (their known "
        "amounts add to the upper bound only)"
    )
    unknown: list[str] = Field(
        description="the attributes not known: what decides (arch, cpu_ghz, state, tier), then the amount "
        "(vcpu, memory_gb, size_gb) when it is unknown too"
    )
    count: int
    quantity: Decimal | None = Field(
        description="what they add to the upper bound, in the line item's unit; null when an amount is unknown "
        "(no upper bound)"
    )
    ids: list[str]


class Evidence(Frozen):
    contributing_count: int
    contributing: list[str] = Field(description="ids of the resources counted as supplied for certain, sorted")
    nonconforming: list[SetAside] = Field(description="resources failing a constraint written in the contract")
    excluded: list[SetAside] = Field(description="resources not counted by policy (e.g. terminated VMs)")
    uncertain: list[Uncertain] = Field(
        default_factory=list, description="resources behind the difference between the bounds, and why"
    )


class TableEntryRef(Frozen):
    """A table entry a line item's figure rests on: a source's mapping table stated attributes of the resources
    counted (a family's clock and architecture, a state's meaning, a volume type's tier)."""

    source: str
    table: str = Field(description="the table in the tables file: families, instance_states, volume_tiers, ...")
    key: str
    values: dict[str, str] = Field(description="what the entry states, e.g. {cpu_ghz: 2.6, arch: x86_64}")
    origin: str = Field(description="the tables file it was read from, or built-in (the documented defaults)")
    evidence: Message | None = Field(
        description="where the figure comes from: the tables file's text, or the documented default; null: not said"
    )
    resources: int = Field(description="resources of the line item's kind the entry decided")
    sample_ids: list[str]


class AttestationState(StrEnum):
    """An attestation at the check's `now`."""

    VALID = "valid"
    EXPIRING = "expiring"
    """Valid, and expiring within the warning period (`core.attestations.EXPIRY_NOTICE`)."""
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    """Attested after `now`: it says nothing of that moment."""


class AttestationRef(Frozen):
    """An attestation as a check read it: who attested what, on what evidence, until when, and what it counted."""

    id: str
    line_item: LineItemId
    quantity: Decimal
    attested_by: str
    evidence: str
    attested_at: datetime
    valid_until: datetime
    state: AttestationState
    counted: bool = Field(
        description="its quantity counts toward the supply: valid at now and no source observes the line item "
        "(an observed figure always wins)"
    )


class Provenance(Frozen):
    """Where a line item's supply comes from: observed by sources (through which table entries), or attested."""

    supplied_by: Literal["observed", "attested"]
    sources: list[str] = Field(description="the sources that observed (or tried to observe) the line item's kind")
    table_entries: list[TableEntryRef] = Field(
        description="the table entries the figure rests on (every entry that decided an attribute the line item "
        "reads, of a resource of its kind)"
    )
    attestations: list[AttestationRef] = Field(
        description="attestations of the line item: counted when it is supplied_by attested, else set aside"
    )


BOUND_FIGURES: Final = (
    "supplied_lower",
    "supplied_upper",
    "shortfall_value_monthly",
    "shortfall_value_possible",
    "pending_value_monthly",
    "pending_value_possible",
    "pending_due_at",
    "surplus_value_monthly",
    "surplus_value_possible",
)
"""A finding's figures that follow from its supply's bounds, due and entitled (none when nothing was measured)."""


class Finding(Frozen):
    """One line item reconciled. Supply is an interval [supplied_lower, supplied_upper]; `supplied`, `gap` and
    `gap_value_monthly` are given when the bounds agree. gap = supplied - entitled (negative = short)."""

    line_item: LineItemId
    seq: int
    name_zh: str
    name_en: str
    unit: Unit
    unit_price: Decimal
    baseline: Decimal
    entitled: Decimal
    due: Decimal
    supplied: Decimal | None = Field(description="the supply when its bounds agree; else null (see the bounds)")
    supplied_lower: Decimal | None = Field(description="what is supplied for certain; null only when not observed")
    supplied_upper: Decimal | None = Field(
        description="the most that may be supplied; null when not observed or without an upper bound (a listing "
        "that may be incomplete, a failed source, an amount not known)"
    )
    gap: Decimal | None = Field(description="supplied - entitled when the bounds agree; else null")
    status: Status
    possible: list[Status] = Field(
        description="the statuses the bounds leave possible, lowest supply first (short, pending, met, over): one "
        "for a definite status, several for unknown, [ended] after the service period, empty when not observed"
    )
    gap_value_monthly: Decimal | None = Field(
        description="gap x unit price, CNY per month, rounded to the fen; null when the bounds differ"
    )
    shortfall_value_monthly: Decimal | None = Field(
        description="value of the overdue shortfall (supplied below due) certain from the bounds: "
        "(supplied_upper - due) x unit price when that is negative, else 0; null when not observed"
    )
    shortfall_value_possible: Decimal | None = Field(
        description="the largest overdue shortfall value the bounds allow: (supplied_lower - due) x unit price "
        "when negative, else 0"
    )
    pending_value_monthly: Decimal | None = Field(
        description="value of what is short of expansions still inside their deadline (between due and "
        "entitled), certain from the bounds; <= 0"
    )
    pending_value_possible: Decimal | None = Field(description="the largest pending value the bounds allow")
    pending_due_at: datetime | None = Field(
        description="when the next part of the pending quantity falls due (an expansion's deadline, or the "
        "service start); null when nothing can be pending"
    )
    surplus_value_monthly: Decimal | None = Field(
        description="value of supply above entitled certain from the bounds: (supplied_lower - entitled) x "
        "unit price when positive, else 0"
    )
    surplus_value_possible: Decimal | None = Field(
        description="the largest surplus value the bounds allow; null when the upper bound is open"
    )
    measured_by: str
    reason: Message | None = Field(
        None, description="why the status is unknown, not_observed, pending or ended, and why the bounds differ"
    )
    evidence: Evidence | None
    provenance: Provenance | None = Field(
        None,
        description="where the supply comes from: the sources and the table entries it rests on, or the "
        "attestations; null when neither observed nor attested (and in runs recorded before it existed)",
    )


class UnrecognizedInput(Frozen):
    """Input the snapshot reader did not understand: it is reported and not counted."""

    what: Literal["kind", "field"]
    name: str
    kind: str
    count: int
    sample_ids: list[str]


class SourceSummary(Frozen):
    name: str
    detail: Message | None = Field(
        None, description="what the source read and what its tables could not decide; null: nothing to say"
    )
    covers: list[ResourceKind]
    failed: dict[str, Message] = Field(description="kinds the source failed on, and why")
    incomplete: dict[str, Message] = Field(
        default_factory=dict, description="kinds whose listing may be incomplete, and why (upper bound open)"
    )
    resource_count: int
    unrecognized: list[UnrecognizedInput]

    @field_validator("detail", mode="before")
    @classmethod
    def _no_empty_detail(cls, value: object) -> object:
        """Runs recorded before the detail was a message hold its English text ("" for none)."""
        return None if value == "" else value


class Summary(Frozen):
    line_items: int
    by_status: dict[Status, int]
    shortfall_value_monthly: Decimal = Field(
        description="the headline: value of what is overdue (supplied below due), certain from the bounds; sum "
        "of the findings' shortfall_value_monthly"
    )
    shortfall_value_possible: Decimal = Field(
        default=Decimal("0.00"), description="the largest overdue shortfall value the bounds allow"
    )
    pending_value_monthly: Decimal = Field(
        default=Decimal("0.00"),
        description="value of what is short only of expansions still inside their deadline (not overdue)",
    )
    pending_value_possible: Decimal = Field(default=Decimal("0.00"))
    pending_due_at: datetime | None = Field(None, description="the earliest deadline of what is pending")
    surplus_value_monthly: Decimal = Field(description="value of supply above entitled, certain from the bounds")
    surplus_value_possible: Decimal | None = Field(
        default=Decimal("0.00"), description="the largest surplus value the bounds allow; null when unbounded"
    )
    resources_observed: int


class ContractRef(Frozen):
    title_zh: str
    title_en: str
    service_start: str
    service_end: str
    total: Decimal
    monthly_fee: Decimal


class Reconciliation(Frozen):
    """Everything `reconciler check` knows after one run; its JSON is the documented output format."""

    schema_: Literal["contract-reconciler/reconciliation"] = Field("contract-reconciler/reconciliation", alias="schema")
    version: Literal[2] = 2
    now: datetime
    observed_at: datetime
    contract: ContractRef
    sources: list[SourceSummary]
    findings: list[Finding]
    summary: Summary
    expansions: list[ExpansionStatus] = Field(description="every recorded expansion at now (expansions.track)")
    exposure: Exposure = Field(description="indicative penalty exposure by clause, not a legal conclusion")
    verdict: Verdict
    exit_code: ExitCode
    warnings: list[Message]
    attestations: list[AttestationRef] = Field(
        default_factory=list, description="every attestation given to the check (--attest), with its state at now"
    )
    run_id: int | None = Field(None, description="the id the run history recorded this check under; null without")
    changes: Changes | None = Field(
        None, description="what changed since the previous recorded run; null on the first one or without history"
    )

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True, defer_build=True)

    def finding(self, item_id: LineItemId | str) -> Finding:
        for finding in self.findings:
            if finding.line_item == item_id:
                return finding
        raise KeyError(item_id)
