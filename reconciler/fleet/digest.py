"""What the fleet keeps of one contract's check: its statuses, bounds, values, expansions and sources' health.

Built from a `Reconciliation` by `app.fleet_command` after each check and recorded beside the run
(`fleet_outcomes.digest`); read back by the notifications (`events`), the metrics and the overview. Pure data:
small (no evidence), and enough to say what changed without re-reading the runs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from reconciler.base.messages import Message, from_json, to_json
from reconciler.core.models import ExpansionState, Reconciliation, Status


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ItemDigest(_Frozen):
    id: str
    seq: int
    unit: str
    status: Status
    possible: list[Status]
    lower: Decimal | None
    upper: Decimal | None
    due: Decimal
    entitled: Decimal
    gap_value: Decimal | None
    shortfall_value: Decimal | None


class ExpansionDigest(_Frozen):
    id: str
    line_item: str
    quantity: Decimal
    state: ExpansionState
    due_at: datetime
    remaining_seconds: int
    fulfilled_at: datetime | None


class SourceDigest(_Frozen):
    """A source's health: per resource kind, why it failed or why its listing may be incomplete (each reason a
    message in its JSON form, `base.messages.to_json`)."""

    name: str
    failed: dict[str, dict[str, Any]]
    incomplete: dict[str, dict[str, Any]]

    @property
    def up(self) -> bool:
        return not self.failed

    def failures(self) -> list[Message]:
        """Why the source failed, kind by kind in order, each reason once."""
        return list(dict.fromkeys(from_json(self.failed[kind]) for kind in sorted(self.failed)))


class Digest(_Frozen):
    title_zh: str
    title_en: str
    service_start: date
    service_end: date
    now: datetime
    observed_at: datetime
    verdict: str
    exit_code: int
    shortfall_value: Decimal
    shortfall_value_possible: Decimal
    pending_value: Decimal
    surplus_value: Decimal
    items: list[ItemDigest]
    expansions: list[ExpansionDigest]
    sources: list[SourceDigest]

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status is status)

    def expansions_in(self, *states: ExpansionState) -> list[ExpansionDigest]:
        return [e for e in self.expansions if e.state in states]


def digest_of(result: Reconciliation) -> Digest:
    """The digest of one check."""
    return Digest(
        title_zh=result.contract.title_zh,
        title_en=result.contract.title_en,
        service_start=date.fromisoformat(result.contract.service_start),
        service_end=date.fromisoformat(result.contract.service_end),
        now=result.now,
        observed_at=result.observed_at,
        verdict=result.verdict.value,
        exit_code=int(result.exit_code),
        shortfall_value=result.summary.shortfall_value_monthly,
        shortfall_value_possible=result.summary.shortfall_value_possible,
        pending_value=result.summary.pending_value_monthly,
        surplus_value=result.summary.surplus_value_monthly,
        items=[
            ItemDigest(
                id=f.line_item.value,
                seq=f.seq,
                unit=f.unit.value,
                status=f.status,
                possible=list(f.possible),
                lower=f.supplied_lower,
                upper=f.supplied_upper,
                due=f.due,
                entitled=f.entitled,
                gap_value=f.gap_value_monthly,
                shortfall_value=f.shortfall_value_monthly,
            )
            for f in result.findings
        ],
        expansions=[
            ExpansionDigest(
                id=e.id,
                line_item=e.line_item.value,
                quantity=e.quantity,
                state=e.state,
                due_at=e.due_at,
                remaining_seconds=e.remaining_seconds,
                fulfilled_at=e.fulfilled_at,
            )
            for e in result.expansions
        ],
        sources=[
            SourceDigest(
                name=s.name,
                failed={kind: to_json(why) for kind, why in s.failed.items()},
                incomplete={kind: to_json(why) for kind, why in s.incomplete.items()},
            )
            for s in result.sources
        ],
    )
