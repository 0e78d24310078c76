"""Numbers, money, days, instants, deadlines and durations as each language writes them: the one place.

Called by message rendering (`base.messages.say`) and by every face for the figures in its tables. The only
module that uses Babel (CLDR data): grouping and calendar words come from there, the choices are ours:
- a quantity shows at most 3 decimals (half up), grouped: 52,116 / 4.648; money always 2 decimals: 1,383,011.77;
- a day: 2026-11-25 (en), 2026年11月25日 (zh); an instant in Beijing time: 2026-11-25 09:00 / 2026年11月25日 09:00
  (seconds only when not zero; every instant of the contract is read in Asia/Shanghai, so no offset is shown);
- a deadline that ends with a day (00:00 of the next day, as every Civil Code period does) is written as that
  day's 24:00: 2026-11-26 24:00 / 2026年11月26日 24:00, never as 2026-11-27 00:00 or an ISO instant;
- a duration: 1d 15h 0m / 1天15小时0分 (days, hours and minutes; seconds only under a minute).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

Lang = Literal["en", "zh"]
"""A reader's language."""
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)

CONTRACT_TZ: Final = ZoneInfo("Asia/Shanghai")
"""The contract's time zone: every contract day is a day in Beijing, every instant is written in it."""

DISPLAY_PLACES: Final = 3
"""Quantities for people are rounded (half up) to at most this many decimals; JSON keeps them exact."""

_LOCALE: Final[dict[Lang, str]] = {"en": "en_US", "zh": "zh_Hans_CN"}
_QUANTITY: Final = "#,##0.###"
_MONEY: Final = "#,##0.00"
_UNITS: Final[dict[Lang, dict[str, str]]] = {
    "en": {"d": "d", "h": "h", "m": "m", "s": "s"},
    "zh": {"d": "天", "h": "小时", "m": "分", "s": "秒"},
}


def number(value: Decimal | int, lang: Lang) -> str:
    """A quantity: grouped, at most DISPLAY_PLACES decimals (half up), no trailing zeros, no exponent:
    565.6612873 -> 565.661, 52116 -> 52,116, 2896.000 -> 2,896."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-DISPLAY_PLACES), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        return "0"
    return str(format_decimal(rounded, format=_QUANTITY, locale=_LOCALE[lang]))


def signed(value: Decimal | int, lang: Lang) -> str:
    """A gap: +16, -582, 0."""
    shown = number(value, lang)
    return f"+{shown}" if value > 0 and shown != "0" else shown


def money(value: Decimal, lang: Lang) -> str:
    """An amount of CNY without its unit, to the fen (half up), grouped: 1,383,011.77."""
    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(format_decimal(rounded, format=_MONEY, locale=_LOCALE[lang]))


def signed_money(value: Decimal, lang: Lang) -> str:
    """A gap's value: +734.37, -596.80, 0.00."""
    shown = money(value, lang)
    return f"+{shown}" if value > 0 else shown


def plain(value: Decimal | int) -> str:
    """A figure as it is, without grouping or rounding (a rate, a coefficient, a clock): 0.02, 2.4."""
    decimal = Decimal(value)
    if decimal == decimal.to_integral_value():
        return str(decimal.quantize(Decimal(1)))
    return format(decimal.normalize(), "f")


def day(value: date, lang: Lang) -> str:
    """A calendar day: 2026-11-25 / 2026年11月25日."""
    if lang == "zh":
        return str(format_date(value, "long", locale=_LOCALE[lang]))
    return value.isoformat()


def _clock(value: datetime) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def instant(value: datetime, lang: Lang) -> str:
    """An instant in Beijing time: 2026-11-25 09:00 / 2026年11月25日 09:00 (seconds only when not zero)."""
    local = value.astimezone(CONTRACT_TZ)
    return f"{day(local.date(), lang)} {_clock(local)}"


def deadline(value: datetime, lang: Lang) -> str:
    """A deadline: one that ends with a day (00:00 Beijing time) is that day's 24:00, 2026-11-26 24:00;
    any other is written as an instant."""
    local = value.astimezone(CONTRACT_TZ)
    if local.timetz().replace(tzinfo=None) == time(0) and local.microsecond == 0:
        return f"{day(local.date() - timedelta(days=1), lang)} 24:00"
    return instant(value, lang)


def day_range(first: date, last: date, lang: Lang) -> str:
    """Consecutive days: 2026-11-05 – 2026-11-09 / 2026年11月5日至2026年11月9日 (one day alone when equal)."""
    if first == last:
        return day(first, lang)
    joiner = "至" if lang == "zh" else " – "
    return f"{day(first, lang)}{joiner}{day(last, lang)}"


def duration_parts(seconds: int) -> tuple[str, list[tuple[int, str]]]:
    """A duration as its sign and (count, unit) parts, unit one of d, h, m, s: days, hours and minutes, seconds
    only under a minute. 140400 -> ("", [(1, "d"), (15, "h"), (0, "m")]); -60 -> ("-", [(1, "m")])."""
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return sign, [(days, "d"), (hours, "h"), (minutes, "m")]
    if hours:
        return sign, [(hours, "h"), (minutes, "m")]
    if minutes:
        return sign, [(minutes, "m")]
    return sign, [(rest, "s")]


def duration(seconds: int, lang: Lang) -> str:
    """Seconds for people: 140400 -> 1d 15h 0m / 1天15小时0分; -60 -> -1m / -1分."""
    sign, parts = duration_parts(seconds)
    gap = "" if lang == "zh" else " "
    return sign + gap.join(f"{count}{_UNITS[lang][unit]}" for count, unit in parts)


def short_day(value: date, lang: Lang = "en") -> str:
    """A day where room is short (a chart's tick), without its year: 11-25 / 11月25日."""
    if lang == "zh":
        return f"{value.month}月{value.day}日"
    return f"{value:%m-%d}"


def short_instant(value: datetime, lang: Lang = "en") -> str:
    """An instant where room is short (a chart's label): 11-25 09:00 / 11月25日 09:00."""
    local = value.astimezone(CONTRACT_TZ)
    return f"{short_day(local.date(), lang)} {local:%H:%M}"


def short_deadline(value: datetime, lang: Lang = "en") -> str:
    """A deadline where room is short: 11-26 24:00 / 11月26日 24:00 for one that ends with a day (see
    `deadline`)."""
    local = value.astimezone(CONTRACT_TZ)
    if local.timetz().replace(tzinfo=None) == time(0) and local.microsecond == 0:
        return f"{short_day(local.date() - timedelta(days=1), lang)} 24:00"
    return short_instant(value, lang)
