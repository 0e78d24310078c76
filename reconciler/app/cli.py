"""The `reconciler` command line: validate, check, report, deadline, calendar, schema. A thin face over the core.

Exit codes: 0 all met, 1 short or over, 2 invalid input, 3 a source failed (see ExitCode).
Bad input never prints a traceback: it names the file, the field and the reason.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from reconciler.app.schemas import SCHEMA_NAMES
from reconciler.base.errors import InputError
from reconciler.contract.load import DEFAULT_CONTRACT
from reconciler.contract.obligations import DEFAULT_SOON_DAYS
from reconciler.dates.periods import Rule
from reconciler.report.labels import Lang, PageLang

if TYPE_CHECKING:
    from reconciler.app.progress import Progress
    from reconciler.base.messages import Message
    from reconciler.core.attestations import Attestation
    from reconciler.core.models import ExitCode, Reconciliation
    from reconciler.core.observation import Resource, VmState
    from reconciler.dates.periods import YearCalendar
    from reconciler.sources.base import SourceRequest

app = typer.Typer(
    help="Reconcile the cloud service contract's capacity against what is provisioned.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class ValidateFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class CheckFormat(StrEnum):
    CONSOLE = "console"
    JSON = "json"
    MARKDOWN = "markdown"


ContractOption = Annotated[
    Path,
    typer.Option("--contract", envvar="RECONCILER_CONTRACT", help="The contract inventory file.", show_default=True),
]
ObservedOption = Annotated[Path, typer.Option("--observed", help="A normalized observation snapshot (JSON).")]
OptionalObservedOption = Annotated[
    Path | None,
    typer.Option("--observed", help="A normalized observation snapshot (JSON): --source snapshot --from-file FILE."),
]
NowOption = Annotated[str | None, typer.Option("--now", help="As of this ISO 8601 instant with offset (default: now).")]
HistoryOption = Annotated[
    str | None,
    typer.Option(
        "--history",
        envvar="RECONCILER_HISTORY",
        help="Run history store: a SQLite file or sqlite:///FILE, or postgresql://USER:PASSWORD@HOST:PORT/DB "
        "(or postgres://...; default: .reconciler/history.sqlite). Deadlines in seconds as URL parameters: "
        "connect_timeout=10, statement_timeout=60, lock_timeout=30.",
    ),
]
NoHistoryOption = Annotated[
    bool, typer.Option("--no-history", help="Neither record this run nor compare it with the last one.")
]


@app.command()
def validate(
    path: Annotated[
        Path, typer.Argument(envvar="RECONCILER_CONTRACT", help="Contract inventory to check.")
    ] = DEFAULT_CONTRACT,
    output_format: Annotated[ValidateFormat, typer.Option("--format")] = ValidateFormat.TEXT,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text output.")] = "en",
) -> None:
    """Load the contract and check all of its arithmetic. Exit 2 if its figures contradict each other."""
    from reconciler.contract.checks import check_contract
    from reconciler.contract.load import load_contract
    from reconciler.core.models import ExitCode
    from reconciler.report.validation import validation_json, validation_text

    contract = load_contract(path)
    checked = check_contract(contract)
    if output_format is ValidateFormat.JSON:
        sys.stdout.write(validation_json(_shown(path), contract, checked))
    else:
        sys.stdout.write(validation_text(_shown(path), contract, checked, lang))
    raise typer.Exit(int(ExitCode.OK if checked.ok else ExitCode.INVALID_INPUT))


SourceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        metavar="NAME",
        help="Observe through this source (repeatable; see `reconciler sources`); combined into one observation.",
    ),
]
FromFileOption = Annotated[
    list[str] | None,
    typer.Option(
        "--from-file",
        metavar="[NAME=]FILE",
        help="Read the source's native export instead of its live API (repeatable; NAME= when several sources).",
    ),
]
SourceSettingOption = Annotated[
    list[str] | None,
    typer.Option("--source-option", metavar="NAME.KEY=VALUE", help="A source setting (repeatable)."),
]
AttestOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--attest",
        metavar="FILE",
        help="Attestations (JSON or YAML) of line items no source can list: a named person, a quantity, evidence, "
        "valid until (repeatable; docs/formats.md).",
    ),
]
PlanOption = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="FILE",
        help="`pulumi preview --json` of a change: check the stack as it will be once applied "
        "(= --source-option pulumi.plan=FILE; Terraform plans are read with --source terraform --from-file).",
    ),
]


def _plan_option(plan: Path | None, sources: list[str]) -> list[str]:
    """`--plan FILE` as the pulumi source's setting; refused (exit 2) without that source."""
    if plan is None:
        return []
    if "pulumi" not in sources:
        raise InputError.single(
            "--plan",
            "",
            "a `pulumi preview --json` plan needs --source pulumi (Terraform: --source terraform "
            "--from-file PLAN.json)",
        )
    return [f"pulumi.plan={plan}"]


@app.command()
def check(
    observed: OptionalObservedOption = None,
    source: SourceOption = None,
    from_file: FromFileOption = None,
    source_option: SourceSettingOption = None,
    attest: AttestOption = None,
    plan: PlanOption = None,
    contract: ContractOption = DEFAULT_CONTRACT,
    output_format: Annotated[CheckFormat, typer.Option("--format")] = CheckFormat.CONSOLE,
    now: NowOption = None,
    count_states: Annotated[
        str, typer.Option("--count-states", help="VM states that count as supplied, comma-separated.")
    ] = "running,stopped",
    lang: Annotated[Lang, typer.Option("--lang", help="Language of console and Markdown output.")] = "en",
    history: HistoryOption = None,
    no_history: NoHistoryOption = False,
    junit: Annotated[
        Path | None, typer.Option("--junit", metavar="FILE", help="Also write JUnit XML (a test per line item).")
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option("--markdown", metavar="FILE", help="Also write the Markdown report (e.g. $GITHUB_STEP_SUMMARY)."),
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="Also write the JSON output.")
    ] = None,
    plan_gate: Annotated[
        bool,
        typer.Option(
            "--plan-gate",
            help="Judge a planned change: exit 1 only when a line item would be short, 3 when one cannot be "
            "judged (unknown), 0 otherwise (over, pending and not observed pass); see docs/terraform.md.",
        ),
    ] = False,
) -> None:
    """Reconcile what the sources observe against the contract: per line item entitled, supplied, gap and status."""
    from reconciler.app.pipeline import check_sources, load_checked_contract
    from reconciler.core.meters import MeterPolicy
    from reconciler.report.outputs import prepare_output, write_output
    from reconciler.sources.select import open_sources, source_requests

    moment = _parse_now(now)
    policy = MeterPolicy(counted_vm_states=_parse_states(count_states))
    options = [*(source_option or []), *_plan_option(plan, source or [])]
    requests = source_requests(source or [], from_file or [], options, observed, os.environ, moment)
    for path in (junit, markdown, json_file):
        if path is not None:
            prepare_output(path)
    loaded, warnings = load_checked_contract(contract)
    attested = _attestations(attest)
    planned: list[Resource] | None = [] if plan_gate else None
    with _progress_of(requests) as progress:
        requests = [replace(request, progress=progress) for request in requests]
        result = check_sources(
            loaded,
            warnings,
            open_sources(requests),
            moment,
            policy,
            _history_store(history, no_history),
            attested,
            keep=planned,
        )
    if junit is not None:
        from reconciler.report.junit import render_junit

        junit_xml = render_junit(result)
        write_output(junit, lambda out: out.write(junit_xml))
    if markdown is not None:
        from reconciler.report.markdown import render_markdown

        markdown_text = render_markdown(result, lang).encode("utf-8")
        write_output(markdown, lambda out: out.write(markdown_text))
    if json_file is not None:
        from reconciler.report.json_output import write_json

        write_output(json_file, partial(write_json, result))
    _print_result(result, output_format, lang)
    before = _before_the_plan(requests, result)
    held: list[Resource] = []
    if before is not None and (plan_gate or output_format is not CheckFormat.JSON):
        prior = check_sources(loaded, warnings, open_sources(before), moment, policy, None, attested, keep=held)
        if output_format is not CheckFormat.JSON:
            from reconciler.report.plan_change import render_plan_change

            sys.stdout.write("\n")
            render_plan_change(prior, result, sys.stdout, lang)
    if plan_gate:
        code, lines = plan_gate_verdict(result, held, planned or [])
        verdict, *causes = lines
        from reconciler.base.messages import say

        sys.stderr.write(say(verdict, lang) + "\n" + "".join(f"- {say(cause, lang)}\n" for cause in causes))
        raise typer.Exit(code)
    raise typer.Exit(int(result.exit_code))


def _print_result(result: Reconciliation, output_format: CheckFormat, lang: Lang) -> None:
    """The check's result on standard output in `output_format`."""
    if output_format is CheckFormat.JSON:
        _print_json(result)
    elif output_format is CheckFormat.MARKDOWN:
        from reconciler.report.markdown import render_markdown

        sys.stdout.write(render_markdown(result, lang))
    else:
        from reconciler.report.console import render_console

        render_console(result, sys.stdout, lang)


def _before_the_plan(requests: list[SourceRequest], result: Reconciliation) -> list[SourceRequest] | None:
    """The same sources without the planned change (a Pulumi export without its preview, a Terraform plan's
    prior state), when one of them read a plan; None otherwise."""
    planned = [r for r in requests if r.name == "pulumi" and r.settings.get("plan")]
    if any(r.name == "terraform" for r in requests):  # the Terraform source's module only when it was asked for
        from reconciler.sources.terraform.source import reads_a_plan

        planned += [r for r in requests if r.name == "terraform" and reads_a_plan(result.sources, r)]
    if not planned:
        return None
    before = []
    for request in requests:
        settings = dict(request.settings)
        if request in planned and request.name == "pulumi":
            settings.pop("plan")
        elif request in planned:
            settings["prior"] = "true"
        before.append(replace(request, settings=settings, progress=None))
    return before


def plan_gate_verdict(
    result: Reconciliation, before: Sequence[Resource] = (), after: Sequence[Resource] = ()
) -> tuple[ExitCode, list[Message]]:
    """The exit code and sentences of `check --plan-gate`: only a shortfall fails a plan (1); a line item that may
    be short (its bounds allow it: a value unknown until apply, a failed source) is 3; anything else passes. With
    the resources `before` and `after` the change, each short line item is followed by the resources the change
    leaves with less of it (`ksyun_instance.this["app-13"] (removed)`, `db-1 (128 -> 64)`)."""
    from reconciler.base.messages import message
    from reconciler.core.models import ExitCode, Status
    from reconciler.core.plan_causes import plan_causes

    short = [f.line_item for f in result.findings if f.status is Status.SHORT]
    maybe = [f.line_item for f in result.findings if f.status is Status.UNKNOWN and Status.SHORT in f.possible]
    if short:
        code, verdict = ExitCode.DRIFT, message("plan_gate_short", line_items=short)
    elif maybe:
        code, verdict = ExitCode.SOURCE_FAILED, message("plan_gate_maybe_short", line_items=maybe)
    else:
        code, verdict = ExitCode.OK, message("plan_gate_ok")
    lines = [message("plan_gate", verdict=verdict, code=int(code))]
    for item in short if before else []:
        causes = plan_causes(item, before, after)
        if causes:
            lines.append(message("plan_gate_causes", line_item=item, causes=[cause.message() for cause in causes]))
    return code, lines


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    MARKDOWN = "markdown"
    JSON = "json"


class ReportKind(StrEnum):
    STATUS = "status"
    MONTHLY = "monthly"
    SUMMARY = "summary"


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", metavar="FILE", help="The report file to write.")],
    observed: Annotated[
        Path | None,
        typer.Option(
            "--observed", help="Check this observation snapshot and report it (default: report from history)."
        ),
    ] = None,
    source: SourceOption = None,
    from_file: FromFileOption = None,
    source_option: SourceSettingOption = None,
    attest: AttestOption = None,
    kind: Annotated[
        ReportKind,
        typer.Option(
            "--kind",
            help="status: the contract's state; monthly: the monthly operations report (运维服务月报) of --period; "
            "summary: the service summary report (服务总结报告). Monthly and summary come from history.",
        ),
    ] = ReportKind.STATUS,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", metavar="YYYY-MM", help="The month: of a monthly report, or of the recorded run a status shows."
        ),
    ] = None,
    contract: ContractOption = DEFAULT_CONTRACT,
    output_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.HTML,
    lang: Annotated[
        PageLang | None,
        typer.Option(
            "--lang",
            help="Labels in en, zh, or both side by side (HTML and PDF only; default: both for html/pdf, else en).",
        ),
    ] = None,
    now: NowOption = None,
    history: HistoryOption = None,
    no_history: NoHistoryOption = False,
) -> None:
    """Write a report to a file (HTML, PDF, Markdown or JSON): the contract's status from an observation or the
    latest recorded run, or the acceptance materials of Art. 6 built from the run history."""
    from reconciler.app.pipeline import load_checked_contract
    from reconciler.app.report_command import (  # the report machinery (Jinja2, acceptance) only for `report`
        acceptance_report,
        parse_month,
        render_acceptance,
        render_status,
        status_from_history,
        status_from_observation,
    )
    from reconciler.report.outputs import prepare_output, write_output
    from reconciler.report.text import verdict_line
    from reconciler.sources.select import open_sources, source_requests

    moment = _parse_now(now)
    page_format = output_format in (ReportFormat.HTML, ReportFormat.PDF)
    observing = observed is not None or bool(source)
    _check_report_options(kind, observing, period, no_history, lang, page_format)
    month = None if period is None else parse_month(period)
    language: PageLang = lang or ("both" if page_format else "en")
    requests = (
        source_requests(source or [], from_file or [], source_option or [], observed, os.environ, moment)
        if observing
        else []
    )
    if attest and not observing:
        raise InputError.single(
            "<option --attest>", "", "attestations count toward an observation: give --observed or --source"
        )
    prepare_output(output)
    loaded, warnings = load_checked_contract(contract)
    attested = _attestations(attest)
    store = _history_store(history, no_history)
    if kind is ReportKind.STATUS:
        if observing:
            with _progress_of(requests) as progress:
                opened = open_sources([replace(request, progress=progress) for request in requests])
                status = status_from_observation(loaded, warnings, opened, moment, store, attested)
        else:
            assert store is not None  # --no-history without --observed was refused above
            status = status_from_history(loaded, moment, store, month)
        write_output(output, render_status(status, loaded, output_format.value, language))
        summary = verdict_line(status.result, "en")
    else:
        assert store is not None
        chosen: Literal["monthly", "summary"] = "monthly" if kind is ReportKind.MONTHLY else "summary"
        made, series = acceptance_report(loaded, chosen, moment, store, month)
        write_output(output, render_acceptance(made, series, loaded, output_format.value, language))
        runs, days = made.coverage.runs, made.coverage.days
        summary = (
            f"{runs} {'run' if runs == 1 else 'runs'} on {made.coverage.days_with_runs} of {days} "
            f"{'day' if days == 1 else 'days'}"
        )
    sys.stdout.write(f"{_shown(output)}: {kind.value} {output_format.value} report written; {summary}\n")


def _check_report_options(
    kind: ReportKind,
    observing: bool,
    period: str | None,
    no_history: bool,
    lang: PageLang | None,
    page_format: bool,
) -> None:
    if lang == "both" and not page_format:
        raise InputError.single("<option --lang>", "", "both is for --format html or pdf; choose en or zh")
    if observing and kind is not ReportKind.STATUS:
        raise InputError.single(
            "<option --observed>", "", f"the {kind.value} report is built from history; drop --observed/--source"
        )
    if observing and period is not None:
        raise InputError.single(
            "<option --period>", "", "--period picks a recorded run; with --observed the observation is reported"
        )
    if not observing and no_history:
        raise InputError.single(
            "<option --no-history>",
            "",
            "without --observed or --source the report is built from history; give --observed FILE",
        )
    if kind is ReportKind.SUMMARY and period is not None:
        raise InputError.single("<option --period>", "", "the summary report covers the whole service period")
    if kind is ReportKind.MONTHLY and period is None:
        raise InputError.single("<option --period>", "", "the monthly report needs --period YYYY-MM")


@app.command()
def deadline(
    event: Annotated[str, typer.Option("--from", help="The event the period runs from: ISO 8601 instant with offset.")],
    days_text: Annotated[
        str | None,
        typer.Option("--days", metavar="N", help="Length in days (natural, or working with --working)."),
    ] = None,
    months_text: Annotated[
        str | None, typer.Option("--months", metavar="N", help="Length in months (Art. 202).")
    ] = None,
    working: Annotated[bool, typer.Option("--working", help="Count --days as working days.")] = False,
    rule: Annotated[
        Rule, typer.Option("--rule", help="civil-code: a last day on a rest day moves to the next working day.")
    ] = Rule.CIVIL_CODE,
    calendar: Annotated[
        list[Path] | None,
        typer.Option("--calendar", help="Holidays of a year the built-in data lacks (JSON; repeatable)."),
    ] = None,
    output_format: Annotated[ValidateFormat, typer.Option("--format")] = ValidateFormat.TEXT,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text output.")] = "en",
) -> None:
    """When a period ends under the Civil Code (Art. 201-203): N natural or working days, or N months."""
    from reconciler.dates.periods import period_end
    from reconciler.report.deadline import deadline_json, deadline_text

    days = None if days_text is None else _whole_number("--days", days_text)
    months = None if months_text is None else _whole_number("--months", months_text)
    start = _parse_instant_option("--from", event)
    if (days is None) == (months is None):
        raise InputError.single("<option --days/--months>", "", "give exactly one of --days N or --months N")
    if days is not None:
        _check_count("--days", days)
    if months is not None:
        _check_count("--months", months)
        if working:
            raise InputError.single("<option --working>", "", "working days are counted with --days, not --months")
    files = calendar or []
    calendars = _load_calendars(files)
    try:
        result = period_end(start, days=days, months=months, working=working, rule=rule, calendars=calendars)
    except ValueError as exc:
        raise InputError.single("<option --from>", "", str(exc)) from exc
    render = (
        deadline_json(result, [_shown(f) for f in files])
        if output_format is ValidateFormat.JSON
        else deadline_text(result, lang)
    )
    sys.stdout.write(render)


class CalendarFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command()
def calendar(
    contract: ContractOption = DEFAULT_CONTRACT,
    now: NowOption = None,
    soon_days_text: Annotated[
        str, typer.Option("--soon-days", metavar="N", help="A date at most this many days ahead is due soon.")
    ] = str(DEFAULT_SOON_DAYS),
    calendar_files: Annotated[
        list[Path] | None,
        typer.Option("--calendar", help="Holidays of a year the built-in data lacks (JSON; repeatable)."),
    ] = None,
    output_format: Annotated[CalendarFormat, typer.Option("--format")] = CalendarFormat.TEXT,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of text and Markdown output.")] = "en",
) -> None:
    """Every dated obligation of the contract, its date under the period rules, and whether it is past or due soon."""
    from reconciler.contract.load import load_contract
    from reconciler.contract.obligations import obligations
    from reconciler.dates.periods import MAX_DAYS
    from reconciler.report.calendar import calendar_json, calendar_markdown, calendar_text

    moment = _parse_now(now)
    soon_days = _whole_number("--soon-days", soon_days_text)
    if not 0 <= soon_days <= MAX_DAYS:
        raise InputError.single(
            "<option --soon-days>", "", f"expected a whole number from 0 to {MAX_DAYS}; got {soon_days}"
        )
    files = calendar_files or []
    calendars = _load_calendars(files)
    loaded = load_contract(contract)
    try:
        items = obligations(loaded, moment, calendars, soon_days)
    except ValueError as exc:  # a period past the year 9999
        raise InputError.single(str(contract), "", str(exc)) from exc
    if output_format is CalendarFormat.JSON:
        sys.stdout.write(calendar_json(items, moment, soon_days, [_shown(f) for f in files]))
    elif output_format is CalendarFormat.MARKDOWN:
        sys.stdout.write(calendar_markdown(items, loaded.title_zh, moment, soon_days, lang))
    else:
        from reconciler.report.console import output_width

        sys.stdout.write(calendar_text(items, loaded.title_zh, moment, soon_days, lang, output_width(sys.stdout)))


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(SCHEMA_NAMES)}.")] = "contract",
) -> None:
    """Print the JSON Schema of the contract, observation snapshot or reconciliation output."""
    if name not in SCHEMA_NAMES:
        raise InputError.single(
            "<argument NAME>", "", f"unknown schema {name!r}; choose one of {', '.join(SCHEMA_NAMES)}"
        )
    from reconciler.app.schemas import SchemaName, schema_text

    chosen: SchemaName = name
    sys.stdout.write(schema_text(chosen))


tables_app = typer.Typer(
    help="Scaffold a source's tables file from what it observes, and check a filled one (docs/operations.md).",
    no_args_is_help=True,
)
app.add_typer(tables_app, name="tables")


@tables_app.command("init")
def tables_init(
    source: Annotated[str, typer.Option("--source", metavar="NAME", help="The source whose tables to scaffold.")],
    from_file: FromFileOption = None,
    source_option: SourceSettingOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", metavar="FILE", help="Write the tables file here (default: stdout).")
    ] = None,
    now: NowOption = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the summary printed with --output.")] = "en",
) -> None:
    """List every instance family / instance type, state, volume type and storage class the source observes
    (live, or its --from-file export), with counts and sample ids, and write the tables file to fill in: the
    fields an API reports filled, the rest null, each entry with an `evidence` field. The tables file in use
    (the source's `tables` setting), or the --output file when it already holds tables, is carried over: what
    was filled stays, what is new is added (and named)."""
    from reconciler.app.tables_command import init_tables, write_document
    from reconciler.report.outputs import prepare_output, write_output
    from reconciler.report.tables import scaffold_text

    moment = _parse_now(now)
    if output is not None:
        prepare_output(output)
    scaffolded = init_tables(source, from_file or [], source_option or [], os.environ, moment, output)
    document = scaffolded.document
    if output is None:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            data = io.BytesIO()
            write_document(document, data)
            sys.stdout.write(data.getvalue().decode("utf-8"))
        else:
            write_document(document, buffer)
            buffer.flush()
        return
    write_output(output, partial(write_document, document))
    todo = [(problem.field, problem.reason) for problem in scaffolded.blanks]
    carried = None if scaffolded.carried is None else (scaffolded.carried, scaffolded.new)
    sys.stdout.write(scaffold_text(document, str(output), todo, lang, carried))


@tables_app.command("check")
def tables_check(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="The tables file.")],
    source: Annotated[
        str | None, typer.Option("--source", metavar="NAME", help="Whose tables, when the file does not say.")
    ] = None,
    output_format: Annotated[ValidateFormat, typer.Option("--format")] = ValidateFormat.TEXT,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text output.")] = "en",
) -> None:
    """Validate a tables file and name what is still blank. Exit 0 when complete, 1 when something is still
    blank (a null field, a filled entry without evidence), 2 when it is not a tables file."""
    from reconciler.app.tables_command import check_tables
    from reconciler.core.models import ExitCode
    from reconciler.report.tables import check_json, check_text

    checked = check_tables(path, source)
    blanks = [(problem.field, problem.reason) for problem in checked.blanks]
    if output_format is ValidateFormat.JSON:
        sys.stdout.write(check_json(checked.file, checked.source, checked.entries, blanks))
    else:
        sys.stdout.write(check_text(checked.file, checked.source, checked.entries, blanks, lang))
    raise typer.Exit(int(ExitCode.OK if checked.complete else ExitCode.DRIFT))


@app.command()
def sources(
    output_format: Annotated[ValidateFormat, typer.Option("--format")] = ValidateFormat.TEXT,
) -> None:
    """List the sources `check --source` can observe through, what each reads, and its settings."""
    from reconciler.app.source_listing import sources_json, sources_text
    from reconciler.sources import SOURCES

    render = sources_json if output_format is ValidateFormat.JSON else sources_text
    sys.stdout.write(render(SOURCES, os.environ))


def _print_json(result: Reconciliation) -> None:
    from reconciler.report.json_output import write_json

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout (tests, embedding)
        data = io.BytesIO()
        write_json(result, data)
        sys.stdout.write(data.getvalue().decode("utf-8"))
        return
    sys.stdout.flush()
    write_json(result, buffer)
    buffer.flush()


@contextmanager
def _progress_of(requests: list[SourceRequest]) -> Iterator[Progress | None]:
    """While observing: a progress bar when the one input is a big file (a snapshot), else a spinner naming
    the sources (live APIs and native exports). Nothing when not on a terminal or in CI."""
    from reconciler.app.progress import observing_status, snapshot_progress

    files = [path for request in requests for path in request.from_files]
    if len(requests) == 1 and len(files) == 1 and requests[0].name == "snapshot":
        with snapshot_progress(files[0], sys.stderr, os.environ) as progress:
            yield progress
        return
    with observing_status([request.name for request in requests], sys.stderr, os.environ):
        yield None


def _history_store(history: str | None, no_history: bool) -> str | None:
    """The store URL to record in, or None; SQLAlchemy is imported only when a run is recorded."""
    if no_history:
        return None
    from reconciler.history.store import history_url

    return history_url(history)


def _parse_now(text: str | None) -> datetime:
    from reconciler.dates.clock import CONTRACT_TZ

    if text is None:
        return datetime.now(CONTRACT_TZ)
    return _parse_instant_option("--now", text)


def _parse_instant_option(option: str, text: str) -> datetime:
    from reconciler.dates.clock import parse_instant

    try:
        return parse_instant(text)
    except ValueError as exc:
        raise InputError.single(f"<option {option}>", "", str(exc)) from exc


def _whole_number(option: str, text: str) -> int:
    """An option's whole number, written with ASCII digits (Python's int() would take "７" and "1_0")."""
    if not re.fullmatch(r"-?[0-9]{1,12}", text.strip()):
        raise InputError.single(f"<option {option}>", "", f"expected a whole number (ASCII digits); got {text!r}")
    return int(text)


def _check_count(option: str, value: int) -> None:
    from reconciler.dates.periods import MAX_DAYS, MAX_MONTHS, length_problem

    problem = length_problem(value, MAX_MONTHS if option == "--months" else MAX_DAYS)
    if problem is not None:
        raise InputError.single(f"<option {option}>", "", problem)


def _load_calendars(paths: list[Path]) -> list[YearCalendar]:
    from reconciler.base.jsonio import load_json
    from reconciler.dates.periods import calendar_from_data

    calendars: dict[int, YearCalendar] = {}
    for path in paths:
        data = load_json(path)
        loaded = calendar_from_data(data, _shown(path))
        note = data.get("note") if isinstance(data, dict) else None
        if isinstance(note, str) and re.search(r"\bEXAMPLE\b", note):  # its dates only show the format
            from reconciler.base.messages import message, say

            sys.stderr.write(
                f"warning: {say(message('calendar_example', file=_shown(path), year=loaded.year), 'en')}\n"
            )
        if loaded.year in calendars:
            raise InputError.single(
                str(path), "year", f"{loaded.year} is already given by {calendars[loaded.year].source}"
            )
        calendars[loaded.year] = loaded
    return list(calendars.values())


def _parse_states(text: str) -> frozenset[VmState]:
    allowed: tuple[VmState, ...] = ("running", "stopped", "terminated")
    states = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in states if s not in allowed]
    if unknown or not states:
        raise InputError.single(
            "<option --count-states>", "", f"expected states among {', '.join(allowed)}; got {text!r}"
        )
    return frozenset(s for s in allowed if s in states)


def _attestations(paths: list[Path] | None) -> list[Attestation]:
    """The attestations of the --attest files; their models are loaded only when a file is given."""
    if not paths:
        return []
    from reconciler.app.attestations import load_attestations

    return load_attestations(paths)


def _shown(path: Path) -> str:
    """A file name as the outputs show it: printable (a name may hold control characters or undecodable bytes)."""
    from reconciler.base.text import printable

    return printable(str(path))


from reconciler.app.fleet_cli import fleet_app, serve  # noqa: E402 (the fleet's commands join the main command)

app.add_typer(fleet_app, name="fleet")
app.command()(serve)


def main() -> None:
    """Console script entry point: run the app, turning bad input into exit 2 without a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a last guard: text is made printable where it is read (base.text)
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except InputError as exc:
        from reconciler.core.models import ExitCode

        sys.stderr.write(f"error: {exc.render()}\n")
        sys.exit(int(ExitCode.INVALID_INPUT))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
