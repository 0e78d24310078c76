"""A progress bar on stderr while a snapshot is read: bytes read of the file's size, and resources counted.

Called by the CLI's check, which hands the callback to the snapshot source. Shown only on a terminal outside
CI (`progress_wanted`); rich is imported only then.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

Progress = Callable[[int, int], None]
"""Called with (bytes of the file read so far, resources read so far)."""

NAME_WIDTH = 24
"""Longer file names are shown by their end."""


def progress_wanted(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """On when `stream` is a terminal and the `CI` variable is not set (to anything); off otherwise."""
    if "CI" in environ:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


@contextmanager
def snapshot_progress(
    path: Path, stream: TextIO, environ: Mapping[str, str] | None = None
) -> Iterator[Progress | None]:
    """A callback that moves a bar on `stream` while the body runs, or None when no bar is wanted.
    The bar is removed when the body ends, so only the report remains on the screen."""
    if not progress_wanted(stream, os.environ if environ is None else environ):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, TextColumn
    from rich.progress import Progress as Bar

    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None  # the reader will name the problem
    columns = (  # about 75 columns wide, so it fits an 80-column terminal on one line
        TextColumn("{task.description}"),
        BarColumn(bar_width=20),
        DownloadColumn(),
        TextColumn("{task.fields[resources]:,} resources"),
    )
    name = path.name if len(path.name) <= NAME_WIDTH else "…" + path.name[-(NAME_WIDTH - 1) :]
    with Bar(*columns, console=Console(file=stream), transient=True, refresh_per_second=4) as bar:
        task = bar.add_task(name, total=size, resources=0)

        def report(done: int, resources: int) -> None:
            bar.update(task, completed=done, resources=resources)

        yield report


@contextmanager
def observing_status(names: list[str], stream: TextIO, environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """A spinner naming the sources while they observe (live APIs answer in pages, with retries, and can take
    minutes); removed when the body ends. Same rule as the bar: only on a terminal outside CI."""
    if not progress_wanted(stream, os.environ if environ is None else environ):
        yield
        return
    from rich.console import Console

    with Console(file=stream).status(f"Observing through {', '.join(names)} …"):
        yield
