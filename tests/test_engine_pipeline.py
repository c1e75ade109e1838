"""The whole ingestion path as the Pulumi engine drives it, through both front doors: base
connection -> source and target connections, mapping set -> dataflow."""

from __future__ import annotations

from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost
from provider.testing.engine import Ref, urn_for
from tests.conftest import TOKEN, flow_requests, stack_config
from tests.engine_fixtures import emu, host  # noqa: F401 (fixtures)

SECRET_KEYS = ("aep:clientSecret",)
DATASET_ID = "5c8c3c555033b814b69f947f"
SCHEMA_ID = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"
START = "2027-01-15T08:00:00Z"
START_EPOCH = 1_800_000_000  # the same instant, as Flow Service stores it

BASE = urn_for("sales", kind="DatabricksBaseConnection")
SOURCE = urn_for("orders-source", kind="DatabricksSourceConnection")
TARGET = urn_for("orders-target", kind="DataLakeTargetConnection")
HOST_CONFIG = {"sandbox": "pipe"}
MAPPING = urn_for("orders-mapping", kind="MappingSet")
FLOW = urn_for("orders-flow", kind="Dataflow")


def pipeline(table: str = "sales.orders", **flow: Any) -> dict[str, dict[str, Any]]:
    """One complete pipeline, in dependency order, wired from outputs."""
    return {
        BASE: {"name": "sales", "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
               "cluster_id": "0123-456789-abcde123", "access_token": TOKEN, "database": "sales"},
        SOURCE: {"name": "orders", "base_connection_id": Ref(BASE, "connection_id"),
                 "table_name": table},
        TARGET: {"name": "orders lake", "dataset_id": DATASET_ID, "schema_id": SCHEMA_ID},
        MAPPING: {"schema_id": SCHEMA_ID, "mappings": [
            {"source": "order_id", "destination": "_acme.orderId", "source_type": "ATTRIBUTE"},
            {"source": "lower(customer_id)", "destination": "_acme.customerId",
             "source_type": "EXPRESSION"}]},
        FLOW: {"name": "orders flow", "source_connection_id": Ref(SOURCE, "source_connection_id"),
               "target_connection_id": Ref(TARGET, "target_connection_id"),
               "mapping_set_id": Ref(MAPPING, "mapping_set_id"),
               "mapping_version": Ref(MAPPING, "version"),
               "delta_column": {"name": "updated_at"},
               "schedule": {"start_time": START, "frequency": "hour", "interval": 1}, **flow},
    }


@pytest.fixture(scope="module")
def engine(host: ProviderHost, emu: Emulator) -> Engine:
    """An engine whose first `up` made the whole pipeline."""
    made = Engine(host)
    plan = made.up(pipeline())
    assert plan.failures == {}
    return made


def test_up_creates_every_resource_once(engine: Engine, emu: Emulator) -> None:
    """One up makes one of each, wired: the flow names the source, target and mapping set."""
    assert len(emu.source_connections(sandbox="pipe")) == 1
    assert len(emu.target_connections(sandbox="pipe")) == 1
    assert len(emu.mapping_sets(sandbox="pipe")) == 1
    (flow,) = emu.flows(sandbox="pipe")
    assert flow["sourceConnectionIds"] == [engine.state[SOURCE].id]
    assert flow["targetConnectionIds"] == [engine.state[TARGET].id]
    assert flow["transformations"][-1]["params"]["mappingId"] == engine.state[MAPPING].id
    assert flow["scheduleParams"]["startTime"] == START_EPOCH
    outs = engine.state[FLOW].outputs
    assert outs["state"] == "enabled"
    assert outs["flow_id"] == engine.state[FLOW].id
    assert engine.state[MAPPING].outputs["version"] == 0


def test_no_op_preview_sends_nothing(engine: Engine, emu: Emulator) -> None:
    """An unchanged pipeline previews as all same with zero requests."""
    emu.clear_requests()
    plan = engine.preview(pipeline())
    assert set(plan.steps.values()) == {"same"}
    assert flow_requests(emu) == []


def test_refresh_shows_a_flow_disabled_in_the_ui_and_up_enables_it(engine: Engine,
                                                                   emu: Emulator,
                                                                   host: ProviderHost) -> None:
    """A flow disabled outside Pulumi refreshes as enabled=false; the next up enables it with
    the action (If-Match the etag in state)."""
    from provider.lifecycle import client_for
    from provider.settings import ProviderSettings

    settings = ProviderSettings.from_config(stack_config(emu, sandbox="pipe").get, {})
    client = client_for(settings)
    from provider.endpoints import FLOWS

    flow_id = engine.state[FLOW].id
    client.action(FLOWS, "pipe", flow_id, "disable")
    assert engine.refresh(FLOW) == {FLOW: "changed"}
    assert engine.state[FLOW].outputs["enabled"] is False
    emu.clear_requests()
    plan = engine.up(pipeline())
    assert plan.steps[FLOW] == "update"
    sent = [(r.method, r.path.rsplit("/", 1)[-1], r.query.get("op")) for r in flow_requests(emu)]
    assert sent == [("POST", "action", ["enable"])]
    assert emu.flows(sandbox="pipe")[0]["state"] == "enabled"
    assert engine.state[FLOW].outputs["state"] == "enabled"


def test_schedule_change_patches_in_place_with_if_match(engine: Engine, emu: Emulator) -> None:
    """A new interval is one PATCH of /scheduleParams/interval with If-Match."""
    etag = engine.state[FLOW].outputs["etag"]
    emu.clear_requests()
    plan = engine.up(pipeline(schedule={"start_time": START, "frequency": "hour",
                                        "interval": 2}))
    assert plan.steps[FLOW] == "update"
    (patch,) = flow_requests(emu)
    assert patch.method == "PATCH"
    assert patch.headers["if-match"] == etag
    assert patch.body == [{"op": "replace", "path": "/scheduleParams/interval", "value": "2"}]
    assert emu.flows(sandbox="pipe")[0]["scheduleParams"]["interval"] in (2, "2")


def test_disable_and_enable(engine: Engine, emu: Emulator) -> None:
    """enabled=false disables through the action; true again enables."""
    engine.up(pipeline(enabled=False, schedule={"start_time": START, "frequency": "hour",
                                                "interval": 2}))
    assert emu.flows(sandbox="pipe")[0]["state"] == "disabled"
    assert engine.state[FLOW].outputs["state"] == "disabled"
    engine.up(pipeline(schedule={"start_time": START, "frequency": "hour", "interval": 2}))
    assert emu.flows(sandbox="pipe")[0]["state"] == "enabled"


def test_mapping_change_puts_a_new_version_and_repoints_the_flow(engine: Engine,
                                                                 emu: Emulator) -> None:
    """A mapping change PUTs version 1 and the flow's mapping is patched to it."""
    declared = pipeline(schedule={"start_time": START, "frequency": "hour", "interval": 2})
    declared[MAPPING]["mappings"] = declared[MAPPING]["mappings"][:1]
    plan = engine.up(declared)
    assert plan.steps[MAPPING] == "update"
    assert engine.state[MAPPING].outputs["version"] == 1
    (flow,) = emu.flows(sandbox="pipe")
    assert flow["transformations"][-1]["params"]["mappingVersion"] in (1, "1")


def test_table_change_creates_before_it_deletes(engine: Engine, emu: Emulator) -> None:
    """A new table replaces the source and the dataflow: both new ones exist before the old
    ones are deleted, the old flow before the old source."""
    declared = pipeline("sales.customers", schedule={"start_time": START, "frequency": "hour",
                                                     "interval": 2})
    declared[MAPPING]["mappings"] = declared[MAPPING]["mappings"][:1]
    old_source, old_flow = engine.state[SOURCE].id, engine.state[FLOW].id
    emu.clear_requests()
    plan = engine.up(declared)
    assert plan.steps[SOURCE] == "replace"
    assert plan.steps[FLOW] == "replace"
    order = [(r.method, r.path.split("/")[-2] if r.method == "DELETE" else r.path.split("/")[-1])
             for r in flow_requests(emu) if r.method in ("POST", "DELETE")]
    assert order == [("POST", "sourceConnections"), ("POST", "flows"),
                     ("DELETE", "flows"), ("DELETE", "sourceConnections")]
    assert [s["id"] for s in emu.source_connections(sandbox="pipe")] != [old_source]
    assert [f["id"] for f in emu.flows(sandbox="pipe")] != [old_flow]


def test_destroy_runs_in_dependency_order(engine: Engine, emu: Emulator,
                                          host: ProviderHost) -> None:
    """Destroy deletes the flow, then the rest; the mapping set is forgotten, and says so."""
    emu.clear_requests()
    engine.destroy()
    deletes = [r.path.split("/")[-2] for r in flow_requests(emu) if r.method == "DELETE"]
    assert deletes == ["flows", "targetConnections", "sourceConnections", "connections"]
    assert emu.flows(sandbox="pipe") == []
    assert emu.connections(sandbox="pipe") == []
    assert len(emu.mapping_sets(sandbox="pipe")) == 1
    said = host.wait_warning("cannot delete mapping sets", MAPPING)
    assert "cannot delete mapping sets" in said
    assert TOKEN not in host.stderr
    assert TOKEN not in said


def in_sandbox(declared: dict[str, dict[str, Any]], sandbox: str) -> dict[str, dict[str, Any]]:
    """``declared`` with every resource in ``sandbox``."""
    return {urn: {**props, "sandbox_name": sandbox} for urn, props in declared.items()}


def test_lost_answers_on_every_create_make_nothing_twice(host: ProviderHost,
                                                         emu: Emulator) -> None:
    """Every create's answer is lost once: each resource still exists exactly once."""
    emu.faults.clear()
    for path in ("/connections", "/sourceConnections", "/targetConnections", "/flows",
                 "/data/foundation/conversion/mappingSets"):
        emu.faults.add(drop="after", method="POST", path=path, times=1)
    engine = Engine(host)
    try:
        plan = engine.up(in_sandbox(pipeline(), "lost"))
    finally:
        emu.faults.clear()
    assert plan.failures == {}
    assert len(emu.connections(sandbox="lost")) == 1
    assert len(emu.source_connections(sandbox="lost")) == 1
    assert len(emu.target_connections(sandbox="lost")) == 1
    assert len(emu.mapping_sets(sandbox="lost")) == 1
    (flow,) = emu.flows(sandbox="lost")
    assert flow["id"] == engine.state[FLOW].id
    engine.destroy()


def test_bad_schedule_stops_preview_with_no_request(host: ProviderHost, emu: Emulator,
                                                    door: str) -> None:
    """A minute schedule every 5 minutes fails check, naming the property, before any call."""
    emu.clear_requests()
    declared = in_sandbox(pipeline(schedule={"start_time": START, "frequency": "minute",
                                             "interval": 5}), "bad")
    plan = Engine(host).preview(declared)
    (failures,) = plan.failures.values()
    assert [prop for prop, _ in failures] == ["schedule.interval"]
    assert "at least 15" in failures[0][1]
    assert flow_requests(emu) == []


def test_connection_in_use_says_delete_the_dataflow_first(host: ProviderHost,
                                                         emu: Emulator) -> None:
    """Deleting a base connection a dataflow uses fails with 1418-400 and the advice; nothing
    is deleted, and destroy (dependency order) then succeeds."""
    from provider.testing import HostError

    engine = Engine(host)
    engine.up(in_sandbox(pipeline(), "inuse"))
    with pytest.raises(HostError) as raised:
        engine.delete(BASE)
    assert "delete the dataflow first" in str(raised.value)
    assert "1418-400" in str(raised.value)
    assert len(emu.connections(sandbox="inuse")) == 1
    engine.destroy()
    assert emu.connections(sandbox="inuse") == []


def test_import_reads_every_input_of_a_dataflow(host: ProviderHost, emu: Emulator) -> None:
    """Read with an id only (import) returns the dataflow's inputs in the provider's sandbox."""
    engine = Engine(host)
    engine.up(pipeline())
    flow_id = engine.state[FLOW].id
    # The plugin imports from an id alone; the dynamic door gets only its provider reference
    # (Pulumi cannot import dynamic resources, pulumi/pulumi#16175).
    blob = host.provider_blob(FLOW)
    id_, outs, inputs = host.read(flow_id, FLOW, {"__provider": blob} if blob else {}, {})
    assert id_ == flow_id
    assert inputs["source_connection_id"] == engine.state[SOURCE].id
    assert inputs["schedule"]["frequency"] == "hour"
    assert inputs["schedule"]["interval"] == 1
    assert inputs["enabled"] is True
    assert inputs["sandbox_name"] == "pipe"
    assert outs["state"] == "enabled"
    engine.destroy()


def test_source_renamed_outside_pulumi_is_drift_undone_in_place(host: ProviderHost,
                                                                emu: Emulator) -> None:
    """A source connection renamed in AEP refreshes as changed; up renames it back with one
    PATCH (If-Match), nothing replaced."""
    from provider.endpoints import SOURCE_CONNECTIONS
    from provider.lifecycle import client_for
    from provider.settings import ProviderSettings

    engine = Engine(host)
    declared = in_sandbox(pipeline(), "drift")
    engine.up(declared)
    client = client_for(ProviderSettings.from_config(stack_config(emu, sandbox="drift").get, {}))
    source_id = engine.state[SOURCE].id
    live = client.get(SOURCE_CONNECTIONS, "drift", source_id)
    client.patch(SOURCE_CONNECTIONS, "drift", source_id, live["etag"],
                 [{"op": "replace", "path": "/name", "value": "renamed in the UI"}])
    assert engine.refresh(SOURCE) == {SOURCE: "changed"}
    refreshed_etag = engine.state[SOURCE].outputs["etag"]
    assert refreshed_etag != live["etag"]
    emu.clear_requests()
    plan = engine.up(declared)
    assert plan.steps[SOURCE] == "update"
    assert plan.steps[FLOW] == "same"
    (patch,) = flow_requests(emu)
    assert patch.method == "PATCH"
    assert patch.headers["if-match"] == refreshed_etag
    assert emu.source_connections(sandbox="drift")[0]["name"] == "orders"
    engine.destroy()



def test_unknowns_inside_nested_inputs_pass_preview_and_are_judged_at_up(
        host: ProviderHost, emu: Emulator) -> None:
    """A mapping's source and a schedule's interval wired from outputs not known at preview
    pass check (as a top-level unknown does); once known at up, a bad one stops the flow."""
    declared = in_sandbox(pipeline(), "nested")
    declared[MAPPING]["mappings"][0]["source"] = Ref(TARGET, "target_connection_id")
    declared[FLOW]["schedule"] = {**declared[FLOW]["schedule"],
                                  "interval": Ref(MAPPING, "version")}
    engine = Engine(host)
    failures = engine.preview(declared).failures
    assert failures == {}, failures
    plan = engine.up(declared)
    # The mapping set's version is 0 once made: an hourly interval of 0 fails at up, naming it.
    assert [prop for prop, _ in plan.failures[FLOW]] == ["schedule.interval"]
    engine.destroy()


def test_a_terminal_escape_in_a_property_name_is_shown_escaped(host: ProviderHost,
                                                               emu: Emulator) -> None:
    """A typo'd key holding ESC/BEL, at the top or inside the schedule, fails check with a
    property path written escaped (the engine prints it as is), before any request."""
    emu.clear_requests()
    evil = "\x1b]0;owned\x07"
    declared = in_sandbox(pipeline(), "escapes")
    declared[FLOW]["schedule"] = {**declared[FLOW]["schedule"], evil: 1}
    declared[TARGET][evil] = 1
    plan = Engine(host).preview(declared)
    paths = [prop for failures in plan.failures.values() for prop, _ in failures]
    assert paths
    assert all("\x1b" not in p and "\x07" not in p for p in paths)
    assert any("\\x1b]0;owned" in p for p in paths)
    assert flow_requests(emu) == []


@pytest.mark.parametrize("shape", ["../connections/{id}", "{id}#x", "{id}?op=x", ".."])
def test_an_id_that_is_not_one_path_segment_is_refused_before_any_request(
        host: ProviderHost, emu: Emulator, shape: str) -> None:
    """Deleting (or reading) a Dataflow whose state id is `../connections/<id>` deleted the
    base connection (the URL resolves to it). Such an id is refused, nothing is sent, and the
    connection stays."""
    from provider.testing import HostError

    engine = Engine(host)
    engine.up(in_sandbox({BASE: pipeline()[BASE]}, "traverse"))
    connection_id = engine.state[BASE].id
    bad_id = shape.format(id=connection_id)
    props = {"sandbox_name": "traverse", "flow_id": bad_id}
    blob = host.provider_blob(FLOW)
    if blob:
        props["__provider"] = blob
    emu.clear_requests()
    for call in (lambda: host.delete(bad_id, FLOW, props),
                 lambda: host.read(bad_id, FLOW, props, {})):
        with pytest.raises(HostError) as caught:
            call()
        assert "is not an id" in caught.value.last_line
    assert flow_requests(emu) == []
    assert len(emu.connections(sandbox="traverse")) == 1
    engine.destroy()
