"""Render a reconciliation as one self-contained HTML page: inline CSS and SVG, nothing from the network.

Called by `reconciler report --format html`. The only module that uses Jinja2; templates are in `templates/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from reconciler.contract.model import Contract
from reconciler.money import plain, yuan
from reconciler.reconcile import Finding, Reconciliation, Status
from reconciler.report import text
from reconciler.report.labels import Lang, label

HtmlLang = Literal["en", "zh", "both"]
TEMPLATE = "report.html.j2"

# The bar chart's geometry, in SVG user units
CHART_WIDTH = 960
LABEL_WIDTH = 250
BAR_LEFT = LABEL_WIDTH + 10
BAR_SPACE = CHART_WIDTH - BAR_LEFT - 80
ROW_HEIGHT = 46
BAR_HEIGHT = 14
TOP = 30
SCALE_CAP = Decimal(200)
"""Bars are drawn up to 200 % of the entitlement; a longer one is cut and marked."""


Words = Callable[[Lang], str]


@dataclass(frozen=True)
class Bar:
    """One line item in the chart: the contracted bar (100 %) and the supplied one, as % of the entitlement."""

    y: int
    name: str
    title: str
    status: str
    short: bool
    contracted_width: float
    supplied_width: float | None
    percent: str
    cut: bool
    due_x: float | None


def render_html(result: Reconciliation, contract: Contract, lang: HtmlLang = "both") -> str:
    """The whole report as an HTML document (UTF-8 text, ending in a newline)."""
    environment = Environment(
        loader=PackageLoader("reconciler.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def words(make: Words) -> Markup:
        """A phrase in the chosen language; with both, English and Chinese side by side."""
        if lang != "both":
            return escape(make(lang))
        return _side_by_side(make("en"), make("zh"))

    def lines(make: Callable[[Lang], list[str]]) -> list[Markup]:
        """Lines in the chosen language; with both, each English line beside its Chinese one."""
        if lang != "both":
            return [escape(line) for line in make(lang)]
        return [_side_by_side(en, zh) for en, zh in zip(make("en"), make("zh"), strict=True)]

    def lab(key: str) -> Markup:
        return words(lambda language: label(key, language))

    def name(zh: str, en: str) -> Markup:
        return words(lambda language: zh if language == "zh" else en)

    bars, scale = _bars(result.findings, lang)
    template = environment.get_template(TEMPLATE)
    page = template.render(
        r=result,
        contract=contract,
        html_lang="en" if lang == "en" else "zh-CN",
        L=lab,
        words=words,
        name=name,
        quantity=text.quantity,
        signed=text.signed,
        money=text.money,
        yuan=yuan,
        plain=plain,
        verdict=words(lambda language: text.verdict_line(result, language)),
        notes=lines(lambda language: text.notes(result, language)),
        exposure_total=words(lambda language: text.exposure_total(result, language)),
        history=words(lambda language: text.history_heading(result, language) or ""),
        changes=lines(lambda language: text.change_lines(result, language)),
        bars=bars,
        chart_width=CHART_WIDTH,
        chart_height=TOP + ROW_HEIGHT * len(bars) + 20,
        bar_left=BAR_LEFT,
        bar_height=BAR_HEIGHT,
        hundred_x=BAR_LEFT + BAR_SPACE * 100 / float(scale),
        scale_label=f"{plain(scale)} %",
        scale_x=BAR_LEFT + BAR_SPACE,
    )
    return page if page.endswith("\n") else page + "\n"


def _side_by_side(en: str, zh: str) -> Markup:
    """English and Chinese next to each other (once when they are the same text)."""
    if en == zh:
        return escape(en)
    return Markup('<span class="en">{}</span><span class="zh" lang="zh-CN">{}</span>').format(en, zh)


def _bars(findings: list[Finding], lang: HtmlLang) -> tuple[list[Bar], Decimal]:
    """Every line item's bars, and the chart's scale (the largest supplied % rounded up to a ten, 100 to 200)."""
    percents = {f.line_item: _percent(f.supplied, f.entitled) for f in findings}
    known = [p for p in percents.values() if p is not None]
    largest = max([Decimal(100), *known])
    scale = min((largest / 10).to_integral_value(rounding=ROUND_CEILING) * 10, SCALE_CAP)
    per_percent = BAR_SPACE / float(scale)
    bars = []
    for index, f in enumerate(findings):
        percent = percents[f.line_item]
        due = _percent(f.due, f.entitled)
        bars.append(
            Bar(
                y=TOP + index * ROW_HEIGHT,
                name=f"{f.seq}. {f.line_item.value}",
                title=f.name_en if lang == "en" else f.name_zh,
                status=f.status.value,
                short=f.status is Status.SHORT,
                contracted_width=100 * per_percent if f.entitled > 0 else 0.0,
                supplied_width=None if percent is None else float(min(percent, scale)) * per_percent,
                percent="-" if percent is None else f"{percent.quantize(Decimal('0.1'))} %",
                cut=percent is not None and percent > scale,
                due_x=BAR_LEFT + float(due) * per_percent if due is not None and f.due < f.entitled else None,
            )
        )
    return bars, scale


def _percent(value: Decimal | None, entitled: Decimal) -> Decimal | None:
    if value is None or entitled <= 0:
        return None
    return value * 100 / entitled
