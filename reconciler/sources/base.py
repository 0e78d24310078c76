"""What every source is: its description (`SourceSpec`), its settings, and the two calls a check makes on it.

A source observes supply somewhere (a snapshot file, the Kingsoft Cloud API, a Kubernetes cluster, Pulumi
state) and hands it on as normalized resources plus a `SourceReport` saying what it covered and what failed.
Every source can also read its provider's native export from files (`--from-file`), so checks work offline.
No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol, overload

from reconciler.base.errors import InputError, Problem
from reconciler.base.messages import Message, plain_text
from reconciler.base.numbers import decimal_text
from reconciler.core.observation import Observation, Resource, ResourceKind, SourceReport, TableEntryUse

Progress = Callable[[int, int], None]
"""Called with (bytes of the file read so far, resources read so far) by sources that read big files."""


class Source(Protocol):
    """One observation, read in one pass: iterate `resources()` to the end, then ask for `observation()`."""

    def resources(self) -> Iterator[Resource]:
        """The observed resources; raises InputError if the source's input is malformed."""
        ...

    def observation(self) -> Observation:
        """When and by whom it was observed, and the health of each source (its `resources` left empty)."""
        ...


@dataclass(frozen=True)
class Setting:
    """One setting of a source: given as `--source-option NAME.KEY=VALUE`, else from `env`, else `default`."""

    key: str
    help: str
    env: str | None = None
    default: str | None = None
    secret: bool = False
    """Never printed, logged or written to a report: `reconciler sources` shows only whether it is set."""
    path: Literal["", "file", "files", "command"] = ""
    """What the value names on disk: a file or directory, several (separated by os.pathsep), a command (a path
    when it holds a slash). Where a relative one is relative to depends on where it is given: the working
    directory for `--source-option`, the project directory for a Pulumi stack's `reconciler:sourceOptions`."""


@dataclass(frozen=True)
class SourceRequest:
    """What the user asked of one source: files to read instead of the live API, and its resolved settings."""

    name: str
    from_files: tuple[Path, ...] = ()
    settings: Mapping[str, str] = field(default_factory=dict)
    now: datetime | None = None
    """The check's moment; sources reading files without a timestamp of their own use it as `observed_at`."""
    progress: Progress | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A source as users choose it by name: what it observes, how, and how it is opened."""

    name: str
    summary: str
    kinds: tuple[ResourceKind, ...]
    native_file: str
    """What `--from-file` reads for this source (the provider's own export format)."""
    open: Callable[[SourceRequest], Source]
    settings: tuple[Setting, ...] = ()
    live: bool = True
    """False for sources that only read files (the snapshot): they need `--from-file`."""
    tables: TablesSupport | None = None
    """What `reconciler tables` does for this source; None: it has no tables to fill."""


@dataclass(frozen=True)
class TablesSupport:
    """A source's mapping tables as `reconciler tables` handles them (docs/formats.md, "Tables files")."""

    scaffold: Callable[[SourceRequest], dict[str, Any]]
    """Observe (live or from the request's files) and return the tables document to fill in: every key the
    observation holds, with counts and sample ids, the fields an API reports filled, the rest null."""
    blanks: Callable[[Any, str], list[Problem]]
    """Check a tables file's content (InputError naming the file when it is not one) and name what is still
    blank: fields left null, filled entries without evidence."""


class CollectedSource:
    """A source that gathers everything first (live APIs, small native exports): subclasses implement `collect`."""

    def __init__(self) -> None:
        self._observation: Observation | None = None

    def collect(self) -> Observation:
        """Observe: resources in `Observation.resources` (a list or tuple) and the health in its sources."""
        raise NotImplementedError

    def resources(self) -> Iterator[Resource]:
        try:
            self._observation = self.collect()
        except InputError:
            raise
        except ValueError as exc:  # a value the normalized model refuses (e.g. a size beyond 10^15 GB)
            reason = f"a resource it observed is invalid: {exc}"
            raise InputError.single(f"<{type(self).__name__}>", "", reason) from exc
        yield from self._observation.resources

    def observation(self) -> Observation:
        if self._observation is None:
            raise RuntimeError("read resources() to the end before asking for the observation")
        observation = self._observation
        return Observation(observed_at=observation.observed_at, sources=observation.sources)


def resolve_settings(
    spec: SourceSpec, options: Mapping[str, str], environ: Mapping[str, str], where: str = "<option --source-option>"
) -> dict[str, str]:
    """Each setting's value: the option if given, else its environment variable, else its default (unset keys
    are left out). Unknown option keys are input errors naming the keys the source has."""
    known = {setting.key: setting for setting in spec.settings}
    unknown = sorted(options.keys() - known.keys())
    if unknown:
        names = ", ".join(sorted(known)) or "none"
        raise InputError(
            where,
            [
                Problem(f"{spec.name}.{key}", f"the {spec.name} source has no such setting (its settings: {names})")
                for key in unknown
            ],
        )
    resolved: dict[str, str] = {}
    for key, setting in known.items():
        if key in options:
            resolved[key] = options[key]
        elif setting.env is not None and environ.get(setting.env):
            resolved[key] = environ[setting.env]
        elif setting.default is not None:
            resolved[key] = setting.default
    return resolved


HELD_SAMPLES = 5
"""Names a `Held` keeps for the report."""


@dataclass
class Held:
    """Resources a mapping could not count (or set aside), for one reason: how many, and a few names."""

    count: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.samples) < HELD_SAMPLES:
            self.samples.append(name)

    def sample_text(self) -> str:
        """`a, b, c`, with `, ...` when there were more than the samples."""
        more = ", ..." if self.count > len(self.samples) else ""
        return ", ".join(self.samples) + more

    def describe(self) -> str:
        """`3 (a, b, c)`, with `, ...` when there were more than the samples."""
        return f"{self.count} ({self.sample_text()})"


Values = tuple[tuple[str, str], ...]
"""What a table entry states, as (field, value) text."""


class EntryUses:
    """The table entries a mapping used, with the resources each decided (count and sample ids): the
    provenance a source reports (`SourceReport.table_entries`). An entry counts a resource once the mapping
    keeps it (`commit`), so a resource listed twice (project chunks, regions, export files) counts once."""

    def __init__(self) -> None:
        self.held: dict[tuple[str, str], tuple[ResourceKind, Values, Held]] = {}
        self._pending: dict[tuple[ResourceKind, str], dict[str, tuple[str, Values]]] = {}

    def add(self, table: str, key: str, kind: ResourceKind, values: Values, rid: str) -> None:
        """Note that the entry `table`/`key` decided the resource `rid` of `kind` (one entry per table)."""
        self._pending.setdefault((kind, rid), {})[table] = (key, values)

    def commit(self, kind: ResourceKind, rid: str) -> None:
        """The resource is counted: the entries noted for it count it."""
        for table, (key, values) in self._pending.pop((kind, rid), {}).items():
            self.held.setdefault((table, key), (kind, values, Held()))[2].add(rid)

    def merge(self, other: EntryUses) -> None:
        for entry, (kind, values, held) in other.held.items():
            mine = self.held.setdefault(entry, (kind, values, Held()))[2]
            mine.count += held.count
            mine.samples += held.samples[: max(0, HELD_SAMPLES - len(mine.samples))]

    def entries(self, basis: Callable[[str, str], tuple[str, str | Message | None]]) -> tuple[TableEntryUse, ...]:
        """Each entry used, with `basis(table, key)` = (origin, evidence), ordered by table and key; evidence
        given as text (a tables file's) is quoted as it is."""
        used = []
        for (table, key), (kind, values, held) in sorted(self.held.items()):
            origin, evidence = basis(table, key)
            used.append(
                TableEntryUse(
                    table=table,
                    key=key,
                    kind=kind,
                    attributes=tuple(name for name, _ in values),
                    values=values,
                    origin=origin,
                    evidence=plain_text(evidence) if isinstance(evidence, str) else evidence,
                    count=held.count,
                    sample_ids=tuple(held.samples),
                )
            )
        return tuple(used)


def describe_groups(groups: Mapping[str, Held]) -> str:
    """`key: 3 (a, b, c); other: 1 (d)`, by key."""
    return "; ".join(f"{key}: {held.describe()}" for key, held in sorted(groups.items()))


@overload
def number_setting(source: str, settings: Mapping[str, str], key: str, low: float, integer: Literal[True]) -> int: ...


@overload
def number_setting(
    source: str, settings: Mapping[str, str], key: str, low: float, integer: Literal[False] = False
) -> float: ...


def number_setting(source: str, settings: Mapping[str, str], key: str, low: float, integer: bool = False) -> float:
    """The number a source's setting `key` holds (a whole number when `integer`), at least `low`. Anything else
    (not a number, nan, infinity, a fraction where a whole number is needed, below `low`) is an InputError
    naming `<SOURCE settings>`, `SOURCE.key` and the reason."""
    text = settings.get(key, "")
    where, field_name = f"<{source} settings>", f"{source}.{key}"
    expected = "a whole number" if integer else "a number"
    value = decimal_text(text.strip(), signed=True)
    if value is None:
        raise InputError.single(where, field_name, f"expected {expected}, found {text!r}")
    if integer and value != value.to_integral_value():
        raise InputError.single(where, field_name, f"expected a whole number, found {text!r}")
    if value < Decimal(str(low)):
        raise InputError.single(where, field_name, f"must be at least {low:g}, found {text!r}")
    return int(value) if integer else float(value)


def dotted_get(obj: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted path in decoded JSON (`status.capacity`), or None where any step is missing."""
    node: Any = obj
    for step in dotted.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(step)
    return node


def parse_covers(source: str, text: str | None, kinds: Sequence[ResourceKind]) -> frozenset[ResourceKind] | None:
    """The kinds named by a source's `covers` setting (comma-separated), None when it is not set; a kind the
    source does not observe is an input error naming the setting."""
    if text is None:
        return None
    given = [part.strip() for part in text.split(",") if part.strip()]
    wrong = [kind for kind in given if kind not in kinds]
    if wrong:
        raise InputError.single(
            f"<setting {source}.covers>",
            "covers",
            f"{', '.join(wrong)}: not a kind this source observes ({', '.join(kinds)})",
        )
    return frozenset(kind for kind in kinds if kind in given)


def failed_report(
    name: str, kinds: Sequence[ResourceKind], reason: Message, detail: Message | None = None
) -> SourceReport:
    """The report of a source that could observe none of its kinds: all of them become `unknown`."""
    return SourceReport(name=name, covers=frozenset(kinds), detail=detail, failed=dict.fromkeys(kinds, reason))
