"""``DatabricksSourceConnection``: its field table and its API mapping (a
``lifecycle.ResourceApi`` over Flow Service ``/sourceConnections``).

Name and description change in place (one PATCH with ``If-Match``); the base connection, the
table and CDC replace. The table, ``source_connection_body``/``source_connection_inputs`` and
``SOURCE_CONNECTION`` are still importable from ``provider.fields``, ``provider.pipeline_model``
and ``provider.pipeline_api``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provider import endpoints, pipeline_rules, validation
from provider.resources.base import (
    NAMED_RULES,
    SANDBOX_RULES,
    EntityApi,
    Props,
    keyed,
    named_body,
    spec_ref,
    with_identity,
    with_sandbox,
)
from provider.resources.base_connection import DATABRICKS_SPEC_ID
from provider.resources.fields import (
    FLOW_ID_RULE,
    Field,
    ResourceSpec,
    flow_outputs,
    named_fields,
    sandbox_field,
)
from provider.resources.identity import replace_fields

DATABRICKS_SOURCE_CONNECTION = ResourceSpec(
    module="aep",
    name="DatabricksSourceConnection",
    description="A Flow Service source connection naming one Databricks table of a base "
                "connection (`POST /sourceConnections`, data format `tabular`).",
    id_field="source_connection_id",
    fields=(
        *named_fields("source connection"),
        Field("base_connection_id", "baseConnectionId", "baseConnectionId",
              "The id of the `DatabricksBaseConnection` to read from. Changing it replaces the "
              "source connection.", required=True, replace=True, rule=FLOW_ID_RULE),
        Field("table_name", "tableName", "params.tableName",
              "The table path as `python -m provider.explore tables` lists it, e.g. "
              "`sales.orders`. Changing it replaces the source connection.",
              required=True, replace=True,
              rule="one to three dot-separated parts (catalog.schema.table), each letters, "
                   "digits and `_` or back-quoted"),
        Field("cdc_enabled", "cdcEnabled", "params.cdcEnabled",
              "Read the table's change data feed (Azure Databricks; the table needs "
              "`delta.enableChangeDataFeed=true`). Changing it replaces the source connection.",
              type="boolean", replace=True, rule="true or false"),
        sandbox_field("source connection"),
        *flow_outputs("source connection", "source_connection_id", "sourceConnectionId"),
    ),
)

# Which inputs replace, from the field table.
SOURCE_REPLACE_FIELDS = replace_fields(DATABRICKS_SOURCE_CONNECTION)


def source_connection_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /sourceConnections`` for a Databricks table."""
    params: dict[str, Any] = {"tableName": props["table_name"]}
    if props.get("cdc_enabled") is not None:
        params["cdcEnabled"] = bool(props["cdc_enabled"])
    return {
        **named_body(props),
        "baseConnectionId": props["base_connection_id"],
        "data": {"format": "tabular"},
        "params": params,
        "connectionSpec": spec_ref(DATABRICKS_SPEC_ID),
    }


def source_connection_inputs(item: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a live source connection shows (``sandbox_name`` from ``prior``)."""
    params = item.get("params") or {}
    inputs: dict[str, Any] = {
        "name": item.get("name"),
        "base_connection_id": item.get("baseConnectionId"),
        "table_name": params.get("tableName"),
    }
    if item.get("description") is not None:
        inputs["description"] = item["description"]
    if params.get("cdcEnabled") is not None:
        inputs["cdc_enabled"] = params["cdcEnabled"]
    return with_sandbox(inputs, item, prior)


def _source_defaults(values: dict[str, Any]) -> dict[str, Any]:
    # An unset cdcEnabled is Flow Service's false.
    return {**values, "cdc_enabled": bool(values.get("cdc_enabled"))}


class SourceConnectionApi(EntityApi):
    """``DatabricksSourceConnection``: name and description in place, the rest replaces."""

    SPEC = DATABRICKS_SOURCE_CONNECTION
    NOUN = "Databricks source connection"
    COLL = with_identity(endpoints.SOURCE_CONNECTIONS, DATABRICKS_SOURCE_CONNECTION,
                       source_connection_inputs, _source_defaults)
    REPLACE = SOURCE_REPLACE_FIELDS
    RULES = {
        **NAMED_RULES,
        "base_connection_id": keyed(pipeline_rules.flow_object_id_problem, "base_connection_id"),
        "table_name": pipeline_rules.table_path_problem,
        "cdc_enabled": validation.boolean_rule("cdc_enabled"),
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /sourceConnections`` (Databricks spec, format tabular)."""
        return source_connection_body(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Name, description, base connection, table, CDC, sandbox."""
        return source_connection_inputs(item, prior)


SOURCE_CONNECTION = SourceConnectionApi()
