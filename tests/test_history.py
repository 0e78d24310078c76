"""The run history: what a recorded run holds, the migrations, concurrent writers, and a writer killed mid-run.

Writers are real processes (`reconciler.app.cli.main` in fresh interpreters) racing on one SQLite file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from reconciler.base.messages import plain_text
from reconciler.contract.model import Contract
from reconciler.core.models import Reconciliation
from reconciler.core.observation import KINDS, Observation, SourceReport
from reconciler.core.reconcile import contract_ref, reconcile
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.history import store as history_module
from reconciler.history.store import HEAD, History, history_url
from tests.conftest import CONTRACT_PATH, ROOT, CliResult, met_resources, structs, vm

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ)
OBSERVED = datetime(2026, 11, 25, 2, 0, tzinfo=CONTRACT_TZ)
RECORDED = datetime(2026, 11, 25, 1, 0, 5, tzinfo=UTC)
Cli = Callable[..., CliResult]


def _result(contract: Contract, resources: list[dict[str, Any]], now: datetime = NOW) -> Reconciliation:
    source = SourceReport("test", frozenset(KINDS), detail=plain_text("unit test"), resource_count=len(resources))
    return reconcile(contract, Observation(OBSERVED, (source,), structs(resources)), now)


def _drifting() -> list[dict[str, Any]]:
    """vm-b 16 vCPU short, one VM below the clock floor, one terminated VM, one public IP too many."""
    resources = [r for r in met_resources() if r["id"] != "vm-b"]
    return [
        *resources,
        vm("vm-b", 600, 1448),
        vm("vm-slow", 4, 8, ghz="2.2"),
        vm("vm-gone", 8, 16, state="terminated"),
        {"id": "eip-x", "kind": "public_ip"},
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[History]:
    with History.open(f"sqlite:///{tmp_path / 'h.sqlite'}", clock=lambda: RECORDED) as opened:
        yield opened


def _db(tmp_path: Path, name: str = "h.sqlite") -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / name)


def test_a_recorded_run_reads_back_as_a_past_run_without_evidence_ids(
    contract: Contract, store: History, tmp_path: Path
) -> None:
    result = _result(contract, _drifting())
    assert store.record(result) == 1
    [past] = store.past_runs()
    assert (past.run_id, past.now, past.observed_at) == (1, NOW, OBSERVED)
    assert past.supplied["compute.vcpu"] == Decimal(1216)
    assert past.statuses == {f.line_item.value: f.status.value for f in result.findings}
    vcpu: Any = past.findings["compute.vcpu"]
    assert (vcpu["status"], vcpu["gap"], vcpu["gap_value_monthly"]) == ("short", "-16", "-224.32")
    assert "contributing" not in vcpu["evidence"]
    assert vcpu["evidence"]["contributing_count"] == 2
    assert vcpu["evidence"]["nonconforming"] == [
        {
            "rule": "min_cpu_ghz",
            "detail": vcpu["evidence"]["nonconforming"][0]["detail"],
            "subject": "2.2",
            "limit": "2.4",
            "count": 1,
            "quantity": "4",
        }
    ]
    assert [g["count"] for g in vcpu["evidence"]["excluded"]] == [1]
    with _db(tmp_path) as db:
        run = db.execute(
            "SELECT recorded_at, now, observed_at, contract_title_en, contract_total, verdict, exit_code, sources "
            "FROM runs"
        ).fetchone()
        rows = db.execute(
            "SELECT line_item, status, entitled, due, supplied, gap, gap_value_monthly FROM findings "
            "WHERE run_id = 1 ORDER BY seq"
        ).fetchall()
    assert run[:7] == (
        "2026-11-25T01:00:05+00:00",
        "2026-11-25T09:00:00+08:00",
        "2026-11-25T02:00:00+08:00",
        contract.title_en,
        "2305019.62",
        "drift",
        1,
    )
    assert json.loads(run[7])[0]["name"] == "test"
    assert len(rows) == len(contract.line_items)
    assert rows[0] == ("compute.vcpu", "short", "1232", "1232", "1216", "-16", "-224.32")
    assert ("network.public_ip", "over", "3", "3", "4", "1", "76.05") in rows


def test_past_runs_are_oldest_first(contract: Contract, store: History) -> None:
    for _ in range(3):
        store.record(_result(contract, met_resources()))
    assert [r.run_id for r in store.past_runs()] == [1, 2, 3]


def test_migrations_create_the_schema_once_and_reopening_keeps_the_runs(contract: Contract, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'dir' / 'h.sqlite'}"
    with History.open(url) as first:
        assert first.revision() == HEAD
        first.record(_result(contract, met_resources()))
    for _ in range(2):
        with History.open(url) as again:
            assert again.revision() == HEAD
            assert [r.run_id for r in again.past_runs()] == [1]
    with _db(tmp_path / "deep" / "dir") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"runs", "findings", "alembic_version"} <= tables
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_migrations_match_the_tables_the_code_queries(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(history_module.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    with History.open(f"sqlite:///{tmp_path / 'h.sqlite'}") as store, store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), history_module.metadata) == []


_V2_ONLY = (
    "supplied_lower",
    "supplied_upper",
    "possible",
    "shortfall_value_monthly",
    "shortfall_value_possible",
    "pending_value_monthly",
    "pending_value_possible",
    "pending_due_at",
    "surplus_value_monthly",
    "surplus_value_possible",
)


def test_a_store_of_runs_recorded_before_bounds_migrates_and_reads_back_as_exact_supply(
    contract: Contract, tmp_path: Path
) -> None:
    """A store at revision 0001 holding a version-1 run (supplied only; its summary counted pending value as a
    shortfall) is migrated on open; the run reads back with lower = upper = supplied."""
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(history_module.MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    result = _result(contract, _drifting())
    findings = [{k: v for k, v in f.model_dump(mode="json").items() if k not in _V2_ONLY} for f in result.findings]
    for finding in findings:
        finding["evidence"].pop("contributing")
        finding["evidence"].pop("uncertain")
    with engine.begin() as conn:
        conn.execute(
            history_module.runs.insert(),
            {
                "recorded_at": RECORDED.isoformat(),
                "now": NOW.isoformat(),
                "observed_at": OBSERVED.isoformat(),
                "format_version": 1,
                "contract_title_zh": contract.title_zh,
                "contract_title_en": contract.title_en,
                "contract_total": str(contract.total),
                "sources": [],
                "findings": findings,
                "summary": {
                    "line_items": 11,
                    "by_status": {},
                    "shortfall_value_monthly": "-224.32",
                    "surplus_value_monthly": "76.05",
                    "resources_observed": 20,
                },
                "warnings": [],
                "verdict": "drift",
                "exit_code": 1,
            },
        )
        conn.execute(
            sa.text(
                "INSERT INTO findings (run_id, line_item, seq, status, entitled, due, supplied, gap, gap_value_monthly)"
                " VALUES (1, 'compute.vcpu', 1, 'short', '1232', '1232', '1216', '-16', '-224.32')"
            )
        )
    engine.dispose()
    with History.open(url) as store:
        assert store.revision() == HEAD
        [past] = store.past_runs()
        [recorded] = store.recorded_runs(contract_ref(contract))
    assert (past.lower["compute.vcpu"], past.upper["compute.vcpu"]) == (Decimal(1216), Decimal(1216))
    vcpu = next(f for f in recorded.findings if f["line_item"] == "compute.vcpu")
    assert (vcpu["supplied_lower"], vcpu["supplied_upper"], vcpu["possible"]) == ("1216", "1216", ["short"])
    assert vcpu["shortfall_value_monthly"] == "-224.32"
    with _db(tmp_path, "old.sqlite") as db:
        row = db.execute("SELECT supplied, supplied_lower, supplied_upper FROM findings").fetchone()
    assert row == ("1216", "1216", "1216")


def test_history_url_takes_urls_paths_and_defaults() -> None:
    assert history_url(None) == "sqlite:///.reconciler/history.sqlite"
    assert history_url("") == "sqlite:///.reconciler/history.sqlite"
    assert history_url("/var/lib/r/h.sqlite") == "sqlite:////var/lib/r/h.sqlite"
    assert history_url("postgresql+psycopg://u:p@db/reconciler") == "postgresql+psycopg://u:p@db/reconciler"


def test_check_records_by_default_in_the_current_directory(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECONCILER_HISTORY")
    monkeypatch.chdir(tmp_path)
    observed = ROOT / "tests" / "data" / "observation-small.json"
    args = ("check", "--observed", observed, "--contract", CONTRACT_PATH, "--now", NOW.isoformat(), "--format", "json")
    assert cli(*args).json()["run_id"] == 1
    assert (tmp_path / ".reconciler" / "history.sqlite").is_file()
    assert cli(*args, "--history", tmp_path / "other.sqlite").json()["run_id"] == 1
    skipped = cli(*args, "--no-history").json()
    assert (skipped["run_id"], skipped["changes"]) == (None, None)
    assert cli(*args).json()["run_id"] == 2


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nosuchdb://x/y", "nosuchdb"),
        ("postgresql+psycopg://u@localhost:1/db", "cannot open the history store"),
        ("/proc/no/such/dir/h.sqlite", "cannot open the history store"),
    ],
)
def test_a_store_that_cannot_be_opened_is_reported_without_a_traceback(cli: Cli, url: str, message: str) -> None:
    observed = ROOT / "tests" / "data" / "observation-small.json"
    result = cli("check", "--observed", observed, "--now", NOW.isoformat(), "--history", url)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# -- other processes ------------------------------------------------------------------------------------

_WORKER = """
import json, sys, time
from pathlib import Path
from tests.cli_runner import run_cli

url, observed, go, runs = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
ids = []
for number in range(runs):
    result = run_cli("check", "--observed", observed, "--now", "2026-11-25T09:00:00+08:00",
                     "--format", "json", "--history", url)
    assert result.exit_code == 1, result.stderr
    ids.append(result.json()["run_id"])
print(json.dumps(ids), flush=True)
"""


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_writer_processes_lose_no_run_on_a_fresh_store(tmp_path: Path) -> None:
    """4 processes x 5 checks, all starting together on a store that does not exist yet (so they also race
    to create its schema): every run is recorded once, ids are unique, and the file is intact."""
    processes, runs = 4, 5
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    observed = str(ROOT / "tests" / "data" / "observation-small.json")
    go = tmp_path / "go"
    workers = [_python(_WORKER, url, observed, str(go), str(runs)) for _ in range(processes)]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    go.touch()
    ids: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        ids += json.loads(out.strip().splitlines()[-1])
    assert sorted(ids) == list(range(1, processes * runs + 1))
    with _db(tmp_path, "shared.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (processes * runs,)
        assert db.execute("SELECT count(DISTINCT run_id), count(*) FROM findings").fetchone() == (
            processes * runs,
            processes * runs * 11,
        )
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]


_KILLED = """
import sys, time
from datetime import datetime
from pathlib import Path
import reconciler.history.store as history
from reconciler.app.pipeline import check_sources, load_checked_contract
from reconciler.sources.combined import CombinedSource
from reconciler.sources.snapshot import SnapshotFile

url, contract, observed = sys.argv[1:4]
checked, warnings = load_checked_contract(Path(contract))
snapshot = CombinedSource([SnapshotFile(Path(observed), None)])
result = check_sources(checked, warnings, snapshot, datetime.fromisoformat("2026-11-25T09:00:00+08:00"))

def stuck(run_id, items):  # the run's row is written, its findings are not: wait here to be killed
    print(f"writing run {run_id}", flush=True)
    time.sleep(60)
    raise SystemExit("not killed")

history.finding_rows = stuck
with history.History.open(url) as store:
    store.record(result)
"""


def test_a_run_killed_while_writing_leaves_no_partial_record(contract: Contract, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with History.open(url) as store:
        store.record(_result(contract, met_resources()))
    observed = str(ROOT / "tests" / "data" / "observation-small.json")
    writer = _python(_KILLED, url, str(CONTRACT_PATH), observed)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing run 2"
    # the writer holds the store's write lock: a reader still reads the last committed state
    with History.open(url) as store:
        assert [r.run_id for r in store.past_runs()] == [1]
    os.kill(writer.pid, signal.SIGKILL)
    writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    started = time.monotonic()
    with History.open(url) as store:
        assert [r.run_id for r in store.past_runs()] == [1]
        assert store.record(_result(contract, met_resources())) == 2
    assert time.monotonic() - started < 5  # the lock died with the writer: nobody waits for it
    with _db(tmp_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT run_id, count(*) FROM findings GROUP BY run_id").fetchall() == [(1, 11), (2, 11)]


# -- migration 0003: the sentences of runs recorded before output format 2 ---------------------------------------


def _version_1_store(path: Path, contract: Contract) -> str:
    """A store at revision 0001 holding one run as version 1 recorded it: warnings, reasons and set-aside
    details as English text."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(history_module.MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    from reconciler.core.runs import finding_record

    result = _result(contract, _drifting())
    findings = []
    for finding in result.findings:  # as version 1 recorded them: sentences as English text
        record = finding_record(finding)
        if record["evidence"] is not None:
            for group in record["evidence"]["nonconforming"] + record["evidence"]["excluded"]:
                group["detail"] = group["detail"]["text"]
        if record["line_item"] == "security.waf":
            record.update(status="unknown", supplied=None, gap=None, gap_value_monthly=None, evidence=None)
            record["reason"] = "a source failed while observing waf: 403 from the WAF API"
        findings.append(record)
    warnings = [
        "the observation was made at 2026-11-23T21:00:00+08:00, 36 hours before this check's now: supply may "
        "have changed since",
        "contract payment_schedule.final: words and figures disagree",  # no template: kept as text
    ]
    run = {
        "recorded_at": RECORDED.isoformat(),
        "now": NOW.isoformat(),
        "observed_at": OBSERVED.isoformat(),
        "format_version": 1,
        "contract_title_zh": contract.title_zh,
        "contract_title_en": contract.title_en,
        "contract_total": str(contract.total),
        "sources": json.dumps([source.model_dump(mode="json") for source in result.sources]),
        "findings": json.dumps(findings),
        "summary": json.dumps(result.summary.model_dump(mode="json")),
        "warnings": json.dumps(warnings),
        "verdict": "drift",
        "exit_code": 1,
    }
    with engine.begin() as conn:
        columns = ", ".join(run)
        conn.execute(sa.text(f"INSERT INTO runs ({columns}) VALUES ({', '.join(':' + k for k in run)})"), run)
    engine.dispose()
    return url


def test_runs_recorded_before_format_2_read_back_as_messages(contract: Contract, tmp_path: Path) -> None:
    from reconciler.base.messages import from_json, message, plain_text, say
    from reconciler.core.reconcile import contract_ref

    url = _version_1_store(tmp_path / "v1.sqlite", contract)
    with History.open(url) as store:
        assert store.revision() == HEAD
        [run] = store.recorded_runs(contract_ref(contract))
    stale, other = run.warnings
    assert stale == message(
        "stale_observation", observed_at=datetime(2026, 11, 23, 21, 0, tzinfo=CONTRACT_TZ), hours=36
    )
    assert say(stale, "zh") == "观测时间 2026年11月23日 21:00，早于本次核对时间 36 小时：其后实有资源可能已有变化"
    assert other == plain_text("contract payment_schedule.final: words and figures disagree")
    vcpu, waf = run.findings[0], run.findings[-1]
    detail = from_json(vcpu["evidence"]["nonconforming"][0]["detail"])  # rebuilt from rule, subject and limit
    assert say(detail, "zh") == "主频 2.2GHz 低于 2.4GHz"
    assert say(from_json(vcpu["evidence"]["excluded"][0]["detail"]), "zh") == "状态为已销毁"
    reason = from_json(waf["reason"])
    assert reason.key == "source_failed"
    assert say(reason, "zh") == "数据来源观测WAF实例失败：403 from the WAF API"
    with _db(tmp_path, "v1.sqlite") as db:
        assert db.execute("SELECT format_version FROM runs").fetchall() == [(2,)]
