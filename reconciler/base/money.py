"""Money and quantity arithmetic: Decimal only, with the one rounding rule the contract uses.

Called by the contract checks and the reconcile core; amounts are written for people by `base.formats`.
"""

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

FEN = Decimal("0.01")
"""Amounts in the contract are stated in yuan to the fen (0.01 CNY)."""

ROUNDING_RULE = "exact Decimal arithmetic, then rounded half-up to 0.01 CNY (四舍五入到分)"


_ARITHMETIC = Context(prec=80, rounding=ROUND_HALF_UP)


def arithmetic() -> AbstractContextManager[Context]:
    """A Decimal context wide enough that no product or sum of this program's inputs is ever rounded."""
    return localcontext(_ARITHMETIC)


def to_fen(amount: Decimal) -> Decimal:
    """Round an exact amount to the fen, half up, as the contract's stated figures are."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros beyond what it carries (1E+3 -> 1000)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")
