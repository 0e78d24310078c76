"""What a JSON document given to the wrong option looks like, and what to do with it instead.

Called by the readers of every input file (the sources' native exports, the observation, the contract, the
attestations) once their own format has refused the document: a kubectl export given to `--source ksyun` is then
refused as "this looks like a kubectl export (`kubectl get -o json`), not a Kingsoft Cloud export; use --source
kubernetes" instead of naming a field it was never meant to have. Only the top-level members are looked at; no
I/O. The sentences are message keys (`looks_like`, `format_*`, `use_*`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from reconciler.base.errors import InputError
from reconciler.base.messages import Message, message, say

FORMATS: Final = ("kubectl", "pulumi_export", "pulumi_preview", "terraform", "ksyun", "observation", "contract",
                  "tables", "pulumi_tables", "attestations")  # fmt: skip
"""Every format told apart, each with its message `format_NAME`; the first that matches wins."""

EXPECTED_BY_SOURCE: Final = {
    "kubernetes": "kubectl",
    "pulumi": "pulumi_export",
    "terraform": "terraform",
    "ksyun": "ksyun",
    "snapshot": "observation",
}
"""The format each source's `--from-file` reads."""

_KSYUN_ACTION: Final = re.compile(r"^(Describe|Get|List)[A-Z][A-Za-z]+$")
_PULUMI_TABLES: Final = frozenset({"types", "instance_types", "volume_types", "vm_states"})


def looks_like(document: Any) -> str | None:
    """The format (one of FORMATS) a decoded JSON document looks like, from its top-level members; None: none."""
    if isinstance(document, list):
        return "ksyun" if any(isinstance(item, Mapping) and "Action" in item for item in document[:1]) else None
    if not isinstance(document, Mapping) or not document:
        return None
    keys = set(document)
    tag = document.get("format")
    if isinstance(document.get("apiVersion"), str) and isinstance(document.get("kind"), str):
        return "kubectl"
    if "deployment" in keys and "version" in keys:
        return "pulumi_export"
    if "steps" in keys or "changeSummary" in keys:
        return "pulumi_preview"
    if "format_version" in keys and keys & {"terraform_version", "values", "planned_values", "resource_changes"}:
        return "terraform"
    if tag == "contract-reconciler/observation" or ({"resources", "observed_at"} <= keys):
        return "observation"
    if "line_items" in keys and ("schema" in keys or "service_period" in keys):
        return "contract"
    if tag == "contract-reconciler/tables":
        return "tables"
    if "attestations" in keys:
        return "attestations"
    if any(_KSYUN_ACTION.match(str(key)) for key in keys):
        return "ksyun"
    if keys <= _PULUMI_TABLES:
        return "pulumi_tables"
    return None


_TOOLS: Final = {
    "kubectl": ("kubectl", "kubectl get -o json"),
    "pulumi_export": ("Pulumi", "pulumi stack export"),
    "pulumi_preview": ("Pulumi", "pulumi preview --json"),
    "terraform": ("Terraform", "terraform show -json"),
}
_SOURCE_OF: Final = {"kubectl": "kubernetes", "pulumi_export": "pulumi", "terraform": "terraform", "ksyun": "ksyun"}
_OPTION_OF: Final = {
    "pulumi_preview": "the plan of a stack export: --plan FILE (or --source-option pulumi.plan=FILE)",
    "observation": "--observed FILE (or --source snapshot --from-file FILE)",
    "contract": "--contract FILE",
    "attestations": "--attest FILE",
}


def _what(found: str) -> Message:
    if found in _TOOLS:
        tool, command = _TOOLS[found]
        return message(f"format_{found}", tool=tool, command=command)
    if found == "observation":
        return message("format_observation", tag="contract-reconciler/observation")
    if found == "pulumi_tables":
        return message("format_pulumi_tables", sources="pulumi/terraform")
    return message(f"format_{found}")


def _hint(found: str, document: Any, source: str | None) -> Message:
    if found in _SOURCE_OF:
        return message("use_source", option=f"--source {_SOURCE_OF[found]}")
    if found in _OPTION_OF:
        return message("use_option", option=_OPTION_OF[found])
    owner = document.get("source") if isinstance(document, Mapping) else None
    if found == "pulumi_tables":
        owner = "pulumi"
    name = owner if isinstance(owner, str) and owner else source or "NAME"
    return message("use_tables", option=f"--source-option {name}.tables=FILE")


def other_format(document: Any, expected: str, source: str | None = None) -> Message | None:
    """The sentence saying what `document` looks like and what to do with it, when it looks like another format
    than `expected` (one of FORMATS); None when it looks like none or like the expected one. `source`: the source
    reading it, for the hint about tables files."""
    found = looks_like(document)
    if found is None or found == expected:
        return None
    return message("looks_like", what=_what(found), expected=_what(expected), hint=_hint(found, document, source))


def refuse_other_format(document: Any, where: str, expected: str, source: str | None = None) -> None:
    """Raise an InputError naming the file (`where`) with `other_format`'s sentence, if there is one."""
    sentence = other_format(document, expected, source)
    if sentence is not None:
        raise InputError.single(where, "", say(sentence, "en"))
