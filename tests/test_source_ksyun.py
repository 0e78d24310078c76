"""The ksyun source through the official SDKs against the local Kingsoft emulator, and from its native export.

The emulator's account (tests/data/ksyun/world.json), answers computed by hand; project 3000 is not listed by
IAM, so its items (i-8, eip-99, lb-7) are never seen; tables.json: S6 2.6 GHz, N3 2.2 GHz, C4 3.0 GHz, x86_64.
- VMs i-1..i-7. vCPU supplied (x86, >= 2.4 GHz, running or stopped): i-1 8 + i-2 16 + i-5 8 + i-6 8 + i-7 4 = 44;
  i-3 (N3, 4 vCPU, stopped) is below 2.4 GHz; i-4 is ShutdownNoCharge (-> terminated, not counted).
  Memory (x86 only): 16 + 32 + 8 + 16 + 16 + 8 = 96 GB.
- Performance storage: SSD3.0 100+200+300+400+500+600 + ESSD_PL1 1000 + Local_SSD 500+300 = 3900 GB;
  standard: EHDD 4 x 50 + SATA3.0 20 = 220 GB.
- Backup: snapshots 10+20+...+70 = 280 + local snapshot 20 = 300 GB.
- Public IPs: eip-1..eip-12 = 12. Bandwidth: eip-1 5 + eip-4 20 + eip-5..12 8 x 1 + bws-1 100 + bws-2 50 = 183
  Mbps (eip-2, eip-3 are in bws-1: counted once, as the package).
- Load balancers lb-1..lb-6 = 6. Buckets: 5 x 100 GiB + 500 + 500 GiB = 1500 GB = 1.5 TB.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.base.errors import InputError
from reconciler.core.observation import Backup, Bandwidth, Bucket, LoadBalancer, PublicIp, Resource, Vm, Volume
from reconciler.sources import SOURCES
from reconciler.sources.base import SourceRequest
from tests.cli_runner import run_cli
from tests.emulators.ksyun import Fault, World, running

DATA = Path(__file__).parent / "data" / "ksyun"
TABLES = DATA / "tables.json"
EXPORT = DATA / "export.json"
ACCESS_KEY = "AKLTtestACCESSkey0123"
SECRET_KEY = "SKsecretVALUEnever-shown-42"
NOW = "2026-11-25T09:00:00+08:00"


def load_world() -> World:
    raw = json.loads((DATA / "world.json").read_text(encoding="utf-8"))
    return World(items=raw["items"], projects=raw["projects"], buckets=raw["buckets"], usage=raw["usage"])


@pytest.fixture
def world() -> World:
    return load_world()


@pytest.fixture
def endpoint(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)  # the SDK's NO_PROXY check cannot exempt 127.0.0.1:PORT
    monkeypatch.setenv("KSYUN_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KSYUN_SECRET_KEY", SECRET_KEY)
    with running(world) as address:
        yield address


def settings(endpoint: str, **extra: str) -> dict[str, str]:
    return {
        "regions": "cn-beijing-6",
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "endpoint": endpoint,
        "ks3_endpoint": endpoint,
        "scheme": "http",
        "tables": str(TABLES),
        "timeout": "2",
        "attempts": "3",
        "retry_wait": "0.01",
        "retry_wait_max": "0.02",
        "page_size": "5",
        **extra,
    }


def observe(request_settings: dict[str, str], files: tuple[Path, ...] = ()) -> tuple[list[Resource], Any]:
    source = SOURCES["ksyun"].open(SourceRequest("ksyun", files, request_settings))
    resources = list(source.resources())
    (report,) = source.observation().sources
    return resources, report


def totals(resources: list[Resource]) -> dict[str, Any]:
    vms = [r for r in resources if isinstance(r, Vm)]
    volumes = [r for r in resources if isinstance(r, Volume)]
    return {
        "vm_ids": sorted(r.id for r in vms),
        "vcpu_counted": sum(
            r.vcpu for r in vms if r.cpu_ghz >= Decimal("2.4") and r.arch == "x86_64" and r.state != "terminated"
        ),
        "memory_counted": sum(r.memory_gb for r in vms if r.arch == "x86_64" and r.state != "terminated"),
        "performance": sum(r.size_gb for r in volumes if r.tier == "performance"),
        "standard": sum(r.size_gb for r in volumes if r.tier == "standard"),
        "backup": sum(r.size_gb for r in resources if isinstance(r, Backup)),
        "public_ips": sorted(r.id for r in resources if isinstance(r, PublicIp)),
        "mbps": sum(r.mbps for r in resources if isinstance(r, Bandwidth)),
        "lbs": sorted(r.id for r in resources if isinstance(r, LoadBalancer)),
        "bucket_gb": sum(r.size_gb for r in resources if isinstance(r, Bucket)),
    }


EXPECTED = {
    "vm_ids": [f"i-{n}" for n in range(1, 8)],
    "vcpu_counted": 44,
    "memory_counted": 96,
    "performance": 3900,
    "standard": 220,
    "backup": 300,
    "public_ips": sorted(f"eip-{n}" for n in range(1, 13)),
    "mbps": 183,
    "lbs": [f"lb-{n}" for n in range(1, 7)],
    "bucket_gb": 1500,
}
ALL_KINDS = {"vm", "volume", "backup", "public_ip", "bandwidth", "load_balancer", "bucket"}


def test_live_supply_per_kind_through_the_sdk(endpoint: str, world: World) -> None:
    resources, report = observe(settings(endpoint))
    assert totals(resources) == EXPECTED
    assert report.covers == ALL_KINDS
    assert report.failed == {}
    vm = next(r for r in resources if isinstance(r, Vm) and r.id == "i-2")
    assert (vm.vcpu, vm.memory_gb, vm.cpu_ghz, vm.state, vm.project) == (16, 16 * 2, Decimal("2.6"), "running", "1001")
    params = [r["params"] for r in world.requests if r["params"].get("Action") == "DescribeInstances"]
    # every project, 1-based ProjectId.N, and paged at 5: 7 instances -> 2 pages
    first = params[0]
    assert [first.get("ProjectId.1"), first.get("ProjectId.2"), first.get("ProjectId.3")] == ["0", "1001", "1002"]
    assert len(params) == 2
    assert all(p["Region"] == "cn-beijing-6" and p["Version"] == "2016-03-04" for p in params)
    # 12 at 5, then the next Marker: DescribeVolumes tells no total, only an empty page shows the end
    assert len([r for r in world.requests if r["params"].get("Action") == "DescribeVolumes"]) == 4
    assert len([r for r in world.requests if r["params"].get("Action") == "DescribeSnapshots"]) == 2  # 7 at 5
    assert len([r for r in world.requests if r["params"].get("Action") == "QueryKs3Data"]) == 2  # 6 buckets, 5 per call
    assert {r["host"] for r in world.requests} == {endpoint}  # no scheme in the Host header


def test_native_export_gives_the_same_answers(endpoint: str) -> None:
    live, _ = observe(settings(endpoint))
    resources, report = observe({"tables": str(TABLES)}, (EXPORT,))
    assert totals(resources) == EXPECTED
    # the export does not say which region a page came from (KS3 buckets do say it)
    assert sorted(map(repr, resources)) == sorted(map(repr, map(_without_region, live)))
    assert report.covers == ALL_KINDS
    assert report.failed == {}


def _without_region(resource: Resource) -> Resource:
    if isinstance(resource, Bucket):
        return resource
    fields = {name: getattr(resource, name) for name in resource.__struct_fields__}
    return type(resource)(**{**fields, "region": None})


def check_json(*args: str) -> tuple[int, dict[str, Any], str]:
    result = run_cli("check", "--source", "ksyun", "--now", NOW, "--format", "json", "--no-history", *args)
    assert not result.stderr or "Traceback" not in result.stderr
    return result.exit_code, (result.json() if result.stdout.strip() else {}), result.stdout + result.stderr


def supplied(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {f["line_item"]: (f["supplied"], f["status"]) for f in document["findings"]}


def cli_options(endpoint: str, **extra: str) -> list[str]:
    given = settings(endpoint, **extra)
    del given["access_key"], given["secret_key"]  # from the environment, as users would give them
    return [arg for key, value in given.items() for arg in ("--source-option", f"ksyun.{key}={value}")]


def test_check_end_to_end_live_and_from_file(endpoint: str) -> None:
    code, live, text = check_json(*cli_options(endpoint))
    found = supplied(live)
    assert found["compute.vcpu"][0] == "44"
    assert found["compute.memory"][0] == "96"
    assert found["storage.performance"][0] == "3900"
    assert found["storage.standard"][0] == "220"
    assert Decimal(found["storage.object"][0]) == Decimal("1.5")
    assert found["backup.host"][0] == "300"
    assert found["network.bandwidth"][0] == "183"
    assert found["network.public_ip"][0] == "12"
    assert found["network.load_balancer"][0] == "6"
    assert found["network.remote_access"][1] == "not_observed"
    assert found["security.waf"][1] == "not_observed"
    assert code == 1  # the tenancy is far below the contract: short, not unknown
    assert ACCESS_KEY not in text
    assert SECRET_KEY not in text
    code_file, from_file, _ = check_json("--from-file", str(EXPORT), "--source-option", f"ksyun.tables={TABLES}")
    assert code_file == code
    assert supplied(from_file) == found


def test_throttling_and_5xx_are_retried_then_succeed(endpoint: str, world: World) -> None:
    world.faults += [
        Fault("DescribeInstances", "status", times=2, status=429, code="TooManyRequests"),
        Fault("DescribeVolumes", "status", times=1, status=503),
        Fault("DescribeSnapshots", "error200", times=1, code="RequestLimitExceeded"),
        Fault("DescribeAddresses", "malformed", times=1),
        Fault("DescribeBandWidthShares", "lowercase", times=1, status=500, code="InternalError"),
        Fault("GetAccountAllProjectList", "status", times=1, status=502, code="BadGateway"),
    ]
    resources, report = observe(settings(endpoint))
    assert report.failed == {}
    assert totals(resources) == EXPECTED
    assert all(fault.times == 0 for fault in world.faults)


def test_slow_reply_beyond_the_timeout_is_retried(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeLoadBalancers", "slow", times=1, delay=1.0))
    resources, report = observe(settings(endpoint, timeout="0.3"))
    assert report.failed == {}
    assert totals(resources)["lbs"] == EXPECTED["lbs"]
    calls = [r for r in world.requests if r["params"].get("Action") == "DescribeLoadBalancers"]
    assert len(calls) == 3  # timed out, then two pages


def test_persistent_5xx_ends_unknown_with_exit_3(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeAddresses", "status", times=99, status=503))
    resources, report = observe(settings(endpoint))
    assert set(report.failed) == {"public_ip", "bandwidth"}
    assert "ServiceUnavailable" in str(report.failed["public_ip"])
    assert "after 3 attempts" in str(report.failed["public_ip"])
    assert [r for r in resources if isinstance(r, PublicIp)] == []
    assert totals(resources)["vcpu_counted"] == 44  # the other kinds stay trusted

    world.faults[0].times = 99
    code, document, _ = check_json(*cli_options(endpoint))
    assert code == 1  # other line items are definitely short: drift (1) is not masked by unknown (3)
    found = supplied(document)
    assert found["network.public_ip"][1] == "unknown"
    assert found["network.bandwidth"][1] == "unknown"
    assert found["compute.vcpu"] == ("44", "short")


def test_everything_failing_is_unknown_with_exit_3_never_met(endpoint: str, world: World) -> None:
    world.faults.append(Fault("*", "status", times=999, status=503))
    code, document, _ = check_json(*cli_options(endpoint))
    assert code == 3
    statuses = {item: status for item, (_, status) in supplied(document).items()}
    assert set(statuses.values()) == {"unknown", "not_observed"}
    assert statuses["security.waf"] == "not_observed"
    assert statuses["compute.vcpu"] == "unknown"


def test_permission_error_is_not_retried_and_is_unknown(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeLoadBalancers", "error200", times=99, code="AccessDenied"))
    _, report = observe(settings(endpoint))
    assert set(report.failed) == {"load_balancer"}
    assert "AccessDenied" in str(report.failed["load_balancer"])
    assert len([r for r in world.requests if r["params"].get("Action") == "DescribeLoadBalancers"]) == 1


def test_403_and_non_object_bodies(endpoint: str, world: World) -> None:
    world.faults += [
        Fault("DescribeSnapshots", "status", times=99, status=403, code="Forbidden"),
        Fault("DescribeLocalVolumes", "notobject", times=99),
    ]
    _, report = observe(settings(endpoint))
    assert set(report.failed) == {"backup", "volume"}
    assert "HTTP 403 Forbidden" in str(report.failed["backup"])
    assert "not a JSON object" in str(report.failed["volume"])


def test_projects_unlisted_make_project_scoped_kinds_unknown(endpoint: str, world: World) -> None:
    world.faults.append(Fault("GetAccountAllProjectList", "status", times=99, status=403, code="AccessDenied"))
    _, report = observe(settings(endpoint))
    assert set(report.failed) == {"vm", "public_ip", "bandwidth", "load_balancer"}
    assert "projects could not be listed" in str(report.failed["vm"])


def test_unknown_family_is_reported_never_guessed(endpoint: str, world: World, tmp_path: Path) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(json.dumps({"families": {"S6": {"cpu_ghz": 2.6}, "N3": {"cpu_ghz": 2.2}}}), encoding="utf-8")
    resources, report = observe(settings(endpoint, tables=str(tables)))
    assert report.failed == {}
    assert "instance family 'C4'" in str(report.detail)
    assert "i-5" in str(report.detail)
    [unknown] = [r for r in resources if isinstance(r, Vm) and r.id == "i-5"]
    assert (unknown.cpu_ghz, unknown.arch) == (None, None)  # counted with its clock and architecture unknown
    code, document, _ = check_json(*cli_options(endpoint, tables=str(tables)))
    assert code == 1  # far below the contract whatever i-5 and i-6 are: short, not unknown
    vcpu = next(f for f in document["findings"] if f["line_item"] == "compute.vcpu")
    assert vcpu["status"] == "short"
    assert Decimal(vcpu["supplied_lower"]) < Decimal(vcpu["supplied_upper"])
    assert [g["ids"] for g in vcpu["evidence"]["uncertain"]] == [["i-5", "i-6"]]  # both C4


def test_no_tables_means_every_vm_has_an_unknown_clock(endpoint: str) -> None:
    given = settings(endpoint)
    del given["tables"]
    resources, report = observe(given)
    assert report.failed == {}
    assert {r.cpu_ghz for r in resources if isinstance(r, Vm)} == {None}


def test_credentials_never_appear(endpoint: str, world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    world.faults.append(Fault("DescribeInstances", "echo", times=99))  # an error body quoting the request
    code, document, text = check_json(*cli_options(endpoint))
    assert code == 1
    reason = document["sources"][0]["failed"]["vm"]["text"]
    assert "<redacted>" in reason
    sources = run_cli("sources")
    for part in (text, sources.stdout, sources.stderr, caplog.text):
        assert ACCESS_KEY not in part, part[max(0, part.find(ACCESS_KEY) - 300) :][:400]
    everything = text + sources.stdout + sources.stderr + caplog.text + json.dumps(document)
    assert ACCESS_KEY not in everything
    assert SECRET_KEY not in everything


def test_missing_credentials_are_an_input_error(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KSYUN_ACCESS_KEY")
    code, _, text = check_json(*cli_options(endpoint))
    assert code == 2
    assert "KSYUN_ACCESS_KEY" in text


def test_credentials_file(endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KSYUN_ACCESS_KEY")
    monkeypatch.delenv("KSYUN_SECRET_KEY")
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}), encoding="utf-8")
    code, document, text = check_json(*cli_options(endpoint), "--source-option", f"ksyun.credentials_file={keys}")
    assert code == 1
    assert supplied(document)["compute.vcpu"][0] == "44"
    assert SECRET_KEY not in text
    keys.write_text(json.dumps({"access_key": ACCESS_KEY, "secret_key": " " + SECRET_KEY}), encoding="utf-8")
    code, _, text = check_json(*cli_options(endpoint), "--source-option", f"ksyun.credentials_file={keys}")
    assert code == 2
    assert "secret_key" in text
    assert SECRET_KEY not in text


# --- the export file -----------------------------------------------------------------------------------------


def write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "export.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def export_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPORT.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        ("{not json", "", "not valid JSON at line 1 column 2"),
        ([1, 2], "", "expected an object mapping API action names"),
        ({"DescribeEverything": []}, "DescribeEverything", "not an API action"),
        ({"DescribeInstances": {}}, "DescribeInstances", "expected a list of response bodies"),
        ({"DescribeInstances": ["x"]}, "DescribeInstances[0]", "expected a JSON object"),
        ({"ListBuckets": [{"a": 1}]}, "ListBuckets[0]", "expected the XML text"),
    ],
)
def test_bad_export_files_name_file_field_reason(tmp_path: Path, content: Any, field: str, reason: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        observe({"tables": str(TABLES)}, (path,))
    assert caught.value.file == str(path)
    assert caught.value.problems[0].field == field
    assert reason in caught.value.problems[0].reason


def test_malformed_item_in_export_names_its_path(tmp_path: Path) -> None:
    data = export_data()
    data["DescribeInstances"][1]["InstancesSet"][0]["InstanceConfigure"]["VCPU"] = "eight"
    path = write(tmp_path, data)
    code = run_cli("check", "--source", "ksyun", "--from-file", path, "--now", NOW, "--no-history")
    assert code.exit_code == 2
    assert "DescribeInstances[1].InstancesSet[0].InstanceConfigure.VCPU" in code.stderr
    assert "Traceback" not in code.stderr


def test_incomplete_or_erroneous_export_is_unknown(tmp_path: Path) -> None:
    data = export_data()
    data["DescribeAddresses"] = data["DescribeAddresses"][:1]  # still carries a NextToken
    data["DescribeSnapshots"].append({"RequestId": "r", "Error": {"Code": "InternalError", "Message": "x"}})
    del data["DescribeLocalVolumes"]
    del data["DescribeLoadBalancers"]
    _, report = observe({"tables": str(TABLES)}, (write(tmp_path, data),))
    assert str(report.incomplete["public_ip"]) == "the export of DescribeAddresses: its last page points to a next one"
    assert "InternalError" in str(report.failed["backup"])
    assert "DescribeLocalVolumes missing" in str(report.incomplete["volume"])  # what was listed is a lower bound
    assert "load_balancer" not in report.covers  # absent from the export: not observed
    assert "vm" not in report.failed
    assert "vm" not in report.incomplete


def test_sources_lists_ksyun_settings_without_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSYUN_SECRET_KEY", SECRET_KEY)
    result = run_cli("sources")
    assert result.exit_code == 0
    assert "ksyun" in result.stdout
    assert "secret_key" in result.stdout
    assert SECRET_KEY not in result.stdout


def test_every_listed_region_is_asked(endpoint: str, world: World) -> None:
    resources, report = observe(settings(endpoint, regions="cn-beijing-6, cn-shanghai-2"))
    asked = {(r["params"].get("Action"), r["params"].get("Region")) for r in world.requests}
    assert ("DescribeInstances", "cn-shanghai-2") in asked
    assert ("DescribeSnapshots", "cn-shanghai-2") in asked
    assert report.failed == {}
    # the emulator serves the same account in both regions: each resource is counted once
    assert totals(resources) == EXPECTED


def test_the_sdks_are_imported_only_when_observing_live() -> None:
    import subprocess
    import sys

    code = (
        "import sys, reconciler.app.cli, reconciler.sources; "
        "print(sorted(m for m in ('ksyun', 'ks3', 'kubernetes', 'requests') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_bad_setting_is_refused_before_anything_is_read_even_from_a_file() -> None:
    result = run_cli(
        "check", "--source", "ksyun", "--from-file", EXPORT, "--source-option", "ksyun.page_size=abc",
        "--now", NOW, "--no-history",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == "error: <ksyun settings>: ksyun.page_size: expected a whole number, found 'abc'\n"


def test_a_private_cloud_domain_sends_each_service_to_its_own_host(
    endpoint: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KingStack: `domain` makes the SDK call <service>.<domain>; an HTTP proxy (the emulator) stands in for
    the private cloud's DNS, and records the Host each request was for."""
    monkeypatch.setenv("HTTP_PROXY", f"http://{endpoint}")
    private = {key: value for key, value in settings(endpoint, domain="cloud.gov.example").items() if key != "endpoint"}
    resources, report = observe(private)
    hosts = {request["host"] for request in world.requests if request["params"].get("Action")}
    assert {"iam.cloud.gov.example", "kec.cloud.gov.example", "ebs.cloud.gov.example"} <= hosts
    assert report.failed == {}
    assert totals(resources) == EXPECTED


def test_an_unreachable_endpoint_costs_one_series_of_retries_not_one_per_api(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on the port: the first call is tried `attempts` times, the others are not tried, and
    every kind the source covers is unknown with the reason."""
    import socket

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as probe:  # a free port, closed again: connections are refused
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    resources, report = observe(settings(closed, ks3_endpoint=""))
    assert resources == []
    assert set(report.failed) == {"vm", "volume", "backup", "public_ip", "bandwidth", "load_balancer"}
    reasons = " | ".join(sorted({str(r) for r in report.failed.values()}))
    assert reasons.count("(after 3 attempts)") == 1  # the first call (IAM's project list) only
    assert f"not tried, {closed} did not answer earlier in this run" in reasons
    assert SECRET_KEY not in reasons


def test_a_value_the_model_refuses_is_an_input_error_never_a_traceback(tmp_path: Path) -> None:
    export = json.loads(EXPORT.read_text(encoding="utf-8"))
    export["DescribeVolumes"][0]["Volumes"][0]["Size"] = 10**20  # GB: beyond any real disk
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = run_cli(
        "check", "--source", "ksyun", "--from-file", path, "--source-option", f"ksyun.tables={TABLES}",
        "--now", NOW, "--no-history",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "a resource it observed is invalid: size_gb: must be at most 1000000000000000" in result.stderr
    assert "Traceback" not in result.stderr


# -- completeness of every listing an export holds -------------------------------------------------------

ID_KEYS = ("InstanceId", "SnapshotId", "LoadBalancerId", "AllocationId", "VolumeId")


def another_region(pages: list[dict[str, Any]], suffix: str) -> list[dict[str, Any]]:
    """The same listing as if answered in another region: the same pages, the items with other ids."""
    copied: list[dict[str, Any]] = json.loads(json.dumps(pages))
    for page in copied:
        for value in page.values():
            for item in value if isinstance(value, list) else []:
                for key in ID_KEYS:
                    if key in item:
                        item[key] = f"{item[key]}-{suffix}"
    return copied


def listing_cut_short(pages: list[dict[str, Any]], keep: int, total: int) -> list[dict[str, Any]]:
    """Region B's listing: the first `keep` pages of a longer listing of `total` items."""
    cut = another_region(pages, "b")[:keep]
    for page in cut:
        for key in ("InstanceCount", "TotalCount"):
            if key in page:
                page[key] = total
    return cut


@pytest.mark.parametrize(
    ("action", "kind", "pages"),
    [
        # region A complete (7 of 7), region B stopped after its first page (5 of 9): 12 items >= 9 before
        ("DescribeInstances", "vm", lambda p: p + listing_cut_short(p, 1, total=9)),
        # region B first, cut after its first page (5 of 7), then region A complete: only the last was checked
        ("DescribeInstances", "vm", lambda p: listing_cut_short(p, 1, total=7) + p),
        # page numbering: region B stopped after page 1 (hasNext), region A complete after it
        ("DescribeSnapshots", "backup", lambda p: another_region(p, "b")[:1] + p),
        # token paging with a total: region A complete (6 of 6), region B stopped at 5 of 8
        ("DescribeLoadBalancers", "load_balancer", lambda p: p + listing_cut_short(p, 1, total=8)),
    ],
)
def test_a_listing_cut_short_among_several_is_unknown(tmp_path: Path, action: str, kind: str, pages: Any) -> None:
    data = export_data()
    data[action] = pages(data[action])
    _, report = observe({"tables": str(TABLES)}, (write(tmp_path, data),))
    assert kind in report.incomplete, report.incomplete
    assert kind not in report.failed
    assert str(report.incomplete[kind]).startswith(f"the export of {action} (listing ")


def test_several_complete_listings_in_one_export_are_complete(tmp_path: Path) -> None:
    data = export_data()
    for action in ("DescribeInstances", "DescribeSnapshots", "DescribeAddresses", "DescribeLoadBalancers"):
        data[action] = data[action] + another_region(data[action], "b")
    resources, report = observe({"tables": str(TABLES)}, (write(tmp_path, data),))
    assert report.failed == {}
    found = totals(resources)
    assert len(found["vm_ids"]) == 2 * len(EXPECTED["vm_ids"])
    assert len(found["lbs"]) == 2 * len(EXPECTED["lbs"])
    assert sum(isinstance(r, Backup) for r in resources) == 2 * 7 + 1  # snapshots twice, the local one once


def test_a_file_holding_only_the_start_of_a_listing_is_unknown_though_another_completes_it(tmp_path: Path) -> None:
    whole = write(tmp_path, export_data())
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"DescribeInstances": export_data()["DescribeInstances"][:1]}), encoding="utf-8")
    resources, report = observe({"tables": str(TABLES)}, (start, whole))
    assert report.failed == {}
    assert {kind: str(why) for kind, why in report.incomplete.items()} == {
        "vm": f"the export of DescribeInstances in {start}: ended at 5 distinct items of the 7 its pages tell"
    }
    assert totals(resources)["vm_ids"] == EXPECTED["vm_ids"]  # what was seen still counts (a lower bound)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda p: p[1].pop("Marker"), "page 2 does not echo its Marker, so its listings cannot be told apart"),
        (lambda p: p[1].update(Marker=6), "page 2 is at Marker 6 where 5 comes next: pages are missing"),
        (lambda p: p.pop(0), "page 1 is at Marker 5: the pages before it are missing"),
    ],
)
def test_pages_that_cannot_be_placed_in_a_listing_are_unknown(tmp_path: Path, mutate: Any, reason: str) -> None:
    data = export_data()
    mutate(data["DescribeInstances"])
    _, report = observe({"tables": str(TABLES)}, (write(tmp_path, data),))
    assert str(report.incomplete["vm"]) == f"the export of DescribeInstances: {reason}"


def test_a_live_listing_that_ends_short_of_its_total_once_is_read_again(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeLoadBalancers", "lastpage"))  # 5 of 6 load balancers, then no NextToken
    resources, report = observe(settings(endpoint))
    assert (report.failed, report.incomplete) == ({}, {})
    assert totals(resources)["lbs"] == EXPECTED["lbs"]
    asked = [
        r["params"].get("NextToken") for r in world.requests if r["params"].get("Action") == "DescribeLoadBalancers"
    ]
    assert asked == [None, None, "6"]  # cut short, then read again from the first page, whole


def test_a_live_listing_that_keeps_ending_short_of_its_total_is_incomplete(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeLoadBalancers", "lastpage", times=2))
    resources, report = observe(settings(endpoint))
    assert report.failed == {}
    listing = "DescribeLoadBalancers in cn-beijing-6"
    assert {kind: str(why) for kind, why in report.incomplete.items()} == {
        "load_balancer": f"{listing}: ended at 5 distinct items of the 6 its pages tell; "
        f"{listing}: read again from the first page; {listing}: ended at 5 distinct items of the 6 its pages tell"
    }
    assert len(totals(resources)["lbs"]) == 5  # the five seen count


# -- listings side by side -----------------------------------------------------------------------------------


def test_listings_run_side_by_side_at_most_concurrency_at_once(endpoint: str, world: World) -> None:
    slow = ["DescribeInstances", "DescribeVolumes", "DescribeSnapshots", "DescribeAddresses", "DescribeLoadBalancers"]
    world.faults += [Fault(action, "slow", times=99, delay=0.05) for action in slow]
    resources, report = observe(settings(endpoint, concurrency="3"))
    assert (report.failed, report.incomplete) == ({}, {})
    assert totals(resources) == EXPECTED
    assert world.most_in_flight == 3
    for action in ("DescribeInstances", "DescribeVolumes"):  # each listing pages in order
        markers = [int(r["params"]["Marker"]) for r in world.requests if r["params"].get("Action") == action]
        assert markers == sorted(markers)
    world.requests.clear()
    world.most_in_flight = 0
    observe(settings(endpoint, concurrency="1"))
    assert world.most_in_flight == 1


@pytest.mark.parametrize("slow", ["DescribeInstances", "DescribeLoadBalancers"])
def test_the_result_is_the_same_whatever_order_the_listings_end_in(endpoint: str, world: World, slow: str) -> None:
    """Two regions, listings ending in different orders: the same resources in the same order, the same report."""
    given = settings(endpoint, regions="cn-beijing-6,cn-shanghai-2", concurrency="1")
    one_at_a_time = observe(given)
    world.faults.append(Fault(slow, "slow", times=2, delay=0.2))  # the first listings of `slow` end last
    side_by_side = observe({**given, "concurrency": "8"})
    assert [repr(r) for r in side_by_side[0]] == [repr(r) for r in one_at_a_time[0]]
    assert side_by_side[1] == one_at_a_time[1]
