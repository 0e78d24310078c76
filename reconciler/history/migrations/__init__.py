"""Alembic migrations of the run history's schema, shipped inside the package.

Run by `reconciler.history.store` (programmatically, on open); there is no alembic.ini.
"""
