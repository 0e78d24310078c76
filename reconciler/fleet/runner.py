"""Checks side by side, bounded: a pool of worker processes (or threads) runs one contract's check at a time each.

Called by `reconciler fleet check` with the app's check of one contract (`app.fleet_command.check_contract`).
One contract's failure never stops the others: the check turns every input error into its outcome, and
anything that escapes it (a worker that died) becomes that contract's outcome through `failed`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import Literal, TypeVar

Pool = Literal["process", "thread"]
_T = TypeVar("_T")
_R = TypeVar("_R")


def default_workers() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def run_all(
    jobs: Sequence[_T],
    work: Callable[[_T], _R],
    failed: Callable[[_T, BaseException], _R],
    workers: int,
    pool: Pool = "process",
    done: Callable[[_R], None] | None = None,
) -> list[_R]:
    """`work(job)` for every job with at most `workers` at a time; the results in the jobs' order. `done` sees
    each result as it comes. With one worker (or one job) it runs here, in order, with no pool at all."""
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for job in jobs:
            result = _guarded(work, failed, job)
            if done is not None:
                done(result)
            results.append(result)
        return results
    slots: list[_R | None] = [None] * len(jobs)
    with _executor(pool, min(workers, len(jobs))) as executor:
        futures: dict[Future[_R], int] = {executor.submit(work, job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # a worker process that died, or a bug: that contract's outcome, not the fleet's
                result = failed(jobs[index], exc)
            slots[index] = result
            if done is not None:
                done(result)
    return [slot for slot in slots if slot is not None]


def _guarded(work: Callable[[_T], _R], failed: Callable[[_T, BaseException], _R], job: _T) -> _R:
    try:
        return work(job)
    except Exception as exc:
        return failed(job, exc)


def _executor(pool: Pool, workers: int) -> Executor:
    if pool == "thread":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fleet-check")
    # fork: the workers start with the modules already imported (a spawned one re-imports them: ~1 s each)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)
