"""Schema references at preview, in the engine's order (a resource's Diff before the Check of
the resources wired from it): a dependency updated in place is compared as it will be after
the up, so an up that brings the references back into agreement is not refused
(``provider.schema_links``, red-team finding)."""

from __future__ import annotations

from typing import Any

import pytest

from provider import lifecycle
from provider.emulator import Emulator
from provider.lifecycle import UNKNOWN, Lifecycle
from provider.resources.dataflow import DataflowApi
from provider.resources.dataset import DatasetApi
from provider.resources.mapping_set import MappingSetApi
from provider.resources.target_connection import TargetConnectionApi
from provider.schema_links import SchemaLinks
from provider.testing import Engine, ProviderHost
from provider.testing.engine import Ref
from provider.testing.host import HostError
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)
from tests.resources.test_xdm_engine import urn, whole_path

HOST_CONFIG = {"aep:retryAttempts": "1"}  # a fault fails its call at once: no retry, no sleep
A = "https://ns.adobe.com/acme/schemas/aaaa"
B = "https://ns.adobe.com/acme/schemas/bbbb"
V1 = "application/vnd.adobe.xed+json;version=1"
TC, MS, DS = "0" * 7 + "1-0000-4000-8000-000000000001", "a" * 32, "b" * 24


RULES = [{"source": "a", "destination": "b", "source_type": "ATTRIBUTE"}]
FLOW = {"name": "f", "sandbox_name": "dev", "target_connection_id": TC, "mapping_set_id": MS,
        "mapping_version": UNKNOWN}


def unchanged(core: Lifecycle, api: Any, state: dict[str, Any]) -> None:
    """Diff of a resource declared as its state has it (the engine's ``same`` step)."""
    core.for_api(api).diff(state, {k: v for k, v in state.items() if k != api.SPEC.id_field})


def preview_moving_the_mapping_set(old: str, new: str) -> list[tuple[str, str]]:
    """In the engine's order at preview: Diff of the dataset and target connection (schema B,
    unchanged) and of the mapping set (updated in place from ``old`` to ``new``), then the
    dataflow's Check; its schema failures."""
    core = Lifecycle(None, "dev")
    unchanged(core, DatasetApi(), {"dataset_id": DS, "name": "d", "sandbox_name": "dev",
                                   "schema_id": B, "schema_version": V1})
    unchanged(core, TargetConnectionApi(), {
        "target_connection_id": TC, "name": "t", "sandbox_name": "dev", "dataset_id": DS,
        "schema_id": B, "schema_version": V1, "format": "parquet_xdm"})
    state = {"mapping_set_id": MS, "name": "m", "sandbox_name": "dev", "schema_id": old,
             "version": 0, "mappings": RULES}
    assert core.for_api(MappingSetApi()).diff(state, {
        "name": "m", "sandbox_name": "dev", "schema_id": new, "mappings": RULES}).replaces == ()
    return [f for f in core.for_api(DataflowApi()).check(FLOW, FLOW).failures
            if "schema" in f[1]]


def test_a_mapping_set_moving_to_its_targets_schema_passes_the_dataflows_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Diff of a mapping set updated in place from schema A to B, then Check of its dataflow
    over a target connection (and dataset) of schema B: no failure (it names B after the up)."""
    monkeypatch.setattr(lifecycle, "_links", SchemaLinks())
    assert preview_moving_the_mapping_set(A, B) == []


def test_a_mapping_set_moving_away_from_its_targets_schema_fails_at_preview(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The converse: a mapping set updated in place from B (its target's schema) to A fails
    its dataflow's check already at preview, naming both schemas."""
    monkeypatch.setattr(lifecycle, "_links", SchemaLinks())
    [(_, reason)] = preview_moving_the_mapping_set(B, A)
    assert A in reason
    assert B in reason


def test_an_up_retried_after_a_failed_mapping_set_update_is_not_refused(
        host: ProviderHost, emu: Emulator, door: str, sandbox: str, engine: Engine) -> None:
    """An up moving the path to another schema stops at the mapping set's update (a 500): the
    new dataset and target connection are made, the mapping set still names the old schema.
    Running the same up again previews and applies with no check failure."""
    schema, other = urn(door, "XdmSchema", "schema"), urn(door, "XdmSchema", "other")
    first = whole_path(door, sandbox)
    engine.up(first)
    moved: dict[str, dict[str, Any]] = {}
    for key, props in first.items():
        moved[key] = props
        if key == schema:
            moved[other] = {**props, "title": f"Other {sandbox}"}
    for kind, name in (("Dataset", "customers"), ("DataLakeTargetConnection", "target"),
                       ("MappingSet", "mapping")):
        key = urn(door, kind, name)
        moved[key] = {**moved[key], "schema_id": Ref(other, "schema_id")}
    dataset = urn(door, "Dataset", "customers")
    moved[dataset] = {**moved[dataset], "schema_version": Ref(other, "content_type")}
    mapping = urn(door, "MappingSet", "mapping")
    emu.faults.add(status=500, method="PUT", path="/data/foundation/conversion/mappingSets")
    with pytest.raises(HostError, match="mapping set"):
        engine.up(moved)
    emu.faults.clear()
    assert engine.state[mapping].outputs["schema_id"] == engine.state[schema].outputs[
        "schema_id"]
    assert engine.preview(moved).failures == {}
    assert engine.up(moved).failures == {}
    assert engine.state[mapping].outputs["schema_id"] == engine.state[other].outputs[
        "schema_id"]
