"""The command line end to end: exit codes, output formats, golden files, schemas.

Runs `reconciler.app.cli.main` in-process (as the console script does) and, once, the installed script.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reconciler.app.schemas import SCHEMA_NAMES, schema_text
from tests.conftest import CONTRACT_PATH, ROOT, CliResult, met_resources

SMALL = Path(__file__).parent / "data" / "observation-small.json"
NOW = "2026-11-25T09:00:00+08:00"
Cli = Callable[..., CliResult]


def test_validate_passes_the_shipped_contract_with_its_notes(cli: Cli) -> None:
    result = cli("validate", CONTRACT_PATH)
    assert result.exit_code == 0
    assert "valid: 6 note(s), 1 warning(s), 0 error(s)" in result.stdout
    assert "72.75 x 4.648 x 12 = 4057.704 exactly; the contract states 4,057.70" in result.stdout


def test_validate_json_lists_every_line_item(cli: Cli) -> None:
    result = cli("validate", CONTRACT_PATH, "--format", "json")
    assert result.exit_code == 0
    document = result.json()
    assert document["valid"] is True
    assert document["counts"] == {"note": 6, "warning": 1, "error": 0}
    items = {item["id"]: item for item in document["line_items"]}
    assert len(items) == 11
    assert items["storage.object"] == {
        "id": "storage.object",
        "seq": 5,
        "name_zh": "存储服务-静态存储",
        "name_en": "Storage - static (object) storage",
        "unit": "TB",
        "unit_price": "72.75",
        "quantity": "4.648",
        "billing_months": 12,
        "monthly_fee": "338.142",
        "exact_total": "4057.704",
        "rounded_total": "4057.70",
        "stated_total": "4057.70",
    }
    assert document["total"]["stated"] == "2305019.62"
    assert document["supplement_cap"]["amount"] == "230501.96"


def test_validate_fails_an_inconsistent_contract_with_exit_2(cli: Cli, contract_data: dict, write_json: Any) -> None:
    contract_data["line_items"][0]["line_total"] = "207271.86"
    path = write_json(contract_data, "contract.json")
    result = cli("validate", path)
    assert result.exit_code == 2
    assert "error: compute.vcpu: 14.02 x 1232 x 12 = 207271.68" in result.stdout
    assert "likely cause: transposed digits" in result.stdout
    assert "INVALID" in result.stdout


def test_check_refuses_an_inconsistent_contract(cli: Cli, contract_data: dict, write_json: Any) -> None:
    contract_data["line_items"][0]["line_total"] = "207271.86"
    path = write_json(contract_data, "contract.json")
    result = cli("check", "--observed", SMALL, "--contract", path, "--now", NOW)
    assert result.exit_code == 2
    assert f"{path}: compute.vcpu:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("mutate", "header", "code"),
    [
        (lambda rs: rs, {}, 0),
        (lambda rs: [r for r in rs if r["id"] != "waf-1"], {}, 1),
        (lambda rs: [*rs, {"id": "waf-9", "kind": "waf"}], {}, 1),
        (lambda rs: rs, {"failures": [{"kinds": ["waf"], "reason": "403 from the WAF API"}]}, 3),
        (
            lambda rs: [r for r in rs if r["kind"] != "waf"],
            {
                "coverage": [
                    "vm",
                    "volume",
                    "bucket",
                    "backup",
                    "bandwidth",
                    "public_ip",
                    "load_balancer",
                    "remote_access_account",
                ]
            },
            0,
        ),
    ],
    ids=["all-met", "short", "over", "source-failed", "not-observed"],
)
def test_check_exit_codes(cli: Cli, write_snapshot: Any, mutate: Any, header: dict, code: int) -> None:
    path = write_snapshot(mutate(met_resources()), **header)
    result = cli("check", "--observed", path, "--now", NOW, "--format", "json")
    assert result.exit_code == code, result.stdout + result.stderr
    assert result.json()["exit_code"] == code


def test_check_json_is_versioned_and_valid_against_its_schema(cli: Cli) -> None:
    result = cli("check", "--observed", SMALL, "--now", NOW, "--format", "json")
    document = result.json()
    assert (document["schema"], document["version"]) == ("contract-reconciler/reconciliation", 2)
    schema = json.loads((ROOT / "schemas" / "reconciliation.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    vcpu = document["findings"][0]
    assert {k: vcpu[k] for k in ("line_item", "entitled", "due", "supplied", "gap", "status", "gap_value_monthly")} == {
        "line_item": "compute.vcpu",
        "entitled": "1232",
        "due": "1232",
        "supplied": "1216",
        "gap": "-16",
        "status": "short",
        "gap_value_monthly": "-224.32",
    }
    assert [g["ids"] for g in vcpu["evidence"]["nonconforming"]] == [["vm-arm-1"], ["vm-slow-1"]]
    unrecognized = document["sources"][0]["unrecognized"]
    assert [(u["what"], u["name"], u["count"]) for u in unrecognized] == [("field", "iops", 1), ("kind", "gpu", 1)]


@pytest.mark.parametrize(
    ("fmt", "lang", "golden_name"),
    [
        ("json", "en", "check-small.json"),
        ("markdown", "en", "check-small.en.md"),
        ("markdown", "zh", "check-small.zh.md"),
        ("console", "en", "check-small.console.txt"),
    ],
)
def test_check_output_matches_golden_files(cli: Cli, golden: Any, fmt: str, lang: str, golden_name: str) -> None:
    result = cli(
        "check", "--observed", "tests/data/observation-small.json", "--now", NOW, "--format", fmt, "--lang", lang
    )
    assert result.exit_code == 1
    golden(golden_name, result.stdout)


def test_validate_json_matches_golden_file(cli: Cli, golden: Any) -> None:
    golden("validate.json", cli("validate", "contract_inventory.json", "--format", "json").stdout)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Verdict: the service period ended on 2027-07-16: nothing is due or entitled any more (exit 0)"),
        ("zh", "服务期已于 2027年7月16日 结束"),
    ],
)
def test_after_the_service_period_the_verdict_says_it_ended_not_that_all_is_met(cli: Cli, lang: str, said: str) -> None:
    result = cli("check", "--observed", SMALL, "--now", "2027-08-01T09:00:00+08:00", "--no-history", "--lang", lang)
    assert result.exit_code == 0
    assert said in result.stdout
    assert "all line items met" not in result.stdout
    assert "全部分项满足" not in result.stdout


def test_count_states_option_changes_what_counts(cli: Cli) -> None:
    default = cli("check", "--observed", SMALL, "--now", NOW, "--format", "json").json()
    running = cli("check", "--observed", SMALL, "--now", NOW, "--format", "json", "--count-states", "running").json()
    # vm-slow-1 (stopped, 2.2 GHz, 16 GB) leaves memory; vCPU did not count it anyway
    assert default["findings"][1]["supplied"] == "2912"
    assert running["findings"][1]["supplied"] == "2896"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--now", "2026-11-25T09:00:00"], "<option --now>: '2026-11-25T09:00:00' has no UTC offset"),
        (["--now", "tomorrow"], "<option --now>: Invalid isoformat string"),
        (["--count-states", "running,sleeping"], "<option --count-states>: expected states among"),
    ],
)
def test_bad_options_exit_2_with_a_message(cli: Cli, args: list[str], message: str) -> None:
    result = cli("check", "--observed", SMALL, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_required_option_is_a_usage_error(cli: Cli) -> None:
    result = cli("check")
    assert result.exit_code == 2
    assert "--observed" in result.stderr


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_committed_schemas_are_in_sync(name: str) -> None:
    committed = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(name), f"schemas/{name}.schema.json is stale: run `make schemas`"


def test_shipped_files_validate_against_their_published_schemas() -> None:
    contract_schema = json.loads((ROOT / "schemas" / "contract.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(CONTRACT_PATH.read_text(encoding="utf-8")), contract_schema)
    observation_schema = json.loads((ROOT / "schemas" / "observation.schema.json").read_text(encoding="utf-8"))
    small = json.loads(SMALL.read_text(encoding="utf-8"))
    # the schema is the strict format; the reader also tolerates (and reports) kinds and fields it does not know
    with pytest.raises(jsonschema.ValidationError, match="iops"):
        jsonschema.validate(small, observation_schema)
    next(r for r in small["resources"] if r["id"] == "vol-x").pop("iops")
    with pytest.raises(jsonschema.ValidationError, match="gpu"):
        jsonschema.validate(small, observation_schema)
    small["resources"] = [r for r in small["resources"] if r["kind"] != "gpu"]
    jsonschema.validate(small, observation_schema)
    next(r for r in small["resources"] if r["kind"] == "vm")["vcpu"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(small, observation_schema)


def test_unknown_schema_name_is_rejected(cli: Cli) -> None:
    result = cli("schema", "invoice")
    assert result.exit_code == 2
    assert "unknown schema 'invoice'" in result.stderr


def test_installed_console_script_runs_outside_python(tmp_path: Path) -> None:
    script = shutil.which("reconciler", path=str(Path(sys.executable).parent))
    assert script is not None, "the console script is not installed in this environment"
    done = subprocess.run(
        [script, "check", "--observed", str(SMALL), "--now", NOW, "--contract", str(CONTRACT_PATH)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1
    assert "compute.vcpu" in done.stdout
    module = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 2
    assert module.stderr == f"error: {tmp_path / 'nope.json'}: no such file\n"


def test_no_contract_in_the_current_directory_says_how_to_name_one(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RECONCILER_CONTRACT", raising=False)
    result = cli("validate")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: contract_inventory.json: no such file in the current directory; name the contract with "
        "--contract PATH or the RECONCILER_CONTRACT variable\n"
    )
