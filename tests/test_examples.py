"""The embedded example, end to end: what `make demo` shows, and that its generator reproduces it.

Expected figures are the ones the example was designed to show (see examples/make_observation.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, CliResult

EXAMPLE = ROOT / "examples" / "observation.json"
NOW = "2026-11-25T09:00:00+08:00"


def test_the_example_shows_two_shortfalls_and_one_surplus(cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--observed", EXAMPLE, "--now", NOW, "--format", "json")
    assert result.exit_code == 1
    document = result.json()
    figures = {
        f["line_item"]: (f["status"], f["supplied"], f["gap"], f["gap_value_monthly"]) for f in document["findings"]
    }
    assert figures["compute.vcpu"] == ("short", "1216", "-16", "-224.32")
    assert figures["storage.performance"] == ("short", "36000", "-582", "-372.48")
    assert figures["network.public_ip"] == ("over", "4", "1", "76.05")
    assert figures["storage.object"] == ("met", "4.648", "0.000", "0.00")
    met = [item for item, (status, *_rest) in figures.items() if status == "met"]
    assert len(met) == 8
    assert document["summary"]["resources_observed"] == 390
    vcpu = document["findings"][0]["evidence"]
    assert [(g["rule"], g["subject"], g["quantity"]) for g in vcpu["nonconforming"]] == [
        ("arch", "aarch64", "16"),
        ("min_cpu_ghz", "2.2", "8"),
    ]
    assert [(g["subject"], g["count"], g["quantity"]) for g in vcpu["excluded"]] == [("terminated", 2, "32")]


def test_the_example_markdown_matches_its_golden_file(cli: Callable[..., CliResult], golden: Any) -> None:
    result = cli("check", "--observed", "examples/observation.json", "--now", NOW, "--format", "markdown")
    golden("check-example.en.md", result.stdout)


def test_the_generator_reproduces_the_committed_example(tmp_path: Path) -> None:
    out = tmp_path / "observation.json"
    script = ROOT / "examples" / "make_observation.py"
    done = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == EXAMPLE.read_bytes(), "examples/make_observation.py no longer reproduces the example"


def test_the_demo_contract_is_the_shipped_contract_plus_one_expansion() -> None:
    shipped = json.loads((ROOT / "contract_inventory.json").read_text(encoding="utf-8"))
    demo = json.loads((ROOT / "examples" / "contract-with-expansion.json").read_text(encoding="utf-8"))
    [expansion] = demo.pop("expansions")
    assert shipped.pop("expansions") == []
    assert demo == shipped
    assert expansion["line_item"] == "compute.vcpu"


def test_the_demo_shows_the_expansion_at_risk_with_its_deadline(cli: Callable[..., CliResult]) -> None:
    result = cli(
        "check",
        "--observed",
        EXAMPLE,
        "--contract",
        ROOT / "examples" / "contract-with-expansion.json",
        "--now",
        NOW,
        "--no-history",
        "--format",
        "json",
    )
    [expansion] = result.json()["expansions"]
    assert (expansion["due_at"], expansion["state"]) == ("2026-11-27T00:00:00+08:00", "at_risk")


# -- the first night's path: examples/ksyun-export.json, its tables, the attestations (docs/operations.md) --------

KSYUN_EXPORT = ROOT / "examples" / "ksyun-export.json"
KSYUN_TABLES = ROOT / "examples" / "ksyun-tables.json"
ATTESTATIONS = ROOT / "examples" / "attestations.yaml"
INFO = ("evidence", "observed", "reported")


def test_the_example_generator_reproduces_the_committed_exports(tmp_path: Path) -> None:
    script = ROOT / "examples" / "make_examples.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for name in ("ksyun-export.json", "kubernetes-cluster.json"):
        assert (tmp_path / name).read_bytes() == (ROOT / "examples" / name).read_bytes(), name


def test_the_export_shows_each_paging_style_and_the_hosts_that_do_not_count() -> None:
    export = json.loads(KSYUN_EXPORT.read_text(encoding="utf-8"))
    assert len(export["DescribeInstances"]) == 3
    assert export["DescribeInstances"][0]["InstanceCount"] == 130
    assert [p["Page"]["hasNext"] for p in export["DescribeSnapshots"]] == [True, True, False]  # page numbers
    assert [p.get("NextToken") for p in export["DescribeAddresses"]] == ["3", None]  # NextToken
    assert export["DescribeVolumes"][-1]["Volumes"] == []  # no total: an empty page ends it
    states = {i["InstanceState"]["Name"] for p in export["DescribeInstances"] for i in p["InstancesSet"]}
    assert states == {"active", "stopped", "ShutdownNoCharge"}
    shared = [a for a in export["DescribeAddresses"][0]["AddressesSet"] if a.get("BandWidthShareId")]
    assert len(shared) == 2


def test_tables_init_then_the_filled_file_is_the_scaffold_with_its_blanks_filled(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    scaffold = tmp_path / "ksyun-tables.json"
    result = cli("tables", "init", "--source", "ksyun", "--from-file", KSYUN_EXPORT, "--output", scaffold, "--now", NOW)
    assert result.exit_code == 0, result.stderr
    assert "S6: instances 84, vcpu 824" in result.stdout
    assert "to fill: blank: cpu_ghz, arch" in result.stdout
    blank = cli("tables", "check", scaffold)
    assert blank.exit_code == 1
    assert "families.N3: blank: cpu_ghz, arch" in blank.stdout
    made = json.loads(scaffold.read_text(encoding="utf-8"))
    filled = json.loads(KSYUN_TABLES.read_text(encoding="utf-8"))
    for table, entries in made.items():
        if table in ("format", "version", "source", "scaffolded"):
            continue
        assert entries.keys() == filled[table].keys(), table
        for key, entry in entries.items():
            assert entry.get("observed") == filled[table][key].get("observed"), (table, key)
            stated = {name: value for name, value in entry.items() if name not in INFO and value is not None}
            assert {name: filled[table][key][name] for name in stated} == stated, (table, key)  # only blanks filled
    complete = cli("tables", "check", KSYUN_TABLES)
    assert complete.exit_code == 0
    assert "complete" in complete.stdout


def test_from_the_export_alone_every_line_item_it_covers_is_definite(cli: Callable[..., CliResult]) -> None:
    args = ("check", "--source", "ksyun", "--from-file", KSYUN_EXPORT, "--source-option",
            f"ksyun.tables={KSYUN_TABLES}", "--now", NOW, "--no-history", "--format", "json")  # fmt: skip
    document = cli(*args).json()
    statuses = {f["line_item"]: f["status"] for f in document["findings"]}
    attested = {"network.remote_access", "security.waf"}
    assert {item: status for item, status in statuses.items() if item not in attested} == dict.fromkeys(
        set(statuses) - attested, "met"
    )
    assert {statuses[item] for item in attested} == {"not_observed"}  # what no API lists: attested below


def test_with_the_attestations_all_eleven_line_items_are_met_and_explained(cli: Callable[..., CliResult]) -> None:
    args = ("check", "--source", "ksyun", "--from-file", KSYUN_EXPORT, "--source-option",
            f"ksyun.tables={KSYUN_TABLES}", "--attest", ATTESTATIONS, "--now", NOW, "--no-history")  # fmt: skip
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0
    findings = result.json()["findings"]
    assert [f["status"] for f in findings] == ["met"] * 11
    by = {f["line_item"]: f["provenance"] for f in findings}
    assert by["security.waf"]["supplied_by"] == by["network.remote_access"]["supplied_by"] == "attested"
    families = {
        e["key"]: e["values"]["cpu_ghz"] for e in by["compute.vcpu"]["table_entries"] if e["table"] == "families"
    }
    assert families == {"C6": "3.0", "M6": "2.6", "N3": "2.2", "S6": "2.6"}
    assert all(e["evidence"] for e in by["compute.vcpu"]["table_entries"])  # no figure rests on nothing
    console = cli(*args).stdout
    assert "Verdict: all line items met (exit 0)" in console
    assert "met (attested)" in console


def test_the_kubernetes_example_and_its_tables_give_definite_answers(cli: Callable[..., CliResult]) -> None:
    tables = ROOT / "examples" / "kubernetes-tables.json"
    assert cli("tables", "check", tables).exit_code == 0
    document = cli(
        "check", "--source", "kubernetes", "--from-file", ROOT / "examples" / "kubernetes-cluster.json",
        "--source-option", f"kubernetes.tables={tables}", "--now", NOW, "--no-history", "--format", "json",
    ).json()  # fmt: skip
    figures = {
        f["line_item"]: (f["status"], f["supplied"]) for f in document["findings"] if f["status"] != "not_observed"
    }
    assert figures == {
        "compute.vcpu": ("short", "72"),
        "compute.memory": ("short", "144"),
        "storage.standard": ("short", "2000"),
        "storage.performance": ("short", "2000"),
        "network.load_balancer": ("short", "1"),
    }  # one cluster is part of the tenancy: definite, and short of the whole contract


def test_every_example_tables_file_follows_the_published_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "tables.schema.json").read_text(encoding="utf-8"))
    for name in ("ksyun-tables.json", "kubernetes-tables.json"):
        jsonschema.validate(json.loads((ROOT / "examples" / name).read_text(encoding="utf-8")), schema)


def test_the_pulumi_and_terraform_tables_files_follow_the_published_schema_and_the_loader_agrees(
    tmp_path: Path,
) -> None:
    import jsonschema

    from reconciler.base.errors import InputError
    from reconciler.sources.pulumi.source import load_tables

    schema = json.loads((ROOT / "schemas" / "tables.schema.json").read_text(encoding="utf-8"))
    for path in (
        ROOT / "tests" / "engines" / "tenancy-tables.json",
        ROOT / "tests" / "data" / "pulumi" / "tables.json",
    ):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)
        load_tables(path)
    documented = {
        "instance_types": {"S6": {"cpu_ghz": "2.6", "arch": "x86_64", "evidence": "lscpu on web-1"}},
        "volume_types": {"ESSD_PL0": "standard", "EHDD": {"tier": "standard", "evidence": "price list"}},
        "vm_states": {"ShutdownNoCharge": {"state": "stopped", "evidence": "agreed 2026-08-01"}},
    }
    bad = {"volume_types": {"EHDD": {"tier": "standard", "source": "me"}}}
    for document, valid in ((documented, True), (bad, False)):
        path = tmp_path / "tables.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
        try:
            load_tables(path)
            loaded = True
        except InputError:
            loaded = False
        assert (not errors, loaded) == (valid, valid), document


def test_the_calendar_example_shows_the_format_and_says_it_is_not_the_schedule(cli: Callable[..., CliResult]) -> None:
    path = ROOT / "examples" / "calendar-2027.example.json"
    note = json.loads(path.read_text(encoding="utf-8"))["note"]
    assert "EXAMPLE" in note
    assert "NOT the 2027 holiday schedule" in note
    result = cli("deadline", "--from", "2027-02-01T10:00:00+08:00", "--days", "7", "--calendar", path)
    assert result.exit_code == 0
    assert "no statutory holiday data" not in result.stdout
    assert "says it is an EXAMPLE, not the 2027 holiday schedule" in result.stderr  # who runs it is told
