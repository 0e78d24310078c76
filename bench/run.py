"""Benchmark `reconciler check` against a plain json.load and a bare typed decode of the same generated snapshot
(wall time and peak RSS), then a small check's start-up (bench/startup.py) and a live check with API latency
(bench/live.py): the figures of issue 15 side by side, in one run.

Called by `make bench` (`.venv/bin/python bench/run.py [--sizes 10000,100000,1000000] [--out bench/out]`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

HERE: Final = Path(__file__).resolve().parent
REPO: Final = HERE.parent
GENERATOR: Final = HERE / "generate.py"
DEFAULT_SIZES: Final = "10000,100000,1000000"
DEFAULT_NOW: Final = "2026-11-25T09:00:00+08:00"
PARSE_SNIPPET: Final = "import json,sys; json.load(open(sys.argv[1]))"
TYPED_SNIPPET: Final = (
    "import sys, decimal, msgspec\n"
    "from reconciler.core.observation import Resource\n"
    "class Doc(msgspec.Struct):\n"
    "    resources: list[Resource]\n"
    "with open(sys.argv[1], 'rb') as f: msgspec.json.Decoder(Doc, float_hook=decimal.Decimal).decode(f.read())\n"
)
"""A bare typed decode: the whole file into the resource structs (their checks included), nothing else."""
CHECK_FORMATS: Final = ("console", "json")
CHECK_EXIT_CODES: Final = (0, 1)
"""`reconciler check` exits 1 when it finds drift, which the generated data always has: both are success."""

TARGET_SIZE: Final = 1_000_000
MAX_TIME_RATIO: Final = 1.0
"""Target: a check (history recorded) takes no longer than parsing the file with json.load."""
MAX_PEAK_RATIO: Final = 2.0
"""Target: a check's peak RSS stays below twice the file's size."""
MB: Final = 1_000_000


@dataclass
class Measured:
    """One command measured over several fresh child processes: the best wall time, the highest peak RSS."""

    command: list[str]
    runs_s: list[float] = field(default_factory=list)
    peaks_bytes: list[int] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)

    @property
    def best_s(self) -> float:
        return min(self.runs_s)

    @property
    def peak_bytes(self) -> int:
        return max(self.peaks_bytes)


@dataclass
class CheckResult:
    format: str
    measured: Measured
    time_ratio: float
    peak_ratio: float
    time_ok: bool
    memory_ok: bool
    target_applies: bool


@dataclass
class SizeResult:
    resources: int
    file: Path
    file_bytes: int
    parse: Measured
    typed: Measured
    checks: list[CheckResult]


class BenchError(Exception):
    """A measured command failed, or the environment is not set up."""


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def generator_digest() -> str:
    """A short hash of the generator, so that cached snapshots are regenerated when it changes."""
    return hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:8]


def snapshot_for(out: Path, n: int, seed: int) -> Path:
    """The cached snapshot of `n` resources for `seed`, generated (in a child process) if missing."""
    path = out / f"observation-{n}-seed{seed}-{generator_digest()}.json"
    if path.exists():
        log(f"[{n}] using cached {path.name} ({path.stat().st_size / MB:.1f} MB)")
        return path
    log(f"[{n}] generating {path.name} ...")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(GENERATOR), str(n), str(path), "--seed", str(seed)], check=True)
    log(f"[{n}] generated in {time.perf_counter() - started:.1f} s")
    return path


def run_once(command: list[str], ok_codes: tuple[int, ...]) -> tuple[float, int, int]:
    """Run `command` in a fresh child process: wall seconds, peak RSS in bytes and exit code."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code  # reaped here, so Popen must not wait for it again
        if code not in ok_codes:
            errors.seek(0)
            tail = errors.read()[-2000:].decode("utf-8", "replace")
            raise BenchError(f"{' '.join(command)} exited with {code}:\n{tail}")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return elapsed, peak, code


def measure(label: str, command: list[str], repeats: int, slow_s: float, ok_codes: tuple[int, ...]) -> Measured:
    measured = Measured(command)
    for attempt in range(1, repeats + 1):
        elapsed, peak, code = run_once(command, ok_codes)
        measured.runs_s.append(elapsed)
        measured.peaks_bytes.append(peak)
        measured.exit_codes.append(code)
        log(f"  {label} run {attempt}/{repeats}: {elapsed:.2f} s, peak {peak / MB:.0f} MB, exit {code}")
        if elapsed > slow_s and attempt < repeats:
            log(f"  {label}: slower than {slow_s:g} s, not repeated")
            break
    return measured


def reconciler_command() -> Path:
    """The console script of the venv this benchmark runs in, else the first one on PATH."""
    beside = Path(sys.executable).parent / "reconciler"
    if beside.exists():
        return beside
    found = shutil.which("reconciler")
    if found is None:
        raise BenchError("the `reconciler` command is not installed; run `make setup` first")
    return Path(found)


def create_store(path: Path) -> None:
    """An empty history store at the newest schema, made the way `reconciler check` makes one."""
    code = "import sys; from reconciler.history.store import History; History.open(sys.argv[1]).close()"
    subprocess.run([sys.executable, "-c", code, f"sqlite:///{path}"], check=True)


def bench_size(n: int, args: argparse.Namespace, reconciler: Path) -> SizeResult:
    path = snapshot_for(args.out, n, args.seed)
    file_bytes = path.stat().st_size
    parse = measure(
        f"[{n}] parse", [sys.executable, "-c", PARSE_SNIPPET, str(path)], args.repeats, args.slow_seconds, (0,)
    )
    typed = measure(
        f"[{n}] typed decode", [sys.executable, "-c", TYPED_SNIPPET, str(path)], args.repeats, args.slow_seconds, (0,)
    )
    checks = []
    # every check records its run, as a nightly job does, in a store of its own (no growth across runs) that
    # exists already, as on every night but the first (whose migration also loads Alembic: about 20 MB)
    history = args.out / "history.sqlite"
    for output_format in CHECK_FORMATS:
        history.unlink(missing_ok=True)
        create_store(history)
        command = [str(reconciler), "check", "--observed", str(path), "--now", args.now, "--format", output_format]
        command += ["--history", str(history)]
        measured = measure(f"[{n}] check {output_format}", command, args.repeats, args.slow_seconds, CHECK_EXIT_CODES)
        time_ratio = measured.best_s / parse.best_s
        peak_ratio = measured.peak_bytes / file_bytes
        checks.append(
            CheckResult(
                format=output_format,
                measured=measured,
                time_ratio=time_ratio,
                peak_ratio=peak_ratio,
                time_ok=time_ratio <= MAX_TIME_RATIO,
                memory_ok=peak_ratio < MAX_PEAK_RATIO,
                target_applies=n >= TARGET_SIZE,
            )
        )
    return SizeResult(n, path, file_bytes, parse, typed, checks)


def yes_no(ok: bool) -> str:
    return "yes" if ok else "NO"


def table(results: list[SizeResult]) -> str:
    headers = (
        "resources",
        "format",
        "file MB",
        "parse s",
        "parse peak MB",
        "typed s",
        "typed peak MB",
        "check s",
        "check/parse",
        "check/typed",
        "check peak MB",
        "peak/file",
        "targets (at 1M)",
    )
    rows: list[tuple[str, ...]] = []
    for size in results:
        for check in size.checks:
            targets = f"time {yes_no(check.time_ok)}, memory {yes_no(check.memory_ok)}" if check.target_applies else "-"
            rows.append(
                (
                    f"{size.resources:,}",
                    check.format,
                    f"{size.file_bytes / MB:.1f}",
                    f"{size.parse.best_s:.2f}",
                    f"{size.parse.peak_bytes / MB:.0f}",
                    f"{size.typed.best_s:.2f}",
                    f"{size.typed.peak_bytes / MB:.0f}",
                    f"{check.measured.best_s:.2f}",
                    f"{check.time_ratio:.2f}x",
                    f"{check.measured.best_s / size.typed.best_s:.2f}x",
                    f"{check.measured.peak_bytes / MB:.0f}",
                    f"{check.peak_ratio:.2f}x",
                    targets,
                )
            )
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    left = {1, len(headers) - 1}

    def line(cells: tuple[str, ...]) -> str:
        padded = (c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]) + "\n"


def verdicts(results: list[SizeResult]) -> tuple[str, bool]:
    """A sentence per checked format at the target size, and whether every target holds."""
    judged = [(size, check) for size in results for check in size.checks if check.target_applies]
    if not judged:
        return f"targets not judged: they apply from {TARGET_SIZE:,} resources (add it to --sizes)\n", True
    machine = platform.processor() or platform.machine()
    lines = [f"machine: {machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"]
    lines += [
        f"at {size.resources:,} resources, check --format {check.format}: "
        f"time {check.time_ratio:.2f}x parse ({'within' if check.time_ok else 'OVER'} the {MAX_TIME_RATIO:g}x target), "
        f"peak {check.peak_ratio:.2f}x file ({'within' if check.memory_ok else 'OVER'} the {MAX_PEAK_RATIO:g}x target)"
        for size, check in judged
    ]
    return "\n".join(lines) + "\n", all(check.time_ok and check.memory_ok for _, check in judged)


def results_json(results: list[SizeResult], args: argparse.Namespace) -> dict[str, Any]:
    def measured(m: Measured) -> dict[str, Any]:
        return asdict(m) | {"best_s": m.best_s, "peak_bytes": m.peak_bytes}

    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "seed": args.seed,
        "repeats": args.repeats,
        "now": args.now,
        "targets": {"size": TARGET_SIZE, "max_time_ratio": MAX_TIME_RATIO, "max_peak_ratio": MAX_PEAK_RATIO},
        "sizes": [
            {
                "resources": size.resources,
                "file": size.file.name,
                "file_bytes": size.file_bytes,
                "parse": measured(size.parse),
                "typed_decode": measured(size.typed),
                "checks": {
                    check.format: {
                        **measured(check.measured),
                        "time_ratio": round(check.time_ratio, 4),
                        "peak_ratio": round(check.peak_ratio, 4),
                        "time_ok": check.time_ok,
                        "memory_ok": check.memory_ok,
                        "target_applies": check.target_applies,
                    }
                    for check in size.checks
                },
            }
            for size in results
        ],
    }


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected sizes like 10000,100000: {exc}") from exc
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("expected positive sizes like 10000,100000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark reconciler check against json.load.")
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES), help=f"({DEFAULT_SIZES})")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="cache and results directory (bench/out)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (%(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per command, best wall time kept (%(default)s)")
    parser.add_argument(
        "--slow-seconds", type=float, default=60.0, help="do not repeat a command slower than this (%(default)s)"
    )
    parser.add_argument("--now", default=DEFAULT_NOW, help="--now passed to the check (%(default)s)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-startup", action="store_true", help="skip the small check (bench/startup.py)")
    parser.add_argument("--no-live", action="store_true", help="skip the live check (bench/live.py)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.out = args.out.resolve()
    try:
        from startup import compile_package  # bench/ is on sys.path: this script's folder

        compile_package()
        reconciler = reconciler_command()
        results = []
        for n in args.sizes:
            results.append(bench_size(n, args, reconciler))
    except (BenchError, subprocess.CalledProcessError) as exc:
        log(f"bench failed: {exc}")
        return 2
    summary, all_ok = verdicts(results)
    document = results_json(results, args)
    sections = []
    if not args.no_startup:
        from startup import bench_startup, startup_table  # bench/ is on sys.path: this script's folder

        small = bench_startup(args.out, 300, max(args.repeats, 5))
        document["startup"] = small
        sections.append(startup_table(small))
        all_ok = all_ok and all(run["cpu_s"] <= small["target_cpu_s"] for run in small["runs"].values())
    if not args.no_live:
        from live import bench_live, live_table

        latency = bench_live(latency=0.05, scale=10, concurrency=16, repeats=max(1, min(args.repeats, 2)))
        document["live"] = latency
        sections.append(live_table(latency))
        all_ok = all_ok and latency["ratio"] <= latency["target"]
    sys.stdout.write(table(results) + "\n" + summary + "".join("\n" + section for section in sections))
    report = args.out / "results.json"
    report.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {report}")
    return 1 if args.strict and not all_ok else 0


if __name__ == "__main__":
    sys.exit(main())
