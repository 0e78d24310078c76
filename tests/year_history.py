"""A year of nightly checks recorded straight into a history store, for the reports' layout tests.

Each night is reconciled in process (`reconcile`, the check's own core) and recorded with `History.record`,
the same rows `reconciler check` writes, without a snapshot file or a process per night: a year takes seconds.
The year holds what a report must show: a vCPU shortfall over several nights in November (Art. 12.3), the
64 vCPU expansion of `examples/contract-with-expansion.json` delivered a day late, a week of one surplus
public IP, a WAF source that failed on a few nights (unknown), performance storage short for two nights, and
some nights without a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.base.messages import plain_text
from reconciler.contract.load import load_contract
from reconciler.contract.model import Contract
from reconciler.core.models import Reconciliation
from reconciler.core.observation import KINDS, Observation, SourceReport
from reconciler.core.reconcile import reconcile
from reconciler.core.runs import PastRun, finding_record, past_run
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.history.store import history_url, open_history
from tests.conftest import ROOT, met_resources, structs, vm

WITH_EXPANSION = ROOT / "examples" / "contract-with-expansion.json"
WITHOUT_EXPANSION = ROOT / "contract_inventory.json"
FIRST_NIGHT = date(2026, 7, 17)
LAST_NIGHT = date(2027, 7, 16)
END = datetime(2027, 7, 17, 0, 0, tzinfo=CONTRACT_TZ)
"""The end of the service period: a summary report as of this instant covers the whole year."""

NO_RUN = {date(2026, 8, 3), date(2026, 8, 4), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)} | {
    date(2027, 2, 10) + timedelta(days=n) for n in range(4)
}
WAF_FAILED = {date(2026, 9, 9), date(2026, 11, 10), date(2027, 3, 3)}
VCPU_SHORT = {date(2026, 11, 3) + timedelta(days=n) for n in range(4)} | {date(2027, 5, 20)}
STORAGE_SHORT = {date(2026, 12, 14), date(2026, 12, 15)}
IP_OVER = {date(2027, 1, 5) + timedelta(days=n) for n in range(7)}
EXPANSION_DELIVERED = date(2026, 11, 28)
"""The 64 vCPU requested 2026-11-19 10:30 (due 2026-11-26 24:00) are first seen on this night: a day late."""


def nights() -> Iterator[date]:
    day = FIRST_NIGHT
    while day <= LAST_NIGHT:
        if day not in NO_RUN:
            yield day
        day += timedelta(days=1)


def _resources(day: date, expansion: bool) -> list[dict[str, Any]]:
    resources = met_resources()
    if day in VCPU_SHORT:
        resources = [r for r in resources if r["id"] != "vm-b"] + [vm("vm-b", 600, 1448)]
    if expansion and day >= EXPANSION_DELIVERED and day not in VCPU_SHORT:
        resources.append(vm("vm-new", 64, 0))
    if day in STORAGE_SHORT:
        resources = [
            {**r, "size_gb": r["size_gb"] - 582} if r.get("tier") == "performance" and r["kind"] == "volume" else r
            for r in resources
        ]
    if day in IP_OVER:
        resources.append({"id": "eip-extra", "kind": "public_ip"})
    if day in WAF_FAILED:
        resources = [r for r in resources if r["kind"] != "waf"]
    return resources


def _night(contract: Contract, day: date, expansion: bool, past: list[PastRun]) -> Reconciliation:
    now = datetime(day.year, day.month, day.day, 2, 0, tzinfo=CONTRACT_TZ)
    failed = {"waf": plain_text("403 from the WAF API")} if day in WAF_FAILED else {}
    source = SourceReport(
        name="snapshot:nightly.json",
        covers=frozenset(KINDS),
        detail=plain_text("ksyun export cn-beijing-6 (nightly)"),
        failed=failed,
        resource_count=len(_resources(day, expansion)),
    )
    observation = Observation(now, (source,), structs(_resources(day, expansion)))
    return reconcile(contract, observation, now, history=past)


def record_year(store: Path, expansion: bool = True) -> Contract:
    """Every night of the service period (but `NO_RUN`) reconciled and recorded into the SQLite `store`;
    the contract they were checked against."""
    contract = load_contract(WITH_EXPANSION if expansion else WITHOUT_EXPANSION)
    past: list[PastRun] = []
    with open_history(history_url(str(store))) as history:
        for day in nights():
            result = _night(contract, day, expansion, past)
            run_id = history.record(result)
            records = [finding_record(f) for f in result.findings]
            past.append(past_run(run_id, result.now, result.observed_at, records))
    return contract
