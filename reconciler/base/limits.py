"""Limits on what one input may hold, each with the environment variable that changes it.

Read by `jsonio` (every JSON file the product reads, the streamed snapshot included). A limit protects time and
memory against a broken or hostile file: past it the read stops at once with an InputError that names the limit
and its variable. Documented in docs/formats.md ("Limits on input").
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from reconciler.base.errors import InputError

MB: Final = 1 << 20
_WHOLE_NUMBER: Final = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Limit:
    """One limit: its variable, default, the range a setting may take and what it bounds."""

    env: str
    default: int
    unit: str
    low: int
    high: int
    bounds: str

    def value(self, environ: Mapping[str, str] | None = None) -> int:
        """The limit in force: the variable's value if set (a whole number within low..high), else the default.
        A malformed setting is an InputError naming the variable."""
        text = (os.environ if environ is None else environ).get(self.env, "").strip()
        if not text:
            return self.default
        number = int(text) if _WHOLE_NUMBER.fullmatch(text) else None
        if number is None or not self.low <= number <= self.high:
            raise InputError.single(
                f"<environment {self.env}>",
                "",
                f"expected a whole number of {self.unit} from {self.low} to {self.high} (ASCII digits); got {text!r}",
            )
        return number

    def exceeded(self, what: str, environ: Mapping[str, str] | None = None) -> str:
        """The reason for a file past this limit: "<what> is larger than the limit of 256 MB (set
        RECONCILER_MAX_FILE_MB to raise it)"."""
        return f"{what} the limit of {self.value(environ)} {self.unit} (set {self.env} to raise it)"


MAX_FILE_MB: Final = Limit(
    "RECONCILER_MAX_FILE_MB",
    256,
    "MB",
    1,
    65_536,
    "a JSON file read whole (contract, native exports, tables, calendars, command output) and one value "
    "(a resource or header member) of a streamed snapshot",
)
MAX_SNAPSHOT_MB: Final = Limit(
    "RECONCILER_MAX_SNAPSHOT_MB",
    16_384,
    "MB",
    1,
    16_777_216,
    "a snapshot file, read in a stream (its memory stays small whatever its size; the limit bounds the time)",
)
MAX_JSON_DEPTH: Final = Limit(
    "RECONCILER_MAX_JSON_DEPTH",
    128,
    "levels",
    2,
    400,
    "how deeply arrays and objects may nest in any JSON input (the parser recurses once per level)",
)
LIMITS: Final = (MAX_FILE_MB, MAX_SNAPSHOT_MB, MAX_JSON_DEPTH)
