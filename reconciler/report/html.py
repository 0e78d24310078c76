"""Render a reconciliation as one self-contained HTML page: inline CSS and SVG, nothing from the network.

Called by `reconciler report --format html|pdf` (the PDF is this page printed by `report.pdf`). The only module
that uses Jinja2; templates are in `templates/`, SVG geometry in `report.charts`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from reconciler.base.messages import Message, say, term
from reconciler.contract.model import Contract
from reconciler.contract.obligations import Obligation
from reconciler.core.models import Finding, Reconciliation, Status
from reconciler.history.trends import Trend
from reconciler.report import text
from reconciler.report.acceptance import AcceptanceReport
from reconciler.report.charts import timeline, trend_chart
from reconciler.report.labels import Lang, PageLang, counted, label, unit
from reconciler.report.overview import Overview, period_overview, status_overview

TEMPLATE = "report.html.j2"
ACCEPTANCE_TEMPLATE = "acceptance.html.j2"

# The bar chart's geometry, in SVG user units
CHART_WIDTH = 960
LABEL_WIDTH = 250
BAR_LEFT = LABEL_WIDTH + 10
BAR_SPACE = CHART_WIDTH - BAR_LEFT - 80
ROW_HEIGHT = 36
ROW_HEIGHT_BOTH = 44
"""A row whose label is in two lines: Chinese, then English."""
BAR_HEIGHT = 12
TOP = 30
LABEL_ROOM = 56
"""Room the percent label takes after the bar; a due tick inside it pushes the label past the tick."""
SCALE_CAP = Decimal(200)
"""Bars are drawn up to 200 % of the entitlement; a longer one is cut and marked."""


Words = Callable[[Lang], str]


@dataclass(frozen=True)
class Bar:
    """One line item in the chart: the contracted bar (100 %) and the supplied one, as % of the entitlement."""

    y: int
    id: str
    names: tuple[str, ...]
    """The label's lines: the line item's name in the page's language(s)."""
    title: str
    status: str
    short: bool
    contracted_width: float
    supplied_width: float | None
    percent: str
    label_x: float
    """Where the percent label starts: after the supplied bar, or after the due tick when that is in the way."""
    cut: bool
    due_x: float | None


class _Words:
    """Labels and phrases in the chosen language; with both, English and Chinese side by side."""

    def __init__(self, lang: PageLang) -> None:
        self.lang = lang

    def words(self, make: Words) -> Markup:
        if self.lang != "both":
            return escape(make(self.lang))
        return _side_by_side(make("en"), make("zh"))

    def lines(self, make: Callable[[Lang], list[str]]) -> list[Markup]:
        if self.lang != "both":
            return [escape(line) for line in make(self.lang)]
        return [_side_by_side(en, zh) for en, zh in zip(make("en"), make("zh"), strict=True)]

    def label(self, key: str) -> Markup:
        return self.words(lambda language: label(key, language))

    def name(self, zh: str | None, en: str | None) -> Markup:
        return self.words(lambda language: (zh if language == "zh" else en) or "")

    def plain(self, make: Words) -> str:
        """Text without markup (a `<title>`, the PDF's title): Chinese, then English, when both."""
        if self.lang != "both":
            return make(self.lang)
        zh, en = make("zh"), make("en")
        return zh if zh == en else f"{zh} / {en}"

    def chart_lang(self) -> Lang:
        """The language of a chart's dates: the page's, or English (numbers only) on a page in both."""
        return "zh" if self.lang == "zh" else "en"

    def overview(self, overview: Overview) -> dict[str, Any]:
        """The first screen, each sentence in the page's language(s)."""
        return {
            "tone": overview.tone,
            "banner": self.sentence(overview.banner),
            "points": [(p.severity, p.topic, self.sentence(p.text)) for p in overview.points],
        }

    def sentence(self, msg: Message) -> Markup:
        return self.words(lambda language: say(msg, language))


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("reconciler.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(name: str, **context: Any) -> str:
    """One of the report package's templates rendered with `context`: the one place Jinja2 is used (the fleet's
    overview page renders through it too)."""
    return _environment().get_template(name).render(**context)


def _common(w: _Words, lang: PageLang) -> dict[str, Any]:
    return {
        "html_lang": "en" if lang == "en" else "zh-CN",
        "english": lang != "zh",
        "L": w.label,
        "words": w.words,
        "name": w.name,
        "quantity": text.quantity,
        "signed": text.signed,
        "money": text.money,
        "supply": text.supply,
        "gap": text.gap,
        "value": text.value,
        "status": lambda finding: w.words(lambda language: text.status(finding, language)),
        "yuan": text.yuan,
        "say": lambda sentence: w.words(lambda language: text.sentence(sentence, language)),
        "when": lambda instant: w.words(lambda language: text.when(instant, language)),
        "deadline": lambda instant: w.words(lambda language: text.deadline(instant, language)),
        "day": lambda value: w.words(lambda language: text.day(value, language)),
        "clause": lambda value: w.words(lambda language: text.clause(value, language)),
        "duration": lambda seconds: w.words(lambda language: text.duration(seconds, language)),
        "unit": lambda value: w.words(lambda language: unit(value, language)),
        "counted": lambda count, key: w.words(lambda language: counted(count, key, language)),
        "delay_since": lambda days, first: w.words(lambda language: text.delay_since(days, first, language)),
        "day_ranges": lambda ranges: w.words(
            lambda language: text.list_join(language).join(text.day_range(r, language) for r in ranges)
        ),
        "item": lambda line_item: w.words(lambda language: term(f"item.{line_item}", language)),
        "items": lambda line_items: w.words(
            lambda language: text.list_join(language).join(term(f"item.{i}", language) for i in line_items) or "-"
        ),
        "kind": lambda value: w.words(lambda language: term(f"kind.{value}", language)),
        # punctuation between figures: the language's own, or the English on a page in both languages
        "colon": text.colon("zh" if lang == "zh" else "en"),
        "comma": text.comma("zh" if lang == "zh" else "en"),
        "window": lambda start, end: w.words(
            lambda language: f"{text.when(start, language)} – {text.deadline(end, language)}"
        ),
        "service_period": lambda period: w.words(
            lambda language: (
                f"{text.day(period.start, language)} – {text.day(period.end, language)}"
                + text.bracketed(f"{period.months} {label('months', language)}", language)
            )
        ),
        "month": lambda value: w.words(lambda language: text.period_name("monthly", value, language)),
    }


def render_html(
    result: Reconciliation,
    contract: Contract,
    lang: PageLang = "both",
    *,
    calendar: Sequence[Obligation] = (),
    trends: Sequence[Trend] = (),
    from_history: bool = False,
) -> str:
    """The status report as an HTML document (UTF-8 text, ending in a newline): the reconciliation, the
    expansions' timeline, the dated obligations of `calendar` and the `trends` of the recorded runs."""
    w = _Words(lang)
    bars, scale = _bars(result.findings, lang)
    dated = [o for o in calendar if o.due_at is not None]
    units = {f.line_item.value: f.unit.value for f in result.findings}
    source = (
        w.words(
            lambda language: label("from_history", language).format(
                id=result.run_id, now=text.when(result.now, language)
            )
        )
        if from_history
        else None
    )
    page = (
        _environment()
        .get_template(TEMPLATE)
        .render(
            **_common(w, lang),
            r=result,
            contract=contract,
            page_title=w.plain(lambda language: f"{label('report_title', language)} - {result.contract.title_zh}"),
            overview=w.overview(status_overview(result)),
            notes=w.lines(lambda language: text.notes(result, language)),
            basis=w.lines(lambda language: text.basis_lines(result, language)),
            attested=w.lines(lambda language: text.attestation_lines(result, language)),
            summary=_summary(w, result),
            history=w.words(lambda language: text.history_heading(result, language) or ""),
            changes=w.lines(lambda language: text.change_lines(result, language)),
            from_history=source,
            bars=bars,
            chart_width=CHART_WIDTH,
            chart_height=TOP + (ROW_HEIGHT_BOTH if lang == "both" else ROW_HEIGHT) * len(bars) + 20,
            bar_left=BAR_LEFT,
            bar_height=BAR_HEIGHT,
            hundred_x=BAR_LEFT + BAR_SPACE * 100 / float(scale),
            scale_label=f"{text.quantity(scale)} %",
            scale_x=BAR_LEFT + BAR_SPACE,
            timeline=timeline(
                result.expansions,
                [e.state.value for e in result.expansions],
                result.now,
                [_expansion_label(w, e.line_item.value, e.quantity, units) for e in result.expansions],
                w.chart_lang(),
            )
            if result.expansions
            else None,
            calendar=dated,
            calendar_warnings=list(dict.fromkeys(warning for o in dated for warning in o.warnings)),
            trends=[trend_chart(t, w.chart_lang()) for t in trends],
        )
    )
    return page if page.endswith("\n") else page + "\n"


def render_acceptance_html(
    report: AcceptanceReport, contract: Contract, trends: Sequence[Trend], lang: PageLang = "both"
) -> str:
    """The monthly operations report or the service summary report as one self-contained HTML page."""
    w = _Words(lang)
    title_key = "monthly_title" if report.kind == "monthly" else "summary_title"
    units = {item.id.value: item.unit.value for item in contract.line_items}
    page = (
        _environment()
        .get_template(ACCEPTANCE_TEMPLATE)
        .render(
            **_common(w, lang),
            a=report,
            contract=contract,
            title=w.label(title_key),
            period=w.words(lambda language: text.period_name(report.kind, report.period, language)),
            page_title=w.plain(
                lambda language: (
                    f"{label(title_key, language)} {text.period_name(report.kind, report.period, language)}"
                    f" - {report.contract.title_zh}"
                )
            ),
            overview=w.overview(period_overview(report, contract)),
            timeline=timeline(
                report.expansions,
                [e.outcome for e in report.expansions],
                report.as_of,
                [_expansion_label(w, e.line_item, e.quantity, units) for e in report.expansions],
                w.chart_lang(),
            )
            if report.expansions
            else None,
            trends=[trend_chart(t, w.chart_lang()) for t in trends],
        )
    )
    return page if page.endswith("\n") else page + "\n"


def _expansion_label(w: _Words, line_item: str, quantity: Decimal, units: dict[str, str]) -> str:
    """A timeline row's label: the line item's name and what the expansion adds, `vCPU +64`."""
    chart = w.chart_lang() if w.lang != "both" else "zh"
    return f"{term(f'item.{line_item}', chart)} +{text.quantity(quantity, chart)}"


def _summary(w: _Words, result: Reconciliation) -> list[tuple[str, Markup]]:
    """The monthly values as (label key, text in the page's language)."""

    def value(number: int) -> Words:
        return lambda language: text.summary_values(result, language)[number][1]

    return [(key, w.words(value(n))) for n, (key, _) in enumerate(text.summary_values(result, "en"))]


def _side_by_side(en: str, zh: str) -> Markup:
    """English and Chinese next to each other (once when they are the same text)."""
    if en == zh:
        return escape(en)
    return Markup('<span class="en">{}</span><span class="zh" lang="zh-CN">{}</span>').format(en, zh)


def _bars(findings: list[Finding], lang: PageLang) -> tuple[list[Bar], Decimal]:
    """Every line item's bars, and the chart's scale (the largest supplied % rounded up to a ten, 100 to 200)."""
    percents = {f.line_item: _percent(f.supplied_lower, f.entitled) for f in findings}  # certain supply
    known = [p for p in percents.values() if p is not None]
    largest = max([Decimal(100), *known])
    scale = min((largest / 10).to_integral_value(rounding=ROUND_CEILING) * 10, SCALE_CAP)
    per_percent = BAR_SPACE / float(scale)
    bars = []
    for index, f in enumerate(findings):
        percent = percents[f.line_item]
        due = _percent(f.due, f.entitled)
        supplied_width = None if percent is None else float(min(percent, scale)) * per_percent
        due_x = BAR_LEFT + float(due) * per_percent if due is not None and f.due < f.entitled else None
        label_x = BAR_LEFT + (supplied_width or 0.0) + 6
        hundred_x = BAR_LEFT + 100 * per_percent
        for line_x in sorted(x for x in (due_x, hundred_x) if x is not None):  # no line strikes the label
            if label_x - 8 <= line_x <= label_x + LABEL_ROOM:
                label_x = line_x + 6
        names: tuple[str, ...] = (f"{f.seq}. {term(f'item.{f.line_item.value}', 'zh' if lang == 'both' else lang)}",)
        if lang == "both":
            names += (term(f"item.{f.line_item.value}", "en"),)
        bars.append(
            Bar(
                y=TOP + index * (ROW_HEIGHT_BOTH if lang == "both" else ROW_HEIGHT),
                id=f.line_item.value,
                names=names,
                title=f.name_en if lang == "en" else f.name_zh,
                status=f.status.value,
                short=f.status is Status.SHORT,
                contracted_width=100 * per_percent if f.entitled > 0 else 0.0,
                supplied_width=supplied_width,
                percent="-" if percent is None else _percent_text(percent, f),
                label_x=label_x,
                cut=percent is not None and percent > scale,
                due_x=due_x,
            )
        )
    return bars, scale


def _percent_text(percent: Decimal, finding: Finding) -> str:
    """`98.7 %`; where the bounds differ, the bar is the certain supply and the label its range: `≥ 98.7 %`,
    `98.7–103.9 %`."""
    shown = f"{percent.quantize(Decimal('0.1'))}"
    if finding.supplied is not None:
        return f"{shown} %"
    upper = _percent(finding.supplied_upper, finding.entitled)
    if upper is None:
        return f"≥ {shown} %"
    return f"{shown}{text.RANGE}{upper.quantize(Decimal('0.1'))} %"


def _percent(value: Decimal | None, entitled: Decimal) -> Decimal | None:
    if value is None or entitled <= 0:
        return None
    return value * 100 / entitled
