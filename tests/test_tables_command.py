"""`reconciler tables init` and `reconciler tables check`: what a user sees when scaffolding and checking a tables
file, and how bad files and wrong options end (exit 2, file, field and reason, no traceback)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT, CliResult

KSYUN = ROOT / "tests" / "data" / "ksyun"
KUBERNETES = ROOT / "tests" / "data" / "kubernetes"
NOW = "2026-11-25T09:00:00+08:00"


def test_init_without_output_writes_the_document_to_stdout(cli: Callable[..., CliResult]) -> None:
    result = cli("tables", "init", "--source", "ksyun", "--from-file", KSYUN / "export.json", "--now", NOW)
    assert result.exit_code == 0
    document = result.json()
    assert (document["format"], document["version"], document["source"]) == ("contract-reconciler/tables", 1, "ksyun")
    assert document["families"]["S6"]["observed"]["instance_types"] == {"S6.2A": 1, "S6.4B": 2, "S6.8B": 1}
    assert document["instance_states"]["ShutdownNoCharge"]["state"] == "terminated"
    assert document["volume_tiers"]["SATA3.0"]["evidence"].endswith("built-in default SATA*")


def test_init_carries_the_tables_in_use_over(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli(
        "tables", "init", "--source", "ksyun", "--from-file", KSYUN / "export.json",
        "--source-option", f"ksyun.tables={KSYUN / 'tables.json'}", "--now", NOW,
    )  # fmt: skip
    document = result.json()
    assert (document["families"]["S6"]["cpu_ghz"], document["families"]["S6"]["arch"]) == (2.6, "x86_64")
    assert document["scaffolded"]["tables"] == str(KSYUN / "tables.json")
    path = tmp_path / "tables.json"
    path.write_text(result.stdout, encoding="utf-8")
    check = cli("tables", "check", path)
    assert check.exit_code == 1  # the old file stated clocks without evidence, and nothing about remote access
    assert "families.S6.evidence: no evidence for cpu_ghz, arch" in check.stdout


def test_a_blank_entry_is_unknown_to_a_check_and_named_as_blank(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(json.dumps({"families": {"S6": {"cpu_ghz": None, "arch": None}}}), encoding="utf-8")
    result = cli(
        "check", "--source", "ksyun", "--from-file", KSYUN / "export.json", "--source-option",
        f"ksyun.tables={tables}", "--now", NOW, "--no-history", "--format", "json",
    )  # fmt: skip
    detail = result.json()["sources"][0]["detail"]["text"]
    assert "4 with instance family 'S6' blank (cpu_ghz, arch) in the ksyun tables" in detail


def test_kubernetes_init_lists_instance_types_with_what_the_nodes_report(cli: Callable[..., CliResult]) -> None:
    document = cli("tables", "init", "--source", "kubernetes", "--from-file", KUBERNETES / "cluster.json").json()
    s6 = document["instance_types"]["S6.4B"]
    assert s6["cpu_ghz"] is None
    assert s6["observed"]["nodes"] == 2
    assert s6["reported"]["arch"] == {"amd64": 1, "arm64": 1}  # what the labels say, per node
    assert document["storage_classes"]["standard"]["tier"] == "standard"  # the naming rule, as evidence
    assert document["storage_classes"]["ebs-ssd"]["tier"] is None


def test_a_file_that_is_not_a_tables_file_is_exit_2_naming_the_field(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    path = tmp_path / "tables.json"
    path.write_text(json.dumps({"source": "ksyun", "families": {"S6": {"cpu_ghz": "fast"}}}), encoding="utf-8")
    result = cli("tables", "check", path)
    assert result.exit_code == 2
    assert f"{path}: families.S6.cpu_ghz" in result.stderr
    path.write_text(json.dumps({"families": {}}), encoding="utf-8")
    unowned = cli("tables", "check", path)
    assert unowned.exit_code == 2
    assert 'say whose tables these are: "source": "ksyun"' in unowned.stderr
    assert cli("tables", "check", path, "--source", "ksyun").exit_code == 0


def test_a_source_without_tables_is_refused(cli: Callable[..., CliResult]) -> None:
    result = cli("tables", "init", "--source", "snapshot", "--from-file", ROOT / "examples" / "observation.json")
    assert result.exit_code == 2
    assert "the snapshot source has no tables to fill (sources with tables: ksyun, kubernetes)" in result.stderr


def test_a_tables_file_of_another_source_is_refused_by_the_check(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "tables.json"
    path.write_text(json.dumps({"source": "kubernetes", "instance_types": {}}), encoding="utf-8")
    result = cli(
        "check", "--source", "ksyun", "--from-file", KSYUN / "export.json", "--source-option", f"ksyun.tables={path}",
        "--now", NOW, "--no-history",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "a tables file of the kubernetes source, not of ksyun" in result.stderr


def test_the_check_output_in_json(cli: Callable[..., CliResult]) -> None:
    result = cli("tables", "check", ROOT / "examples" / "kubernetes-tables.json", "--format", "json")
    assert result.json() == {
        "file": str(ROOT / "examples" / "kubernetes-tables.json"),
        "source": "kubernetes",
        "entries": {"instance_types": 2, "storage_classes": 3},
        "complete": True,
        "blank": [],
    }


def test_init_on_a_filled_output_file_keeps_every_filled_entry_and_names_what_is_new(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """docs/operations.md step 7: re-run `tables init` when the account gains a family, state or volume type."""
    filled = json.loads((ROOT / "examples" / "ksyun-tables.json").read_text(encoding="utf-8"))
    m6 = filled["families"].pop("M6")  # the family the account gained since the file was filled
    output = tmp_path / "ksyun-tables.json"
    output.write_text(json.dumps(filled, ensure_ascii=False), encoding="utf-8")

    result = cli("tables", "init", "--source", "ksyun", "--from-file", ROOT / "examples" / "ksyun-export.json",
                 "--now", NOW, "--output", output)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    document = json.loads(output.read_text(encoding="utf-8"))
    for family in ("C6", "N3", "S6"):
        kept = document["families"][family]
        assert (kept["cpu_ghz"], kept["arch"], kept["evidence"]) == (
            filled["families"][family]["cpu_ghz"], "x86_64", filled["families"][family]["evidence"],
        )  # fmt: skip
    assert document["remote_access"]["vpn_tunnel"]["counts"] is False
    assert document["scaffolded"]["filled"] == filled["scaffolded"]["filled"]  # the operator's note
    assert (document["families"]["M6"]["cpu_ghz"], m6["cpu_ghz"]) == (None, 2.6)
    assert "    M6 [new]: instances 10" in result.stdout
    assert f"Carried over from {output}: every entry as it was filled; new: 1 entry (families.M6)" in result.stdout
    assert "To fill: 1 entry" in result.stdout
    again = cli("tables", "init", "--source", "ksyun", "--from-file", ROOT / "examples" / "ksyun-export.json",
                "--now", NOW, "--output", output, "--lang", "zh")  # fmt: skip
    assert f"沿用 {output}：已填写的条目保持不变；没有新增条目" in again.stdout


def test_init_refuses_to_replace_a_filled_output_with_another_tables_file_carried_over(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    output = tmp_path / "ksyun-tables.json"
    output.write_bytes((ROOT / "examples" / "ksyun-tables.json").read_bytes())
    before = output.read_bytes()
    result = cli("tables", "init", "--source", "ksyun", "--from-file", KSYUN / "export.json", "--now", NOW,
                 "--source-option", f"ksyun.tables={KSYUN / 'tables.json'}", "--output", output)  # fmt: skip
    assert result.exit_code == 2
    assert f"{output}: already holds tables, and ksyun.tables names another file" in result.stderr
    assert output.read_bytes() == before
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    fresh = cli("tables", "init", "--source", "ksyun", "--from-file", KSYUN / "export.json", "--now", NOW,
                "--output", empty)  # fmt: skip
    assert fresh.exit_code == 0
    assert "Carried over" not in fresh.stdout
