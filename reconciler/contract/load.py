"""Load contract_inventory.json into a `Contract`, or fail with every problem named by field.

Called by the CLI, the Pulumi program and the policy pack. The only I/O of the contract package. A contract
validated once is kept in the derived-data cache (`base.cache`) under its text's hash, so the next run with the
same file and code reads it back instead of validating it again.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.base.cache import cached
from reconciler.base.errors import InputError
from reconciler.base.jsonio import parse_json, read_text
from reconciler.contract.model import Contract

DEFAULT_CONTRACT = Path("contract_inventory.json")


def load_contract(path: Path = DEFAULT_CONTRACT) -> Contract:
    """Read and validate a contract file; raises InputError naming the file, field and reason."""
    text = contract_text(path)
    return cached("contract", text, lambda: parse_contract(text, path), Contract)


def contract_text(path: Path = DEFAULT_CONTRACT) -> str:
    """The contract file's text; InputError when there is none to read."""
    if path == DEFAULT_CONTRACT and not path.exists():
        raise InputError.single(
            str(path),
            "",
            "no such file in the current directory; name the contract with --contract PATH or "
            "the RECONCILER_CONTRACT variable",
        )
    return read_text(path)


def parse_contract(text: str, path: Path) -> Contract:
    """Validate a contract's text read from `path` (named in the problems)."""
    from pydantic import ValidationError  # validation only when the cache does not hold this contract

    from reconciler.base.errors import problems_from_validation

    raw = parse_json(text, str(path), empty="the file is empty")
    if not isinstance(raw, dict):
        raise InputError.single(str(path), "", f"expected a JSON object, found {type(raw).__name__}")
    try:
        return Contract.model_validate(raw)
    except ValidationError as exc:
        from reconciler.base.recognize import refuse_other_format

        refuse_other_format(raw, str(path), "contract")
        raise InputError(str(path), problems_from_validation(exc.errors(), raw)) from exc
