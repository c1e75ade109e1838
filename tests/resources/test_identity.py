"""The lost-create identity: name and every replace-on-change field, from the field table."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from provider.pipeline_api import DATAFLOW_API, SOURCE_CONNECTION, TARGET_CONNECTION, EntityApi
from provider.resources.identity import identity_paths

SOURCE = "0123abcd-0000-4000-8000-000000000001"
TARGET = "0123abcd-0000-4000-8000-000000000002"
SAMPLES: dict[str, dict[str, Any]] = {
    "DatabricksSourceConnection": {
        "name": "s", "base_connection_id": SOURCE, "table_name": "sales.orders",
        "sandbox_name": "dev"},
    "DataLakeTargetConnection": {
        "name": "t", "dataset_id": "a" * 24, "schema_id": "https://ns.adobe.com/acme/schemas/1",
        "sandbox_name": "dev"},
    "Dataflow": {
        "name": "f", "source_connection_id": SOURCE, "target_connection_id": TARGET,
        "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour", "interval": 1},
        "sandbox_name": "dev"},
}
# A second value for every replace field (a path of state names).
OTHER: dict[tuple[str, ...], Any] = {
    ("base_connection_id",): SOURCE.replace("1", "9"),
    ("table_name",): "sales.customers",
    ("cdc_enabled",): True,
    ("dataset_id",): "b" * 24,
    ("schema_id",): "https://ns.adobe.com/acme/schemas/2",
    ("schema_version",): "application/vnd.adobe.xed-full+json;version=2",
    ("format",): "delta",
    ("source_connection_id",): SOURCE.replace("1", "7"),
    ("target_connection_id",): TARGET.replace("2", "7"),
    ("flow_spec_id",): "0123abcd-0000-4000-8000-00000000000f",
    ("schedule", "start_time"): "2027-02-01T00:00:00Z",
    ("schedule", "backfill"): False,
    ("delta_column",): {"name": "updated_at"},
}
APIS = (SOURCE_CONNECTION, TARGET_CONNECTION, DATAFLOW_API)


def changed(props: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``props`` with the value at ``path`` set to ``value``."""
    out = copy.deepcopy(props)
    inner = out
    for key in path[:-1]:
        inner = inner.setdefault(key, {})
    inner[path[-1]] = value
    return out


def cases() -> list[tuple[EntityApi, tuple[str, ...]]]:
    """Every (resource, replace path) pair the table derives."""
    return [(api, path) for api in APIS for path in identity_paths(api.SPEC) if path != ("name",)]


@pytest.mark.parametrize(("api", "path"), cases(),
                         ids=lambda v: v.SPEC.name if isinstance(v, EntityApi) else ".".join(v))
def test_a_replace_field_change_is_another_identity(api: EntityApi,
                                                    path: tuple[str, ...]) -> None:
    """A create differing from a listed item only in a replace field never matches it, so a
    replacement whose answer was lost cannot adopt the predecessor it replaces."""
    props = SAMPLES[api.SPEC.name]
    body = api.create_body(props)
    predecessor = api.create_body(changed(props, path, OTHER[path]))
    body.pop("_disable", None)
    assert api.COLL.identity(body) != api.COLL.identity(predecessor)
    assert api.COLL.identity(body) == api.COLL.identity(api.create_body(copy.deepcopy(props)))


def test_every_replace_field_is_in_the_identity() -> None:
    """The identity paths are the name and every replace field the item carries (not the
    sandbox header), nested schedule members included."""
    assert identity_paths(DATAFLOW_API.SPEC) == (
        ("name",), ("source_connection_id",), ("target_connection_id",), ("flow_spec_id",),
        ("schedule", "start_time"), ("schedule", "backfill"), ("delta_column",))
    assert identity_paths(SOURCE_CONNECTION.SPEC) == (
        ("name",), ("base_connection_id",), ("table_name",), ("cdc_enabled",))


@pytest.mark.parametrize(("api", "unset", "echoed"), [
    (SOURCE_CONNECTION, {}, {"params": {"tableName": "sales.orders", "cdcEnabled": False}}),
    (DATAFLOW_API, {}, {"scheduleParams": {"startTime": "1800000000", "frequency": "hour",
                                           "interval": "1", "backfill": "true"}}),
])
def test_a_service_default_matches_an_unset_input(api: EntityApi, unset: dict[str, Any],
                                                  echoed: dict[str, Any]) -> None:
    """A listed item showing the service's default (cdcEnabled false, backfill true, values
    typed as strings) still matches the body that left the input unset."""
    props = {**SAMPLES[api.SPEC.name], **unset}
    if api is DATAFLOW_API:
        props = changed(props, ("schedule", "start_time"), 1_800_000_000)
    body = api.create_body(props)
    listed: dict[str, Any] = {**body, "id": "x", "state": "enabled"}
    for key, value in echoed.items():
        listed[key] = {**body.get(key, {}), **value}
    assert api.COLL.identity(listed) == api.COLL.identity(body)


def test_an_item_of_the_wrong_shape_matches_nothing() -> None:
    """A listed flow whose schedule is a string is no one's identity, not a traceback."""
    item = {"name": "f", "scheduleParams": "hourly"}
    assert DATAFLOW_API.COLL.identity(item) != DATAFLOW_API.COLL.identity(item)
