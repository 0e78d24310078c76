"""The contract's clocks: when an expansion falls due, and whether the service period is running.

Called by the reconcile core. Pure: `now` is always passed in. Periods are computed by `periods` under the
Civil Code: Art. 201 (the day of the event is not counted), Art. 203 (a last day that is a statutory rest day,
a weekend or public holiday but not an adjusted working day, moves to the first working day after the rest;
the last day ends at 24:00 Asia/Shanghai). For years without holiday data only weekends are rest days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from reconciler.contract.model import Contract, Expansion
from reconciler.dates.clock import end_of_day, start_of_day
from reconciler.dates.periods import Deadline, Rule, YearCalendar, period_end


def expansion_deadline(contract: Contract, expansion: Expansion, calendars: Iterable[YearCalendar] = ()) -> Deadline:
    """The Art. 3.4 period of an expansion (7 natural days, Civil Code rule), with its reason and warnings."""
    return period_end(
        expansion.requested_at,
        days=contract.service_levels.expansion_natural_days,
        rule=Rule.CIVIL_CODE,
        calendars=calendars,
    )


def expansion_due_at(contract: Contract, expansion: Expansion) -> datetime:
    """When the provider must have delivered an expansion (Art. 3.4: within 7 natural days)."""
    return expansion_deadline(contract, expansion).due_at


def service_started(contract: Contract, now: datetime) -> bool:
    return now >= start_of_day(contract.service_period.start)


def service_ended(contract: Contract, now: datetime) -> bool:
    return now >= end_of_day(contract.service_period.end)


SWITCH_OVER_MONTHS = 2
"""Art. 14.3: after the service period (not renewed), the provider supports migration for 2 months."""


def switch_over(contract: Contract, calendars: Iterable[YearCalendar] = ()) -> Deadline:
    """The Art. 14.3 switch-over: 2 months counted from the day the service period ends (that day not counted,
    Civil Code art. 201; a last day on a rest day moves, art. 203), as the contract calendar shows it."""
    end = start_of_day(contract.service_period.end)
    return period_end(end, months=SWITCH_OVER_MONTHS, calendars=calendars)
