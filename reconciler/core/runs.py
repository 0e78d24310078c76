"""Earlier recorded checks as the pure core sees them: the history store provides these, oldest first.

Built by `history` from its SQL store; read by the reconcile core (fulfilment of expansions, when a
shortfall was first seen) and by the change report. Pure data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from reconciler.base.messages import Message
from reconciler.core.models import Finding, Status


@dataclass(frozen=True)
class PastRun:
    """One earlier recorded `reconciler check`."""

    run_id: int
    now: datetime
    """The instant the check was run for (its `--now`)."""
    observed_at: datetime
    supplied: Mapping[str, Decimal | None]
    """Supplied quantity by line item id (None where unknown or not observed)."""
    statuses: Mapping[str, Status]
    """Status by line item id (met, pending, short, over, unknown, not_observed)."""
    findings: Mapping[str, object] = field(default_factory=dict)
    """The run's findings as recorded (JSON data keyed by line item id), for the change report."""


@dataclass(frozen=True)
class RecordedRun:
    """One recorded check as the reports read it back: everything the history keeps of it (no evidence ids)."""

    run_id: int
    now: datetime
    observed_at: datetime
    sources: tuple[Mapping[str, Any], ...]
    """The output's `sources` entries (name, detail, covers, failed, resource_count, unrecognized)."""
    findings: tuple[Mapping[str, Any], ...]
    """The findings as recorded (`finding_record`), in line item order."""
    summary: Mapping[str, Any]
    warnings: tuple[Message, ...]
    verdict: str
    exit_code: int

    def past(self) -> PastRun:
        """The run as the core reads earlier runs."""
        return past_run(self.run_id, self.now, self.observed_at, self.findings)

    @property
    def failed_sources(self) -> dict[str, dict[str, str]]:
        """Source name -> {resource kind: failure} for every source that failed during this run."""
        return {str(s["name"]): dict(s.get("failed") or {}) for s in self.sources if s.get("failed")}


def past_run(run_id: int, now: datetime, observed_at: datetime, findings: Iterable[Mapping[str, Any]]) -> PastRun:
    """An earlier run as the core reads it, from its findings as recorded (`finding_record`)."""
    by_item = {str(item["line_item"]): item for item in findings}
    return PastRun(
        run_id=run_id,
        now=now,
        observed_at=observed_at,
        supplied={k: None if v.get("supplied") is None else Decimal(v["supplied"]) for k, v in by_item.items()},
        statuses={k: Status(v["status"]) for k, v in by_item.items()},
        findings=by_item,
    )


_WITHOUT_IDS: Final[dict[str, Any]] = {
    "evidence": {"contributing": True, "nonconforming": {"__all__": {"ids"}}, "excluded": {"__all__": {"ids"}}}
}


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as the history records it and the change report compares it: its reconciliation JSON
    without the lists of evidence ids (the counts and the set-aside groups' summaries stay)."""
    return finding.model_dump(mode="json", exclude=_WITHOUT_IDS)
