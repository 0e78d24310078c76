"""Several sources as one observation (`--source` given more than once, or several `--from-file`).

Resources are read source after source, in the order given. A resource observed by more than one source
(the same kind and id, e.g. a host seen both by the cloud API and as a Kubernetes node that reports its
instance id) is counted once, as the first source saw it; the check says how many were set aside.
No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from reconciler.base.messages import Message, message
from reconciler.core.observation import Observation, Resource, kind_of
from reconciler.sources.base import Held, Source


class CombinedSource:
    """The sources in order; their reports side by side; observed at the earliest of their moments."""

    def __init__(self, sources: Sequence[Source]) -> None:
        if not sources:
            raise ValueError("at least one source is needed")
        self.sources: tuple[Source, ...] = (
            tuple(  # combinations of combinations are flattened: one pass, one set of ids
                part
                for source in sources
                for part in (source.sources if isinstance(source, CombinedSource) else [source])
            )
        )
        self.duplicates = Held()

    def resources(self) -> Iterator[Resource]:
        if len(self.sources) == 1:  # the common case hands the source's own iterator on: no per-resource cost
            return self.sources[0].resources()
        return self._deduplicated()

    def _deduplicated(self) -> Iterator[Resource]:
        seen: set[tuple[str, str]] = set()
        for source in self.sources:
            for resource in source.resources():
                key = (kind_of(resource), resource.id)
                if key in seen:
                    self.duplicates.add(resource.id)
                    continue
                seen.add(key)
                yield resource

    def observation(self) -> Observation:
        observations = [source.observation() for source in self.sources]
        return Observation(
            observed_at=min(observation.observed_at for observation in observations),
            sources=tuple(report for observation in observations for report in observation.sources),
        )

    def warnings(self) -> list[Message]:
        """What the combination itself changed: resources counted once though observed more than once."""
        if not self.duplicates.count:
            return []
        return [message("observed_twice", count=self.duplicates.count, sample=list(self.duplicates.samples))]
