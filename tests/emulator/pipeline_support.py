"""Helpers for the ingestion-path tests: a settable clock, valid bodies, whole-path calls."""

from __future__ import annotations

from typing import Any

import requests
from emulator_support import Api

from provider.emulator.connection_specs import DATA_LAKE_SPEC_ID
from provider.emulator.flow_specs import CRM_TO_AEP_ID
from provider.emulator.specs import DATABRICKS_SPEC_ID

DATASET_ID = "5c8c3c555033b814b69f947f"
SCHEMA_ID = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"
START = 1_800_000_000  # 2027-01-15, after FakeClock's default "now"
MAPPING_SETS = "/data/foundation/conversion/mappingSets"
CREDENTIALS = "/data/foundation/connectors/landingzone/credentials"

def platform(api: Api, method: str, path: str, **kwargs: Any) -> requests.Response:
    """One request to a full platform path (outside the Flow Service base)."""
    kwargs.setdefault("timeout", 5)
    headers = kwargs.pop("headers", None) or api.headers()
    return api.session.request(method, f"{api.emu.url}{path}", headers=headers, **kwargs)


def source_body(base_id: str, table: str = "sales.orders", **extra: Any) -> dict[str, Any]:
    """A valid source connection body."""
    body: dict[str, Any] = {
        "name": "orders source",
        "description": "orders table",
        "baseConnectionId": base_id,
        "data": {"format": "tabular"},
        "params": {"tableName": table},
        "connectionSpec": {"id": DATABRICKS_SPEC_ID, "version": "1.0"},
    }
    body.update(extra)
    return body


def target_body(**extra: Any) -> dict[str, Any]:
    """A valid Data Lake target connection body."""
    body: dict[str, Any] = {
        "name": "orders target",
        "data": {
            "format": "parquet_xdm",
            "schema": {"id": SCHEMA_ID,
                       "version": "application/vnd.adobe.xed-full+json;version=1"},
        },
        "params": {"dataSetId": DATASET_ID},
        "connectionSpec": {"id": DATA_LAKE_SPEC_ID, "version": "1.0"},
    }
    body.update(extra)
    return body


def mapping_body(destination: str = "_tenant.orderId") -> dict[str, Any]:
    """A valid mapping set body (current Data Prep shape)."""
    return {
        "outputSchema": {
            "schemaRef": {"id": SCHEMA_ID,
                          "contentType": "application/vnd.adobe.xed-full+json;version=1"}
        },
        "mappings": [
            {"sourceType": "ATTRIBUTE", "source": "order_id", "destination": destination},
            {"sourceType": "EXPRESSION", "source": "lower(customer_id)",
             "destination": "_tenant.customerId"},
        ],
    }


def database_transformations(mapping_id: str, version: int = 0) -> list[dict[str, Any]]:
    """What Adobe requires of a dataflow from a database source: a Copy transformation with a
    delta column and a Mapping transformation."""
    return [{"name": "Copy", "params": {"deltaColumn": {"name": "updated_at"}}},
            {"name": "Mapping", "params": {"mappingId": mapping_id, "mappingVersion": version}}]


def flow_body(source_id: str, target_id: str, *, mapping: str | None = None,
              **extra: Any) -> dict[str, Any]:
    """A valid dataflow body, hourly from START (``mapping``: a mapping set id, making the
    delta column and mapping a database source needs; without it, no transformations)."""
    body: dict[str, Any] = {
        "name": "orders flow",
        "description": "orders into the lake",
        "flowSpec": {"id": CRM_TO_AEP_ID, "version": "1.0"},
        "sourceConnectionIds": [source_id],
        "targetConnectionIds": [target_id],
        "transformations": [] if mapping is None else database_transformations(mapping),
        "scheduleParams": {"startTime": START, "frequency": "hour", "interval": 1},
    }
    body.update(extra)
    return body


def made_flow(made: Made, **extra: Any) -> dict[str, Any]:
    """``flow_body`` for ``made``'s source and target, with its mapping set and delta column."""
    return flow_body(made.source, made.target, mapping=made.mapping, **extra)


def created(answer: requests.Response) -> tuple[str, str]:
    """(id, etag) of a 201 create answer."""
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["etag"]


class Made:
    """Ids of one whole path made over HTTP: base, source, target (and optionally a flow)."""

    def __init__(self, api: Api, *, flow: bool = True, table: str = "sales.orders") -> None:
        self.base, _ = api.created("base")
        self.source, _ = created(api.call("POST", "/sourceConnections",
                                          json=source_body(self.base, table)))
        self.target, _ = created(api.call("POST", "/targetConnections", json=target_body()))
        mapping = platform(api, "POST", MAPPING_SETS, json=mapping_body())
        assert mapping.status_code == 200, mapping.text
        self.mapping = str(mapping.json()["id"])
        self.flow = self.flow_etag = ""
        if flow:
            self.flow, self.flow_etag = created(
                api.call("POST", "/flows", json=flow_body(self.source, self.target,
                                                          mapping=self.mapping))
            )
