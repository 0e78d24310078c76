"""The real Terraform and Pulumi CLIs plan and apply the test tenancy (tests/engines/) through the Kingsoft Cloud
test providers, and the committed fixtures of tests/data/terraform/ and tests/data/pulumi/ are what they produce.

What a guard reading these plans relies on: the scale-down is a set of deletes and in-place updates naming the
resources; values the provider computes are unknown until apply ("known after apply", the unknown sentinel, or
absent from a Pulumi preview's inputs); an unchanged tenancy plans no change at all; the type tokens and names
are the bridged provider's. Marker `engine`: the CLIs and providers are installed or built first (cached).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.engine_workspaces import (
    BASE,
    DATA,
    FIXTURES,
    EngineRun,
    run_engines,
)

pytestmark = pytest.mark.engine

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""Pulumi's sentinel for a value unknown during preview."""
RESOURCES = {
    "ksyun_instance": 27,
    "ksyun_volume": 14,
    "ksyun_eip": 3,
    "ksyun_bws": 1,
    "ksyun_bws_associate": 2,
    "ksyun_lb": 2,
    "ksyun_ks3_bucket": 1,
    "ksyun_vpc": 1,
    "ksyun_subnet": 1,
}
STACK = 1
"""The stack resource, among Pulumi's steps."""
SCALED_DOWN_CHANGES = {
    **{f'ksyun_instance.this["app-{n}"]': ["delete"] for n in (13, 14)},
    **{f'ksyun_instance.this["db-{n}"]': ["update"] for n in range(1, 9)},
    'ksyun_volume.this["logs-1"]': ["delete"],
}


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> EngineRun:
    return run_engines(tmp_path_factory.mktemp("engines"))


def changes(plan: Any) -> dict[str, list[str]]:
    """{address: actions} of a `terraform show -json` plan, no-ops left out."""
    return {
        change["address"]: change["change"]["actions"]
        for change in plan["resource_changes"]
        if change["change"]["actions"] != ["no-op"]
    }


def resource_change(plan: Any, address: str) -> Any:
    return next(change["change"] for change in plan["resource_changes"] if change["address"] == address)


def steps(preview: Any) -> dict[str, Any]:
    """{type token::name: step} of a `pulumi preview --json` digest, unchanged resources and the stack left out."""
    return {
        step["urn"].split("::", 2)[2]: step
        for step in preview["steps"]
        if step["op"] != "same" and not step["urn"].split("::")[2].startswith("pulumi:")
    }


def test_terraform_applies_the_tenancy_and_plans_no_change_for_it_again(engines: EngineRun) -> None:
    state = engines.documents["terraform/tenancy-state.json"]
    resources = state["values"]["root_module"]["resources"]

    assert Counter(r["type"] for r in resources) == RESOURCES
    instance = next(r["values"] for r in resources if r["address"] == 'ksyun_instance.this["app-1"]')
    assert instance["instance_type"] == "S6.64B"
    assert instance["instance_status"] == "active"  # computed, filled in by create
    assert instance["id"] == instance["instance_id"]
    eip = next(r["values"] for r in resources if r["address"] == 'ksyun_eip.this["ingress"]')
    assert (eip["band_width"], eip["allocation_id"]) == (50, eip["id"])
    assert re.fullmatch(r"198\.1[89]\.\d+\.\d+", eip["public_ip"])

    run, again = engines.terraform.plan(BASE)
    assert changes(again) == {}, run.output
    assert "No changes." in run.stdout


def test_terraform_plans_the_scale_down_as_deletes_and_updates_in_place(engines: EngineRun) -> None:
    plan = engines.documents["terraform/tenancy-plan-scaled-down.json"]

    assert changes(plan) == SCALED_DOWN_CHANGES
    db = resource_change(plan, 'ksyun_instance.this["db-1"]')
    assert (db["before"]["instance_type"], db["after"]["instance_type"]) == ("S6.32C", "S6.32B")
    assert db["after_unknown"] == {}  # computed values keep their value through an update
    removed = resource_change(plan, 'ksyun_volume.this["logs-1"]')
    assert removed["after"] is None
    assert (removed["before"]["size"], removed["before"]["volume_type"]) == (4116, "EHDD")


def test_terraform_leaves_what_the_provider_computes_unknown_until_apply(engines: EngineRun) -> None:
    plan = engines.documents["terraform/tenancy-plan-grown-from-model.json"]

    assert changes(plan) == {f'ksyun_instance.this["batch-{n}"]': ["create"] for n in (1, 2)}
    batch = resource_change(plan, 'ksyun_instance.this["batch-1"]')
    assert batch["after"]["model_id"] == "model-S6.16C"
    assert "instance_type" not in batch["after"]
    assert batch["after_unknown"]["instance_type"] is True
    assert batch["after_unknown"]["instance_status"] is True

    first = engines.documents["terraform/tenancy-plan-create.json"]
    assert Counter(change["type"] for change in first["resource_changes"]) == RESOURCES
    assert resource_change(first, 'ksyun_eip.this["ingress"]')["after_unknown"]["public_ip"] is True


def test_pulumi_previews_the_tenancy_under_the_bridged_type_tokens_and_no_change_once_up(engines: EngineRun) -> None:
    export = engines.documents["pulumi/tenancy-export.json"]
    resources = [r for r in export["deployment"]["resources"] if r["custom"] and not r["type"].startswith("pulumi:")]

    tokens = Counter(r["type"] for r in resources)
    assert tokens == {
        f"ksyun:index/{camel}:{camel[0].upper()}{camel[1:]}": count
        for camel, count in zip(
            ("instance", "volume", "eip", "bws", "bwsAssociate", "lb", "ks3Bucket", "vpc", "subnet"),
            RESOURCES.values(),
            strict=True,
        )
    }
    instance = next(r for r in resources if r["urn"].endswith("Instance::app-1"))
    assert instance["outputs"]["instanceType"] == "S6.64B"
    assert instance["outputs"]["instanceStatus"] == "active"
    assert "ciphertext" in instance["outputs"]["instancePassword"]  # sensitive: a secret in the state
    assert instance["provider"].split("::")[3].startswith("default_0_1_0")

    run, again = engines.pulumi.preview(BASE)
    assert again["changeSummary"] == {"same": sum(RESOURCES.values()) + STACK}, run.output


def test_pulumi_previews_the_scale_down_as_deletes_and_updates_in_place(engines: EngineRun) -> None:
    preview = engines.documents["pulumi/tenancy-preview-scaled-down.json"]
    planned = steps(preview)

    assert {name: step["op"] for name, step in planned.items()} == {
        **{f"ksyun:index/instance:Instance::app-{n}": "delete" for n in (13, 14)},
        **{f"ksyun:index/instance:Instance::db-{n}": "update" for n in range(1, 9)},
        "ksyun:index/volume:Volume::logs-1": "delete",
    }
    db = planned["ksyun:index/instance:Instance::db-1"]
    assert db["diffReasons"] == ["instanceType"]
    assert (db["oldState"]["outputs"]["instanceType"], db["newState"]["inputs"]["instanceType"]) == (
        "S6.32C",
        "S6.32B",
    )
    removed = planned["ksyun:index/volume:Volume::logs-1"]
    assert "newState" not in removed  # a delete carries only the old state
    assert (removed["oldState"]["outputs"]["size"], removed["oldState"]["outputs"]["volumeType"]) == (4116, "EHDD")


def test_pulumi_previews_unknown_values_as_the_sentinel_or_leaves_them_out(engines: EngineRun) -> None:
    grown = steps(engines.documents["pulumi/tenancy-preview-grown-from-model.json"])
    assert {name: step["op"] for name, step in grown.items()} == {
        f"ksyun:index/instance:Instance::batch-{n}": "create" for n in (1, 2)
    }
    inputs = grown["ksyun:index/instance:Instance::batch-1"]["newState"]["inputs"]
    assert inputs["modelId"] == "model-S6.16C"
    assert "instanceType" not in inputs  # computed by the provider: a preview cannot say it

    first = steps(engines.documents["pulumi/tenancy-preview-create.json"])
    assert len(first) == sum(RESOURCES.values())
    app = first["ksyun:index/instance:Instance::app-1"]["newState"]["inputs"]
    assert app["subnetId"] == UNKNOWN  # the subnet is created in the same run


# -- the committed fixtures -----------------------------------------------------------------------------------------

VOLATILE_KEYS = frozenset(
    {"timestamp", "time", "duration", "magic", "ciphertext", "salt", "created", "modified", "lineage"}
)
VOLATILE_TEXT = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\b(ks3-bucket-)\d+"), r"\1<digits>"),
    (re.compile(r"\b(ksc[_-](?:[a-z_]+-)?)[0-9a-f]{8}\b"), r"\1<id>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b(?!/)"), "<ip>"),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"), "<time>"),
)


def skeleton(document: Any) -> Any:
    """The document with what differs between two runs of the same engines masked (ids, addresses, times,
    ciphertext), and lists of objects or URNs sorted (the engines record resources, steps, dependencies and
    relevant attributes in the order their work completes)."""
    if isinstance(document, dict):
        return {key: "<volatile>" if key in VOLATILE_KEYS else skeleton(value) for key, value in document.items()}
    if isinstance(document, list):
        items = [skeleton(item) for item in document]
        if all(isinstance(item, dict) for item in items):
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        elif items and all(isinstance(item, str) and item.startswith("urn:") for item in items):
            items.sort()
        return items
    if isinstance(document, str):
        for pattern, replacement in VOLATILE_TEXT:
            document = pattern.sub(replacement, document)
    return document


def differences(expected: Any, actual: Any, where: str = "") -> Iterator[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual or key not in expected:
                yield f"{where}.{key}: only in the {'fixture' if key in expected else 'engine output'}"
            else:
                yield from differences(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            yield from differences(left, right, f"{where}[{index}]")
    elif expected != actual:
        yield f"{where}: fixture {json.dumps(expected)[:120]}, engine {json.dumps(actual)[:120]}"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_the_committed_fixture_is_what_the_engines_produce_now(engines: EngineRun, name: str) -> None:
    committed = json.loads((DATA / name).read_text(encoding="utf-8"))

    found = list(differences(skeleton(committed), skeleton(engines.documents[name])))

    assert not found, (
        f"tests/data/{name} ({FIXTURES[name]}) is not what the engines produce now; "
        "regenerate with scripts/generate-engine-fixtures.sh:\n" + "\n".join(found[:20])
    )


def test_no_fixture_is_left_that_the_engines_no_longer_produce() -> None:
    assert sorted(str(p.relative_to(DATA)) for p in DATA.glob("*/tenancy-*.json")) == sorted(FIXTURES)
