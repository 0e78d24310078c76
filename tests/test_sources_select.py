"""Choosing sources on the command line and combining them into one observation (the seam every source uses)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.errors import InputError
from reconciler.sources import SOURCES, SourceSpec
from reconciler.sources.base import Setting, SourceRequest, resolve_settings
from reconciler.sources.select import open_sources, source_requests
from tests.cli_runner import CliResult
from tests.conftest import met_resources

NOW = "2026-11-25T09:00:00+08:00"

SPEC = SourceSpec(
    name="demo",
    summary="a test source",
    kinds=("vm",),
    native_file="-",
    open=SOURCES["snapshot"].open,
    settings=(
        Setting("region", "the region", env="DEMO_REGION", default="cn-beijing-6"),
        Setting("secret_key", "the secret", env="DEMO_SECRET", secret=True),
    ),
)


def test_observed_is_the_snapshot_source() -> None:
    (request,) = source_requests([], [], [], Path("obs.json"), {})
    assert request == SourceRequest("snapshot", (Path("obs.json"),), {})


def test_a_lone_source_owns_every_from_file_and_named_files_go_to_their_source() -> None:
    (request,) = source_requests(["snapshot"], ["a.json", "snapshot=b.json"], [], None, {})
    assert request.from_files == (Path("a.json"), Path("b.json"))


@pytest.mark.parametrize(
    ("names", "files", "options", "observed", "expected"),
    [
        ([], [], [], None, "say what to observe"),
        (["nope"], [], [], None, "nope: no such source (sources: snapshot"),
        (["snapshot"], [], [], None, "the snapshot source reads only files"),
        (["snapshot"], [], ["snapshot"], None, "expected NAME.KEY=VALUE"),
        (["snapshot"], ["a.json"], ["ksyun.region=x"], None, "sets an option of ksyun, which no --source chooses"),
        (["snapshot"], ["a.json"], ["snapshot.region=x"], None, "the snapshot source has no such setting"),
    ],
)
def test_bad_choices_are_named(
    names: list[str], files: list[str], options: list[str], observed: Path | None, expected: str
) -> None:
    with pytest.raises(InputError) as raised:
        source_requests(names, files, options, observed, {})
    assert expected in str(raised.value)


def test_settings_come_from_the_option_then_the_environment_then_the_default() -> None:
    assert resolve_settings(SPEC, {}, {}) == {"region": "cn-beijing-6"}
    assert resolve_settings(SPEC, {}, {"DEMO_REGION": "cn-shanghai-2", "DEMO_SECRET": "s3"}) == {
        "region": "cn-shanghai-2",
        "secret_key": "s3",
    }
    assert resolve_settings(SPEC, {"region": "cn-guangzhou-1"}, {"DEMO_REGION": "x"})["region"] == "cn-guangzhou-1"


def _document(resources: list[dict[str, Any]], observed_at: str, **header: Any) -> dict[str, Any]:
    return {
        "format": "contract-reconciler/observation",
        "version": 1,
        "observed_at": observed_at,
        "source": "test",
        **header,
        "resources": resources,
    }


def _vm(rid: str, vcpu: int, memory_gb: int) -> dict[str, Any]:
    return {
        "id": rid,
        "kind": "vm",
        "vcpu": vcpu,
        "memory_gb": memory_gb,
        "cpu_ghz": 2.6,
        "arch": "x86_64",
        "state": "running",
    }


def test_combined_sources_count_a_resource_seen_twice_once_and_keep_every_report(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(
        json.dumps(
            _document(
                [_vm("i-1", 8, 16)],
                "2026-11-25T02:00:00+08:00",
                coverage=["vm"],
            )
        )
    )
    second.write_text(
        json.dumps(
            _document(
                [
                    _vm("i-1", 8, 16),
                    _vm("i-2", 4, 8),
                    {"id": "i-1", "kind": "volume", "tier": "standard", "size_gb": 100},
                ],
                "2026-11-25T01:00:00+08:00",
                coverage=["vm", "volume"],
            )
        )
    )
    source = open_sources(source_requests(["snapshot"], [str(first), str(second)], [], None, {}))
    resources = list(source.resources())
    assert sorted((type(r).__name__, r.id) for r in resources) == [("Vm", "i-1"), ("Vm", "i-2"), ("Volume", "i-1")]
    observation = source.observation()
    assert [s.resource_count for s in observation.sources] == [1, 3]
    assert observation.observed_at.isoformat() == "2026-11-25T01:00:00+08:00"  # the earlier moment
    [warning] = source.warnings()
    assert (warning.key, warning.values) == ("observed_twice", {"count": 1, "sample": ("i-1",)})
    assert warning.text("en") == (
        "1 resource was observed by more than one source and counted once, as the first source given saw them "
        "(e.g. i-1)"
    )


def test_check_through_source_options_matches_observed(
    cli: Callable[..., CliResult], write_snapshot: Callable[..., Path]
) -> None:
    path = write_snapshot(met_resources())
    by_observed = cli("check", "--observed", path, "--now", NOW, "--format", "json", "--no-history")
    by_source = cli(
        "check", "--source", "snapshot", "--from-file", path, "--now", NOW, "--format", "json", "--no-history"
    )
    assert by_observed.exit_code == by_source.exit_code == 0
    assert by_observed.json()["findings"] == by_source.json()["findings"]


def test_check_combining_two_snapshots_counts_the_whole_tenancy(
    cli: Callable[..., CliResult], write_snapshot: Callable[..., Path]
) -> None:
    resources = met_resources()
    vms = [r for r in resources if r["kind"] == "vm"]
    rest = [r for r in resources if r["kind"] != "vm"]
    compute = write_snapshot(vms, coverage=["vm"])
    others = write_snapshot(rest, coverage=sorted({r["kind"] for r in rest}))
    alone = cli("check", "--observed", compute, "--now", NOW, "--format", "json", "--no-history")
    both = cli(
        "check",
        "--source",
        "snapshot",
        "--from-file",
        compute,
        "--from-file",
        f"snapshot={others}",
        "--now",
        NOW,
        "--format",
        "json",
        "--no-history",
    )
    assert {f["status"] for f in alone.json()["findings"]} == {"met", "not_observed"}
    assert both.exit_code == 0, both.stdout + both.stderr
    assert {f["status"] for f in both.json()["findings"]} == {"met"}


def test_bad_source_choice_exits_2_naming_it(cli: Callable[..., CliResult]) -> None:
    result = cli("check", "--source", "cloud9", "--now", NOW, "--no-history")
    assert result.exit_code == 2
    assert "cloud9: no such source" in result.stderr
    assert "Traceback" not in result.stderr


def test_sources_lists_settings_but_never_a_secret_value(monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.app.source_listing import sources_json, sources_text

    monkeypatch.setenv("DEMO_SECRET", "very-secret-value")
    specs = {"demo": SPEC}
    text = sources_text(specs, {"DEMO_SECRET": "very-secret-value"})
    data = json.loads(sources_json(specs, {"DEMO_SECRET": "very-secret-value"}))
    assert "very-secret-value" not in text
    assert "very-secret-value" not in json.dumps(data)
    assert "--source-option demo.secret_key=...  (env DEMO_SECRET, secret; set in the environment)" in text
    assert data["sources"][0]["settings"][0] == {
        "key": "region",
        "help": "the region",
        "env": "DEMO_REGION",
        "default": "cn-beijing-6",
        "secret": False,
        "state": "default",
    }


def test_sources_command_lists_every_registered_source(cli: Callable[..., CliResult]) -> None:
    result = cli("sources", "--format", "json")
    assert result.exit_code == 0
    assert [s["name"] for s in result.json()["sources"]] == list(SOURCES)


def test_observed_at_is_reported_in_beijing_time_whatever_zone_the_source_used(
    cli: Callable[..., CliResult], write_snapshot: Callable[..., Path]
) -> None:
    path = write_snapshot(met_resources(), observed_at="2026-11-24T18:00:00+00:00")
    result = cli("check", "--observed", path, "--now", NOW, "--format", "json", "--no-history")
    assert result.json()["observed_at"] == "2026-11-25T02:00:00+08:00"
