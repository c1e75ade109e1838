"""provider.resources.dataflow_json (old path provider.pipeline_model): the dataflow's JSON
round-trips through the emulator; which changes replace; schedule normalisation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from provider import pipeline_model as model
from provider.emulator import Emulator, PipelineOptions
from tests.pipeline_http import FLOW, MAPPING_SETS, Platform

START_ISO = "2027-01-15T08:00:00Z"
START = 1_800_000_000
SCHEMA = "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef"
MAPPINGS = [{"source": "order_id", "destination": "_acme.orderId", "source_type": "ATTRIBUTE"}]


@pytest.fixture(params=["spec", "strings", "typed"])
def platform(request: pytest.FixtureRequest) -> Iterator[Platform]:
    """A session to an emulator answering schedules in each of its three type modes."""
    with Emulator(pipeline=PipelineOptions(schedule_types=request.param,
                                           clock=lambda: 1_790_000_000.0)) as emu:
        client = Platform(emu)
        yield client
        client.close()


def _pipeline(platform: Platform, **flow: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    # A dataflow from a database source needs a delta column (Adobe's database tutorials).
    flow = {"delta_column": {"name": "updated_at"}, **flow}
    """Create source, target, mapping and flow from model bodies; (flow props, live flow)."""
    base = platform.base_connection()
    source_props = {"name": "src", "base_connection_id": base, "table_name": "sales.orders",
                    "cdc_enabled": True, "sandbox_name": "prod"}
    source = platform.ok("POST", f"{FLOW}/sourceConnections",
                         json=model.source_connection_body(source_props))
    live_source = platform.ok("GET", f"{FLOW}/sourceConnections/{source['id']}")["items"][0]
    assert model.source_connection_inputs(live_source, {"sandbox_name": "prod"}) == source_props
    target_props = {"name": "tgt", "description": "lake", "dataset_id": "5c8c3c555033b814b69f947f",
                    "schema_id": SCHEMA, "sandbox_name": "prod"}
    target = platform.ok("POST", f"{FLOW}/targetConnections",
                         json=model.target_connection_body(target_props))
    live_target = platform.ok("GET", f"{FLOW}/targetConnections/{target['id']}")["items"][0]
    assert model.target_connection_inputs(live_target, {}) == {
        **target_props, "schema_version": model.DEFAULT_SCHEMA_VERSION,
        "format": model.DEFAULT_TARGET_FORMAT}
    mapping_props = {"schema_id": SCHEMA, "mappings": MAPPINGS, "sandbox_name": "prod"}
    mapping = platform.ok("POST", MAPPING_SETS, json=model.mapping_set_body(mapping_props))
    # Data Prep's create answer is short (id, version, dates): the rules are read back by GET.
    live_mapping = platform.ok("GET", f"{MAPPING_SETS}/{mapping['id']}")
    assert model.mapping_set_inputs(live_mapping, {"sandbox_name": "prod"}) == mapping_props
    props = {"name": "orders", "source_connection_id": source["id"],
             "target_connection_id": target["id"], "mapping_set_id": mapping["id"],
             "mapping_version": 0, "sandbox_name": "prod",
             "schedule": {"start_time": START_ISO, "frequency": "hour", "interval": 1}, **flow}
    created = platform.ok("POST", f"{FLOW}/flows", json=model.flow_body(props))
    live = platform.ok("GET", f"{FLOW}/flows/{created['id']}")["items"][0]
    return props, live


def test_whole_path_round_trips_in_every_schedule_type_mode(platform: Platform) -> None:
    """Bodies are accepted; the live flow maps back to the declared inputs, ISO start kept."""
    props, live = _pipeline(platform, delta_column={"name": "updated_at", "timezone": "UTC"})
    inputs = model.flow_inputs(live, props)
    assert inputs == {**props, "flow_spec_id": model.CRM_TO_AEP_FLOW_SPEC_ID, "enabled": True}
    changed, replaces = model.flow_changes(props, inputs)
    assert changed == set()
    assert not replaces


def test_patch_ops_apply_and_read_back(platform: Platform) -> None:
    """Frequency, interval, name and a new mapping version patch in place and read back."""
    props, live = _pipeline(platform)
    platform.ok("PUT", f"{MAPPING_SETS}/{props['mapping_set_id']}",
                json=model.mapping_set_body({"schema_id": SCHEMA, "mappings": MAPPINGS}))
    news = {**props, "name": "orders-15m", "mapping_version": 1,
            "schedule": {"start_time": START_ISO, "frequency": "minute", "interval": 15}}
    changed, replaces = model.flow_changes(props, news)
    assert changed == {"name", "frequency", "interval", "mapping_version"}
    assert not replaces
    ops = model.flow_patch_ops(props, news)
    platform.ok("PATCH", f"{FLOW}/flows/{live['id']}", if_match=live["etag"], json=ops)
    again = platform.ok("GET", f"{FLOW}/flows/{live['id']}")["items"][0]
    inputs = model.flow_inputs(again, news)
    assert inputs["schedule"] == news["schedule"]
    assert (inputs["name"], inputs["mapping_version"]) == ("orders-15m", 1)


def test_disabled_in_the_ui_reads_as_enabled_false(platform: Platform) -> None:
    """A flow disabled out of band shows enabled False: a change for the next up."""
    props, live = _pipeline(platform)
    platform.ok("POST", f"{FLOW}/flows/{live['id']}/action?op=disable")
    again = platform.ok("GET", f"{FLOW}/flows/{live['id']}")["items"][0]
    inputs = model.flow_inputs(again, props)
    assert inputs["enabled"] is False
    assert model.flow_changes(props, inputs) == ({"enabled"}, False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source_connection_id": "other"}, "source_connection_id"),
        ({"target_connection_id": "other"}, "target_connection_id"),
        ({"sandbox_name": "dev"}, "sandbox_name"),
        ({"flow_spec_id": "other"}, "flow_spec_id"),
        ({"schedule": {"start_time": START + 60, "frequency": "hour", "interval": 1}},
         "start_time"),
        ({"schedule": {"start_time": START, "frequency": "hour", "interval": 1,
                       "backfill": False}}, "backfill"),
        ({"delta_column": {"name": "updated_at"}}, "delta_column"),
    ],
)
def test_replace_fields(change: dict[str, Any], field: str) -> None:
    """Source, target, sandbox, flow spec, start time, backfill and delta column replace."""
    olds = {"name": "f", "source_connection_id": "s", "target_connection_id": "t",
            "sandbox_name": "prod",
            "schedule": {"start_time": START_ISO, "frequency": "hour", "interval": 1}}
    changed, replaces = model.flow_changes(olds, {**olds, **change})
    assert field in changed
    assert replaces


@pytest.mark.parametrize(("old", "new"), [("hour", "once"), ("once", "day")])
def test_frequency_to_or_from_once_replaces(old: str, new: str) -> None:
    """A run-once flow has no interval to patch: switching to or from once replaces."""
    def props(frequency: str) -> dict[str, Any]:
        schedule = {"start_time": START, "frequency": frequency}
        return {"name": "f", "schedule": schedule if frequency == "once"
                else {**schedule, "interval": 1}}

    changed, replaces = model.flow_changes(props(old), props(new))
    assert "frequency" in changed
    assert replaces
    assert model.flow_changes(props("hour"), props("day")) == ({"frequency"}, False)


def test_same_start_in_two_spellings_is_no_change() -> None:
    """ISO and epoch seconds of one instant, and interval 1 vs "1", are the same schedule."""
    iso = {"start_time": START_ISO, "frequency": "day", "interval": 1}
    epoch = {"startTime": str(START), "frequency": "day", "interval": "1", "backfill": "true"}
    assert model.same_schedule(iso, model.schedule_from_api(epoch))
    assert not model.same_schedule(iso, {**iso, "interval": 2})


@pytest.mark.parametrize(
    ("schedule", "params"),
    [
        ({"start_time": START_ISO, "frequency": "once", "backfill": False},
         {"startTime": START, "frequency": "once"}),
        ({"start_time": START, "frequency": "minute", "interval": 15.0, "backfill": True},
         {"startTime": START, "frequency": "minute", "interval": "15", "backfill": True}),
    ],
)
def test_schedule_params_follow_the_spec_types(
    schedule: dict[str, Any], params: dict[str, Any]
) -> None:
    """startTime an integer, interval a string, backfill a boolean, nothing but start with once."""
    assert model.schedule_params(schedule) == params


def test_mapping_patch_add_and_remove() -> None:
    """A mapping added later is appended; removing it removes its transformation index."""
    olds = {"name": "f", "schedule": {"start_time": START, "frequency": "day", "interval": 1},
            "delta_column": {"name": "u"}}
    news = {**olds, "mapping_set_id": "m", "mapping_version": 2}
    assert model.flow_patch_ops(olds, news) == [{
        "op": "add", "path": "/transformations/-",
        "value": {"name": "Mapping", "params": {"mappingId": "m", "mappingVersion": "2"}}}]
    assert model.flow_patch_ops(news, olds) == [{"op": "remove", "path": "/transformations/1"}]
