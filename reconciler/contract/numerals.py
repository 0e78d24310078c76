"""Chinese capital numerals for money (大写金额), read and written through the cn2an library.

Called by the contract checks to compare an amount in words with the same amount in figures.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from reconciler.base.money import to_fen


def read_amount(words: str) -> Decimal | None:
    """The value of an amount in capital numerals (贰佰叁拾万零伍仟零壹拾玖元陆角贰分); None if unreadable."""
    import cn2an  # slow to import (about 0.1 s): only when amounts in words are checked

    try:
        value = cn2an.cn2an(words, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        return to_fen(Decimal(repr(value)))
    except InvalidOperation:
        return None


def write_amount(amount: Decimal) -> str:
    """An amount in capital numerals as a cashier would write it (e.g. 贰拾叁万零伍佰零壹元玖角陆分)."""
    import cn2an

    return str(cn2an.an2cn(format(to_fen(amount), "f"), "rmb"))
