"""One contract's result of a fleet check, and the fleet's exit code: the worst of its contracts'.

Built by `app.fleet_command` (one per contract, also for a contract that could not be checked) and recorded in
the history's `fleet_outcomes`; read back by `events`, `metrics` and `overview`. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from reconciler.core.models import ExitCode
from reconciler.fleet.digest import Digest

SEVERITY: Final = (ExitCode.OK, ExitCode.SOURCE_FAILED, ExitCode.DRIFT, ExitCode.INVALID_INPUT)
"""Exit codes from best to worst. Drift (1) outranks a source that failed (3), as within one check; a contract
that could not be checked at all (2) is the worst: its state is not known, and someone must fix its input."""


def worst(codes: Iterable[int]) -> ExitCode:
    """The worst of the contracts' exit codes (0 when there are none)."""
    return max((ExitCode(c) for c in codes), key=SEVERITY.index, default=ExitCode.OK)


@dataclass(frozen=True)
class Outcome:
    """How one contract's check ended."""

    contract: str
    batch: str
    shard: str
    now: datetime
    started_at: datetime
    finished_at: datetime
    exit_code: int
    run_id: int | None
    problem: str | None
    """Why it could not be checked (the input error as the CLI prints it); None when it was."""
    digest: Digest | None
    outcome_id: int | None = None

    @property
    def duration_seconds(self) -> float:
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)

    @property
    def verdict(self) -> str:
        return "invalid" if self.digest is None else self.digest.verdict

    def row(self) -> dict[str, Any]:
        """The `fleet_outcomes` row's columns."""
        return {
            "batch": self.batch,
            "contract": self.contract,
            "shard": self.shard,
            "now": self.now.isoformat(),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "duration_seconds": self.duration_seconds,
            "exit_code": self.exit_code,
            "verdict": self.verdict,
            "shortfall_value": None if self.digest is None else str(self.digest.shortfall_value),
            "run_id": self.run_id,
            "problem": self.problem,
            "digest": None if self.digest is None else self.digest.model_dump(mode="json"),
        }


def outcome_from_row(row: Mapping[str, Any]) -> Outcome:
    """An outcome read back from its `fleet_outcomes` row (ValueError for a row that is not one)."""
    digest = row.get("digest")
    return Outcome(
        contract=str(row["contract"]),
        batch=str(row["batch"]),
        shard=str(row["shard"]),
        now=datetime.fromisoformat(str(row["now"])),
        started_at=datetime.fromisoformat(str(row["started_at"])),
        finished_at=datetime.fromisoformat(str(row["finished_at"])),
        exit_code=int(row["exit_code"]),
        run_id=None if row.get("run_id") is None else int(row["run_id"]),
        problem=None if row.get("problem") is None else str(row["problem"]),
        digest=None if digest is None else Digest.model_validate(digest),
        outcome_id=None if row.get("id") is None else int(row["id"]),
    )


@dataclass(frozen=True)
class Point:
    """One night of a contract in a trend line: when, its exit code and its certain shortfall value."""

    now: datetime
    exit_code: int
    shortfall_value: Decimal | None


def points_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Point]:
    return [
        Point(
            now=datetime.fromisoformat(str(r["now"])),
            exit_code=int(r["exit_code"]),
            shortfall_value=None if r.get("shortfall_value") is None else Decimal(str(r["shortfall_value"])),
        )
        for r in rows
    ]
