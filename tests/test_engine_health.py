"""Is data flowing? A dataflow's run health and options as the Pulumi engine drives them, through
both front doors, on the emulator's steered runs (one per schedule tick of its injected clock)."""

from __future__ import annotations

from typing import Any

import pytest

from provider.emulator import Emulator, PipelineOptions, RunOutcome
from provider.testing import Engine, ProviderHost
from tests.conftest import flow_requests, open_door, stack_config
from tests.engine_fixtures import emu, host  # noqa: F401 (fixtures)
from tests.test_engine_pipeline import FLOW, SECRET_KEYS, START_EPOCH, pipeline

HOUR = 3600


class Clock:
    """The emulator's pipeline clock (epoch seconds): moves only when a test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    """An hour before the flows' first scheduled run."""
    return Clock(START_EPOCH - HOUR)


def EMULATOR_OPTIONS(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The engine fixtures' emulator (tests/engine_fixtures.py), its runs on the module clock."""
    return {"pipeline": PipelineOptions(clock=request.getfixturevalue("clock"))}


HOST_CONFIG = {"sandbox": "pipe"}


@pytest.fixture(scope="module")
def engine(host: ProviderHost) -> Engine:
    """An engine whose first `up` made the whole pipeline (an hourly flow)."""
    made = Engine(host)
    assert made.up(pipeline()).failures == {}
    return made


def refresh(engine: Engine, emu: Emulator, door: str) -> None:
    """``pulumi refresh`` of the flow: a new provider process (as each command starts one), so
    no listing another read of this module shared is served again."""
    with open_door(door) as fresh:
        fresh.configure(stack_config(emu, sandbox="pipe"), secret_keys=SECRET_KEYS)
        command = Engine(fresh)
        command.state = engine.state
        command.refresh(FLOW)


def run_at(clock: Clock, tick: int) -> None:
    """Move the clock past the end of the flow's ``tick``-th run (each takes 60 s)."""
    clock.now = START_EPOCH + tick * HOUR + 61


def sent(emu: Emulator) -> list[tuple[str, str]]:
    """(method, path) of the Flow Service requests served since the last clear."""
    return [(r.method, r.path.split("/flowservice", 1)[-1]) for r in flow_requests(emu)]


def test_refresh_after_a_run_shows_last_run_with_no_extra_request(
        engine: Engine, emu: Emulator, clock: Clock) -> None:
    """After a run, a refresh of the flow (one GET) shows last_run; the next preview is a
    no-op: outputs never make a diff."""
    flow_id = engine.state[FLOW].id
    run_at(clock, 0)
    emu.clear_requests()
    assert engine.refresh(FLOW) == {FLOW: "changed"}
    assert sent(emu) == [("GET", f"/flows/{flow_id}")]
    last = engine.state[FLOW].outputs["last_run"]
    assert last["state"] == "success"
    assert last["started_at"] == "2027-01-15T08:00:00.000Z"
    assert last["completed_at"] == "2027-01-15T08:01:00.000Z"
    assert last["id"] == emu.runs_of(flow_id, sandbox="pipe")[-1]["id"]
    assert "health" not in engine.state[FLOW].outputs
    emu.clear_requests()
    assert set(engine.preview(pipeline()).steps.values()) == {"same"}
    assert flow_requests(emu) == []


def test_run_metrics_on_is_an_update_with_no_request(engine: Engine, emu: Emulator) -> None:
    """Setting run_metrics changes only the provider's behaviour: an update, no request."""
    emu.clear_requests()
    plan = engine.up(pipeline(run_metrics=True))
    assert plan.steps[FLOW] == "update"
    assert flow_requests(emu) == []
    assert engine.state[FLOW].outputs["run_metrics"] is True


def test_run_metrics_show_a_degraded_run_with_its_failed_count(
        engine: Engine, emu: Emulator, clock: Clock, door: str) -> None:
    """With run_metrics, a refresh is two requests (the flow, its last run); a run that
    succeeded with failed records is `degraded`, with the count and the first error."""
    flow_id = engine.state[FLOW].id
    emu.runs.steer(flow_id, RunOutcome.partial(100, 7))
    run_at(clock, 1)
    emu.clear_requests()
    refresh(engine, emu, door)
    run_id = engine.state[FLOW].outputs["last_run"]["id"]
    assert sent(emu) == [("GET", f"/flows/{flow_id}"), ("GET", f"/runs/{run_id}")]
    outs = engine.state[FLOW].outputs
    assert outs["health"] == "degraded"
    metrics = outs["last_run_metrics"]
    assert (metrics["run_id"], metrics["input_records"], metrics["failed_records"]) == (
        run_id, 100, 7)
    assert metrics["errors"][0]["code"] == "CONNECTOR-2001-500"
    assert metrics["duration_seconds"] == 60
    assert set(engine.preview(pipeline(run_metrics=True)).steps.values()) == {"same"}


def test_a_failed_run_is_failed(engine: Engine, emu: Emulator, clock: Clock, door: str) -> None:
    """A failed last run reads `failed`, and a later clean one `ok`."""
    flow_id = engine.state[FLOW].id
    emu.runs.steer(flow_id, RunOutcome.failed(), RunOutcome.success())
    run_at(clock, 2)
    refresh(engine, emu, door)
    assert engine.state[FLOW].outputs["health"] == "failed"
    assert engine.state[FLOW].outputs["last_run"]["state"] == "failed"
    run_at(clock, 3)
    refresh(engine, emu, door)
    assert engine.state[FLOW].outputs["health"] == "ok"


def test_an_update_keeps_the_run_outputs(engine: Engine, emu: Emulator) -> None:
    """A PATCH (a new name) leaves last_run, its metrics and health as they were."""
    before = {k: engine.state[FLOW].outputs[k] for k in ("last_run", "last_run_metrics",
                                                         "health")}
    plan = engine.up(pipeline(run_metrics=True, name="orders flow 2"))
    assert plan.steps[FLOW] == "update"
    assert {k: engine.state[FLOW].outputs[k] for k in before} == before


def test_run_metrics_off_leaves_state_and_stops_diffing(engine: Engine, emu: Emulator) -> None:
    """Removing run_metrics is one update with no request, after which nothing differs (the
    input leaves state with the declaration)."""
    emu.clear_requests()
    assert engine.up(pipeline(name="orders flow 2")).steps[FLOW] == "update"
    assert flow_requests(emu) == []
    assert not engine.state[FLOW].outputs.get("run_metrics")
    assert set(engine.preview(pipeline(name="orders flow 2")).steps.values()) == {"same"}


def test_options_are_patched_in_place_and_read_back(engine: Engine, emu: Emulator,
                                                    door: str) -> None:
    """A threshold and diagnostics are one PATCH `add /options` (If-Match); refresh reads them
    back with no drift; removing them is one `remove /options`."""
    declared = pipeline(name="orders flow 2", partial_ingestion_percent=5,
                        error_diagnostics_enabled=True)
    etag = engine.state[FLOW].outputs["etag"]
    emu.clear_requests()
    assert engine.up(declared).steps[FLOW] == "update"
    (patch,) = flow_requests(emu)
    assert patch.headers["if-match"] == etag
    assert patch.body == [{"op": "add", "path": "/options", "value": {
        "partialIngestionPercent": 5, "errorDiagnosticsEnabled": True}}]
    assert emu.flows(sandbox="pipe")[0]["options"] == {
        "partialIngestionPercent": 5, "errorDiagnosticsEnabled": True}
    refresh(engine, emu, door)
    assert engine.state[FLOW].outputs["partial_ingestion_percent"] == 5
    assert set(engine.preview(declared).steps.values()) == {"same"}
    emu.clear_requests()
    engine.up(pipeline(name="orders flow 2"))
    assert [r.body for r in flow_requests(emu)] == [[{"op": "remove", "path": "/options"}]]
    assert "options" not in emu.flows(sandbox="pipe")[0]


@pytest.mark.parametrize(("props", "wrong"), [
    ({"partial_ingestion_percent": 0}, "partial_ingestion_percent"),
    ({"partial_ingestion_percent": 101}, "partial_ingestion_percent"),
    ({"error_diagnostics_enabled": "yes"}, "error_diagnostics_enabled"),
    ({"run_metrics": "yes"}, "run_metrics"),
])
def test_bad_options_fail_at_preview_in_the_doors_spelling(
        engine: Engine, emu: Emulator, host: ProviderHost, props: dict[str, Any],
        wrong: str) -> None:
    """A threshold outside 1..100 or a non-boolean switch fails check, before any request,
    naming the property as the caller spells it."""
    emu.clear_requests()
    plan = engine.preview(pipeline(**props))
    ((prop, reason),) = plan.failures[FLOW]
    assert prop == host.wire_name(wrong, FLOW)
    assert host.wire_name(wrong, FLOW) in reason
    assert flow_requests(emu) == []


def test_options_are_sent_on_create(engine: Engine, emu: Emulator) -> None:
    """A new flow declared with options carries them in its POST body."""
    other = Engine(engine.host)
    declared = pipeline(partial_ingestion_percent=10,
                        error_diagnostics_enabled=False)
    emu.clear_requests()
    assert other.up(declared).failures == {}
    (post,) = [r for r in flow_requests(emu) if r.method == "POST" and r.path.endswith("/flows")]
    assert post.body["options"] == {"partialIngestionPercent": 10,
                                    "errorDiagnosticsEnabled": False}
    assert set(other.preview(declared).steps.values()) == {"same"}
