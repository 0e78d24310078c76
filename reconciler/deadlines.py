"""The contract's clocks: when an expansion falls due, and whether the service period is running.

Called by the reconcile core. Pure: `now` is always passed in. Periods follow the Civil Code's counting
(Art. 201: the day of the event is not counted; Art. 203: the last day ends at 24:00), in Asia/Shanghai.
The rest-day extension of Art. 203 (a last day falling on a statutory holiday) is not applied here yet:
natural days are counted as calendar days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from reconciler.clock import end_of_day, in_contract_tz, start_of_day
from reconciler.contract.model import Contract, Expansion


def natural_days_due_at(event: datetime, days: int) -> datetime:
    """End of the last day of a period of `days` natural days that starts the day after `event`."""
    return end_of_day(in_contract_tz(event).date() + timedelta(days=days))


def expansion_due_at(contract: Contract, expansion: Expansion) -> datetime:
    """When the provider must have delivered an expansion (Art. 3.4: within 7 natural days)."""
    return natural_days_due_at(expansion.requested_at, contract.service_levels.expansion_natural_days)


def service_started(contract: Contract, now: datetime) -> bool:
    return now >= start_of_day(contract.service_period.start)


def service_ended(contract: Contract, now: datetime) -> bool:
    return now >= end_of_day(contract.service_period.end)
