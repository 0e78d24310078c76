"""The ksyun source's mapping tables: instance family -> CPU clock and architecture, instance state -> VM state,
volume type -> tier. Built-in defaults here; an operator's JSON file (setting `ksyun.tables`) overrides them
entry by entry. Documented in docs/sources.md. No I/O but reading that one file.

No Kingsoft API tells an instance's CPU clock, so the family table starts EMPTY: the operator states each
family's clock (and architecture) from the instance-type documentation or the contract's annexes. An instance
of a family missing from the table is never guessed: it is counted with its clock and architecture unknown, so
it widens the bounds of vCPU and memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from reconciler.base.errors import InputError, problems_from_validation
from reconciler.base.jsonio import load_json
from reconciler.base.numbers import strict_number
from reconciler.core.observation import Arch, Tier, VmState


@dataclass(frozen=True)
class Family:
    """What the operator states about one instance family (`S6` of `S6.4B`)."""

    cpu_ghz: Decimal
    arch: Arch


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
    origin: str = "built-in"

    def family(self, instance_type: str) -> Family | None:
        """The family of an instance type (`S6.4B` -> `S6`), looked up case-sensitively."""
        return self.families.get(family_of(instance_type))

    def tier(self, volume_type: str) -> Tier | None:
        if volume_type in self.volume_tiers:
            return self.volume_tiers[volume_type]
        patterns = sorted((key for key in self.volume_tiers if key.endswith("*")), key=len, reverse=True)
        for pattern in patterns:
            if fnmatchcase(volume_type, pattern):
                return self.volume_tiers[pattern]
        return None


def family_of(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


Ghz = Annotated[Decimal, Field(gt=0, lt=100), BeforeValidator(strict_number)]


class _FamilyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cpu_ghz: Ghz
    arch: Arch = "x86_64"


class _TablesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    families: dict[Annotated[str, Field(min_length=1)], _FamilyEntry] = Field(default_factory=dict)
    instance_states: dict[Annotated[str, Field(min_length=1)], VmState] = Field(default_factory=dict)
    volume_tiers: dict[Annotated[str, Field(min_length=1)], Tier] = Field(default_factory=dict)


def load_tables(path: Path | None) -> Tables:
    """The built-in tables, with the entries of the operator's file (if any) laid over them."""
    if path is None:
        return Tables()
    name = str(path)
    raw = load_json(path, "a JSON object of ksyun tables (families, instance_states, volume_tiers)")
    try:
        given = _TablesFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(name, problems_from_validation(exc.errors(), raw)) from exc
    families = dict(DEFAULT_FAMILIES)
    families.update({key: Family(entry.cpu_ghz, entry.arch) for key, entry in given.families.items()})
    return Tables(
        families=families,
        instance_states={**DEFAULT_INSTANCE_STATES, **given.instance_states},
        volume_tiers={**DEFAULT_VOLUME_TIERS, **given.volume_tiers},
        origin=name,
    )
