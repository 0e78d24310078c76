"""The documented JSON output of a check, written one finding at a time.

Called by the CLI (`check --format json`, `--json FILE`) and `reconciler report --format json`. The bytes are
those of `model_dump_json(indent=2)`, but the evidence of a million resources is never held twice in memory.
"""

from __future__ import annotations

import json
from typing import BinaryIO, Final

from reconciler.core.models import Reconciliation

INDENT_PIECE: Final = 1 << 20
"""Bytes re-indented at a time: a finding with a million ids is never copied whole."""


def write_json(result: Reconciliation, out: BinaryIO) -> None:
    """Write the reconciliation as indented UTF-8 JSON, one finding at a time."""
    head = result.model_dump(mode="json", by_alias=True, exclude={"findings"})
    out.write(b"{")
    for number, name in enumerate(type(result).model_fields):
        key = "schema" if name == "schema_" else name
        out.write(b"," if number else b"")
        out.write(b'\n  "' + key.encode() + b'": ')
        if name == "findings":
            out.write(b"[")
            for index, finding in enumerate(result.findings):
                text = finding.__pydantic_serializer__.to_json(finding, indent=2)
                out.write(b",\n    " if index else b"\n    ")
                _write_indented(out, text, b"    ")
            out.write(b"\n  ]" if result.findings else b"]")
        else:
            # a lone surrogate (from a "\\udc80" escape in the input) is written back as that escape
            text = json.dumps(head[key], indent=2, ensure_ascii=False).encode("utf-8", "backslashreplace")
            out.write(text.replace(b"\n", b"\n  "))
    out.write(b"\n}\n")


def _write_indented(out: BinaryIO, text: bytes, indent: bytes) -> None:
    """Write `text` with `indent` after every newline, a megabyte at a time (cut before a newline)."""
    start = 0
    while start < len(text):
        end = text.find(b"\n", start + INDENT_PIECE)
        end = len(text) if end < 0 else end
        out.write(text[start:end].replace(b"\n", b"\n" + indent))
        start = end
