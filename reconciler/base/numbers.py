"""Numbers read from input, strictly: a decimal written as text holds ASCII digits, a point and a fraction only.

Python's `Decimal()` and `int()` accept far more than a schema's `^\\d+(\\.\\d+)?$` means: digits of other scripts
("５００", "٣"), underscores ("5_00"), spaces, a sign, an exponent. Every reader of a number that may come as a
string (the contract, the snapshot, the sources' mappings and tables, settings) goes through here. Pure.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

DECIMAL_TEXT: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
"""The published schemas' decimal string, `^\\d+(\\.\\d+)?$` with ASCII digits (as JSON Schema means `\\d`)."""
SIGNED_DECIMAL_TEXT: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

DECIMAL_HINT: Final = 'a number, or a decimal string of ASCII digits such as "500" or "2.6"'


def decimal_text(text: str, signed: bool = False) -> Decimal | None:
    """The exact value of a decimal string such as "500" or "2.6" (or "-1" when `signed`); None for any other
    text, however Python's `Decimal` would read it."""
    pattern = SIGNED_DECIMAL_TEXT if signed else DECIMAL_TEXT
    return Decimal(text) if pattern.fullmatch(text) else None


def exact_number(value: object, signed: bool = True) -> Decimal | None:
    """A decoded JSON value as an exact number: an int (not a bool), a Decimal (JSON fractions are read as
    Decimal), a float (as its shortest repr; clients' JSON decoders give floats) or a decimal string
    (`decimal_text`). None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return decimal_text(value, signed)
    return None


def strict_number(value: object) -> object:
    """A validator run before a model reads a number: a string must be a decimal of ASCII digits (a sign allowed),
    a bool is not a number. Anything else is left to the model's own type (pydantic's `BeforeValidator`)."""
    if isinstance(value, bool) or (isinstance(value, str) and not SIGNED_DECIMAL_TEXT.fullmatch(value)):
        raise ValueError(f"expected {DECIMAL_HINT}")
    return value
