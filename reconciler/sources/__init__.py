"""Sources: adapters that observe supply and return it as normalized resources.

Each source is registered here, in one visible place, by the name users pass to `--source`.
"""

from __future__ import annotations

from reconciler.sources.snapshot import SnapshotFile

SOURCES = {
    "snapshot": SnapshotFile,
}

__all__ = ["SOURCES", "SnapshotFile"]
