"""The `ksyun` source: Kingsoft Cloud live (`live`) or from its native export (`export`), mapped to resources.

Named by the registry (`reconciler.sources`); `observe` applies one rule to live pages and exported ones: an API
that failed marks its kinds failed, one missing from an export marks them incomplete, never zero: what was seen
is the lower bound, the upper bound is open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json
from reconciler.base.messages import Message, combined, message, plain_text
from reconciler.core.observation import Observation, ResourceKind, SourceReport, TableEntryUse
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.sources.base import CollectedSource, EntryUses, SourceRequest, SourceSpec, TablesSupport
from reconciler.sources.ksyun.export import read_export
from reconciler.sources.ksyun.live import fetch_live, fetch_reference
from reconciler.sources.ksyun.mapping import (
    API_BY_ACTION,
    APIS,
    KINDS,
    KS3_BUCKETS,
    PROJECTS,
    REMOTE_ACCESS_APIS,
    TRADE_INSTANCES,
    Malformed,
    Pages,
    kind_actions,
    listed_apis,
    map_pages,
)
from reconciler.sources.ksyun.scaffold import scaffold
from reconciler.sources.ksyun.settings import NAME, SETTINGS, credentials_of, options_of
from reconciler.sources.ksyun.tables import (
    BUILT_IN,
    WAF_PRODUCT_GROUPS,
    KsyunTablesFile,
    Tables,
    blank_problems,
    load_tables,
    parse_tables,
    tables_from,
)

# --- the source ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    """What `observe` makes of the fetched pages."""

    resources: list[Any]
    failed: dict[ResourceKind, Message]
    """Kinds an action failed on (an error, a malformed answer): what was seen counts, the upper bound is open."""
    incomplete: dict[ResourceKind, Message]
    """Kinds some of whose actions were not read at all (left out of an export), or whose listings do not add up
    (read again and still contradicting themselves; in an export at once): the same bounds."""
    covers: frozenset[ResourceKind]
    notes: list[Message]
    """What the tables cannot decide (resources counted with an attribute unknown)."""
    table_entries: tuple[TableEntryUse, ...] = ()
    """The table entries that decided attributes of the resources (the figures' provenance)."""


def observe(fetched: Pages, tables: Tables, on_malformed: Callable[[Malformed], Message]) -> Observed:
    """Resources, failed, incomplete and covered kinds from the fetched pages (one rule for live and file).
    `on_malformed` raises (a file: InputError) or returns the reason the action's kinds failed (live)."""
    covers: set[ResourceKind] = set()
    failed: dict[ResourceKind, list[Message]] = {}
    incomplete: dict[ResourceKind, list[Message]] = {}
    available = set(fetched.pages) | set(fetched.failed) | ({KS3_BUCKETS} if fetched.bucket_list_read else set())
    for kind, actions in kind_actions(tables).items():
        present = [action for action in actions if action in available]
        if not present:
            continue  # not observed at all (an export without these actions; KS3 without an endpoint)
        covers.add(kind)
        reasons = [fetched.failed[action] for action in actions if action in fetched.failed]
        missing = [action for action in actions if action not in available]
        if missing:  # e.g. bandwidth without DescribeBandWidthShares: the EIPs seen are a lower bound
            incomplete[kind] = [message("actions_missing", actions=", ".join(missing))]
        if reasons:
            failed[kind] = reasons
        # listings whose pages do not add up (`paging`, `sources.listings`): what they saw counts
        incomplete.setdefault(kind, []).extend(
            fetched.incomplete[action] for action in actions if action in fetched.incomplete
        )
    resources: list[Any] = []
    unknown: dict[ResourceKind, list[Message]] = {}
    uses = EntryUses()
    for action, pages in fetched.pages.items():
        if action in fetched.failed or action == PROJECTS.action:
            continue
        try:
            mapped = map_pages({action: pages}, tables, fetched.buckets)
        except Malformed as exc:
            reason = on_malformed(exc)
            for kind in API_BY_ACTION[action].kinds:
                failed.setdefault(kind, []).append(reason)
            continue
        resources.extend(mapped.resources)
        uses.merge(mapped.uses)
        for kind, why in mapped.failed.items():
            failed.setdefault(kind, []).extend(why)
        for kind, values in mapped.unknown.items():
            unknown.setdefault(kind, []).extend(values)
    kinds_failed = {kind: combined(reasons) for kind, reasons in failed.items() if kind in covers}
    notes = [
        message("attributes_unknown", kind=kind, reasons=values)
        for kind, values in sorted(unknown.items())
        if kind in covers
    ]
    kinds_incomplete = {kind: combined(reasons) for kind, reasons in incomplete.items() if reasons}
    entries = tuple(entry for entry in uses.entries(tables.basis_pair) if entry.kind in covers)
    return Observed(resources, kinds_failed, kinds_incomplete, frozenset(covers), notes, entries)


def _origin(origin: str) -> Message:
    """The tables in use: a file's name, or the built-in defaults."""
    return message("built_in") if origin == BUILT_IN else plain_text(origin)


class KsyunSource(CollectedSource):
    def __init__(self, request: SourceRequest) -> None:
        super().__init__()
        self.request = request
        defaults = {setting.key: setting.default for setting in SETTINGS if setting.default is not None}
        self.options = options_of(defaults | dict(request.settings))  # checked up front, live or from files

    def collect(self) -> Observation:
        settings = self.request.settings
        table_path = settings.get("tables")
        tables = load_tables(Path(table_path) if table_path else None)
        if self.request.from_files:
            now = self.request.now or datetime.now(CONTRACT_TZ)  # the pages carry no time: the check's moment
            fetched = read_export(self.request.from_files)
            files = ", ".join(str(path) for path in self.request.from_files)
            detail = message("detail_ksyun_export", files=files, tables=_origin(tables.origin))

            def malformed(exc: Malformed) -> Message:
                raise InputError.single(files, exc.path, exc.reason)

        else:
            now = datetime.now(CONTRACT_TZ)  # live: when it observed, not the check's --now (maybe another day)
            options = self.options
            credentials = credentials_of(settings)
            fetched = fetch_live(options, credentials, listed_apis(tables), tables.counting(WAF_PRODUCT_GROUPS))
            where = options.endpoint or options.domain
            regions = ", ".join(options.regions)
            detail = message("detail_ksyun_live", endpoint=where, regions=regions, tables=_origin(tables.origin))

            def malformed(exc: Malformed) -> Message:
                return message("response_malformed", detail=credentials.redact(str(exc)))

        observed = observe(fetched, tables, malformed)
        report = SourceReport(
            name=NAME,
            covers=observed.covers,
            detail=combined([detail, *observed.notes]),
            failed=observed.failed,
            incomplete=observed.incomplete,
            resource_count=len(observed.resources),
            table_entries=observed.table_entries,
        )
        return Observation(observed_at=now, sources=(report,), resources=observed.resources)


def _open(request: SourceRequest) -> KsyunSource:
    return KsyunSource(request)


def scaffold_tables(request: SourceRequest) -> dict[str, Any]:
    """The tables file to fill in for what the account (or its export) holds; the tables file in use (setting
    `tables`) is carried over. Live, it also asks the API what it reports of instance types and families."""
    table_path = request.settings.get("tables")
    previous: KsyunTablesFile | None = None
    tables = Tables()
    if table_path:
        previous = parse_tables(load_json(Path(table_path), "a JSON object of ksyun tables"), table_path)
        tables = tables_from(previous, table_path)
    moment = request.now or datetime.now(CONTRACT_TZ)
    if request.from_files:
        fetched = read_export(request.from_files)
        files = ", ".join(str(path) for path in request.from_files)
        origin = f"export {files}"

        def malformed(exc: Malformed) -> Message:
            raise InputError.single(files, exc.path, exc.reason)

    else:
        options = KsyunSource(request).options
        credentials = credentials_of(request.settings)
        every = (*APIS, *REMOTE_ACCESS_APIS.values(), TRADE_INSTANCES)  # what may count, to decide whether it does
        fetched = fetch_live(options, credentials, every)
        told = fetch_reference(options, credentials)
        fetched.pages.update(told.pages)
        fetched.failed.update(told.failed)
        origin = f"live {options.endpoint or options.domain}, regions {', '.join(options.regions)}"

        def malformed(exc: Malformed) -> Message:
            return message("response_malformed", detail=credentials.redact(str(exc)))

    observed = observe(fetched, tables, malformed)
    scaffolded: dict[str, Any] = {"from": origin, "at": moment.isoformat(), "tables": tables.origin}
    if observed.failed or observed.incomplete:
        # the tables file is read by whoever fills it in: the reasons in English, as the JSON output's text
        scaffolded["not_complete"] = {
            kind: str(why) for kind, why in sorted({**observed.incomplete, **observed.failed}.items())
        }
    counted = {action for actions in kind_actions(tables).values() for action in actions}
    other_failed = {action: str(why) for action, why in sorted(fetched.failed.items()) if action not in counted}
    if other_failed:  # what the API reports of types and families, the VPN, EPC and trade listings
        scaffolded["not_listed"] = other_failed
    return scaffold(fetched, tables, previous, scaffolded)


def tables_blanks(raw: Any, name: str) -> list[Problem]:
    return blank_problems(parse_tables(raw, name))


SPEC: Final = SourceSpec(
    name=NAME,
    summary="Kingsoft Cloud: KEC instances, EBS and local volumes, snapshots, EIPs and shared bandwidth, SLBs, "
    "KS3 buckets (official SDKs; every project, every listed region).",
    kinds=KINDS,
    native_file="JSON object: API action name (e.g. DescribeInstances) -> list of raw response bodies (pages); "
    "ListBuckets -> list of KS3 XML answers",
    open=_open,
    settings=SETTINGS,
    tables=TablesSupport(scaffold=scaffold_tables, blanks=tables_blanks),
)
