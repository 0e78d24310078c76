"""Attestations: a named person states a line item's quantity, on evidence, for a period, where no source can list it.

The model of the attestation file (`Attestation`, `AttestationFile`) and the rules a check applies to it at `now`,
called by the reconcile core; the file is read at the edge (`app.attestations`). Pure. The rules
(docs/formats.md, "Attestations"): an attestation counts from `attested_at` until `valid_until`; it is
`expiring` (counted, with a warning) within EXPIRY_NOTICE of its end; once expired its quantity is not known any
more (the line item's upper bound opens: `unknown` until it is renewed); it never overrides an observed figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from reconciler.contract.model import LineItemId
from reconciler.core.meters import METER_BY_ITEM
from reconciler.core.models import AttestationRef, AttestationState

EXPIRY_NOTICE: Final = timedelta(days=14)
"""An attestation expiring within this of the check's `now` is counted with a warning to renew it."""
MAX_QUANTITY: Final = Decimal("1e15")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Attestation(BaseModel):
    """One statement: `attested_by` attests that `quantity` of `line_item` (in its contract unit) is supplied, on
    `evidence`, from `attested_at` until `valid_until`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")] | None = Field(
        None, description="a stable name for reports (default: LINE_ITEM#N, N its place among the line item's)"
    )
    line_item: LineItemId
    quantity: Annotated[Decimal, Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False)] = Field(
        description="in the line item's contract unit (instance, account, TB, GB, ...)"
    )
    attested_by: Text = Field(description="the person who attests, by name and role")
    evidence: Text = Field(description="what the quantity rests on: a document, an order, a ticket")
    attested_at: AwareDatetime
    valid_until: AwareDatetime = Field(description="the end of its validity; after it the quantity is unknown")
    note: Text | None = None

    @model_validator(mode="after")
    def _period(self) -> Attestation:
        if self.valid_until <= self.attested_at:
            raise ValueError("valid_until must be after attested_at")
        if METER_BY_ITEM[self.line_item].amount is None and self.quantity != self.quantity.to_integral_value():
            raise ValueError(f"{self.line_item.value} is counted in whole units: quantity must be a whole number")
        return self


class AttestationFile(BaseModel):
    """The attestation file (JSON or YAML): `attestations`, a list of `Attestation`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    format: Literal["contract-reconciler/attestations"] | None = None
    version: Literal[1] | None = None
    attestations: list[Attestation]


def attestation_id(attestation: Attestation, place: int) -> str:
    """Its id, or `LINE_ITEM#N` with N its 1-based place among the attestations of its line item."""
    return attestation.id or f"{attestation.line_item.value}#{place}"


def state_at(attestation: Attestation, now: datetime) -> AttestationState:
    if now < attestation.attested_at:
        return AttestationState.NOT_YET
    if now >= attestation.valid_until:
        return AttestationState.EXPIRED
    if attestation.valid_until - now <= EXPIRY_NOTICE:
        return AttestationState.EXPIRING
    return AttestationState.VALID


COUNTING: Final = frozenset({AttestationState.VALID, AttestationState.EXPIRING})
"""States whose quantity counts (when no source observes the line item)."""


def references(
    attestations: Iterable[Attestation], now: datetime, observed: frozenset[LineItemId]
) -> list[AttestationRef]:
    """Every attestation at `now`, ordered by line item, then as given; `counted` where its quantity counts: in a
    counting state, for a line item no source observes."""
    places: dict[LineItemId, int] = {}
    refs = []
    for attestation in attestations:
        places[attestation.line_item] = places.get(attestation.line_item, 0) + 1
        state = state_at(attestation, now)
        refs.append(
            AttestationRef(
                id=attestation_id(attestation, places[attestation.line_item]),
                line_item=attestation.line_item,
                quantity=attestation.quantity,
                attested_by=attestation.attested_by,
                evidence=attestation.evidence,
                attested_at=attestation.attested_at,
                valid_until=attestation.valid_until,
                state=state,
                counted=state in COUNTING and attestation.line_item not in observed,
            )
        )
    order = list(LineItemId)
    return sorted(refs, key=lambda ref: order.index(ref.line_item))  # stable: as given within a line item


def attested_bounds(refs: Sequence[AttestationRef]) -> tuple[Decimal, Decimal | None] | None:
    """The supply bounds a line item's attestations give when no source observes it: the sum of the counting
    ones, and no upper bound when one has expired (what it attested is not known any more). None when none
    counts or has expired (the line item is then not observed)."""
    counting = [ref for ref in refs if ref.state in COUNTING]
    expired = [ref for ref in refs if ref.state is AttestationState.EXPIRED]
    if not counting and not expired:
        return None
    lower = sum((ref.quantity for ref in counting), Decimal(0))
    return lower, None if expired else lower


def outside(refs: Sequence[AttestationRef], lower: Decimal, upper: Decimal | None) -> Decimal | None:
    """The attested total (of the counting attestations) when it lies outside the observed bounds [lower, upper],
    else None: an attestation that disagrees with what a source observed."""
    counting = [ref for ref in refs if ref.state in COUNTING]
    if not counting:
        return None
    total = sum((ref.quantity for ref in counting), Decimal(0))
    if total < lower or (upper is not None and total > upper):
        return total
    return None
