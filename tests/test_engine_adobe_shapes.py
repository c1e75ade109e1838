"""The whole pipeline against answers shaped as Adobe documents them (every ``AdobeShapes``
switch on, the emulator's default), through both front doors: a no-op ``up`` writes nothing,
a mapping set reads at the version in state, a lost mapping set create is proven by the
technical account, and a new dataflow needs a delta column and a mapping set."""

from __future__ import annotations

from typing import Any

from provider.emulator import AdobeShapes, Emulator
from provider.testing import Engine, ProviderHost
from tests.conftest import flow_requests
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)
from tests.test_engine_pipeline import FLOW, MAPPING, in_sandbox, pipeline

MAPPING_SETS = "/data/foundation/conversion/mappingSets"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def test_the_emulator_answers_as_adobe_documents_by_default(emu: Emulator) -> None:
    """This module runs against every Adobe-documented shape (the emulator's defaults)."""
    assert AdobeShapes() == AdobeShapes.strict()


def test_noop_up_of_a_whole_pipeline_sends_no_write(engine: Engine, emu: Emulator,
                                                    sandbox: str) -> None:
    """After up, refresh shows no change, preview no diff, and a second up sends no write
    (mapping rules read back as text/x.schema-path and text/x.aep-xl compare by meaning)."""
    declared = in_sandbox(pipeline(), sandbox)
    engine.up(declared)
    assert set(engine.refresh().values()) == {"same"}
    assert set(engine.preview(declared).steps.values()) == {"same"}
    emu.clear_requests()
    plan = engine.up(declared)
    assert set(plan.steps.values()) == {"same"}
    assert [r.method for r in flow_requests(emu) if r.method in WRITES] == []
    (stored,) = emu.mapping_sets(sandbox=sandbox)
    assert stored["version"] == 0


def test_refresh_reads_the_mapping_set_at_the_state_version(engine: Engine, emu: Emulator,
                                                            sandbox: str) -> None:
    """After an update (version 1), refresh reads without version (Adobe answers 0), then once
    more at version 1: the state keeps the new rules and no change shows."""
    declared = in_sandbox(pipeline(), sandbox)
    engine.up(declared)
    changed = dict(declared)
    changed[MAPPING] = {**declared[MAPPING], "mappings": [
        {"source": "order_id", "destination": "_acme.orderId", "source_type": "ATTRIBUTE"}]}
    engine.up(changed)
    assert engine.state[MAPPING].outputs["version"] == 1
    emu.clear_requests()
    assert engine.refresh(MAPPING) == {MAPPING: "same"}
    reads = [r.query for r in flow_requests(emu) if MAPPING_SETS in r.path]
    assert reads == [{}, {"version": ["1"]}]
    assert len(engine.state[MAPPING].outputs["mappings"]) == 1
    assert set(engine.preview(changed).steps.values()) == {"same"}


def test_an_untouched_mapping_set_refresh_is_one_request(engine: Engine, emu: Emulator,
                                                         sandbox: str) -> None:
    """A mapping set at version 0 is read with one GET: the second read happens only when the
    answer is older than the state."""
    engine.up(in_sandbox(pipeline(), sandbox))
    emu.clear_requests()
    engine.refresh(MAPPING)
    assert len([r for r in flow_requests(emu) if MAPPING_SETS in r.path]) == 1


def test_lost_mapping_set_create_is_proven_by_the_technical_account(
        host: ProviderHost, emu: Emulator, sandbox: str) -> None:
    """Data Prep records the token's technical account as the creator: a create whose answer
    is lost adopts the one it made (no second mapping set, no ambiguity)."""
    emu.faults.clear()
    emu.faults.add(drop="after", method="POST", path=MAPPING_SETS, times=1)
    engine = Engine(host)
    try:
        plan = engine.up(in_sandbox(pipeline(), sandbox))
    finally:
        emu.faults.clear()
    assert plan.failures == {}
    (made,) = emu.mapping_sets(sandbox=sandbox)
    assert made["createdBy"] == emu.technical_account
    assert made["id"] == engine.state[MAPPING].id
    engine.destroy()


def _without(declared: dict[str, dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {**declared, FLOW: {k: v for k, v in declared[FLOW].items() if k != key}}


def test_a_new_dataflow_needs_a_delta_column_and_a_mapping_set(engine: Engine, emu: Emulator,
                                                               sandbox: str, door: str) -> None:
    """A new dataflow without delta_column (or mapping_set_id) fails check, naming the
    property in the caller's spelling and Adobe's requirement, before any request."""
    spelled = {"delta_column": "deltaColumn", "mapping_set_id": "mappingSetId"}
    for key in ("delta_column", "mapping_set_id"):
        declared = _without(in_sandbox(pipeline(), sandbox), key)
        if key == "mapping_set_id":
            declared[FLOW].pop("mapping_version")
        emu.clear_requests()
        plan = engine.preview(declared)
        name = key if door == "dynamic" else spelled[key]
        ((prop, reason),) = plan.failures[FLOW]
        assert prop == name
        assert f"{name} is required for a new dataflow" in reason
        assert "database source" in reason
        assert [r for r in flow_requests(emu) if r.method in WRITES] == []
