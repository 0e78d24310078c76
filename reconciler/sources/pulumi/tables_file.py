"""The tables file of the `pulumi` and `terraform` sources (setting `tables`) as a published JSON Schema.

Read by `reconciler schema tables` (app/schemas.py). The file itself is read and checked by `load_tables`
(source.py), which names the file, the field and the reason of each problem; tests check that both agree on
every tables file the project ships. Every entry may carry its `evidence` (where its figures come from), which
the check shows beside every figure that rests on the entry.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Number = Annotated[
    float | Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?$")],
    Field(description='a positive number, or its decimal text (exact: "2.6")'),
]
Evidence = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=2000,
        description="where the figures come from: a document, a ticket, an lscpu output (shown with every figure "
        "that rests on the entry)",
    ),
]
Tier = Literal["standard", "performance"]
VmState = Literal["running", "stopped", "terminated"]
Reader = Literal["instance", "volume", "eip", "bandwidth", "bandwidth_association", "load_balancer", "ignore"]


class PulumiInstanceType(BaseModel):
    """What the operator states about an instance type (`S6.4B`), a family (`S6`) or every type (`*`); the more
    specific entry wins field by field."""

    model_config = ConfigDict(extra="forbid")
    vcpu: Annotated[int, Field(gt=0)] | None = None
    memory_gib: Number | None = None
    cpu_ghz: Number | None = Field(None, description="the CPU clock in GHz (the contract counts >= 2.4)")
    arch: Literal["x86_64", "aarch64"] | None = None
    evidence: Evidence = None


class PulumiTierEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier: Tier
    evidence: Evidence = None


class PulumiStateEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: VmState
    evidence: Evidence = None


class PulumiTablesFile(BaseModel):
    """A tables file of the pulumi or terraform source: entries laid over the built-in tables (docs/sources.md,
    "The pulumi source")."""

    model_config = ConfigDict(extra="forbid", title="pulumi and terraform tables")
    types: dict[str, Reader] = Field(
        default_factory=dict, description="resource type token (or Terraform resource type) -> how it is read"
    )
    instance_types: dict[str, PulumiInstanceType] = Field(default_factory=dict)
    volume_types: dict[str, Tier | PulumiTierEntry] = Field(
        default_factory=dict, description="volume type (a trailing * matches any suffix) -> tier"
    )
    vm_states: dict[str, VmState | PulumiStateEntry] = Field(
        default_factory=dict, description="instance status -> the normalized state"
    )
