"""Contract capacity reconciler: the contract as desired state, reconciled against observed supply.

Public API for the CLI, the Pulumi provider and the policy pack; the modules behind it are private detail.
Names are imported when first used (PEP 562), so a command pays only for the modules it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from reconciler.base.errors import InputError
    from reconciler.contract.load import load_contract
    from reconciler.contract.model import Contract, LineItem
    from reconciler.core.meters import MeterPolicy, measure
    from reconciler.core.models import Finding, Reconciliation, Status, Verdict
    from reconciler.core.observation import Observation
    from reconciler.core.reconcile import reconcile

_WHERE: Final = {
    "Contract": "reconciler.contract.model",
    "Finding": "reconciler.core.models",
    "InputError": "reconciler.base.errors",
    "LineItem": "reconciler.contract.model",
    "MeterPolicy": "reconciler.core.meters",
    "Observation": "reconciler.core.observation",
    "Reconciliation": "reconciler.core.models",
    "Status": "reconciler.core.models",
    "Verdict": "reconciler.core.models",
    "load_contract": "reconciler.contract.load",
    "measure": "reconciler.core.meters",
    "reconcile": "reconciler.core.reconcile",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'reconciler' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
