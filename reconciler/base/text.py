"""Text from outside made safe to print: lone surrogates, control and bidirectional-formatting characters escaped.

Called where text enters the product (`jsonio` for every JSON document and snapshot value, the sources for what
their clients decode, `errors` for file names and fields), so every output (console, Markdown, HTML, PDF, JSON,
JUnit, the history and what is read back from it) receives only printable text and no renderer has to care.
"""

from __future__ import annotations

import re
from typing import Any, Final

UNSAFE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)
"""Characters escaped: C0 and C1 controls (and DEL), lone surrogates (which no UTF encoding can write), line and
paragraph separators, the bidirectional marks and overrides that make text display in another order, the BOM and
the two non-characters XML forbids."""

_UNSAFE_IN_JSON: Final = re.compile(
    r"\\[bfnrt]|\\u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|061[cC]|200[eEfF]|202[89a-eA-E]|206[6-9]|[fF][eE][fF][fF]"
    r"|[fF][fF][fF][eEfF]|[dD][89a-fA-F][0-9a-fA-F]{2})"
    "|[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)
"""What in a JSON text can decode to an unsafe character: a short escape (`\\n`), its `\\u` escape, or the
character written as is (raw C0 controls are not valid in JSON strings, so the parser refuses them). An escaped
backslash before `n` matches too: harmless, the decoded strings are then checked one by one."""


def printable(text: str) -> str:
    """`text` with every unsafe character written as its Python escape (`\\x1b`, `\\ud800`, `\\u202e`).

    Display only: the escape is not reversible (a text already holding `\\x1b` looks the same).
    """
    if text.isascii() and text.isprintable():
        return text
    return UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_text_is_safe(text: str) -> bool:
    """True when decoding this JSON text cannot produce an unsafe character (a fast test: most texts pass)."""
    if text.isascii() and "\\" not in text:
        return True
    return _UNSAFE_IN_JSON.search(text) is None


class Collision(ValueError):
    """Two member names of one object became the same name once escaped."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def printable_tree(value: Any) -> Any:
    """A decoded JSON value with `printable` applied to every string, member names included. Raises Collision
    when two names of one object escape to the same text (read as a duplicate member)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable_tree(item) for item in value]
    if isinstance(value, dict):
        result = {printable(key): printable_tree(item) for key, item in value.items()}
        if len(result) != len(value):
            seen: set[str] = set()
            for key in value:
                if printable(key) in seen:
                    raise Collision(printable(key))
                seen.add(printable(key))
        return result
    return value
