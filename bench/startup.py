"""Benchmark a small `reconciler check` (a few hundred resources, no history): CPU and wall time of the whole
process, and what its imports cost (`python -X importtime`).

Called by bench/run.py (`make bench`) and by hand: `.venv/bin/python bench/startup.py [--resources 300]`.
The contract cache (`base.cache`) is filled by a first run, as on every run but a user's first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Final

HERE: Final = Path(__file__).resolve().parent
REPO: Final = HERE.parent
NOW: Final = "2026-11-25T09:00:00+08:00"
MAX_CPU_S: Final = 0.30
"""Target: a small check costs at most 0.30 s of CPU."""
FORMATS: Final = ("console", "json")


def child(command: list[str]) -> tuple[float, float, str]:
    """CPU seconds (user + system), wall seconds and stderr of one run in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    assert process.stderr is not None
    errors = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.stderr.close()
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited with {code}: {errors[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall, errors


def check_command(snapshot: Path, output_format: str, importtime: bool = False) -> list[str]:
    python = [sys.executable, "-X", "importtime"] if importtime else [sys.executable]
    check = ["check", "--observed", str(snapshot), "--now", NOW, "--no-history", "--format", output_format]
    return [*python, "-m", "reconciler", *check]


def top_imports(stderr: str, count: int) -> tuple[float, list[tuple[str, float]]]:
    """All imports' seconds and the top-level imports that cost most (cumulative), from -X importtime."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if not name.startswith(" ") or name.startswith("  "):  # only the top level: its children are inside
            continue
        rows.append((name.strip(), int(cumulative) / 1e6))
    return sum(s for _, s in rows), sorted(rows, key=lambda r: -r[1])[:count]


def compile_package() -> None:
    """Write the package's bytecode, as installing a package does. Without it, a Python run with
    PYTHONDONTWRITEBYTECODE set (as on the build machine) compiles every module from source on every run:
    about 0.06 s of CPU that no installed copy pays."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "reconciler")], check=True, stdout=subprocess.DEVNULL
    )


def bench_startup(out: Path, resources: int, repeats: int) -> dict[str, Any]:
    compile_package()
    snapshot = out / f"small-{resources}.json"
    if not snapshot.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(resources), str(snapshot)], check=True)
    child(check_command(snapshot, "json"))  # fills the contract cache
    runs: dict[str, Any] = {}
    for output_format in FORMATS:
        measured = [child(check_command(snapshot, output_format))[:2] for _ in range(repeats)]
        cpu, wall = min(measured)
        _, _, stderr = child(check_command(snapshot, output_format, importtime=True))
        imports_s, top = top_imports(stderr, 6)
        runs[output_format] = {"cpu_s": cpu, "wall_s": wall, "imports_s": imports_s, "top_imports": top}
    bare = min(child([sys.executable, "-c", "pass"])[0] for _ in range(repeats))
    return {"resources": resources, "python_cpu_s": bare, "target_cpu_s": MAX_CPU_S, "runs": runs}


def startup_table(result: dict[str, Any]) -> str:
    lines = [
        f"small check ({result['resources']} resources, no history, bytecode compiled as installed; a bare "
        f"`python -c pass` costs {result['python_cpu_s']:.3f} s CPU):",
        f"  {'format':<8} {'cpu s':>6} {'wall s':>6} {'imports s':>9}  target  "
        "costliest imports (cumulative s; both under -X importtime, which slows them)",
    ]
    for output_format, run in result["runs"].items():
        verdict = "yes" if run["cpu_s"] <= result["target_cpu_s"] else "NO"
        top = ", ".join(f"{name} {seconds:.3f}" for name, seconds in run["top_imports"][:4])
        lines.append(
            f"  {output_format:<8} {run['cpu_s']:>6.3f} {run['wall_s']:>6.3f} {run['imports_s']:>9.3f}  "
            f"{verdict:<6}  {top}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark a small reconciler check: CPU, wall, imports.")
    parser.add_argument("--resources", type=int, default=300, help="resources in the snapshot (%(default)s)")
    parser.add_argument("--repeats", type=int, default=7, help="runs, the least CPU kept (%(default)s)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="cache and results directory (bench/out)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    result = bench_startup(args.out, args.resources, args.repeats)
    sys.stdout.write(startup_table(result))
    (args.out / "startup.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
