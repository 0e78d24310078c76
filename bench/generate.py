"""Generate a synthetic observation snapshot of N resources, streamed to disk one resource per line.

Called by bench/run.py (as a child process) and by hand: `python bench/generate.py N OUT [--seed S]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

DEFAULT_SEED: Final = 1
OBSERVED_AT: Final = "2026-11-25T02:00:00+08:00"

_Maker = Callable[[random.Random, str, int], dict[str, Any]]
"""Builds the fields of one resource after `id` and `kind`, from the generator, the id and its number."""


def _vm(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
    vcpu = rng.choice((2, 4, 4, 8, 8, 8, 16, 16, 32))
    return {
        "vcpu": vcpu,
        "memory_gb": vcpu * rng.choice((1, 2, 2, 2, 4, 4, 8)),
        "cpu_ghz": rng.choice((2.2, 2.5, 2.6, 2.6, 2.6, 2.8, 3.0)),
        "arch": "aarch64" if rng.random() < 0.04 else "x86_64",
        "state": rng.choices(("running", "stopped", "terminated"), cum_weights=(85, 95, 100))[0],
    }


def _volume(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
    return {
        "name": f"{rid}-data",
        "tier": "performance" if rng.random() < 0.35 else "standard",
        "size_gb": rng.choice((40, 50, 50, 100, 200, 200, 500, 500, 1000, 2000, 4000)),
    }


def _bucket(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
    return {"name": f"bench-bucket-{number}", "size_gb": rng.randrange(1, 5000), "project": "bench"}


def _backup(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
    return {"name": f"snap-of-vol-{number:08d}", "size_gb": rng.randrange(10, 2000), "project": "bench"}


def _bandwidth(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
    return {"name": f"bench-link-{number}", "mbps": rng.choice((10, 20, 50, 100, 200)), "project": "bench"}


def _public_ip(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
    # Addresses from the documentation ranges of RFC 5737: repeated across a large file, which is fine here.
    return {"address": f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randrange(1, 255)}"}


def _named(label: str) -> _Maker:
    def make(rng: random.Random, rid: str, number: int) -> dict[str, Any]:
        return {"name": f"bench-{label}-{number:08d}", "region": "cn-beijing-6", "project": "bench"}

    return make


# kind, id prefix, weight in percent, maker
MIX: Final[tuple[tuple[str, str, int, _Maker], ...]] = (
    ("vm", "vm", 30, _vm),
    ("volume", "vol", 45, _volume),
    ("backup", "snap", 10, _backup),
    ("bucket", "bkt", 4, _bucket),
    ("public_ip", "eip", 3, _public_ip),
    ("bandwidth", "bwp", 2, _bandwidth),
    ("load_balancer", "slb", 2, _named("slb")),
    ("remote_access_account", "vpn", 2, _named("vpn")),
    ("waf", "waf", 2, _named("waf")),
)
_CUM_WEIGHTS: Final = tuple(sum(row[2] for row in MIX[: i + 1]) for i in range(len(MIX)))


def resources(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """N resources of a realistic mix of kinds and states, one at a time; ids are unique (`vm-00000001`)."""
    rng = random.Random(seed)
    for number in range(1, n + 1):
        kind, prefix, _, make = rng.choices(MIX, cum_weights=_CUM_WEIGHTS)[0]
        rid = f"{prefix}-{number:08d}"
        yield {"id": rid, "kind": kind, **make(rng, rid, number)}


def generate(path: Path, n: int, seed: int = DEFAULT_SEED) -> int:
    """Write a valid snapshot of `n` resources to `path` (atomically, via a temporary file); returns its size."""
    header = {
        "format": "contract-reconciler/observation",
        "version": 1,
        "observed_at": OBSERVED_AT,
        "source": f"bench/generate.py n={n} seed={seed}",
    }
    partial = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        out.write("{\n")
        for key, value in header.items():
            out.write(f"{json.dumps(key)}: {json.dumps(value)},\n")
        out.write('"resources": [')
        separator = "\n"
        for resource in resources(n, seed):
            out.write(separator)
            out.write(encode(resource))
            separator = ",\n"
        out.write("\n]\n}\n")
    os.replace(partial, path)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="number of resources")
    parser.add_argument("out", type=Path, help="snapshot file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must not be negative")
    size = generate(args.out, args.n, args.seed)
    each = f", {size / args.n:.0f} B each" if args.n else ""
    sys.stderr.write(f"wrote {args.out}: {args.n} resources, {size / 1e6:.1f} MB{each}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
