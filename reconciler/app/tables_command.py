"""`reconciler tables init` and `reconciler tables check`: scaffold a source's tables file from what it observes,
and check a filled one (valid, and what is still blank).

Called by the CLI. The source does the observing and knows its tables (`SourceSpec.tables`); this module picks
the source, writes the document (atomically) and says what is left to fill. Exit codes of `tables check`: 0
complete, 1 something still blank, 2 not a tables file (docs/formats.md, "Tables files").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import json_object, load_json
from reconciler.sources import SOURCES
from reconciler.sources.base import SourceSpec, TablesSupport
from reconciler.sources.select import source_requests

HEADER = frozenset({"format", "version", "source", "scaffolded"})
"""Top-level members of a tables file that are not tables."""
SCAFFOLD_NOTES = frozenset({"from", "at", "tables", "instructions", "not_complete", "not_listed"})
"""What `tables init` writes under `scaffolded` each time; other members there are the operator's and stay."""


def with_tables(name: str) -> tuple[SourceSpec, TablesSupport]:
    """The source `name` and its tables support; InputError when it has none."""
    if name not in SOURCES:
        raise InputError.single("<option --source>", name, f"no such source (sources: {', '.join(SOURCES)})")
    spec = SOURCES[name]
    if spec.tables is None:
        having = [other for other in SOURCES if SOURCES[other].tables is not None]
        raise InputError.single(
            "<option --source>",
            name,
            f"the {name} source has no tables to fill (sources with tables: {', '.join(having)})",
        )
    return spec, spec.tables


@dataclass(frozen=True)
class Scaffold:
    """A scaffolded tables document, what is left to fill in it, and what it carried over: the tables file in use
    (None: none) and the entries that file did not hold (table, key)."""

    document: dict[str, Any]
    blanks: list[Problem]
    carried: str | None = None
    new: tuple[tuple[str, str], ...] = ()


def init_tables(
    name: str,
    from_files: Sequence[str],
    options: Sequence[str],
    environ: Mapping[str, str],
    now: datetime,
    output: Path | None = None,
) -> Scaffold:
    """Observe through source `name` (its files, else live) and return its tables document to fill in, with what
    is left to fill in it (as `tables check` would name it). The tables file in use (the source's `tables`
    setting) is carried over; so is an `output` file that already holds tables (re-running `tables init` on a
    filled file keeps what was filled and adds what is new). An `output` that holds tables while the setting
    names another file is refused: one of the two would be lost."""
    _spec, support = with_tables(name)
    [request] = source_requests([name], from_files, options, None, environ, now)
    carried = request.settings.get("tables") or None
    if output is not None and _holds_something(output):
        if carried is None:
            carried = str(output)
            request = replace(request, settings={**request.settings, "tables": carried})
        elif not _same_file(Path(carried), output):
            raise InputError.single(
                str(output),
                "",
                f"already holds tables, and {name}.tables names another file ({carried}): one of them would be "
                f"lost; write to another --output, or carry this one over with --source-option {name}.tables="
                f"{output}",
            )
    given = load_json(Path(carried), "a tables file (a JSON object)") if carried else {}
    document = support.scaffold(request)
    notes, scaffolded = (given.get("scaffolded") if isinstance(given, Mapping) else None), document.get("scaffolded")
    if isinstance(notes, Mapping) and isinstance(scaffolded, dict):  # the operator's own notes stay
        document["scaffolded"] = {**{k: v for k, v in notes.items() if k not in SCAFFOLD_NOTES}, **scaffolded}
    new = tuple(sorted(_keys(_plain(document)) - _keys(given))) if carried else ()
    return Scaffold(document, support.blanks(_plain(document), "<scaffold>"), carried, new)


def _holds_something(path: Path) -> bool:
    """A regular file with content (an empty one holds nothing to carry over)."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def _keys(document: Any) -> set[tuple[str, str]]:
    """The (table, key) pairs of a tables document."""
    if not isinstance(document, Mapping):
        return set()
    return {
        (table, str(key))
        for table, entries in document.items()
        if table not in HEADER and isinstance(entries, Mapping)
        for key in entries
    }


@dataclass(frozen=True)
class TablesCheck:
    """A checked tables file: whose, how many entries per table, and what is still blank."""

    file: str
    source: str
    entries: dict[str, int]
    blanks: list[Problem]

    @property
    def complete(self) -> bool:
        return not self.blanks


def check_tables(path: Path, source: str | None) -> TablesCheck:
    """Validate a tables file (InputError when it is not one) and list what is still to fill. The source is the
    file's `source` member, else `source`."""
    name = str(path)
    raw = json_object(load_json(path, "a tables file (a JSON object)"), name, "a tables file (a JSON object)")
    owner = raw.get("source") if isinstance(raw.get("source"), str) else source
    if owner is None:
        raise InputError.single(name, "source", 'say whose tables these are: "source": "ksyun" (or --source NAME)')
    if source is not None and owner != source:
        raise InputError.single(name, "source", f"the file's tables are of {owner}, not of {source}")
    _spec, support = with_tables(owner)
    blanks = support.blanks(raw, name)
    entries = {key: len(value) for key, value in raw.items() if key not in HEADER and isinstance(value, dict)}
    return TablesCheck(name, owner, entries, blanks)


def write_document(document: Mapping[str, Any], out: BinaryIO) -> None:
    """The tables document as indented UTF-8 JSON; decimals as JSON numbers where a float holds them exactly."""
    out.write((json.dumps(_plain(document), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
