"""Where each recorded expansion stands at `now`: its Art. 3.4 deadline, the time left, and whether it was met.

Called by the reconcile core (`reconcile.assess`) with the earlier runs (`runs.PastRun`). Pure: `now` is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from reconciler.contract import deadlines
from reconciler.contract.model import Contract, Expansion
from reconciler.core.models import ExpansionState, ExpansionStatus
from reconciler.core.runs import PastRun

AT_RISK_WITHIN = timedelta(hours=48)
"""An open expansion with less than this left before its deadline is `at_risk`."""


def track(
    contract: Contract,
    supplied_now: Mapping[str, Decimal | None],
    now: datetime,
    history: Sequence[PastRun] = (),
) -> list[ExpansionStatus]:
    """Every expansion of the contract requested by `now`, sorted by request time then id (later requests
    are not known as of `now`: a report rebuilt from an older run must not show them).

    `supplied_now` is the current run's certain supply (the lower bound) by line item id (None where not
    observed). Runs of `history` after `now` are ignored: they are not known as of `now`. An expansion is
    fulfilled at the first run (recorded or the current one) at or after its request whose certain supply
    reaches the baseline plus every expansion of the line item requested up to and including this one.
    """
    runs = sorted((r for r in history if r.now <= now), key=lambda r: r.now)
    tracked: list[ExpansionStatus] = []
    for item in contract.line_items:
        required = item.quantity
        for expansion in contract.expansions_for(item.id):
            if expansion.requested_at > now:
                continue
            required += expansion.quantity
            tracked.append(_status(contract, expansion, required, runs, supplied_now.get(item.id.value), now))
    tracked.sort(key=lambda s: (s.requested_at, s.id))
    return tracked


def _status(
    contract: Contract,
    expansion: Expansion,
    required: Decimal,
    runs: Sequence[PastRun],
    supplied_now: Decimal | None,
    now: datetime,
) -> ExpansionStatus:
    deadline = deadlines.expansion_deadline(contract, expansion)
    warnings = list(deadline.warnings)
    fulfilled_at = _fulfilled_at(expansion, required, runs, supplied_now, now)
    left = deadline.due_at - now
    if fulfilled_at is not None:
        state = ExpansionState.FULFILLED_ON_TIME if fulfilled_at <= deadline.due_at else ExpansionState.FULFILLED_LATE
    elif left <= timedelta(0):
        state = ExpansionState.OVERDUE
    elif left < AT_RISK_WITHIN:
        state = ExpansionState.AT_RISK
    else:
        state = ExpansionState.OPEN
    seconds = left // timedelta(seconds=1)
    return ExpansionStatus.model_construct(
        id=expansion.id,
        line_item=expansion.line_item,
        quantity=expansion.quantity,
        requested_at=expansion.requested_at,
        reference=expansion.reference,
        notice_at=expansion.notice_at,
        due_at=deadline.due_at,
        required=required,
        remaining_seconds=seconds,
        state=state,
        fulfilled_at=fulfilled_at,
        warnings=warnings,
    )


def _fulfilled_at(
    expansion: Expansion, required: Decimal, runs: Sequence[PastRun], supplied_now: Decimal | None, now: datetime
) -> datetime | None:
    item = expansion.line_item.value
    for run in runs:
        supplied = run.lower.get(item) if run.lower else run.supplied.get(item)
        if run.now >= expansion.requested_at and supplied is not None and supplied >= required:
            return run.now
    if now >= expansion.requested_at and supplied_now is not None and supplied_now >= required:
        return now
    return None
