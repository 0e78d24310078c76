"""The pulumi source: a stack's state from `pulumi stack export` files and live through the real pulumi CLI
(a local file backend holding the fixture, imported with `pulumi stack import`).

tests/data/pulumi/stack-prod.json with tables.json, hand-computed:
- instances: app-1 S6.4B (4 vCPU, 8 GiB, S6 = 2.6 GHz x86) active; app-2 S6.8C (8 vCPU, 32 GiB) stopped
  (counts); legacy N3.2B (2 vCPU, 4 GiB, N3 = 2.2 GHz) below 2.4 GHz. vCPU = 4 + 8 = 12; memory = 8 + 32 + 4 = 44.
- volumes: data-1 EHDD 500 -> standard 500; db-1 ESSD_PL1 200 + db-2 SSD3.0 300 -> performance 500.
- EIPs ip-1 (20 Mbps) and ip-2 (1 Mbps, joined the shared bandwidth `shared` of 100 Mbps): public IPs 2,
  bandwidth = 20 + 100 = 120 (ip-2's own 1 Mbps is not counted beside the package).
- one SLB: 1 load balancer. The VPC is ignored; the KS3 bucket type is not mapped: unrecognized.
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.messages import plain_text
from reconciler.core.observation import Bandwidth
from reconciler.sources.pulumi.mapping import StackInventory
from reconciler.sources.pulumi.source import load_tables
from tests.cli_runner import CliResult, run_cli
from tests.pulumi_support import engine_bin

DATA = Path(__file__).parent / "data" / "pulumi"
STACK = DATA / "stack-prod.json"
TABLES = DATA / "tables.json"
NOW = "2026-11-25T09:00:00+08:00"
EXPECTED = {
    "compute.vcpu": "12",
    "compute.memory": "44",
    "storage.standard": "500",
    "storage.performance": "500",
    "network.bandwidth": "120",
    "network.public_ip": "2",
    "network.load_balancer": "1",
}


def supplied(report: dict[str, Any]) -> dict[str, str]:
    return {f["line_item"]: f["supplied"] for f in report["findings"] if f["status"] != "not_observed"}


def check(*args: str | Path, tables: Path | None = TABLES) -> CliResult:
    options: list[str | Path] = ["check", "--source", "pulumi", "--now", NOW, "--format", "json", *args]
    if tables is not None:
        options += ["--source-option", f"pulumi.tables={tables}"]
    return run_cli(*options)


def test_the_export_gives_the_hand_computed_supply() -> None:
    result = check("--from-file", STACK)
    assert result.exit_code == 1, result.stderr
    report = result.json()
    assert supplied(report) == EXPECTED
    findings = {f["line_item"]: f for f in report["findings"]}
    assert findings["compute.vcpu"]["evidence"]["contributing"] == [
        "f1e2d3c4-0001-4a00-9000-000000000001",  # the cloud ids: counted once beside the ksyun source
        "f1e2d3c4-0002-4a00-9000-000000000002",
    ]
    assert findings["compute.vcpu"]["evidence"]["nonconforming"][0]["ids"] == ["f1e2d3c4-0003-4a00-9000-000000000003"]
    assert findings["network.bandwidth"]["evidence"]["contributing"] == [
        "b0050000-0001-4000-8000-000000000001",
        "e1p00000-0001-4000-8000-000000000001",
    ]
    source = report["sources"][0]
    assert source["covers"] == ["bandwidth", "load_balancer", "public_ip", "vm", "volume"]
    assert source["failed"] == {}
    assert [u["name"] for u in source["unrecognized"]] == ["ksyun:index/ks3Bucket:Ks3Bucket"]
    assert report["observed_at"] == "2026-11-24T18:00:00.123456+08:00"  # the state's manifest time


def test_instance_types_missing_from_the_table_widen_compute_to_bounds(tmp_path: Path) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(json.dumps({"instance_types": {"S6": {"cpu_ghz": "2.6", "arch": "x86_64"}}}))
    result = check("--from-file", STACK, tables=tables)
    report = result.json()
    findings = {f["line_item"]: f for f in report["findings"]}
    vcpu = findings["compute.vcpu"]
    # S6 has a clock and an architecture but no vCPU/memory; N3 nothing: no VM's amount is known
    assert (vcpu["status"], vcpu["supplied_lower"], vcpu["supplied_upper"]) == ("unknown", "0", None)
    assert vcpu["possible"] == ["short", "met", "over"]
    groups = {(g["counts"], tuple(g["unknown"])): g["count"] for g in vcpu["evidence"]["uncertain"]}
    assert groups == {("certainly", ("vcpu",)): 2, ("possibly", ("arch", "cpu_ghz", "vcpu")): 1}
    source = report["sources"][0]
    assert source["failed"] == {}
    assert "S6.4B: 1 (app-1)" in source["detail"]["text"]
    assert "N3.2B: 1 (legacy)" in source["detail"]["text"]


def test_without_tables_nothing_is_guessed() -> None:
    report = check("--from-file", STACK, tables=None).json()
    findings = {f["line_item"]: f for f in report["findings"]}
    assert findings["compute.vcpu"]["status"] == findings["compute.memory"]["status"] == "unknown"
    assert "instance-type table" in report["sources"][0]["detail"]["text"]
    assert supplied(report)["storage.performance"] == "500"  # volume types, EIPs and SLBs need no operator table


def test_a_stack_with_only_some_kinds_covers_only_those(tmp_path: Path) -> None:
    data = json.loads(STACK.read_text(encoding="utf-8"))
    data["deployment"]["resources"] = [r for r in data["deployment"]["resources"] if "volume" not in r["type"]]
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(data))
    statuses = {f["line_item"]: f["status"] for f in check("--from-file", path).json()["findings"]}
    assert statuses["storage.standard"] == "not_observed"
    covered = check("--from-file", path, "--source-option", "pulumi.covers=vm,volume").json()
    assert supplied(covered)["storage.standard"] == "0"


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        (lambda d: d.update(version=2), "version", "expected deployment version 3"),
        (lambda d: d.pop("deployment"), "deployment", "required field is missing"),
        (lambda d: d["deployment"].update(resources={}), "deployment.resources", "expected a list"),
        (
            lambda d: d["deployment"]["resources"][6]["outputs"].update(size="big"),
            "deployment.resources[6](data-1).outputs.size",
            "expected a non-negative number",
        ),
        (
            lambda d: d["deployment"]["resources"][3].pop("id"),
            "deployment.resources[3](app-1).id",
            "required field is missing",
        ),
        (
            lambda d: d["deployment"]["resources"][3]["outputs"].update(
                instanceType={"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}
            ),
            "deployment.resources[3](app-1).outputs.instanceType",
            "is a secret",
        ),
    ],
)
def test_bad_exports_name_file_field_and_reason(tmp_path: Path, mutate: Any, field: str, reason: str) -> None:
    data = json.loads(STACK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(data))
    result = check("--from-file", path)
    assert result.exit_code == 2
    assert f"{path}: {field}: " in result.stderr, result.stderr
    assert reason in result.stderr


def test_a_bad_tables_file_is_an_input_error(tmp_path: Path) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(json.dumps({"types": {"ksyun:index/kcs:Kcs": "cache"}, "instance_types": {"X": {"vcpu": 1.5}}}))
    result = check("--from-file", STACK, tables=tables)
    assert result.exit_code == 2
    assert f"{tables}: types.ksyun:index/kcs:Kcs: expected one of instance" in result.stderr
    assert f"{tables}: instance_types.X.vcpu: expected a whole number" in result.stderr


# -- live, through the real pulumi CLI on a local file backend --------------------------------------------


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file backend holding the fixture as stack organization/gov-cloud/prod (real `pulumi stack import`)."""
    cli = engine_bin() / "pulumi"  # built by `make test` (scripts/install-pulumi.sh); missing = failure
    env = {
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "test-only",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("RECONCILER_PULUMI_CLI", str(cli))
    (tmp_path / "home").mkdir()
    (tmp_path / "state").mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: gov-cloud\nruntime: python\n")
    for command in (["stack", "init", "prod"], ["stack", "import", "--file", str(STACK)]):
        subprocess.run(
            [cli, *command, "--non-interactive"], cwd=project, env=os.environ, check=True, capture_output=True
        )
    return project


@pytest.mark.engine
def test_live_export_through_the_cli_gives_the_same_answers(backend: Path) -> None:
    result = check("--source-option", "pulumi.stack=organization/gov-cloud/prod")
    assert result.exit_code == 1, result.stderr
    report = result.json()
    assert supplied(report) == EXPECTED
    assert report["sources"][0]["name"] == "pulumi:organization/gov-cloud/prod"
    assert report["observed_at"] == "2026-11-24T18:00:00.123456+08:00"


@pytest.mark.engine
def test_a_stack_the_cli_cannot_export_is_unknown(backend: Path) -> None:
    result = check("--source-option", "pulumi.stack=organization/gov-cloud/missing")
    assert result.exit_code == 3
    report = result.json()
    statuses = {f["line_item"]: f["status"] for f in report["findings"]}
    assert {item for item, status in statuses.items() if status == "unknown"} == set(EXPECTED)
    reason = report["sources"][0]["failed"]["vm"]["text"]
    assert "pulumi stack export failed" in reason
    assert "no stack named" in reason
    assert "test-only" not in result.stdout + result.stderr  # the passphrase is never shown


def test_a_live_check_needs_a_stack() -> None:
    result = check()
    assert result.exit_code == 2
    assert "name a stack" in result.stderr


def _eip_state() -> list[dict[str, Any]]:
    """Two EIPs in cn-shanghai-2, one joined to shared bandwidth by an association listed after it."""
    prefix = "urn:pulumi:prod::gov-cloud::"
    eip = "ksyun:index/eip:Eip"
    return [
        {
            "urn": f"{prefix}{eip}::own",
            "custom": True,
            "id": "eip-own",
            "type": eip,
            "outputs": {"bandWidth": 20, "publicIp": "120.92.20.1", "region": "cn-shanghai-2"},
        },
        {
            "urn": f"{prefix}{eip}::shared",
            "custom": True,
            "id": "eip-shared",
            "type": eip,
            "outputs": {"bandWidth": 1, "publicIp": "120.92.20.2", "region": "cn-shanghai-2"},
        },
        {
            "urn": f"{prefix}ksyun:index/bwsAssociate:BwsAssociate::join",
            "custom": True,
            "id": "join",
            "type": "ksyun:index/bwsAssociate:BwsAssociate",
            "outputs": {"allocationId": "eip-shared", "bandWidthShareId": "bws-1"},
        },
    ]


def _inventory() -> StackInventory:
    inventory = StackInventory(load_tables(TABLES))
    for resource in _eip_state():
        inventory.add(resource)
    return inventory


def test_the_report_counts_eip_bandwidth_whether_or_not_resources_were_read_first() -> None:
    before = _inventory().report("pulumi:x", plain_text("x"), None)  # report first: nothing read yet
    inventory = _inventory()
    resources = inventory.resources()
    after = inventory.report("pulumi:x", plain_text("x"), None)
    assert before.resource_count == after.resource_count == len(resources) == 3  # 2 public IPs, 1 bandwidth
    assert inventory.resources() == resources  # asking again changes nothing


def test_an_eips_own_bandwidth_keeps_its_region() -> None:
    bandwidths = [r for r in _inventory().resources() if isinstance(r, Bandwidth)]
    assert [(b.id, b.region, b.mbps) for b in bandwidths] == [("eip-own", "cn-shanghai-2", Decimal(20))]


@pytest.mark.parametrize(
    ("value", "reason"),
    [("soon", "expected a number, found 'soon'"), ("nan", "expected a number, found"), ("0", "must be at least")],
)
def test_a_bad_timeout_is_refused_naming_the_setting(value: str, reason: str) -> None:
    result = check("--from-file", STACK, "--source-option", f"pulumi.timeout={value}")
    assert result.exit_code == 2
    assert f"<pulumi settings>: pulumi.timeout: {reason}" in result.stderr, result.stderr


def test_a_state_holding_a_resource_twice_is_incomplete(tmp_path: Path) -> None:
    """A state contradicts itself when it holds one URN twice (old copies pending deletion aside)."""
    data = json.loads(STACK.read_text(encoding="utf-8"))
    resources = data["deployment"]["resources"]
    instance = next(r for r in resources if r["type"] == "ksyun:index/instance:Instance")
    resources.append(instance)
    resources.append({**next(r for r in resources if r["type"] == "ksyun:index/volume:Volume"), "delete": True})
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(data))
    findings = {f["line_item"]: f for f in check("--from-file", path).json()["findings"]}
    assert (findings["compute.vcpu"]["status"], findings["compute.vcpu"]["supplied_upper"]) == ("unknown", None)
    assert f"the state {path}: app-1 listed more than once" in findings["compute.vcpu"]["reason"]["text"]
    assert findings["storage.standard"]["supplied"] == EXPECTED["storage.standard"]  # a copy pending deletion
    assert supplied(check("--from-file", STACK, "--from-file", STACK).json()) == EXPECTED  # one state, given twice


def test_a_planned_instance_whose_type_is_known_only_after_apply_may_count(tmp_path: Path) -> None:
    """The engine writes its unknown value for app-2's type (a preview of a change): app-2's vCPU, memory, clock
    and architecture are unknown. vCPU: app-1's 4 for certain, no upper bound; the detail names it."""
    data = json.loads(STACK.read_text(encoding="utf-8"))
    [app2] = [r for r in data["deployment"]["resources"] if r.get("urn", "").endswith("::app-2")]
    app2["outputs"]["instanceType"] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(data))
    report = check("--from-file", path).json()
    vcpu = next(f for f in report["findings"] if f["line_item"] == "compute.vcpu")
    assert (vcpu["supplied_lower"], vcpu["supplied_upper"], vcpu["status"]) == ("4", None, "unknown")
    assert [(g["counts"], g["unknown"]) for g in vcpu["evidence"]["uncertain"]] == [
        ("possibly", ["arch", "cpu_ghz", "vcpu"])
    ]
    assert (
        "unknown until apply, counted as unknown (bounds): instanceType: 1 (app-2)"
        in report["sources"][0]["detail"]["text"]
    )
