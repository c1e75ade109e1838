"""``GET /connectionSpecs`` and ``/connectionSpecs/{id}``: the read-only catalogue of specs.

Two specs, in the shape of the spec's ``ConnectionSpecItemDTO``: Databricks (the source, built from
``specs.py``, the table base connections are validated against) and the Data Lake (the target of
every dataflow into a dataset). POST, PATCH and DELETE answer 405 (1100-405).

Choices where Adobe is silent (the Databricks spec's own JSON is UNCONFIRMED): the Databricks
``authSpec`` lists the params of ``specs.py`` with secret ones as ``format: password``; the
Data Lake spec has no ``authSpec`` and ``attributes.isDestination``-style flags are reduced to
``isSource``/``isTarget``.
"""

from __future__ import annotations

from typing import Any

from provider.emulator.entity import ReadOnlyService
from provider.emulator.specs import DATABRICKS_SPEC_ID, SPECS, AuthSpec

DATA_LAKE_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"


def _auth_spec_json(auth: AuthSpec) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for param in auth.params:
        schema: dict[str, Any] = {"type": "string"}
        if param in auth.secret:
            schema["format"] = "password"
        properties[param] = schema
    return {
        "name": auth.name,
        "type": "Access Token Authentication",
        "spec": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": properties,
            "required": list(auth.required),
        },
    }


def _databricks() -> dict[str, Any]:
    spec = SPECS[DATABRICKS_SPEC_ID]
    return {
        "id": spec.id,
        "name": spec.name,
        "providerId": "0ed90a81-07f4-4586-8190-b40eccef1c5a",
        "version": spec.versions[-1],
        "authSpec": [_auth_spec_json(a) for a in spec.auth_specs],
        "sourceSpec": {"attributes": {"uiAttributes": {"category": "database"}}, "spec": {}},
        "exploreSpec": {"name": "Tabular", "type": "Tabular", "spec": {}},
        "attributes": {"category": "database", "isSource": True, "isTarget": False},
        "permissionsInfo": {"view": [{"@type": "lowLevel", "name": "SourceConnection"}]},
    }


def _data_lake() -> dict[str, Any]:
    return {
        "id": DATA_LAKE_SPEC_ID,
        "name": "Data Lake",
        "providerId": "0ed90a81-07f4-4586-8190-b40eccef1c5a",
        "version": "1.0",
        "authSpec": [],
        "targetSpec": {
            "name": "Data Lake",
            "spec": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "properties": {"dataSetId": {"type": "string"}},
                "required": ["dataSetId"],
            },
        },
        "attributes": {"category": "storage", "isSource": False, "isTarget": True},
    }


def connection_spec_service() -> ReadOnlyService:
    """The read-only ``/connectionSpecs`` catalogue."""
    return ReadOnlyService("/connectionSpecs", "connectionSpecs", [_databricks(), _data_lake()])
