"""The run history on a real PostgreSQL server: the same runs and reports as on SQLite, writers racing, and a
server that is locked, stops answering or shuts down mid-run, each ending in a result or exit 2 in time.

The servers are throwaway ones (tests/postgres_support.py) on 127.0.0.1. Checks that might hang run in their
own process, under a timeout of their deadline plus a margin: a hang fails the test instead of stalling it.
No test asserts how fast anything is, only that it did not wait past its deadline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler.history.store import HEAD, History
from tests.cli_runner import run_cli
from tests.conftest import CONTRACT_PATH, ROOT, CliResult
from tests.postgres_support import PostgresServer, wait_until
from tests.test_history import _WORKER, _python
from tests.test_report_history import CONTRACT, NIGHTS, record_nights

pytestmark = pytest.mark.postgres

OBSERVED = ROOT / "tests" / "data" / "observation-small.json"
NOW = "2026-11-25T09:00:00+08:00"
MARGIN_S = 15.0
"""Slack for starting a Python process on a busy 2-core machine: a run past deadline + margin hung."""


def _check(url: str, deadline: float) -> tuple[subprocess.CompletedProcess[str], float]:
    """`reconciler check` with history at `url`, in its own process; how it ended and how long it took."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "check", "--observed", str(OBSERVED), "--contract", str(CONTRACT_PATH),
         "--now", NOW, "--format", "json", "--history", url],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False, capture_output=True, text=True,
        timeout=deadline + MARGIN_S,
    )  # fmt: skip
    return done, time.monotonic() - started


def _check_here(url: str) -> CliResult:
    """`reconciler check` in this process: for stores that answer (or refuse) at once."""
    return run_cli(
        "check", "--observed", OBSERVED, "--contract", CONTRACT_PATH, "--now", NOW, "--format", "json", "--history", url
    )


def _start_check(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", "check", "--observed", str(OBSERVED), "--contract", str(CONTRACT_PATH),
         "--now", NOW, "--format", "json", "--history", url],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _waiting_on_a_lock(server: PostgresServer, database: str) -> bool:
    with server.connect(database, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'reconciler' AND wait_event_type = 'Lock'"
        ).fetchone()
    return row is not None and row[0] > 0


def _run_ids(server: PostgresServer, database: str) -> list[int]:
    with server.connect(database) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM runs ORDER BY id")]


# -- the same history as on SQLite --------------------------------------------------------------------------


def test_the_reports_read_the_same_history_from_postgresql_as_from_sqlite(
    postgres_server: PostgresServer, postgres_url: str, tmp_path: Path
) -> None:
    """The eight nights of tests/test_report_history.py recorded into both stores give the same check outputs
    and the same monthly report, figure for figure."""
    sqlite = tmp_path / "history.sqlite"
    in_sqlite = record_nights(tmp_path, NIGHTS, sqlite)
    in_postgres = record_nights(tmp_path, NIGHTS, postgres_url)
    assert in_postgres == in_sqlite
    reports = []
    for store in (sqlite, postgres_url):
        output = tmp_path / "monthly.json"
        done = run_cli(
            "report", "--kind", "monthly", "--period", "2026-11", "--contract", CONTRACT, "--now",
            "2026-12-05T00:00:00+08:00", "--history", store, "--format", "json", "--output", output,
        )  # fmt: skip
        assert done.exit_code == 0, postgres_server.shown(done.stderr)
        reports.append(json.loads(output.read_text(encoding="utf-8")))
    assert reports[1] == reports[0]


# -- writers racing ---------------------------------------------------------------------------------------

_OPENER = """
import sys, time
from pathlib import Path
from reconciler.history.store import History

url, go = sys.argv[1], Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
with History.open(url) as store:
    print(store.revision(), flush=True)
"""


def test_migrations_racing_on_an_empty_database_create_the_schema_once(
    postgres_server: PostgresServer, postgres_url: str, tmp_path: Path
) -> None:
    """Six processes open the same empty database at the same instant: each migrates or waits for the one
    that does; none fails, and the schema is there once."""
    go = tmp_path / "go"
    openers = [_python(_OPENER, postgres_url, str(go)) for _ in range(6)]
    for opener in openers:
        assert opener.stdout is not None
        assert opener.stdout.readline().strip() == "ready"
    go.touch()
    for opener in openers:
        out, err = opener.communicate(timeout=120)
        assert opener.returncode == 0, postgres_server.shown(err)
        assert out.strip() == HEAD
    with postgres_server.connect(postgres_url.rsplit("/", 1)[1]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
    assert tables == [("alembic_version",), ("deliveries",), ("findings",), ("fleet_outcomes",), ("runs",)]


def test_eight_processes_ten_checks_each_lose_and_duplicate_nothing(
    postgres_server: PostgresServer, postgres_url: str, tmp_path: Path
) -> None:
    """8 processes x 10 checks, started together on an empty database: 80 runs with 80 distinct ids, every
    one read back whole."""
    processes, runs = 8, 10
    go = tmp_path / "go"
    workers = [_python(_WORKER, postgres_url, str(OBSERVED), str(go), str(runs)) for _ in range(processes)]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    go.touch()
    ids: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, postgres_server.shown(err)
        ids += json.loads(out.strip().splitlines()[-1])
    assert len(ids) == len(set(ids)) == processes * runs
    with History.open(postgres_url) as store:
        past = store.past_runs()
    assert sorted(ids) == [run.run_id for run in past]
    assert all(len(run.findings) == 11 and run.statuses["compute.vcpu"] == "short" for run in past)
    database = postgres_url.rsplit("/", 1)[1]
    with postgres_server.connect(database) as conn:
        counts = conn.execute("SELECT count(DISTINCT run_id), count(*) FROM findings").fetchone()
    assert counts == (processes * runs, processes * runs * 11)


# -- waits with deadlines ---------------------------------------------------------------------------------


def test_a_lock_held_by_another_session_ends_the_check_in_exit_2_after_lock_timeout(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    with History.open(postgres_url):
        pass  # the schema exists: the check's first wait is the lock
    with postgres_server.connect(database) as holder:
        holder.execute("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE")  # held until this transaction ends
        done, took = _check(f"{postgres_url}?lock_timeout=2", deadline=2)
    assert done.returncode == 2, postgres_server.shown(done.stderr)
    assert "another session held a lock the history store needs for more than 2 s (lock_timeout" in done.stderr
    assert "Traceback" not in done.stderr
    assert not postgres_server.leaked(done.stdout + done.stderr)
    print(f"lock held: exit 2 after {took:.1f} s (lock_timeout 2 s)")
    again = _check_here(postgres_url)  # the lock released: the next check records as usual
    assert again.exit_code == 1, postgres_server.shown(again.stderr)
    assert again.json()["run_id"] == 1
    assert _run_ids(postgres_server, database) == [1]


def test_a_server_that_stops_answering_at_connect_ends_in_exit_2_after_connect_timeout(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    postgres_server.freeze()
    try:
        done, took = _check(f"{postgres_url}?connect_timeout=2", deadline=2)
    finally:
        postgres_server.thaw()
    assert done.returncode == 2, postgres_server.shown(done.stderr)
    assert "no connection within 2 s (connect_timeout" in done.stderr
    assert not postgres_server.leaked(done.stdout + done.stderr)
    print(f"frozen at connect: exit 2 after {took:.1f} s (connect_timeout 2 s)")


def test_a_server_that_stops_answering_mid_run_ends_in_exit_2_after_the_statement_deadline(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    """The check is waiting inside a transaction when the whole server freezes (SIGSTOP): no server-side
    timeout can fire any more; the client gives up after statement_timeout plus its grace."""
    database = postgres_url.rsplit("/", 1)[1]
    with History.open(postgres_url):
        pass
    url = f"{postgres_url}?statement_timeout=3&lock_timeout=600"
    with postgres_server.connect(database) as holder:
        holder.execute("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        check = _start_check(url)
        try:
            wait_until(lambda: _waiting_on_a_lock(postgres_server, database) or check.poll() is not None)
            postgres_server.freeze()
            out, err = check.communicate(timeout=3 + 2 + MARGIN_S)
        finally:
            postgres_server.thaw()
            if check.poll() is None:
                check.kill()
        took = time.monotonic() - started
    assert check.returncode == 2, postgres_server.shown(err)
    assert "the store did not answer within 5 s (statement_timeout=3 s plus 2 s" in err
    assert not postgres_server.leaked(out + err)
    print(f"frozen mid-run: exit 2 after {took:.1f} s (statement_timeout 3 s + 2 s)")
    assert _run_ids(postgres_server, database) == []  # nothing half-written


def test_a_server_shut_down_mid_run_ends_in_exit_2_and_records_nothing(tmp_path: Path) -> None:
    from tests.postgres_support import start_server

    server = start_server()
    try:
        url = server.create_database("shutdown")
        with History.open(url):
            pass
        holder = server.connect("shutdown")
        holder.execute("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE")
        check = _start_check(url)
        try:
            wait_until(lambda: _waiting_on_a_lock(server, "shutdown") or check.poll() is not None)
            server.stop("fast")  # ends every session, the waiting check's and the holder's
            out, err = check.communicate(timeout=30 + MARGIN_S)
        finally:
            if check.poll() is None:
                check.kill()
            holder.close()
        assert check.returncode == 2, server.shown(err)
        assert "the history store failed" in err
        assert "terminating connection" in err
        assert not server.leaked(out + err)
        down = _check_here(url)  # and a check while it is down is refused at once
        assert down.exit_code == 2
        assert "Connection refused" in down.stderr
        server.start()
        assert _run_ids(server, "shutdown") == []
    finally:
        server.remove()


def test_a_wrong_password_is_named_and_no_password_is_shown(postgres_server: PostgresServer, postgres_url: str) -> None:
    wrong = postgres_server.url(postgres_url.rsplit("/", 1)[1], password="not-the-password")
    done = _check_here(wrong)
    assert done.exit_code == 2
    assert "password authentication failed" in done.stderr
    assert ":***@127.0.0.1" in done.stderr
    assert "not-the-password" not in done.stderr
    assert not postgres_server.leaked(done.stdout + done.stderr)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_url_as_libpq_and_ci_services_write_it_records_the_run(
    postgres_server: PostgresServer, postgres_url: str, scheme: str
) -> None:
    """`postgres://` (libpq, Heroku, most CI services) and `postgresql://` mean the psycopg 3 driver."""
    url = postgres_url.replace("postgresql+psycopg://", f"{scheme}://", 1)
    done = _check_here(url)
    assert done.exit_code == 1, done.stderr  # the small observation has shortfalls: recorded, then drift
    assert "no database kind" not in done.stderr
    assert len(_run_ids(postgres_server, postgres_url.rsplit("/", 1)[1])) == 1
