"""History: the run history store and what is read back from it.

`store` (SQLAlchemy; SQLite by default, or PostgreSQL; Alembic migrations in `migrations/`), `deadlines` (how
long the store may keep a command waiting), `replay` (a recorded run as a reconciliation again) and `trends`
(figures across runs). May import the core, the contract, dates and
base; never a source, a report or the CLI.
"""
