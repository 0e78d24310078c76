"""Earlier recorded checks as the pure core sees them: the history store provides these, oldest first.

Built by `history` from its SQL store; read by the reconcile core (fulfilment of expansions, when a
shortfall was first seen) and by the change report. Pure data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # no import at run time: reconcile may import this module
    from reconciler.reconcile import Finding


@dataclass(frozen=True)
class PastRun:
    """One earlier recorded `reconciler check`."""

    run_id: int
    now: datetime
    """The instant the check was run for (its `--now`)."""
    observed_at: datetime
    supplied: Mapping[str, Decimal | None]
    """Supplied quantity by line item id (None where unknown or not observed)."""
    statuses: Mapping[str, str]
    """Status by line item id (met, pending, short, over, unknown, not_observed)."""
    findings: Mapping[str, object] = field(default_factory=dict)
    """The run's findings as recorded (JSON data keyed by line item id), for the change report."""


_WITHOUT_IDS: Final[dict[str, Any]] = {
    "evidence": {"contributing": True, "nonconforming": {"__all__": {"ids"}}, "excluded": {"__all__": {"ids"}}}
}


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as the history records it and the change report compares it: its reconciliation JSON
    without the lists of evidence ids (the counts and the set-aside groups' summaries stay)."""
    return finding.model_dump(mode="json", exclude=_WITHOUT_IDS)
