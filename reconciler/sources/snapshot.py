"""The `snapshot` source: a normalized observation file (the format of `reconciler schema observation`).

Called by the CLI's check. Reads the file in one streaming pass, so snapshots larger than memory work;
resources of unknown kinds and unknown fields are counted and reported in the source's report, never
silently dropped; the first malformed resources fail the read with their index, id and field.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from reconciler.errors import InputError, Problem, problems_from_validation
from reconciler.jsonio import ObjectStream, open_text
from reconciler.observation import (
    FIELDS,
    KINDS,
    Observation,
    Resource,
    ResourceKind,
    SourceReport,
    Unrecognized,
    unknown_fields,
    validate_batch,
    validate_resource,
)

MAX_PROBLEMS = 20
BATCH = 2048
SAMPLE_IDS = 5


class SourceFailure(BaseModel):
    """Kinds the exporting source could not observe completely, and why (they become `unknown`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kinds: Annotated[list[ResourceKind], Field(min_length=1)]
    reason: Annotated[str, Field(min_length=1)]


class SnapshotHeader(BaseModel):
    """Every member of a snapshot but `resources`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal["contract-reconciler/observation"] = "contract-reconciler/observation"
    version: Literal[1] = 1
    observed_at: AwareDatetime
    source: Annotated[str, Field(min_length=1)]
    coverage: list[ResourceKind] | None = Field(
        None, description="kinds this snapshot observed; absent = all kinds (missing ones count as zero)"
    )
    failures: list[SourceFailure] = Field(default_factory=list)


class SnapshotDocument(SnapshotHeader):
    """The whole snapshot file, for its JSON Schema."""

    resources: list[dict[str, Any]] = Field(
        description="normalized resources; each has id, kind and its kind's fields (see the resource schema)"
    )


class SnapshotFile:
    """A snapshot on disk. Iterate `resources()` once, then `observation()` gives header and health."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._header: dict[str, Any] = {}
        self._count = 0
        self._unknown_kinds: dict[str, list[str]] = defaultdict(list)
        self._unknown_kind_counts: Counter[str] = Counter()
        self._unknown_fields: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._unknown_field_counts: Counter[tuple[str, str]] = Counter()
        self._read = False

    def resources(self) -> Iterator[Resource]:
        """Validated resources of known kinds, in file order. Raises InputError on malformed input."""
        name = str(self.path)
        problems: list[Problem] = []
        seen_resources = False
        with open_text(self.path) as handle:
            stream = ObjectStream(handle, name)
            for key in stream.members():
                if key != "resources":
                    self._header[key] = stream.value()
                    continue
                seen_resources = True
                yield from self._validated(stream.elements(), problems)
                if len(problems) >= MAX_PROBLEMS:
                    break
        if not seen_resources and not problems:
            problems.append(Problem("resources", "required field is missing"))
        if problems:
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem("", f"stopped after {MAX_PROBLEMS} problems"))
            raise InputError(name, problems)
        self._read = True

    def _validated(self, raws: Iterator[Any], problems: list[Problem]) -> Iterator[Resource]:
        """Plain resources are validated in batches (fast); anything unusual one by one (slow, exact)."""
        batch: list[dict[str, Any]] = []
        start = 0
        for index, raw in enumerate(raws):
            fields = FIELDS.get(raw.get("kind", "")) if type(raw) is dict else None
            if fields is not None and fields.issuperset(raw):
                batch.append(raw)
                if len(batch) < BATCH:
                    continue
            yield from self._flush(start, batch, problems)
            batch = []
            start = index + 1
            if fields is None or not fields.issuperset(raw):
                resource = self._validate(index, raw, problems)
                if resource is not None:
                    yield resource
            if len(problems) >= MAX_PROBLEMS:
                return
        yield from self._flush(start, batch, problems)

    def _flush(self, start: int, batch: list[dict[str, Any]], problems: list[Problem]) -> Iterator[Resource]:
        if not batch:
            return
        try:
            valid = validate_batch(batch)
        except ValidationError:
            for offset, raw in enumerate(batch):
                resource = self._validate(start + offset, raw, problems)
                if resource is not None:
                    yield resource
            return
        self._count += len(valid)
        yield from valid

    def _validate(self, index: int, raw: Any, problems: list[Problem]) -> Resource | None:
        """One resource, exactly: unknown kinds and fields are recorded, malformed ones become problems."""
        where = f"resources[{index}]"
        if not isinstance(raw, dict):
            problems.append(Problem(where, f"expected an object, found {type(raw).__name__}"))
            return None
        rid, kind = raw.get("id"), raw.get("kind")
        if isinstance(rid, str):
            where += f"({rid})"
        if not isinstance(kind, str):
            reason = "required field is missing" if kind is None else f"expected a string, found {kind!r}"
            problems.append(Problem(f"{where}.kind", reason))
            return None
        if kind not in KINDS:
            if not isinstance(rid, str) or not rid:
                problems.append(Problem(f"{where}.id", "required field is missing"))
                return None
            self._count += 1
            self._unknown_kind_counts[kind] += 1
            if len(self._unknown_kinds[kind]) < SAMPLE_IDS:
                self._unknown_kinds[kind].append(rid)
            return None
        try:
            resource = validate_resource(raw)
        except ValidationError as exc:
            for problem in problems_from_validation(exc.errors(), raw):
                problems.append(Problem(f"{where}.{problem.field}", problem.reason))
            return None
        self._count += 1
        for field_name in sorted(unknown_fields(resource)):
            key = (kind, field_name)
            self._unknown_field_counts[key] += 1
            if len(self._unknown_fields[key]) < SAMPLE_IDS:
                self._unknown_fields[key].append(resource["id"])
        return resource

    def observation(self, resources: tuple[Resource, ...] = ()) -> Observation:
        """Header and health of the snapshot; call after `resources()` has been consumed."""
        if not self._read:
            raise RuntimeError("read resources() to the end before asking for the observation")
        try:
            header = SnapshotHeader.model_validate(self._header)
        except ValidationError as exc:
            raise InputError(str(self.path), problems_from_validation(exc.errors(), self._header)) from exc
        unrecognized = [
            Unrecognized("kind", kind, kind, count, tuple(self._unknown_kinds[kind]))
            for kind, count in sorted(self._unknown_kind_counts.items())
        ] + [
            Unrecognized("field", field_name, kind, count, tuple(self._unknown_fields[(kind, field_name)]))
            for (kind, field_name), count in sorted(self._unknown_field_counts.items())
        ]
        failed: dict[ResourceKind, str] = {}
        for failure in header.failures:
            for kind in failure.kinds:
                failed[kind] = f"{failed[kind]}; {failure.reason}" if kind in failed else failure.reason
        report = SourceReport(
            name=f"snapshot:{self.path}",
            detail=header.source,
            covers=frozenset(header.coverage if header.coverage is not None else KINDS),
            failed=failed,
            unrecognized=tuple(unrecognized),
            resource_count=self._count,
        )
        return Observation(observed_at=header.observed_at, sources=(report,), resources=resources)


def read_snapshot(path: Path) -> Observation:
    """Read a whole snapshot into memory (for small files and tests); the CLI streams instead."""
    snapshot = SnapshotFile(path)
    resources = tuple(snapshot.resources())
    return snapshot.observation(resources)
