"""`reconciler fleet report --output DIR`: the management unit's static site, from the history alone.

DIR/index.html (Chinese) and DIR/index.en.html (English): every contract of the fleet file with its latest
outcome; DIR/contracts/NAME/status.html and monthly-YYYY-MM.html: its status report and the monthly operations
report of its latest check's month, written by the same code as `reconciler report` (`app.report_command`),
English and Chinese side by side. Every file is written atomically; a contract whose reports cannot be made (a
broken contract file, no run yet) keeps its row, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reconciler.base.errors import InputError
from reconciler.contract.load import load_contract
from reconciler.core.models import ExpansionState, Status
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.fleet.load import Fleet
from reconciler.fleet.model import FleetContract
from reconciler.fleet.outcomes import Outcome, outcome_from_row, points_from_rows
from reconciler.fleet.runner import Pool, run_all
from reconciler.report.fleet_overview import Link, Overview, OverviewRow, Spark, render_overview
from reconciler.report.outputs import write_output

TREND_NIGHTS = 30


@dataclass(frozen=True)
class ReportJob:
    name: str
    contract: Path
    history: str
    now: datetime
    out: Path
    month: tuple[int, int] | None


@dataclass(frozen=True)
class Written:
    name: str
    links: tuple[Link, ...]
    problem: str | None


def write_site(
    fleet: Fleet,
    history: str,
    now: datetime,
    out: Path,
    workers: int = 1,
    pool: Pool = "process",
    *,
    reports: bool = True,
) -> Overview:
    """Write the site into `out`; the overview it shows. Without `reports` only the overview pages are written
    (their links point to the contracts' reports written before)."""
    from reconciler.history.store import open_history

    names = [c.name for c in fleet.contracts]
    with open_history(history, must_exist=True, read_only=True) as store:
        latest = {row["contract"]: outcome_from_row(row) for row in store.latest_outcomes(names)}
        series = store.outcome_series(names, TREND_NIGHTS)
    jobs = [
        ReportJob(c.name, fleet.resolve(c.contract), history, now, out, _month(latest[c.name]))
        for c in fleet.contracts
        if reports and c.name in latest and latest[c.name].run_id is not None
    ]
    if not reports:
        jobs = []
    written = {w.name: w for w in run_all(jobs, write_reports, _not_written, workers, pool)}
    for c in fleet.contracts:
        if c.name not in written:
            found = _existing(out, c.name)
            written[c.name] = Written(c.name, found, None) if found else None  # type: ignore[assignment]
    rows = [_row(c, latest.get(c.name), series.get(c.name, []), written.get(c.name)) for c in fleet.contracts]
    overview = Overview(fleet.file.title_zh, fleet.file.title_en, now, rows)
    for lang, name, other in (("zh", "index.html", "index.en.html"), ("en", "index.en.html", "index.html")):
        write_output(out / name, _bytes(render_overview(overview, lang, other).encode("utf-8")))  # type: ignore[arg-type]
    return overview


def _bytes(data: bytes) -> Callable[[BinaryIO], None]:
    def write(stream: BinaryIO) -> None:
        stream.write(data)

    return write


def write_reports(job: ReportJob) -> Written:
    """A contract's status report and its monthly report, as `reconciler report` writes them (HTML, both)."""
    from reconciler.app.report_command import acceptance_report, render_acceptance, render_status, status_from_history

    folder = job.out / "contracts" / job.name
    folder.mkdir(parents=True, exist_ok=True)
    links = []
    try:
        contract = load_contract(job.contract)
        status = status_from_history(contract, job.now, job.history, None)
        write_output(folder / "status.html", render_status(status, contract, "html", "both"))
        links.append(Link(f"contracts/{job.name}/status.html", "status", "状态报告"))
        if job.month is not None:
            made, trends = acceptance_report(contract, "monthly", job.now, job.history, job.month)
            page = f"monthly-{job.month[0]:04d}-{job.month[1]:02d}.html"
            write_output(folder / page, render_acceptance(made, trends, contract, "html", "both"))
            links.append(Link(f"contracts/{job.name}/{page}", f"monthly {job.month[0]}-{job.month[1]:02d}",
                              f"{job.month[0]}年{job.month[1]}月运维月报"))  # fmt: skip
    except InputError as exc:
        return Written(job.name, tuple(links), exc.render().splitlines()[0])
    return Written(job.name, tuple(links), None)


def _existing(out: Path, name: str) -> tuple[Link, ...]:
    """Links to a contract's reports written by an earlier `fleet report`."""
    folder = out / "contracts" / name
    links = [Link(f"contracts/{name}/status.html", "status", "状态报告")] if (folder / "status.html").exists() else []
    for page in sorted(folder.glob("monthly-*.html")):
        month = page.stem.removeprefix("monthly-")
        year, number = month.split("-")
        links.append(Link(f"contracts/{name}/{page.name}", f"monthly {month}", f"{year}年{int(number)}月运维月报"))
    return tuple(links)


def _not_written(job: ReportJob, exc: BaseException) -> Written:
    return Written(job.name, (), f"reports not written: {type(exc).__name__}: {exc}")


def _month(outcome: Outcome) -> tuple[int, int] | None:
    day = outcome.now.astimezone(CONTRACT_TZ)
    return day.year, day.month


def _row(
    entry: FleetContract, outcome: Outcome | None, history: Sequence[dict[str, object]], written: Written | None
) -> OverviewRow:
    owner = "" if entry.owner is None else (entry.owner.name_zh or entry.owner.name_en or entry.owner.email or "")
    trend = [Spark(p.now, None if p.shortfall_value is None else -p.shortfall_value) for p in points_from_rows(history)]
    links = () if written is None else written.links
    if outcome is None or outcome.digest is None:
        problem = "no check recorded yet" if outcome is None else outcome.problem
        return OverviewRow(
            entry.name, entry.name, entry.name, owner, "invalid", 2 if outcome is None else outcome.exit_code,
            None, 0, 0, 0, 0, 0, None, (), None if outcome is None else outcome.now,
            (problem or "").splitlines()[0] if problem else None, trend, links,
        )  # fmt: skip
    digest = outcome.digest
    overdue = digest.expansions_in(ExpansionState.OVERDUE)
    problem = written.problem if written is not None else None
    return OverviewRow(
        name=entry.name,
        title_zh=digest.title_zh,
        title_en=digest.title_en,
        owner=owner,
        state=digest.verdict,
        exit_code=outcome.exit_code,
        shortfall_value=-digest.shortfall_value if digest.shortfall_value else Decimal("0.00"),
        short_items=digest.count(Status.SHORT),
        unknown_items=digest.count(Status.UNKNOWN),
        open_expansions=len(digest.expansions_in(ExpansionState.OPEN)),
        at_risk_expansions=len(digest.expansions_in(ExpansionState.AT_RISK)),
        overdue_expansions=len(overdue),
        overdue_since=min((e.due_at for e in overdue), default=None),
        failing_sources=[s.name for s in digest.sources if s.failed],
        last_check=outcome.now,
        problem=problem,
        trend=trend,
        links=links,
        shortfall_possible=-digest.shortfall_value_possible,
    )
