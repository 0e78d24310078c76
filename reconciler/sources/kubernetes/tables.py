"""The Kubernetes source's mapping tables: instance types (CPU clock, nominal memory), storage class -> tier,
standard memory sizes. Built-in defaults here; an operator's JSON file (setting `tables`) extends them.

Called by the Kubernetes source when it is opened, and by `reconciler tables` (init, check). Kubernetes does not
know a node's CPU clock, so a node's clock is known only when the table gives it; nothing here guesses one (see
docs/sources.md). Every entry remembers where it comes from (the file, the `storage_classes` setting, or
`built-in`) and its evidence, so a figure resting on it can say so; a blank entry (null) stays unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json_object
from reconciler.base.messages import Message, message
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


BUILT_IN: Final = "built-in"
NAMING_RULE: Final = "naming rule: the class name holds the word standard or performance (docs/sources.md)"
SETTING: Final = "<setting kubernetes.storage_classes>"
INSTANCE_TYPES: Final = "instance_types"
STORAGE_CLASSES: Final = "storage_classes"
MEMORY_SIZES: Final = "memory_sizes_gib"
TABLES: Final = ("format", "version", "source", "scaffolded", INSTANCE_TYPES, STORAGE_CLASSES, MEMORY_SIZES)
INFO: Final = ("evidence", "observed", "reported")
"""Fields every entry may carry beside its figures: the evidence, and what `tables init` saw (informational)."""


@dataclass(frozen=True)
class InstanceType:
    """What the operator states about an instance type (or family): its CPU clock and nominal memory."""

    cpu_ghz: Decimal | None = None
    memory_gib: Decimal | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class KubernetesTables:
    """Every table the Kubernetes mapping reads."""

    instance_types: Mapping[str, InstanceType] = field(default_factory=dict)
    """Keyed by the exact `node.kubernetes.io/instance-type` label (e.g. `S6.4B`), by its family (the part
    before the first dot, `S6`), or `*`; looked up in that order."""
    storage_classes: Mapping[str, TierChoice] = field(default_factory=dict)
    """StorageClass name -> tier (or `ignore`); classes not listed fall back to `default_tier_of_class`."""
    memory_sizes_gib: tuple[Decimal, ...] = STANDARD_MEMORY_SIZES_GIB
    origin: str = BUILT_IN
    """The tables file, or `built-in`."""
    basis: Mapping[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    """(table, key) -> (origin, evidence) of entries not built in."""
    blanks: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(table, key) -> the fields the file leaves blank (null)."""

    def instance_type(self, label: str | None) -> tuple[str, InstanceType] | None:
        """The table entry for an instance-type label: exact, then family, then `*`; with the key used."""
        keys = [label, label.split(".", 1)[0]] if label else []
        for key in [*keys, CATCH_ALL]:
            if key in self.instance_types:
                return key, self.instance_types[key]
        return None

    def tier_of_class(self, name: str) -> TierChoice | None:
        """The tier of a StorageClass: the table's entry, else by its name; None if neither says."""
        if (STORAGE_CLASSES, name) in self.blanks:
            return None  # blank in the file: not even the naming rule is trusted
        return self.storage_classes.get(name) or default_tier_of_class(name)

    def basis_pair(self, table: str, key: str) -> tuple[str, str | Message | None]:
        """(origin, evidence) of an entry: the file's (or the setting's), else the built-in rule's."""
        if (table, key) in self.basis:
            return self.basis[(table, key)]
        if table == STORAGE_CLASSES:
            return BUILT_IN, message("evidence_naming_rule", doc="docs/sources.md")
        if table == MEMORY_SIZES:
            origin = self.basis[(MEMORY_SIZES, "*")][0] if (MEMORY_SIZES, "*") in self.basis else BUILT_IN
            return origin, message("evidence_memory_rounding", doc="docs/sources.md")
        return BUILT_IN, None


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
    tables = builtin_tables()
    if path is not None:
        data = load_json_object(path, "a JSON object with instance_types, storage_classes")
        tables = tables_from(data, str(path))
    if storage_classes:
        setting = parse_storage_classes(storage_classes, SETTING)
        basis = dict(tables.basis) | {(STORAGE_CLASSES, name): (SETTING, None) for name in setting}
        blanks = {
            key: fields for key, fields in tables.blanks.items() if key[0] != STORAGE_CLASSES or key[1] not in setting
        }
        tables = KubernetesTables(
            tables.instance_types,
            {**tables.storage_classes, **setting},
            tables.memory_sizes_gib,
            tables.origin,
            basis,
            blanks,
        )
    return tables


def tables_from(data: Mapping[str, Any], where: str) -> KubernetesTables:
    """The built-in tables extended by a tables file's content; InputError naming `where`, the field and why.
    An entry whose figure is null is blank: kept out of the lookups (unknown) and remembered in `blanks`."""
    base = builtin_tables()
    instance_types = dict(base.instance_types)
    classes = dict(base.storage_classes)
    sizes = base.memory_sizes_gib
    basis: dict[tuple[str, str], tuple[str, str | None]] = {}
    blanks: dict[tuple[str, str], tuple[str, ...]] = {}
    problems: list[Problem] = []
    unknown = sorted(set(data) - set(TABLES))
    problems += [Problem(key, f"unknown table (known: {', '.join(TABLES)})") for key in unknown]
    problems += _header(data)
    for key, entry in _object(data, INSTANCE_TYPES, problems).items():
        where_entry = f"{INSTANCE_TYPES}.{key}"
        parsed = _instance_type(entry, where_entry, problems)
        if parsed is None:
            continue
        blank = tuple(name for name in ("cpu_ghz", "memory_gib") if name in entry and entry[name] is None)
        if blank:
            blanks[(INSTANCE_TYPES, key)] = blank
        if parsed.cpu_ghz is not None or parsed.memory_gib is not None:
            instance_types[key] = parsed
        basis[(INSTANCE_TYPES, key)] = (where, parsed.evidence)
    for key, given in _object(data, STORAGE_CLASSES, problems).items():
        where_entry = f"{STORAGE_CLASSES}.{key}"
        tier, evidence = given, None
        if isinstance(given, dict):
            extra = sorted(set(given) - {"tier", *INFO})
            problems += [Problem(f"{where_entry}.{name}", "unknown field (known: tier, evidence)") for name in extra]
            if "tier" not in given:
                problems.append(Problem(f"{where_entry}.tier", "required field is missing (null: blank)"))
                continue
            tier, evidence = given["tier"], _evidence(given, where_entry, problems)
        if tier is None and isinstance(given, dict):
            blanks[(STORAGE_CLASSES, key)] = ("tier",)
        elif tier not in TIER_CHOICES:
            problems.append(Problem(where_entry, f"expected one of {', '.join(TIER_CHOICES)}"))
            continue
        else:
            classes[key] = tier
        basis[(STORAGE_CLASSES, key)] = (where, evidence)
    if MEMORY_SIZES in data:
        raw = data[MEMORY_SIZES]
        parsed_sizes = (
            [_decimal(v, f"{MEMORY_SIZES}[{i}]", problems) for i, v in enumerate(raw)]
            if isinstance(raw, list)
            else None
        )
        if parsed_sizes is None:
            problems.append(Problem(MEMORY_SIZES, "expected a list of sizes in GiB"))
        elif all(s is not None for s in parsed_sizes):
            sizes = tuple(sorted(s for s in parsed_sizes if s is not None))
            basis[(MEMORY_SIZES, "*")] = (where, None)
    if problems:
        raise InputError(where, problems)
    return KubernetesTables(instance_types, classes, sizes, where, basis, blanks)


def _header(data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    if data.get("format") not in (None, "contract-reconciler/tables"):
        problems.append(Problem("format", "expected contract-reconciler/tables"))
    if data.get("version") not in (None, 1) or isinstance(data.get("version"), bool):
        problems.append(Problem("version", "expected 1"))
    if data.get("source") not in (None, "kubernetes"):
        problems.append(Problem("source", f"a tables file of the {data['source']} source, not of kubernetes"))
    if not isinstance(data.get("scaffolded", {}), dict):
        problems.append(Problem("scaffolded", "expected an object"))
    return problems


def _evidence(entry: Mapping[str, Any], where: str, problems: list[Problem]) -> str | None:
    evidence = entry.get("evidence")
    if evidence is not None and (not isinstance(evidence, str) or not evidence.strip()):
        problems.append(Problem(f"{where}.evidence", "expected a non-empty text (or null: to fill in)"))
        return None
    for name in ("observed", "reported"):
        if entry.get(name) is not None and not isinstance(entry[name], dict):
            problems.append(Problem(f"{where}.{name}", "expected an object"))
    return evidence


def blank_problems(data: Mapping[str, Any]) -> list[Problem]:
    """What a (valid) tables file still leaves to fill in: blank figures, and filled entries without evidence."""
    problems = []
    for key, entry in (data.get(INSTANCE_TYPES) or {}).items():
        where = f"{INSTANCE_TYPES}.{key}"
        stated = [name for name in ("cpu_ghz", "memory_gib") if entry.get(name) is not None]
        if "cpu_ghz" in entry and entry["cpu_ghz"] is None:
            problems.append(Problem(where, "blank: cpu_ghz"))
        elif stated and entry.get("evidence") is None:
            problems.append(Problem(f"{where}.evidence", f"no evidence for {', '.join(stated)}"))
    for key, entry in (data.get(STORAGE_CLASSES) or {}).items():
        if not isinstance(entry, dict):
            continue
        where = f"{STORAGE_CLASSES}.{key}"
        if entry.get("tier") is None:
            problems.append(Problem(where, "blank: tier"))
        elif entry.get("evidence") is None:
            problems.append(Problem(f"{where}.evidence", "no evidence for tier"))
    return problems


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
    extra = sorted(set(entry) - {"cpu_ghz", "memory_gib", *INFO})
    known = "cpu_ghz, memory_gib, evidence, observed, reported"
    problems += [Problem(f"{where}.{key}", f"unknown field (known: {known})") for key in extra]
    ghz = _decimal(entry["cpu_ghz"], f"{where}.cpu_ghz", problems) if entry.get("cpu_ghz") is not None else None
    memory = (
        _decimal(entry["memory_gib"], f"{where}.memory_gib", problems) if entry.get("memory_gib") is not None else None
    )
    evidence = _evidence(entry, where, problems)
    if ghz is not None and ghz >= 100:
        problems.append(Problem(f"{where}.cpu_ghz", "must be below 100 GHz"))
        return None
    return InstanceType(ghz, memory, evidence)


# -- the published format (schemas/tables.schema.json); the loader above is what checks a file --------------

_Ghz = Annotated[Decimal, Field(gt=0, lt=100)]
_Size = Annotated[Decimal, Field(gt=0)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="where the figures come from: a document, a ticket, an lscpu output (null: to fill in)"
    )
    observed: dict[str, JsonValue] | None = Field(None, description="what `reconciler tables init` saw; not read")
    reported: dict[str, JsonValue] | None = Field(None, description="what the nodes report of the key; not read")


class InstanceTypeEntry(_Entry):
    """An instance type (exact label), its family (before the first dot) or `*`: CPU clock, nominal memory."""

    cpu_ghz: _Ghz | None = Field(None, description="the CPU clock in GHz; null: blank (Kubernetes does not report it)")
    memory_gib: _Size | None = Field(None, description="the nominal memory (default: capacity rounded up)")


class StorageClassEntry(_Entry):
    tier: TierChoice | None = Field(description="standard, performance or ignore; null: blank")


class KubernetesTablesFile(BaseModel):
    """A kubernetes tables file: entries extend the built-in tables."""

    model_config = ConfigDict(extra="forbid", title="kubernetes tables")
    format: Literal["contract-reconciler/tables"] | None = None
    version: Literal[1] | None = None
    source: Literal["kubernetes"] | None = None
    scaffolded: dict[str, JsonValue] | None = None
    instance_types: dict[Annotated[str, Field(min_length=1)], InstanceTypeEntry] = Field(default_factory=dict)
    storage_classes: dict[Annotated[str, Field(min_length=1)], TierChoice | StorageClassEntry] = Field(
        default_factory=dict
    )
    memory_sizes_gib: list[_Size] | None = Field(None, description="memory sizes VMs are sold in (GiB)")
