"""From the command line's `--source`, `--from-file` and `--source-option` to the sources of one check.

`--from-file FILE` belongs to the only `--source` given; with several, write `--from-file NAME=FILE`.
A source given no file observes live (if it can); `--observed FILE` is `--source snapshot --from-file FILE`.
Settings are `--source-option NAME.KEY=VALUE`, else the setting's environment variable, else its default.
No I/O here: opening a source does not observe yet.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from reconciler.base.errors import InputError, Problem
from reconciler.sources import SOURCES
from reconciler.sources.base import Progress, Source, SourceRequest, resolve_settings
from reconciler.sources.combined import CombinedSource


def source_requests(
    names: Sequence[str],
    from_files: Sequence[str],
    options: Sequence[str],
    observed: Path | None,
    environ: Mapping[str, str],
    now: datetime | None = None,
    progress: Progress | None = None,
) -> list[SourceRequest]:
    """The requests the options describe, in the order the sources were named (the snapshot of --observed first)."""
    problems: list[Problem] = []
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        if name not in SOURCES:
            problems.append(Problem(name, f"no such source (sources: {', '.join(SOURCES)})"))
    files: dict[str, list[Path]] = {name: [] for name in chosen}
    for given in from_files:
        name, sep, path = given.partition("=")
        if sep and name in SOURCES:
            if name not in files:
                problems.append(Problem(given, f"names the source {name}, which no --source chooses"))
                continue
            files[name].append(Path(path))
        elif len(chosen) == 1:
            files[chosen[0]].append(Path(given))
        else:
            problems.append(
                Problem(given, "with several --source (or none), say whose file it is: --from-file NAME=FILE")
            )
    settings: dict[str, dict[str, str]] = {name: {} for name in chosen}
    for given in options:
        key, sep, value = given.partition("=")
        name, dot, setting = key.partition(".")
        if not sep or not dot or not setting:
            problems.append(Problem(given, "expected NAME.KEY=VALUE, e.g. ksyun.regions=cn-beijing-6"))
        elif name not in settings:
            problems.append(Problem(given, f"sets an option of {name}, which no --source chooses"))
        else:
            settings[name][setting] = value
    if observed is None and not chosen:
        problems.append(
            Problem("", "say what to observe: --observed FILE, or --source NAME (see `reconciler sources`)")
        )
    if problems:
        raise InputError("<options --source/--from-file/--source-option>", problems)
    requests = []
    if observed is not None:
        requests.append(SourceRequest("snapshot", (observed,), {}, now, progress))
    for name in chosen:
        spec = SOURCES[name]
        if not spec.live and not files[name]:
            raise InputError.single(
                "<option --from-file>", name, f"the {name} source reads only files: give --from-file FILE"
            )
        resolved = resolve_settings(spec, settings[name], environ)
        requests.append(SourceRequest(name, tuple(files[name]), resolved, now, progress))
    return requests


def open_sources(requests: Sequence[SourceRequest]) -> CombinedSource:
    """Open every requested source (nothing is observed until its resources are read)."""
    opened: list[Source] = [SOURCES[request.name].open(request) for request in requests]
    return CombinedSource(opened)


def setting_paths(options: Sequence[tuple[str, str]], root: Path) -> tuple[tuple[str, str], ...]:
    """Source settings (`NAME.KEY`, value) with every relative path made relative to `root`: those a source marks
    as naming files (`Setting.path`); a command only when it holds a slash (else it is looked up on PATH). Used
    where settings are written in a file beside others (a Pulumi stack's `reconciler:sourceOptions`, relative to
    the project; the guard's `outside.options`, relative to the pack), not to whichever directory a process runs in."""
    resolved = []
    for key, given in options:
        name, _, setting = key.partition(".")
        spec = SOURCES.get(name)
        kind = next((s.path for s in spec.settings if s.key == setting), "") if spec is not None else ""
        value = given
        if given and (kind == "file" or (kind == "command" and "/" in given)):
            value = _under(root, given)
        elif given and kind == "files":
            value = os.pathsep.join(_under(root, part) if part else part for part in given.split(os.pathsep))
        resolved.append((key, value))
    return tuple(resolved)


def _under(root: Path, given: str) -> str:
    path = Path(given).expanduser()
    return str(path if path.is_absolute() else root / path)
