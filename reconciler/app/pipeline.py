"""The whole check, top to bottom: load the contract, observe, measure, assess, compare, record.

Called by the CLI's `check` and `report`, and by the Pulumi integration. The one place where the edges (files,
sources, the history store) meet the pure core.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from reconciler.base.cache import cached
from reconciler.base.errors import InputError, Problem
from reconciler.base.messages import Message, message
from reconciler.contract.load import contract_text, parse_contract
from reconciler.contract.model import Contract
from reconciler.core.attestations import Attestation
from reconciler.core.meters import MeterPolicy, measure
from reconciler.core.models import Reconciliation
from reconciler.core.observation import Resource
from reconciler.core.reconcile import assess, contract_ref
from reconciler.sources.combined import CombinedSource


def load_checked_contract(path: Path, refuse_errors: bool = True) -> tuple[Contract, list[Message]]:
    """Load a contract and refuse it if its own figures contradict each other; its warnings are passed on.
    With `refuse_errors=False` (the Pulumi program: its mandatory policy blocks instead) errors are passed on
    as warnings too. The checked contract is kept in the derived-data cache (`base.cache`): a run with the
    same file and code neither validates nor checks it again."""
    text = contract_text(path)
    contract, errors, discrepancies = cached(
        "checked-contract", text, lambda: _checked(parse_contract(text, path)), tuple
    )
    if errors and refuse_errors:
        inconsistent = "the contract's arithmetic is inconsistent; `reconciler validate` shows every check"
        raise InputError(str(path), [*errors, Problem("", inconsistent)])
    return contract, [warning for error, warning in discrepancies if not (error and refuse_errors)]


def _checked(contract: Contract) -> tuple[Contract, list[Problem], list[tuple[bool, Message]]]:
    """The contract, its arithmetic's errors as problems, and every error and warning as a message (whether it
    is an error, the message), in the checks' order."""
    from reconciler.contract.checks import Severity, check_contract  # only when the cache does not hold it

    checked = check_contract(contract, words=False)
    errors = [d for d in checked.discrepancies if d.severity is Severity.ERROR]
    problems = [Problem(d.subject, f"{d.message} (likely cause: {d.likely_cause})") for d in errors]
    discrepancies = [
        (d.severity is Severity.ERROR, message("contract_discrepancy", subject=d.subject, detail=d.message))
        for d in checked.discrepancies
        if d.severity in (Severity.ERROR, Severity.WARNING)
    ]
    return contract, problems, discrepancies


def check_sources(
    contract: Contract,
    warnings: list[Message],
    source: CombinedSource,
    now: datetime,
    policy: MeterPolicy | None = None,
    history: str | None = None,
    attestations: Sequence[Attestation] = (),
    keep: list[Resource] | None = None,
) -> Reconciliation:
    """Observe through the sources and reconcile against a loaded contract, with `attestations` for what no source
    observes; with `history` (a store URL, see `history.history_url`) it also reads this contract's earlier runs,
    compares with the last one and records this one (in one transaction) under the `run_id` it returns. The
    resources observed are appended to `keep` when it is given (a plan's, to name what its change takes)."""
    resources = source.resources()
    if keep is not None:
        resources = _kept(resources, keep)
    measurement = measure(contract, resources, policy)
    warnings = [*source.warnings(), *warnings]
    if history is None:
        result = assess(contract, source.observation(), measurement, now, (), attestations)
        return result.model_copy(update={"warnings": [*result.warnings, *warnings]})
    from reconciler.core.changes import changes_since  # deepdiff, and SQLAlchemy (0.15 s): only when recording
    from reconciler.history.store import open_history

    with open_history(history) as store:
        past = store.past_runs(contract=contract_ref(contract))
        result = assess(contract, source.observation(), measurement, now, past, attestations)
        result = result.model_copy(
            update={
                "warnings": [*result.warnings, *warnings],
                "changes": changes_since(past[-1] if past else None, result.findings),
            }
        )
        return result.model_copy(update={"run_id": store.record(result)})


def _kept(resources: Iterable[Resource], keep: list[Resource]) -> Iterator[Resource]:
    for resource in resources:
        keep.append(resource)
        yield resource
