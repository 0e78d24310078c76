"""The Kubernetes source's mapping tables: instance types (CPU clock, nominal memory), storage class -> tier,
standard memory sizes. Built-in defaults here; an operator's JSON file (setting `tables`) extends them.

Called by the Kubernetes source when it is opened. Kubernetes does not know a node's CPU clock, so a node is
counted only when the table gives its clock; nothing here guesses one (see docs/sources.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json_object
from reconciler.base.numbers import DECIMAL_HINT, exact_number

TierChoice = Literal["standard", "performance", "ignore"]
TIER_CHOICES: Final[tuple[TierChoice, ...]] = ("standard", "performance", "ignore")

STANDARD_MEMORY_SIZES_GIB: Final[tuple[Decimal, ...]] = tuple(
    Decimal(size)
    for size in (
        "0.5", 1, 2, 4, 6, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024,
        1536, 2048, 3072, 4096,
    )
)  # fmt: skip
"""Memory sizes VMs are sold in (GiB). A node's reported memory is rounded UP to the next of these: a VM's
kernel keeps a few percent, so a 16 GiB VM reports about 15.6 GiB; the steps are at least 20% apart."""

CATCH_ALL: Final = "*"
"""An instance-type table key that applies to every node no other key matches (an explicit operator choice)."""


@dataclass(frozen=True)
class InstanceType:
    """What the operator states about an instance type (or family): its CPU clock and nominal memory."""

    cpu_ghz: Decimal | None = None
    memory_gib: Decimal | None = None


@dataclass(frozen=True)
class KubernetesTables:
    """Every table the Kubernetes mapping reads."""

    instance_types: Mapping[str, InstanceType] = field(default_factory=dict)
    """Keyed by the exact `node.kubernetes.io/instance-type` label (e.g. `S6.4B`), by its family (the part
    before the first dot, `S6`), or `*`; looked up in that order."""
    storage_classes: Mapping[str, TierChoice] = field(default_factory=dict)
    """StorageClass name -> tier (or `ignore`); classes not listed fall back to `default_tier_of_class`."""
    memory_sizes_gib: tuple[Decimal, ...] = STANDARD_MEMORY_SIZES_GIB

    def instance_type(self, label: str | None) -> tuple[str, InstanceType] | None:
        """The table entry for an instance-type label: exact, then family, then `*`; with the key used."""
        keys = [label, label.split(".", 1)[0]] if label else []
        for key in [*keys, CATCH_ALL]:
            if key in self.instance_types:
                return key, self.instance_types[key]
        return None

    def tier_of_class(self, name: str) -> TierChoice | None:
        """The tier of a StorageClass: the table's entry, else by its name; None if neither says."""
        return self.storage_classes.get(name) or default_tier_of_class(name)


BUILTIN_INSTANCE_TYPES: Final[dict[str, InstanceType]] = {}
"""Empty on purpose: no published CPU clock per Kingsoft instance family has been confirmed with the cloud
operator yet (open question in docs/sources.md). Operators list theirs in the `tables` file."""

BUILTIN_STORAGE_CLASSES: Final[dict[str, TierChoice]] = {}


def default_tier_of_class(name: str) -> TierChoice | None:
    """A class whose name has the word `standard` or `performance` (split on - _ . and case-insensitively) is
    of that tier; a name with both words or neither says nothing."""
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    tiers = [tier for tier in ("standard", "performance") if tier in words]
    return tiers[0] if len(tiers) == 1 else None  # type: ignore[return-value]


def builtin_tables() -> KubernetesTables:
    return KubernetesTables(dict(BUILTIN_INSTANCE_TYPES), dict(BUILTIN_STORAGE_CLASSES))


def parse_storage_classes(text: str, where: str) -> dict[str, TierChoice]:
    """`name=tier,name=tier` (the `storage_classes` setting) as a table; tier is standard|performance|ignore."""
    table: dict[str, TierChoice] = {}
    problems = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, tier = part.partition("=")
        if not sep or not name.strip() or tier.strip() not in TIER_CHOICES:
            problems.append(Problem(part, f"expected CLASS=TIER with TIER one of {', '.join(TIER_CHOICES)}"))
            continue
        table[name.strip()] = tier.strip()  # type: ignore[assignment]
    if problems:
        raise InputError(where, problems)
    return table


def load_tables(path: Path | None, storage_classes: str | None) -> KubernetesTables:
    """The built-in tables extended by the operator's JSON file and the `storage_classes` setting."""
    base = builtin_tables()
    instance_types = dict(base.instance_types)
    classes = dict(base.storage_classes)
    sizes = base.memory_sizes_gib
    if path is not None:
        data = load_json_object(path, "a JSON object with instance_types, storage_classes")
        where = str(path)
        problems: list[Problem] = []
        unknown = sorted(set(data) - {"instance_types", "storage_classes", "memory_sizes_gib"})
        problems += [
            Problem(key, "unknown table (known: instance_types, storage_classes, memory_sizes_gib)") for key in unknown
        ]
        for key, entry in _object(data, "instance_types", problems).items():
            parsed = _instance_type(entry, f"instance_types.{key}", problems)
            if parsed is not None:
                instance_types[key] = parsed
        for key, tier in _object(data, "storage_classes", problems).items():
            if tier not in TIER_CHOICES:
                problems.append(Problem(f"storage_classes.{key}", f"expected one of {', '.join(TIER_CHOICES)}"))
            else:
                classes[key] = tier
        if "memory_sizes_gib" in data:
            raw = data["memory_sizes_gib"]
            parsed_sizes = (
                [_decimal(v, f"memory_sizes_gib[{i}]", problems) for i, v in enumerate(raw)]
                if isinstance(raw, list)
                else None
            )
            if parsed_sizes is None:
                problems.append(Problem("memory_sizes_gib", "expected a list of sizes in GiB"))
            elif all(s is not None for s in parsed_sizes):
                sizes = tuple(sorted(s for s in parsed_sizes if s is not None))
        if problems:
            raise InputError(where, problems)
    if storage_classes:
        classes.update(parse_storage_classes(storage_classes, "<setting kubernetes.storage_classes>"))
    return KubernetesTables(instance_types, classes, sizes)


def _object(data: Mapping[str, Any], key: str, problems: list[Problem]) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        problems.append(Problem(key, "expected an object"))
        return {}
    return value


def _decimal(value: Any, where: str, problems: list[Problem]) -> Decimal | None:
    number = exact_number(value) if not isinstance(value, float) else None
    if number is None or not number.is_finite() or number <= 0:
        problems.append(Problem(where, f"expected a positive number ({DECIMAL_HINT})"))
        return None
    return number


def _instance_type(entry: Any, where: str, problems: list[Problem]) -> InstanceType | None:
    if not isinstance(entry, dict):
        problems.append(Problem(where, "expected an object with cpu_ghz and/or memory_gib"))
        return None
    extra = sorted(set(entry) - {"cpu_ghz", "memory_gib"})
    problems += [Problem(f"{where}.{key}", "unknown field (known: cpu_ghz, memory_gib)") for key in extra]
    ghz = _decimal(entry["cpu_ghz"], f"{where}.cpu_ghz", problems) if "cpu_ghz" in entry else None
    memory = _decimal(entry["memory_gib"], f"{where}.memory_gib", problems) if "memory_gib" in entry else None
    if ghz is not None and ghz >= 100:
        problems.append(Problem(f"{where}.cpu_ghz", "must be below 100 GHz"))
        return None
    return InstanceType(ghz, memory)
