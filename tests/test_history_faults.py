"""A history store that is damaged, newer, read-only, locked or misnamed: every command ends in a normal
result or exit 2 naming the store and the reason, never a traceback and never a wait past its deadline.

The stores are SQLite files filled by real `reconciler check` runs (tests/test_report_history.py's nights);
the PostgreSQL side of the deadlines is in tests/test_history_postgres.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.history.store import HEAD
from tests.cli_runner import run_cli
from tests.conftest import ROOT, CliResult
from tests.test_report_history import CONTRACT, NIGHTS, record_nights

Cli = Callable[..., CliResult]
OBSERVED = ROOT / "tests" / "data" / "observation-small.json"
AS_OF = "2026-12-05T00:00:00+08:00"
REPORTS = [
    ("--now", AS_OF),
    ("--kind", "monthly", "--period", "2026-11", "--now", AS_OF),
    ("--kind", "summary", "--now", AS_OF),
]
"""The status report of the latest run, the November monthly report, the service summary report."""


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the first four nights (runs 1-4, 2026-11-02 to 2026-11-04)."""
    folder = tmp_path_factory.mktemp("recorded")
    history = folder / "history.sqlite"
    record_nights(folder, NIGHTS[:4], history)
    return history


def _copy(store: Path, folder: Path, sql: str = "") -> Path:
    """A copy of the store (in `folder`, as .reconciler/history.sqlite), changed by `sql`."""
    copy = folder / ".reconciler" / "history.sqlite"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(store, copy)
    if sql:
        with sqlite3.connect(copy) as db:
            db.execute(sql)
        db.close()
    return copy


def _report(history: Path, output: Path, *args: str) -> CliResult:
    return run_cli("report", "--contract", CONTRACT, "--history", history, "--output", output, *args)


# -- damaged runs and a newer schema ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "message", "check_reads_it"),
    [
        (
            """UPDATE runs SET findings = '[{"line_item": "compute.vcpu", "status":' WHERE id = 3""",
            "runs[id=3].findings: not valid JSON (Expecting value: line 1 column 41 (char 40)): the store was "
            "damaged or edited; repair that run or delete it (DELETE FROM runs WHERE id = 3)",
            True,
        ),
        ("UPDATE runs SET sources = x'ff00' WHERE id = 2", "runs[id=2].sources: not valid JSON ('utf-8' codec", False),
        (
            """UPDATE runs SET findings = replace(findings, '"status":"short"', '"status":"bogus"') WHERE id = 3""",
            "runs[id=3]: not a run as reconciler records it (",
            True,
        ),
        (
            "UPDATE runs SET now = '2026-11-04 02:00' WHERE id = 3",
            "runs[id=3]: not a run as reconciler records it ('2026-11-04 02:00' has no UTC offset)",
            True,
        ),
        ("UPDATE runs SET summary = '[1, 2]' WHERE id = 1", "runs[id=1]: not a run as reconciler records it", False),
        (
            "UPDATE alembic_version SET version_num = '0099'",
            "cannot open the history store: its schema is at revision '0099', which this reconciler does not "
            f"know (contract-reconciler 0.1.0 knows revisions up to {HEAD})",
            True,
        ),
    ],
)
def test_a_damaged_or_newer_store_is_named_by_every_report_and_by_the_check(
    recorded: Path, tmp_path: Path, sql: str, message: str, check_reads_it: bool
) -> None:
    """Every report reads every run of the contract: each names the damaged run. The check reads only the
    earlier runs' findings and times: damage elsewhere leaves it working (and recording)."""
    history = _copy(recorded, tmp_path, sql)
    output = tmp_path / "report.out"
    for args in REPORTS:
        result = _report(history, output, *args)
        assert (result.exit_code, result.stdout) == (2, ""), result.stderr
        assert f"<history sqlite:///{history}>: {message}" in result.stderr
        assert "Traceback" not in result.stderr
        assert not output.exists()
    checked = run_cli(
        "check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--history", history, "--format",
        "json",
    )  # fmt: skip
    if not check_reads_it:
        assert checked.exit_code == 1, checked.stderr
        assert checked.json()["run_id"] == 5
        return
    assert checked.exit_code == 2
    assert message in checked.stderr
    with sqlite3.connect(history) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (4,)  # and nothing was recorded
    db.close()


def test_a_file_that_is_no_database_is_named(tmp_path: Path, cli: Cli) -> None:
    history = tmp_path / "history.sqlite"
    history.write_bytes(b"SQLite format 2\x00" + bytes(range(256)) * 16)
    for command in (
        ("report", "--contract", CONTRACT, "--history", history, "--output", tmp_path / "r.html", "--now", AS_OF),
        ("check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--history", history),
    ):
        result = cli(*command)
        assert result.exit_code == 2
        assert f"<history sqlite:///{history}>: cannot open the history store: file is not a database" in result.stderr


# -- a read-only directory --------------------------------------------------------------------------------


def _in_read_only_directory(directory: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`reconciler ARGS` run in `directory` made read-only for it: a read-only bind mount in a mount namespace
    of its own when root (which file modes do not stop), the directory's mode otherwise."""
    command = [sys.executable, "-m", "reconciler", *(str(arg) for arg in args)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("RECONCILER_HISTORY", None)  # the default store: .reconciler/history.sqlite in the directory
    if os.geteuid() != 0:
        for path in (directory, directory / ".reconciler"):
            path.chmod(0o555)
        try:
            return subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, check=False)
        finally:
            for path in (directory, directory / ".reconciler"):
                path.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.fail("the read-only directory test needs unshare (util-linux) when run as root")
    remount = 'mount --bind -o ro "$0" "$0" && cd "$0" && touch "$0/probe" 2>/dev/null && exit 99; exec "$@"'
    done = subprocess.run(
        ["unshare", "--mount", "sh", "-c", remount, str(directory), *command],
        cwd=directory, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 99, "the bind mount did not make the directory read-only"
    if "mount" in done.stderr and "permission denied" in done.stderr.lower():
        pytest.fail(f"cannot make a read-only directory here (unshare --mount): {done.stderr}")
    return done


def test_report_reads_the_history_of_a_read_only_directory(recorded: Path, tmp_path: Path) -> None:
    """`report` only reads: run in a directory it cannot write (the default store .reconciler/history.sqlite
    there), every report comes out as from a writable one, and the store is left exactly as it was."""
    folder = tmp_path / "readonly"
    history = _copy(recorded, folder)
    before = sorted(p.name for p in history.parent.iterdir()), history.read_bytes()
    for number, args in enumerate(REPORTS):
        output = tmp_path / f"report-{number}.json"
        common = ("report", "--contract", CONTRACT, "--format", "json", *args)
        done = _in_read_only_directory(folder, *common, "--output", output)
        assert done.returncode == 0, done.stderr
        assert (sorted(p.name for p in history.parent.iterdir()), history.read_bytes()) == before
        expected = tmp_path / f"expected-{number}.json"
        writable = _report(history, expected, "--format", "json", *args)
        assert writable.exit_code == 0, writable.stderr
        assert json.loads(output.read_text(encoding="utf-8")) == json.loads(expected.read_text(encoding="utf-8"))
        for leftover in history.parent.glob("history.sqlite-*"):  # the writable run's WAL files
            leftover.unlink()


def test_check_in_a_read_only_directory_names_the_store(recorded: Path, tmp_path: Path) -> None:
    """`check` has to write its run: there it is exit 2 naming the store, not a traceback."""
    folder = tmp_path / "readonly"
    _copy(recorded, folder)
    done = _in_read_only_directory(
        folder, "check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--format", "json"
    )
    assert done.returncode == 2, done.stderr
    assert "<history sqlite:///.reconciler/history.sqlite>:" in done.stderr
    assert "Traceback" not in done.stderr


# -- a lock held too long, URLs that are not ones ----------------------------------------------------------


def test_a_write_lock_held_by_another_process_ends_in_exit_2_after_lock_timeout(
    recorded: Path, tmp_path: Path, cli: Cli
) -> None:
    history = _copy(recorded, tmp_path)
    holder = sqlite3.connect(history, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the store's write lock, held until this test lets go
    try:
        started = time.monotonic()
        result = cli(
            "check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--format", "json",
            "--history", f"sqlite:///{history}?lock_timeout=1",
        )  # fmt: skip
        took = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 2
    assert (
        "the history store failed to record the run: another process held a lock the history store needs for "
        "more than 1 s (lock_timeout; set ?lock_timeout=SECONDS in the store URL)"
    ) in result.stderr
    assert took < 1 + 10, f"waited {took:.1f} s for a lock_timeout of 1 s"
    print(f"SQLite write lock held: exit 2 after {took:.1f} s (lock_timeout 1 s)")
    assert (
        cli("check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--history", history).exit_code
        == 1
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://u:s3cret@db.example:abc/h", "not a database URL: the port 'abc' is not a number"),
        ("postgresql+psycopg://u:s3cret@[::1/h", "not a database URL"),
        ("postgresql+nosuchdriver://u:s3cret@db/h", "no database kind 'postgresql+nosuchdriver'"),
        ("sqlite:///h.sqlite?lock_timeout=soon", "lock_timeout='soon': expected seconds, a number above 0"),
        ("sqlite:///h.sqlite?statement_timeout=0", "statement_timeout='0': expected seconds"),
        ("sqlite:///h.sqlite?connect_timeout=nan", "connect_timeout='nan': expected seconds"),
        ("sqlite:///h.sqlite?lock_timeout=1&lock_timeout=2", "lock_timeout is given more than once"),
    ],
)
def test_a_url_that_is_not_one_is_invalid_input_and_hides_its_password(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (
        ("check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--history", url),
        ("report", "--contract", CONTRACT, "--now", AS_OF, "--history", url, "--output", tmp_path / "r.html"),
    ):
        result = cli(*command)
        assert result.exit_code == 2
        assert message in result.stderr
        assert "s3cret" not in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "h.sqlite").exists()


def test_the_deadlines_are_read_from_the_url_and_kept_from_the_driver(cli: Cli, tmp_path: Path) -> None:
    """The three settings work on SQLite too (lock_timeout is its busy timeout); the driver never sees them."""
    url = f"sqlite:///{tmp_path / 'h.sqlite'}?connect_timeout=5&statement_timeout=30&lock_timeout=2.5"
    args = ("check", "--observed", OBSERVED, "--contract", CONTRACT, "--now", AS_OF, "--format", "json")
    first: Any = cli(*args, "--history", url).json()
    assert first["run_id"] == 1
    assert cli(*args, "--history", url).json()["run_id"] == 2
