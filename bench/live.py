"""Benchmark a live `reconciler check --source ksyun` against the local Kingsoft emulator with API latency.

Called by bench/run.py (`make bench`) and by hand: `.venv/bin/python bench/live.py [--latency 0.05]`.

The emulator (tests/emulators/ksyun.py) serves the test account scaled up (`--scale` copies of every item) and
waits `--latency` seconds before every answer; the source pages with `page_size` 5, so every listing is many
pages long. Measured as whole processes: the check with every listing (at the default `ksyun.concurrency` and
at `--concurrency`), one after another (`concurrency` 1), and the longest single listing chain alone (the same
account with every other list empty: the project list, then that listing's pages in order, which no
concurrency can shorten). Target: the check at most 1.3x the longest chain.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

HERE: Final = Path(__file__).resolve().parent
REPO: Final = HERE.parent
sys.path.insert(0, str(REPO))

from tests.emulators.ksyun import World, running  # noqa: E402  (the repository's emulator)

DATA: Final = REPO / "tests" / "data" / "ksyun"
NOW: Final = "2026-11-25T09:00:00+08:00"
PAGE_SIZE: Final = 5
MAX_RATIO: Final = 1.3
"""Target: the whole live check takes at most 1.3x its longest single listing chain."""
ACCESS_KEY: Final = "AKLTbenchACCESSkey0123"
SECRET_KEY: Final = "SKbenchSECRETvalue-42"


@dataclass
class LiveRun:
    label: str
    concurrency: int | None
    wall_s: float
    cpu_s: float
    requests: int
    pages_longest: int


def scaled_world(scale: int, keep: str | None = None) -> World:
    """The test account with `scale` copies of every listed item (ids suffixed); with `keep`, only that list
    action holds items (the others answer one empty page)."""
    raw = json.loads((DATA / "world.json").read_text(encoding="utf-8"))
    items: dict[str, list[dict[str, Any]]] = {}
    for action, listed in raw["items"].items():
        copies = []
        for number in range(scale):
            for item in listed:
                twin = copy.deepcopy(item)
                for key, value in item.items():
                    if key.endswith("Id") and key not in ("ProjectId", "ImageId") and isinstance(value, str):
                        twin[key] = f"{value}-{number}" if number else value
                copies.append(twin)
        items[action] = copies if keep in (None, action) else []
    return World(items=items, projects=raw["projects"], buckets=raw["buckets"], usage=raw["usage"])


def listing_pages(world: World) -> Counter[tuple[str, str]]:
    """Requests per listing (action and project scope) the emulator answered."""
    pages: Counter[tuple[str, str]] = Counter()
    for request in world.requests:
        params = request["params"]
        scope = ",".join(v for k, v in sorted(params.items()) if k.startswith("ProjectId"))
        pages[(params.get("Action", "ks3"), scope)] += 1
    return pages


def run_check(world: World, latency: float, concurrency: int | None, label: str) -> LiveRun:
    world.latency = latency
    with running(world) as address:
        command = [str(Path(sys.executable).parent / "reconciler"), "check", "--source", "ksyun", "--now", NOW]
        command += ["--format", "json", "--no-history"]
        settings = {
            "regions": "cn-beijing-6",
            "endpoint": address,
            "ks3_endpoint": address,
            "scheme": "http",
            "tables": str(DATA / "tables.json"),
            "timeout": "10",
            "page_size": str(PAGE_SIZE),
        }
        if concurrency is not None:
            settings["concurrency"] = str(concurrency)
        for key, value in settings.items():
            command += ["--source-option", f"ksyun.{key}={value}"]
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env |= {"KSYUN_ACCESS_KEY": ACCESS_KEY, "KSYUN_SECRET_KEY": SECRET_KEY}
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code
        errors = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
        if child.stderr:
            child.stderr.close()
        if code not in (0, 1):
            raise RuntimeError(f"live check exited {code}: {errors[-2000:]}")
    pages = listing_pages(world)
    cpu = usage.ru_utime + usage.ru_stime
    longest = max(pages.values())
    return LiveRun(label, concurrency, wall, cpu, sum(pages.values()), longest)


def best(runs: int, make: Any) -> LiveRun:
    measured = [make() for _ in range(runs)]
    return min(measured, key=lambda r: r.wall_s)


def bench_live(latency: float, scale: int, concurrency: int, repeats: int) -> dict[str, Any]:
    probe = scaled_world(scale)
    run_check(probe, 0.0, concurrency, "probe")  # which listing has the most pages
    longest_action = listing_pages(probe).most_common(1)[0][0][0]
    full_default = best(repeats, lambda: run_check(scaled_world(scale), latency, None, "every listing, default"))
    full = best(repeats, lambda: run_check(scaled_world(scale), latency, concurrency, "every listing"))
    serial = run_check(scaled_world(scale), latency, 1, "one after another")
    chain = best(repeats, lambda: run_check(scaled_world(scale, longest_action), latency, concurrency, "longest"))
    return {
        "latency_s": latency,
        "scale": scale,
        "page_size": PAGE_SIZE,
        "longest_listing": longest_action,
        "runs": [full_default.__dict__, full.__dict__, serial.__dict__, chain.__dict__],
        "ratio_default": full_default.wall_s / chain.wall_s,
        "ratio": full.wall_s / chain.wall_s,
        "target": MAX_RATIO,
    }


def live_table(result: dict[str, Any]) -> str:
    lines = [
        f"live ksyun check, {result['latency_s'] * 1000:g} ms per request, page size {result['page_size']}, "
        f"longest listing {result['longest_listing']}:",
        f"  {'run':<26} {'concurrency':>11} {'requests':>8} {'longest':>7} {'wall s':>7} {'cpu s':>6}",
    ]
    for run in result["runs"]:
        shown = "default" if run["concurrency"] is None else str(run["concurrency"])
        lines.append(
            f"  {run['label']:<26} {shown:>11} {run['requests']:>8} {run['pages_longest']:>7} "
            f"{run['wall_s']:>7.2f} {run['cpu_s']:>6.2f}"
        )
    verdict = "within" if result["ratio"] <= MAX_RATIO else "OVER"
    lines.append(
        f"  every listing / longest chain: {result['ratio']:.2f}x ({verdict} the {MAX_RATIO:g}x target); "
        f"at the default concurrency {result['ratio_default']:.2f}x"
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark a live ksyun check with API latency.")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request (%(default)s)")
    parser.add_argument("--scale", type=int, default=10, help="copies of the test account's items (%(default)s)")
    parser.add_argument("--concurrency", type=int, default=16, help="ksyun.concurrency (%(default)s)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per measurement, best kept (%(default)s)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="results directory (bench/out)")
    args = parser.parse_args(argv)
    result = bench_live(args.latency, args.scale, args.concurrency, args.repeats)
    sys.stdout.write(live_table(result))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "live.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
