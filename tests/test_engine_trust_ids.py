"""An id once answered is never lost, and a declared state not reached is said: through both front
doors, as the engine drives them (issue #20 items 2 and 3)."""

from __future__ import annotations

from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost
from provider.testing.host import HostError
from tests.engine_fixtures import emu, host, sandbox  # noqa: F401 (fixtures)
from tests.test_engine_pipeline import FLOW, pipeline

HOST_CONFIG = {"sandbox": "pipe", "aep:retryAttempts": "2", "aep:retryBaseDelay": "0.01"}


def declared(sandbox: str, **flow: Any) -> dict[str, dict[str, Any]]:
    """The whole pipeline in ``sandbox``."""
    return {urn: {**props, "sandbox_name": sandbox}
            for urn, props in pipeline(**flow).items()}


def test_failed_disable_after_create_keeps_the_flow_and_the_next_up_disables_it(
        host: ProviderHost, emu: Emulator, sandbox: str, door: str) -> None:
    """A flow declared `enabled: false` whose disable fails is kept in state as it really is
    (enabled), with a warning naming it and saying the next up disables it (the plugin: a
    partial failure carrying id and properties); the next up disables that flow, none is made."""
    engine = Engine(host)
    emu.faults.add(status=503, times=2, method="POST", path="/flows/")
    try:
        if door == "plugin":
            with pytest.raises(HostError) as failed:
                engine.up(declared(sandbox, enabled=False))
            assert failed.value.kept is not None
            message = failed.value.details
        else:
            assert engine.up(declared(sandbox, enabled=False)).failures == {}
            message = host.wait_stderr("warning: dataflow 'orders flow'")
    finally:
        emu.faults.clear()
    (flow,) = emu.flows(sandbox=sandbox)
    assert flow["state"] == "enabled"
    kept = engine.state[FLOW]
    assert kept.id == flow["id"]
    assert kept.outputs["state"] == "enabled"
    assert "dataflow 'orders flow'" in message
    assert "next `pulumi up` will disable it" in message
    assert engine.preview(declared(sandbox, enabled=False)).steps[FLOW] == "update"
    assert engine.up(declared(sandbox, enabled=False)).failures == {}
    (flow,) = emu.flows(sandbox=sandbox)
    assert flow["state"] == "disabled"
    assert engine.state[FLOW].outputs["state"] == "disabled"
