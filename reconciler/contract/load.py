"""Load contract_inventory.json into a `Contract`, or fail with every problem named by field.

Called by the CLI, the Pulumi program and the policy pack. The only I/O of the contract package.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from reconciler.base.errors import InputError, problems_from_validation
from reconciler.base.jsonio import load_json
from reconciler.base.recognize import refuse_other_format
from reconciler.contract.model import Contract

DEFAULT_CONTRACT = Path("contract_inventory.json")


def load_contract(path: Path = DEFAULT_CONTRACT) -> Contract:
    """Read and validate a contract file; raises InputError naming the file, field and reason."""
    if path == DEFAULT_CONTRACT and not path.exists():
        raise InputError.single(
            str(path),
            "",
            "no such file in the current directory; name the contract with --contract PATH or "
            "the RECONCILER_CONTRACT variable",
        )
    raw = load_json(path)
    if not isinstance(raw, dict):
        raise InputError.single(str(path), "", f"expected a JSON object, found {type(raw).__name__}")
    try:
        return Contract.model_validate(raw)
    except ValidationError as exc:
        refuse_other_format(raw, str(path), "contract")
        raise InputError(str(path), problems_from_validation(exc.errors(), raw)) from exc
