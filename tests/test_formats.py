"""Figures as each language writes them are CLDR's: `base.formats` writes numbers and money without loading
Babel's locale data, and every figure it writes is the one Babel's own formatting gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from hypothesis import given
from hypothesis import strategies as st

from reconciler.base import formats
from reconciler.base.formats import LANGS, Lang, money, number

FIGURES = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, allow_infinity=False, places=6
) | st.integers(min_value=-(10**15), max_value=10**15).map(Decimal)


@pytest.mark.parametrize("lang", LANGS)
def test_the_symbols_are_the_locales_own(lang: Lang) -> None:
    locale = formats._LOCALE[lang]
    assert formats._SYMBOLS[lang] == (get_group_symbol(locale), get_decimal_symbol(locale))
    assert get_minus_sign_symbol(locale) == "-"


@pytest.mark.parametrize("lang", LANGS)
@given(value=FIGURES)
def test_quantities_and_money_are_written_as_babel_writes_them(lang: Lang, value: Decimal) -> None:
    locale = formats._LOCALE[lang]
    rounded = value.quantize(Decimal("0.001"), rounding="ROUND_HALF_UP")
    expected = "0" if rounded.is_zero() else format_decimal(rounded, format="#,##0.###", locale=locale)
    assert number(value, lang) == expected
    cents = value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert money(value, lang) == format_decimal(cents, format="#,##0.00", locale=locale)


@pytest.mark.parametrize(
    ("value", "quantity", "amount"),
    [
        (Decimal("52116"), "52,116", "52,116.00"),
        (Decimal("2896.000"), "2,896", "2,896.00"),
        (Decimal("4.648"), "4.648", "4.65"),
        (Decimal("565.6612873"), "565.661", "565.66"),
        (Decimal("-582"), "-582", "-582.00"),
        (Decimal("0.0004"), "0", "0.00"),
        (Decimal("1383011.765"), "1,383,011.765", "1,383,011.77"),
    ],
)
def test_figures_people_read(value: Decimal, quantity: str, amount: str) -> None:
    assert number(value, "en") == number(value, "zh") == quantity
    assert money(value, "en") == money(value, "zh") == amount
