"""`reconciler fleet check`: each contract of a fleet file checked exactly as `reconciler check` checks one
(the same pipeline: sources chosen by `sources.select`, the contract loaded and refused by `pipeline`, observed,
reconciled and recorded by `pipeline.check_sources`), side by side, with its outcome recorded beside its run.

Called by the CLI's `fleet` commands. A contract's input error is its outcome (exit 2, named), never the fleet's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import get_args

from reconciler.app.attestations import load_attestations
from reconciler.app.pipeline import check_sources, load_checked_contract
from reconciler.base.errors import InputError
from reconciler.base.jsonio import load_json
from reconciler.core.meters import MeterPolicy
from reconciler.core.models import ExitCode, Reconciliation
from reconciler.core.observation import VmState
from reconciler.fleet.digest import digest_of
from reconciler.fleet.load import Fleet, source_settings
from reconciler.fleet.model import FleetContract
from reconciler.fleet.outcomes import Outcome
from reconciler.fleet.runner import Pool, run_all
from reconciler.fleet.shards import Shard, in_shard
from reconciler.sources.select import open_sources, source_requests


@dataclass(frozen=True)
class CheckJob:
    """One contract to check: everything a worker needs (picklable)."""

    fleet_base: Path
    entry: FleetContract
    now: datetime
    history: str
    batch: str
    shard: str
    count_states: tuple[str, ...]
    refused: str | None = None
    """Why it is not checked at all (found before: its history would mix with another contract's)."""


def fleet_check(
    fleet: Fleet,
    names: Sequence[str],
    shard: Shard,
    now: datetime,
    history: str,
    batch: str,
    workers: int,
    pool: Pool,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Check the shard's contracts (of `names`, else all) with at most `workers` at a time; their outcomes, each
    recorded in the history, in the fleet file's order."""
    from reconciler.history.store import open_history

    with open_history(history):  # migrate once, before the workers race to
        pass
    chosen = in_shard(fleet.named(list(names)), shard, lambda c: c.name)
    shared = same_history(fleet)
    jobs = [
        CheckJob(
            fleet.base,
            entry,
            now,
            history,
            batch,
            str(shard),
            tuple(entry.count_states or fleet.file.defaults.count_states),
            shared.get(entry.name),
        )
        for entry in chosen
    ]
    return run_all(jobs, check_contract, failed_outcome, workers, pool, done)


def check_contract(job: CheckJob) -> Outcome:
    """Check one contract as `reconciler check` does and record its outcome; never raises for its input."""
    started = datetime.now(UTC)
    try:
        if job.refused is not None:
            raise InputError.single(f"<fleet contract {job.entry.name}>", "contract", job.refused)
        result = _check(job)
        outcome = Outcome(
            job.entry.name, job.batch, job.shard, job.now, started, datetime.now(UTC),
            int(result.exit_code), result.run_id, None, digest_of(result),
        )  # fmt: skip
    except InputError as exc:
        outcome = _invalid(job, started, exc.render())
    return _recorded(job, outcome)


def failed_outcome(job: CheckJob, exc: BaseException) -> Outcome:
    """The outcome of a contract whose check broke down (a worker that died): exit 2, the error named."""
    started = datetime.now(UTC)
    return _recorded(job, _invalid(job, started, f"the check broke down: {type(exc).__name__}: {exc}"))


def _check(job: CheckJob) -> Reconciliation:
    entry = job.entry
    environ = os.environ
    names = [source.name for source in entry.sources]
    files = [f"{s.name}={_resolve(job.fleet_base, f)}" for s in entry.sources for f in s.from_files]
    options = [
        f"{source.name}.{key}={value}"
        for index, source in enumerate(entry.sources)
        for key, value in source_settings(entry, index, environ, job.fleet_base).items()
    ]
    observed = None if entry.observed is None else _resolve(job.fleet_base, entry.observed)
    where = f"<fleet contract {entry.name}>"
    try:
        requests = source_requests(names, files, options, observed, environ, job.now)
    except InputError as exc:
        raise InputError(where, [*exc.problems]) from exc
    contract, warnings = load_checked_contract(_resolve(job.fleet_base, entry.contract))
    states = frozenset(s for s in get_args(VmState) if s in job.count_states)
    policy = MeterPolicy(counted_vm_states=states)
    attested = load_attestations([_resolve(job.fleet_base, path) for path in entry.attest])
    return check_sources(contract, warnings, open_sources(requests), job.now, policy, job.history, attested)


def _invalid(job: CheckJob, started: datetime, problem: str) -> Outcome:
    return Outcome(
        job.entry.name, job.batch, job.shard, job.now, started, datetime.now(UTC),
        int(ExitCode.INVALID_INPUT), None, problem, None,
    )  # fmt: skip


def _recorded(job: CheckJob, outcome: Outcome) -> Outcome:
    from dataclasses import replace

    from reconciler.history.store import open_history

    try:
        with open_history(job.history) as store:
            return replace(outcome, outcome_id=store.record_outcome(outcome.row()))
    except InputError as exc:
        problem = "; ".join(p for p in (outcome.problem, f"not recorded: {exc.render()}") if p)
        return replace(outcome, exit_code=int(ExitCode.INVALID_INPUT), problem=problem)


def _resolve(base: Path, path: str) -> Path:
    given = Path(path)
    return given if given.is_absolute() else base / given


def same_history(fleet: Fleet) -> dict[str, str]:
    """Contracts whose runs the history could not tell apart (it keys a contract's runs by its Chinese title and
    total): each named with the reason it is refused. Contract files that do not load are left to their check."""
    keys: dict[tuple[str, str], list[str]] = {}
    for entry in fleet.contracts:
        try:  # the two fields only: a shard reads every contract of the fleet for this (its check validates)
            raw = load_json(_resolve(fleet.base, entry.contract))
        except InputError:
            continue
        key = _history_key(raw)
        if key is not None:
            keys.setdefault(key, []).append(entry.name)
    refused = {}
    for names in keys.values():
        if len(names) > 1:
            for name in names:
                others = ", ".join(n for n in names if n != name)
                refused[name] = (
                    f"has the same title and total as {others}: the history would mix their runs (give each "
                    "contract of a fleet its own contract file)"
                )
    return refused


def _history_key(raw: object) -> tuple[str, str] | None:
    """What the history tells contracts apart by: the Chinese title and the total (as a number)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("title_zh"), str):
        return None
    try:
        return raw["title_zh"], str(Decimal(str(raw.get("total"))).normalize())
    except (InvalidOperation, ValueError):
        return None
