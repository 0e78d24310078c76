"""Supplied against entitled and due over the recorded runs, per line item: the data behind the trend charts.

Called by the status and acceptance reports with runs read from the history. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from reconciler.core.models import Status
from reconciler.core.runs import RecordedRun


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    now: datetime
    supplied: Decimal | None
    """None where the run could not observe the line item exactly (its bounds differed, or not observed)."""
    entitled: Decimal
    due: Decimal
    status: Status


@dataclass(frozen=True)
class Trend:
    line_item: str
    seq: int
    name_zh: str
    name_en: str
    unit: str
    points: tuple[TrendPoint, ...]
    """Oldest first (by the runs' `now`, then run id)."""

    @property
    def short_runs(self) -> int:
        return sum(1 for p in self.points if p.status is Status.SHORT)


def trends(runs: Iterable[RecordedRun]) -> list[Trend]:
    """One trend per line item over `runs`, ordered by the line items' sequence numbers."""
    ordered = sorted(runs, key=lambda r: (r.now, r.run_id))
    items: dict[str, dict[str, object]] = {}
    points: dict[str, list[TrendPoint]] = {}
    for run in ordered:
        for record in run.findings:
            key = str(record["line_item"])
            items.setdefault(key, dict(record))
            supplied = record.get("supplied")
            points.setdefault(key, []).append(
                TrendPoint(
                    run_id=run.run_id,
                    now=run.now,
                    supplied=None if supplied is None else Decimal(str(supplied)),
                    entitled=Decimal(str(record["entitled"])),
                    due=Decimal(str(record["due"])),
                    status=Status(record["status"]),
                )
            )
    result = [
        Trend(
            line_item=key,
            seq=int(str(record["seq"])),
            name_zh=str(record["name_zh"]),
            name_en=str(record["name_en"]),
            unit=str(record["unit"]),
            points=tuple(points[key]),
        )
        for key, record in items.items()
    ]
    return sorted(result, key=lambda t: (t.seq, t.line_item))
