"""Remote-access accounts and WAF instances observed where an API lists them, through the official SDK against the
Kingsoft emulator: VPN gateways and tunnels (vpc), bare-metal remote-management accounts (epc), opened instances
of a trade product group (QueryInstances: a JSON body, page-numbered, Data.Total); and what `tables init` asks
the API of instance types and families.

The account: the emulator's world of tests/test_source_ksyun.py, plus 6 VPN tunnels (one in a second page at page
size 5), 2 VPN gateways, 2 remote-management accounts, and 8 trade instances: 6 opened WAF instances of product
group 108 (one needs a second page at size 5), 1 WAF instance of group 108 not opened (status 4, expired), 1
opened EIP of group 7. None of these counts until the tables say which listing does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.core.observation import RemoteAccessAccount, Waf
from reconciler.sources import SOURCES
from reconciler.sources.base import SourceRequest
from tests.cli_runner import run_cli
from tests.emulators.ksyun import Fault, World, running
from tests.test_source_ksyun import ACCESS_KEY, SECRET_KEY, TABLES, load_world, settings

NOW = "2026-11-25T09:00:00+08:00"
TUNNELS = [
    {"VpnTunnelId": f"vt-{n}", "VpnTunnelName": f"site-{n}", "VpnGatewayId": "vg-1", "State": "active"}
    for n in range(1, 7)
]
GATEWAYS = [
    {"VpnGatewayId": "vg-1", "VpnGatewayName": "hq", "BandWidth": 10, "ProjectId": 0},
    {"VpnGatewayId": "vg-2", "VpnGatewayName": "dr", "BandWidth": 5, "ProjectId": 1001},
]
MANAGEMENTS = [
    {"RemoteManagementId": "rm-1", "Name": "Zhang", "PhoneNumber": "138****0001"},
    {"RemoteManagementId": "rm-2", "Name": "Li", "PhoneNumber": "138****0002"},
]
TRADE = [
    *(
        {"instanceId": f"waf-{n}", "productGroup": 108, "productTypeName": "Web应用防火墙", "status": 2}
        for n in range(1, 7)
    ),
    {"instanceId": "waf-old", "productGroup": 108, "productTypeName": "Web应用防火墙", "status": 4},
    {"instanceId": "eip-x", "productGroup": 7, "productTypeName": "弹性IP", "status": 2},
]
WAF_IDS = [f"waf-{n}" for n in range(1, 7)]
TUNNEL_IDS = [f"vt-{n}" for n in range(1, 7)]
TYPE_CONFIGS = [
    {"InstanceType": "S6.4B", "InstanceFamily": "S6", "InstanceFamilyName": "标准型S6", "CPU": 8, "Memory": 16},
    {"InstanceType": "S6.8B", "InstanceFamily": "S6", "InstanceFamilyName": "标准型S6", "CPU": 16, "Memory": 32},
    {"InstanceType": "C4.4C", "InstanceFamily": "C4", "InstanceFamilyName": "计算优化型C4", "CPU": 8, "Memory": 16},
]
FAMILIES = [
    {"InstanceFamily": "S6", "InstanceFamilyName": "标准型S6"},
    {"InstanceFamily": "N3", "InstanceFamilyName": "通用型N3"},
]


@pytest.fixture
def world() -> World:
    account = load_world()
    account.items |= {
        "DescribeVpnTunnels": TUNNELS,
        "DescribeVpnGateways": GATEWAYS,
        "DescribeRemoteManagements": MANAGEMENTS,
        "QueryInstances": TRADE,
        "DescribeInstanceTypeConfigs": TYPE_CONFIGS,
        "DescribeInstanceFamilys": FAMILIES,
    }
    return account


@pytest.fixture
def endpoint(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KSYUN_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KSYUN_SECRET_KEY", SECRET_KEY)
    with running(world) as address:
        yield address


def tables_with(tmp_path: Path, **tables: Any) -> Path:
    """tests/data/ksyun/tables.json with more tables."""
    given = json.loads(TABLES.read_text(encoding="utf-8")) | tables
    path = tmp_path / "tables.json"
    path.write_text(json.dumps(given), encoding="utf-8")
    return path


def observe(request_settings: dict[str, str], files: tuple[Path, ...] = ()) -> tuple[list[Any], Any]:
    source = SOURCES["ksyun"].open(SourceRequest("ksyun", files, request_settings))
    resources = list(source.resources())
    (report,) = source.observation().sources
    return resources, report


def actions(world: World) -> list[str]:
    return [r["params"].get("Action", "") for r in world.requests]


def test_without_a_table_saying_what_counts_neither_listing_is_read(endpoint: str, world: World) -> None:
    _resources, report = observe(settings(endpoint))
    assert {"remote_access_account", "waf"}.isdisjoint(report.covers)
    assert not {"DescribeVpnTunnels", "DescribeVpnGateways", "DescribeRemoteManagements", "QueryInstances"} & set(
        actions(world)
    )


def test_vpn_tunnels_count_as_remote_access_accounts_when_the_tables_say_so(
    endpoint: str, world: World, tmp_path: Path
) -> None:
    tables = tables_with(
        tmp_path, remote_access={"vpn_tunnel": {"counts": True, "evidence": "contract annex 2: one account per tunnel"}}
    )
    resources, report = observe(settings(endpoint, tables=str(tables), page_size="5"))
    accounts = sorted(r.id for r in resources if isinstance(r, RemoteAccessAccount))
    assert accounts == TUNNEL_IDS  # two pages at 5
    assert "remote_access_account" in report.covers
    [entry] = [e for e in report.table_entries if e.table == "remote_access"]
    assert (entry.key, entry.count, str(entry.evidence)) == (
        "vpn_tunnel",
        6,
        "contract annex 2: one account per tunnel",
    )
    assert actions(world).count("DescribeVpnTunnels") == 2
    assert "DescribeVpnGateways" not in actions(world)


def test_gateways_are_listed_per_project_and_management_accounts_unpaged(
    endpoint: str, world: World, tmp_path: Path
) -> None:
    tables = tables_with(
        tmp_path,
        remote_access={
            "vpn_gateway": {"counts": True, "evidence": "one account per gateway"},
            "remote_management": {"counts": True, "evidence": "EPC out-of-band accounts"},
        },
    )
    resources, _report = observe(settings(endpoint, tables=str(tables)))
    accounts = sorted(r.id for r in resources if isinstance(r, RemoteAccessAccount))
    assert accounts == ["rm-1", "rm-2", "vg-1", "vg-2"]  # vg-2 is in project 1001: every project is asked
    gateway_request = next(r["params"] for r in world.requests if r["params"].get("Action") == "DescribeVpnGateways")
    assert gateway_request.get("ProjectId.2") == "1001"


def test_waf_instances_are_the_opened_instances_of_the_product_group_the_tables_name(
    endpoint: str, world: World, tmp_path: Path
) -> None:
    tables = tables_with(tmp_path, waf_product_groups={"108": {"counts": True, "evidence": "billing console: WAF"}})
    resources, report = observe(settings(endpoint, tables=str(tables), page_size="5"))
    assert sorted(r.id for r in resources if isinstance(r, Waf)) == WAF_IDS  # not waf-old, eip-x
    assert "waf" in report.covers
    requests = [r for r in world.requests if r["params"].get("Action") == "QueryInstances"]
    assert [(r["params"]["productGroup"], r["params"]["page"]) for r in requests] == [("108", "1"), ("108", "2")]


def test_a_failing_trade_listing_leaves_waf_unknown_not_zero(endpoint: str, world: World, tmp_path: Path) -> None:
    tables = tables_with(tmp_path, waf_product_groups={"108": {"counts": True, "evidence": "billing console: WAF"}})
    world.faults.append(Fault("QueryInstances", "status", times=10, status=403, code="AccessDenied"))
    given = settings(endpoint, tables=str(tables))
    options = [f"ksyun.{key}={value}" for key, value in given.items() if key not in ("access_key", "secret_key")]
    flags = [x for o in options for x in ("--source-option", o)]
    result = run_cli("check", "--source", "ksyun", *flags,
                     "--now", NOW, "--no-history", "--format", "json")  # fmt: skip
    waf = next(f for f in result.json()["findings"] if f["line_item"] == "security.waf")
    assert (waf["status"], waf["supplied_lower"], waf["supplied_upper"]) == ("unknown", "0", None)
    failed = waf["reason"]["values"]["parts"][0]
    assert (failed["key"], failed["values"]["kind"]) == ("source_failed", "waf")
    assert "AccessDenied" in failed["text"]


def test_an_export_with_the_listings_counts_them_as_the_live_api_does(tmp_path: Path) -> None:
    tables = tables_with(
        tmp_path,
        remote_access={"vpn_tunnel": {"counts": True, "evidence": "annex"}},
        waf_product_groups={"108": {"counts": True, "evidence": "console"}},
    )
    export = json.loads((Path(__file__).parent / "data" / "ksyun" / "export.json").read_text(encoding="utf-8"))
    export["DescribeVpnTunnels"] = [{"VpnTunnelSet": TUNNELS[:5], "NextToken": "6"}, {"VpnTunnelSet": TUNNELS[5:]}]
    opened = [t for t in TRADE if t["status"] == 2]  # what the API answers for every group: opened ones
    export["QueryInstances"] = [
        {"Data": {"RetResponse": opened[:5], "Total": 7}},
        {"Data": {"RetResponse": opened[5:], "Total": 7}},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    resources, report = observe({"tables": str(tables)}, (path,))
    assert sorted(r.id for r in resources if isinstance(r, RemoteAccessAccount)) == TUNNEL_IDS
    assert sorted(r.id for r in resources if isinstance(r, Waf)) == WAF_IDS  # eip-x is of another group
    assert {"remote_access_account", "waf"} <= report.covers
    assert not report.incomplete


def test_an_export_cut_short_of_its_trade_total_is_incomplete(tmp_path: Path) -> None:
    tables = tables_with(tmp_path, waf_product_groups={"108": {"counts": True, "evidence": "console"}})
    export = {"QueryInstances": [{"Data": {"RetResponse": TRADE[:2], "Total": 3}}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    _resources, report = observe({"tables": str(tables)}, (path,))
    assert "waf" in report.incomplete


def test_tables_init_live_lists_what_each_listing_holds_and_what_the_api_reports(
    endpoint: str, world: World, tmp_path: Path
) -> None:
    given = settings(endpoint)
    del given["tables"]
    options = [f"ksyun.{key}={value}" for key, value in given.items() if key not in ("access_key", "secret_key")]
    out = tmp_path / "tables.json"
    result = run_cli(
        "tables", "init", "--source", "ksyun", *(x for o in options for x in ("--source-option", o)),
        "--output", out, "--now", NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    s6 = document["families"]["S6"]
    assert (s6["cpu_ghz"], s6["arch"]) == (None, None)  # no API reports a clock or an architecture
    assert s6["reported"]["family_name"] == "标准型S6"
    assert s6["reported"]["instance_types"]["S6.8B"] == {"CPU": 16, "Memory": 32}
    assert document["remote_access"]["vpn_tunnel"]["observed"]["items"] == 6
    assert document["remote_access"]["vpn_gateway"]["observed"]["items"] == 2
    groups = document["waf_product_groups"]
    assert groups["108"]["counts"] is None
    assert groups["108"]["observed"]["instances"] == 6
    assert (groups["7"]["counts"], groups["7"]["evidence"]) == (
        False,
        "its instances' product types name no WAF: 弹性IP",
    )
    trade = next(r for r in world.requests if r["params"].get("Action") == "QueryInstances")
    assert "productGroup" not in trade["params"]  # every group, to choose from
    assert "DescribeInstanceTypeConfigs" in actions(world)
    assert "DescribeInstanceFamilys" in actions(world)
    assert SECRET_KEY not in out.read_text(encoding="utf-8")
    assert ACCESS_KEY not in result.stdout


def test_tables_init_says_which_listing_it_could_not_read(endpoint: str, world: World, tmp_path: Path) -> None:
    world.faults.append(Fault("QueryInstances", "status", times=10, status=403, code="AccessDenied"))
    given = settings(endpoint)
    del given["tables"]
    options = [f"ksyun.{key}={value}" for key, value in given.items() if key not in ("access_key", "secret_key")]
    result = run_cli("tables", "init", "--source", "ksyun", *(x for o in options for x in ("--source-option", o)))
    document = result.json()
    assert "AccessDenied" in document["scaffolded"]["not_listed"]["QueryInstances"]
    assert document["waf_product_groups"] == {}
