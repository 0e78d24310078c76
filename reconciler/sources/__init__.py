"""Sources: adapters that observe supply and return it as normalized resources.

Each source is registered here, in one visible place, by the name users pass to `--source`. A source's
module is imported only when it is opened, so a check never pays for clients it does not use.
"""

from __future__ import annotations

from reconciler.observation import KINDS
from reconciler.sources.base import Setting, Source, SourceRequest, SourceSpec, resolve_settings
from reconciler.sources.combined import CombinedSource
from reconciler.sources.ksyun import SPEC as KSYUN
from reconciler.sources.kubernetes import SPEC as KUBERNETES
from reconciler.sources.pulumi_state import SPEC as PULUMI
from reconciler.sources.snapshot import SnapshotFile


def _open_snapshot(request: SourceRequest) -> Source:
    files = [SnapshotFile(path, request.progress) for path in request.from_files]
    return files[0] if len(files) == 1 else CombinedSource(files)


SNAPSHOT = SourceSpec(
    name="snapshot",
    summary="A normalized observation file (`reconciler schema observation`), e.g. exported by another tool.",
    kinds=KINDS,
    native_file="the normalized observation JSON itself (--observed FILE = --source snapshot --from-file FILE)",
    open=_open_snapshot,
    live=False,
)

SOURCES: dict[str, SourceSpec] = {spec.name: spec for spec in (SNAPSHOT, KSYUN, KUBERNETES, PULUMI)}
"""Every source by name, in the order `reconciler sources` lists them."""

__all__ = [
    "SOURCES",
    "CombinedSource",
    "Setting",
    "SnapshotFile",
    "Source",
    "SourceRequest",
    "SourceSpec",
    "resolve_settings",
]
