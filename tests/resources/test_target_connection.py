"""``provider.resources.target_connection``: the target connection's update vs replace, its
body and read-back, and its old import paths."""

from __future__ import annotations

from typing import Any

import pytest

from provider.lifecycle import is_unknown
from provider.resources import target_connection
from provider.resources.target_connection import TARGET_CONNECTION

PROPS: dict[str, Any] = {
    "name": "t", "dataset_id": "5c8c3c555033b814b69f947f",
    "schema_id": "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef",
    "sandbox_name": "dev",
}


@pytest.mark.parametrize(("change", "replace"), [
    ({"name": "other"}, False), ({"description": "d"}, False),
    ({"dataset_id": "5c8c3c555033b814b69f9470"}, True), ({"schema_id": "x"}, True),
    ({"schema_version": "application/vnd.adobe.xed-full+json;version=2"}, True),
    ({"format": "other"}, True), ({"sandbox_name": "prod"}, True),
])
def test_target_connection_diff(change: dict[str, Any], replace: bool) -> None:
    """A target connection renames in place and replaces on anything else."""
    found = TARGET_CONNECTION.diff_props(PROPS, {**PROPS, **change}, is_unknown)
    assert found.changed == tuple(change)
    assert bool(found.replaces) is replace


def test_body_reads_back_with_the_table_defaults() -> None:
    """A create body fills the table's defaults, and reads back as the inputs with them."""
    body = target_connection.target_connection_body(PROPS)
    assert body["connectionSpec"]["id"] == target_connection.DATA_LAKE_SPEC_ID
    assert target_connection.target_connection_inputs({**body, "id": "x"}, PROPS) == {
        **PROPS, "schema_version": "application/vnd.adobe.xed-full+json;version=1",
        "format": "parquet_xdm"}


def test_old_import_paths_name_the_same_mapping_and_table() -> None:
    """``provider.pipeline_api``, ``provider.pipeline_model`` and ``provider.fields`` still give
    the moved mapping, body and field table."""
    from provider import fields, pipeline_api, pipeline_model

    assert pipeline_api.TARGET_CONNECTION is TARGET_CONNECTION
    assert pipeline_model.target_connection_body is target_connection.target_connection_body
    assert pipeline_model.DEFAULT_TARGET_FORMAT == target_connection.DEFAULT_TARGET_FORMAT
    assert fields.DATA_LAKE_TARGET_CONNECTION is target_connection.DATA_LAKE_TARGET_CONNECTION
