"""Sources: adapters that observe supply and return it as normalized resources.

Each source is registered here, in one visible place, by the name users pass to `--source`. A source's
module is imported only when the source is named (and its client library only when it observes live), so a
check of a snapshot never pays for the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Final

from reconciler.core.observation import KINDS
from reconciler.sources.base import Setting, Source, SourceRequest, SourceSpec, resolve_settings
from reconciler.sources.combined import CombinedSource
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

MODULES: Final = {
    "ksyun": "reconciler.sources.ksyun.source",
    "kubernetes": "reconciler.sources.kubernetes.source",
    "pulumi": "reconciler.sources.pulumi.source",
    "terraform": "reconciler.sources.terraform.source",
}
"""Where each source other than the snapshot is defined: its module's `SPEC`."""


class _Registry(Mapping[str, SourceSpec]):
    """The sources by name, in the order `reconciler sources` lists them; a spec is imported when looked up."""

    names: Final = ("snapshot", *MODULES)

    def __getitem__(self, name: str) -> SourceSpec:
        if name == SNAPSHOT.name:
            return SNAPSHOT
        spec: SourceSpec = importlib.import_module(MODULES[name]).SPEC
        return spec

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


SOURCES: Final[Mapping[str, SourceSpec]] = _Registry()
"""Every source by name."""

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
