"""Schema as code in the stack: the ``schemas`` config (refused at load with the key and an
example) and the local stack's program under mocks, every schema id wired from outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stack_testlib import PROJECT, engine_config
from test_stack_program import run_program

from stacks.config import MappingConfigSource, StackConfigError, load_stack_config

SCHEMA = {"name": "orders", "title": "Orders", "class": "experience_event",
          "fields": [{"name": "orderId", "type": "string"}],
          "primaryIdentity": {"field": "orderId", "namespace": "Email"},
          "dataset": {"name": "orders"}}
FLOW = {"table": "sales.orders", "schema": "orders",
        "mappings": [{"source": "order_id", "destination": "_acme.orderId",
                      "sourceType": "ATTRIBUTE"}],
        "schedule": {"startTime": "2027-01-15T08:00:00Z", "frequency": "hour", "interval": 1}}


def load(schemas: object, flow: dict[str, Any] | None = None) -> Any:
    """Load a local stack config with ``schemas`` and one connection running ``flow``."""
    connection = {"name": "sales", "domain": "https://adb-1.2.azuredatabricks.net",
                  "clusterId": "0123-456789-abcdefgh", "database": "sales",
                  "tokenKey": "tok", "dataflows": [flow or FLOW]}
    values = {"aep:sandboxName": "dev", f"{PROJECT}:connections": json.dumps([connection]),
              f"{PROJECT}:tok": "dapi-x", f"{PROJECT}:allowPlaintextTokens": "true",
              f"{PROJECT}:schemas": json.dumps(schemas)}
    return load_stack_config(MappingConfigSource(values), PROJECT, "local")


def test_a_schema_entry_loads_and_a_dataflow_names_it() -> None:
    """A complete entry parses; the dataflow keeps its schema name and no typed ids."""
    config = load([SCHEMA])
    [schema] = config.schemas
    assert (schema.name, schema.schema_class, schema.dataset) == (
        "orders", "experience_event", {"name": "orders"})
    [flow] = config.connections[0].dataflows
    assert (flow.schema, flow.dataset_id, flow.schema_id) == ("orders", "", "")


@pytest.mark.parametrize(("schemas", "flow", "key", "says"), [
    ([SCHEMA], {**FLOW, "schema": "nope"}, "connections[0].dataflows[0].schema",
     "no schemas entry is named 'nope'"),
    ([{**SCHEMA, "dataset": None}], FLOW, "connections[0].dataflows[0].schema",
     "declares no dataset"),
    ([SCHEMA], {**FLOW, "datasetId": "5c8c3c555033b814b69f947f"},
     "connections[0].dataflows[0].datasetId", "give either schema"),
    ([{**SCHEMA, "primaryIdentity": None, "profileEnabled": True}], FLOW,
     "schemas[0].profileEnabled", "Profile needs primaryIdentity"),
    ([{**SCHEMA, "fields": [{"name": "a", "type": "map"}]}], FLOW, "schemas[0].fields[0].type",
     "must be one of"),
    ([{**SCHEMA, "class": "person"}], FLOW, "schemas[0].class", "class must be profile"),
    ([SCHEMA, {**SCHEMA, "name": "other"}], FLOW, "schemas[1].title", "declared twice"),
    ([{**SCHEMA, "colour": 1}], FLOW, "schemas[0].colour", "unknown field"),
    ([{**SCHEMA, "dataset": {"name": "d", "profileEnabled": True}}], FLOW,
     "schemas[0].dataset.profileEnabled", "needs its schema enabled for Profile"),
])
def test_bad_schemas_are_refused_at_load(schemas: object, flow: dict[str, Any], key: str,
                                         says: str) -> None:
    """Each problem is one StackConfigError naming the key, with an example."""
    with pytest.raises(StackConfigError) as raised:
        load(schemas, flow)
    assert raised.value.key == f"{PROJECT}:{key}"
    assert says in raised.value.problem
    assert "Example (stacks/Pulumi.<stack>.yaml)" in str(raised.value)


def test_the_local_stack_wires_schema_and_dataset_ids_from_outputs() -> None:
    """Under mocks: field group, schema, identity and dataset are declared, and the schema, the
    dataset, the target connection and the mapping set take their ids from outputs."""
    config, secrets = engine_config("local")
    result = run_program("local", config, secrets)
    assert result["error"] is None
    by_type: dict[str, list[dict[str, Any]]] = {}
    for resource in result["resources"]:
        by_type.setdefault(resource["type"].rsplit(":", 1)[-1], []).append(resource)
    (group,) = by_type["XdmFieldGroup"]
    (schema,) = by_type["XdmSchema"]
    (identity,) = by_type["XdmIdentity"]
    (dataset,) = by_type["Dataset"]
    (target,) = by_type["DataLakeTargetConnection"]
    (mapping,) = by_type["MappingSet"]
    assert schema["inputs"]["field_groups"] == [group["name"] + "-0001"]
    schema_id = schema["name"] + "-0001"
    assert identity["inputs"]["schema_id"] == schema_id
    assert dataset["inputs"]["schema_id"] == schema_id
    assert dataset["inputs"]["schema_version"] == "application/vnd.adobe.xed+json;version=1"
    assert target["inputs"]["schema_id"] == schema_id
    assert target["inputs"]["dataset_id"] == dataset["name"] + "-0001"
    assert mapping["inputs"]["schema_id"] == schema_id
    assert result["exports"]["schemas"] == {
        "orders": {"schemaId": schema_id, "datasetId": dataset["name"] + "-0001"}}
