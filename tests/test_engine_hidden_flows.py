"""Flow Service's code 1439 (a flow deleted, or hidden by access labels), through both doors:
by default refresh keeps the dataflow and destroy fails, saying both meanings and the command
that removes it from the stack; with ``aep:notFoundMeansGone: true`` it is proof of deletion."""

from __future__ import annotations

import pytest

from provider import endpoints
from provider.emulator import Emulator
from provider.testing import Engine, HostError, ProviderHost
from tests.conftest import open_door, stack_config
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)
from tests.pipeline_http import FLOW as FLOW_SERVICE
from tests.pipeline_http import Platform
from tests.test_engine_pipeline import FLOW, in_sandbox, pipeline


def _flow_deleted_outside(emu: Emulator, engine: Engine, sandbox: str) -> str:
    """Up a pipeline, then delete its dataflow outside Pulumi; the flow's id."""
    engine.up(in_sandbox(pipeline(), sandbox))
    flow_id = engine.state[FLOW].id
    platform = Platform(emu, sandbox)
    try:
        platform.call("DELETE", f"{FLOW_SERVICE}/flows/{flow_id}").raise_for_status()
        assert platform.call("GET", f"{FLOW_SERVICE}/flows/{flow_id}").status_code == 404
    finally:
        platform.close()
    return flow_id


def test_1439_is_deleted_or_hidden_and_1430_1429_never_are() -> None:
    """1439-404 and 1439-400 (bare or as a type suffix) read as deleted-or-hidden; 1430-400
    "Flow not found", 1429-400 "Predecessor flow not found" and 1101-404 do not."""
    for code in ("1439-404", "1439-400", "FLOW-1439-404"):
        assert endpoints.deleted_or_hidden(code)
    for code in ("1430-400", "1429-400", "1101-404", "11439-404", None):
        assert not endpoints.deleted_or_hidden(code)


def test_refresh_keeps_a_hidden_flow_and_destroy_fails(engine: Engine, emu: Emulator,
                                                       host: ProviderHost, sandbox: str) -> None:
    """By default a 1439 on refresh keeps the dataflow (a warning says both meanings) and the
    delete fails, naming both meanings and `pulumi state delete '<urn>'`."""
    flow_id = _flow_deleted_outside(emu, engine, sandbox)
    kept = engine.state[FLOW].outputs
    assert engine.refresh(FLOW) == {FLOW: "same"}
    assert engine.state[FLOW].outputs == kept
    said = host.wait_warning(f"dataflow {flow_id}", FLOW)
    assert "access labels hide it" in said
    assert "Refresh keeps it in the stack" in said
    with pytest.raises(HostError) as raised:
        engine.delete(FLOW)
    message = str(raised.value)
    assert "it was deleted, or access labels hide it" in message
    assert "pulumi state delete '<urn>'" in message
    assert "aep:notFoundMeansGone" in message
    assert FLOW in engine.state
    del engine.state[FLOW]  # as `pulumi state delete` does; the rest is destroyed


def test_not_found_means_gone_drops_and_deletes(emu: Emulator, door: str,
                                                sandbox: str) -> None:
    """With aep:notFoundMeansGone true, a 1439 refresh drops the dataflow and a 1439 delete
    completes with a warning."""
    with open_door(door) as gone_host:
        gone_host.configure(stack_config(emu, **{"aep:notFoundMeansGone": "true"}))
        engine = Engine(gone_host)
        flow_id = _flow_deleted_outside(emu, engine, sandbox)
        flow = engine.state[FLOW]
        assert engine.refresh(FLOW) == {FLOW: "gone"}
        assert "takes it as deleted" in gone_host.wait_warning(f"dataflow {flow_id}", FLOW)
        gone_host.delete(flow.id, FLOW, flow.outputs)  # a delete (of a predecessor, say)
        engine.destroy()


def test_the_delete_of_a_replaced_hidden_flow_fails(engine: Engine, emu: Emulator,
                                                    sandbox: str) -> None:
    """A replacement is created, but the delete of its predecessor answered 1439 fails, with
    both meanings and `pulumi state delete '<urn>'`."""
    _flow_deleted_outside(emu, engine, sandbox)
    declared = in_sandbox(pipeline(), sandbox)
    declared[FLOW]["schedule"] = {**declared[FLOW]["schedule"],
                                  "start_time": "2027-02-15T08:00:00Z"}
    with pytest.raises(HostError) as raised:
        engine.up(declared)
    assert "access labels hide it" in str(raised.value)
    assert "pulumi state delete '<urn>'" in str(raised.value)
    assert len(emu.flows(sandbox=sandbox)) == 1  # the replacement
    engine.replaced.clear()  # as `pulumi state delete` of the predecessor does
