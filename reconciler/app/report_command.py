"""`reconciler report` from inputs to bytes: which reconciliation (a new observation or a recorded run), which
runs for the trends and the acceptance materials, and which renderer.

Called by the CLI's `report` command. Reads the contract's runs from the history store; writes nothing but
the run a check with `--observed` records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import BinaryIO, Literal

from reconciler.app.pipeline import check_sources
from reconciler.base.errors import InputError
from reconciler.base.messages import Message
from reconciler.contract.model import Contract
from reconciler.contract.obligations import Obligation, obligations
from reconciler.core.attestations import Attestation
from reconciler.core.models import Reconciliation
from reconciler.core.reconcile import contract_ref
from reconciler.core.runs import RecordedRun
from reconciler.dates.clock import day_problem, start_of_day
from reconciler.history.replay import latest_run, replay
from reconciler.history.trends import Trend, trends
from reconciler.report.acceptance import AcceptanceReport, monthly_report, report_runs, summary_report
from reconciler.report.json_output import write_json
from reconciler.report.labels import PageLang
from reconciler.sources.combined import CombinedSource

Format = Literal["html", "pdf", "markdown", "json"]
Month = tuple[int, int]
Writer = Callable[[BinaryIO], None]


@dataclass(frozen=True)
class StatusReport:
    """What the status report shows: a reconciliation, the contract's dated obligations, the trends."""

    result: Reconciliation
    calendar: list[Obligation]
    trends: list[Trend]
    from_history: bool


def status_from_observation(
    contract: Contract,
    warnings: list[Message],
    source: CombinedSource,
    now: datetime,
    store: str | None,
    attestations: Sequence[Attestation] = (),
) -> StatusReport:
    """Check what the sources observe (recording it when `store` is given) and add the recorded runs' trends."""
    result = check_sources(contract, warnings, source, now, None, store, attestations)
    runs = _recorded_runs(contract, store, must_exist=False) if store is not None else []
    shown = [r for r in runs if r.now <= result.now]
    return StatusReport(result, obligations(contract, result.now), trends(shown), from_history=False)


def status_from_history(contract: Contract, now: datetime, store: str, month: Month | None) -> StatusReport:
    """The latest recorded run at or before `now` (within `month` when given), as the check reported it."""
    runs = _recorded_runs(contract, store)
    candidates = runs
    if month is not None:
        start, end = _month_bounds(month)
        candidates = [r for r in runs if start <= r.now < end]
    run = latest_run(candidates, now, store)
    earlier = [r.past() for r in runs if r.run_id < run.run_id]
    result = replay(contract, run, earlier)
    shown = [r for r in candidates if r.now <= run.now]
    return StatusReport(result, obligations(contract, result.now), trends(shown), from_history=True)


def acceptance_report(
    contract: Contract, kind: Literal["monthly", "summary"], now: datetime, store: str, month: Month | None
) -> tuple[AcceptanceReport, list[Trend]]:
    """The monthly operations report of `month` or the service summary report, from the recorded runs."""
    runs = _recorded_runs(contract, store)
    try:
        if kind == "monthly":
            if month is None:
                raise InputError.single("<option --period>", "", "the monthly report needs --period YYYY-MM")
            report = monthly_report(contract, runs, month[0], month[1], now)
        else:
            report = summary_report(contract, runs, now)
    except ValueError as exc:
        option = "--period" if kind == "monthly" else "--now"
        raise InputError.single(f"<option {option}>", "", str(exc)) from exc
    return report, trends(report_runs(report, runs))


def render_status(report: StatusReport, contract: Contract, output_format: Format, lang: PageLang) -> Writer:
    """A writer of the status report in `output_format` (JSON: the documented reconciliation output)."""
    if output_format == "json":
        return partial(write_json, report.result)
    if output_format == "markdown":
        from reconciler.report.status_markdown import render_status_markdown

        data = render_status_markdown(
            report.result,
            "zh" if lang == "zh" else "en",
            calendar=report.calendar,
            trends=report.trends,
            from_history=report.from_history,
        ).encode("utf-8")
        return _bytes(data)
    from reconciler.report.html import render_html

    page = render_html(
        report.result,
        contract,
        lang,
        calendar=report.calendar,
        trends=report.trends,
        from_history=report.from_history,
    )
    return _bytes(_pdf(page) if output_format == "pdf" else page.encode("utf-8"))


def render_acceptance(
    report: AcceptanceReport, series: Sequence[Trend], contract: Contract, output_format: Format, lang: PageLang
) -> Writer:
    if output_format == "json":
        return _bytes(report.model_dump_json(indent=2).encode("utf-8") + b"\n")
    if output_format == "markdown":
        from reconciler.report.acceptance_markdown import render_acceptance_markdown

        return _bytes(
            render_acceptance_markdown(report, contract, series, "zh" if lang == "zh" else "en").encode("utf-8")
        )
    from reconciler.report.html import render_acceptance_html

    page = render_acceptance_html(report, contract, series, lang)
    return _bytes(_pdf(page) if output_format == "pdf" else page.encode("utf-8"))


def parse_month(text: str) -> Month:
    """YYYY-MM as (year, month); InputError naming --period otherwise."""
    try:
        parsed = date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InputError.single("<option --period>", "", f"expected a month as YYYY-MM, e.g. 2026-11; got {text!r}")
    problem = day_problem(parsed, text)
    if problem is not None:
        raise InputError.single("<option --period>", "", problem)
    return parsed.year, parsed.month


def _month_bounds(month: Month) -> tuple[datetime, datetime]:
    year, number = month
    following = (year + 1, 1) if number == 12 else (year, number + 1)
    return start_of_day(date(year, number, 1)), start_of_day(date(following[0], following[1], 1))


def _recorded_runs(contract: Contract, store: str, must_exist: bool = True) -> list[RecordedRun]:
    from reconciler.history.store import open_history  # SQLAlchemy only when the history is read

    with open_history(store, must_exist=must_exist, read_only=True) as history:
        return history.recorded_runs(contract_ref(contract))


def _pdf(page: str) -> bytes:
    from reconciler.report.pdf import PdfUnavailableError, html_to_pdf

    try:
        return html_to_pdf(page)
    except PdfUnavailableError as exc:
        raise InputError.single("<option --format>", "", str(exc)) from exc


def _bytes(data: bytes) -> Writer:
    def write(out: BinaryIO) -> None:
        out.write(data)

    return write
