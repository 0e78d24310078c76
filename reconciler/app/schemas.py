"""JSON Schemas of the formats the product reads and writes, generated from the pydantic models.

Called by `reconciler schema` and by the test that keeps the committed files in schemas/ in sync.
"""

from __future__ import annotations

import json
from typing import Any, Literal

SchemaName = Literal["contract", "observation", "reconciliation"]
SCHEMA_NAMES: tuple[SchemaName, ...] = ("contract", "observation", "reconciliation")
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(name: SchemaName) -> dict[str, Any]:
    from reconciler.contract.model import Contract  # the models only when a schema is asked for
    from reconciler.core.models import Reconciliation
    from reconciler.core.observation import resource_json_schema
    from reconciler.sources.snapshot import SnapshotDocument

    if name == "contract":
        schema = Contract.model_json_schema(by_alias=True)
    elif name == "reconciliation":
        schema = Reconciliation.model_json_schema(by_alias=True, mode="serialization")
    else:
        schema = SnapshotDocument.model_json_schema()
        resource = resource_json_schema()
        schema.setdefault("$defs", {}).update(resource.pop("$defs", {}))
        schema["properties"]["resources"]["items"] = resource
    return {"$schema": _DIALECT, "$id": f"contract-reconciler/{name}.schema.json", **schema}


def schema_text(name: SchemaName) -> str:
    return json.dumps(json_schema(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
