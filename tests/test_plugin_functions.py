"""The plugin's functions through the plugin as the engine starts it: `aep:index:getDataflowRuns`
(one `GET /runs` per call, arguments checked before any request)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from provider.emulator import Emulator, PipelineOptions, RunOutcome
from provider.schema import package_schema
from provider.testing import Engine, PluginHost
from provider.testing.host import HostError
from tests.conftest import ANY_SANDBOX, flow_requests, stack_config
from tests.test_engine_health import HOUR, Clock, run_at
from tests.test_engine_pipeline import FLOW, SECRET_KEYS, START_EPOCH, pipeline

TOKEN = "aep:index:getDataflowRuns"


@pytest.fixture(scope="module")
def clock() -> Clock:
    """An hour before the flow's first scheduled run."""
    return Clock(START_EPOCH - HOUR)


@pytest.fixture(scope="module")
def emu(clock: Clock) -> Iterator[Emulator]:
    """An emulator whose runs follow ``clock``."""
    with Emulator(port=0, sandboxes=ANY_SANDBOX,
                  pipeline=PipelineOptions(clock=clock)) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def host(emu: Emulator) -> Iterator[PluginHost]:
    """The plugin, configured like the engine (default sandbox ``fn``)."""
    with PluginHost() as started:
        started.configure(stack_config(emu, sandbox="fn"), secret_keys=SECRET_KEYS)
        yield started


@pytest.fixture(scope="module")
def flow_id(host: PluginHost, emu: Emulator, clock: Clock) -> str:
    """A flow made through the plugin that has run three times: ok, degraded, failed."""
    engine = Engine(host)
    assert engine.up(pipeline()).failures == {}
    made = engine.state[FLOW].id
    emu.runs.steer(made, RunOutcome.success(), RunOutcome.partial(100, 4), RunOutcome.failed())
    run_at(clock, 2)
    return made


def test_the_schema_declares_the_function(host: PluginHost) -> None:
    """GetSchema answers the generated schema, whose functions section has getDataflowRuns
    (flowId required; limit and sandboxName optional; runs out)."""
    schema = host.get_schema()
    assert schema == package_schema()
    function = schema["functions"][TOKEN]
    assert function["inputs"]["required"] == ["flowId"]
    assert set(function["inputs"]["properties"]) == {"flowId", "limit", "sandboxName"}
    assert function["outputs"]["properties"]["runs"]["items"] == {
        "$ref": "#/types/aep:index:DataflowRun"}
    assert "failedRecords" in schema["types"]["aep:index:DataflowRun"]["properties"]


def test_invoke_lists_the_runs_newest_first_in_one_request(host: PluginHost, emu: Emulator,
                                                           flow_id: str) -> None:
    """One `GET /runs?property=flowId==<id>` (newest first, the limit sent); each run with its
    health and camelCase names."""
    emu.clear_requests()
    answer, failures = host.invoke(TOKEN, {"flowId": flow_id, "limit": 5})
    assert failures == []
    (request,) = flow_requests(emu)
    assert (request.method, request.path.rsplit("/", 1)[-1]) == ("GET", "runs")
    assert request.query == {"property": [f"flowId=={flow_id}"], "orderby": ["-createdAt"],
                             "limit": ["5"]}
    assert [r["health"] for r in answer["runs"]] == ["failed", "degraded", "ok"]
    degraded = answer["runs"][1]
    assert (degraded["flowId"], degraded["inputRecords"], degraded["failedRecords"]) == (
        flow_id, 100, 4)
    assert degraded["errors"][0]["code"] == "CONNECTOR-2001-500"
    assert degraded["startedAt"] == "2027-01-15T09:00:00.000Z"


def test_limit_defaults_to_ten_and_the_sandbox_to_the_providers(
        host: PluginHost, emu: Emulator, flow_id: str) -> None:
    """Without limit and sandboxName: limit 10, in the provider's aep:sandboxName."""
    emu.clear_requests()
    answer, _ = host.invoke(TOKEN, {"flowId": flow_id})
    (request,) = flow_requests(emu)
    assert request.query["limit"] == ["10"]
    assert request.headers["x-sandbox-name"] == "fn"
    assert len(answer["runs"]) == 3


@pytest.mark.parametrize(("args", "wrong"), [
    ({}, "flowId"),
    ({"flowId": "not a flow"}, "flowId"),
    ({"flowId": "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0", "limit": 0}, "limit"),
    ({"flowId": "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0", "limit": 101}, "limit"),
    ({"flowId": "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0", "sandboxName": "Not A Sandbox"},
     "sandboxName"),
])
def test_bad_arguments_fail_before_any_request(host: PluginHost, emu: Emulator,
                                               args: dict[str, object], wrong: str) -> None:
    """A missing or malformed flowId, a limit outside 1..100 or a bad sandbox is a failure
    naming the argument in the schema's spelling; nothing is sent."""
    emu.clear_requests()
    _answer, failures = host.invoke(TOKEN, args)
    assert [prop for prop, _ in failures] == [wrong]
    assert "flow_id" not in failures[0][1]
    assert "sandbox_name" not in failures[0][1]
    assert flow_requests(emu) == []


def test_a_flow_with_no_runs_answers_an_empty_list(host: PluginHost) -> None:
    """A flow with no runs answers an empty list (Flow Service lists none), not an error."""
    answer, failures = host.invoke(TOKEN, {"flowId": "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"})
    assert (answer, failures) == ({"runs": []}, [])


def test_an_unknown_function_is_refused(host: PluginHost) -> None:
    """A token the provider does not serve fails with the list of those it does."""
    with pytest.raises(HostError, match=TOKEN):
        host.invoke("aep:index:getNothing", {})
