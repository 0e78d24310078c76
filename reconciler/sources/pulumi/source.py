"""The `pulumi` source: the resources a Pulumi stack declares, from `pulumi stack export` JSON files or by
running `pulumi stack export --stack NAME` (the CLI the Automation API drives) when a stack is named; with the
setting `plan`, the stack as it will be after the change a `pulumi preview --json` shows (plan.py).

Registered in reconciler/sources/__init__.py; opened by a check. Reads the deployment (version 3),
maps its resources through mapping.py; bad files are InputErrors naming file, field and reason; a stack
the CLI cannot export makes every kind of this source `unknown`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from reconciler.base.errors import InputError, Problem, json_type_name
from reconciler.base.jsonio import json_object, load_json, load_json_object, parse_json
from reconciler.base.messages import Message, message, plain_text
from reconciler.base.numbers import exact_number
from reconciler.base.recognize import refuse_other_format
from reconciler.base.text import printable
from reconciler.core.observation import MAX_COUNT, MAX_SIZE, Observation
from reconciler.dates.clock import instant_problem
from reconciler.sources.base import (
    CollectedSource,
    Setting,
    SourceRequest,
    SourceSpec,
    failed_report,
    number_setting,
    parse_covers,
)
from reconciler.sources.pulumi.mapping import (
    BUILTIN_TYPES,
    BUILTIN_VM_STATES,
    BUILTIN_VOLUME_TYPES,
    KINDS,
    MAPPERS,
    PLANNED,
    PulumiTables,
    StackInventory,
    StateError,
    VmType,
)
from reconciler.sources.pulumi.plan import PREVIEW_DOCUMENT, apply_preview

NAME: Final = "pulumi"
MAX_PROBLEMS: Final = 20
DEFAULT_CLI: Final = Path.home() / ".cache/contract-reconciler/pulumi/3.274.1/bin/pulumi"

SETTINGS: Final = (
    Setting("stack", "stack to export live with the pulumi CLI (e.g. organization/gov-cloud/prod)", env="PULUMI_STACK"),
    Setting("cwd", "directory to run the pulumi CLI in (a project directory, for short stack names)", path="file"),
    Setting(
        "cli",
        f"the pulumi CLI (default: `pulumi` on PATH, else {DEFAULT_CLI})",
        env="RECONCILER_PULUMI_CLI",
        path="command",
    ),
    Setting(
        "timeout",
        "seconds for the whole source: `pulumi stack export` and whatever it starts are killed after it",
        default="120",
    ),
    Setting(
        "tables",
        "JSON file extending the tables: types (token -> instance|volume|eip|bandwidth|bandwidth_association|"
        "load_balancer|ignore), instance_types, volume_types, vm_states (docs/sources.md)",
        env="RECONCILER_PULUMI_TABLES",
        path="file",
    ),
    Setting("covers", "kinds the stack declares completely (default: the kinds it holds a resource of)"),
    Setting(
        "plan",
        "`pulumi preview --json` output of a change to the stack: observe the stack as it will be once applied "
        "(its export with the preview's steps applied; one export file, or the live stack)",
        path="file",
    ),
)


def load_tables(path: Path | None) -> PulumiTables:
    """The built-in tables extended by the operator's JSON file."""
    types, volume_types, states = dict(BUILTIN_TYPES), dict(BUILTIN_VOLUME_TYPES), dict(BUILTIN_VM_STATES)
    instance_types: dict[str, VmType] = {}
    if path is None:
        return PulumiTables(types, instance_types, volume_types, states)
    where = str(path)
    data = load_json_object(path, "a JSON object of tables (types, instance_types, volume_types, vm_states)")
    problems: list[Problem] = []
    known = {"types", "instance_types", "volume_types", "vm_states"}
    problems += [Problem(k, f"unknown table (known: {', '.join(sorted(known))})") for k in sorted(set(data) - known)]

    def table(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            problems.append(Problem(key, "expected an object"))
            return {}
        return value

    for token, mapper in table("types").items():
        if mapper not in MAPPERS:
            problems.append(Problem(f"types.{token}", f"expected one of {', '.join(MAPPERS)}"))
        else:
            types[token] = mapper
    evidence: dict[tuple[str, str], str] = {}
    for name, given_tier in table("volume_types").items():
        tier = _entry_value(given_tier, "tier", f"volume_types.{name}", problems, evidence)
        if tier not in ("standard", "performance"):
            problems.append(Problem(f"volume_types.{name}", "expected standard or performance"))
        else:
            volume_types[name] = tier
    for name, given_state in table("vm_states").items():
        state = _entry_value(given_state, "state", f"vm_states.{name}", problems, evidence)
        if state not in ("running", "stopped", "terminated"):
            problems.append(Problem(f"vm_states.{name}", "expected running, stopped or terminated"))
        else:
            states[name] = state
    for key, entry in table("instance_types").items():
        parsed = _vm_type(entry, f"instance_types.{key}", problems, evidence)
        if parsed is not None:
            instance_types[key] = parsed
    if problems:
        raise InputError(where, problems)
    given = frozenset((name, key) for name in ("instance_types", "volume_types", "vm_states") for key in table(name))
    return PulumiTables(types, instance_types, volume_types, states, origin=where, given=given, evidence=evidence)


MAX_EVIDENCE: Final = 2000
"""Characters of an entry's `evidence` (as in the ksyun and kubernetes tables)."""


def _evidence(
    entry: Mapping[str, Any], where: str, problems: list[Problem], evidence: dict[tuple[str, str], str]
) -> None:
    """Note an entry's `evidence` (optional: where its figures come from) under its (table, key)."""
    if "evidence" not in entry or entry["evidence"] is None:
        return
    text = entry["evidence"]
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_EVIDENCE:
        problems.append(Problem(f"{where}.evidence", f"expected text of 1 to {MAX_EVIDENCE} characters"))
        return
    table, _, key = where.partition(".")
    evidence[(table, key)] = printable(text)


def _entry_value(
    entry: Any, name: str, where: str, problems: list[Problem], evidence: dict[tuple[str, str], str]
) -> Any:
    """The value of a short (`"standard"`) or full (`{"tier": "standard", "evidence": "..."}`) entry."""
    if not isinstance(entry, dict):
        return entry
    problems += [
        Problem(f"{where}.{k}", f"unknown field (known: {name}, evidence)")
        for k in entry
        if k not in (name, "evidence")
    ]
    _evidence(entry, where, problems, evidence)
    return entry.get(name)


def _vm_type(entry: Any, where: str, problems: list[Problem], evidence: dict[tuple[str, str], str]) -> VmType | None:
    if not isinstance(entry, dict):
        problems.append(Problem(where, "expected an object with vcpu, memory_gib, cpu_ghz, arch"))
        return None
    _evidence(entry, where, problems, evidence)
    fields = {"vcpu", "memory_gib", "cpu_ghz", "arch", "evidence"}
    problems += [
        Problem(f"{where}.{k}", f"unknown field (known: {', '.join(sorted(fields))})") for k in entry if k not in fields
    ]
    values: dict[str, Any] = {}
    for key in ("vcpu", "memory_gib", "cpu_ghz"):
        if key not in entry:
            continue
        raw = entry[key]
        number = exact_number(raw) if not isinstance(raw, float) else None
        if number is None or not number.is_finite() or number <= 0 or (key == "cpu_ghz" and number >= 100):
            problems.append(Problem(f"{where}.{key}", "expected a positive number"))
        elif number > (most := MAX_COUNT if key == "vcpu" else MAX_SIZE):
            problems.append(Problem(f"{where}.{key}", f"larger than any real machine (at most {most:,})"))
        elif key == "vcpu" and number != number.to_integral_value():
            problems.append(Problem(f"{where}.{key}", "expected a whole number"))
        else:
            values[key] = int(number) if key == "vcpu" else number
    if "arch" in entry:
        if entry["arch"] not in ("x86_64", "aarch64"):
            problems.append(Problem(f"{where}.arch", "expected x86_64 or aarch64"))
        else:
            values["arch"] = entry["arch"]
    return VmType(**values)


_FRACTION = re.compile(r"(\.[0-9]{6})[0-9]+")


def manifest_time(deployment: Mapping[str, Any]) -> datetime | None:
    """When the state was last written (`deployment.manifest.time`, RFC 3339 with nanoseconds)."""
    manifest = deployment.get("manifest")
    text = manifest.get("time") if isinstance(manifest, dict) else None
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(_FRACTION.sub(r"\1", text.replace("Z", "+00:00")))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


EXPORT_DOCUMENT: Final = "`pulumi stack export` output (a JSON object)"


def read_deployment(
    data: Any, where: str, inventory: StackInventory, plan: tuple[Any, str] | None = None
) -> datetime | None:
    """Add the resources of one decoded `pulumi stack export` document, with the steps of a decoded `pulumi
    preview --json` (and its file) applied when `plan` is given; returns the export's manifest time."""
    data = json_object(data, where, EXPORT_DOCUMENT)
    version = data.get("version")
    if version != 3 or not isinstance(data.get("deployment"), dict):
        refuse_other_format(data, where, "pulumi_export", "pulumi")
    if version != 3:
        raise InputError.single(where, "version", f"expected deployment version 3, found {version!r}")
    deployment = data.get("deployment")
    if not isinstance(deployment, dict):
        raise InputError.single(where, "deployment", "required field is missing")
    resources = deployment.get("resources", [])
    if not isinstance(resources, list):
        raise InputError.single(where, "deployment.resources", "expected a list")
    if plan is not None:
        resources, _ = apply_preview(resources, *plan)
        where = f"{where} with {plan[1]}"
    inventory.begin(where)
    problems: list[Problem] = []
    for index, resource in enumerate(resources):
        at = f"deployment.resources[{index}]"
        if isinstance(resource, dict) and resource.get(PLANNED):
            at = f"planned {resource[PLANNED]}"
        if not isinstance(resource, dict):
            problems.append(Problem(at, f"expected an object, found {json_type_name(resource)}"))
            continue
        urn = resource.get("urn")
        label = f"({urn.rsplit('::', 1)[-1]})" if isinstance(urn, str) else ""
        try:
            inventory.add(resource)
        except StateError as exc:
            problems.append(Problem(f"{at}{label}{exc.path}", exc.reason))
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem("", f"stopped after {MAX_PROBLEMS} problems"))
            break
    if problems:
        raise InputError(where, problems)
    moment = manifest_time(deployment)
    problem = None if moment is None else instant_problem(moment)
    if problem is not None:
        raise InputError.single(where, "deployment.manifest.time", problem)
    return moment


class PulumiSource(CollectedSource):
    def __init__(self, request: SourceRequest) -> None:
        super().__init__()
        self.request = request
        tables = request.settings.get("tables")
        self.tables = load_tables(Path(tables) if tables else None)
        self.covers = parse_covers(NAME, request.settings.get("covers"), KINDS)
        self.timeout = number_setting(NAME, {"timeout": "120", **request.settings}, "timeout", 0.001)

    def collect(self) -> Observation:
        inventory = StackInventory(self.tables)
        times: list[datetime] = []
        plan_file = self.request.settings.get("plan")
        plan = (load_json(Path(plan_file), PREVIEW_DOCUMENT), plan_file) if plan_file else None
        if self.request.from_files:
            if plan is not None and len(self.request.from_files) > 1:
                raise InputError.single(
                    f"<setting {NAME}.plan>", "plan", "a preview changes one stack: give one export with it"
                )
            for path in self.request.from_files:
                moment = read_deployment(load_json(path, EXPORT_DOCUMENT), str(path), inventory, plan)
                if moment is not None:
                    times.append(moment)
            name = f"{NAME}:{self.request.from_files[0]}"
            files = ", ".join(str(p) for p in self.request.from_files)
            detail = (
                message("detail_pulumi_export_plan", files=files, plan=str(plan_file))
                if plan_file
                else message("detail_pulumi_export", files=files)
            )
        else:
            stack = self.request.settings.get("stack")
            if not stack:
                raise InputError.single(
                    f"<setting {NAME}.stack>", "stack", "name a stack (pulumi.stack=...) or give --from-file FILE"
                )
            name = f"{NAME}:{stack}"
            detail = (
                message("detail_pulumi_stack_plan", stack=stack, plan=str(plan_file))
                if plan_file
                else message("detail_pulumi_stack", stack=stack)
            )
            observed_at = datetime.now(UTC)
            try:
                text = self._export(stack)
            except ExportFailed as exc:
                report = failed_report(name, KINDS, exc.reason, detail)
                return Observation(observed_at=observed_at, sources=(report,), resources=[])
            where = f"<pulumi stack export --stack {stack}>"
            document = parse_json(text, where, EXPORT_DOCUMENT, empty="no output")
            moment = read_deployment(document, where, inventory, plan)
            times.append(moment or observed_at)
        resources = inventory.resources()
        report = inventory.report(name, detail, self.covers, planned=plan is not None)
        observed_at = min(times) if times else (self.request.now or datetime.now(UTC))
        return Observation(observed_at=observed_at, sources=(report,), resources=resources)

    def _export(self, stack: str) -> str:
        settings = self.request.settings
        cli = settings.get("cli") or shutil.which("pulumi") or (str(DEFAULT_CLI) if DEFAULT_CLI.exists() else None)
        if cli is None:
            raise ExportFailed(message("cli_not_found", setting=f"{NAME}.cli"))
        timeout = self.timeout
        command = [cli, "stack", "export", "--stack", stack, "--non-interactive"]
        try:
            done = run_within(command, timeout, settings.get("cwd") or None)
        except subprocess.TimeoutExpired as exc:
            what = plain_text("pulumi stack export")
            reason = message("source_deadline", seconds=Decimal(f"{timeout:g}"), setting=f"{NAME}.timeout", what=what)
            raise ExportFailed(reason) from exc
        except OSError as exc:
            raise ExportFailed(message("cli_cannot_run", cli=cli, error=str(exc.strerror or exc))) from exc
        if done.returncode != 0:
            first = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "no message")
            failed = message("cli_failed", command="pulumi stack export", code=done.returncode, stderr=first[:300])
            raise ExportFailed(failed)
        return done.stdout


def run_within(command: list[str], timeout: float, cwd: str | None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a session of its own and wait at most `timeout` seconds for it to finish; past that, the
    whole session is killed (the CLI and the plugins it started, which could otherwise hold its pipes open) and
    TimeoutExpired raised."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, start_new_session=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


class ExportFailed(Exception):
    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


def open_pulumi(request: SourceRequest) -> PulumiSource:
    return PulumiSource(request)


SPEC: Final = SourceSpec(
    name=NAME,
    summary="A Pulumi stack's state: Kingsoft Cloud instances, volumes, EIPs, shared bandwidth, load balancers.",
    kinds=KINDS,
    native_file="`pulumi stack export` JSON (deployment version 3); repeatable",
    open=open_pulumi,
    settings=SETTINGS,
)
