"""Reading JSON files: whole documents, and one large array streamed element by element.

Called by the contract loader, the calendar option and every source that reads a JSON file. Numbers with a
fraction are read as Decimal, never float. Every failure is an `InputError` naming the file and, where it
can, the line and column. Hostile input is refused with its reason, never read without bound: files past their
size limit, devices, arrays and objects nested past the depth limit (`base.limits`), an object holding a member
twice; strings come back printable (`base.text`).
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from decimal import Decimal
from io import BufferedReader, TextIOWrapper
from pathlib import Path
from typing import Any, Final, TextIO

from reconciler.base.errors import InputError, json_type_name
from reconciler.base.limits import MAX_FILE_MB, MAX_JSON_DEPTH, MB, Limit
from reconciler.base.text import Collision, json_text_is_safe, printable, printable_tree


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_SPACE = re.compile(r"[ \t\n\r]*")
CHUNK_CHARS = 4 << 20
"""Characters read at a time when streaming."""
_LONGEST_TOKEN_TAIL = 6
"""A failure this close to the window's end may be a token cut in two (e.g. a `\\uXXXX` escape)."""


def load_json(path: Path, expected: str = "") -> Any:
    """Parse a whole JSON document, or raise InputError saying why it cannot be read.

    `expected` says what the file should hold (e.g. "`pulumi stack export` output (a JSON object)"); the
    messages for an empty file or one that is not JSON end with it. The file may hold at most MAX_FILE_MB.
    """
    return parse_json(read_text(path), str(path), expected, empty="the file is empty")


def read_text(path: Path, limit: Limit = MAX_FILE_MB) -> str:
    """The whole file as text, at most `limit` MB of it; InputError (file, reason) if it cannot be read."""
    with open_text(path, limit) as handle:
        try:
            return handle.read()
        except UnicodeDecodeError as exc:
            raise InputError.single(str(path), "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        except (OSError, _TooLarge) as exc:
            raise read_error(path, exc, bytes_read(handle)) from exc


def parse_json(text: str, where: str, expected: str = "", empty: str = "no JSON text") -> Any:
    """Parse JSON text already read (e.g. a command's output) from `where`, as `load_json` does a file.

    Refused, each with its reason: text nested deeper than MAX_JSON_DEPTH, an object holding a member twice
    (named by its path), NaN and Infinity. Strings come back `printable` (see base.text)."""
    if not text.strip():
        raise InputError.single(where, "", f"{empty}, expected {expected or 'a JSON object'}")
    hint = f"; expected {expected}" if expected else ""
    depth = MAX_JSON_DEPTH.value()
    if _deeper_than(text, 0, len(text), depth):
        raise InputError.single(where, "", _too_deep(depth))
    decoder = _Decoder()
    try:
        value = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(
            where, "", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"
        ) from exc
    except RecursionError as exc:
        raise InputError.single(where, "", _too_deep(depth)) from exc
    except ValueError as exc:  # NaN, Infinity
        raise InputError.single(where, "", f"{exc}{hint}") from exc
    if decoder.duplicated:
        path = duplicate_path(value)
        raise InputError.single(where, path, DUPLICATE)
    if json_text_is_safe(text):
        return value
    try:
        return printable_tree(value)
    except Collision as exc:
        raise InputError.single(where, exc.name, DUPLICATE) from exc


def json_object(data: Any, where: str, expected: str) -> dict[str, Any]:
    """`data` if it is a JSON object, else InputError "expected <expected>, found an array" (or what it is)."""
    if not isinstance(data, dict):
        raise InputError.single(where, "", f"expected {expected}, found {json_type_name(data)}")
    return data


def load_json_object(path: Path, expected: str) -> dict[str, Any]:
    """`load_json` for a file whose top level must be an object; `expected` describes that object."""
    return json_object(load_json(path, expected), str(path), expected)


# -- opening and reading files --------------------------------------------------------------------------------


class _TooLarge(Exception):
    """More was read than the limit allows."""


class _CountingFile(io.FileIO):
    """A file that counts the bytes read and stops past a limit (also for pipes, whose size is not known)."""

    def __init__(self, fd: int, limit: Limit, limit_mb: int) -> None:
        super().__init__(fd, "rb", closefd=True)
        self.count = 0
        self._limit = limit
        self._bytes = limit_mb * MB

    def readinto(self, buffer: Any) -> int | None:
        read = super().readinto(buffer)
        if read:
            self._counted(read)
        return read

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        data = super().read(size) or b""
        self._counted(len(data))
        return data

    def readall(self) -> bytes:
        """Everything up to the end, a megabyte at a time (FileIO's own would read without a bound)."""
        parts = []
        while data := self.read(MB):
            parts.append(data)
        return b"".join(parts)

    def _counted(self, read: int) -> None:
        self.count += read
        if self.count > self._bytes:
            raise _TooLarge(self._limit)


_KINDS: Final = (
    (stat.S_ISDIR, "is a directory, expected a JSON file"),
    (stat.S_ISCHR, "is a character device (such as /dev/zero), not a file; expected a JSON file"),
    (stat.S_ISBLK, "is a block device, not a file; expected a JSON file"),
    (stat.S_ISSOCK, "is a socket, not a file; expected a JSON file"),
)


def open_text(path: Path, limit: Limit = MAX_FILE_MB) -> TextIO:
    """Open a regular file or a pipe (`<(kubectl ...)`, /dev/stdin) for reading UTF-8 text, at most `limit` MB.

    Never blocks on opening (a FIFO without a writer reads as empty); directories and devices are refused
    before anything is read, as is a regular file already larger than the limit. Reading past the limit or a
    read error raises from `read`; `read_error` and `too_large` say it."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError as exc:
        raise InputError.single(name, "", "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError.single(name, "", "is a directory, expected a JSON file") from exc
    except PermissionError as exc:
        raise InputError.single(name, "", "permission denied") from exc
    except OSError as exc:
        raise InputError.single(name, "", f"cannot be read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        for test, reason in _KINDS:
            if test(info.st_mode):
                raise InputError.single(name, "", reason)
        limit_mb = limit.value()
        if stat.S_ISREG(info.st_mode) and info.st_size > limit_mb * MB:
            raise InputError.single(name, "", too_large(limit))
        os.set_blocking(fd, True)
        raw = _CountingFile(fd, limit, limit_mb)
    except BaseException:
        os.close(fd)
        raise
    buffered = BufferedReader(raw, buffer_size=1 << 20)
    return TextIOWrapper(buffered, encoding="utf-8", newline="")


def bytes_read(handle: TextIO) -> int:
    """How many bytes of the file `open_text` opened have been read so far (for a pipe, with what is buffered)."""
    buffer = getattr(handle, "buffer", None)
    try:
        return int(buffer.tell()) if buffer is not None else 0
    except OSError:  # a pipe: no position
        raw = getattr(buffer, "raw", None)
        return raw.count if isinstance(raw, _CountingFile) else 0


def too_large(limit: Limit) -> str:
    return limit.exceeded("larger than")


def read_error(path: Path, exc: BaseException, after: int) -> InputError:
    """The InputError for a failed read: past the limit, or the system's reason (EIO: Input/output error)."""
    if isinstance(exc, _TooLarge):
        return InputError.single(str(path), "", too_large(_limit_of(exc)))
    where = f" after {after:,} bytes" if after else ""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return InputError.single(str(path), "", f"cannot be read{where}: {reason}")


def _limit_of(exc: _TooLarge) -> Limit:
    return exc.args[0] if exc.args and isinstance(exc.args[0], Limit) else MAX_FILE_MB


# -- the parser's guards ----------------------------------------------------------------------------------------

DUPLICATE: Final = "this member appears more than once in its object (JSON readers disagree on which one counts)"


class _Duplicated(dict[str, Any]):
    """An object in which a member name appeared more than once; `name` is the first repeated name."""

    name: str = ""


class _Decoder(json.JSONDecoder):
    """The standard decoder with exact decimals, no NaN or Infinity, and objects checked for repeated names."""

    def __init__(self) -> None:
        super().__init__(parse_float=Decimal, parse_constant=_no_constants, object_pairs_hook=self._object)
        self.duplicated = False

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) == len(pairs):
            return made
        self.duplicated = True
        marked = _Duplicated(made)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                marked.name = key
                break
            seen.add(key)
        return marked


def duplicate_path(value: Any, path: str = "") -> str:
    """The field path of the first member named twice in `value` (e.g. `items[2].metadata.name`), or ""."""
    if isinstance(value, _Duplicated):
        return printable(f"{path}.{value.name}" if path else value.name)
    children: Iterable[tuple[str, Any]] = ()
    if isinstance(value, dict):
        children = ((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
    elif isinstance(value, list):
        children = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    for where, item in children:
        if isinstance(item, dict | list) and (found := duplicate_path(item, where)):
            return found
    return ""


def _too_deep(depth: int) -> str:
    return (
        f"arrays and objects nested more than {depth} levels deep, the limit "
        f"(set {MAX_JSON_DEPTH.env} to raise it, up to {MAX_JSON_DEPTH.high})"
    )


_STRING: Final = re.compile(r'"[^"]*"')
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")
_SQUARE: Final = str.maketrans("{}", "[]")


def _deeper_than(text: str, start: int, end: int, limit: int) -> bool:
    """Whether arrays and objects in text[start:end] may nest more than `limit` deep (an upper bound: a text that
    is not JSON may be judged deeper than it is, but a real nesting is never missed)."""
    if text.count("[", start, end) + text.count("{", start, end) <= limit:
        return False  # the common case: fewer brackets than levels allowed
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text[start:end].replace("\\\\", "").replace('\\"', "")))
    brackets = brackets.translate(_SQUARE)
    levels = 0
    while "[]" in brackets and levels <= limit:
        brackets = brackets.replace("[]", "")
        levels += 1
    return levels + brackets.count("[") > limit


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
        self._decoder = _Decoder()
        self._depth = MAX_JSON_DEPTH.value()
        self._value_chars = MAX_FILE_MB.value() * MB
        self.duplicated = False
        """Set once a decoded value held an object with a member twice (`duplicate_path` finds it)."""

    def members(self) -> Iterator[str]:
        """The top-level member names in order; a name given twice is refused."""
        self._expect("{")
        first = True
        seen: set[str] = set()
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
            if key in seen:
                raise InputError.single(self._name, key, DUPLICATE)
            seen.add(key)
            self._pending_value = True
            self._key = key
            yield key
            if self._pending_value:
                self.value()

    def value(self) -> Any:
        """Decode the current member's whole value; InputError if an object in it holds a member twice."""
        self._pending_value = False
        value = self._decode()
        if self.duplicated:
            raise InputError.single(self._name, f"{self._key}.{duplicate_path(value)}", DUPLICATE)
        return value

    def decode_part(self, text: str) -> list[Any]:
        """A JSON text from `array_chunks` decoded with the same guards as every value (depth, repeated
        members, printable strings); ValueError if it is not JSON after all (call `distrust_last`)."""
        if _deeper_than(text, 0, len(text), self._depth):
            raise ValueError("nested too deeply")
        self._decoder.duplicated = False
        try:
            value = self._decoder.decode(text)
        except RecursionError as exc:
            raise ValueError("nested too deeply") from exc
        if self._decoder.duplicated:
            self.duplicated = True
        if not isinstance(value, list):
            raise ValueError("not an array")
        return value if json_text_is_safe(text) else self._printable(value, 0)

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

    def _fill(self, at_least: int | None = None) -> bool:
        """Slide the window past what was consumed and read more (CHUNK_CHARS, or `at_least`); False at end of
        file."""
        if self._eof:
            return False
        try:
            more = self._handle.read(CHUNK_CHARS if at_least is None else at_least)
        except UnicodeDecodeError as exc:
            raise InputError.single(self._name, "", f"not UTF-8 text ({exc.reason})") from exc
        except (OSError, _TooLarge) as exc:
            raise read_error(Path(self._name), exc, bytes_read(self._handle)) from exc
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
            start = self._pos
            try:
                value, end = self._decoder.raw_decode(self._buf, start)
            except json.JSONDecodeError as exc:
                # A value cut by the window's end fails too (an open string fails at its opening quote):
                # read more and retry. Any other failure before the end of the window is a real error.
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self._buf) - _LONGEST_TOKEN_TAIL
                if cut and not self._eof:
                    self._grow()
                    continue
                self._fail(exc.msg, at=exc.pos)
            except RecursionError:
                self._refuse(_too_deep(self._depth))
            except ValueError as exc:  # NaN, Infinity
                self._fail(str(exc))
            if not self._eof and len(self._buf) - end < _LONGEST_TOKEN_TAIL and self._buf[start] not in '{["':
                self._grow()  # a bare number may go on in the next chunk (after "6", "6.", "6e+")
                continue
            break
        if self._buf[start] in "[{":
            if _deeper_than(self._buf, start, end, self._depth):
                self._refuse(_too_deep(self._depth))
            if self._decoder.duplicated:
                self._decoder.duplicated = False
                self.duplicated = True
        elif self._buf[start] != '"':
            self._pos = end
            return value
        text_safe = json_text_is_safe(self._buf[start:end])
        self._pos = end
        return value if text_safe else self._printable(value, start)

    def _grow(self) -> None:
        """Read more of a value cut by the window's end, doubling the window; refuse a value past the limit."""
        if len(self._buf) - self._pos > self._value_chars:
            self._refuse(f"one value {MAX_FILE_MB.exceeded('is larger than')}")
        self._fill(max(CHUNK_CHARS, len(self._buf) - self._pos))

    def _printable(self, value: Any, at: int) -> Any:
        try:
            return printable_tree(value)
        except Collision as exc:
            self._pos = at
            self._refuse(f"the member {exc.name!r} appears more than once in one object")

    def _refuse(self, reason: str) -> Any:
        line, column = self._position(self._pos)
        raise InputError.single(self._name, "", f"at line {line} column {column}: {reason}")

    def _position(self, pos: int) -> tuple[int, int]:
        line = self._consumed_lines + self._buf.count("\n", 0, pos) + 1
        last_newline = self._buf.rfind("\n", 0, pos)
        column = pos - last_newline if last_newline >= 0 else self._column_at_base + pos + 1
        return line, column

    def _fail(self, reason: str, at: int | None = None) -> Any:
        line, column = self._position(self._pos if at is None else at)
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
