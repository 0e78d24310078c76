"""A file of another format than the option it is given to is refused (exit 2) naming the file, what it looks
like and what to do with it: a kubectl export given to `--source ksyun` says "this looks like a kubectl export
(`kubectl get -o json`), ...; use --source kubernetes", not that `apiVersion` is no Kingsoft API action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.base.messages import say
from reconciler.base.recognize import looks_like, other_format
from tests.cli_runner import run_cli
from tests.conftest import ROOT

NOW = "2026-11-25T09:00:00+08:00"
KUBECTL = ROOT / "examples" / "kubernetes-cluster.json"
KSYUN = ROOT / "examples" / "ksyun-export.json"
OBSERVATION = ROOT / "examples" / "observation.json"
CONTRACT = ROOT / "contract_inventory.json"
PULUMI = ROOT / "tests" / "data" / "pulumi" / "stack-prod.json"
PREVIEW = ROOT / "tests" / "data" / "pulumi" / "tenancy-preview-create.json"
TERRAFORM_PLAN = ROOT / "tests" / "data" / "terraform" / "tenancy-plan-create.json"
TERRAFORM_STATE = ROOT / "tests" / "data" / "terraform" / "tenancy-state.json"
KSYUN_TABLES = ROOT / "examples" / "ksyun-tables.json"
PULUMI_TABLES = ROOT / "tests" / "engines" / "tenancy-tables.json"


@pytest.mark.parametrize(
    ("source", "path", "says"),
    [
        ("ksyun", KUBECTL, "this looks like a kubectl export (`kubectl get -o json`), not a Kingsoft Cloud export"),
        ("kubernetes", PULUMI, "this looks like a Pulumi stack export (`pulumi stack export`), not a kubectl export"),
        ("pulumi", TERRAFORM_PLAN, "this looks like Terraform output (`terraform show -json`), not a Pulumi stack"),
        ("terraform", PULUMI, "this looks like a Pulumi stack export"),
        ("kubernetes", KSYUN, "this looks like a Kingsoft Cloud export (API action -> pages), not a kubectl export"),
        ("kubernetes", TERRAFORM_STATE, "this looks like Terraform output"),
        ("pulumi", KUBECTL, "this looks like a kubectl export"),
        ("snapshot", KUBECTL, "this looks like a kubectl export"),
        ("ksyun", OBSERVATION, "this looks like a normalized observation (contract-reconciler/observation)"),
        ("snapshot", CONTRACT, "this looks like a contract file, not a normalized observation"),
        ("ksyun", CONTRACT, "this looks like a contract file"),
    ],
)
def test_a_file_of_another_source_names_what_it_looks_like_and_the_source_to_use(
    source: str, path: Path, says: str
) -> None:
    result = run_cli("check", "--source", source, "--from-file", path, "--now", NOW, "--no-history")

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: {says}"), result.stderr
    use = {KUBECTL: "use --source kubernetes", PULUMI: "use --source pulumi", KSYUN: "use --source ksyun",
           TERRAFORM_PLAN: "use --source terraform", TERRAFORM_STATE: "use --source terraform",
           OBSERVATION: "give it as --observed FILE", CONTRACT: "give it as --contract FILE"}[path]  # fmt: skip
    assert use in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "path", "says"),
    [
        (("--source", "pulumi", "--from-file", PREVIEW), PREVIEW, "a Pulumi preview (`pulumi preview --json`), not a "
         "Pulumi stack export (`pulumi stack export`); give it as the plan of a stack export: --plan FILE"),
        (("--observed", CONTRACT), CONTRACT, "a contract file, not a normalized observation (contract-reconciler/"
         "observation); give it as --contract FILE"),
        (("--contract", OBSERVATION, "--observed", OBSERVATION), OBSERVATION, "a normalized observation "
         "(contract-reconciler/observation), not a contract file; give it as --observed FILE"),
        (("--observed", OBSERVATION, "--attest", CONTRACT), CONTRACT, "a contract file, not an attestations file"),
        (("--source", "snapshot", "--from-file", KSYUN_TABLES), KSYUN_TABLES, "a tables file, not a normalized "
         "observation (contract-reconciler/observation); give it as the source's tables: --source-option "
         "ksyun.tables=FILE"),
        (("--source", "kubernetes", "--from-file", PULUMI_TABLES), PULUMI_TABLES, "a tables file of the "
         "pulumi/terraform sources, not a kubectl export (`kubectl get -o json`); give it as the source's tables: "
         "--source-option pulumi.tables=FILE"),
    ],
)  # fmt: skip
def test_a_preview_contract_observation_or_tables_file_in_the_wrong_place_says_where_it_goes(
    args: tuple[str | Path, ...], path: Path, says: str
) -> None:
    result = run_cli("check", *args, "--now", NOW, "--no-history")

    assert result.exit_code == 2
    assert f"error: {path}: this looks like {says}" in result.stderr, result.stderr


def test_each_sources_own_file_is_recognized_as_its_own() -> None:
    expected = {KUBECTL: "kubectl", KSYUN: "ksyun", PULUMI: "pulumi_export", PREVIEW: "pulumi_preview",
                TERRAFORM_PLAN: "terraform", TERRAFORM_STATE: "terraform", OBSERVATION: "observation",
                CONTRACT: "contract", KSYUN_TABLES: "tables", PULUMI_TABLES: "pulumi_tables",
                ROOT / "examples" / "kubernetes-tables.json": "tables"}  # fmt: skip
    assert {path: looks_like(json.loads(path.read_text(encoding="utf-8"))) for path in expected} == expected


def test_the_sentence_is_worded_in_chinese_too() -> None:
    sentence = other_format(json.loads(KUBECTL.read_text(encoding="utf-8")), "ksyun", "ksyun")
    assert sentence is not None
    assert say(sentence, "zh") == (
        "该文件看起来是「kubectl 导出文件（`kubectl get -o json`）」，而不是「金山云导出文件（接口操作 -> 分页）」；"
        "请使用 --source kubernetes"
    )
