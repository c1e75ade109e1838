"""Schema references compared across resources at apply (``provider.schema_links``): a table
test of the comparison, and the engine-level check of a program whose schema references are
outputs at preview, through both doors."""

from __future__ import annotations

from typing import Any

import pytest

from provider.emulator import Emulator
from provider.lifecycle import is_unknown
from provider.outcomes import UNKNOWN
from provider.resources.dataflow import DataflowApi
from provider.resources.dataset import DatasetApi
from provider.resources.mapping_set import MappingSetApi
from provider.resources.target_connection import TargetConnectionApi
from provider.schema_links import SchemaLinks
from provider.testing import Engine, ProviderHost
from provider.testing.engine import Ref
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401
from tests.resources.test_xdm_engine import calls, urn, whole_path

A = "https://ns.adobe.com/acme/schemas/aaaa"
B = "https://ns.adobe.com/acme/schemas/bbbb"
V1 = "application/vnd.adobe.xed+json;version=1"
V2 = "application/vnd.adobe.xed-full+json;version=2"
DATASET, TARGET, MAPPING, FLOW = DatasetApi(), TargetConnectionApi(), MappingSetApi(), \
    DataflowApi()


def table(dataset: tuple[str, str], target: tuple[str, str], mapping: str) -> SchemaLinks:
    """A table holding one dataset, one target connection wired to it and one mapping set."""
    links = SchemaLinks()
    links.record(DATASET, {"dataset_id": "ds1", "sandbox_name": "dev", "schema_id": dataset[0],
                           "schema_version": dataset[1]})
    links.record(TARGET, {"target_connection_id": "tc1", "sandbox_name": "dev",
                          "dataset_id": "ds1", "schema_id": target[0],
                          "schema_version": target[1]})
    links.record(MAPPING, {"mapping_set_id": "ms1", "sandbox_name": "dev", "schema_id": mapping})
    return links


FLOW_INPUTS = {"target_connection_id": "tc1", "mapping_set_id": "ms1", "sandbox_name": "dev"}


@pytest.mark.parametrize(("dataset", "target", "mapping", "said"), [
    ((A, V1), (A, V1), A, None),
    ((A, V1), (A, "application/vnd.adobe.xed-full+json;version=1.0"), A, None),
    ((A, V1), (A, V1), B, "the schema ids differ ("),
    ((B, V1), (A, V1), A, "the schema ids differ ("),
    ((A, V1), (A, V2), A, "the schema major versions differ ("),
])
def test_a_dataflow_is_checked_against_the_schema_of_everything_it_writes_through(
        dataset: tuple[str, str], target: tuple[str, str], mapping: str,
        said: str | None) -> None:
    """A dataflow's target connection, that connection's dataset and its mapping set name one
    schema id and major version; a disagreement is a failure naming both."""
    failures = table(dataset, target, mapping).problems(FLOW, FLOW_INPUTS, is_unknown)
    if said is None:
        assert failures == []
    else:
        [(prop, reason)] = failures
        assert prop == "target_connection_id"
        assert reason.startswith(said)
        assert reason.endswith("(never its version).")


def test_a_target_connection_is_checked_against_its_dataset() -> None:
    """A target connection naming schema A over a dataset of schema B fails on schema_id."""
    links = table((B, V1), (B, V1), B)
    inputs = {"dataset_id": "ds1", "sandbox_name": "dev", "schema_id": A, "schema_version": V1}
    [(prop, reason)] = links.problems(TARGET, inputs, is_unknown)
    assert prop == "schema_id"
    assert f"dataset {B}" in reason
    assert f"Data Lake target connection {A}" in reason


@pytest.mark.parametrize("inputs", [
    {**FLOW_INPUTS, "mapping_set_id": UNKNOWN},      # an output still unknown (preview)
    {**FLOW_INPUTS, "mapping_set_id": "ms-other"},   # a mapping set of no resource here
    {**FLOW_INPUTS, "sandbox_name": "prod"},         # the same ids in another sandbox
])
def test_nothing_is_reported_without_both_sides(inputs: dict[str, Any]) -> None:
    """Unknown values, ids the table does not hold and other sandboxes are never compared."""
    assert table((A, V1), (A, V1), B).problems(FLOW, inputs, is_unknown) == []


def test_a_deleted_resource_is_forgotten() -> None:
    """After its delete, a mapping set's schema is no longer compared."""
    links = table((A, V1), (A, V1), B)
    links.forget(MAPPING, "dev", "ms1")
    assert links.problems(FLOW, FLOW_INPUTS, is_unknown) == []


def test_a_later_record_replaces_the_earlier() -> None:
    """An update's outputs replace what the resource named before."""
    links = table((A, V1), (A, V1), B)
    links.record(MAPPING, {"mapping_set_id": "ms1", "sandbox_name": "dev", "schema_id": A})
    assert links.problems(FLOW, FLOW_INPUTS, is_unknown) == []


def test_a_mapping_set_on_another_schema_fails_the_dataflow_at_apply(
        host: ProviderHost, emu: Emulator, door: str, sandbox: str) -> None:
    """Schema ids that are outputs at preview (nothing to compare there) are compared when the
    dataflow is checked at apply: the check fails naming both schemas and no flow is made."""
    engine = Engine(host)
    schema, other = urn(door, "XdmSchema", "schema"), urn(door, "XdmSchema", "other")
    mapping = urn(door, "MappingSet", "mapping")
    declared: dict[str, dict[str, Any]] = {}
    for key, props in whole_path(door, sandbox).items():
        declared[key] = props
        if key == schema:  # a second schema, made right after the first
            declared[other] = {k: v for k, v in props.items() if k not in (
                "primary_identity", "profile_enabled")} | {"title": f"Other {sandbox}"}
    declared[mapping] = {**declared[mapping], "schema_id": Ref(other, "schema_id")}
    preview = engine.preview(declared)
    assert preview.failures == {}
    plan = engine.up(declared)
    flow = urn(door, "Dataflow", "flow")
    [(prop, reason)] = plan.failures[flow]
    assert prop == ("targetConnectionId" if door == "plugin" else "target_connection_id")
    schema_ids = {engine.state[u].outputs["schema_id"] for u in (other, schema)}
    assert "the schema ids differ" in reason
    assert all(s in reason for s in schema_ids)
    assert flow not in engine.state
    assert not [c for c in calls(emu) if c[1].endswith("/flows")]
    engine.destroy()


def test_a_target_version_other_than_its_datasets_fails_at_apply(
        host: ProviderHost, emu: Emulator, door: str, sandbox: str) -> None:
    """A target connection naming major version 2 of the schema its dataset names at version 1
    (the dataset's content type an output at preview) fails its check at apply."""
    engine = Engine(host)
    declared = whole_path(door, sandbox)
    target = urn(door, "DataLakeTargetConnection", "target")
    declared[target] = {**declared[target], "schema_version": V2}
    assert engine.preview(declared).failures == {}
    plan = engine.up(declared)
    [(prop, reason)] = plan.failures[target]
    assert prop == ("schemaId" if door == "plugin" else "schema_id")
    assert "the schema major versions differ" in reason
    assert target not in engine.state
    engine.destroy()
