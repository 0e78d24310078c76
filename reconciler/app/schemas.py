"""JSON Schemas of the formats the product reads and writes, generated from the pydantic models.

Called by `reconciler schema` and by the test that keeps the committed files in schemas/ in sync.
"""

from __future__ import annotations

import json
from typing import Any, Literal

SchemaName = Literal["contract", "observation", "reconciliation", "tables", "attestations", "fleet"]
SCHEMA_NAMES: tuple[SchemaName, ...] = ("contract", "observation", "reconciliation", "tables", "attestations", "fleet")
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(name: SchemaName) -> dict[str, Any]:
    from reconciler.contract.model import Contract  # the models only when a schema is asked for
    from reconciler.core.attestations import AttestationFile
    from reconciler.core.models import Reconciliation
    from reconciler.core.observation import resource_json_schema
    from reconciler.fleet.model import FleetFile
    from reconciler.sources.snapshot import SnapshotDocument

    if name == "contract":
        schema = Contract.model_json_schema(by_alias=True)
    elif name == "fleet":
        schema = FleetFile.model_json_schema(by_alias=True)
    elif name == "reconciliation":
        schema = Reconciliation.model_json_schema(by_alias=True, mode="serialization")
    elif name == "attestations":
        schema = AttestationFile.model_json_schema()
    elif name == "tables":
        schema = _tables_schema()
    else:
        schema = SnapshotDocument.model_json_schema()
        resource = resource_json_schema()
        schema.setdefault("$defs", {}).update(resource.pop("$defs", {}))
        schema["properties"]["resources"]["items"] = resource
    return {"$schema": _DIALECT, "$id": f"contract-reconciler/{name}.schema.json", **schema}


def schema_text(name: SchemaName) -> str:
    return json.dumps(json_schema(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _tables_schema() -> dict[str, Any]:
    """A tables file of any source that has one: each source's format, told apart by its `source` member."""
    from reconciler.sources.ksyun.tables import KsyunTablesFile
    from reconciler.sources.kubernetes.tables import KubernetesTablesFile
    from reconciler.sources.pulumi.tables_file import PulumiTablesFile

    defs: dict[str, Any] = {}
    options = []
    for model in (KsyunTablesFile, KubernetesTablesFile, PulumiTablesFile):
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        own = schema.pop("$defs", {})
        if clash := sorted(name for name in own if name in defs and defs[name] != own[name]):
            raise AssertionError(f"two tables formats define {', '.join(clash)}: rename one")
        defs.update(own)
        defs[model.__name__] = schema
        options.append({"$ref": f"#/$defs/{model.__name__}"})
    return {
        "title": "tables",
        "description": "A source's mapping tables (docs/formats.md, Tables files): ksyun, kubernetes, or pulumi and "
        "terraform.",
        "anyOf": options,
        "$defs": defs,
    }
