"""Planned state as a source: `--source terraform` on `terraform show -json` of a plan or a state, and
`--source pulumi` on a stack export with the steps of `pulumi preview --json` applied (setting pulumi.plan).

The fixtures are the real engines' output on the test tenancy (tests/engines/README.md): with
tests/engines/tenancy-tables.json the applied tenancy supplies exactly 1232 vCPU, 2896 GB memory, 52116 GB
standard and 36582 GB performance storage, 200 Mbps, 3 public IPs and 2 load balancers. The scale-down removes
app-13 and app-14 (S6.64B: 2 x 64 vCPU, 2 x 128 GB), changes the eight db instances from S6.32C (32 vCPU,
128 GB) to S6.32B (32 vCPU, 64 GB) and deletes logs-1 (4116 GB EHDD): 1104 vCPU, 2128 GB, 48000 GB standard.
The grown plan adds two instances whose type the provider picks from their model: unknown until apply.
A mutated preview (property tests) ends in an exit code, never a traceback (terraform's plan is fuzzed with
the other exports in test_bad_exports.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cli_runner import CliResult, run_cli
from tests.conftest import dumps, snapshot_document, vm
from tests.test_bad_exports import VALUES
from tests.test_bad_input import FUZZ, Loc, deleted, leaves, members, replaced

ROOT = Path(__file__).resolve().parents[1]
TERRAFORM = ROOT / "tests" / "data" / "terraform"
PULUMI = ROOT / "tests" / "data" / "pulumi"
TABLES = ROOT / "tests" / "engines" / "tenancy-tables.json"
NOW = "2026-11-25T09:00:00+08:00"
APPLIED = {
    "compute.vcpu": "1232",
    "compute.memory": "2896",
    "storage.standard": "52116",
    "storage.performance": "36582",
    "network.bandwidth": "200",
    "network.public_ip": "3",
    "network.load_balancer": "2",
}
SCALED_DOWN = APPLIED | {"compute.vcpu": "1104", "compute.memory": "2128", "storage.standard": "48000"}


def check(source: str, *args: str | Path) -> CliResult:
    return run_cli(
        "check", "--source", source, "--source-option", f"{source}.tables={TABLES}",
        "--now", NOW, "--no-history", "--format", "json", *args,
    )  # fmt: skip


def findings(result: CliResult) -> dict[str, Any]:
    return {f["line_item"]: f for f in result.json()["findings"] if f["status"] != "not_observed"}


def supplied(result: CliResult) -> dict[str, str | None]:
    return {item: finding["supplied"] for item, finding in findings(result).items()}


def terraform(name: str, *args: str | Path) -> CliResult:
    return check("terraform", "--from-file", TERRAFORM / f"tenancy-{name}.json", *args)


def pulumi_plan(name: str) -> CliResult:
    return check(
        "pulumi", "--from-file", PULUMI / "tenancy-export.json",
        "--source-option", f"pulumi.plan={PULUMI / f'tenancy-preview-{name}.json'}",
    )  # fmt: skip


def test_terraform_state_gives_the_applied_tenancy() -> None:
    result = terraform("state")

    assert result.exit_code == 0, result.stdout + result.stderr
    assert supplied(result) == APPLIED


@pytest.mark.parametrize("run", [lambda: terraform("plan-scaled-down"), lambda: pulumi_plan("scaled-down")])
def test_a_planned_scale_down_is_short_before_anything_is_applied(run: Any) -> None:
    result = run()

    assert result.exit_code == 1, result.stdout + result.stderr
    assert supplied(result) == SCALED_DOWN
    assert {item for item, f in findings(result).items() if f["status"] == "short"} == {
        "compute.vcpu",
        "compute.memory",
        "storage.standard",
    }
    assert findings(result)["compute.vcpu"]["gap"] == "-128"


@pytest.mark.parametrize(
    ("run", "names"),
    [
        (
            lambda: terraform("plan-grown-from-model"),
            ('ksyun_instance.this["batch-1"]', 'ksyun_instance.this["batch-2"]'),
        ),
        (lambda: pulumi_plan("grown-from-model"), ("batch-1", "batch-2")),
    ],
)
def test_a_value_unknown_until_apply_widens_the_bounds_never_guessed(run: Any, names: tuple[str, str]) -> None:
    """Two instances of a type the provider picks from their model: vCPU and memory are at least what the
    tenancy holds, and anything more; not short, possibly over. The instances are named."""
    result = run()

    vcpu = findings(result)["compute.vcpu"]
    assert (vcpu["status"], vcpu["supplied_lower"], vcpu["supplied_upper"], vcpu["possible"]) == (
        "unknown",
        "1232",
        None,
        ["met", "over"],
    )
    assert vcpu["reason"]["key"] == "outcome_met_over"
    assert vcpu["reason"]["text"] == "not short; possibly over"
    detail = result.json()["sources"][0]["detail"]["text"]
    assert f"unknown until apply, counted as unknown (bounds): instanceType: 2 ({names[0]}, {names[1]})" in detail
    assert findings(result)["storage.standard"]["status"] == "met"


def test_a_first_plan_counts_new_resources_and_leaves_unlinkable_bandwidth_open() -> None:
    """Every resource is new: instances count (the provider creates them running), but which new EIP joins the
    new bandwidth share is unknown until apply: the shares count for certain, the EIPs' own bandwidth may."""
    result = terraform("plan-create")

    assert result.exit_code == 3
    got = supplied(result)
    assert {item: got[item] for item in ("compute.vcpu", "compute.memory", "network.public_ip")} == {
        "compute.vcpu": "1232",
        "compute.memory": "2896",
        "network.public_ip": "3",
    }
    bandwidth = findings(result)["network.bandwidth"]
    assert (bandwidth["status"], bandwidth["supplied_lower"], bandwidth["supplied_upper"]) == ("unknown", "150", None)
    assert "short" in bandwidth["possible"]
    assert 'allocation_id: 2 (ksyun_bws_associate.this["egress-1"]' in bandwidth["reason"]["text"]


def test_pulumi_preview_of_a_new_stack_on_an_empty_export(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"version": 3, "deployment": {"resources": []}}), encoding="utf-8")
    preview = PULUMI / "tenancy-preview-create.json"

    result = check("pulumi", "--from-file", empty, "--source-option", f"pulumi.plan={preview}")

    got = supplied(result)
    assert (got["compute.vcpu"], got["storage.performance"], got["network.load_balancer"]) == ("1232", "36582", "2")
    assert findings(result)["network.bandwidth"]["supplied_lower"] == "150"


def test_terraform_tables_may_name_terraform_resource_types(tmp_path: Path) -> None:
    tables = json.loads(TABLES.read_text(encoding="utf-8")) | {"types": {"ksyun_ks3_bucket": "ignore"}}
    path = tmp_path / "tables.json"
    path.write_text(json.dumps(tables), encoding="utf-8")
    plain = terraform("state").json()["sources"][0]["unrecognized"]

    result = run_cli(
        "check", "--source", "terraform", "--from-file", TERRAFORM / "tenancy-state.json",
        "--source-option", f"terraform.tables={path}", "--now", NOW, "--no-history", "--format", "json",
    )  # fmt: skip

    assert [u["name"] for u in plain] == ["ksyun:index/ks3Bucket:Ks3Bucket"]
    assert result.json()["sources"][0]["unrecognized"] == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected `terraform show -json` output of a saved plan or of a state (a JSON object), found an array"),
        ({"format_version": "2.0"}, "format_version: expected a 1.x format version, found '2.0'"),
        (
            {"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "ksyun_eip", "change": {}}]},
            "resource_changes[0](a.b).change.actions: required field is missing",
        ),
        (
            {
                "format_version": "1.2",
                "resource_changes": [
                    {"address": "a.b", "type": "ksyun_eip", "change": {"actions": ["explode"], "after": {}}}
                ],
            },
            "resource_changes[0](a.b).change.actions: unknown actions ['explode']",
        ),
        (
            {
                "format_version": "1.0",
                "values": {
                    "root_module": {
                        "resources": [
                            {"address": "ksyun_eip.x", "type": "ksyun_eip", "mode": "managed", "values": {"id": "e-1"}}
                        ]
                    }
                },
            },
            "ksyun_eip.x.bandWidth: required field is missing",
        ),
    ],
)
def test_a_bad_terraform_document_is_named_with_exit_2(tmp_path: Path, document: Any, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    result = run_cli("check", "--source", "terraform", "--from-file", path, "--now", NOW, "--no-history")

    assert result.exit_code == 2
    assert f"{path}: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_plan_that_removes_every_instance_is_short_not_unobserved(tmp_path: Path) -> None:
    plan = json.loads((TERRAFORM / "tenancy-plan-scaled-down.json").read_text(encoding="utf-8"))
    for change in plan["resource_changes"]:
        if change["type"] == "ksyun_instance":
            change["change"] |= {"actions": ["delete"], "after": None, "after_unknown": {}}
    path = tmp_path / "destroy-instances.json"
    path.write_text(json.dumps(plan), encoding="utf-8")

    result = check("terraform", "--from-file", path)

    assert result.exit_code == 1
    vcpu = findings(result)["compute.vcpu"]
    assert (vcpu["status"], vcpu["supplied"]) == ("short", "0")


def test_an_empty_terraform_state_declares_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"format_version": "1.0"}', encoding="utf-8")

    result = check("terraform", "--from-file", path)

    assert result.exit_code == 0
    assert {f["status"] for f in result.json()["findings"]} == {"not_observed"}


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ({"changeSummary": {}}, "steps: required field is missing (is this `pulumi preview --json`?)"),
        ({"steps": [{"op": "explode", "urn": "u"}]}, "steps[0].op: unknown operation 'explode'"),
        ({"steps": [{"op": "create", "urn": "u"}]}, "steps[0].newState: required field is missing"),
        (
            {"steps": [{"op": "update", "urn": "u", "newState": {"custom": True}}]},
            "steps[0].newState.inputs: required field is missing",
        ),
    ],
)
def test_a_bad_preview_is_named_with_exit_2(tmp_path: Path, steps: Any, message: str) -> None:
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps(steps), encoding="utf-8")

    result = check("pulumi", "--from-file", PULUMI / "tenancy-export.json", "--source-option", f"pulumi.plan={preview}")

    assert result.exit_code == 2
    assert f"{preview}: {message}" in result.stderr


def test_a_preview_changes_one_stack(tmp_path: Path) -> None:
    export = PULUMI / "tenancy-export.json"
    preview = PULUMI / "tenancy-preview-scaled-down.json"

    result = check("pulumi", "--from-file", export, "--from-file", export, "--source-option", f"pulumi.plan={preview}")

    assert result.exit_code == 2
    assert "a preview changes one stack: give one export with it" in result.stderr


PREVIEW = json.loads((PULUMI / "tenancy-preview-scaled-down.json").read_text(encoding="utf-8"))


def check_mutated_preview(tmp_path: Path, preview: Any) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(preview, ensure_ascii=False), encoding="utf-8")
    result = pulumi_plan_file(path)
    assert result.exit_code in (0, 1, 2, 3), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("error: "), result.stderr


def pulumi_plan_file(preview: Path) -> CliResult:
    return check("pulumi", "--from-file", PULUMI / "tenancy-export.json", "--source-option", f"pulumi.plan={preview}")


@FUZZ
@given(site=st.sampled_from(list(leaves(PREVIEW))), value=VALUES)
def test_a_preview_with_a_leaf_replaced_by_any_value(tmp_path: Path, site: Loc, value: Any) -> None:
    check_mutated_preview(tmp_path, replaced(PREVIEW, site, value))


@FUZZ
@given(site=st.sampled_from([loc for loc in members(PREVIEW) if loc]))
def test_a_preview_with_a_member_deleted(tmp_path: Path, site: Loc) -> None:
    check_mutated_preview(tmp_path, deleted(PREVIEW, site))


def test_the_plan_option_is_the_pulumi_sources_setting() -> None:
    export, preview = PULUMI / "tenancy-export.json", PULUMI / "tenancy-preview-scaled-down.json"

    result = check("pulumi", "--from-file", export, "--plan", preview)
    elsewhere = run_cli("check", "--observed", export, "--plan", preview, "--now", NOW, "--no-history")

    assert (result.exit_code, supplied(result)) == (1, SCALED_DOWN)
    assert elsewhere.exit_code == 2
    assert "--plan: a `pulumi preview --json` plan needs --source pulumi" in elsewhere.stderr


def plan_gate(*args: str | Path) -> CliResult:
    return check("terraform", *args, "--plan-gate")


def test_the_plan_gate_fails_only_a_shortfall_and_names_the_line_items() -> None:
    short = plan_gate("--from-file", TERRAFORM / "tenancy-plan-scaled-down.json")
    maybe = plan_gate("--from-file", TERRAFORM / "tenancy-plan-create.json")
    only_adds = plan_gate("--from-file", TERRAFORM / "tenancy-plan-grown-from-model.json")
    applied = plan_gate("--from-file", TERRAFORM / "tenancy-state.json")

    assert short.exit_code == 1
    assert "Plan gate: the plan would leave compute.vcpu, compute.memory, storage.standard short (exit 1)" in (
        short.stderr
    )
    assert maybe.exit_code == 3
    assert "Plan gate: cannot judge network.bandwidth, which may be short (see above) (exit 3)" in maybe.stderr
    for passed in (only_adds, applied):  # instances of unknown type can only add: never short
        assert passed.exit_code == 0
        assert "Plan gate: no line item would be short (exit 0)" in passed.stderr


def test_the_plan_gate_names_the_resources_that_cause_a_shortfall_and_counts_no_delay_for_a_plan() -> None:
    terraform = plan_gate("--from-file", TERRAFORM / "tenancy-plan-scaled-down.json")
    pulumi = check(
        "pulumi", "--from-file", PULUMI / "tenancy-export.json", "--plan", PULUMI / "tenancy-preview-scaled-down.json",
        "--plan-gate", "--lang", "zh",
    )  # fmt: skip

    assert terraform.exit_code == pulumi.exit_code == 1
    assert '- compute.vcpu: the change leaves less of it in ksyun_instance.this["app-13"] (removed); ' in (
        terraform.stderr
    )
    assert 'ksyun_instance.this["db-1"] (128 -> 64)' in terraform.stderr
    assert '- storage.standard: the change leaves less of it in ksyun_volume.this["logs-1"] (removed)' in (
        terraform.stderr
    )
    assert "计划检查：该计划将使 云主机vCPU、云主机内存、普通存储 不足（退出码 1）" in pulumi.stderr
    assert "- 云主机vCPU：此变更减少了以下资源中的数量：app-13（删除）；app-14（删除）\n" in pulumi.stderr
    assert "db-1（128 -> 64）" in pulumi.stderr
    [source] = terraform.json()["sources"]
    assert source["detail"]["text"].startswith(
        f"terraform show -json {TERRAFORM / 'tenancy-plan-scaled-down.json'} (plan)"
    )
    assert "((plan))" not in source["detail"]["text"]
    for result in (terraform, pulumi):  # a change not applied delays nothing: no Art. 12.3 exposure
        document = result.json()
        assert [item for item in document["exposure"]["items"] if item["clause"] == "12.3"] == []
        assert any(warning["key"] == "plan_not_a_delay" for warning in document["warnings"])


def test_the_plan_gate_counts_the_supply_outside_the_configuration(tmp_path: Path) -> None:
    """Instances outside this configuration (another team's, observed last night) make up the vCPU and memory the
    scale-down removes; standard storage stays short. A surplus fails `check` but never the plan gate."""
    outside = tmp_path / "outside.json"
    outside.write_text(dumps(snapshot_document([vm("vm-other-team", 128, 768)], coverage=["vm"])), encoding="utf-8")
    sources = ("--source", "snapshot", "--from-file", f"snapshot={outside}")

    down = plan_gate(*sources, "--from-file", f"terraform={TERRAFORM / 'tenancy-plan-scaled-down.json'}")
    applied_with_surplus = plan_gate(*sources, "--from-file", f"terraform={TERRAFORM / 'tenancy-state.json'}")
    plain = check("terraform", *sources, "--from-file", f"terraform={TERRAFORM / 'tenancy-state.json'}")

    assert down.exit_code == 1
    assert (supplied(down)["compute.vcpu"], supplied(down)["compute.memory"]) == ("1232", "2896")
    assert "the plan would leave storage.standard short (exit 1)" in down.stderr
    assert (plain.exit_code, findings(plain)["compute.vcpu"]["status"]) == (1, "over")
    assert applied_with_surplus.exit_code == 0


def test_the_check_shows_each_line_item_before_and_after_the_plan() -> None:
    lines = [
        "Before -> after the planned change:",
        "- compute.vcpu: 1,232 -> 1,104 vCPU (met -> short)",
        "- compute.memory: 2,896 -> 2,128 GB (met -> short)",
        "- storage.standard: 52,116 -> 48,000 GB (met -> short)",
    ]
    for result in (
        run_cli(
            "check", "--source", "terraform", "--from-file", TERRAFORM / "tenancy-plan-scaled-down.json",
            "--source-option", f"terraform.tables={TABLES}", "--now", NOW, "--no-history",
        ),
        run_cli(
            "check", "--source", "pulumi", "--from-file", PULUMI / "tenancy-export.json",
            "--plan", PULUMI / "tenancy-preview-scaled-down.json",
            "--source-option", f"pulumi.tables={TABLES}", "--now", NOW, "--no-history",
        ),
    ):  # fmt: skip
        assert result.exit_code == 1
        assert result.stdout.rstrip().endswith("\n".join(lines)), result.stdout[-600:]

    chinese = run_cli(
        "check", "--source", "terraform", "--from-file", TERRAFORM / "tenancy-plan-scaled-down.json",
        "--source-option", f"terraform.tables={TABLES}", "--now", NOW, "--no-history", "--lang", "zh",
    )  # fmt: skip
    assert chinese.stdout.rstrip().endswith(
        "\n".join(
            [
                "计划变更前 -> 变更后：",
                "- 云主机vCPU：1,232 -> 1,104 vCPU（满足 -> 不足）",
                "- 云主机内存：2,896 -> 2,128 GB（满足 -> 不足）",
                "- 普通存储：52,116 -> 48,000 GB（满足 -> 不足）",
            ]
        )
    ), chinese.stdout[-600:]
    state = run_cli(
        "check", "--source", "terraform", "--from-file", TERRAFORM / "tenancy-state.json",
        "--source-option", f"terraform.tables={TABLES}", "--now", NOW, "--no-history",
    )  # fmt: skip
    assert "Before -> after" not in state.stdout  # a state is no planned change


def test_a_plans_prior_state_is_the_inventory_before_it() -> None:
    before = terraform("plan-scaled-down", "--source-option", "terraform.prior=true")
    first = terraform("plan-create", "--source-option", "terraform.prior=true")

    assert supplied(before) == APPLIED
    assert {f["status"] for f in first.json()["findings"]} == {"not_observed"}  # a first plan: nothing before


def test_terraform_without_tables_points_at_its_own_tables_setting() -> None:
    result = run_cli(
        "check", "--source", "terraform", "--from-file", TERRAFORM / "tenancy-state.json",
        "--now", NOW, "--no-history",
    )  # fmt: skip
    assert "add them to the tables file (setting terraform.tables)" in result.stdout
    assert "pulumi.tables" not in result.stdout
