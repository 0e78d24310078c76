"""Benchmark `reconciler fleet check`: fleet throughput (contracts per minute per core) and peak memory of the
whole process tree, for the generated fleet of the done-when (200 contracts, 20 dead sources, one broken file),
with worker processes and threads; and the same fleet in shards of 1, 4 and 16 giving identical results.

Called by `make bench` (`.venv/bin/python bench/fleet.py [--count 200] [--store sqlite|postgres]`). PostgreSQL is
a throwaway server (tests/postgres_support.py) when its binaries are there; every store transaction is a new
connection to it, which is what a fleet of pods pays too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOW = "2026-11-25T09:00:00+08:00"
sys.path.insert(0, str(REPO))


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            child = int(stat.parent.name)
            children.setdefault(int(fields[1]), []).append(child)
            rss[child] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def measure(command: list[str]) -> tuple[float, int, str]:
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    out = process.stdout.read() if process.stdout else ""
    return time.monotonic() - started, peak, out


@contextmanager
def store(kind: str, root: Path) -> Iterator[Iterator[str]]:
    if kind == "sqlite":
        yield (f"sqlite:///{root / f'history-{n}.sqlite'}" for n in range(1000))
        return
    from tests.postgres_support import PostgresServer

    server = PostgresServer().start()
    try:
        yield (server.create_database(f"bench_{n}") for n in range(1000))
    finally:
        server.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="postgres")
    args = parser.parse_args()
    from tests.fleet_support import generate_fleet

    cores = len(os.sched_getaffinity(0))
    reconciler = str(Path(sys.executable).with_name("reconciler"))
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp, store(args.store, Path(tmp)) as urls:
        fleet = generate_fleet(Path(tmp), args.count)
        print(f"fleet check of {args.count} generated contracts ({args.store} store, {cores} cores)")
        print(f"{'pool':<8} {'workers':>7} {'wall s':>7} {'contracts/min':>14} {'per core':>9} {'peak MB':>8}")
        for pool, workers in (("process", 1), ("process", cores), ("thread", cores)):
            command = [reconciler, "fleet", "check", str(fleet), "--history", next(urls), "--now", NOW,
                       "--workers", str(workers), "--pool", pool, "--format", "json"]  # fmt: skip
            wall, peak, _ = measure(command)
            rate = args.count / wall * 60
            print(f"{pool:<8} {workers:>7} {wall:>7.1f} {rate:>14.0f} {rate / cores:>9.0f} {peak / 1e6:>8.0f}")
        url = next(urls)
        results: dict[int, dict[str, tuple[int, str]]] = {}
        for count in (1, 4, 16):
            results[count] = {}
            for index in range(count):
                shard = ["--shard", f"{index}/{count}", "--batch", f"n{count}", "--format", "json"]
                _, _, out = measure([reconciler, "fleet", "check", str(fleet), "--history", url, "--now", NOW, *shard])
                for contract in json.loads(out)["contracts"]:
                    results[count][contract["name"]] = (contract["exit_code"], contract["verdict"])
        same = results[1] == results[4] == results[16]
        once = all(len(r) == args.count for r in results.values())
        print(f"shards of 1, 4 and 16: {'identical' if same else 'DIFFERENT'} results, "
              f"{'each contract once' if once else 'contracts MISSING'}")  # fmt: skip


if __name__ == "__main__":
    main()
