"""The history schema's revisions, one file each, oldest first: 0001_initial, ...

Loaded by Alembic through `reconciler/history/migrations/env.py`; `history.HEAD` names the newest.
"""
