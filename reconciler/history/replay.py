"""A recorded run read back as a Reconciliation: what `reconciler check` said then, rebuilt from the history.

Called by `reconciler report` without `--observed` and by the acceptance reports (exposure at each run). Pure:
the findings, sources and summary are the recorded ones; the expansions and the exposure are recomputed by
the core from the contract and the runs recorded before, exactly as the check computed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from reconciler.base.errors import InputError
from reconciler.base.messages import message
from reconciler.base.money import arithmetic
from reconciler.contract.model import Contract
from reconciler.core.changes import changes_since
from reconciler.core.expansions import track
from reconciler.core.exposure import assess_exposure
from reconciler.core.models import ExitCode, Finding, Reconciliation, SourceSummary, Summary, Verdict
from reconciler.core.reconcile import contract_ref, summarize
from reconciler.core.runs import PastRun, RecordedRun, upgrade_record


def replay(contract: Contract, run: RecordedRun, earlier: Sequence[PastRun]) -> Reconciliation:
    """The reconciliation of `run`; `earlier` are the runs of the contract recorded before it, oldest first."""
    with arithmetic():
        findings = [Finding.model_validate(_with_empty_ids(upgrade_record(record))) for record in run.findings]
        supplied = {f.line_item.value: f.supplied_lower for f in findings}
        expansions = track(contract, supplied, run.now, earlier)
        exposure = assess_exposure(contract, findings, expansions, run.now, earlier)
    return Reconciliation(
        now=run.now,
        observed_at=run.observed_at,
        contract=contract_ref(contract),
        sources=[SourceSummary.model_validate(s) for s in run.sources],
        findings=findings,
        summary=_summary(run, findings),
        expansions=expansions,
        exposure=exposure,
        verdict=Verdict(run.verdict),
        exit_code=ExitCode(run.exit_code),
        warnings=[*run.warnings, message("no_ids", id=run.run_id)],
        run_id=run.run_id,
        changes=changes_since(earlier[-1] if earlier else None, findings),
    )


def check_recorded(run: RecordedRun) -> None:
    """Raise ValueError, TypeError, KeyError or ArithmeticError when `run` is not what the history records (a
    store edited by hand or damaged), so that reading it back fails with its run named, never later in a
    report. Called by `history.store` for every run it reads."""
    check_findings(run.findings)
    run.past()
    for source in run.sources:
        SourceSummary.model_validate(source)
    Summary.model_validate(run.summary)
    Verdict(run.verdict)
    ExitCode(run.exit_code)


def check_findings(records: Sequence[Mapping[str, Any]]) -> None:
    """`check_recorded` for a run's recorded findings alone (what `reconciler check` reads of earlier runs)."""
    if not isinstance(records, Sequence) or isinstance(records, str | bytes):
        raise TypeError(f"expected a list of findings, got {type(records).__name__}")
    with arithmetic():
        for record in records:
            if not isinstance(record, Mapping):
                raise TypeError(f"expected a finding object, got {type(record).__name__}")
            Finding.model_validate(_with_empty_ids(upgrade_record(record)))


def latest_run(runs: Sequence[RecordedRun], at_or_before: datetime, store: str) -> RecordedRun:
    """The run with the latest `now` at or before the instant (the last recorded of equal ones). InputError
    naming the store when there is none."""
    chosen = None
    for run in runs:
        if run.now <= at_or_before and (chosen is None or run.now >= chosen.now):
            chosen = run
    if chosen is None:
        raise InputError.single(
            f"<history {store}>",
            "",
            f"no recorded run of this contract at or before {at_or_before.isoformat()}: run `reconciler check` "
            "with history first, or give --observed FILE",
        )
    return chosen


def _summary(run: RecordedRun, findings: list[Finding]) -> Summary:
    """The recorded summary; for a run recorded before supply had bounds (its shortfall value then counted
    pending quantities too), the summary of its findings as read today, headline overdue only."""
    if "shortfall_value_possible" in run.summary:
        return Summary.model_validate(run.summary)
    return summarize(findings, int(run.summary.get("resources_observed", 0)))


def _with_empty_ids(record: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded finding with empty id lists where the history dropped them (the counts stay)."""
    finding = dict(record)
    evidence = finding.get("evidence")
    if evidence is not None:
        evidence = dict(evidence)
        evidence["contributing"] = []
        for group in ("nonconforming", "excluded", "uncertain"):
            evidence[group] = [{**g, "ids": []} for g in evidence.get(group, [])]
        finding["evidence"] = evidence
    return finding
