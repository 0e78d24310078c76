"""The `reconciler fleet` commands (check, notify, report) and `reconciler serve --metrics`: typer faces over
`app.fleet_command`, `app.fleet_site` and the fleet package. Registered on the main command by `app.cli`.

Exit codes as `reconciler check`'s; `fleet check` exits with the worst of its contracts' (2 > 1 > 3 > 0, see
`fleet.outcomes.SEVERITY`) and names each contract's result.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reconciler.base.errors import InputError
from reconciler.dates.clock import CONTRACT_TZ, parse_instant

if TYPE_CHECKING:  # the fleet's modules are imported by its commands only: `reconciler check` starts as fast
    from reconciler.fleet.load import Fleet
    from reconciler.fleet.outcomes import Outcome
    from reconciler.fleet.shards import Shard

fleet_app = typer.Typer(
    help="Every contract of a fleet file: check them (sharded, side by side), notify, report, expose metrics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

FleetArgument = Annotated[Path, typer.Argument(help="The fleet file (JSON, schema: `reconciler schema fleet`).")]
OnlyOption = Annotated[
    list[str] | None, typer.Option("--only", metavar="NAME", help="Only this contract (repeatable).")
]
ShardOption = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="I/N",
        envvar="RECONCILER_FLEET_SHARD",
        help="Check the I-th of N shards (I from 0, as JOB_COMPLETION_INDEX; a contract's shard is a hash of its "
        "name); default: the whole fleet.",
    ),
]
HistoryOption = Annotated[
    str | None,
    typer.Option(
        "--history",
        envvar="RECONCILER_HISTORY",
        help="The one history store of the fleet (postgresql://... in production; see `reconciler check`).",
    ),
]
NowOption = Annotated[str | None, typer.Option("--now", help="As of this ISO 8601 instant with offset (default: now).")]


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@fleet_app.command("check")
def check(
    fleet_file: FleetArgument,
    only: OnlyOption = None,
    shard: ShardOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, max=256, help="Contracts checked at once (default: CPUs).")
    ] = None,
    pool: Annotated[
        str,
        typer.Option(
            "--pool",
            help="thread (default: as fast as processes where the store's round trips dominate, at half the "
            "memory; bench/fleet.py) or process.",
        ),
    ] = "thread",
    history: HistoryOption = None,
    now: NowOption = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch", envvar="RECONCILER_FLEET_BATCH", help="Names this night's run (default: the day of --now)."
        ),
    ] = None,
    notify: Annotated[bool, typer.Option("--notify", help="Then tell the targets of what changed.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --notify: print what would be sent.")] = False,
    metrics_textfile: Annotated[
        Path | None,
        typer.Option("--metrics-textfile", metavar="FILE", help="Write the shard's metrics for node-exporter."),
    ] = None,
    pushgateway: Annotated[
        str | None,
        typer.Option("--pushgateway", metavar="URL", envvar="RECONCILER_PUSHGATEWAY", help="Push them there."),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TEXT,
) -> None:
    """Check every contract of the fleet (or of one shard) as `reconciler check` would, into one history store."""
    from reconciler.app.fleet_command import fleet_check
    from reconciler.fleet.load import load_fleet
    from reconciler.fleet.outcomes import worst
    from reconciler.fleet.runner import Pool, default_workers
    from reconciler.history.store import history_url

    moment = _parse_now(now)
    chosen_shard = _shard(shard)
    if pool not in ("process", "thread"):
        raise InputError.single("<option --pool>", "", f"expected process or thread; got {pool!r}")
    fleet = load_fleet(fleet_file)
    store = history_url(history)
    night = batch or moment.astimezone(CONTRACT_TZ).date().isoformat()
    chosen_pool: Pool = "thread" if pool == "thread" else "process"
    outcomes = fleet_check(
        fleet, only or [], chosen_shard, moment, store, night, workers or default_workers(), chosen_pool
    )
    code = worst(o.exit_code for o in outcomes)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(_outcomes_json(outcomes, night, chosen_shard, moment, int(code)))
    else:
        sys.stdout.write(_outcomes_text(outcomes, night, chosen_shard, int(code)))
    if notify:  # before the metrics: a Pushgateway that is down must not keep the night's news from being told
        _notify(fleet, outcomes, store, dry_run)
    if metrics_textfile is not None or pushgateway:
        from reconciler.fleet.metrics import push, registry_of, write_textfile

        registry = registry_of(outcomes)
        if metrics_textfile is not None:
            write_textfile(metrics_textfile, registry)
        if pushgateway:
            push(pushgateway, registry, str(chosen_shard))
    raise typer.Exit(int(code))


@fleet_app.command("notify")
def notify_command(
    fleet_file: FleetArgument,
    only: OnlyOption = None,
    shard: ShardOption = None,
    history: HistoryOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
) -> None:
    """Tell each contract's targets what changed since they were last told (from the latest outcomes in history);
    a notification sent is never sent again, one that failed is tried again."""
    from reconciler.fleet.load import load_fleet
    from reconciler.fleet.outcomes import outcome_from_row
    from reconciler.fleet.shards import in_shard
    from reconciler.history.store import history_url, open_history

    fleet = load_fleet(fleet_file)
    chosen = in_shard(fleet.named(only or []), _shard(shard), lambda c: c.name)
    store = history_url(history)
    with open_history(store, read_only=dry_run) as opened:
        rows = opened.latest_outcomes([c.name for c in chosen])
    _notify(fleet, [outcome_from_row(r) for r in rows], store, dry_run, exit_on_failure=True)


def _notify(
    fleet: Fleet, outcomes: Sequence[Outcome], store: str, dry_run: bool, exit_on_failure: bool = False
) -> None:
    from reconciler.fleet.notify import notify
    from reconciler.history.store import open_history

    with open_history(store, read_only=dry_run) as opened:
        report = notify(fleet, outcomes, opened, os.environ, lambda: datetime.now(UTC), dry_run=dry_run)
    out = sys.stdout if dry_run or exit_on_failure else sys.stderr
    for item in report.delivered:
        event = item.event
        out.write(
            f"notify {event.contract} -> {event.target}: {event.subject} {event.previous} -> {event.state}: "
            f"{item.result} ({item.detail})\n"
        )
        if item.preview is not None and item.result == "dry-run":
            body = getattr(item.preview, "body", None)
            shown = body.decode("utf-8") if isinstance(body, bytes) else getattr(item.preview, "text", "")
            out.write("  " + shown.replace("\n", "\n  ") + "\n")
    out.write(
        f"notifications: {report.count('sent')} sent, {report.count('failed')} failed, "
        f"{report.count('skipped')} sent before, {report.count('dry-run')} not sent (dry run)\n"
    )
    if exit_on_failure and not report.ok:
        raise typer.Exit(1)


def _outcomes_text(outcomes: Sequence[Outcome], batch: str, shard: Shard, code: int) -> str:
    from reconciler.base.formats import money

    lines = [f"fleet check {batch}, shard {shard}: {len(outcomes)} contracts"]
    width = max((len(o.contract) for o in outcomes), default=8)
    for o in outcomes:
        if o.digest is None:
            detail = (o.problem or "").replace("\n", "; ")
        else:
            detail = f"shortfall {money(-o.digest.shortfall_value, 'en')} CNY/month, run {o.run_id}"
            if o.problem:
                detail += f"; {o.problem}"
        lines.append(f"  {o.contract:<{width}}  exit {o.exit_code}  {o.verdict:<8} {detail}")
    counts = {v: sum(1 for o in outcomes if o.verdict == v) for v in ("ok", "drift", "unknown", "invalid")}
    lines.append(
        f"{len(outcomes)} contracts: {counts['ok']} ok, {counts['drift']} drift, {counts['unknown']} unknown, "
        f"{counts['invalid']} not checked; exit {code}"
    )
    return "\n".join(lines) + "\n"


def _outcomes_json(outcomes: Sequence[Outcome], batch: str, shard: Shard, now: datetime, code: int) -> str:
    data = {
        "schema": "contract-reconciler/fleet-check",
        "version": 1,
        "batch": batch,
        "shard": str(shard),
        "now": now.isoformat(),
        "exit_code": code,
        "contracts": [
            {
                "name": o.contract,
                "exit_code": o.exit_code,
                "verdict": o.verdict,
                "run_id": o.run_id,
                "outcome_id": o.outcome_id,
                "problem": o.problem,
                "shortfall_value_monthly": None if o.digest is None else str(o.digest.shortfall_value),
                "duration_seconds": round(o.duration_seconds, 3),
            }
            for o in outcomes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _shard(text: str | None) -> Shard:
    from reconciler.fleet.shards import WHOLE, parse_shard

    chosen = WHOLE if text is None or not text.strip() else parse_shard(text)
    index = os.environ.get("JOB_COMPLETION_INDEX")
    if index is not None and index.strip().isdigit() and int(index) != chosen.index and chosen.count > 1:
        raise InputError.single(
            "<option --shard>", "", f"shard {chosen} in a pod whose JOB_COMPLETION_INDEX is {index}: use {index}/N"
        )
    return chosen


def _parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(CONTRACT_TZ)
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise InputError.single("<option --now>", "", str(exc)) from exc


@fleet_app.command("report")
def report_command(
    fleet_file: FleetArgument,
    output: Annotated[Path, typer.Option("--output", metavar="DIR", help="The site's directory (made if needed).")],
    history: HistoryOption = None,
    now: NowOption = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256, help="Reports written at once.")] = None,
    reports: Annotated[
        bool, typer.Option("--reports/--no-reports", help="Also write each contract's status and monthly reports.")
    ] = True,
) -> None:
    """Write the management unit's site from the history: an overview of every contract (Chinese and English)
    linking to each contract's status and monthly reports."""
    from reconciler.app.fleet_site import write_site
    from reconciler.fleet.load import load_fleet
    from reconciler.fleet.runner import default_workers
    from reconciler.history.store import history_url

    moment = _parse_now(now)
    fleet = load_fleet(fleet_file)
    if output.exists() and not output.is_dir():
        raise InputError.single(str(output), "", "not a directory: --output names the site's directory")
    overview = write_site(fleet, history_url(history), moment, output, workers or default_workers(), reports=reports)
    counts = ", ".join(f"{overview.count(s)} {s}" for s in ("drift", "unknown", "invalid", "ok"))
    sys.stdout.write(f"{output / 'index.html'}: {len(overview.rows)} contracts ({counts}) written\n")


def serve(
    fleet_file: Annotated[Path, typer.Argument(help="The fleet file whose contracts to expose.")],
    metrics: Annotated[bool, typer.Option("--metrics", help="Serve Prometheus metrics on /metrics.")] = False,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0: any free port (printed).")] = 9464,
    address: Annotated[str, typer.Option("--address", help="Listen on this address.")] = "0.0.0.0",
    history: HistoryOption = None,
) -> None:
    """A long-running exporter: each scrape of /metrics reads every contract's latest outcome from the history."""
    from reconciler.fleet.load import load_fleet
    from reconciler.fleet.metrics import serve as serve_metrics
    from reconciler.fleet.outcomes import outcome_from_row
    from reconciler.history.store import history_url, open_history

    if not metrics:
        raise InputError.single("<option --metrics>", "", "say what to serve: --metrics")
    fleet = load_fleet(fleet_file)
    names = [c.name for c in fleet.contracts]
    store = history_url(history)

    def latest() -> list[Outcome]:
        with open_history(store, read_only=True) as opened:
            return [outcome_from_row(row) for row in opened.latest_outcomes(names)]

    def ready(bound: int) -> None:
        sys.stdout.write(f"serving metrics of {len(names)} contracts on http://{address}:{bound}/metrics\n")
        sys.stdout.flush()

    serve_metrics(address, port, latest, ready=ready)
