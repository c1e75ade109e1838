"""``DataLakeTargetConnection``: its field table and its API mapping (a
``lifecycle.ResourceApi`` over Flow Service ``/targetConnections``).

Name and description change in place (one PATCH with ``If-Match``); the dataset, the schema,
its version and the format replace. The table, ``target_connection_body``/
``target_connection_inputs`` and ``TARGET_CONNECTION`` are still importable from
``provider.fields``, ``provider.pipeline_model`` and ``provider.pipeline_api``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provider import endpoints, pipeline_rules, validation
from provider.pipeline_rules import DEFAULT_SCHEMA_VERSION
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
from provider.resources.dataset import DatasetApi
from provider.resources.fields import (
    Field,
    ResourceSpec,
    flow_outputs,
    named_fields,
    sandbox_field,
)
from provider.resources.identity import replace_fields

DATA_LAKE_TARGET_CONNECTION = ResourceSpec(
    module="aep",
    name="DataLakeTargetConnection",
    description="A Flow Service target connection to an AEP dataset in the Data Lake "
                "(connection spec `c604ff05-7f1a-43c0-8e18-33bf874cb11c`).",
    id_field="target_connection_id",
    fields=(
        *named_fields("target connection"),
        Field("dataset_id", "datasetId", "params.dataSetId",
              "The Catalog dataset id the data lands in. Changing it replaces the target "
              "connection.", required=True, replace=True,
              rule="24 lower-case hex digits"),
        Field("schema_id", "schemaId", "data.schema.id",
              "The `$id` of the dataset's XDM schema. Changing it replaces the target "
              "connection.", required=True, replace=True, rule="an XDM schema `$id` URI"),
        Field("schema_version", "schemaVersion", "data.schema.version",
              "The schema's content type, default "
              "`application/vnd.adobe.xed-full+json;version=1`. Changing it replaces the target "
              "connection.", replace=True, rule="an XDM schema content type",
              value_default=DEFAULT_SCHEMA_VERSION),
        Field("format", "format", "data.format",
              "The data format, default `parquet_xdm`. Changing it replaces the target "
              "connection.", replace=True, rule="a non-empty string", value_default="parquet_xdm"),
        sandbox_field("target connection"),
        *flow_outputs("target connection", "target_connection_id", "targetConnectionId"),
    ),
)

DATA_LAKE_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
# The default a create fills in is the field table's value default (one fact).
DEFAULT_TARGET_FORMAT = str(DATA_LAKE_TARGET_CONNECTION.by_state("format")
                            .value_default)  # type: ignore[union-attr]
# Which inputs replace, from the field table.
TARGET_REPLACE_FIELDS = replace_fields(DATA_LAKE_TARGET_CONNECTION)


def target_connection_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /targetConnections`` for a Data Lake dataset with its XDM schema."""
    return {
        **named_body(props),
        "data": {
            "format": props.get("format") or DEFAULT_TARGET_FORMAT,
            "schema": {"id": props["schema_id"],
                       "version": props.get("schema_version") or DEFAULT_SCHEMA_VERSION},
        },
        "params": {"dataSetId": props["dataset_id"]},
        "connectionSpec": spec_ref(DATA_LAKE_SPEC_ID),
    }


def target_connection_inputs(item: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a live target connection shows."""
    data = item.get("data") or {}
    schema = data.get("schema") or {}
    inputs: dict[str, Any] = {
        "name": item.get("name"),
        "dataset_id": (item.get("params") or {}).get("dataSetId"),
        "schema_id": schema.get("id"),
        "schema_version": schema.get("version") or DEFAULT_SCHEMA_VERSION,
        "format": data.get("format") or DEFAULT_TARGET_FORMAT,
    }
    if item.get("description") is not None:
        inputs["description"] = item["description"]
    return with_sandbox(inputs, item, prior)


class TargetConnectionApi(EntityApi):
    """``DataLakeTargetConnection``: name and description in place, the rest replaces."""

    SPEC = DATA_LAKE_TARGET_CONNECTION
    NOUN = "Data Lake target connection"
    SCHEMA_REF = ("schema_id", "schema_version")
    SCHEMA_LINKS = (("dataset_id", DatasetApi.NOUN),)
    COLL = with_identity(endpoints.TARGET_CONNECTIONS, DATA_LAKE_TARGET_CONNECTION,
                       target_connection_inputs)
    REPLACE = TARGET_REPLACE_FIELDS
    RULES = {
        **NAMED_RULES,
        "dataset_id": keyed(pipeline_rules.dataset_id_problem, "dataset_id"),
        "schema_id": keyed(pipeline_rules.schema_id_problem, "schema_id"),
        "schema_version": keyed(pipeline_rules.schema_version_problem, "schema_version"),
        "format": validation.text_rule("format", validation.MAX_IDENTIFIER),
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /targetConnections`` (Data Lake spec)."""
        return target_connection_body(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Name, description, dataset, schema and its version, format, sandbox."""
        return target_connection_inputs(item, prior)


TARGET_CONNECTION = TargetConnectionApi()
