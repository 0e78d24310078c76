"""The streaming JSON reader (`reconciler.base.jsonio.ObjectStream`) reads exactly what `json.loads` reads.

Covered, with hypothesis-generated documents (a top-level object of scalar members and one array
member; unicode, escapes, nested values, numbers with fractions and exponents, random whitespace):

- walking the object with `members()`, `value()` and, for the array member, the `array_chunks()` /
  `distrust_last()` protocol the snapshot reader uses (some members skipped) reproduces
  `json.loads(text, parse_float=Decimal)`, with the default window and with `CHUNK_CHARS`
  monkeypatched to 1-64 characters; so does `load_json`;
- long strings, and numbers cut by a window boundary, are read whole;
- errors carry the line and column `json.JSONDecodeError` gives, for a list of broken documents, for
  documents damaged at random, and on long lines read in many windows;
- trailing data after the object is an error, trailing whitespace is not; top-level values other than an
  object, empty and blank documents, truncated documents and a non-array `array_chunks()` are errors.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reconciler.base import jsonio
from reconciler.base.errors import InputError
from reconciler.base.jsonio import ObjectStream, load_json, load_json_object, parse_json
from reconciler.base.text import json_text_is_safe, printable, printable_tree

ARRAY_KEY = "items"
NAME = "doc.json"
POSITION = re.compile(r"line (\d+) column (\d+)")
DEFAULT = jsonio.CHUNK_CHARS
TINY = st.integers(1, 64)
"""Window sizes that cut almost every token."""

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- generated documents -------------------------------------------------------------------------------

SPACE = st.sampled_from(["", "", " ", "  ", "\n", "\n  ", "\t", "\r\n", " \n\t "])


@st.composite
def numbers(draw: st.DrawFn, integers_only: bool = False) -> str:
    """JSON number text: sign, integer part, optional fraction and exponent."""
    sign = draw(st.sampled_from(["", "-"]))
    integer = draw(st.just("0") | st.integers(1, 10**25).map(str))
    if integers_only:
        return f"{sign}{integer}"
    fraction = draw(st.just("") | st.text("0123456789", min_size=1, max_size=15).map(lambda d: f".{d}"))
    exponent = draw(
        st.just("")
        | st.tuples(st.sampled_from("eE"), st.sampled_from(["", "+", "-"]), st.integers(0, 400)).map(
            lambda parts: f"{parts[0]}{parts[1]}{parts[2]}"
        )
    )
    return f"{sign}{integer}{fraction}{exponent}"


def escape_all(text: str) -> str:
    """Every character as a \\uXXXX escape (astral characters as surrogate pairs)."""
    units = text.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2))


@st.composite
def strings(draw: st.DrawFn, max_size: int = 24) -> str:
    """JSON string text: raw unicode, ASCII with escapes, or every character escaped; sometimes `\\/`."""
    text = draw(st.text(max_size=max_size))
    style = draw(st.sampled_from(["raw", "ascii", "escaped"]))
    if style == "escaped":
        return f'"{escape_all(text)}"'
    encoded = json.dumps(text, ensure_ascii=style == "ascii")
    return encoded.replace("/", "\\/") if draw(st.booleans()) else encoded


LITERALS = st.sampled_from(["true", "false", "null"])
SCALARS = numbers() | strings() | LITERALS


@st.composite
def arrays(draw: st.DrawFn, elements: st.SearchStrategy[str]) -> str:
    items = draw(st.lists(elements, max_size=4))
    if not items:
        return "[" + draw(SPACE) + "]"
    return "[" + ",".join(draw(SPACE) + item + draw(SPACE) for item in items) + "]"


@st.composite
def objects(draw: st.DrawFn, values: st.SearchStrategy[str], keys: st.SearchStrategy[str] | None = None) -> str:
    """A JSON object text; its member names are distinct (also once made printable: a repeated name is refused)."""
    pairs = draw(
        st.lists(
            st.tuples(strings(max_size=8) if keys is None else keys, values),
            max_size=4,
            unique_by=lambda pair: printable(json.loads(pair[0])),
        )
    )
    if not pairs:
        return "{" + draw(SPACE) + "}"
    return "{" + ",".join(f"{draw(SPACE)}{k}{draw(SPACE)}:{draw(SPACE)}{v}{draw(SPACE)}" for k, v in pairs) + "}"


VALUES = st.recursive(SCALARS, lambda inner: arrays(inner) | objects(inner), max_leaves=12)
CONTAINERS = arrays(VALUES) | objects(VALUES)


@st.composite
def documents(draw: st.DrawFn, bare_fractions: bool = True) -> tuple[str, list[str]]:
    """A top-level object: scalar and nested members and one array member `items`, in any order.

    Returns the text and the member names in order. Member names are unique, so that reading some
    members and skipping others is comparable with `json.loads`. Without `bare_fractions`, numbers with a
    fraction or exponent appear only nested, never as a member's value or an element of `items`.
    """
    bare = numbers(integers_only=not bare_fractions) | strings() | LITERALS | CONTAINERS
    keys = draw(
        st.lists(st.text(max_size=10).filter(lambda k: k != ARRAY_KEY), unique_by=printable, max_size=6),
    )
    values = [draw(bare) for _ in keys]
    members = [(json.dumps(k, ensure_ascii=draw(st.booleans())), v) for k, v in zip(keys, values, strict=True)]
    names = [printable(key) for key in keys]  # as the reader gives them
    at = draw(st.integers(0, len(members)))
    members.insert(at, (f'"{ARRAY_KEY}"', draw(arrays(bare | objects(VALUES)))))
    names.insert(at, ARRAY_KEY)
    body = ",".join(f"{draw(SPACE)}{k}{draw(SPACE)}:{draw(SPACE)}{v}{draw(SPACE)}" for k, v in members)
    return draw(SPACE) + "{" + body + "}" + draw(SPACE), names


# -- reading -------------------------------------------------------------------------------------------


@contextmanager
def window(chunk: int) -> Iterator[None]:
    """Read `chunk` characters at a time."""
    with mock.patch.object(jsonio, "CHUNK_CHARS", chunk):
        yield


def expected(text: str) -> Any:
    """What the reader gives: `json.loads` with exact fractions, every string made printable."""
    return printable_tree(json.loads(text, parse_float=Decimal))


def read_array(stream: ObjectStream) -> list[Any]:
    """The current member's array through `array_chunks`, calling `distrust_last()` after any text that is
    not JSON, as the snapshot reader does."""
    elements: list[Any] = []
    for part in stream.array_chunks():
        if isinstance(part, str):
            try:  # as the snapshot reader: a text that may decode to unprintable strings is read exactly
                if not json_text_is_safe(part):
                    raise json.JSONDecodeError("unsafe", part, 0)
                elements.extend(expected(part))
            except json.JSONDecodeError:
                stream.distrust_last()
        else:
            elements.extend(part)
    return elements


def walk(
    text: str, skip: frozenset[str] = frozenset(), whole_array: bool = False, array_key: str = ARRAY_KEY
) -> dict[str, Any]:
    """Read a document with ObjectStream: the array member in parts (or whole), `skip`ped members not at all."""
    stream = ObjectStream(io.StringIO(text), NAME)
    result: dict[str, Any] = {}
    for key in stream.members():
        if key in skip:
            continue
        result[key] = read_array(stream) if key == array_key and not whole_array else stream.value()
    return result


def same(got: Any, want: Any) -> None:
    """Equal, and of the same types (Decimal('1.0') and Decimal('1.00') differ in repr, so they differ here)."""
    assert got == want
    assert repr(got) == repr(want)


def stream_error(text: str) -> str:
    """The message of the InputError the stream raises for `text`."""
    with pytest.raises(InputError) as raised:
        walk(text)
    return str(raised.value)


def error_position(text: str, message: str | None = None) -> tuple[int, int]:
    """Line and column of the InputError the stream raises for `text`."""
    message = stream_error(text) if message is None else message
    assert message.startswith(f"{NAME}: not valid JSON"), message
    found = POSITION.search(message)
    assert found, message
    return int(found[1]), int(found[2])


def json_position(text: str) -> tuple[int, int]:
    with pytest.raises(json.JSONDecodeError) as raised:
        json.loads(text)
    return raised.value.lineno, raised.value.colno


# -- valid documents -----------------------------------------------------------------------------------


@FUZZ
@given(document=documents(), data=st.data())
def test_matches_json_loads_with_default_window(document: tuple[str, list[str]], data: st.DataObject) -> None:
    text, names = document
    skip = frozenset(data.draw(st.sets(st.sampled_from(names)), label="skip"))
    want = {k: v for k, v in expected(text).items() if k not in skip}
    same(walk(text, skip), want)
    same(walk(text, whole_array=True), expected(text))


# Bare numbers with a fraction or exponent, cut by the window right after their "." or "e", are misread
# (test_bare_number_cut_after_its_point_or_exponent); here they come only nested.
@FUZZ
@given(document=documents(bare_fractions=False), chunk=TINY)
def test_matches_json_loads_with_tiny_windows(document: tuple[str, list[str]], chunk: int) -> None:
    text, _ = document
    with window(chunk):
        same(walk(text), expected(text))
        same(walk(text, whole_array=True), expected(text))


@settings(FUZZ, phases=[Phase.explicit, Phase.generate], derandomize=True)
@given(document=documents(), chunk=TINY)
def test_matches_json_loads_with_tiny_windows_and_bare_fractions(document: tuple[str, list[str]], chunk: int) -> None:
    text, _ = document
    with window(chunk):
        same(walk(text), expected(text))


@FUZZ
@given(document=documents())
def test_load_json_matches_json_loads(
    tmp_path_factory: pytest.TempPathFactory, document: tuple[str, list[str]]
) -> None:
    text, _ = document
    path = tmp_path_factory.mktemp("load") / "doc.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        want = expected(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:  # a lone surrogate written raw
        with pytest.raises(InputError, match="not UTF-8"):
            load_json(path)
        return
    same(load_json(path), want)


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "abcdefghijklmnopqrstuvwxyz"}',
        '{"items": ["abcdefghijklmnopqrstuvwxyz", "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\ud83d\\ude00"]}',
        '{"items": [{"id": "abcdefghijklmnopqrstuvwxyz"}, {"id": "x"}]}',
        '{"a-rather-long-member-name": 1}',
    ],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 8])
def test_strings_longer_than_the_window(text: str, chunk: int) -> None:
    with window(chunk):
        same(walk(text), expected(text))


def test_array_chunks_of_a_value_that_is_not_an_array() -> None:
    with pytest.raises(InputError, match="items: expected an array"):
        walk('{"items": 5}')


# -- numbers cut by the window -------------------------------------------------------------------------

FRACTIONS = ["-98765.4321", "6.02214076e23", "1E+400", "0.000000000001", "-0.5E-7", "7e-3"]


def bare(number: str) -> list[str]:
    """Documents with `number` as a member's value and as an element of the array member."""
    return [
        f'{{"n": {number}}}',
        f'{{"n":{number},"m":1}}',
        f'{{"items": [{number}, 2]}}',
        f'{{"items": [1, {number}]}}',
    ]


def nested(number: str) -> list[str]:
    """Documents with `number` inside an object or array value."""
    return [f'{{"n": {{"m": {number}}}}}', f'{{"items": [[{number}, 1]]}}', f'{{"items": [{{"m": {number}}}]}}']


@pytest.mark.parametrize("number", ["123456789", "-987654321", "100000000000000000000000000"])
@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5, 7])
def test_integer_cut_by_the_window_is_read_whole(number: str, chunk: int) -> None:
    for text in bare(number) + nested(number):
        with window(chunk):
            same(walk(text), expected(text))


@pytest.mark.parametrize("number", FRACTIONS)
@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5, 7, DEFAULT])
def test_nested_fraction_cut_by_the_window_is_read_whole(number: str, chunk: int) -> None:
    for text in nested(number):
        with window(chunk):
            same(walk(text), expected(text))


@pytest.mark.parametrize("number", FRACTIONS)
def test_bare_fraction_in_one_window(number: str) -> None:
    for text in bare(number):
        same(walk(text), expected(text))


@pytest.mark.parametrize("text", [text for number in FRACTIONS for text in bare(number)])
def test_bare_number_cut_after_its_point_or_exponent(text: str) -> None:
    with window(1):  # a window of one character cuts after every character
        same(walk(text), expected(text))


# -- broken documents ----------------------------------------------------------------------------------

BROKEN = [
    '{"a": 1,}',
    '{,"a": 1}',
    '{"a" 1}',
    '{"a": 1 "b": 2}',
    "{1: 2}",
    "  \n ",
    '{"items": [1, 2,, 3]}',
    '{"items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,, 13]}',
    '{\n  "source": "x",\n  "items": [\n    {"id": "a", "v": 1},\n    {"id": "b", "v": 2,},\n    {"id": "c"}\n  ]\n}\n',
    '{\n  "source": "x",\n  "items": [\n    {"id": "a", "v": 1},\n    {"id": "b", "v": 2}\n    {"id": "c"}\n  ]\n}\n',
    '{\n  "source": "x"\n}\n\n  x',
    '{\n  "source": "x",\n  "items": [1, 2\n}\n',
    '{\n  "source": "x",\n  "a": {"id": "a", "v": 1,}\n}\n',
    '{\n  "source": "x",\n  "a": tru\n}\n',
    '{\n  "source": "x",\n  "items": [1, 2, tru]\n}\n',
    '{\n  "source": "x",\n  "items": [1, 2',
    '{\n  "source": "x",\n  "a": "unterminated\n}',
]
"""Broken documents: errors in member names, member values, array elements, after the object, at the end."""


@pytest.mark.parametrize("text", BROKEN)
@pytest.mark.parametrize("chunk", [1, 3, 16, DEFAULT])
def test_error_position_matches_json(text: str, chunk: int) -> None:
    with window(chunk):
        assert error_position(text) == json_position(text)


@pytest.mark.parametrize("text", ['{"a": 1, "b": 2, "c": 3, "d": [4, 5, 6]} x', '{"a": 1, "b": 2, "c": 3 "d": 4}'])
@pytest.mark.parametrize("chunk", [1, 3, 4, 7])
def test_error_column_after_the_window_slid(text: str, chunk: int) -> None:
    """A long line read in many windows: the column still counts from the start of the line."""
    with window(chunk):
        assert error_position(text) == json_position(text)


@pytest.mark.parametrize("text", ['{["items": []}', '{"a": 1, {"b" 2}: 3}', "{[1, 2}", "{1: 2}", "{null: 1}"])
@pytest.mark.parametrize("chunk", [1, DEFAULT])
def test_member_name_that_is_not_a_string(text: str, chunk: int) -> None:
    with window(chunk):
        assert error_position(text) == json_position(text)


@FUZZ
@given(document=documents(bare_fractions=False), data=st.data(), chunk=TINY | st.just(DEFAULT))
def test_error_position_of_damaged_documents(document: tuple[str, list[str]], data: st.DataObject, chunk: int) -> None:
    """Cut a document short, or put a stray character into it: the error is where json says it is."""
    text, _ = document
    # After the opening brace: before it, json and the stream rightly differ (json takes any value).
    at = data.draw(st.integers(text.index("{") + 1, len(text.rstrip()) - 1), label="at")
    damage = data.draw(st.sampled_from(["", ",", ":", "]", "}", "[", "{", '"', "x", "1", "\\"]), label="damage")
    broken = text[:at] + damage + (text[at:] if damage else "")
    try:
        json.loads(broken)
    except json.JSONDecodeError:
        pass
    else:
        return  # the stray character happened to leave valid JSON (inside a string, say)
    with window(chunk):
        message = stream_error(broken)
    if message == f"{NAME}: {ARRAY_KEY}: expected an array":
        return  # damage where the array should start: named by its field rather than by a position
    if "appears more than once" in message:
        return  # the damage repeated a member name: refused there, before the syntax error json finds later
    assert error_position(broken, message) == json_position(broken)


@pytest.mark.parametrize("text", ["[]", "[{}]", "1", '"text"', "null", "true"])
@pytest.mark.parametrize("chunk", [1, DEFAULT])
def test_top_level_not_an_object_is_an_error(text: str, chunk: int) -> None:
    with window(chunk), pytest.raises(InputError, match="not valid JSON at line 1 column 1"):
        walk(text)


@pytest.mark.parametrize("garbage", [" x", "{}", ",", "\n\n]", ' {"a": [2]}', " null", "\n\n  }"])
@pytest.mark.parametrize("chunk", [3, 4, DEFAULT])
def test_trailing_data_is_an_error(garbage: str, chunk: int) -> None:
    document = '{"a": [1], "b": 2}'
    with window(chunk):
        same(walk(document, array_key="a"), expected(document))
        with pytest.raises(InputError, match="not valid JSON"):
            walk(document + garbage, array_key="a")


@pytest.mark.parametrize("garbage", [" x", "{}", "\n\n]", "\n\n  }"])
def test_trailing_data_position_matches_json(garbage: str) -> None:
    text = '{"a": [1], "b": 2}' + garbage
    assert error_position(text) == json_position(text)


@pytest.mark.parametrize("text", ['{"a": [1]}   ', '{"a": [1]}\n\n\t\r\n', '  \n {"a": []}  \n'])
@pytest.mark.parametrize("chunk", [3, 4, DEFAULT])
def test_trailing_whitespace_is_fine(text: str, chunk: int) -> None:
    with window(chunk):
        same(walk(text, array_key="a"), expected(text))


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\r\n "])
@pytest.mark.parametrize("chunk", [1, DEFAULT])
def test_empty_or_blank_document_is_an_error(text: str, chunk: int) -> None:
    with window(chunk), pytest.raises(InputError, match="not valid JSON"):
        walk(text)


@pytest.mark.parametrize("text", ["", " ", "\n\n"])
def test_load_json_empty_or_blank_file_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "blank.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_json(path)


@pytest.mark.parametrize("text", ['{"a": 1', '{"a": [1, {"b": ', '{"a": "x', '{"items": [1, 2', "{"])
@pytest.mark.parametrize("chunk", [1, 4, DEFAULT])
def test_truncated_document_is_an_error(text: str, chunk: int) -> None:
    with window(chunk), pytest.raises(InputError, match="not valid JSON"):
        walk(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty, expected a tables object"),
        (
            "{oops",
            "not valid JSON at line 1 column 2: Expecting property name enclosed in double quotes; "
            "expected a tables object",
        ),
        ('{"a": NaN}', "NaN is not valid JSON; expected a tables object"),
        ("[1]", "expected a tables object, found an array"),
    ],
)
def test_load_json_object_names_the_file_the_reason_and_what_was_expected(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "tables.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_json_object(path, "a tables object")
    assert raised.value.file == str(path)
    assert [(p.field, p.reason) for p in raised.value.problems] == [("", reason)]


def test_parse_json_reads_text_already_read_as_load_json_reads_a_file() -> None:
    assert parse_json('{"price": 1.10}', "<command output>") == {"price": Decimal("1.10")}
    with pytest.raises(InputError) as raised:
        parse_json("  ", "<command output>", "export output", empty="no output")
    assert raised.value.file == "<command output>"
    assert raised.value.problems[0].reason == "no output, expected export output"


# -- limits and read errors ----------------------------------------------------------------------------------


def test_depth_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 150 + "]" * 150 + "}", encoding="utf-8")
    with pytest.raises(InputError, match="nested more than 128 levels deep, the limit"):
        load_json(path)
    monkeypatch.setenv("RECONCILER_MAX_JSON_DEPTH", "200")
    assert load_json(path)["a"] == json.loads("[" * 150 + "]" * 150)
    stream = ObjectStream(io.StringIO(path.read_text(encoding="utf-8")), NAME)
    assert list(stream.members()) == ["a"]


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '{"a": "' + "[" * 500 + '\\"' + "{" * 500 + '", "b": [["x"]]}'
    assert parse_json(text, NAME) == {"a": "[" * 500 + '"' + "{" * 500, "b": [["x"]]}


def test_one_streamed_value_past_the_file_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_MAX_FILE_MB", "1")
    text = '{"items": [{"id": "' + "x" * (3 << 20) + '"}]}'
    with window(64 << 10), pytest.raises(InputError, match="one value is larger than the limit of 1 MB"):
        walk(text)


def test_a_read_error_is_named_with_where_it_happened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = tmp_path / "big.json"
    path.write_text('{"items": [' + ",".join(['{"id": "x"}'] * 500_000) + "]}", encoding="utf-8")
    real = jsonio._CountingFile._counted

    def failing(self: Any, read: int) -> None:  # the disk fails after the first read
        if self.count:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(self, read)

    def stream_all() -> None:
        with jsonio.open_text(path) as handle:
            stream = ObjectStream(handle, str(path))
            for _key in stream.members():
                for _ in stream.array_chunks():
                    pass

    monkeypatch.setattr(jsonio._CountingFile, "_counted", failing)
    with pytest.raises(InputError, match=r"cannot be read after [\d,]+ bytes: Input/output error"):
        stream_all()
    with pytest.raises(InputError, match=r"cannot be read after [\d,]+ bytes: Input/output error"):
        load_json(path)


def test_permission_denied_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def refused(*args: Any, **kwargs: Any) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(jsonio.os, "open", refused)
    with pytest.raises(InputError, match=r"^x.json: permission denied$"):
        load_json(Path("x.json"))


def test_a_member_repeated_deep_inside_is_named_by_its_path() -> None:
    with pytest.raises(InputError, match=r"items\[1\]\.metadata\.name: this member appears more than once"):
        parse_json('{"items": [{}, {"metadata": {"name": "a", "name": "b"}}]}', NAME)
    with pytest.raises(InputError, match="items: this member appears more than once"):
        walk('{"items": [], "items": []}')


def test_member_names_that_become_equal_once_printable_are_repeated() -> None:
    with pytest.raises(InputError, match="appears more than once"):
        parse_json('{"a\\u0000": 1, "a\\\\x00": 2}', NAME)
