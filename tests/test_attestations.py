"""Attestations: a named person attests a line item's quantity, on evidence, until a date, where no source lists it.

The rules a user relies on: valid -> counted, definite, shown as attested; within 14 days of its end -> counted
with a warning; expired -> unknown (no upper bound) until renewed; dated after `now` -> not counted; never over an
observed figure (the observed one wins, with a warning when they disagree); several add up; counts of whole
units only. The file is JSON or YAML; bad files are exit 2 naming the file, the field and the reason.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.errors import InputError
from reconciler.base.messages import message, say
from reconciler.contract.load import load_contract
from reconciler.core.attestations import Attestation
from reconciler.core.observation import Observation, SourceReport, Waf
from reconciler.core.reconcile import reconcile
from reconciler.dates.clock import parse_instant
from tests.cli_runner import run_cli
from tests.conftest import ROOT

NOW = "2026-11-25T09:00:00+08:00"
CONTRACT = load_contract(ROOT / "contract_inventory.json")


def attestation(**given: Any) -> Attestation:
    values = {
        "line_item": "security.waf",
        "quantity": 2,
        "attested_by": "Zhang Wei, platform operations",
        "evidence": "order KS-2026-0815-WAF (ticket OPS-1234)",
        "attested_at": "2026-08-01T10:00:00+08:00",
        "valid_until": "2027-07-17T00:00:00+08:00",
    } | given
    return Attestation.model_validate(values)


def check(*attestations: Attestation, sources: tuple[SourceReport, ...] = (), resources: tuple[Any, ...] = ()) -> Any:
    observation = Observation(parse_instant(NOW), sources, resources)
    return reconcile(CONTRACT, observation, parse_instant(NOW), attestations=attestations)


def test_a_valid_attestation_supplies_a_line_item_no_source_observes() -> None:
    result = check(attestation())
    waf = result.finding("security.waf")
    assert (waf.status.value, waf.supplied, waf.provenance.supplied_by) == ("met", Decimal(2), "attested")
    assert [(a.id, a.state.value, a.counted) for a in waf.provenance.attestations] == [
        ("security.waf#1", "valid", True)
    ]
    assert result.finding("network.remote_access").status.value == "not_observed"
    assert result.exit_code == 0


def test_several_attestations_of_a_line_item_add_up() -> None:
    result = check(attestation(quantity=1, id="waf-portal"), attestation(quantity=1, id="waf-app"))
    assert result.finding("security.waf").supplied == Decimal(2)


def test_an_attestation_near_its_end_counts_and_warns_14_days_ahead() -> None:
    result = check(attestation(valid_until="2026-12-05T00:00:00+08:00"))
    assert result.finding("security.waf").status.value == "met"
    assert result.attestations[0].state.value == "expiring"
    [warning] = result.warnings
    assert (warning.key, warning.values["days"], warning.values["valid_until"]) == (
        "attestation_expiring", 9, parse_instant("2026-12-05T00:00:00+08:00"),
    )  # fmt: skip
    assert "is valid until 2026-12-04 24:00, 9 days from now: renew it" in say(warning, "en")
    assert "有效期至 2026年12月4日 24:00，还剩 9 天" in say(warning, "zh")
    assert check(attestation(valid_until="2026-12-10T00:00:00+08:00")).warnings == []  # 14 days and more: quiet


def test_an_expired_attestation_leaves_the_line_item_unknown_until_renewed() -> None:
    result = check(attestation(valid_until="2026-11-20T00:00:00+08:00"))
    waf = result.finding("security.waf")
    assert (waf.status.value, waf.supplied_lower, waf.supplied_upper) == ("unknown", Decimal(0), None)
    assert waf.reason is not None
    assert "security.waf is attested, but security.waf#1 expired" in say(waf.reason, "en")
    assert result.exit_code == 3
    [warning] = result.warnings
    assert (warning.key, warning.values["id"]) == ("attestation_expired", "security.waf#1")
    assert "expired at 2026-11-19 24:00: renew it" in say(warning, "en")


def test_an_expired_one_beside_a_valid_one_keeps_the_valid_quantity_as_the_lower_bound() -> None:
    result = check(
        attestation(quantity=1, id="a"), attestation(quantity=1, id="b", valid_until="2026-11-01T00:00:00+08:00")
    )
    waf = result.finding("security.waf")
    assert (waf.status.value, waf.supplied_lower, waf.supplied_upper, waf.possible[0].value) == (
        "unknown", Decimal(1), None, "short",
    )  # fmt: skip


def test_an_attestation_dated_after_now_is_not_counted() -> None:
    result = check(attestation(attested_at="2026-12-01T00:00:00+08:00"))
    assert result.finding("security.waf").status.value == "not_observed"
    assert [(w.key, w.values["attested_at"]) for w in result.warnings] == [
        ("attestation_not_yet", parse_instant("2026-12-01T00:00:00+08:00"))
    ]


def test_an_observed_figure_wins_and_a_disagreeing_attestation_is_named() -> None:
    source = SourceReport("ksyun", frozenset({"waf"}))
    result = check(attestation(quantity=3), sources=(source,), resources=(Waf(id="waf-1"), Waf(id="waf-2")))
    waf = result.finding("security.waf")
    assert (waf.status.value, waf.supplied, waf.provenance.supplied_by) == ("met", Decimal(2), "observed")
    assert waf.provenance.attestations[0].counted is False
    [warning] = [w for w in result.warnings if w.key == "attestation_disagrees"]
    assert (warning.values["observed"], warning.values["attested"]) == (
        message("supply_exact", quantity=Decimal(2)), Decimal(3),
    )  # fmt: skip
    assert "observed as 2 but attested as 3 (security.waf#1): the observed figure counts" in say(warning, "en")
    agreeing = check(attestation(quantity=2), sources=(source,), resources=(Waf(id="waf-1"), Waf(id="waf-2")))
    assert not any(w.key == "attestation_disagrees" for w in agreeing.warnings)


def test_counted_line_items_take_whole_numbers_only() -> None:
    with pytest.raises(ValueError, match="whole number"):
        attestation(quantity="1.5")
    assert attestation(line_item="storage.object", quantity="4.648").quantity == Decimal("4.648")


YAML_FILE = """\
format: contract-reconciler/attestations
version: 1
attestations:
  - id: waf-2026
    line_item: security.waf
    quantity: 2
    attested_by: "Zhang Wei, platform operations"
    evidence: "order KS-2026-0815-WAF"
    attested_at: 2026-08-01T10:00:00+08:00
    valid_until: 2027-07-17T00:00:00+08:00
  - line_item: network.remote_access
    quantity: 8
    attested_by: "Li Na, security officer"
    evidence: "bastion account list, ticket SEC-88"
    attested_at: 2026-08-01T10:00:00+08:00
    valid_until: 2027-07-17T00:00:00+08:00
"""


def test_check_attest_reads_yaml_and_every_face_says_attested(tmp_path: Path) -> None:
    path = tmp_path / "attestations.yaml"
    path.write_text(YAML_FILE, encoding="utf-8")
    args = ("check", "--source", "ksyun", "--from-file", ROOT / "tests/data/ksyun/export.json", "--attest", path,
            "--now", NOW, "--no-history")  # fmt: skip
    document = run_cli(*args, "--format", "json").json()
    waf = next(f for f in document["findings"] if f["line_item"] == "security.waf")
    assert (waf["status"], waf["supplied"], waf["provenance"]["supplied_by"]) == ("met", "2", "attested")
    assert [a["id"] for a in document["attestations"]] == ["network.remote_access#1", "waf-2026"]
    console = run_cli(*args).stdout
    assert "met (attested)" in console
    assert "attested by Li Na, security officer" in console
    markdown = run_cli(*args, "--format", "markdown", "--lang", "zh").stdout
    assert "满足（书面确认）" in markdown
    assert "确认人 Zhang Wei, platform operations" in markdown
    junit = tmp_path / "junit.xml"
    run_cli(*args, "--junit", junit)
    assert "attestation waf-2026 security.waf: 2 instance attested by Zhang Wei" in junit.read_text(encoding="utf-8")


def test_an_expired_attestation_is_not_labelled_attested_and_says_how_to_renew_it(tmp_path: Path) -> None:
    path = tmp_path / "attestations.yaml"
    path.write_text(YAML_FILE.replace("2027-07-17T00:00:00+08:00", "2026-11-20T00:00:00+08:00"), encoding="utf-8")
    args = ("check", "--source", "ksyun", "--from-file", ROOT / "tests/data/ksyun/export.json", "--attest", path,
            "--now", NOW, "--no-history")  # fmt: skip
    console = run_cli(*args).stdout
    [row] = [line for line in console.splitlines() if "security.waf" in line and "unknown" in line][:1]
    assert "(attested)" not in row
    assert "renew it: a new entry with a new valid_until in the attestations file" in console
    markdown = run_cli(*args, "--format", "markdown", "--lang", "zh").stdout
    assert "未知（书面确认）" not in markdown
    assert "请续签" in markdown


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("attestations:\n  - line_item: security.waf\n", "attestations[0].quantity: required field is missing"),
        ("attestations: []\nextra: 1\n", "extra: unknown field"),
        ("a: &x [1]\nb: *x\n", "aliases are not accepted"),
        ("attestations: []\nattestations: []\n", "the key 'attestations' is given twice"),
        ("attestations: [\n", "not valid YAML at line"),
        (
            YAML_FILE.replace("valid_until: 2027-07-17T00:00:00+08:00", "valid_until: 2026-07-01T00:00:00+08:00", 1),
            "valid_until must be after attested_at",
        ),
        (YAML_FILE.replace("2026-08-01T10:00:00+08:00", "2026-08-01 10:00", 1), "timezone"),
    ],
)
def test_a_bad_attestation_file_is_exit_2_naming_file_field_and_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "attestations.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--observed", ROOT / "examples/observation.json", "--attest", path, "--now", NOW,
                     "--no-history")  # fmt: skip
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_json_files_work_too_and_an_id_given_twice_is_refused(tmp_path: Path) -> None:
    entry = attestation(id="waf-2026").model_dump(mode="json")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps({"attestations": [entry]}), encoding="utf-8")
    second.write_text(json.dumps({"attestations": [entry]}), encoding="utf-8")
    from reconciler.app.attestations import load_attestations

    assert load_attestations([first])[0].quantity == Decimal(2)
    with pytest.raises(InputError, match="waf-2026 is also given in"):
        load_attestations([first, second])


def test_the_published_schema_accepts_the_example_file() -> None:
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "schemas" / "attestations.schema.json").read_text(encoding="utf-8"))
    document = yaml.safe_load((ROOT / "examples" / "attestations.yaml").read_text(encoding="utf-8"))
    for entry in document["attestations"]:  # YAML reads the instants as datetimes; JSON writes them as text
        entry["attested_at"], entry["valid_until"] = entry["attested_at"].isoformat(), entry["valid_until"].isoformat()
    jsonschema.validate(document, schema)
