"""Output files of a check (`--junit`, `--markdown`, `--json`), written atomically next to their target.

Called by the CLI's check. A run killed while writing leaves the previous file (or none), never half of one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reconciler.base.errors import InputError

Writer = Callable[[BinaryIO], object]


def prepare_output(path: Path) -> None:
    """Check that the file can be written, before the check observes or records anything: create its missing
    parent directories and write a temporary file beside it, as `write_output` will, then remove both again (a
    run refused later leaves nothing behind). A wrong path (a directory, a file where a directory should be, a
    read-only or pseudo file system, a name too long, no permission) then fails fast with exit 2 and nothing is
    recorded. Raises InputError."""
    created: list[Path] = []
    try:
        if _special(path):
            return
        target = _real(path)
        if target.is_dir():
            raise InputError.single(str(path), "", "is a directory, expected an output file")
        ancestor = target.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise InputError.single(str(path), "", f"cannot be written: {ancestor} is not a directory")
        missing: list[Path] = []
        directory = target.parent
        while directory != ancestor:
            missing.insert(0, directory)
            directory = directory.parent
        for directory in missing:
            try:
                directory.mkdir()
            except FileExistsError:
                continue  # made meanwhile by another writer: not ours to remove
            created.append(directory)
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=".tmp")
        os.close(descriptor)
        os.unlink(name)
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    finally:
        for directory in reversed(created):
            try:
                directory.rmdir()
            except OSError:
                break  # no longer empty (another writer put something there): leave it


def write_output(path: Path, write: Writer) -> None:
    """Have `write` fill a temporary file in the target's directory, then move it onto the target in one
    step (os.replace). On any failure, an interrupt included, the temporary file is removed and the target
    is left as it was. A target that exists and is not a regular file (/dev/stdout, a pipe) is written
    directly. OS errors become InputError naming the file."""
    try:
        if _special(path):
            with path.open("wb") as out:
                write(out)
            return
        target = _real(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    temporary = Path(name)
    try:
        with open(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _unwritable(path, exc) from exc
        raise


def _prefix(target: Path) -> str:
    """The temporary file's name before its random part: hidden, beside the target, named for it."""
    return f".{target.name}."


def _real(path: Path) -> Path:
    """The file a path names, through symlinks: replacing a symlink would cut it, not update its target."""
    return Path(os.path.realpath(path))


def _special(path: Path) -> bool:
    """An existing file, through symlinks, that is neither a regular file nor a directory."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False  # absent: a regular file will be created
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask (the temporary
    file was created 0600)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _unwritable(path: Path, exc: OSError) -> InputError:
    reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or str(exc)
    return InputError.single(str(path), "", f"cannot be written: {reason}")
