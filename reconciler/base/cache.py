"""A private cache of values derived from an input's text by this version of the code (the validated contract).

Called by `contract.load` and `app.pipeline` so that a check does not validate the same contract again on every
run. A value is stored under the SHA-256 of its kind, the input's text and a fingerprint of the installed code
(every module's name, size and modification time), so editing either rebuilds it. Values are pickled into
`$RECONCILER_CACHE/derived` (default ~/.cache/contract-reconciler/derived), a directory only its owner may
write: a file or directory that another user owns or may write is never read. `RECONCILER_DERIVED_CACHE=off`
turns the cache off. A cache that cannot be read or written (missing, damaged, full, read-only) is passed by:
the value is built as if there were none, so the cache changes how fast an answer comes, never the answer.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Final, TypeVar

T = TypeVar("T")

SWITCH: Final = "RECONCILER_DERIVED_CACHE"
"""Set to `off` to build every value afresh."""
KEEP: Final = 64
"""Values kept per kind: the oldest beyond this are removed when one is stored."""
_PACKAGE: Final = Path(__file__).resolve().parent.parent


def cache_dir() -> Path | None:
    """Where values are kept, or None when the cache is turned off."""
    if os.environ.get(SWITCH, "").strip().lower() == "off":
        return None
    root = os.environ.get("RECONCILER_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "contract-reconciler")
    return Path(root) / "derived"


@cache
def code_fingerprint() -> str:
    """A digest of the installed code: any module added, removed or edited changes it."""
    digest = hashlib.sha256(f"{sys.version}\n{pickle.HIGHEST_PROTOCOL}\n".encode())
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".j2")):
                info = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cached(kind: str, text: str, build: Callable[[], T], expected: type) -> T:
    """The value `build()` makes from `text`: read from the cache when this code made it before from the same
    text, else built and stored. `expected` is the value's type: anything else read back is built afresh."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = hashlib.sha256(f"{kind}\0{code_fingerprint()}\0".encode() + text.encode("utf-8", "surrogatepass"))
    path = folder / kind / f"{key.hexdigest()}.pickle"
    found = _read(path)
    if isinstance(found, expected):
        value: T = found  # type: ignore[assignment]  # checked against `expected` above
        return value
    value = build()
    _write(path, value)
    return value


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            if not (_private(os.fstat(handle.fileno())) and _private(path.parent.stat())):
                return None
            return pickle.load(handle)
    except Exception:
        return None


def _write(path: Path, value: object) -> None:
    """Store atomically (a reader sees the whole value or none); silently skipped when it cannot be done."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(path.parent.stat()):
            return
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        _prune(path.parent)
    except Exception:
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
