"""Reading JSON files: whole documents, and one large array streamed element by element.

Called by the contract loader, the calendar option and every source that reads a JSON file. Numbers with a
fraction are read as Decimal, never float. Every failure is an `InputError` naming the file and, where it
can, the line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from reconciler.base.errors import InputError, json_type_name


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constants)
_SPACE = re.compile(r"[ \t\n\r]*")
CHUNK_CHARS = 4 << 20
"""Characters read at a time when streaming."""
_LONGEST_TOKEN_TAIL = 6
"""A failure this close to the window's end may be a token cut in two (e.g. a `\\uXXXX` escape)."""


def load_json(path: Path, expected: str = "") -> Any:
    """Parse a whole JSON document, or raise InputError saying why it cannot be read.

    `expected` says what the file should hold (e.g. "`pulumi stack export` output (a JSON object)"); the
    messages for an empty file or one that is not JSON end with it.
    """
    return parse_json(read_text(path), str(path), expected, empty="the file is empty")


def read_text(path: Path) -> str:
    """The whole file as text; InputError (file, reason) if it cannot be read."""
    with open_text(path) as handle:
        try:
            return handle.read()
        except UnicodeDecodeError as exc:
            raise InputError.single(str(path), "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def parse_json(text: str, where: str, expected: str = "", empty: str = "no JSON text") -> Any:
    """Parse JSON text already read (e.g. a command's output) from `where`, as `load_json` does a file."""
    if not text.strip():
        raise InputError.single(where, "", f"{empty}, expected {expected or 'a JSON object'}")
    hint = f"; expected {expected}" if expected else ""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(
            where, "", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"
        ) from exc
    except ValueError as exc:  # NaN, Infinity
        raise InputError.single(where, "", f"{exc}{hint}") from exc


def json_object(data: Any, where: str, expected: str) -> dict[str, Any]:
    """`data` if it is a JSON object, else InputError "expected <expected>, found an array" (or what it is)."""
    if not isinstance(data, dict):
        raise InputError.single(where, "", f"expected {expected}, found {json_type_name(data)}")
    return data


def load_json_object(path: Path, expected: str) -> dict[str, Any]:
    """`load_json` for a file whose top level must be an object; `expected` describes that object."""
    return json_object(load_json(path, expected), str(path), expected)


def open_text(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError.single(str(path), "", "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError.single(str(path), "", "is a directory, expected a JSON file") from exc
    except PermissionError as exc:
        raise InputError.single(str(path), "", "permission denied") from exc
    except OSError as exc:
        raise InputError.single(str(path), "", f"cannot be read: {exc.strerror}") from exc


class ObjectStream:
    """Walk one top-level JSON object member by member, streaming the elements of array members.

    Only a window of the file is held in memory, so files far larger than memory can be read. Usage:
    `for key in stream.members(): ...` then either `stream.value()` for the member's whole value or
    `stream.array_chunks()` for an array member, in parts of whole elements.
    """

    def __init__(self, handle: TextIO, name: str) -> None:
        self._handle = handle
        self._name = name
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._consumed_lines = 0
        self._column_at_base = 0  # column (0-based) of self._buf[0] on its line
        self._base = 0  # offset in the file's text of self._buf[0]
        self._pending_value = False
        self._key = ""
        self._distrusted = False

    def members(self) -> Iterator[str]:
        self._expect("{")
        first = True
        while True:
            char = self._peek()
            if char == "}":
                self._pos += 1
                self._expect_end()
                return
            if not first:
                self._expect(",")
            first = False
            if self._peek() != '"':
                self._fail("expected a member name in double quotes")
            key = self._decode()
            self._expect(":")
            self._pending_value = True
            self._key = key
            yield key
            if self._pending_value:
                self.value()

    def value(self) -> Any:
        """Decode the current member's whole value."""
        self._pending_value = False
        return self._decode()

    def array_chunks(self) -> Iterator[str | list[Any]]:
        """The current member's array in consecutive parts, for speed: mostly JSON texts `[...]` of whole
        elements, cut where an object ends before a comma; otherwise lists of already decoded elements.

        A cut found that way can fall inside a string or a nested object. Such a text is never valid JSON,
        so a caller whose parser rejects a text calls `distrust_last()`: the next part is then that same
        stretch, decoded exactly, element by element.
        """
        self._pending_value = False
        if self._peek() != "[":
            raise InputError.single(self._name, self._key, "expected an array")
        self._pos += 1
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            if not self._eof and len(self._buf) - self._pos < CHUNK_CHARS:
                self._fill()
            start = self._pos
            cut = _last_object_end(self._buf, start)
            stop = self._base + start  # decode exactly at least up to here
            if cut > start:
                self._distrusted = False
                yield "[" + self._buf[start:cut] + "]"
                if not self._distrusted:
                    self._pos = cut
                    self._expect(",")
                    continue
                stop = self._base + cut
            elements, ended = self._exact_until(stop)
            yield elements
            if ended:
                return

    def distrust_last(self) -> None:
        """The last text from `array_chunks` did not parse: re-read its stretch exactly."""
        self._distrusted = True

    def _exact_until(self, stop: int) -> tuple[list[Any], bool]:
        """Decode elements one by one until past file offset `stop`; True when the array has ended."""
        elements = []
        while True:
            elements.append(self._decode())
            char = self._peek()
            self._pos += 1
            if char == "]":
                return elements, True
            if char != ",":
                self._pos -= 1
                self._fail("expected ',' or ']' after an array element")
            if self._base + self._pos > stop:
                return elements, False

    # -- the window ------------------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Slide the window past what was consumed and read more; False at end of file."""
        if self._eof:
            return False
        try:
            more = self._handle.read(CHUNK_CHARS)
        except UnicodeDecodeError as exc:
            raise InputError.single(self._name, "", f"not UTF-8 text ({exc.reason})") from exc
        newlines = self._buf.count("\n", 0, self._pos)
        self._consumed_lines += newlines
        last_newline = self._buf.rfind("\n", 0, self._pos)
        self._column_at_base = self._pos - last_newline - 1 if newlines else self._column_at_base + self._pos
        self._base += self._pos
        self._buf = self._buf[self._pos :] + more
        self._pos = 0
        self._eof = not more
        return bool(more)

    def _peek(self) -> str:
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                self._fail("unexpected end of file (truncated JSON?)")

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            self._fail(f"expected {char!r}")
        self._pos += 1

    def _expect_end(self) -> None:
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                self._fail("extra data after the top-level object")
            if not self._fill():
                return

    def _decode(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                # A value cut by the window's end fails too (an open string fails at its opening quote):
                # read more and retry. Any other failure before the end of the window is a real error.
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self._buf) - _LONGEST_TOKEN_TAIL
                if cut and not self._eof:
                    self._fill()
                    continue
                self._fail(exc.msg, at=exc.pos)
            except ValueError as exc:  # NaN, Infinity
                self._fail(str(exc))
            if not self._eof and len(self._buf) - end < _LONGEST_TOKEN_TAIL and self._buf[self._pos] not in '{["':
                self._fill()  # a bare number may go on in the next chunk (after "6", "6.", "6e+")
                continue
            self._pos = end
            return value

    def _fail(self, reason: str, at: int | None = None) -> Any:
        pos = self._pos if at is None else at
        line = self._consumed_lines + self._buf.count("\n", 0, pos) + 1
        last_newline = self._buf.rfind("\n", 0, pos)
        column = pos - last_newline if last_newline >= 0 else self._column_at_base + pos + 1
        raise InputError.single(self._name, "", f"not valid JSON at line {line} column {column}: {reason}")


def _last_object_end(text: str, start: int) -> int:
    """Offset just past the last `}` in text[start:] that is followed by a comma (and maybe spaces); else -1."""
    comma = text.rfind(",", start)
    while comma > start:
        end = comma - 1
        while end > start and text[end] in " \t\r\n":
            end -= 1
        if text[end] == "}":
            return end + 1
        comma = text.rfind(",", start, end + 1)
    return -1
