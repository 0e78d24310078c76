"""The `terraform` source: the Kingsoft Cloud resources of a Terraform configuration, from `terraform show -json`
of a saved plan (the inventory once the plan is applied) or of the state.

Registered in reconciler/sources/__init__.py; opened by a check. Reads the document (show.py) and maps its
resources through the ksyun mapping the pulumi source uses (instance types resolve through the same tables);
bad files are InputErrors naming file, field and reason. `terraform plan -out tfplan && terraform show -json
tfplan > plan.json`, then `reconciler check --source terraform --from-file plan.json` (docs/terraform.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json
from reconciler.base.messages import Message, message
from reconciler.core.observation import Observation
from reconciler.sources.base import CollectedSource, Setting, SourceRequest, SourceSpec, parse_covers
from reconciler.sources.pulumi.mapping import KINDS, PulumiTables, StackInventory, StateError
from reconciler.sources.pulumi.source import load_tables
from reconciler.sources.terraform.show import SHOW_DOCUMENT, plan_time, show_resources, token

NAME: Final = "terraform"
MAX_PROBLEMS: Final = 20
_FILE_KEYS: Final = {"plan": "terraform_plan", "prior state": "terraform_prior", "state": "terraform_state"}
"""How the report's detail names each file read: as a plan, a plan's prior state, or a state."""

SETTINGS: Final = (
    Setting(
        "tables",
        "JSON file extending the tables, as for the pulumi source (docs/sources.md); `types` may name Terraform "
        "resource types (ksyun_instance) or bridged tokens",
        env="RECONCILER_TERRAFORM_TABLES",
        path="file",
    ),
    Setting("covers", "kinds the configuration declares completely (default: the kinds it holds a resource of)"),
    Setting("prior", "true: read a plan's prior state (the resources before the change) instead of the plan"),
)


def terraform_tables(path: Path | None) -> PulumiTables:
    """The pulumi source's tables, with Terraform resource types in `types` turned into the bridged tokens."""
    tables = load_tables(path)
    types = {token(key) if ":" not in key else key: mapper for key, mapper in tables.types.items()}
    return replace(tables, types=types)


class TerraformSource(CollectedSource):
    def __init__(self, request: SourceRequest) -> None:
        super().__init__()
        self.request = request
        tables = request.settings.get("tables")
        self.tables = terraform_tables(Path(tables) if tables else None)
        self.covers = parse_covers(NAME, request.settings.get("covers"), KINDS)
        if not request.from_files:
            raise InputError.single(
                f"<source {NAME}>", "--from-file", "give `terraform show -json` output of a plan or a state"
            )

    def collect(self) -> Observation:
        inventory = StackInventory(self.tables)
        times: list[datetime] = []
        kinds_of_document = []
        for path in self.request.from_files:
            document = load_json(path, SHOW_DOCUMENT)
            prior = self.request.settings.get("prior", "").lower() in ("true", "1", "yes")
            resources, is_plan = show_resources(document, str(path), prior)
            kinds_of_document.append("plan" if is_plan and not prior else "prior state" if is_plan else "state")
            problems: list[Problem] = []
            for resource in resources:
                try:
                    inventory.add(resource)
                except StateError as exc:
                    problems.append(Problem(f"{resource['urn']}{exc.path.replace('.outputs', '')}", exc.reason))
                if len(problems) >= MAX_PROBLEMS:
                    problems.append(Problem("", f"stopped after {MAX_PROBLEMS} problems"))
                    break
            if problems:
                raise InputError(str(path), problems)
            moment = plan_time(document)
            if moment is not None:
                times.append(moment)
        files = [
            message(_FILE_KEYS[kind], file=str(path))
            for path, kind in zip(self.request.from_files, kinds_of_document, strict=True)
        ]
        report = inventory.report(
            f"{NAME}:{self.request.from_files[0]}",
            message("detail_terraform", command="terraform show -json", files=files),
            self.covers,
            planned="plan" in kinds_of_document,
        )
        observed_at = min(times) if times else (self.request.now or datetime.now(UTC))
        return Observation(observed_at=observed_at, sources=(report,), resources=inventory.resources())


def reads_a_plan(sources: Iterable[Any], request: SourceRequest) -> bool:
    """Whether the terraform source of `request` read a plan, by the reports of a check's sources (the files
    its detail names as plans)."""
    name = f"{NAME}:{request.from_files[0]}" if request.from_files else None
    for source in sources:
        detail = getattr(source, "detail", None)
        if getattr(source, "name", None) != name or not isinstance(detail, Message):
            continue
        parts = detail.values["parts"] if detail.key == "sentences" else (detail,)
        for part in parts:
            if part.key == "detail_terraform":
                return any(file.key == "terraform_plan" for file in part.values["files"])
    return False


def open_terraform(request: SourceRequest) -> TerraformSource:
    return TerraformSource(request)


SPEC: Final = SourceSpec(
    name=NAME,
    summary="A Terraform configuration's Kingsoft Cloud resources (provider kingsoftcloud/ksyun): instances, "
    "volumes, EIPs, shared bandwidth, load balancers; of a saved plan, as they will be once it is applied.",
    kinds=KINDS,
    native_file="`terraform show -json` of a saved plan (`terraform plan -out`) or of the state; repeatable",
    open=open_terraform,
    settings=SETTINGS,
    live=False,
)
