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

from reconciler.base.errors import InputError
from reconciler.base.messages import Message, combined, message
from reconciler.core.observation import Observation, ResourceKind, SourceReport
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.sources.base import CollectedSource, SourceRequest, SourceSpec
from reconciler.sources.ksyun.export import read_export
from reconciler.sources.ksyun.live import fetch_live
from reconciler.sources.ksyun.mapping import (
    API_BY_ACTION,
    KIND_ACTIONS,
    KINDS,
    KS3_BUCKETS,
    PROJECTS,
    Malformed,
    Pages,
    map_pages,
)
from reconciler.sources.ksyun.settings import NAME, SETTINGS, credentials_of, options_of
from reconciler.sources.ksyun.tables import Tables, load_tables

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
    notes: list[str]
    """What the tables cannot decide (resources counted with an attribute unknown)."""


def observe(fetched: Pages, tables: Tables, on_malformed: Callable[[Malformed], Message]) -> Observed:
    """Resources, failed, incomplete and covered kinds from the fetched pages (one rule for live and file).
    `on_malformed` raises (a file: InputError) or returns the reason the action's kinds failed (live)."""
    covers: set[ResourceKind] = set()
    failed: dict[ResourceKind, list[Message]] = {}
    incomplete: dict[ResourceKind, list[Message]] = {}
    available = set(fetched.pages) | set(fetched.failed) | ({KS3_BUCKETS} if fetched.bucket_list_read else set())
    for kind, actions in KIND_ACTIONS.items():
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
    unknown: dict[ResourceKind, list[str]] = {}
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
        for kind, why in mapped.failed.items():
            failed.setdefault(kind, []).extend(why)
        for kind, values in mapped.unknown.items():
            unknown.setdefault(kind, []).extend(values)
    kinds_failed = {kind: combined(reasons) for kind, reasons in failed.items() if kind in covers}
    notes = [
        f"{kind} counted with attributes unknown (bounds): {'; '.join(values)}"
        for kind, values in sorted(unknown.items())
        if kind in covers
    ]
    kinds_incomplete = {kind: combined(reasons) for kind, reasons in incomplete.items() if reasons}
    return Observed(resources, kinds_failed, kinds_incomplete, frozenset(covers), notes)


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
            detail = f"export {files}; tables: {tables.origin}"

            def malformed(exc: Malformed) -> Message:
                raise InputError.single(files, exc.path, exc.reason)

        else:
            now = datetime.now(CONTRACT_TZ)  # live: when it observed, not the check's --now (maybe another day)
            options = self.options
            credentials = credentials_of(settings)
            fetched = fetch_live(options, credentials)
            where = options.endpoint or options.domain
            detail = f"live {where}, regions {', '.join(options.regions)}; tables: {tables.origin}"

            def malformed(exc: Malformed) -> Message:
                return message("response_malformed", detail=credentials.redact(str(exc)))

        observed = observe(fetched, tables, malformed)
        report = SourceReport(
            name=NAME,
            covers=observed.covers,
            detail="; ".join([detail, *observed.notes]),
            failed=observed.failed,
            incomplete=observed.incomplete,
            resource_count=len(observed.resources),
        )
        return Observation(observed_at=now, sources=(report,), resources=observed.resources)


def _open(request: SourceRequest) -> KsyunSource:
    return KsyunSource(request)


SPEC: Final = SourceSpec(
    name=NAME,
    summary="Kingsoft Cloud: KEC instances, EBS and local volumes, snapshots, EIPs and shared bandwidth, SLBs, "
    "KS3 buckets (official SDKs; every project, every listed region).",
    kinds=KINDS,
    native_file="JSON object: API action name (e.g. DescribeInstances) -> list of raw response bodies (pages); "
    "ListBuckets -> list of KS3 XML answers",
    open=_open,
    settings=SETTINGS,
)
