"""No figure unexplained: a check whose figures rest on table entries (a family's clock, a state's meaning, a volume
type's tier, a storage class) or on attestations says which, with their evidence, in every output: JSON,
console, Markdown, JUnit, HTML. The table entries are those that decided an attribute the line item reads."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, CliResult

NOW = "2026-11-25T09:00:00+08:00"
ARGS = (
    "--source", "ksyun", "--from-file", ROOT / "examples" / "ksyun-export.json",
    "--source-option", f"ksyun.tables={ROOT / 'examples' / 'ksyun-tables.json'}",
    "--attest", ROOT / "examples" / "attestations.yaml", "--now", NOW, "--no-history",
)  # fmt: skip
S6 = "ksyun families[S6]: cpu_ghz 2.6, arch x86_64; evidence: (example) Kingsoft instance-type sheet 标准型S6"


def test_each_line_item_names_only_the_entries_it_rests_on(cli: Callable[..., CliResult]) -> None:
    findings = {f["line_item"]: f for f in cli("check", *ARGS, "--format", "json").json()["findings"]}
    tables = {item: {e["table"] for e in f["provenance"]["table_entries"]} for item, f in findings.items()}
    assert tables["compute.vcpu"] == tables["compute.memory"] == {"families", "instance_states"}
    assert tables["storage.performance"] == {"volume_tiers"}
    assert tables["backup.host"] == tables["network.bandwidth"] == set()  # nothing of a table decides them
    s6 = next(e for e in findings["compute.vcpu"]["provenance"]["table_entries"] if e["key"] == "S6")
    assert (s6["resources"], s6["origin"], len(s6["sample_ids"])) == (84, str(ROOT / "examples/ksyun-tables.json"), 5)


def test_console_and_markdown_list_the_entries_with_their_evidence(cli: Callable[..., CliResult]) -> None:
    console = cli("check", *ARGS).stdout
    assert "Table entries the figures rest on:" in console
    assert S6 in console
    assert "84 resources; for compute.vcpu, compute.memory" in console
    markdown = cli("check", *ARGS, "--format", "markdown", "--lang", "zh").stdout
    assert "**数据所依据的对照表条目**" in markdown
    assert "ksyun families[S6]：主频 2.6、平台 x86_64；依据：(example)" in markdown


def test_at_80_columns_the_compact_table_says_attested_and_the_attestations_follow_in_each_language(
    cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    english = cli("check", *ARGS).stdout
    rows = [line for line in english.splitlines() if line.startswith(("network.remote_access ", "security.waf "))]
    assert len(rows) == 2, english
    assert all("met (attested)" in row and len(row) <= 80 for row in rows), english
    assert "- waf-2026-h2 security.waf: 2 instance attested by 张伟 Zhang Wei" in english
    assert "valid until 2027-02-14 24:00: valid, counted" in english
    chinese = cli("check", *ARGS, "--lang", "zh").stdout
    rows = [line for line in chinese.splitlines() if line.startswith(("远程接入 ", "WAF防护 "))]
    assert len(rows) == 2, chinese
    assert all("满足（书面确认）" in row for row in rows), chinese
    assert "- waf-2026-h2 WAF防护：2 个，确认人 张伟 Zhang Wei" in chinese
    assert "有效期至 2027年2月14日 24:00：有效，已计入" in chinese
    assert "用于 云主机vCPU、云主机内存" in chinese  # the line items an entry serves, by their Chinese names


def test_an_expiring_attestation_warns_in_the_readers_language(cli: Callable[..., CliResult]) -> None:
    args = [str(a) for a in ARGS]
    args[args.index(NOW)] = "2027-01-25T09:00:00+08:00"  # the bastion accounts' attestation ends 2027-01-31 24:00
    english = cli("check", *args).stdout
    assert "valid until 2027-01-31 24:00, 6 days from now: renew it, or the line item becomes unknown" in english
    chinese = cli("check", *args, "--lang", "zh").stdout
    assert "有效期至 2027年1月31日 24:00，还剩 6 天：请及时续签，否则该分项将变为未知" in chinese
    assert "renew" not in chinese


def test_junit_says_what_each_passing_line_item_rests_on(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    assert cli("check", *ARGS, "--junit", junit).exit_code == 0
    text = junit.read_text(encoding="utf-8")
    vcpu = re.search(r'<testcase classname="line_items" name="compute.vcpu.*?</testcase>', text, re.DOTALL)
    assert vcpu is not None
    assert "rests on: ksyun families[S6]: cpu_ghz 2.6, arch x86_64" in vcpu.group()
    waf = re.search(r'<testcase classname="line_items" name="security.waf.*?</testcase>', text, re.DOTALL)
    assert waf is not None
    assert "met (attested)" in waf.group()
    assert "rests on: attestation waf-2026-h2 security.waf: 2 instance attested by 张伟 Zhang Wei" in waf.group()


def test_the_html_report_has_a_section_on_the_basis_of_the_figures(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    assert cli("report", *ARGS, "--output", page, "--lang", "en").exit_code == 0
    html = page.read_text(encoding="utf-8")
    basis = re.search(r'<section id="basis">.*?</section>', html, re.DOTALL)
    assert basis is not None
    assert "Table entries the figures rest on" in basis.group()
    assert "ksyun families[S6]" in basis.group()
    assert "waf-2026-h2 security.waf: 2 instance attested by 张伟 Zhang Wei" in basis.group()
    assert "met (attested)" in html


def test_a_pulumi_stack_names_the_instance_type_entries_its_vms_rest_on(cli: Callable[..., CliResult]) -> None:
    data = ROOT / "tests" / "data" / "pulumi"
    document = cli(
        "check", "--source", "pulumi", "--from-file", data / "stack-prod.json", "--source-option",
        f"pulumi.tables={data / 'tables.json'}", "--now", NOW, "--no-history", "--format", "json",
    ).json()  # fmt: skip
    vcpu = next(f for f in document["findings"] if f["line_item"] == "compute.vcpu")
    entries = {(e["table"], e["key"]): (e["values"], e["origin"]) for e in vcpu["provenance"]["table_entries"]}
    assert entries[("instance_types", "S6.4B")] == (
        {"vcpu": "4", "memory_gb": "8", "cpu_ghz": "2.6", "arch": "x86_64"},
        str(data / "tables.json"),
    )
    assert entries[("vm_states", "active")] == ({"state": "running"}, "built-in")


def test_pulumi_and_terraform_tables_give_their_file_and_evidence_with_every_entry(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(
        json.dumps(
            {
                "instance_types": {
                    "S6": {"cpu_ghz": "2.6", "arch": "x86_64", "evidence": "lscpu on web-1"},
                    "S6.16A": {"vcpu": 16, "memory_gib": 16, "evidence": "type sheet row S6.16A"},
                    "S6.32C": {"vcpu": 32, "memory_gib": 128},
                    "S6.64B": {"vcpu": 64, "memory_gib": 128},
                },
                "volume_types": {"EHDD": {"tier": "standard", "evidence": "price list 2026"}},
            }
        ),
        encoding="utf-8",
    )
    engines = ROOT / "tests" / "data"
    for source, export in (
        ("terraform", engines / "terraform" / "tenancy-state.json"),
        ("pulumi", engines / "pulumi" / "tenancy-export.json"),
    ):
        args = ("check", "--source", source, "--from-file", export, "--source-option", f"{source}.tables={tables}",
                "--now", NOW, "--no-history")  # fmt: skip
        findings = {f["line_item"]: f for f in cli(*args, "--format", "json").json()["findings"]}
        entries = {
            (e["table"], e["key"]): (e["origin"], e["evidence"] and e["evidence"]["text"])
            for item in ("compute.vcpu", "storage.standard")
            for e in findings[item]["provenance"]["table_entries"]
        }
        assert entries[("instance_types", "S6.16A")] == (
            str(tables),
            "[S6.16A] type sheet row S6.16A; [S6] lscpu on web-1",
        ), source
        assert entries[("instance_types", "S6.32C")] == (str(tables), "lscpu on web-1"), source
        assert entries[("volume_types", "EHDD")] == (str(tables), "price list 2026"), source
        assert entries[("vm_states", "active")] == ("built-in", None), source
        console = cli(*args).stdout
        assert "tier standard; evidence: price list 2026" in console, source


def test_a_pulumi_tables_entry_with_bad_evidence_is_an_input_error(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(
        json.dumps({"volume_types": {"EHDD": {"tier": "standard", "evidence": ""}, "X": {"tier": "fast", "by": "me"}}}),
        encoding="utf-8",
    )
    result = cli(
        "check", "--source", "pulumi", "--from-file", ROOT / "tests" / "data" / "pulumi" / "tenancy-export.json",
        "--source-option", f"pulumi.tables={tables}", "--now", NOW, "--no-history",
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"{tables}: volume_types.EHDD.evidence: expected text of 1 to 2000 characters" in result.stderr
    assert f"{tables}: volume_types.X.by: unknown field (known: tier, evidence)" in result.stderr
    assert f"{tables}: volume_types.X: expected standard or performance" in result.stderr
    assert "Traceback" not in result.stderr
