"""The client's operations over every collection (provider.endpoints), against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from client_fixtures import databricks_body, make_client, start_emulator

from provider.emulator import Emulator
from provider.endpoints import (
    DATA_PREP,
    FLOWS,
    MAPPING_SETS,
    SOURCE_CONNECTIONS,
    TARGET_CONNECTIONS,
)
from provider.errors import ApiError, ConflictError, InUseError, NotFoundError
from provider.http.client import FlowServiceClient
from provider.pipeline_model import (
    flow_body,
    mapping_set_body,
    source_connection_body,
    target_connection_body,
)

DATASET_ID = "5c8c3c555033b814b69f947f"
SCHEMA_ID = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"
START = 1_800_000_000
MAPPINGS = [{"source": "order_id", "destination": "_tenant.orderId", "source_type": "ATTRIBUTE"}]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for the module (tests keep apart by sandbox)."""
    emulator = start_emulator()
    yield emulator
    emulator.stop()


@pytest.fixture
def client(emu: Emulator) -> FlowServiceClient:
    """A client with injected waits."""
    emu.faults.clear()
    return make_client(emu)




def _source(client: FlowServiceClient, sandbox: str) -> str:
    base = client.create_connection(sandbox, databricks_body("base")).id
    return client.create(SOURCE_CONNECTIONS, sandbox, source_connection_body(
        {"name": "orders", "base_connection_id": base, "table_name": "sales.orders"})).id


def _target(client: FlowServiceClient, sandbox: str) -> str:
    return client.create(TARGET_CONNECTIONS, sandbox, target_connection_body(
        {"name": "lake", "dataset_id": DATASET_ID, "schema_id": SCHEMA_ID})).id


def _database_flow(client: FlowServiceClient, sandbox: str) -> dict[str, Any]:
    """What Adobe requires of a dataflow from a database source: a delta column, a mapping."""
    mapping = client.create(MAPPING_SETS, sandbox,
                            mapping_set_body({"schema_id": SCHEMA_ID, "mappings": MAPPINGS}))
    return {"delta_column": {"name": "updated_at"}, "mapping_set_id": mapping.id,
            "mapping_version": 0}


def _flow(client: FlowServiceClient, sandbox: str, **extra: Any) -> tuple[str, str]:
    props = {"name": "flow", "source_connection_id": _source(client, sandbox),
             "target_connection_id": _target(client, sandbox),
             "schedule": {"start_time": START, "frequency": "hour", "interval": 1},
             **_database_flow(client, sandbox), **extra}
    made = client.create(FLOWS, sandbox, flow_body(props))
    return made.id, made.etag


def test_source_connection_round_trip(client: FlowServiceClient, sandbox: str) -> None:
    """A source connection is created, read back from {items}, patched with If-Match, deleted."""
    id_ = _source(client, sandbox)
    item = client.get(SOURCE_CONNECTIONS, sandbox, id_)
    assert item["params"]["tableName"] == "sales.orders"
    patched = client.patch(SOURCE_CONNECTIONS, sandbox, id_, item["etag"],
                           [{"op": "replace", "path": "/name", "value": "renamed"}])
    assert patched.etag != item["etag"]
    client.delete(SOURCE_CONNECTIONS, sandbox, id_)
    with pytest.raises(NotFoundError):
        client.get(SOURCE_CONNECTIONS, sandbox, id_)


def test_lost_source_create_adopts_its_own(emu: Emulator, client: FlowServiceClient,
                                           sandbox: str) -> None:
    """A source create whose answer is lost is found by its identity, not made twice."""
    base = client.create_connection(sandbox, databricks_body("base")).id
    body = source_connection_body({"name": "orders", "base_connection_id": base,
                                   "table_name": "sales.orders"})
    emu.faults.add(drop="after", method="POST", path="/sourceConnections", times=1)
    made = client.create(SOURCE_CONNECTIONS, sandbox, body)
    listed = list(client.list_items(SOURCE_CONNECTIONS, sandbox))
    assert [item["id"] for item in listed] == [made.id]


def test_lost_flow_create_adopts_its_own(emu: Emulator, client: FlowServiceClient,
                                         sandbox: str) -> None:
    """A dataflow create whose answer is lost is found by name, spec, source and target."""
    emu.faults.add(drop="after", method="POST", path="/flows", times=1)
    id_, etag = _flow(client, sandbox)
    assert etag
    assert [f["id"] for f in client.list_items(FLOWS, sandbox)] == [id_]


def test_flow_action_disables_and_enables(client: FlowServiceClient, sandbox: str) -> None:
    """POST /flows/{id}/action?op= sets the state and returns the new etag."""
    id_, etag = _flow(client, sandbox)
    off = client.action(FLOWS, sandbox, id_, "disable", etag)
    assert client.get(FLOWS, sandbox, id_)["state"] == "disabled"
    client.action(FLOWS, sandbox, id_, "enable", off.etag)
    assert client.get(FLOWS, sandbox, id_)["state"] == "enabled"


def test_stale_action_is_a_conflict(client: FlowServiceClient, sandbox: str) -> None:
    """An action with a stale If-Match changes nothing and is a ConflictError."""
    id_, etag = _flow(client, sandbox)
    client.patch(FLOWS, sandbox, id_, etag, [{"op": "replace", "path": "/name", "value": "x"}])
    with pytest.raises(ConflictError):
        client.action(FLOWS, sandbox, id_, "disable", etag)
    assert client.get(FLOWS, sandbox, id_)["state"] == "enabled"


def test_connection_used_by_a_flow_is_in_use(client: FlowServiceClient, sandbox: str) -> None:
    """Deleting a base connection a dataflow uses raises InUseError (1418-400)."""
    base = client.create_connection(sandbox, databricks_body("base")).id
    source = client.create(SOURCE_CONNECTIONS, sandbox, source_connection_body(
        {"name": "s", "base_connection_id": base, "table_name": "sales.orders"})).id
    client.create(FLOWS, sandbox, flow_body({
        "name": "f", "source_connection_id": source,
        "target_connection_id": _target(client, sandbox),
        "schedule": {"start_time": START, "frequency": "hour", "interval": 1},
        **_database_flow(client, sandbox)}))
    with pytest.raises(InUseError) as raised:
        client.delete_connection(sandbox, base)
    assert raised.value.code == "1418-400"


def test_mapping_set_create_get_and_put(client: FlowServiceClient, sandbox: str) -> None:
    """A mapping set is created under Data Prep (version 0), read bare, and PUT to version 1."""
    body = mapping_set_body({"schema_id": SCHEMA_ID, "mappings": MAPPINGS})
    made = client.create(MAPPING_SETS, sandbox, body)
    assert made.etag == "0"
    assert client.get(MAPPING_SETS, sandbox, made.id)["version"] == 0
    new = mapping_set_body({"schema_id": SCHEMA_ID, "mappings": [
        {**MAPPINGS[0], "destination": "_tenant.id"}]})
    put = client.replace(MAPPING_SETS, sandbox, made.id, new, applied=lambda _item: False)
    assert put.etag == "1"


def test_lost_put_is_not_repeated_when_in_place(emu: Emulator, client: FlowServiceClient,
                                                sandbox: str) -> None:
    """A PUT whose answer was lost is read back at the version it makes (Data Prep reads
    version 0 without one); a version already showing the body is taken."""
    made = client.create(MAPPING_SETS, sandbox,
                         mapping_set_body({"schema_id": SCHEMA_ID, "mappings": MAPPINGS}))
    emu.faults.add(drop="after", method="PUT", path=f"{DATA_PREP}/mappingSets/{made.id}",
                   times=1)
    put = client.replace(MAPPING_SETS, sandbox, made.id,
                         mapping_set_body({"schema_id": SCHEMA_ID, "mappings": MAPPINGS}),
                         applied=lambda item: item.get("version") == 1,
                         read_params=[("version", "1")])
    assert put.etag == "1"
    assert client.get(MAPPING_SETS, sandbox, made.id, params=[("version", "1")])["version"] == 1
    with pytest.raises(ApiError):  # no second PUT: version 2 was never made
        client.get(MAPPING_SETS, sandbox, made.id, params=[("version", "2")])


def test_lost_mapping_set_create_adopts_its_own(emu: Emulator, client: FlowServiceClient,
                                                sandbox: str) -> None:
    """A mapping set create whose answer is lost is found by schema and rules, not made twice."""
    emu.faults.add(drop="after", method="POST", path=f"{DATA_PREP}/mappingSets", times=1)
    made = client.create(MAPPING_SETS, sandbox,
                         mapping_set_body({"schema_id": SCHEMA_ID, "mappings": MAPPINGS}))
    assert [m["id"] for m in client.list_items(MAPPING_SETS, sandbox)] == [made.id]


def test_missing_mapping_set_is_gone_only_in_its_own_words(client: FlowServiceClient,
                                                           sandbox: str) -> None:
    """Data Prep's own 404 for the id is "gone"; a 404 naming another id is not."""
    with pytest.raises(NotFoundError):
        client.get(MAPPING_SETS, sandbox, "0" * 32)


def test_request_json_reaches_another_base(client: FlowServiceClient, sandbox: str) -> None:
    """request_json calls any platform base path with the same headers and error tree."""
    answer = client.request_json("GET", "/data/foundation/connectors/landingzone",
                                 "/credentials", sandbox,
                                 params=[("type", "dlz_databricks_source")])
    assert answer["containerName"]


def test_lost_action_answer_is_resolved_by_reading(emu: Emulator, client: FlowServiceClient,
                                                   sandbox: str) -> None:
    """An action whose answer was lost meets 412 on the retry; the flow shows the state, so
    the action counts as done."""
    id_, etag = _flow(client, sandbox)
    rule = emu.faults.add(drop="after", method="POST", path=f"/flows/{id_}/action", times=1)
    done = client.action(FLOWS, sandbox, id_, "disable", etag,
                         applied=lambda item: item.get("state") == "disabled")
    assert rule.fired == 1
    item = client.get(FLOWS, sandbox, id_)
    assert item["state"] == "disabled"
    assert done.etag == item["etag"]


def test_lost_action_answer_unproven_is_a_conflict(emu: Emulator, client: FlowServiceClient,
                                                   sandbox: str) -> None:
    """Without proof that the action landed, the 412 stays a ConflictError."""
    id_, etag = _flow(client, sandbox)
    emu.faults.add(drop="after", method="POST", path=f"/flows/{id_}/action", times=1)
    with pytest.raises(ConflictError):
        client.action(FLOWS, sandbox, id_, "disable", etag, applied=lambda _item: False)
