"""A throwaway PostgreSQL server for the history tests: its own data directory, 127.0.0.1 at a free port.

Used by the `postgres` fixtures in tests/conftest.py (one server per test session, a fresh database per test)
and by tests that stop or freeze a server of their own. The binaries are Debian's (package `postgresql`, which
`make setup` installs); no binaries is a test failure, never a skip. initdb refuses to run as root, so under
root (as CI runs) the server runs as the unprivileged account the Debian package creates (`postgres`, or
$RECONCILER_TEST_PG_USER). The superuser's password is random, lives only in memory and in the URLs handed
to the tests, and is never printed: failures show URLs with the password hidden.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import psycopg
import pytest

BINDIR_ENV: Final = "RECONCILER_TEST_PG_BINDIR"
"""Where initdb, pg_ctl and postgres are, when not in the newest /usr/lib/postgresql/<version>/bin."""
USER_ENV: Final = "RECONCILER_TEST_PG_USER"
"""The account the server runs as when the tests run as root (default: postgres, from the Debian package)."""
SUPERUSER: Final = "reconciler_test"
START_TIMEOUT_S: Final = 60
SETTINGS: Final = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",  # TCP only: no socket file in a shared directory
    "fsync": "off",  # a throwaway server: durability costs time and buys nothing
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "shared_buffers": "16MB",
    "log_min_messages": "warning",
    "log_connections": "off",
}


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started here; the message says why and what to do."""


def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl and postgres: $RECONCILER_TEST_PG_BINDIR, or Debian's newest."""
    configured = os.environ.get(BINDIR_ENV)
    candidates = (
        [Path(configured)]
        if configured
        else sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    )
    for bindir in candidates:
        if all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    where = configured or "/usr/lib/postgresql/*/bin"
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries (initdb, pg_ctl, postgres) in {where}: run `make setup`, which installs "
        f"the Debian package postgresql, or set {BINDIR_ENV} to their directory"
    )


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)


@dataclass(frozen=True)
class _Account:
    """Who runs initdb and the server: None for this process's own user (when that is not root)."""

    name: str | None
    uid: int
    gid: int

    @classmethod
    def for_server(cls) -> _Account:
        if os.geteuid() != 0:
            return cls(None, os.getuid(), os.getgid())
        name = os.environ.get(USER_ENV, "postgres")
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            raise PostgresUnavailable(
                f"running as root, and PostgreSQL refuses to: there is no account {name!r} to run the test server "
                f"as (the Debian package postgresql creates `postgres`; run `make setup`, or set {USER_ENV})"
            ) from None
        if entry.pw_uid == 0:
            raise PostgresUnavailable(f"{USER_ENV}={name} is root: PostgreSQL refuses to run as root")
        return cls(name, entry.pw_uid, entry.pw_gid)

    def popen_args(self) -> dict[str, Any]:
        if self.name is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


class PostgresServer:
    """One PostgreSQL server in a temporary directory: `start()`, `url(database)`, `stop()`, `remove()`.

    `freeze()` stops every process of the server with SIGSTOP (it keeps its sockets and stops answering, as
    a server on a hung host does); `thaw()` lets it go on."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.account = _Account.for_server()
        self.root = Path(tempfile.mkdtemp(prefix="reconciler-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._password = secrets.token_urlsafe(24)
        self._initialized = False
        if self.account.name is not None:
            os.chown(self.root, self.account.uid, self.account.gid)

    # -- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        """initdb on first use, then start on a free port of 127.0.0.1 (another on the rare lost race)."""
        if not self._initialized:
            self._initdb()
        for _ in range(3):
            self.port = _free_port()
            done = self._run(
                "pg_ctl", "start", "--wait", f"--timeout={START_TIMEOUT_S}", "-D", self.data, "-l", self.log,
                "-o", f"-p {self.port}",
            )  # fmt: skip
            if done.returncode == 0:
                return self
            if "could not bind" not in self.log_tail():
                break
        raise PostgresUnavailable(
            f"the PostgreSQL server did not start:\n{done.stdout}{done.stderr}\n{self.log_tail()}"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: sessions are ended; `immediate`: no shutdown work at all)."""
        self.thaw()
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "--wait", "-m", mode, "-D", self.data)

    def remove(self) -> None:
        """Stop the server at once and delete its directory."""
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def freeze(self) -> None:
        for pid in self._pids():
            with contextlib.suppress(ProcessLookupError):  # a session that ended meanwhile
                os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    # -- use ------------------------------------------------------------------------------------------------

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        """A SQLAlchemy URL of `database` as the superuser, with the password (never print it: see `shown`)."""
        return f"postgresql+psycopg://{SUPERUSER}:{password or self._password}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **options: Any) -> psycopg.Connection[Any]:
        options.setdefault("connect_timeout", 10)
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, password=self._password, dbname=database, **options
        )

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain database name: {name!r}")
        with self.connect(autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # fsync is off: a copy of template1 takes milliseconds
        return self.url(name)

    def shown(self, text: str) -> str:
        """`text` with the password replaced, for messages."""
        return text.replace(self._password, "***")

    def leaked(self, text: str) -> bool:
        """Whether `text` contains the password."""
        return self._password in text

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- helpers --------------------------------------------------------------------------------------------

    def _initdb(self) -> None:
        password_file = self.root / "password"
        password_file.write_text(self._password, encoding="utf-8")
        if self.account.name is not None:
            os.chown(password_file, self.account.uid, self.account.gid)
        password_file.chmod(0o600)
        try:
            done = self._run(
                "initdb", "-D", self.data, "-U", SUPERUSER, f"--pwfile={password_file}", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
            )  # fmt: skip
        finally:
            password_file.unlink(missing_ok=True)
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed:\n{done.stdout}{done.stderr}")
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# reconciler tests\n")
            conf.writelines(f"{key} = {value}\n" for key, value in SETTINGS.items())
        self._initialized = True

    def _run(self, program: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / program), *(str(arg) for arg in args)],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            timeout=START_TIMEOUT_S + 30,
            env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"},
            **self.account.popen_args(),
        )

    def _pids(self) -> list[int]:
        """The postmaster and its children (the server processes), from postmaster.pid and /proc."""
        try:
            postmaster = int((self.data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            return []
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(stat.parent.name))
        return [postmaster, *children]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server() -> PostgresServer:
    """A started server; a clear failure (never a skip) when there is none to be had."""
    server: PostgresServer | None = None
    try:
        server = PostgresServer()
        return server.start()
    except (PostgresUnavailable, OSError, subprocess.SubprocessError) as exc:
        if server is not None:
            server.remove()
        reason = str(exc)
    pytest.fail(f"PostgreSQL tests cannot run: {reason}", pytrace=False)


def wait_until(condition: Any, timeout: float = 30.0, interval: float = 0.05) -> Any:
    """Poll `condition()` until it returns something true; that value, or AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {condition}")
        time.sleep(interval)
