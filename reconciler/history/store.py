"""The run history: every `reconciler check` recorded in a SQL store (a SQLite file unless told otherwise).

Called by `app.pipeline.check_sources` (record a run, read the previous ones), `app.report_command` (read the
runs back and nothing else) and the tests. The only module that imports SQLAlchemy and Alembic (besides the
migrations in `reconciler/history/migrations/`). Every wait on the store is bounded (`history.deadlines`), and
every failure of the store, or of a run read back from it, is an `InputError` naming the store.
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from reconciler.base.errors import InputError
from reconciler.base.messages import from_json, to_json
from reconciler.base.text import json_text_is_safe, printable_tree
from reconciler.core.runs import PastRun, RecordedRun, finding_record, past_run, upgrade_record
from reconciler.history.deadlines import GRACE_S, Deadlines, Watchdog, deadlines_from
from reconciler.history.replay import check_findings, check_recorded

if TYPE_CHECKING:
    from reconciler.core.models import ContractRef, Reconciliation

DEFAULT_PATH: Final = Path(".reconciler") / "history.sqlite"
"""The store when neither --history nor RECONCILER_HISTORY names one, relative to the current directory."""
ENV_VAR: Final = "RECONCILER_HISTORY"
HEAD: Final = "0004"
"""The newest migration in `reconciler/history/migrations/versions/` (a test keeps the two in step)."""
MIGRATIONS: Final = Path(__file__).with_name("migrations")
APPLICATION_NAME: Final = "reconciler"
"""How a PostgreSQL server lists the reconciler's sessions (pg_stat_activity.application_name), unless the URL
names another."""
_PG_LOCK_KEY: Final = 0x7265636F6E63  # "reconc": serializes migrations of one PostgreSQL database
_BAD_RECORD: Final = (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, RecursionError)
"""What decoding or checking a damaged recorded run raises (pydantic's ValidationError is a ValueError)."""

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
    sa.Column("supplied_lower", sa.Text(), nullable=True),
    sa.Column("supplied_upper", sa.Text(), nullable=True),
    sa.Index("ix_findings_line_item_status", "line_item", "status"),
)
fleet_outcomes = sa.Table(
    "fleet_outcomes",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("batch", sa.Text(), nullable=False),
    sa.Column("contract", sa.Text(), nullable=False),
    sa.Column("shard", sa.Text(), nullable=False),
    sa.Column("now", sa.Text(), nullable=False),
    sa.Column("started_at", sa.Text(), nullable=False),
    sa.Column("finished_at", sa.Text(), nullable=False),
    sa.Column("duration_seconds", sa.Float(), nullable=False),
    sa.Column("exit_code", sa.Integer(), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("shortfall_value", sa.Text(), nullable=True),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="SET NULL"), nullable=True),
    sa.Column("problem", sa.Text(), nullable=True),
    sa.Column("digest", sa.JSON(), nullable=True),
    sa.Index("ix_fleet_outcomes_contract_id", "contract", "id"),
    sqlite_autoincrement=True,
)
"""One row per contract per `reconciler fleet check`: its exit code, its run (none when it could not be checked),
what went wrong, and the digest the fleet's notifications, metrics and overview read (`fleet.digest`)."""
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("contract", sa.Text(), nullable=False),
    sa.Column("target", sa.Text(), nullable=False),
    sa.Column("subject", sa.Text(), nullable=False),
    sa.Column("previous_state", sa.Text(), nullable=False),
    sa.Column("state", sa.Text(), nullable=False),
    sa.Column("outcome_id", sa.Integer(), sa.ForeignKey("fleet_outcomes.id", ondelete="SET NULL"), nullable=True),
    sa.Column("event", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("claimed_at", sa.Text(), nullable=False),
    sa.Column("finished_at", sa.Text(), nullable=True),
    sa.Column("detail", sa.Text(), nullable=True),
    sa.Index("ix_deliveries_contract_target_subject", "contract", "target", "subject", "id"),
    sqlite_autoincrement=True,
)
"""Every notification of a change of state: claimed under a unique key before it is sent, then sent or failed."""

_T = TypeVar("_T")


POSTGRESQL_ALIASES = frozenset({"postgresql", "postgres"})
"""URL schemes that mean PostgreSQL through psycopg (3): `postgres://` is what libpq, Heroku and most CI services
write; SQLAlchemy itself knows only `postgresql`."""


def history_url(value: str | None) -> str:
    """The store's SQLAlchemy URL: a URL as given, a plain path as a SQLite file, nothing as the default file."""
    if value is None or not value.strip():
        return str(sa.URL.create("sqlite", database=str(DEFAULT_PATH)))
    if "://" in value:
        return value
    return str(sa.URL.create("sqlite", database=value))


def shown_url(url: str) -> str:
    """The URL as messages show it: the password, if any, replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", url)


def parse_store_url(url: str) -> tuple[sa.URL, Deadlines]:
    """The URL the driver gets (without the deadline parameters) and the deadlines it sets. InputError naming
    the store for a URL that is not one (a port that is not a number, no such database kind, a bad value)."""
    where = f"<history {shown_url(url)}>"
    try:
        parsed = make_url(url)
    except ValueError as exc:  # SQLAlchemy's ArgumentError is not one: a port that is not a number is
        port = re.search(r"invalid literal for int\(\) with base 10: (.*)", str(exc))
        reason = f"the port {port.group(1)} is not a number" if port else str(exc)
        raise InputError.single(where, "", f"not a database URL: {reason}") from exc
    except ArgumentError as exc:
        raise InputError.single(where, "", f"not a database URL: {exc}") from exc
    if parsed.drivername in POSTGRESQL_ALIASES:  # SQLAlchemy's default driver is psycopg2: not installed
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        parsed.get_dialect()
    except ArgumentError as exc:  # no such dialect or driver name
        raise InputError.single(
            where,
            "",
            f"not a database URL: no database kind {parsed.drivername!r} (expected sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE)",
        ) from exc
    try:
        deadlines, query = deadlines_from(parsed.query)
    except ValueError as exc:
        raise InputError.single(where, "", f"not a valid store setting: {exc}") from exc
    return parsed.set(query=query), deadlines


class History:
    """An open history store. `History.open(url)` brings its schema up to date; use it as a context manager.

    Its methods raise `InputError` (naming the store) for anything the store does wrong: unreachable, past a
    deadline, locked too long, a schema newer than this version knows, a recorded run that cannot be read."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime] | None = None,
        *,
        deadlines: Deadlines | None = None,
        shown: str = "",
    ) -> None:
        self.engine = engine
        self.deadlines = deadlines or Deadlines()
        self.shown = shown or engine.url.render_as_string(hide_password=True)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._empty = False  # opened read-only on a store without the schema: it holds no runs
        self._lock_deadline = 0.0

    @classmethod
    def open(cls, url: str, clock: Callable[[], datetime] | None = None, *, read_only: bool = False) -> History:
        """Connect to the store at `url` (see `history_url`) and migrate it to the newest schema. With
        `read_only` it never writes: a store without the schema reads as empty (no migration), a SQLite file
        that is not there too, and one in a directory this process cannot write is opened read-only."""
        parsed, deadlines = parse_store_url(url)
        shown = shown_url(url)
        try:
            engine = _engine(parsed, deadlines, read_only)
        except ImportError as exc:
            reason = f"its database driver is not installed ({exc}; PostgreSQL: postgresql+psycopg://...)"
            raise InputError.single(f"<history {shown}>", "", f"cannot open the history store: {reason}") from exc
        except (OSError, SQLAlchemyError) as exc:
            raise InputError.single(f"<history {shown}>", "", f"cannot open the history store: {_reason(exc)}") from exc
        history = cls(engine, clock, deadlines=deadlines, shown=shown)
        try:
            with history._translated("cannot open the history store"):
                history._prepare(read_only)
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
        with self._translated("the history store failed"):
            return self._retrying(self._revision)

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
        with self._translated("the history store failed to record the run"):
            return self._retrying(lambda: self._write(run, items))

    def past_runs(self, contract: ContractRef | None = None) -> list[PastRun]:
        """The recorded runs in the order they were recorded, oldest first; with `contract`, only the runs of
        that contract (same title and total: expansions may differ)."""
        if self._empty:
            return []
        query = sa.select(runs.c.id, runs.c.now, runs.c.observed_at, self._as_recorded(runs.c.findings)).order_by(
            runs.c.id.desc()
        )
        if contract is not None:
            query = query.where(
                runs.c.contract_title_zh == _text(contract.title_zh), runs.c.contract_total == str(contract.total)
            )
        with self._translated("the history store failed"):
            rows = self._retrying(lambda: self._rows(query))
        # the core reads every earlier run's statuses and supplied quantities (checked as they are converted)
        # and the whole findings of the latest only (the changes since it): that one is checked in full
        return [self._past(row, whole=index == 0) for index, row in reversed(list(enumerate(rows)))]

    def recorded_runs(self, contract: ContractRef) -> list[RecordedRun]:
        """Every recorded run of `contract` (same title and total) with all the history keeps of it, in the
        order they were recorded; the reports pick and order them by their `now`."""
        if self._empty:
            return []
        columns = [self._as_recorded(c) if c.name in _JSON_COLUMNS else c for c in runs.c]
        query = (
            sa.select(*columns)
            .where(runs.c.contract_title_zh == _text(contract.title_zh), runs.c.contract_total == str(contract.total))
            .order_by(runs.c.id)
        )
        with self._translated("the history store failed"):
            rows = self._retrying(lambda: self._rows(query))
        return [self._recorded(row) for row in rows]

    # -- the fleet: outcomes and deliveries ------------------------------------------------------------------

    def record_outcome(self, outcome: Mapping[str, Any]) -> int:
        """Record one contract's result of a fleet check (a `fleet_outcomes` row's columns); return its id."""
        row = {**outcome, "contract": _text(str(outcome["contract"]))}
        with self._translated("the history store failed to record the contract's outcome"):
            return self._retrying(lambda: self._insert(fleet_outcomes, row))

    def latest_outcomes(self, contracts: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The newest outcome of each contract (of `contracts`, else of all), by contract name."""
        if self._empty:
            return []
        newest = sa.select(sa.func.max(fleet_outcomes.c.id)).group_by(fleet_outcomes.c.contract)
        query = sa.select(*self._outcome_columns()).where(fleet_outcomes.c.id.in_(newest))
        if contracts is not None:
            query = query.where(fleet_outcomes.c.contract.in_([_text(c) for c in contracts]))
        with self._translated("the history store failed"):
            rows = self._retrying(lambda: self._rows(query.order_by(fleet_outcomes.c.contract)))
        return [self._outcome(row) for row in rows]

    def outcome_series(self, contracts: Sequence[str], limit: int) -> dict[str, list[dict[str, Any]]]:
        """The last `limit` outcomes of each contract, oldest first, without their digests: for trend lines."""
        if self._empty or not contracts:
            return {}
        columns = [c for c in fleet_outcomes.c if c.name != "digest"]
        ranked = (
            sa.select(
                *columns,
                sa.func.row_number()
                .over(partition_by=fleet_outcomes.c.contract, order_by=fleet_outcomes.c.id.desc())
                .label("rank"),
            )
            .where(fleet_outcomes.c.contract.in_([_text(c) for c in contracts]))
            .subquery()
        )
        query = sa.select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.contract, ranked.c.id)
        with self._translated("the history store failed"):
            rows = self._retrying(lambda: self._rows(query))
        series: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            data = dict(row._mapping)
            data.pop("rank", None)
            series.setdefault(str(row.contract), []).append(data)
        return series

    def delivered_states(self, contract: str, target: str) -> dict[str, str]:
        """Each subject's state as last told to `target` for `contract`: the newest delivery sent or claimed
        (a claim whose send was cut off counts as told: a notification is never sent twice)."""
        if self._empty:
            return {}
        newest = (
            sa.select(sa.func.max(deliveries.c.id))
            .where(
                deliveries.c.contract == _text(contract),
                deliveries.c.target == _text(target),
                deliveries.c.status.in_(("sent", "claimed")),
            )
            .group_by(deliveries.c.subject)
        )
        query = sa.select(deliveries.c.subject, deliveries.c.state).where(deliveries.c.id.in_(newest))
        with self._translated("the history store failed"):
            rows = self._retrying(lambda: self._rows(query))
        return {str(row.subject): str(row.state) for row in rows}

    def claim_delivery(self, delivery: Mapping[str, Any]) -> bool:
        """Claim a notification before sending it: True when this process may send it (a new key, or one whose
        earlier send failed), False when it was sent or is being sent already."""
        row = {**delivery, "status": "claimed", "attempts": 0}
        with self._translated("the history store failed to record a notification"):
            return self._retrying(lambda: self._claim(row))

    def finish_delivery(self, key: str, status: str, attempts: int, finished_at: datetime, detail: str | None) -> None:
        """Record how a claimed notification ended: `sent`, or `failed` (a later run may try it again)."""
        update = (
            deliveries.update()
            .where(deliveries.c.key == key)
            .values(status=status, attempts=attempts, finished_at=finished_at.isoformat(), detail=detail)
        )
        with self._translated("the history store failed to record a notification"):
            self._retrying(lambda: self._execute(update))

    def deliveries(self, contract: str | None = None) -> list[dict[str, Any]]:
        """Every delivery recorded (of `contract`), in the order they were claimed."""
        if self._empty:
            return []
        query = sa.select(*[c for c in deliveries.c if c.name != "event"], self._as_recorded(deliveries.c.event))
        if contract is not None:
            query = query.where(deliveries.c.contract == _text(contract))
        with self._translated("the history store failed"):
            rows = self._retrying(lambda: self._rows(query.order_by(deliveries.c.id)))
        return [{**row._mapping, "event": self._json_cell("deliveries", row.id, "event", row.event)} for row in rows]

    def _outcome_columns(self) -> list[Any]:
        return [c for c in fleet_outcomes.c if c.name != "digest"] + [self._as_recorded(fleet_outcomes.c.digest)]

    def _outcome(self, row: sa.Row[Any]) -> dict[str, Any]:
        data = dict(row._mapping)
        if data["digest"] is not None:
            data["digest"] = self._json_cell("fleet_outcomes", row.id, "digest", data["digest"])
        return data

    def _json_cell(self, table: str, row_id: int, name: str, stored: object) -> Any:
        try:
            if isinstance(stored, bytes | bytearray | memoryview):
                stored = bytes(stored).decode("utf-8")
            if not isinstance(stored, str):
                raise TypeError(f"expected JSON text, got {type(stored).__name__}")
            return json.loads(stored)
        except _BAD_RECORD as exc:
            raise InputError.single(
                f"<history {self.shown}>",
                f"{table}[id={row_id}].{name}",
                f"not valid JSON ({_describe(exc)}): the store was damaged or edited",
            ) from exc

    def _insert(self, table: sa.Table, row: Mapping[str, Any]) -> int:
        with self._transaction(write=True) as conn:
            key = conn.execute(table.insert(), dict(row)).inserted_primary_key
            if key is None:
                raise RuntimeError(f"the database did not report the new {table.name} row's id")
            return int(key[0])

    def _execute(self, statement: sa.Executable) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(statement)

    def _claim(self, row: Mapping[str, Any]) -> bool:
        with self._transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                insert: Any = pg_insert(deliveries)
            else:
                from sqlalchemy.dialects.sqlite import insert as sqlite_insert

                insert = sqlite_insert(deliveries)
            # RETURNING tells whether the row went in (rowcount is not reliable for it on every driver)
            done = conn.execute(
                insert.values(**row).on_conflict_do_nothing(index_elements=["key"]).returning(deliveries.c.id)
            )
            if done.first() is not None:
                return True
            again = conn.execute(
                deliveries.update()
                .where(deliveries.c.key == row["key"], deliveries.c.status == "failed")
                .values(status="claimed", claimed_at=row["claimed_at"], finished_at=None, detail=None)
            )
            return bool(again.rowcount == 1)

    # -- reading rows back ----------------------------------------------------------------------------------

    def _past(self, row: sa.Row[Any], whole: bool) -> PastRun:
        items = self._column(row, "findings", row._mapping["findings"])
        try:
            if whole:
                check_findings(items)
            return past_run(row.id, _instant(row.now), _instant(row.observed_at), items)
        except _BAD_RECORD as exc:
            raise self._damaged(row.id, exc) from exc

    def _recorded(self, row: sa.Row[Any]) -> RecordedRun:
        data = {name: self._column(row, name, row._mapping[name]) for name in _JSON_COLUMNS}
        try:
            run = RecordedRun(
                run_id=row.id,
                now=_instant(row.now),
                observed_at=_instant(row.observed_at),
                sources=tuple(data["sources"]),
                findings=tuple(upgrade_record(finding) for finding in data["findings"]),
                summary=dict(data["summary"]),
                warnings=tuple(from_json(w) for w in data["warnings"]),
                verdict=str(row.verdict),
                exit_code=int(row.exit_code),
            )
            check_recorded(run)
        except _BAD_RECORD as exc:
            raise self._damaged(row.id, exc) from exc
        return run

    def _as_recorded(self, column: sa.Column[Any]) -> sa.Label[Any]:
        """A JSON column as stored, decoded by `_column` rather than by the driver (which would fail on the
        first damaged row without naming it): bytes from SQLite (whose text may not even be UTF-8), text
        from a server (which checks its JSON columns)."""
        as_stored = sa.LargeBinary() if self.engine.dialect.name == "sqlite" else sa.Text()
        return sa.cast(column, as_stored).label(column.name)

    def _column(self, row: sa.Row[Any], name: str, stored: object) -> Any:
        try:
            if isinstance(stored, bytes | bytearray | memoryview):
                stored = bytes(stored).decode("utf-8")
            if not isinstance(stored, str):
                raise TypeError(f"expected JSON text, got {type(stored).__name__}")
            value = json.loads(stored)
            # runs recorded before text was made printable where it is read may hold a lone surrogate or a
            # control character (an id, a file name): every report shows them printable too
            return value if json_text_is_safe(stored) else printable_tree(value)
        except _BAD_RECORD as exc:
            raise InputError.single(
                f"<history {self.shown}>",
                f"runs[id={row.id}].{name}",
                f"not valid JSON ({_describe(exc)}): the store was damaged or edited; repair that run or delete it "
                f"(DELETE FROM runs WHERE id = {row.id})",
            ) from exc

    def _damaged(self, run_id: int, exc: BaseException) -> InputError:
        return InputError.single(
            f"<history {self.shown}>",
            f"runs[id={run_id}]",
            f"not a run as reconciler records it ({_describe(exc)}): the store was damaged or edited; repair that "
            f"run or delete it (DELETE FROM runs WHERE id = {run_id})",
        )

    # -- transactions ---------------------------------------------------------------------------------------

    def _prepare(self, read_only: bool) -> None:
        revision = self._retrying(self._revision)
        if revision == HEAD:
            return
        if revision is not None:
            _refuse_unknown(revision)
        if read_only and revision is None:
            self._empty = True
            return
        self._retrying(self._migrate)

    def _revision(self) -> str | None:
        with self._transaction(write=False) as conn:
            return _revision_of(conn)

    def _rows(self, query: sa.Select[Any]) -> Sequence[sa.Row[Any]]:
        with self._transaction(write=False) as conn:
            return conn.execute(query).all()

    def _write(self, run: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> int:
        with self._transaction(write=True) as conn:  # SQLite: BEGIN IMMEDIATE, the store's write lock until commit
            key = conn.execute(runs.insert(), dict(run)).inserted_primary_key
            if key is None:
                raise RuntimeError("the database did not report the recorded run's id")
            run_id = int(key[0])
            rows = finding_rows(run_id, items)
            if rows:
                conn.execute(findings.insert(), rows)
        return run_id

    def _migrate(self) -> None:
        from alembic import command  # imported only to migrate: it costs a tenth of a second
        from alembic.config import Config

        with self._transaction(write=True) as conn:  # one migrating process at a time; all steps commit or none
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            revision = _revision_of(conn)  # another process may have migrated while this one waited
            if revision == HEAD:
                return
            if revision is not None:
                _refuse_unknown(revision)
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction, given up when the store has not finished it within the statement deadline."""
        with self.engine.connect() as conn:  # PostgreSQL: a new connection, within connect_timeout
            if not write:
                conn.execution_options(reconciler_read_only=True)
            raw = conn.connection.dbapi_connection
            if conn.dialect.name == "sqlite":
                remaining = max(self._lock_deadline - time.monotonic(), 0.0)
                raw.execute(f"PRAGMA busy_timeout = {max(int(remaining * 1000), 1)}")  # type: ignore[union-attr]
            watchdog = Watchdog(self.deadlines.client, partial(_interrupt, raw))
            try:
                with watchdog, conn.begin():
                    yield conn
            except SQLAlchemyError as exc:
                if watchdog.fired:
                    raise _Refused(
                        f"the store did not answer within {_seconds(watchdog.seconds)} s (statement_timeout="
                        f"{_seconds(self.deadlines.statement)} s plus {_seconds(GRACE_S)} s; set "
                        "?statement_timeout=SECONDS in the store URL)"
                    ) from exc
                raise

    def _retrying(self, work: Callable[[], _T]) -> _T:
        """`work` (whole transactions) tried again while SQLite reports the store locked, for lock_timeout in
        all: each try's busy timeout is what remains of it."""
        self._lock_deadline = time.monotonic() + self.deadlines.lock
        attempt = 0
        while True:
            try:
                return work()
            except OperationalError as exc:
                remaining = self._lock_deadline - time.monotonic()
                if not _sqlite_locked(exc):
                    raise
                if remaining <= 0.01:
                    raise _Refused(_lock_message(self.deadlines, "another process")) from exc
            attempt += 1
            time.sleep(min(random.uniform(0, 0.05 * 2**attempt), 1.0, remaining))

    @contextmanager
    def _translated(self, doing: str) -> Iterator[None]:
        """SQLAlchemy's errors and the deadlines' as an InputError naming the store."""
        try:
            yield
        except _Refused as exc:
            raise InputError.single(f"<history {self.shown}>", "", f"{doing}: {exc}") from exc
        except SQLAlchemyError as exc:
            reason = _reason(exc, self.deadlines)
            raise InputError.single(f"<history {self.shown}>", "", f"{doing}: {reason}") from exc
        except (ImportError, OSError) as exc:
            raise InputError.single(f"<history {self.shown}>", "", f"{doing}: {_reason(exc)}") from exc


class _Refused(Exception):
    """The store cannot be used: a deadline passed, or its schema is newer than this version knows. The
    message says which, and what to do; `_translated` makes it an InputError."""


@contextmanager
def open_history(
    url: str, clock: Callable[[], datetime] | None = None, *, must_exist: bool = False, read_only: bool = False
) -> Iterator[History]:
    """`History.open` as a context manager; every failure of the store is an `InputError` naming it, so the
    CLI reports it (exit 2) without a traceback. With `must_exist`, a SQLite file that is not there is an
    InputError instead of a new empty store; with `read_only`, nothing is written (see `History.open`)."""
    shown = shown_url(url)
    parse_store_url(url)  # a URL that is not one is named as such, before "no store there"
    if must_exist and _missing_sqlite_file(url):
        raise InputError.single(
            f"<history {shown}>", "", "no history store there: record runs with `reconciler check` first"
        )
    with History.open(url, clock, read_only=read_only) as history:
        try:
            yield history
        except SQLAlchemyError as exc:
            raise InputError.single(f"<history {shown}>", "", f"the history store failed: {_reason(exc)}") from exc


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
            "supplied_lower": item.get("supplied_lower"),
            "supplied_upper": item.get("supplied_upper"),
        }
        for item in items
    ]


_JSON_COLUMNS: Final = ("sources", "findings", "summary", "warnings")


def _engine(parsed: sa.URL, deadlines: Deadlines, read_only: bool) -> Engine:
    if parsed.get_backend_name() != "sqlite":
        return _server_engine(parsed, deadlines)
    database = parsed.database or ""
    plain_file = bool(database) and database != ":memory:" and not database.startswith("file:")
    path = Path(database)
    creator: Callable[[], sqlite3.Connection] | None = None
    if read_only and plain_file and not path.exists():
        parsed, plain_file = sa.URL.create("sqlite"), False  # nothing recorded yet: an empty store in memory
    elif read_only and plain_file and not _writable(path):
        creator = _read_only_sqlite(path, deadlines.lock)
    elif plain_file:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": deadlines.lock}
    engine = (
        sa.create_engine(parsed, json_serializer=_json, connect_args=connect_args)
        if creator is None
        else sa.create_engine("sqlite://", json_serializer=_json, creator=creator)
    )
    event.listen(engine, "connect", partial(_sqlite_connect, wal=creator is None))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _server_engine(parsed: sa.URL, deadlines: Deadlines) -> Engine:
    """A server's engine: a new connection per transaction (no pool to ping a server that stopped answering);
    on PostgreSQL the deadlines go to libpq (connect_timeout) and to the session (statement and lock timeouts,
    ahead of any `options` the URL gives)."""
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        ours = f"-c statement_timeout={_ms(deadlines.statement)} -c lock_timeout={_ms(deadlines.lock)}"
        theirs = parsed.query.get("options")
        if theirs is not None:
            ours = " ".join([ours, *([theirs] if isinstance(theirs, str) else theirs)])
        connect_args = {"connect_timeout": deadlines.connect_whole_seconds, "options": ours}
        if "application_name" not in parsed.query:
            connect_args["application_name"] = APPLICATION_NAME
        parsed = parsed.difference_update_query(["options"])
    return sa.create_engine(parsed, json_serializer=_json, poolclass=NullPool, connect_args=connect_args)


def _read_only_sqlite(path: Path, busy_s: float) -> Callable[[], sqlite3.Connection]:
    """Connections to a SQLite file this process may not write (a read-only directory or file system).

    A WAL database needs its -shm file, which cannot be created there; when no -wal file holds writes not yet
    in the main file, the file is opened as immutable (it then needs neither)."""
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    uri = path.resolve().as_uri() + ("?mode=ro" if pending else "?mode=ro&immutable=1")
    return lambda: sqlite3.connect(uri, uri=True, timeout=busy_s, check_same_thread=False)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _sqlite_connect(dbapi_connection: Any, _record: object, *, wal: bool) -> None:
    # SQLAlchemy, not the sqlite3 module, begins transactions (see _sqlite_begin); WAL lets readers
    # read while one process writes, and a commit is durable once the WAL is synced
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # a writer takes the write lock when it begins, never halfway (no deadlock between two upgrading readers)
    read_only = conn.get_execution_options().get("reconciler_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _interrupt(dbapi_connection: Any) -> None:
    """End the wait of a transaction that ran out of time: SQLite is interrupted; a server connection's
    socket is shut down (a server that stopped answering cannot take a cancel request either)."""
    interrupt = getattr(dbapi_connection, "interrupt", None)
    if callable(interrupt):
        interrupt()
        return
    fileno = getattr(dbapi_connection, "fileno", None)
    if not callable(fileno):
        return
    try:
        duplicate = os.dup(fileno())
    except (OSError, ValueError, TypeError):
        return
    with socket.socket(fileno=duplicate) as sock, suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _revision_of(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return None if version is None else str(version)


def _refuse_unknown(revision: str) -> None:
    """_Refused when `revision` is not one of this version's migrations (a newer version wrote the store)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if revision not in known:
        raise _Refused(
            f"its schema is at revision {revision!r}, which this reconciler does not know (contract-reconciler "
            f"{_version()} knows revisions up to {HEAD}): a newer version wrote it (upgrade contract-reconciler), "
            "or another program's migrations use this database (point --history at another store)"
        )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("contract-reconciler")
    except PackageNotFoundError:
        return "(version unknown)"


def _sqlite_locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return isinstance(exc.orig, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _lock_message(deadlines: Deadlines, holder: str) -> str:
    return (
        f"{holder} held a lock the history store needs for more than {_seconds(deadlines.lock)} s "
        "(lock_timeout; set ?lock_timeout=SECONDS in the store URL)"
    )


def _reason(exc: BaseException, deadlines: Deadlines | None = None) -> str:
    """What went wrong, in one line: a deadline named with its setting, else the driver's own words."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if deadlines is not None:
        names = {cls.__name__ for cls in type(orig).__mro__}
        sqlstate = getattr(orig, "sqlstate", None)
        if "ConnectionTimeout" in names:
            return (
                f"no connection within {deadlines.connect_whole_seconds} s (connect_timeout; set "
                "?connect_timeout=SECONDS in the store URL)"
            )
        if sqlstate == "55P03":
            return _lock_message(deadlines, "another session")
        if sqlstate == "57014":
            return (
                f"a statement ran past {_seconds(deadlines.statement)} s (statement_timeout; set "
                "?statement_timeout=SECONDS in the store URL)"
            )
    text = " ".join(str(orig).split())
    return text or type(orig).__name__


def _describe(exc: BaseException) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):  # pydantic: the first problem, where and why
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    if isinstance(exc, KeyError):
        return f"missing member {exc}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _instant(text: object) -> datetime:
    if not isinstance(text, str):
        raise TypeError(f"expected an ISO 8601 instant, got {type(text).__name__}")
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return value


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _seconds(value: float) -> str:
    return f"{value:g}"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))  # ASCII: a lone surrogate is kept as its escape


def _text(value: str) -> str:
    """Text a database can store: a lone surrogate (from a JSON escape in the input) becomes its escape."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _missing_sqlite_file(url: str) -> bool:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return False
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return False
    return not Path(database).exists()
