"""Contract capacity reconciler: the contract as desired state, reconciled against observed supply.

Public API for the CLI, the Pulumi provider and the policy pack; the modules behind it are private detail.
"""

from reconciler.base.errors import InputError
from reconciler.contract.load import load_contract
from reconciler.contract.model import Contract, LineItem
from reconciler.core.meters import MeterPolicy, measure
from reconciler.core.models import Finding, Reconciliation, Status, Verdict
from reconciler.core.observation import Observation
from reconciler.core.reconcile import reconcile

__all__ = [
    "Contract",
    "Finding",
    "InputError",
    "LineItem",
    "MeterPolicy",
    "Observation",
    "Reconciliation",
    "Status",
    "Verdict",
    "load_contract",
    "measure",
    "reconcile",
]
