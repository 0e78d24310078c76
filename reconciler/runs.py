"""Earlier recorded checks as the pure core sees them: the history store provides these, oldest first.

Built by `history` from its SQL store; read by the reconcile core (fulfilment of expansions, when a
shortfall was first seen) and by the change report. Pure data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


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
