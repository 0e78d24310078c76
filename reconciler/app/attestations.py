"""Reading attestation files (`check --attest FILE`, the stack setting `reconciler:attest`): JSON or YAML.

Called by the CLI and the Pulumi integration; the rules are the core's (`core.attestations`). The only module
that imports PyYAML. A `.yaml`/`.yml` file is read as YAML (safe loading: no tags, no aliases, no key twice),
anything else as JSON. Bad input is an InputError naming the file, the field and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reconciler.base.errors import InputError, Problem, problems_from_validation
from reconciler.base.jsonio import load_json, read_text
from reconciler.base.recognize import refuse_other_format
from reconciler.base.text import printable_tree
from reconciler.core.attestations import Attestation, AttestationFile, attestation_id

EXPECTED = "an attestation file: an object with a list `attestations` (docs/formats.md, Attestations)"
YAML_SUFFIXES = (".yaml", ".yml")
"""An attestation file is written by hand: larger than this is not one."""


def load_attestations(paths: Sequence[Path]) -> list[Attestation]:
    """The attestations of every file, in the order given. Explicit ids must be unique across the files."""
    attestations: list[Attestation] = []
    seen: dict[str, str] = {}
    for path in paths:
        name = str(path)
        raw = _read(path)
        try:
            given = AttestationFile.model_validate(raw)
        except ValidationError as exc:
            refuse_other_format(raw, name, "attestations")
            raise InputError(name, problems_from_validation(exc.errors(), raw)) from exc
        problems = []
        places: dict[str, int] = {}
        for index, attestation in enumerate(given.attestations):
            places[attestation.line_item] = places.get(attestation.line_item, 0) + 1
            ident = attestation_id(attestation, places[attestation.line_item])
            if attestation.id is not None and ident in seen:
                problems.append(Problem(f"attestations[{index}].id", f"{ident} is also given in {seen[ident]}"))
            seen[ident] = name
        if problems:
            raise InputError(name, problems)
        attestations += given.attestations
    return attestations


def _read(path: Path) -> Any:
    if path.suffix.lower() not in YAML_SUFFIXES:
        return load_json(path, EXPECTED)
    text = read_text(path)  # at most RECONCILER_MAX_FILE_MB, read errors named
    if not text.strip():
        raise InputError.single(str(path), "", f"the file is empty, expected {EXPECTED}")
    return printable_tree(_yaml(text, str(path)))  # YAML escapes can hold lone surrogates


def _yaml(text: str, where: str) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        """Safe loading that refuses aliases (no expansion) and a key given twice."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.MarkedYAMLError(
                    "", None, "aliases are not accepted in an attestation file", event.start_mark
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            keys = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in keys:
                    raise yaml.MarkedYAMLError("", None, f"the key {key!r} is given twice", key_node.start_mark)
                keys.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        return yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise InputError.single(where, "", f"not valid YAML{at}: {exc.problem}; expected {EXPECTED}") from exc
    except yaml.YAMLError as exc:
        raise InputError.single(where, "", f"not valid YAML: {exc}; expected {EXPECTED}") from exc
