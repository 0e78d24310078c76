"""The fleet file as data: every contract to check, its sources and settings, its owner and notification targets.

Read by `fleet.load` (validation, paths, secrets from the environment); its JSON Schema is published by
`reconciler schema fleet`. Pure data.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
"""A contract's or target's name: lower-case letters, digits and dashes (it names files, labels and URLs)."""
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Lang = Literal["zh", "en"]
VmState = Literal["running", "stopped", "terminated"]


def _counted_by_default() -> list[VmState]:
    return ["running", "stopped"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FromEnv(Strict):
    """A setting's value taken from an environment variable (a Kubernetes Secret), never written in the file."""

    env: EnvName


class FromPath(Strict):
    """A setting that names a file (credentials, tables, kubeconfig), relative to the fleet file."""

    path: str


class SourceEntry(Strict):
    """One source of a contract, as `check --source NAME [--from-file FILE]... [--source-option NAME.KEY=V]...`."""

    name: str = Field(description="a source of `reconciler sources`: ksyun, kubernetes, pulumi, terraform, snapshot")
    from_files: list[str] = Field(default_factory=list, description="native exports to read instead of the live API")
    settings: dict[str, str | FromEnv | FromPath] = Field(
        default_factory=dict,
        description='the source\'s settings; a secret one (keys) only as {"env": "VARIABLE"}; a file as {"path": ...}',
    )


class Owner(Strict):
    name_zh: str | None = None
    name_en: str | None = None
    email: str | None = None


class FleetContract(Strict):
    """One contract of the fleet: what `reconciler check` would be given for it."""

    name: Name
    contract: str = Field(description="its contract inventory file (relative to the fleet file)")
    observed: str | None = Field(None, description="a normalized observation snapshot (= a snapshot source)")
    sources: list[SourceEntry] = Field(default_factory=list)
    attest: list[str] = Field(default_factory=list, description="attestation files (check --attest)")
    count_states: list[VmState] | None = Field(
        None, description="VM states that count as supplied (default running, stopped)"
    )
    owner: Owner | None = None
    notify: list[Name] | None = Field(None, description="targets told of its changes (default: the fleet's)")
    lang: Lang | None = Field(None, description="language of its reports' links and e-mails (default: the fleet's)")


TargetKind = Literal["webhook", "dingtalk", "wecom", "feishu", "slack", "email"]


class Target(Strict):
    """Where notifications go. Robot URLs hold their access token: give them as `url_env`."""

    kind: TargetKind
    url: str | None = Field(None, description="the endpoint (webhook and Slack URLs without a secret)")
    url_env: EnvName | None = Field(None, description="the variable holding the endpoint (robots: it holds a token)")
    secret_env: EnvName | None = Field(
        None, description="the signing secret's variable: webhook (HMAC of the body), DingTalk and Feishu (加签)"
    )
    to: list[str] = Field(default_factory=list, description="e-mail recipients")
    lang: Lang = "zh"


class Smtp(Strict):
    host: str
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    sender: str
    username_env: EnvName | None = None
    password_env: EnvName | None = None


class Delivery(Strict):
    """How hard a notification is tried: attempts with exponential waits, all within a deadline."""

    attempts: int = Field(5, ge=1, le=20)
    deadline_seconds: float = Field(60, gt=0, le=3600)
    timeout_seconds: float = Field(10, gt=0, le=300)
    first_wait_seconds: float = Field(1, ge=0, le=60)


class Defaults(Strict):
    lang: Lang = "zh"
    notify: list[Name] = Field(default_factory=list, description="targets of every contract that names none")
    count_states: list[VmState] = Field(default_factory=_counted_by_default)
    period_ending_days: int = Field(30, ge=1, le=365, description="days before the service period ends to say so")


class FleetFile(Strict):
    """The fleet file: contract-reconciler/fleet, version 1."""

    schema_: Literal["contract-reconciler/fleet"] = Field(alias="schema")
    version: Literal[1]
    title_zh: str = "政务云合同容量"
    title_en: str = "Government cloud contract capacity"
    report_url: str | None = Field(
        None, description="where `fleet report` is published (https://.../fleet/): messages link to it"
    )
    defaults: Defaults = Field(default_factory=Defaults)
    targets: dict[Name, Target] = Field(default_factory=dict)
    smtp: Smtp | None = None
    delivery: Delivery = Field(default_factory=Delivery)
    contracts: list[FleetContract] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)
