"""The fleet as its users meet it: a fleet file with its mistakes named, shards that split it exactly, `fleet check`
naming each contract's result with the worst exit code (a broken file and a dead source never stop the others),
each contract checked as `reconciler check` checks it, the metrics Prometheus reads, and the overview site in
a real browser.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from reconciler.fleet.shards import Shard, parse_shard, shard_of
from tests.cli_runner import CliResult, run_cli
from tests.fleet_support import NOW, generate_fleet

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, CliResult]:
    """A fleet of 12 generated contracts (one broken file, one dead source) checked once, in two processes."""
    root = tmp_path_factory.mktemp("fleet")
    fleet = generate_fleet(root, 12, broken=4, failing_every=6)
    history = f"sqlite:///{root / 'history.sqlite'}"
    result = run_cli("fleet", "check", fleet, "--history", history, "--now", NOW, "--workers", "2", "--format", "json")
    return fleet, history, result


def by_name(result: CliResult) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in result.json()["contracts"]}


# -- the fleet file ---------------------------------------------------------------------------------------


def write_fleet(tmp_path: Path, **changes: Any) -> Path:
    data: dict[str, Any] = {
        "schema": "contract-reconciler/fleet",
        "version": 1,
        "contracts": [{"name": "one", "contract": "contract.json", "observed": "observation.json"}],
    }
    data.update(changes)
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"contracts": [{"name": "Bad Name", "contract": "c.json", "observed": "o.json"}]}, "contracts[0].name",
         "should match pattern"),
        ({"contracts": [{"name": "one", "contract": "c.json"}]}, "contracts[0](one)", "say what to observe"),
        ({"contracts": [{"name": "one", "contract": "c.json", "sources": [
            {"name": "ksyun", "settings": {"secret_key": "plain-secret"}}]}]},
         "contracts[0](one).sources[0].settings.secret_key", "never in the fleet file"),
        ({"contracts": [{"name": "one", "contract": "c.json", "observed": "o.json", "notify": ["ops"]}]},
         "contracts[0](one).notify", "no target 'ops'"),
        ({"targets": {"ops": {"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x"}}},
         "targets.ops.url", "give it as url_env"),
        ({"targets": {"mail": {"kind": "email", "to": ["a@example.gov.cn"]}}}, "targets.mail", "smtp server"),
        ({"contracts": [{"name": "one", "contract": "a.json", "observed": "o.json"},
                        {"name": "one", "contract": "b.json", "observed": "o.json"}]},
         "contracts[1](one).name", "also the name of contracts[0]"),
    ],
)  # fmt: skip
def test_a_fleet_file_with_a_mistake_is_refused_naming_the_field(
    tmp_path: Path, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = write_fleet(tmp_path, **changes)
    result = run_cli("fleet", "check", path, "--history", f"sqlite:///{tmp_path / 'h.sqlite'}")
    assert result.exit_code == 2
    assert f"{path}: {field}" in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert "plain-secret" not in result.stderr


# -- shards -----------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(names=st.sets(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True), max_size=80), count=st.integers(1, 40))
def test_shards_partition_any_fleet_exactly_and_stably(names: set[str], count: int) -> None:
    shards = [Shard(index, count) for index in range(count)]
    holders = {name: [s for s in shards if s.holds(name)] for name in names}
    assert all(len(found) == 1 for found in holders.values())  # every contract in exactly one shard
    assert all(found[0].index == shard_of(name, count) for name, found in holders.items())  # by its name alone


@pytest.mark.parametrize("text", ["4/4", "1/0", "a/b", "-1/3", "2"])
def test_a_shard_outside_the_count_is_refused(text: str) -> None:
    from reconciler.base.errors import InputError

    with pytest.raises(InputError, match="--shard"):
        parse_shard(text)


# -- fleet check ------------------------------------------------------------------------------------------


def test_fleet_check_names_every_contracts_result_and_exits_with_the_worst(
    checked: tuple[Path, str, CliResult],
) -> None:
    _fleet, _, result = checked
    assert result.exit_code == 2, result.stderr  # one contract file is broken: the worst of 0, 1, 2, 3
    contracts = by_name(result)
    assert len(contracts) == 12
    broken = contracts["agency-005"]
    assert broken["exit_code"] == 2
    assert "agency-005/contract.json" in broken["problem"]
    assert "not valid JSON" in broken["problem"]
    assert broken["run_id"] is None
    dead = contracts["agency-006"]  # it also observes a cluster that refuses connections
    assert (dead["exit_code"], dead["verdict"]) == (3, "unknown")
    checked_ones = [c for c in contracts.values() if c["name"] != "agency-005"]
    assert all(c["run_id"] is not None for c in checked_ones)
    assert {c["exit_code"] for c in checked_ones} >= {0, 1}
    short = contracts["agency-001"]  # its tenancy is 8 vCPU short of the baseline
    assert (short["exit_code"], short["shortfall_value_monthly"]) == (1, "-112.16")


def test_the_text_output_names_each_contract_and_the_counts(tmp_path: Path) -> None:
    fleet = generate_fleet(tmp_path, 5, broken=2, failing_every=0)
    result = run_cli("fleet", "check", fleet, "--history", f"sqlite:///{tmp_path / 'h.sqlite'}", "--now", NOW)
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "fleet check 2026-11-25, shard 0/1: 5 contracts"
    assert any(line.split()[:4] == ["agency-001", "exit", "1", "drift"] for line in lines)
    assert any(line.split()[:4] == ["agency-003", "exit", "2", "invalid"] for line in lines)
    assert lines[-1].endswith("1 not checked; exit 2")


def test_a_contract_of_the_fleet_is_checked_as_reconciler_check_checks_it(
    checked: tuple[Path, str, CliResult], tmp_path: Path
) -> None:
    fleet, history, _ = checked
    folder = fleet.parent / "contracts" / "agency-001"
    alone = run_cli(
        "check", "--contract", folder / "contract.json", "--observed", folder / "observation.json", "--now", NOW,
        "--format", "json", "--no-history",
    )  # fmt: skip
    from reconciler.history.store import open_history

    with open_history(history, read_only=True) as store:
        outcome = store.latest_outcomes(["agency-001"])[0]
    digest = outcome["digest"]
    expected = alone.json()
    assert alone.exit_code == outcome["exit_code"] == 1
    assert digest["verdict"] == expected["verdict"]
    assert [(i["id"], i["status"], i["lower"], i["upper"]) for i in digest["items"]] == [
        (f["line_item"], f["status"], f["supplied_lower"], f["supplied_upper"]) for f in expected["findings"]
    ]
    assert digest["shortfall_value"] == expected["summary"]["shortfall_value_monthly"]


def test_contracts_the_history_could_not_tell_apart_are_refused_by_name(tmp_path: Path) -> None:
    fleet = generate_fleet(tmp_path, 3, broken=None, failing_every=0)
    data = json.loads(fleet.read_text(encoding="utf-8"))
    data["contracts"][2]["contract"] = data["contracts"][1]["contract"]  # two entries, one contract
    fleet.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("fleet", "check", fleet, "--history", f"sqlite:///{tmp_path / 'h.sqlite'}", "--now", NOW,
                     "--format", "json")  # fmt: skip
    contracts = by_name(result)
    assert contracts["agency-001"]["exit_code"] == 1
    for name, other in (("agency-002", "agency-003"), ("agency-003", "agency-002")):
        assert contracts[name]["exit_code"] == 2
        assert f"same title and total as {other}" in contracts[name]["problem"]


def test_only_and_shard_choose_the_contracts(checked: tuple[Path, str, CliResult], tmp_path: Path) -> None:
    fleet, _, _ = checked
    history = f"sqlite:///{tmp_path / 'h.sqlite'}"
    only = run_cli("fleet", "check", fleet, "--history", history, "--now", NOW, "--only", "agency-002",
                   "--format", "json")  # fmt: skip
    assert list(by_name(only)) == ["agency-002"]
    unknown = run_cli("fleet", "check", fleet, "--history", history, "--only", "agency-999")
    assert unknown.exit_code == 2
    assert "no contract 'agency-999'" in unknown.stderr
    names = set()
    for index in range(3):
        part = run_cli("fleet", "check", fleet, "--history", history, "--now", NOW, "--shard", f"{index}/3",
                       "--workers", "1", "--format", "json")  # fmt: skip
        assert part.json()["shard"] == f"{index}/3"
        assert not names & set(by_name(part))
        names |= set(by_name(part))
    assert names == {f"agency-{n:03d}" for n in range(1, 13)}


# -- metrics ----------------------------------------------------------------------------------------------


def metrics_of(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_the_metrics_file_parses_and_tells_each_contracts_figures(
    checked: tuple[Path, str, CliResult], tmp_path: Path
) -> None:
    fleet, history, _ = checked
    textfile = tmp_path / "reconciler.prom"
    result = run_cli("fleet", "check", fleet, "--history", history, "--now", NOW, "--only", "agency-001",
                     "--only", "agency-005", "--only", "agency-006", "--metrics-textfile", textfile)  # fmt: skip
    assert result.exit_code == 2
    metrics = metrics_of(textfile.read_text(encoding="utf-8"))
    vcpu = (("contract", "agency-001"), ("line_item", "compute.vcpu"), ("unit", "vCPU"))
    assert metrics[("reconciler_line_item_supply_lower", vcpu)] == 1224
    assert metrics[("reconciler_line_item_supply_upper", vcpu)] == 1224
    assert metrics[("reconciler_line_item_due", vcpu)] == 1232
    assert metrics[("reconciler_line_item_entitled", vcpu)] == 1232
    short = (("contract", "agency-001"), ("line_item", "compute.vcpu"), ("status", "short"))
    assert metrics[("reconciler_line_item_status", short)] == 1
    item = (("contract", "agency-001"), ("line_item", "compute.vcpu"))
    assert metrics[("reconciler_line_item_gap_value_cny", item)] == -112.16
    assert metrics[("reconciler_line_item_shortfall_value_cny", item)] == 112.16
    assert metrics[("reconciler_contract_exit_code", (("contract", "agency-005"),))] == 2
    assert metrics[("reconciler_contract_checked", (("contract", "agency-005"),))] == 0
    dead = (("contract", "agency-006"), ("source", "kubernetes"))
    assert metrics[("reconciler_source_up", dead)] == 0
    assert metrics[("reconciler_source_up", (("contract", "agency-006"), ("source", "snapshot")))] == 1
    upper = (("contract", "agency-006"), ("line_item", "compute.vcpu"), ("unit", "vCPU"))
    assert metrics[("reconciler_line_item_supply_upper", upper)] == float("inf")
    assert metrics[("reconciler_contract_check_duration_seconds", (("contract", "agency-001"),))] > 0
    assert metrics[("reconciler_fleet_contracts", (("verdict", "invalid"),))] == 1


def test_serve_metrics_reads_the_latest_outcomes_at_each_scrape(checked: tuple[Path, str, CliResult]) -> None:
    from reconciler.fleet.load import load_fleet
    from reconciler.fleet.metrics import serve
    from reconciler.fleet.outcomes import outcome_from_row
    from reconciler.history.store import open_history

    fleet_path, history, _ = checked
    names = [c.name for c in load_fleet(fleet_path).contracts]

    def latest() -> list[Any]:
        with open_history(history, read_only=True) as store:
            return [outcome_from_row(row) for row in store.latest_outcomes(names)]

    stop, ports = threading.Event(), []
    thread = threading.Thread(target=serve, args=("127.0.0.1", 0, latest, stop, ports.append), daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if ports:
                break
            threading.Event().wait(0.05)
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[0]}/metrics", timeout=10) as response:
            text = response.read().decode()
    finally:
        stop.set()
        thread.join(timeout=10)
    metrics = metrics_of(text)
    exit_codes = {labels[0][1]: value for (name, labels), value in metrics.items()
                  if name == "reconciler_contract_exit_code"}  # fmt: skip
    assert len(exit_codes) == 12
    assert exit_codes["agency-005"] == 2


# -- the overview site ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CliResult]:
    """Two nights of 8 contracts (the second with agency-001's shortfall grown), and the site written after."""
    root = tmp_path_factory.mktemp("site")
    fleet = generate_fleet(root, 8, broken=4, failing_every=6)
    history = f"sqlite:///{root / 'history.sqlite'}"
    run_cli("fleet", "check", fleet, "--history", history, "--now", "2026-11-24T09:00:00+08:00", "--workers", "2")
    observation = root / "contracts" / "agency-001" / "observation.json"
    data = json.loads(observation.read_text(encoding="utf-8"))
    data["resources"] = [r for r in data["resources"] if r["id"] != "vm-0-7"]  # 154 vCPU fewer
    observation.write_text(json.dumps(data), encoding="utf-8")
    run_cli("fleet", "check", fleet, "--history", history, "--now", NOW, "--workers", "2")
    result = run_cli("fleet", "report", fleet, "--history", history, "--now", NOW, "--output", root / "site",
                     "--workers", "2")  # fmt: skip
    return root / "site", result


def test_fleet_report_writes_the_overview_and_each_contracts_reports(site: tuple[Path, CliResult]) -> None:
    out, result = site
    assert result.exit_code == 0, result.stderr
    assert "8 contracts" in result.stdout
    assert (out / "index.html").exists()
    assert (out / "index.en.html").exists()
    assert (out / "contracts" / "agency-001" / "status.html").exists()
    assert (out / "contracts" / "agency-001" / "monthly-2026-11.html").exists()
    assert not (out / "contracts" / "agency-005").exists()  # its contract file is broken: no report, a row
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium)")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-extensions", f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0", *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.mark.browser
@pytest.mark.parametrize(("page", "lang"), [("index.html", "zh"), ("index.en.html", "en")])
def test_the_overview_in_chromium_shows_every_contract_and_its_figures(
    site: tuple[Path, CliResult], tmp_path: Path, page: str, lang: str
) -> None:
    out, _ = site
    done = chromium(tmp_path, "--dump-dom", (out / page).as_uri())
    assert done.returncode == 0, done.stderr
    assert console_errors(done.stderr) == []
    dom = done.stdout
    assert dom.count('<tr class="') == 8
    assert 'data-contract="agency-001" data-state="drift" data-exit-code="1"' in dom
    assert 'data-shortfall="17151.71"' in dom  # 161 vCPU x 14.02 + 362 GB x 41.145 CNY: one host gone
    assert 'data-contract="agency-005" data-state="invalid" data-exit-code="2"' in dom
    assert 'data-contract="agency-006" data-state="unknown" data-exit-code="3"' in dom
    assert "<polyline" in dom  # two nights: a trend line
    row = re.compile(r'<tr class="[^"]*" data-contract="([^"]+)".*?</tr>', re.S)
    rows = {m.group(1): m.group(0) for m in row.finditer(dom)}
    assert 'class="spark never-short"' in rows["agency-002"]  # met both nights: the neutral line
    assert 'class="spark"' in rows["agency-001"]  # short: the shortfall's colour
    # a dead source: no certain shortfall, but the bounds allow one, and the page says how much at most
    assert 'data-shortfall="0.00"' in rows["agency-006"]
    assert re.search(r'data-shortfall-possible="[1-9][0-9.]*"', rows["agency-006"])
    assert "data-shortfall-possible" not in rows["agency-002"]
    assert 'href="contracts/agency-001/status.html"' in dom
    assert ("不足或超出" if lang == "zh" else "short or over") in dom
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"fleet-overview-{lang}.png"
    shot.unlink(missing_ok=True)
    done = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", "--hide-scrollbars",
                    (out / page).as_uri())  # fmt: skip
    assert done.returncode == 0
    assert shot.exists()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_a_contracts_status_report_from_the_site_renders(site: tuple[Path, CliResult], tmp_path: Path) -> None:
    out, _ = site
    done = chromium(tmp_path, "--dump-dom", (out / "contracts" / "agency-001" / "status.html").as_uri())
    assert done.returncode == 0
    assert console_errors(done.stderr) == []
    assert "-2,257.22" in done.stdout  # 161 vCPU x 14.02 CNY


def test_bad_fleet_report_output_is_named(checked: tuple[Path, str, CliResult], tmp_path: Path) -> None:
    fleet, history, _ = checked
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    result = run_cli("fleet", "report", fleet, "--history", history, "--output", file)
    assert result.exit_code == 2
    assert "not a directory" in result.stderr
