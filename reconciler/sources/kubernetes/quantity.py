"""Kubernetes resource quantities ("16374584Ki", "100Gi", "4", "3500m", "1e3") as exact decimals.

Called by the Kubernetes object mapping. Follows the apimachinery quantity grammar: a signed decimal number,
then a binary suffix (Ki..Ei), a decimal suffix (n, u, m, k, M, G, T, P, E) or an exponent (e3, E-2). No I/O.
"""

from __future__ import annotations

import re
from decimal import Decimal, DecimalException, Inexact, localcontext
from typing import Final

BINARY_SUFFIXES: Final[dict[str, int]] = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
DECIMAL_SUFFIXES: Final[dict[str, Decimal]] = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
GIB: Final = Decimal(2**30)
"""Bytes in one GiB: Kubernetes binary gigabytes count one-for-one as the contract's GB (see docs)."""

_QUANTITY = re.compile(
    r"^(?P<number>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|(?P<exponent>[eE][+-]?[0-9]+)|(?P<decimal>[numkMGTPE]?))$"
)
"""The API's quantity grammar, with ASCII digits only (Python's `\\d` would take "５Gi" as 5 GiB)."""


class QuantityError(ValueError):
    """Text that is not a Kubernetes quantity."""


def parse_quantity(value: object) -> Decimal:
    """The quantity's exact value in base units (bytes, cores). Accepts JSON numbers too, as kubectl may."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise QuantityError(f"expected a quantity such as 100Gi, found {type(value).__name__}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    match = _QUANTITY.match(value.strip())
    if match is None:
        raise QuantityError(f"{value!r} is not a Kubernetes quantity (e.g. 100Gi, 16374584Ki, 4, 3500m)")
    number = Decimal(match["number"])
    with localcontext() as context:
        context.prec = 80
        context.traps[Inexact] = True
        try:
            if match["binary"]:
                return number * BINARY_SUFFIXES[match["binary"]]
            if match["exponent"]:
                exponent = int(match["exponent"][1:])
                if abs(exponent) > 40:
                    raise QuantityError(f"{value!r}: exponent out of range")
                return number.scaleb(exponent)
            return number * DECIMAL_SUFFIXES[match["decimal"] or ""]
        except DecimalException:  # more digits than any real capacity has
            raise QuantityError(f"{value[:40]!r}...: too many digits for a quantity") from None


def bytes_to_gib(amount: Decimal) -> Decimal:
    """Bytes as GiB, exactly (a power of two divides into a terminating decimal), without trailing zeros."""
    with localcontext() as context:
        context.prec = 80
        context.traps[Inexact] = True
        result = amount / GIB
    return result.normalize() if result != result.to_integral_value() else result.quantize(Decimal(1))
