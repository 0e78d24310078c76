"""Status, money and the exit code from a line item's supply bounds [lower, upper] against due and entitled.

Called by the reconcile core (`reconcile`) and the Pulumi integration's gate. Pure. The rules (docs/formats.md,
"Bounds and statuses"): a status is definite only when every supply the bounds allow has it, so a definite
answer is never wrong; `possible` lists the statuses the bounds leave open, so an unknown says what it may be.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from reconciler.core.models import DRIFT, OUTCOMES, ExitCode, Finding, Status, Verdict

ZERO: Final = Decimal(0)


def possible_statuses(lower: Decimal, upper: Decimal | None, due: Decimal, entitled: Decimal) -> list[Status]:
    """The statuses a supply s with lower <= s <= upper (upper None: no bound) can have, where (due <= entitled)
    s < due is short, due <= s < entitled pending, s = entitled met and s > entitled over.

    Each status holds on an interval of s and the intervals are in that order, so the result is a run of
    OUTCOMES; both bounds are supplies the observation allows (every unknown resource counting nothing, or
    all of them counting), so the run is exactly as long as it must be: one status only when both bounds
    have it."""
    if due > entitled:
        raise ValueError(f"due {due} is above entitled {entitled}")
    if upper is not None and upper < lower:
        raise ValueError(f"upper bound {upper} is below lower bound {lower}")
    unbounded = upper is None
    possible = {
        Status.SHORT: lower < due,
        Status.PENDING: due < entitled and lower < entitled and (unbounded or upper >= due),  # type: ignore[operator]
        Status.MET: lower <= entitled and (unbounded or upper >= entitled),  # type: ignore[operator]
        Status.OVER: unbounded or upper > entitled,  # type: ignore[operator]
    }
    return [status for status in OUTCOMES if possible[status]]


def decided(possible: list[Status]) -> Status:
    """The status the bounds decide: the only possible one, else unknown."""
    return possible[0] if len(possible) == 1 else Status.UNKNOWN


def shortfall_quantities(lower: Decimal, upper: Decimal | None, due: Decimal) -> tuple[Decimal, Decimal]:
    """(certain, largest possible) overdue shortfall, both <= 0: min(0, upper - due), min(0, lower - due)."""
    certain = ZERO if upper is None else min(ZERO, upper - due)
    return certain, min(ZERO, lower - due)


def pending_quantities(
    lower: Decimal, upper: Decimal | None, due: Decimal, entitled: Decimal
) -> tuple[Decimal, Decimal]:
    """(certain, largest possible) quantity short of entitled but not overdue, both <= 0: what of [due,
    entitled) is unsupplied at the upper bound, and at the lower bound."""
    certain = ZERO if upper is None else -max(ZERO, entitled - max(upper, due))
    return certain, -max(ZERO, entitled - max(lower, due))


def surplus_quantities(lower: Decimal, upper: Decimal | None, entitled: Decimal) -> tuple[Decimal, Decimal | None]:
    """(certain, largest possible) supply above entitled, both >= 0; the largest is None without an upper bound."""
    return max(ZERO, lower - entitled), None if upper is None else max(ZERO, upper - entitled)


def drift_possible(finding: Finding) -> bool:
    """Whether the line item is, or may be, short or over."""
    return bool(DRIFT.intersection(finding.possible)) or finding.status in DRIFT


def shortfall_possible(finding: Finding) -> bool:
    """Whether the line item is, or may be, short (below what is due): what a shortfall gate fails on."""
    return finding.status is Status.SHORT or Status.SHORT in finding.possible


def verdict(findings: Iterable[Finding]) -> tuple[Verdict, ExitCode]:
    """Drift (1) when a line item is short or over for certain; else unknown (3) when one may be short or over;
    else ok (0): every line item is met, pending, not observed, ended, or unknown only between met and pending.
    A definite shortfall or surplus is never masked by an undecided line item."""
    findings = list(findings)
    if any(f.status in DRIFT for f in findings):
        return Verdict.DRIFT, ExitCode.DRIFT
    if any(f.status is Status.UNKNOWN and drift_possible(f) for f in findings):
        return Verdict.UNKNOWN, ExitCode.SOURCE_FAILED
    return Verdict.OK, ExitCode.OK
