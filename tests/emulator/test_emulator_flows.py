"""/flows: create with referential integrity, schedule rules, patch, enable/disable, deletes."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from emulator_support import BASE, Api, flow_code
from pipeline_support import (
    MAPPING_SETS,
    START,
    Made,
    created,
    database_transformations,
    flow_body,
    made_flow,
    mapping_body,
    platform,
    source_body,
    target_body,
)

from provider.emulator import Emulator
from provider.emulator.pipeline import PipelineOptions
from tests.clocks import FakeClock


@pytest.fixture
def emu(clocked_emu: Emulator) -> Emulator:
    """The emulator on the fake clock (``conftest.clocked_emu``)."""
    return clocked_emu


def test_create_flow_reads_back_enabled_with_spec_typed_schedule(
    emu: Emulator, api: Api
) -> None:
    """A flow is 201 with Location; GET shows state enabled, the schedule typed as the spec's
    ScheduleSpecDTO (interval a string), inherited ids."""
    made = Made(api, flow=False)
    answer = api.call("POST", "/flows", json=made_flow(made))
    id_, etag = created(answer)
    assert answer.headers["Location"] == f"{BASE}/flows/{id_}"
    (item,) = api.call("GET", f"/flows/{id_}").json()["items"]
    assert item["state"] == "enabled"
    assert item["etag"] == etag
    assert item["scheduleParams"] == {"startTime": START, "frequency": "hour", "interval": "1"}
    inherited = item["inheritedAttributes"]
    assert inherited["sourceConnections"][0]["baseConnection"]["id"] == made.base
    assert inherited["targetConnections"][0]["id"] == made.target
    assert item["runs"] == f"/runs?property=flowId=={id_}"


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ("spec", {"startTime": START, "frequency": "day", "interval": "2", "backfill": False}),
        ("strings", {"startTime": str(START), "frequency": "day", "interval": "2",
                     "backfill": "false"}),
        ("typed", {"startTime": START, "frequency": "day", "interval": 2, "backfill": False}),
    ],
)
def test_schedule_types_are_an_option(
    clock: FakeClock, types: str, expected: dict[str, Any]
) -> None:
    """schedule_types decides how startTime, interval and backfill read back, whatever was sent."""
    with Emulator(pipeline=PipelineOptions(clock=clock, schedule_types=types)) as emu:
        api = Api(emu)
        made = Made(api, flow=False)
        body = made_flow(made)
        body["scheduleParams"] = {"startTime": str(START), "frequency": "day", "interval": "2",
                                  "backfill": "false"}
        id_, _ = created(api.call("POST", "/flows", json=body))
        params = api.call("GET", f"/flows/{id_}").json()["items"][0]["scheduleParams"]
        assert params == expected


def test_unknown_schedule_types_is_refused() -> None:
    """A schedule_types outside spec|strings|typed is a ValueError at construction."""
    with pytest.raises(ValueError, match="schedule_types"):
        Emulator(pipeline=PipelineOptions(schedule_types="words"))


@pytest.mark.parametrize(
    ("schedule", "ok"),
    [
        ({"startTime": START, "frequency": "once"}, True),
        ({"startTime": START, "frequency": "once", "backfill": True}, False),
        ({"startTime": START, "frequency": "minute", "interval": 15}, True),
        ({"startTime": START, "frequency": "minute", "interval": 14}, False),
        ({"startTime": START, "frequency": "hour", "interval": 0}, False),
        ({"startTime": START, "frequency": "week", "interval": "1", "backfill": "true"}, True),
        ({"startTime": START, "frequency": "day"}, False),
        ({"startTime": START, "frequency": "month", "interval": 1}, False),
        ({"frequency": "day", "interval": 1}, False),
        ({"startTime": "2027-01-01T00:00:00Z", "frequency": "day", "interval": 1}, False),
        ({"startTime": START, "frequency": "day", "interval": 1, "backfill": "maybe"}, False),
    ],
)
def test_schedule_spec_rules(api: Api, schedule: dict[str, Any], ok: bool) -> None:
    """CRMToAEP's scheduleSpec: interval rules per frequency, no backfill with once."""
    made = Made(api, flow=False)
    answer = api.call("POST", "/flows",
                      json=made_flow(made, scheduleParams=schedule))
    if ok:
        created(answer)
    else:
        assert flow_code(answer) == "1100-400", answer.text


def test_flow_needs_existing_connections_of_its_sandbox(make_api: Any) -> None:
    """Unknown or other-sandbox source/target ids, and a missing list, are refused."""
    prod, dev = make_api("prod"), make_api("dev")
    made = Made(prod, flow=False)
    assert flow_code(dev.call("POST", "/flows", json=made_flow(made))) == (
        "1100-400"
    )
    assert flow_code(prod.call("POST", "/flows", json=flow_body("nope", made.target))) == (
        "1100-400"
    )
    body = made_flow(made, targetConnectionIds=[])
    assert flow_code(prod.call("POST", "/flows", json=body)) == "1455-400"


def test_flow_spec_must_exist_and_accept_the_connections(api: Api) -> None:
    """An unknown flow spec is 1413-400; a target in the source slot is not accepted."""
    made = Made(api, flow=False)
    body = made_flow(made, flowSpec={"id": "nope", "version": "1.0"})
    assert flow_code(api.call("POST", "/flows", json=body)) == "1413-400"
    swapped = flow_body(made.target, made.source)
    assert flow_code(api.call("POST", "/flows", json=swapped)) == "1100-400"


def test_mapping_transformation_names_an_existing_version(api: Api) -> None:
    """A Mapping transformation needs a mapping set version of the sandbox."""
    made = Made(api, flow=False)
    mapping = platform(api, "POST", MAPPING_SETS, json=mapping_body()).json()
    copy = database_transformations(made.mapping)[:1]
    good = [*copy,
            {"name": "Mapping", "params": {"mappingId": mapping["id"], "mappingVersion": "0"}}]
    created(api.call("POST", "/flows",
                     json=flow_body(made.source, made.target, transformations=good)))
    bad = [*copy,
           {"name": "Mapping", "params": {"mappingId": mapping["id"], "mappingVersion": "1"}}]
    answer = api.call("POST", "/flows",
                      json=flow_body(made.source, made.target, transformations=bad))
    assert flow_code(answer) == "1100-400"
    odd = [*database_transformations(made.mapping), {"name": "Encrypt", "params": {}}]
    answer = api.call("POST", "/flows",
                      json=flow_body(made.source, made.target, transformations=odd))
    assert flow_code(answer) == "1100-400"


def test_patch_schedule_and_name_with_if_match(api: Api) -> None:
    """PATCH frequency/interval/name with If-Match re-validates and bumps the etag."""
    made = Made(api)
    ops = [{"op": "replace", "path": "/scheduleParams/frequency", "value": "minute"},
           {"op": "replace", "path": "/scheduleParams/interval", "value": 10}]
    headers = api.headers(**{"If-Match": made.flow_etag})
    refused = api.call("PATCH", f"/flows/{made.flow}", headers=headers, json=ops)
    assert flow_code(refused) == "1100-400"
    ops[1]["value"] = 30
    ops.append({"op": "replace", "path": "/name", "value": "every half hour"})
    answer = api.call("PATCH", f"/flows/{made.flow}", headers=headers, json=ops)
    assert answer.status_code == 200, answer.text
    (item,) = api.call("GET", f"/flows/{made.flow}").json()["items"]
    assert (item["scheduleParams"]["frequency"], item["scheduleParams"]["interval"]) == (
        "minute", "30")
    assert item["name"] == "every half hour"
    assert item["etag"] == answer.json()["etag"] != made.flow_etag
    stale = api.call("PATCH", f"/flows/{made.flow}", headers=headers, json=ops)
    assert flow_code(stale) == "1404-412"


def test_patch_cannot_change_sources_or_a_past_start(api: Api, clock: FakeClock) -> None:
    """Sources are not patchable; startTime is while in the future, not once passed."""
    made = Made(api)
    etag = made.flow_etag
    sources = [{"op": "replace", "path": "/sourceConnectionIds/0", "value": "x"}]
    answer = api.call("PATCH", f"/flows/{made.flow}", headers=api.headers(**{"If-Match": etag}),
                      json=sources)
    assert flow_code(answer) == "1455-400"
    later = [{"op": "replace", "path": "/scheduleParams/startTime", "value": START + 60}]
    answer = api.call("PATCH", f"/flows/{made.flow}", headers=api.headers(**{"If-Match": etag}),
                      json=later)
    assert answer.status_code == 200, answer.text
    clock.now = START + 3600
    etag = answer.json()["etag"]
    again = [{"op": "replace", "path": "/scheduleParams/startTime", "value": START + 7200}]
    answer = api.call("PATCH", f"/flows/{made.flow}", headers=api.headers(**{"If-Match": etag}),
                      json=again)
    assert flow_code(answer) == "1100-400"


def action(api: Api, flow: str, op: str, **headers: str) -> Any:
    """POST /flows/{id}/action?op=..., bodyless with a JSON content type."""
    sent = api.headers(**{"Content-Type": "application/json", **headers})
    return api.call("POST", f"/flows/{flow}/action?op={op}", headers=sent)


def test_bodyless_action_needs_no_content_type(api: Api) -> None:
    """A bodyless action POST without Content-Type works, as Adobe's example sends it."""
    made = Made(api)
    answer = api.call("POST", f"/flows/{made.flow}/action?op=disable")
    assert answer.status_code == 200
    assert api.call("GET", f"/flows/{made.flow}").json()["items"][0]["state"] == "disabled"


def test_action_with_a_body_still_meets_the_gateway_rule(api: Api) -> None:
    """A POST that carries a body still needs a JSON content type (the gateway's rule)."""
    made = Made(api)
    answer = api.call("POST", f"/flows/{made.flow}/action?op=disable", data=b"op=disable")
    assert answer.status_code == 400
    assert answer.json()["title"] == "BadRequestError"


@pytest.mark.parametrize("op", ["disable", "DISABLE"])
def test_disable_and_enable(api: Api, op: str) -> None:
    """op=disable/enable (either case) sets state and bumps the etag; other ops are 400."""
    made = Made(api)
    answer = action(api, made.flow, op)
    assert answer.status_code == 200, answer.text
    (item,) = api.call("GET", f"/flows/{made.flow}").json()["items"]
    assert item["state"] == "disabled"
    assert item["etag"] == answer.json()["etag"] != made.flow_etag
    stale = action(api, made.flow, "enable", **{"If-Match": made.flow_etag})
    assert flow_code(stale) == "1404-412"
    assert action(api, made.flow, "enable").status_code == 200
    assert api.call("GET", f"/flows/{made.flow}").json()["items"][0]["state"] == "enabled"
    assert flow_code(action(api, made.flow, "publish")) == "1100-400"


def test_action_keeps_etag_as_an_option(clock: FakeClock) -> None:
    """With action_bumps_etag off, enable/disable leaves the etag as it was."""
    with Emulator(pipeline=PipelineOptions(clock=clock, action_bumps_etag=False)) as emu:
        api = Api(emu)
        made = Made(api)
        answer = action(api, made.flow, "disable")
        assert answer.json()["etag"] == made.flow_etag
        assert emu.flows()[0]["state"] == "disabled"


def test_connections_in_use_cannot_be_deleted_until_the_flow_is(emu: Emulator, api: Api) -> None:
    """Base, source and target connections answer 1418-400 while a flow uses them."""
    made = Made(api)
    for path in (f"/connections/{made.base}", f"/sourceConnections/{made.source}",
                 f"/targetConnections/{made.target}"):
        answer = api.call("DELETE", path)
        assert flow_code(answer) == "1418-400", path
        assert made.flow in answer.json()["errorMessage"]
    assert api.call("DELETE", f"/flows/{made.flow}").status_code == 204
    assert flow_code(api.call("GET", f"/flows/{made.flow}")) == "1439-404"  # Adobe's code
    for path in (f"/sourceConnections/{made.source}", f"/targetConnections/{made.target}",
                 f"/connections/{made.base}"):
        assert api.call("DELETE", path).status_code == 204, path
    assert emu.flows() == emu.source_connections() == emu.connections() == []


def test_base_in_use_by_source_is_an_option(clock: FakeClock) -> None:
    """By default a source alone does not keep its base; with the option it does."""
    for option, status in ((False, 204), (True, 400)):
        with Emulator(pipeline=PipelineOptions(clock=clock, base_in_use_by_source=option)) as emu:
            api = Api(emu)
            made = Made(api, flow=False)
            assert api.call("DELETE", f"/connections/{made.base}").status_code == status


def test_flows_are_isolated_and_listed(make_api: Any) -> None:
    """Flows list per sandbox, with filters over nested fields."""
    prod, dev = make_api("prod"), make_api("dev")
    made = Made(prod)
    assert dev.call("GET", "/flows").json() == {"items": [], "_links": {}}
    assert flow_code(dev.call("GET", f"/flows/{made.flow}")) == "1439-404"  # Adobe's code
    listed = prod.call("GET", "/flows?property=scheduleParams.frequency==hour").json()
    assert [f["id"] for f in listed["items"]] == [made.flow]


def test_state_file_keeps_the_pipeline(tmp_path: Any, clock: FakeClock) -> None:
    """With a state file, flows and connections of the path survive a restart."""
    state = tmp_path / "state.json"
    with Emulator(state_file=state, pipeline=PipelineOptions(clock=clock)) as emu:
        made = Made(Api(emu))
        platform(Api(emu), "POST", MAPPING_SETS, json=mapping_body())
    assert (tmp_path / "state.flows.json").exists()
    with Emulator(state_file=state, pipeline=PipelineOptions(clock=clock)) as emu:
        api = Api(emu)
        assert [f["id"] for f in emu.flows()] == [made.flow]
        assert len(emu.mapping_sets()) == 2  # the flow's (Made) and the one made above
        assert flow_code(api.call("DELETE", f"/targetConnections/{made.target}")) == "1418-400"


def test_connections_are_accepted_only_in_their_own_slot(api: Api) -> None:
    """A second target connection makes a valid flow in the target slot, and is refused 400
    1100-400 in the source slot (as a source is in the target slot); nothing is created then."""
    made = Made(api, flow=False)
    other, _ = created(api.call("POST", "/targetConnections", json=target_body(name="t2")))
    for source, target in ((other, made.target), (made.source, made.source)):
        refused = api.call("POST", "/flows", json=flow_body(source, target))
        assert refused.status_code == 400
        assert flow_code(refused) == "1100-400"
        assert "does not exist" in refused.json()["errorMessage"]
    assert api.call("GET", "/flows").json() == {"items": [], "_links": {}}
    created(api.call("POST", "/flows", json=flow_body(made.source, other, mapping=made.mapping)))


@pytest.mark.parametrize("collection", ["/sourceConnections", "/targetConnections", "/flows"])
def test_lost_create_answer_still_commits(emu: Emulator, api: Api, collection: str) -> None:
    """drop="after" on a create commits it and loses the answer, as for connections."""
    made = Made(api, flow=False)
    bodies = {
        "/sourceConnections": lambda: source_body(made.base),
        "/targetConnections": lambda: target_body(name="second"),
        "/flows": lambda: made_flow(made),
    }
    before = len(emu.flows()) + len(emu.source_connections()) + len(emu.target_connections())
    emu.faults.add(drop="after", method="POST", path=collection, times=1)
    with pytest.raises(requests.ConnectionError):
        api.call("POST", collection, json=bodies[collection]())
    after = len(emu.flows()) + len(emu.source_connections()) + len(emu.target_connections())
    assert after == before + 1
    assert [r.status for r in emu.requests if r.path == BASE + collection][-1] == 0


@pytest.mark.parametrize(
    ("ops", "status"),
    [
        ([{"op": "remove", "path": "/transformations"}], 200),
        ([{"op": "add", "path": "/transformations/-",
           "value": {"name": "Copy", "params": {"deltaColumn": {"name": "updated_at"}}}}], 200),
        ([{"op": "add", "path": "/transformations/-", "value": {"name": "Copy"}}], 400),
        ([{"op": "remove", "path": "/scheduleParams/startTime"}], 400),
        ([{"op": "replace", "path": "/description", "value": 5}], 400),
        ([{"op": "move", "path": "/name", "from": "/description"}], 400),
        ([], 400),
    ],
)
def test_patch_edge_cases_answer_cleanly(api: Api, ops: list[Any], status: int) -> None:
    """Odd but well-formed patches get an answer (200 or 400), never a dropped connection."""
    made = Made(api)
    answer = api.call("PATCH", f"/flows/{made.flow}",
                      headers=api.headers(**{"If-Match": made.flow_etag}), json=ops)
    assert answer.status_code == status, answer.text


def test_patch_mapping_transformation_to_a_new_version(api: Api) -> None:
    """Replacing /transformations/0 with a newer mapping version is accepted and re-checked."""
    made = Made(api, flow=False)
    mapping = platform(api, "POST", MAPPING_SETS, json=mapping_body()).json()
    first = [{"name": "Mapping", "params": {"mappingId": mapping["id"], "mappingVersion": "0"}},
             *database_transformations(made.mapping)[:1]]
    flow, etag = created(api.call("POST", "/flows", json=flow_body(
        made.source, made.target, transformations=first)))
    newer = {"name": "Mapping", "params": {"mappingId": mapping["id"], "mappingVersion": "1"}}
    op = [{"op": "replace", "path": "/transformations/0", "value": newer}]
    headers = api.headers(**{"If-Match": etag})
    assert flow_code(api.call("PATCH", f"/flows/{flow}", headers=headers, json=op)) == "1100-400"
    platform(api, "PUT", f"{MAPPING_SETS}/{mapping['id']}", json=mapping_body("_tenant.x"))
    answer = api.call("PATCH", f"/flows/{flow}", headers=headers, json=op)
    assert answer.status_code == 200, answer.text
    (item,) = api.call("GET", f"/flows/{flow}").json()["items"]
    assert item["transformations"][0]["params"]["mappingVersion"] == "1"
