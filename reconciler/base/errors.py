"""Errors grouped by what the caller must do, shared by every module.

`InputError` means bad input: the CLI prints it (file, field, reason) and exits 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.base.text import printable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (field path) and why."""

    field: str
    reason: str

    def render(self, file: str) -> str:
        """`file: field: reason`, every part printable (a file name or a member name from the input may hold
        control characters or undecodable bytes)."""
        where = f"{file}: {self.field}" if self.field else file
        return printable(f"{where}: {self.reason}")


@dataclass
class InputError(Exception):
    """An input file is missing, unreadable, not JSON, or not of its schema. Exit code 2."""

    file: str
    problems: Sequence[Problem] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        if not self.problems:
            return printable(f"{self.file}: invalid input")
        return "\n".join(p.render(self.file) for p in self.problems)

    @classmethod
    def single(cls, file: str, field_path: str, reason: str) -> InputError:
        return cls(file, (Problem(field_path, reason),))


def problems_from_validation(errors: Sequence[Mapping[str, Any]], raw: object) -> list[Problem]:
    """Turn pydantic error dicts into problems whose field paths read like `line_items[2].unit_price`.

    Where a list element carries an `id`, the path names it too: `line_items[2](compute.vcpu).unit_price`.
    """
    problems = []
    for error in errors:
        loc = error.get("loc", ())
        path = _field_path(loc if isinstance(loc, tuple) else (), raw)
        reason = str(error.get("msg", "invalid"))
        if error.get("type") == "missing":
            reason = "required field is missing"
        elif error.get("type") == "extra_forbidden":
            reason = "unknown field (not part of the format)"
        elif "input" in error and error.get("type") != "missing":
            reason = f"{reason} (got {_show(error['input'])})"
        problems.append(Problem(path, reason))
    return problems


def _field_path(loc: tuple[object, ...], raw: object) -> str:
    parts: list[str] = []
    node: object = raw
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                parts.append(f"({node['id']})")
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def json_type_name(value: object) -> str:
    """How a decoded JSON value is named in error messages: "an object", "an array", "a string", ..."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
