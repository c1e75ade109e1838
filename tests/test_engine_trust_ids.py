"""An id once answered is never lost, and a declared state not reached is said: through both front
doors, as the engine drives them; a mapping set has a unique name its lost create is found by
(issue #20 items 1, 2 and 3)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from provider.emulator import Emulator, PipelineOptions
from provider.resources.mapping_set import mapping_set_body
from provider.testing import Engine, ProviderHost
from provider.testing.host import HostError
from tests.conftest import open_door, stack_config
from tests.engine_fixtures import emu, host, sandbox  # noqa: F401 (fixtures)
from tests.pipeline_http import MAPPING_SETS, Platform
from tests.test_engine_pipeline import FLOW, MAPPING, pipeline

HOUR = 3600.0


class Clock:
    """The emulator's pipeline clock: the wall clock shifted by ``offset`` seconds, so a test
    can make an object that is old in the service's time without waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture(scope="module")
def clock() -> Clock:
    """The module's emulator clock (not shifted unless a test shifts it)."""
    return Clock()


def EMULATOR_OPTIONS(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The engine fixtures' emulator (tests/engine_fixtures.py) on the module clock."""
    return {"pipeline": PipelineOptions(clock=request.getfixturevalue("clock"))}


HOST_CONFIG = {"sandbox": "pipe", "aep:retryAttempts": "2", "aep:retryBaseDelay": "0.01"}


def declared(sandbox: str, **flow: Any) -> dict[str, dict[str, Any]]:
    """The whole pipeline in ``sandbox``."""
    return {urn: {**props, "sandbox_name": sandbox}
            for urn, props in pipeline(**flow).items()}


def test_failed_disable_after_create_keeps_the_flow_and_the_next_up_disables_it(
        host: ProviderHost, emu: Emulator, sandbox: str, door: str) -> None:
    """A flow declared `enabled: false` whose disable fails is kept in state as it really is
    (enabled), with a warning naming it and saying the next up disables it (the plugin: a
    warning diagnostic on the resource's URN and a partial failure carrying id and properties);
    the next up disables that flow, none is made."""
    engine = Engine(host)
    emu.faults.add(status=503, times=2, method="POST", path="/flows/")
    try:
        if door == "plugin":
            with pytest.raises(HostError) as failed:
                engine.up(declared(sandbox, enabled=False))
            assert failed.value.kept is not None
            message = failed.value.details
            (warned,) = [m for severity, urn, m in host.logs  # type: ignore[attr-defined]
                         if severity == "WARNING" and urn == host._urn(FLOW)]
            assert "next `pulumi up` will disable it" in warned
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


def mapping_set(sandbox: str, **more: Any) -> dict[str, dict[str, Any]]:
    """The pipeline's mapping set alone, in ``sandbox``."""
    return {MAPPING: {**pipeline()[MAPPING], "sandbox_name": sandbox, **more}}


def made_elsewhere(emu: Emulator, sandbox: str, name: str) -> str:
    """The id of a mapping set with the pipeline's schema and rules named ``name``, made with
    this credential outside the stack (another stack's, say)."""
    platform = Platform(emu, sandbox)
    try:
        return str(platform.ok("POST", MAPPING_SETS, json={
            "name": name, **mapping_set_body(pipeline()[MAPPING])})["id"])
    finally:
        platform.close()


def test_mapping_set_gets_a_unique_name_kept_in_state(
        host: ProviderHost, emu: Emulator, sandbox: str) -> None:
    """A mapping set declared without a name gets a unique generated one at check, sent on
    create and kept in state: the next preview is a no-op, another stack's set gets another."""
    engine = Engine(host)
    assert engine.up(mapping_set(sandbox)).failures == {}
    (made,) = emu.mapping_sets(sandbox=sandbox)
    name = engine.state[MAPPING].outputs["name"]
    assert name.startswith("pulumi-mapping-set-")
    assert made["name"] == name
    assert engine.preview(mapping_set(sandbox)).steps[MAPPING] == "same"
    other = Engine(host)
    assert other.up(mapping_set(sandbox)).failures == {}
    assert other.state[MAPPING].outputs["name"] != name
    assert len({m["name"] for m in emu.mapping_sets(sandbox=sandbox)}) == 2


def test_lost_mapping_set_create_is_found_by_its_name_beside_a_twin(
        host: ProviderHost, emu: Emulator, sandbox: str) -> None:
    """A mapping set create whose answer is lost, beside an older set with the same schema and
    rules made by the same credential (another stack's): the lookup finds the one of its name,
    nothing more is made and the twin is left alone."""
    twin = made_elsewhere(emu, sandbox, "another-stack")
    emu.faults.add(drop="after", method="POST", path=MAPPING_SETS, times=1)
    engine = Engine(host)
    try:
        assert engine.up(mapping_set(sandbox, name="orders-mapping")).failures == {}
    finally:
        emu.faults.clear()
    sets = {m["id"]: m["name"] for m in emu.mapping_sets(sandbox=sandbox)}
    assert len(sets) == 2
    kept = engine.state[MAPPING].id
    assert kept != twin
    assert sets[kept] == "orders-mapping"


def test_unproven_lost_create_names_every_candidate_and_never_advises_deleting_its_own(
        host: ProviderHost, emu: Emulator, sandbox: str, door: str, clock: Clock) -> None:
    """A lost create (never processed) beside two same-named sets, one this deployment's own
    (presented in a Diff) and one of unknown origin: it stops naming both; its own is to be kept,
    the other checked with `pulumi stack export` and adopted by import; nothing is created."""
    engine = Engine(host)
    clock.offset = -HOUR  # both made an hour ago, in the service's time
    try:
        assert engine.up(mapping_set(sandbox, name="orders-mapping")).failures == {}
        own = engine.state[MAPPING].id
        twin = made_elsewhere(emu, sandbox, "orders-mapping")
    finally:
        clock.offset = 0.0
    second = MAPPING.replace("orders-mapping", "orders-mapping-2")
    declared_now = {**mapping_set(sandbox, name="orders-mapping"),
                    second: mapping_set(sandbox, name="orders-mapping")[MAPPING]}
    with open_door(door) as fresh:  # the next `pulumi up`: a new provider process
        fresh.configure(stack_config(emu, sandbox=sandbox, **{"aep:retryAttempts": "2",
                                                              "aep:retryBaseDelay": "0.01"}),
                        secret_keys=("aep:clientSecret",))
        later = Engine(fresh)
        later.state = dict(engine.state)
        emu.faults.add(status=504, method="POST", path=MAPPING_SETS, times=1)
        try:
            with pytest.raises(HostError) as failed:
                later.up(declared_now)
        finally:
            emu.faults.clear()
    told = failed.value.last_line
    assert len(emu.mapping_sets(sandbox=sandbox)) == 2
    assert second not in later.state
    assert f"{own}: already a resource of this deployment" in told
    assert "never delete it" in told
    assert f"{twin}: may belong to this or another stack" in told
    assert "`pulumi stack export`" in told
    assert "`pulumi import`" in told
    assert "and delete it" not in told  # the generic lost-create advice is not given
