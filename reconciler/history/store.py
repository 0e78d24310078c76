"""The run history: every `reconciler check` recorded in a SQL store (a SQLite file unless told otherwise).

Called by `pipeline.check_sources` (record a run, read the previous ones) and the tests. The only module that
imports SQLAlchemy and Alembic (besides the migrations in `reconciler/history/migrations/`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from reconciler.base.errors import InputError
from reconciler.base.messages import from_json, to_json
from reconciler.core.runs import PastRun, RecordedRun, finding_record, past_run

if TYPE_CHECKING:
    from reconciler.core.models import ContractRef, Reconciliation

DEFAULT_PATH: Final = Path(".reconciler") / "history.sqlite"
"""The store when neither --history nor RECONCILER_HISTORY names one, relative to the current directory."""
ENV_VAR: Final = "RECONCILER_HISTORY"
HEAD: Final = "0002"
"""The newest migration in `reconciler/history/migrations/versions/` (a test keeps the two in step)."""
MIGRATIONS: Final = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S: Final = 10.0
"""How long SQLite waits for another process's write lock before it reports the store locked."""
ATTEMPTS: Final = 6
"""Tries of one transaction that found the store locked or busy (each after waiting BUSY_TIMEOUT_S)."""
_PG_LOCK_KEY: Final = 0x7265636F6E63  # "reconc": serializes migrations of one PostgreSQL database

metadata = sa.MetaData()
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("recorded_at", sa.Text(), nullable=False),
    sa.Column("now", sa.Text(), nullable=False),
    sa.Column("observed_at", sa.Text(), nullable=False),
    sa.Column("format_version", sa.Integer(), nullable=False),
    sa.Column("contract_title_zh", sa.Text(), nullable=False),
    sa.Column("contract_title_en", sa.Text(), nullable=False),
    sa.Column("contract_total", sa.Text(), nullable=False),
    sa.Column("sources", sa.JSON(), nullable=False),
    sa.Column("findings", sa.JSON(), nullable=False),
    sa.Column("summary", sa.JSON(), nullable=False),
    sa.Column("warnings", sa.JSON(), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("exit_code", sa.Integer(), nullable=False),
    sqlite_autoincrement=True,
)
findings = sa.Table(
    "findings",
    metadata,
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("line_item", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("entitled", sa.Text(), nullable=False),
    sa.Column("due", sa.Text(), nullable=False),
    sa.Column("supplied", sa.Text(), nullable=True),
    sa.Column("gap", sa.Text(), nullable=True),
    sa.Column("gap_value_monthly", sa.Text(), nullable=True),
    sa.Index("ix_findings_line_item_status", "line_item", "status"),
)

_T = TypeVar("_T")


def history_url(value: str | None) -> str:
    """The store's SQLAlchemy URL: a URL as given, a plain path as a SQLite file, nothing as the default file."""
    if value is None or not value.strip():
        return str(sa.URL.create("sqlite", database=str(DEFAULT_PATH)))
    if "://" in value:
        return value
    return str(sa.URL.create("sqlite", database=value))


def _locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


def _retrying(function: Callable[..., _T]) -> Callable[..., _T]:
    """Try a whole transaction again while another process holds the store (SQLite: database is locked)."""
    return retry(
        retry=retry_if_exception(_locked),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.05, max=2),
        reraise=True,
    )(function)


class History:
    """An open history store. `History.open(url)` brings its schema up to date; use it as a context manager."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self._clock = clock or (lambda: datetime.now(UTC))

    @classmethod
    def open(cls, url: str, clock: Callable[[], datetime] | None = None) -> History:
        """Connect to the store at `url` (see `history_url`) and migrate it to the newest schema."""
        history = cls(_engine(url), clock)
        try:
            _retrying(history._migrate)()
        except BaseException:
            history.close()
            raise
        return history

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def revision(self) -> str | None:
        """The schema revision the store is at (None before the first migration)."""
        with self._reading() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            return None if version is None else str(version)

    def record(self, result: Reconciliation) -> int:
        """Record one check in one transaction (a run killed meanwhile leaves nothing); return its run id."""
        items = [finding_record(f) for f in result.findings]
        contract = result.contract
        run = {
            "recorded_at": self._clock().isoformat(),
            "now": result.now.isoformat(),
            "observed_at": result.observed_at.isoformat(),
            "format_version": result.version,
            "contract_title_zh": _text(contract.title_zh),
            "contract_title_en": _text(contract.title_en),
            "contract_total": str(contract.total),
            "sources": [s.model_dump(mode="json") for s in result.sources],
            "findings": items,
            "summary": result.summary.model_dump(mode="json"),
            "warnings": [to_json(w) for w in result.warnings],
            "verdict": result.verdict.value,
            "exit_code": int(result.exit_code),
        }
        return _retrying(self._write)(run, items)

    def past_runs(self, contract: ContractRef | None = None) -> list[PastRun]:
        """The recorded runs in the order they were recorded, oldest first; with `contract`, only the runs of
        that contract (same title and total: expansions may differ)."""
        query = sa.select(runs.c.id, runs.c.now, runs.c.observed_at, runs.c.findings).order_by(runs.c.id.desc())
        if contract is not None:
            query = query.where(
                runs.c.contract_title_zh == _text(contract.title_zh), runs.c.contract_total == str(contract.total)
            )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [
            past_run(row.id, datetime.fromisoformat(row.now), datetime.fromisoformat(row.observed_at), row.findings)
            for row in reversed(rows)
        ]

    def recorded_runs(self, contract: ContractRef) -> list[RecordedRun]:
        """Every recorded run of `contract` (same title and total) with all the history keeps of it, in the
        order they were recorded; the reports pick and order them by their `now`."""
        query = (
            sa.select(runs)
            .where(runs.c.contract_title_zh == _text(contract.title_zh), runs.c.contract_total == str(contract.total))
            .order_by(runs.c.id)
        )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [
            RecordedRun(
                run_id=row.id,
                now=datetime.fromisoformat(row.now),
                observed_at=datetime.fromisoformat(row.observed_at),
                sources=tuple(row.sources),
                findings=tuple(row.findings),
                summary=dict(row.summary),
                warnings=tuple(from_json(w) for w in row.warnings),
                verdict=str(row.verdict),
                exit_code=int(row.exit_code),
            )
            for row in rows
        ]

    def _write(self, run: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> int:
        with self.engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE, the store's write lock until commit
            key = conn.execute(runs.insert(), dict(run)).inserted_primary_key
            if key is None:
                raise RuntimeError("the database did not report the recorded run's id")
            run_id = int(key[0])
            rows = finding_rows(run_id, items)
            if rows:
                conn.execute(findings.insert(), rows)
        return run_id

    def _migrate(self) -> None:
        if self.revision() == HEAD:
            return
        from alembic import command  # imported only to migrate: it costs a tenth of a second
        from alembic.config import Config

        with self.engine.begin() as conn:  # one migrating process at a time; all steps commit or none
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            reader = conn.execution_options(reconciler_read_only=True)
            with reader.begin():
                yield reader


@contextmanager
def open_history(
    url: str, clock: Callable[[], datetime] | None = None, *, must_exist: bool = False
) -> Iterator[History]:
    """`History.open` as a context manager whose database failures (bad URL, missing driver, still locked
    after every try) become an `InputError` naming the store, so the CLI reports them without a traceback.
    With `must_exist`, a SQLite file that is not there is an InputError instead of a new empty store."""
    shown = _shown(url)
    if must_exist and _missing_sqlite_file(url):
        raise InputError.single(
            f"<history {shown}>", "", "no history store there: record runs with `reconciler check` first"
        )
    try:
        history = History.open(url, clock)
    except ArgumentError as exc:
        raise InputError.single(f"<history {shown}>", "", f"not a database URL: {exc}") from exc
    except (ImportError, OSError, SQLAlchemyError) as exc:
        raise InputError.single(f"<history {shown}>", "", f"cannot open the history store: {exc}") from exc
    with history:
        try:
            yield history
        except SQLAlchemyError as exc:
            raise InputError.single(f"<history {shown}>", "", f"the history store failed: {exc}") from exc


def finding_rows(run_id: int, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The findings table's rows of one run: the figures of each line item, decimals as text."""
    return [
        {
            "run_id": run_id,
            "line_item": item["line_item"],
            "seq": item["seq"],
            "status": item["status"],
            "entitled": item["entitled"],
            "due": item["due"],
            "supplied": item["supplied"],
            "gap": item["gap"],
            "gap_value_monthly": item["gap_value_monthly"],
        }
        for item in items
    ]


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, json_serializer=_json, pool_pre_ping=True)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, json_serializer=_json, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # SQLAlchemy, not the sqlite3 module, begins transactions (see _sqlite_begin); WAL lets readers
    # read while one process writes, and a commit is durable once the WAL is synced
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # a writer takes the write lock when it begins, never halfway (no deadlock between two upgrading readers)
    read_only = conn.get_execution_options().get("reconciler_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))  # ASCII: a lone surrogate is kept as its escape


def _text(value: str) -> str:
    """Text a database can store: a lone surrogate (from a JSON escape in the input) becomes its escape."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _missing_sqlite_file(url: str) -> bool:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return False
    return not Path(database).exists()


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
