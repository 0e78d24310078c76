"""The management unit's overview page: every contract of the fleet in one table (status, shortfall value, open
and overdue expansions, unknowns, last check, a trend sparkline, links to its status and monthly reports), as one
self-contained HTML page (inline CSS and SVG, no script, nothing from the network), in Chinese or English.

Called by `app.fleet_site` (`reconciler fleet report`) with rows it builds from the history. Rendered through
`report.html` from its own template, `templates/fleet_overview.html.j2`; the figures are written by `base.formats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from reconciler.base.formats import Lang, deadline, instant, money
from reconciler.report.html import render_template

SPARK_WIDTH: Final = 120
SPARK_HEIGHT: Final = 24


@dataclass(frozen=True)
class Link:
    href: str
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class Spark:
    """One night of the trend: its certain shortfall value (None when the contract was not checked)."""

    now: datetime
    value: Decimal | None


@dataclass(frozen=True)
class OverviewRow:
    name: str
    title_zh: str
    title_en: str
    owner: str
    state: str
    """ok, drift, unknown (a source failed or a listing may be incomplete), invalid (not checked)."""
    exit_code: int
    shortfall_value: Decimal | None
    """The value of what is overdue and certainly not supplied, CNY per month (>= 0); None when not checked."""
    short_items: int
    unknown_items: int
    open_expansions: int
    at_risk_expansions: int
    overdue_expansions: int
    overdue_since: datetime | None
    failing_sources: Sequence[str]
    last_check: datetime | None
    problem: str | None
    trend: Sequence[Spark]
    links: Sequence[Link]
    shortfall_possible: Decimal | None = None
    """The largest shortfall value the bounds allow (>= shortfall_value) when a line item cannot be decided."""

    @property
    def shortfall_open(self) -> bool:
        """The certain shortfall value is a lower bound only: the bounds allow more."""
        return (self.shortfall_possible or 0) > (self.shortfall_value or 0)


@dataclass(frozen=True)
class Overview:
    title_zh: str
    title_en: str
    now: datetime
    rows: Sequence[OverviewRow]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def shortfall_value(self) -> Decimal:
        return sum((row.shortfall_value or Decimal(0) for row in self.rows), Decimal(0))


_LABELS: Final[dict[str, tuple[str, str]]] = {
    "contracts": ("contracts", "份合同"),
    "contract": ("Contract", "合同"),
    "state": ("Status", "状态"),
    "shortfall": ("Shortfall value (CNY / month)", "不足价值（元/月）"),
    "expansions": ("Expansions open / at risk / overdue", "扩容 进行中/临近期限/已逾期"),
    "unknowns": ("Unknown line items", "无法判定分项"),
    "last_check": ("Last check", "最近核对"),
    "trend": ("Shortfall trend", "不足价值趋势"),
    "reports": ("Reports", "报告"),
    "ok": ("met", "满足"),
    "drift": ("short or over", "不足或超出"),
    "unknown": ("cannot tell", "无法判定"),
    "invalid": ("not checked", "未能核对"),
    "total_shortfall": ("Shortfall value of the fleet", "全部合同不足价值"),
    "as_of": ("As of", "截至"),
    "overdue_since": ("overdue since", "逾期自"),
    "failing": ("failing sources", "失败的数据来源"),
    "short_items": ("short line items", "不足分项"),
    "other_language": ("中文", "English"),
    "generated": ("Written by contract-reconciler from the run history.", "由 contract-reconciler 根据核对历史生成。"),
    "none": ("none", "无"),
    "up_to": ("possibly up to", "可能最多"),
}


def overview_label(key: str, lang: Lang) -> str:
    en, zh = _LABELS[key]
    return zh if lang == "zh" else en


def sparkline(points: Sequence[Spark]) -> str:
    """The SVG polyline points of a trend: the shortfall value over the nights, 0 at the bottom."""
    values = [p.value for p in points]
    known = [v for v in values if v is not None]
    if len(values) < 2 or not known:
        return ""
    top = max(known) or Decimal(1)
    step = (SPARK_WIDTH - 4) / (len(values) - 1)
    coords = []
    for index, value in enumerate(values):
        if value is None:
            continue
        y = SPARK_HEIGHT - 2 - float(value / top) * (SPARK_HEIGHT - 4)
        coords.append(f"{2 + index * step:.1f},{y:.1f}")
    return " ".join(coords)


def never_short(points: Sequence[Spark]) -> bool:
    """No night of the trend had a shortfall: its line is drawn in the neutral colour, not the shortfall's."""
    return not any(p.value for p in points)


def render_overview(overview: Overview, lang: Lang, other_language_href: str) -> str:
    """The overview page in `lang`, linking to the same page in the other language."""
    return render_template(
        "fleet_overview.html.j2",
        o=overview,
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        label=lambda key: overview_label(key, lang),
        money=lambda value: money(value, lang),
        instant=lambda value: instant(value, lang),
        deadline=lambda value: deadline(value, lang),
        sparkline=sparkline,
        never_short=never_short,
        spark_width=SPARK_WIDTH,
        spark_height=SPARK_HEIGHT,
        other=other_language_href,
    )
