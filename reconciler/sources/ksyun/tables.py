"""The ksyun source's mapping tables: instance family -> CPU clock and architecture, instance state -> VM state,
volume type -> tier. Built-in defaults here; an operator's tables file (setting `ksyun.tables`) overrides them
entry by entry. Documented in docs/sources.md ("Tables") and docs/formats.md ("Tables files"). No I/O but
reading that one file.

No Kingsoft API tells an instance's CPU clock (or its architecture), so the family table starts EMPTY: the
operator states each family's clock and architecture with the evidence they rest on (`reconciler tables init`
writes the file to fill in). An instance of a family missing from the table, or whose entry is still blank, is
never guessed: it is counted with its clock and architecture unknown, so it widens the bounds of vCPU and memory.
Every entry remembers where it comes from (the file or `built-in`) and its evidence, so a figure that rests on it
can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, ValidationError

from reconciler.base.errors import InputError, Problem, problems_from_validation
from reconciler.base.jsonio import load_json
from reconciler.base.messages import Message, message
from reconciler.base.numbers import strict_number
from reconciler.core.observation import Arch, Tier, VmState

BUILT_IN: Final = "built-in"
"""The origin of an entry that comes from the defaults documented in docs/sources.md."""
BUILT_IN_EVIDENCE: Final = "docs/sources.md (ksyun, Tables)"
FORMAT: Final = "contract-reconciler/tables"

FAMILIES: Final = "families"
INSTANCE_STATES: Final = "instance_states"
VOLUME_TIERS: Final = "volume_tiers"
REMOTE_ACCESS: Final = "remote_access"
WAF_PRODUCT_GROUPS: Final = "waf_product_groups"
RemoteAccessListing = Literal["vpn_gateway", "vpn_tunnel", "remote_management"]
REMOTE_ACCESS_LISTINGS: Final[tuple[RemoteAccessListing, ...]] = ("vpn_gateway", "vpn_tunnel", "remote_management")
"""The listings that may stand for the contract's remote-access accounts: VPN gateways and tunnels (vpc), and the
bare-metal remote-management accounts (epc). None counts by default: which one the contract means is the
operator's statement, with its evidence."""


@dataclass(frozen=True)
class Family:
    """What the operator states about one instance family (`S6` of `S6.4B`); None: not stated yet (blank)."""

    cpu_ghz: Decimal | None
    arch: Arch | None

    def values(self) -> tuple[tuple[str, str], ...]:
        """The stated fields as text, for the figure's provenance."""
        stated = (("cpu_ghz", self.cpu_ghz), ("arch", self.arch))
        return tuple((name, str(value)) for name, value in stated if value is not None)


@dataclass(frozen=True)
class Basis:
    """Where a table entry comes from: the tables file (or `built-in`) and the evidence it gives."""

    origin: str
    evidence: str | None


DEFAULT_FAMILIES: Final[Mapping[str, Family]] = {}
"""Empty on purpose: clock speeds are not published by the API; see the module docstring."""

DEFAULT_INSTANCE_STATES: Final[Mapping[str, VmState]] = {
    "active": "running",
    "starting": "running",
    "stopping": "running",
    "rebooting": "running",
    "migrating": "running",
    "resize_success_local": "running",
    "stopped": "stopped",
    # A no-charge shutdown releases the instance's vCPU and memory on the platform: not capacity in service.
    "ShutdownNoCharge": "terminated",
    "deleting": "terminated",
    "recycling": "terminated",
    "error": "terminated",
}
"""`InstanceState.Name` -> the normalized state; the meter policy then counts running and stopped VMs."""

DEFAULT_VOLUME_TIERS: Final[Mapping[str, Tier]] = {
    "EHDD": "standard",
    "SATA*": "standard",
    "Local_HDD": "standard",
    "SSD*": "performance",
    "ESSD*": "performance",
    "Local_SSD": "performance",
}
"""EBS `VolumeType` and local `LocalVolumeType` -> tier. Keys may end in `*` (a prefix); exact keys win."""


@dataclass(frozen=True)
class Tables:
    families: Mapping[str, Family] = field(default_factory=lambda: dict(DEFAULT_FAMILIES))
    instance_states: Mapping[str, VmState] = field(default_factory=lambda: dict(DEFAULT_INSTANCE_STATES))
    volume_tiers: Mapping[str, Tier] = field(default_factory=lambda: dict(DEFAULT_VOLUME_TIERS))
    remote_access: Mapping[str, bool] = field(default_factory=dict)
    """Listing (`vpn_tunnel`, ...) -> whether each of its items is a remote-access account (stated, not blank)."""
    waf_product_groups: Mapping[str, bool] = field(default_factory=dict)
    """trade `productGroup` id -> whether its opened instances are WAF instances (stated, not blank)."""
    origin: str = BUILT_IN
    basis: Mapping[tuple[str, str], Basis] = field(default_factory=dict)
    """(table, key) -> where the entry comes from; entries not here are built-in."""
    blanks: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(table, key) -> the fields the tables file leaves blank (null): they stay unknown."""

    def family(self, instance_type: str) -> Family | None:
        """The family of an instance type (`S6.4B` -> `S6`), looked up case-sensitively."""
        return self.families.get(family_of(instance_type))

    def tier(self, volume_type: str) -> Tier | None:
        entry = self.tier_entry(volume_type)
        return None if entry is None else entry[1]

    def tier_entry(self, volume_type: str) -> tuple[str, Tier] | None:
        """(the key that decided, the tier): the exact type, else the longest `*` pattern matching it."""
        if volume_type in self.volume_tiers:
            return volume_type, self.volume_tiers[volume_type]
        patterns = sorted((key for key in self.volume_tiers if key.endswith("*")), key=len, reverse=True)
        for pattern in patterns:
            if fnmatchcase(volume_type, pattern):
                return pattern, self.volume_tiers[pattern]
        return None

    def counting(self, table: str) -> list[str]:
        """The keys of `remote_access` or `waf_product_groups` stated to count, in order."""
        stated = self.remote_access if table == REMOTE_ACCESS else self.waf_product_groups
        return sorted(key for key, counts in stated.items() if counts)

    def basis_of(self, table: str, key: str) -> Basis:
        return self.basis.get((table, key), Basis(BUILT_IN, BUILT_IN_EVIDENCE))

    def basis_pair(self, table: str, key: str) -> tuple[str, str | Message | None]:
        """(origin, evidence) of an entry, as `EntryUses.entries` reads it: a default's is the documentation."""
        basis = self.basis.get((table, key))
        if basis is None:
            return BUILT_IN, message("evidence_documented_default", doc="docs/sources.md", section="ksyun, Tables")
        return basis.origin, basis.evidence


def family_of(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


Ghz = Annotated[Decimal, Field(gt=0, lt=100), BeforeValidator(strict_number)]
Key = Annotated[str, Field(min_length=1, max_length=200)]
Evidence = Annotated[str, Field(min_length=1, max_length=2000)]
Info = dict[str, JsonValue]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    evidence: Evidence | None = Field(
        None, description="where the figures come from: a document, a ticket, an lscpu output (null: to fill in)"
    )
    observed: Info | None = Field(
        None, description="what `reconciler tables init` saw of this key (counts, sample ids); not read by checks"
    )
    reported: Info | None = Field(
        None, description="what the provider's API reports of this key (not the figures to fill); not read by checks"
    )


class FamilyEntry(_Entry):
    """An instance family: its CPU clock and architecture. null: blank, to fill in (counted as unknown)."""

    cpu_ghz: Ghz | None = Field(None, description="the family's CPU clock in GHz (the contract counts >= 2.4)")
    arch: Arch | None = Field("x86_64", description="x86_64 or aarch64; left out: x86_64; null: blank")


class StateEntry(_Entry):
    state: VmState | None = Field(description="the normalized state (running, stopped, terminated); null: blank")


class TierEntry(_Entry):
    tier: Tier | None = Field(description="standard or performance; null: blank")


class CountsEntry(_Entry):
    """Whether the items of a listing count toward a line item (one each)."""

    counts: bool | None = Field(description="true: each item counts; false: none does; null: blank")


ProductGroup = Annotated[str, Field(pattern=r"^[0-9]{1,12}$")]


class KsyunTablesFile(BaseModel):
    """A ksyun tables file: entries by table, each laid over the built-in defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ksyun tables")
    format: Literal["contract-reconciler/tables"] | None = None
    version: Literal[1] | None = None
    source: Literal["ksyun"] | None = None
    scaffolded: Info | None = Field(None, description="how `reconciler tables init` made the file (informational)")
    families: dict[Key, FamilyEntry] = Field(default_factory=dict)
    instance_states: dict[Key, VmState | StateEntry] = Field(default_factory=dict)
    volume_tiers: dict[Key, Tier | TierEntry] = Field(default_factory=dict)
    remote_access: dict[RemoteAccessListing, CountsEntry] = Field(
        default_factory=dict,
        description="which listing's items are the contract's remote-access accounts (none by default)",
    )
    waf_product_groups: dict[ProductGroup, CountsEntry] = Field(
        default_factory=dict,
        description="trade QueryInstances product groups whose opened instances are WAF instances (none by default)",
    )


def parse_tables(raw: Any, name: str) -> KsyunTablesFile:
    """The file's content as the model; InputError naming the file, the field and the reason."""
    if isinstance(raw, dict) and raw.get("source") not in (None, "ksyun"):
        raise InputError.single(name, "source", f"a tables file of the {raw['source']} source, not of ksyun")
    try:
        return KsyunTablesFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(name, problems_from_validation(exc.errors(), raw)) from exc


def load_tables(path: Path | None) -> Tables:
    """The built-in tables, with the entries of the operator's file (if any) laid over them."""
    if path is None:
        return Tables()
    name = str(path)
    raw = load_json(path, "a JSON object of ksyun tables (families, instance_states, volume_tiers)")
    return tables_from(parse_tables(raw, name), name)


def tables_from(given: KsyunTablesFile, origin: str) -> Tables:
    """The built-in tables with `given`'s entries laid over them; blank entries (null) are kept out of the
    lookups (so they stay unknown) and remembered in `blanks`."""
    families = dict(DEFAULT_FAMILIES)
    states = dict(DEFAULT_INSTANCE_STATES)
    tiers = dict(DEFAULT_VOLUME_TIERS)
    basis: dict[tuple[str, str], Basis] = {}
    blanks: dict[tuple[str, str], tuple[str, ...]] = {}
    for key, family in given.families.items():
        blank = tuple(name for name in ("cpu_ghz", "arch") if getattr(family, name) is None)
        if blank:
            blanks[(FAMILIES, key)] = blank
        if len(blank) < 2:
            families[key] = Family(family.cpu_ghz, family.arch)
        basis[(FAMILIES, key)] = Basis(origin, family.evidence)
    counting: dict[str, dict[str, bool]] = {REMOTE_ACCESS: {}, WAF_PRODUCT_GROUPS: {}}
    listed: tuple[tuple[str, Mapping[str, CountsEntry]], ...] = (
        (REMOTE_ACCESS, {str(key): entry for key, entry in given.remote_access.items()}),
        (WAF_PRODUCT_GROUPS, given.waf_product_groups),
    )
    for table, counts_entries in listed:
        for key, counts_entry in counts_entries.items():
            basis[(table, key)] = Basis(origin, counts_entry.evidence)
            if counts_entry.counts is None:
                blanks[(table, key)] = ("counts",)
            else:
                counting[table][key] = counts_entry.counts
    for key, state_entry in given.instance_states.items():
        state, evidence = _value(state_entry, "state")
        _lay(states, INSTANCE_STATES, key, state, Basis(origin, evidence), basis, blanks)
    for key, tier_entry in given.volume_tiers.items():
        tier, evidence = _value(tier_entry, "tier")
        _lay(tiers, VOLUME_TIERS, key, tier, Basis(origin, evidence), basis, blanks)
    return Tables(
        families=families,
        instance_states=states,
        volume_tiers=tiers,
        remote_access=counting[REMOTE_ACCESS],
        waf_product_groups=counting[WAF_PRODUCT_GROUPS],
        origin=origin,
        basis=basis,
        blanks=blanks,
    )


def _value(entry: Any, attribute: str) -> tuple[Any, str | None]:
    """(the value, the evidence) of a short (`"running"`) or full (`{"state": ..., "evidence": ...}`) entry."""
    return (entry, None) if isinstance(entry, str) else (getattr(entry, attribute), entry.evidence)


def _lay(
    target: dict[str, Any],
    table: str,
    key: str,
    value: Any,
    given: Basis,
    basis: dict[tuple[str, str], Basis],
    blanks: dict[tuple[str, str], tuple[str, ...]],
) -> None:
    """Lay one entry over the defaults; a blank one removes the default too (it says it is not to be trusted)."""
    if value is None:
        blanks[(table, key)] = ("state" if table == INSTANCE_STATES else "tier",)
        target.pop(key, None)
    else:
        target[key] = value
    basis[(table, key)] = given


def blank_problems(given: KsyunTablesFile) -> list[Problem]:
    """What a tables file still leaves to fill in: blank fields, and filled entries without evidence."""
    problems = []
    for key, family in given.families.items():
        blank = [name for name in ("cpu_ghz", "arch") if getattr(family, name) is None]
        if blank:
            problems.append(Problem(f"{FAMILIES}.{key}", f"blank: {', '.join(blank)}"))
        elif family.evidence is None:
            problems.append(Problem(f"{FAMILIES}.{key}.evidence", "no evidence for cpu_ghz, arch"))
    for table, entries, attribute in (
        (INSTANCE_STATES, given.instance_states, "state"),
        (VOLUME_TIERS, given.volume_tiers, "tier"),
    ):
        for key, entry in entries.items():
            if isinstance(entry, str):
                continue  # the short form states a value; it has no place for evidence
            if getattr(entry, attribute) is None:
                problems.append(Problem(f"{table}.{key}", f"blank: {attribute}"))
            elif entry.evidence is None:
                problems.append(Problem(f"{table}.{key}.evidence", f"no evidence for {attribute}"))
    counted: tuple[tuple[str, Mapping[str, CountsEntry]], ...] = (
        (REMOTE_ACCESS, {str(key): entry for key, entry in given.remote_access.items()}),
        (WAF_PRODUCT_GROUPS, given.waf_product_groups),
    )
    for name, counts_entries in counted:
        for key, counts_entry in counts_entries.items():
            if counts_entry.counts is None:
                problems.append(Problem(f"{name}.{key}", "blank: counts"))
            elif counts_entry.evidence is None:
                problems.append(Problem(f"{name}.{key}.evidence", "no evidence for counts"))
    return problems
