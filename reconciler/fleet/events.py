"""Changes of state worth a message: what a contract's latest outcome says, against what a target was last told.

Called by `fleet.notify` with the latest outcome of each contract (history) and the states each target was last
told (history's deliveries). Pure. Each subject of a contract has a state: a line item is `short` or `clear`
(an unknown one keeps its state: the failing source is the news), an expansion `open`, `at_risk`, `overdue` or
`fulfilled`, a source `up` or `failing`, the check `ok` or `invalid`, the service period `running`, `ending` or
`ended`. A target that was never told of a subject was told its quiet state (clear, open, up, ok, running), so
it hears of each subject when it first departs from that, and of each change after; never twice of one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from reconciler.base.messages import Message, Names, message
from reconciler.core.models import ExpansionState, Status
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.fleet.digest import Digest
from reconciler.fleet.outcomes import Outcome

QUIET: Final = {"item": "clear", "expansion": "open", "source": "up", "check": "ok", "period": "running"}
NOTABLE: Final = {
    "item": {("clear", "short"), ("short", "clear")},
    "expansion": {
        ("open", "at_risk"),
        ("open", "overdue"),
        ("at_risk", "overdue"),
        ("at_risk", "fulfilled"),
        ("overdue", "fulfilled"),
    },
    "source": {("up", "failing"), ("failing", "up")},
    "check": {("ok", "invalid"), ("invalid", "ok")},
    "period": {("running", "ending"), ("running", "ended"), ("ending", "ended")},
}
"""The changes a target is told of; any other difference (an expansion fulfilled on time) is not news."""


@dataclass(frozen=True)
class State:
    """A subject's state now, and the sentence that tells of reaching it."""

    subject: str
    state: str
    message: Message | None


@dataclass(frozen=True)
class Event:
    """One change to tell one target: a delivery."""

    contract: str
    target: str
    subject: str
    previous: str
    state: str
    message: Message
    outcome_id: int | None

    @property
    def key(self) -> str:
        """The delivery's unique key: the same change of the same outcome to the same target is one delivery."""
        text = "\x1f".join((self.contract, self.target, self.subject, self.previous, self.state, str(self.outcome_id)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def states(outcome: Outcome, ending_days: int) -> list[State]:
    """Every subject's state in `outcome` (a contract that could not be checked: its check only)."""
    digest = outcome.digest
    if digest is None:
        names = Names(outcome.contract, outcome.contract)
        reason = (outcome.problem or "").splitlines()[0] if outcome.problem else ""
        return [State("check", "invalid", message("notice_check_failing", contract=names, reason=reason))]
    names = Names(digest.title_en, digest.title_zh)
    found = [State("check", "ok", message("notice_check_recovered", contract=names))]
    found += _items(digest, names)
    found += _expansions(digest, names)
    for source in digest.sources:
        if source.failed:
            msg = message("notice_source_failing", contract=names, source=source.name, reasons=source.failures())
            found.append(State(f"source:{source.name}", "failing", msg))
        else:
            msg = message("notice_source_recovered", contract=names, source=source.name)
            found.append(State(f"source:{source.name}", "up", msg))
    found.append(_period(digest, names, ending_days))
    return found


def changes(outcome: Outcome, target: str, told: Mapping[str, str], ending_days: int) -> list[Event]:
    """The events to send `target` for `outcome`, given the state it was last told of each subject."""
    events = []
    for now in states(outcome, ending_days):
        kind = now.subject.partition(":")[0]
        before = told.get(now.subject, QUIET[kind])
        if now.message is not None and (before, now.state) in NOTABLE[kind]:
            events.append(
                Event(outcome.contract, target, now.subject, before, now.state, now.message, outcome.outcome_id)
            )
    return events


def _items(digest: Digest, names: Names) -> list[State]:
    found = []
    for item in digest.items:
        subject = f"item:{item.id}"
        if item.status is Status.SHORT and item.upper is not None:
            msg = message(
                "notice_item_short",
                contract=names,
                line_item=item.id,
                supplied=item.upper,
                due=item.due,
                unit=item.unit,
                value=-item.shortfall_value if item.shortfall_value else Decimal(0),  # recorded <= 0
            )
            found.append(State(subject, "short", msg))
        elif item.status is not Status.UNKNOWN:
            found.append(State(subject, "clear", message("notice_item_resolved", contract=names, line_item=item.id)))
    return found


def _expansions(digest: Digest, names: Names) -> list[State]:
    found = []
    for expansion in digest.expansions:
        subject = f"expansion:{expansion.id}"
        common = {
            "contract": names,
            "expansion": expansion.id,
            "line_item": expansion.line_item,
            "quantity": expansion.quantity,
            "unit": next((i.unit for i in digest.items if i.id == expansion.line_item), "instance"),
            "due_at": expansion.due_at,
        }
        if expansion.state is ExpansionState.AT_RISK:
            msg = message("notice_expansion_at_risk", left=max(expansion.remaining_seconds, 0), **common)
            found.append(State(subject, "at_risk", msg))
        elif expansion.state is ExpansionState.OVERDUE:
            found.append(State(subject, "overdue", message("notice_expansion_overdue", **common)))
        elif expansion.fulfilled_at is not None:
            msg = message(
                "notice_expansion_fulfilled",
                contract=names,
                expansion=expansion.id,
                line_item=expansion.line_item,
                at=expansion.fulfilled_at,
            )
            found.append(State(subject, "fulfilled", msg))
        else:
            found.append(State(subject, "open", None))
    return found


def _period(digest: Digest, names: Names, ending_days: int) -> State:
    today = digest.now.astimezone(CONTRACT_TZ).date()
    end: date = digest.service_end
    if today > end:
        return State("period", "ended", message("notice_period_ended", contract=names, end=end))
    left = (end - today).days
    if left < ending_days:
        return State("period", "ending", message("notice_period_ending", contract=names, end=end, days=left + 1))
    return State("period", "running", None)
