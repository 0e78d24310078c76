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

from reconciler.base.messages import Message, from_json
from reconciler.base.money import arithmetic, to_fen
from reconciler.core import bounds
from reconciler.core.models import OUTCOMES, Finding, Status


@dataclass(frozen=True)
class PastRun:
    """One earlier recorded `reconciler check`."""

    run_id: int
    now: datetime
    """The instant the check was run for (its `--now`)."""
    observed_at: datetime
    supplied: Mapping[str, Decimal | None]
    """Supplied quantity by line item id when its bounds agreed (None where they differ or not observed)."""
    statuses: Mapping[str, Status]
    """Status by line item id (met, pending, short, over, unknown, not_observed, ended)."""
    findings: Mapping[str, object] = field(default_factory=dict)
    """The run's findings as recorded (JSON data keyed by line item id), for the change report."""
    lower: Mapping[str, Decimal | None] = field(default_factory=dict)
    """The supply's lower bound by line item id: what was supplied for certain (None where not observed)."""
    upper: Mapping[str, Decimal | None] = field(default_factory=dict)
    """The supply's upper bound by line item id (None where unbounded or not observed)."""


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
    def failed_sources(self) -> dict[str, dict[str, Message]]:
        """Source name -> {resource kind: why} for every source that failed during this run (a reason recorded as
        text by an older version reads as that text)."""
        return {
            str(s["name"]): {str(kind): from_json(why) for kind, why in (s.get("failed") or {}).items()}
            for s in self.sources
            if s.get("failed")
        }


def past_run(run_id: int, now: datetime, observed_at: datetime, findings: Iterable[Mapping[str, Any]]) -> PastRun:
    """An earlier run as the core reads it, from its findings as recorded (`finding_record`, any version)."""
    by_item = {str(item["line_item"]): upgrade_record(item) for item in findings}

    def decimals(key: str) -> dict[str, Decimal | None]:
        return {k: None if v.get(key) is None else Decimal(str(v[key])) for k, v in by_item.items()}

    return PastRun(
        run_id=run_id,
        now=now,
        observed_at=observed_at,
        supplied=decimals("supplied"),
        statuses={k: Status(v["status"]) for k, v in by_item.items()},
        findings=by_item,
        lower=decimals("supplied_lower"),
        upper=decimals("supplied_upper"),
    )


def upgrade_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded finding in the current format. A finding recorded before supply had bounds (output version 1)
    reads as lower = upper = supplied, with the values that follow from them; where its source had failed
    (`unknown`, supplied null) nothing was kept of what was seen: no bounds, every outcome possible."""
    if "supplied_lower" in record:
        return dict(record)
    upgraded = dict(record)
    status = Status(record["status"])
    supplied = None if record.get("supplied") is None else Decimal(str(record["supplied"]))
    upgraded |= {"supplied_lower": supplied, "supplied_upper": supplied}
    if status is Status.NOT_OBSERVED:
        upgraded["possible"] = []
    elif supplied is None:
        upgraded["possible"] = [s.value for s in OUTCOMES]
    else:
        upgraded["possible"] = [status.value]
    values: dict[str, Decimal | None] = dict.fromkeys(_VALUES)
    if supplied is not None:
        due, entitled, price = (Decimal(str(record[k])) for k in ("due", "entitled", "unit_price"))
        with arithmetic():
            short = bounds.shortfall_quantities(supplied, supplied, min(due, entitled))
            pending = bounds.pending_quantities(supplied, supplied, min(due, entitled), entitled)
            surplus = bounds.surplus_quantities(supplied, supplied, entitled)
            for (certain, most), names in zip((short, pending, surplus), _PAIRS, strict=True):
                values[names[0]] = to_fen(certain * price)
                values[names[1]] = None if most is None else to_fen(most * price)
    upgraded |= {k: None if v is None else str(v) for k, v in values.items()}
    upgraded["pending_due_at"] = None
    evidence = record.get("evidence")
    if isinstance(evidence, Mapping):
        upgraded["evidence"] = {**evidence, "uncertain": list(evidence.get("uncertain") or [])}
    for key in ("supplied_lower", "supplied_upper"):
        upgraded[key] = None if upgraded[key] is None else str(upgraded[key])
    return upgraded


_PAIRS: Final = (
    ("shortfall_value_monthly", "shortfall_value_possible"),
    ("pending_value_monthly", "pending_value_possible"),
    ("surplus_value_monthly", "surplus_value_possible"),
)
_VALUES: Final = tuple(name for pair in _PAIRS for name in pair)


_WITHOUT_IDS: Final[dict[str, Any]] = {
    "evidence": {
        "contributing": True,
        "nonconforming": {"__all__": {"ids"}},
        "excluded": {"__all__": {"ids"}},
        "uncertain": {"__all__": {"ids"}},
    }
}


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as the history records it and the change report compares it: its reconciliation JSON
    without the lists of evidence ids (the counts and the set-aside groups' summaries stay)."""
    return finding.model_dump(mode="json", exclude=_WITHOUT_IDS)
