"""History: the run history store and what is read back from it.

`store` (SQLAlchemy; SQLite by default, any URL; Alembic migrations in `migrations/`), `replay` (a recorded run
as a reconciliation again) and `trends` (figures across runs). May import the core, the contract, dates and
base; never a source, a report or the CLI.
"""
