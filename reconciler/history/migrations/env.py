"""Alembic's environment for the run history: migrate on the connection `reconciler.history.store` hands in.

Run by `alembic.command.upgrade` from `history.History.open`, inside that connection's transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("the history migrations run only from reconciler.history.store (no alembic.ini)")
    # the caller's transaction holds the store's write lock: every step commits or none does
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


_run()
