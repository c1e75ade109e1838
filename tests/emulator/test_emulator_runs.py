"""Dataflow runs steered by tests: one per schedule tick of the injected clock, and /test."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import Api, flow_code
from pipeline_support import START, Made, created, flow_body

from provider.emulator import Emulator, RunOutcome
from tests.clocks import FakeClock

HOUR = 3600


@pytest.fixture
def emu(clocked_emu: Emulator) -> Emulator:
    """The emulator on the fake clock (``conftest.clocked_emu``)."""
    return clocked_emu


def flow_item(api: Api, flow: str) -> dict[str, Any]:
    """GET /flows/{id}'s item."""
    return dict(api.call("GET", f"/flows/{flow}").json()["items"][0])


def runs(api: Api, flow: str) -> list[dict[str, Any]]:
    """GET /runs?property=flowId=={flow}'s items."""
    answer = api.call("GET", f"/runs?property=flowId=={flow}")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_no_run_before_the_start_time(api: Api, clock: FakeClock) -> None:
    """Before startTime a flow has no runs and no lastRunDetails."""
    made = Made(api)
    assert runs(api, made.flow) == []
    assert "lastRunDetails" not in flow_item(api, made.flow)


def test_one_run_per_completed_tick(api: Api, clock: FakeClock) -> None:
    """An hourly flow has one run per hour passed (each run done after its 60 s), newest last."""
    made = Made(api)
    clock.now = START + 2 * HOUR + 61
    found = runs(api, made.flow)
    assert len(found) == 3
    starts = sorted(r["metrics"]["durationSummary"]["startedAtUTC"] for r in found)
    assert starts == [START * 1000, (START + HOUR) * 1000, (START + 2 * HOUR) * 1000]
    last = flow_item(api, made.flow)["lastRunDetails"]
    assert last["startedAtUTC"] == (START + 2 * HOUR) * 1000
    assert last["completedAtUTC"] == (START + 2 * HOUR + 60) * 1000
    assert last["state"] == "success"


def test_steered_outcomes_show_in_runs_and_last_run(emu: Emulator, api: Api,
                                                   clock: FakeClock) -> None:
    """Queued outcomes (success, partial, failed) shape each run's metrics, in order."""
    made = Made(api)
    emu.runs.steer(made.flow, RunOutcome.success(10), RunOutcome.partial(100, 3),
                   RunOutcome.failed("CONNECTOR-1001-500", "cluster unreachable"))
    clock.now = START + 2 * HOUR + 61
    found = sorted(runs(api, made.flow), key=lambda r: r["createdAt"])
    records = [r["metrics"]["recordSummary"] for r in found]
    assert records[0] == {"inputRecordCount": 10, "outputRecordCount": 10, "failedRecordCount": 0}
    assert records[1] == {"inputRecordCount": 100, "outputRecordCount": 97,
                          "failedRecordCount": 3}
    status = found[2]["metrics"]["statusSummary"]
    assert status == {"status": "failed",
                      "errors": [{"code": "CONNECTOR-1001-500", "message": "cluster unreachable"}]}
    assert found[1]["metrics"]["statusSummary"]["status"] == "success"
    assert found[1]["metrics"]["statusSummary"]["errors"][0]["code"] == "CONNECTOR-2001-500"
    assert flow_item(api, made.flow)["lastRunDetails"]["state"] == "failed"
    assert [r["id"] for r in emu.runs_of(made.flow)] == [r["id"] for r in found]


def test_the_default_outcome_is_settable(emu: Emulator, api: Api, clock: FakeClock) -> None:
    """``emu.runs.default`` is the outcome of every run nothing was queued for."""
    made = Made(api)
    emu.runs.default = RunOutcome.failed()
    clock.now = START + 61
    assert flow_item(api, made.flow)["lastRunDetails"]["state"] == "failed"


def test_a_disabled_flow_does_not_run(api: Api, clock: FakeClock) -> None:
    """Ticks that pass while a flow is disabled make no run; enabled again, it runs on."""
    made = Made(api)
    clock.now = START + 61
    assert len(runs(api, made.flow)) == 1
    api.call("POST", f"/flows/{made.flow}/action?op=disable")
    clock.now = START + 3 * HOUR + 61
    assert len(runs(api, made.flow)) == 1
    api.call("POST", f"/flows/{made.flow}/action?op=enable")
    clock.now = START + 4 * HOUR + 61
    assert len(runs(api, made.flow)) == 2


def test_a_once_flow_runs_once(api: Api, clock: FakeClock) -> None:
    """frequency once: one run at startTime, however long the clock goes on."""
    made = Made(api, flow=False)
    body = flow_body(made.source, made.target, mapping=made.mapping,
                     scheduleParams={"startTime": START, "frequency": "once"})
    flow, _ = created(api.call("POST", "/flows", json=body))
    clock.now = START + 30 * 24 * HOUR
    assert len(runs(api, flow)) == 1


def test_runs_are_filtered_by_flow_and_read_one_by_one(api: Api, clock: FakeClock) -> None:
    """The flowId filter keeps each flow's runs apart; GET /runs/{id} reads one, else 404."""
    first, second = Made(api), Made(api)
    clock.now = START + HOUR + 61
    mine = runs(api, first.flow)
    assert len(mine) == 2
    assert all(r["flowId"] == first.flow for r in mine)
    assert all(r["flowId"] == second.flow for r in runs(api, second.flow))
    one = api.call("GET", f"/runs/{mine[0]['id']}").json()["items"]
    assert one == [mine[0]]
    missing = api.call("GET", "/runs/no-such-run")
    assert missing.status_code == 404
    assert flow_code(missing) == "1101-404"


def test_connection_test_is_steerable(emu: Emulator, api: Api) -> None:
    """set_connection_test fixes one connection's /test result; None returns to the rule."""
    id_, _ = api.created()
    other, _ = api.created("other")
    assert api.call("GET", f"/connections/{id_}/test").json() == {"result": True}
    emu.set_connection_test(id_, False)
    assert api.call("GET", f"/connections/{id_}/test").json() == {"result": False}
    assert api.call("GET", f"/connections/{other}/test").json() == {"result": True}
    emu.set_connection_test(id_, None)
    assert api.call("GET", f"/connections/{id_}/test").json() == {"result": True}
