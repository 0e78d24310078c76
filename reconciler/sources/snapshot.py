"""The `snapshot` source: a normalized observation file (the format of `reconciler schema observation`).

Called by the CLI's check. Reads the file in one streaming pass, so snapshots larger than memory work;
resources of unknown kinds and unknown fields are counted and reported in the source's report, never
silently dropped; the first malformed resources fail the read with their index, id and field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from reconciler.base.errors import InputError, Problem, json_type_name, problems_from_validation
from reconciler.base.jsonio import DUPLICATE, ObjectStream, bytes_read, duplicate_path, open_text
from reconciler.base.limits import MAX_SNAPSHOT_MB
from reconciler.base.messages import Message, combined, plain_text
from reconciler.base.recognize import refuse_other_format
from reconciler.base.text import json_text_is_safe
from reconciler.core.observation import (
    FIELDS,
    KINDS,
    NotAList,
    Observation,
    Resource,
    ResourceError,
    ResourceKind,
    SourceReport,
    Unrecognized,
    decode_resources,
    to_resource,
)
from reconciler.dates.clock import instant_problem
from reconciler.sources.base import Held

MAX_PROBLEMS = 20


def _in_range(value: datetime) -> datetime:
    problem = instant_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class SourceFailure(BaseModel):
    """Kinds the exporting source could not observe (completely), and why: what the snapshot holds of them
    counts toward the lower bound of their line items, the upper bound is open."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kinds: Annotated[list[ResourceKind], Field(min_length=1)]
    reason: Annotated[str, Field(min_length=1)]


class SnapshotHeader(BaseModel):
    """Every member of a snapshot but `resources`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    format: Literal["contract-reconciler/observation"] = "contract-reconciler/observation"
    version: Literal[1] = 1
    observed_at: Annotated[AwareDatetime, AfterValidator(_in_range)]
    source: Annotated[str, Field(min_length=1)]
    coverage: list[ResourceKind] | None = Field(
        None, description="kinds this snapshot observed; absent = all kinds (missing ones count as zero)"
    )
    failures: list[SourceFailure] = Field(default_factory=list)
    incomplete: list[SourceFailure] = Field(
        default_factory=list,
        description="kinds whose listing may be incomplete (e.g. paging that may have skipped items), and why: "
        "the resources listed count toward the lower bound, the upper bound is open",
    )


class SnapshotDocument(SnapshotHeader):
    """The whole snapshot file, for its JSON Schema."""

    resources: list[dict[str, Any]] = Field(
        description="normalized resources; each has id, kind and its kind's fields (see the resource schema)"
    )


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3}|\.\d{6})?(?:Z|[+-]\d{2}:\d{2})")
"""An instant as exporters write it (seconds, milliseconds or microseconds, an offset): read without the model."""
_HEADER_MEMBERS: Final = frozenset(SnapshotHeader.model_fields)


def plain_header(raw: dict[str, Any]) -> SnapshotHeader | None:
    """The header as `SnapshotHeader.model_validate` reads it, when it is written the usual way; else None.

    Validating with the model builds its validator (and loads pydantic's plugins), a tenth of a small check's
    time: a header of the usual form (ISO instant with an offset, known kinds, non-empty texts) is read here
    instead, to the same values; anything else is left to the model, which names its problems."""
    if not raw.keys() <= _HEADER_MEMBERS:
        return None
    stamp, source = raw.get("observed_at"), raw.get("source")
    if raw.get("format", SnapshotHeader.model_fields["format"].default) != "contract-reconciler/observation":
        return None
    version = raw.get("version", 1)
    if type(version) is not int or version != 1 or type(source) is not str or not source:
        return None
    if type(stamp) is not str or not _INSTANT.fullmatch(stamp):
        return None
    try:
        observed_at = datetime.fromisoformat(stamp)
    except ValueError:  # a month 13, a 25th hour
        return None
    if instant_problem(observed_at) is not None:  # the model names it
        return None
    coverage = raw.get("coverage")
    if coverage is not None and not _kinds(coverage, empty=True):
        return None
    failures, incomplete = raw.get("failures", []), raw.get("incomplete", [])
    if not all(type(entries) is list and all(map(_plain_failure, entries)) for entries in (failures, incomplete)):
        return None
    return SnapshotHeader.model_construct(
        observed_at=observed_at,
        source=source,
        coverage=coverage,
        failures=[SourceFailure.model_construct(kinds=e["kinds"], reason=e["reason"]) for e in failures],
        incomplete=[SourceFailure.model_construct(kinds=e["kinds"], reason=e["reason"]) for e in incomplete],
    )


def _kinds(value: object, empty: bool) -> bool:
    return type(value) is list and (empty or bool(value)) and all(type(k) is str and k in FIELDS for k in value)


def _plain_failure(entry: object) -> bool:
    return (
        type(entry) is dict
        and entry.keys() == {"kinds", "reason"}
        and _kinds(entry["kinds"], empty=False)
        and type(entry["reason"]) is str
        and bool(entry["reason"])
    )


class SnapshotFile:
    """A snapshot on disk. Iterate `resources()` once, then `observation()` gives header and health.

    `progress`, if given, is called once per chunk read with (bytes of the file read so far, resources so far).
    `typed=False` reads every resource by the generic path (each element decoded exactly, then converted):
    the same resources, report and problems as the typed decoder's (tests/test_snapshot_paths.py), slower.
    """

    def __init__(self, path: Path, progress: Callable[[int, int], None] | None = None, *, typed: bool = True) -> None:
        self.path = path
        self._progress = progress
        self._typed = typed
        self._header: dict[str, Any] = {}
        self._count = 0
        self._unknown_kinds: dict[str, Held] = defaultdict(Held)
        self._unknown_fields: dict[tuple[str, str], Held] = defaultdict(Held)
        self._read = False

    def resources(self) -> Iterator[Resource]:
        """Validated resources of known kinds, in file order. Raises InputError on malformed input."""
        return chain.from_iterable(self.resource_batches())

    def resource_batches(self) -> Iterator[list[Resource]]:
        """The resources in batches as decoded (fast: no per-resource Python work on the common path)."""
        name = str(self.path)
        problems: list[Problem] = []
        seen_resources = False
        with open_text(self.path, MAX_SNAPSHOT_MB) as handle:
            stream = ObjectStream(handle, name)
            for key in stream.members():
                if key != "resources":
                    self._header[key] = stream.value()
                    continue
                seen_resources = True
                index = 0
                for part in stream.array_chunks():
                    if isinstance(part, str):
                        if not (self._typed and json_text_is_safe(part)):  # strings to make printable, or
                            # the generic path asked for: read this part exactly
                            stream.distrust_last()
                            continue
                        try:
                            batch = decode_resources(part)
                            size = len(batch)
                        except NotAList:
                            stream.distrust_last()
                            continue
                        except ResourceError:
                            try:  # valid JSON but an unusual element: read this part exactly
                                raws = stream.decode_part(part)
                            except ValueError:  # not JSON after all (the cut fell inside an element)
                                stream.distrust_last()
                                continue
                            batch, size = self._exactly(index, raws, problems, stream), len(raws)
                    else:
                        batch, size = self._exactly(index, part, problems, stream), len(part)
                    index += size
                    self._count = index
                    if len(problems) >= MAX_PROBLEMS:
                        break
                    if self._progress is not None:
                        self._progress(bytes_read(handle), index)
                    yield batch
                if len(problems) >= MAX_PROBLEMS:
                    break
            if self._progress is not None:
                self._progress(bytes_read(handle), self._count)
        if not seen_resources and not problems:
            refuse_other_format(self._header, name, "observation", "snapshot")
            problems.append(Problem("resources", "required field is missing"))
        if problems:
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem("", f"stopped after {MAX_PROBLEMS} problems"))
            raise InputError(name, problems)
        self._read = True

    def _exactly(self, start: int, raws: list[Any], problems: list[Problem], stream: ObjectStream) -> list[Resource]:
        """Validate elements one by one: unknown kinds and fields are recorded, malformed ones are problems."""
        valid = []
        for offset, raw in enumerate(raws):
            if stream.duplicated and (path := duplicate_path(raw)):
                problems.append(Problem(f"{_where(start + offset, raw)}.{path}", DUPLICATE))
                continue
            resource = self._validate(start + offset, raw, problems)
            if resource is not None:
                valid.append(resource)
        return valid

    def _validate(self, index: int, raw: Any, problems: list[Problem]) -> Resource | None:
        where = _where(index, raw)
        if not isinstance(raw, dict):
            problems.append(Problem(where, f"expected an object, found {json_type_name(raw)}"))
            return None
        rid, kind = raw.get("id"), raw.get("kind")
        if not isinstance(kind, str):
            reason = "required field is missing" if kind is None else f"expected a string, found {json_type_name(kind)}"
            problems.append(Problem(f"{where}.kind", reason))
            return None
        if kind not in FIELDS:
            if not isinstance(rid, str) or not rid:
                problems.append(Problem(f"{where}.id", "required field is missing"))
                return None
            self._unknown_kinds[kind].add(rid)
            return None
        extra = sorted(raw.keys() - FIELDS[kind])
        try:
            resource = to_resource({k: v for k, v in raw.items() if k not in extra} if extra else raw)
        except ResourceError as exc:
            problems.append(Problem(f"{where}{exc.path}", exc.reason))
            return None
        for field_name in extra:
            key = (kind, field_name)
            self._unknown_fields[key].add(resource.id)
        return resource

    def observation(self, resources: tuple[Resource, ...] = ()) -> Observation:
        """Header and health of the snapshot; call after `resources()` has been consumed."""
        if not self._read:
            raise RuntimeError("read resources() to the end before asking for the observation")
        header = plain_header(self._header)
        if header is None:  # anything unusual is read by the model, which names each problem
            try:
                header = SnapshotHeader.model_validate(self._header)
            except ValidationError as exc:
                raise InputError(str(self.path), problems_from_validation(exc.errors(), self._header)) from exc
        unrecognized = [
            Unrecognized("kind", kind, kind, held.count, tuple(held.samples))
            for kind, held in sorted(self._unknown_kinds.items())
        ] + [
            Unrecognized("field", field_name, kind, held.count, tuple(held.samples))
            for (kind, field_name), held in sorted(self._unknown_fields.items())
        ]
        # the snapshot's own words (a provider's error, what a listing lacked): quoted as they are
        failed: dict[ResourceKind, list[Message]] = {}
        for failure in header.failures:
            for kind in failure.kinds:
                failed.setdefault(kind, []).append(plain_text(failure.reason))
        incomplete: dict[ResourceKind, list[Message]] = {}
        for listing in header.incomplete:
            for kind in listing.kinds:
                incomplete.setdefault(kind, []).append(plain_text(listing.reason))
        report = SourceReport(
            name=f"snapshot:{self.path}",
            detail=plain_text(header.source) if header.source else None,
            covers=frozenset(header.coverage if header.coverage is not None else KINDS),
            failed={kind: combined(reasons) for kind, reasons in failed.items()},
            incomplete={kind: combined(reasons) for kind, reasons in incomplete.items()},
            unrecognized=tuple(unrecognized),
            resource_count=self._count,
        )
        return Observation(observed_at=header.observed_at, sources=(report,), resources=resources)


def _where(index: int, raw: Any) -> str:
    """`resources[12](vm-1)`: the element's index, and its id when it has one."""
    rid = raw.get("id") if isinstance(raw, dict) else None
    return f"resources[{index}]({rid})" if isinstance(rid, str) else f"resources[{index}]"
