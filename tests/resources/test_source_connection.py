"""``provider.resources.source_connection``: the source connection's update vs replace, its
body and read-back, and its old import paths."""

from __future__ import annotations

from typing import Any

import pytest

from provider.lifecycle import is_unknown
from provider.resources import source_connection
from provider.resources.source_connection import SOURCE_CONNECTION

SOURCE = "0123abcd-0000-4000-8000-000000000001"


@pytest.mark.parametrize(("change", "replace"), [
    ({"name": "other"}, False), ({"description": "d"}, False),
    ({"table_name": "sales.customers"}, True), ({"cdc_enabled": True}, True),
    ({"base_connection_id": SOURCE.replace("1", "9")}, True),
])
def test_source_connection_diff(change: dict[str, Any], replace: bool) -> None:
    """A source connection renames in place and replaces on anything else."""
    olds = {"name": "s", "base_connection_id": SOURCE, "table_name": "sales.orders",
            "sandbox_name": "dev"}
    found = SOURCE_CONNECTION.diff_props(olds, {**olds, **change}, is_unknown)
    assert found.changed == tuple(change)
    assert bool(found.replaces) is replace


def test_body_reads_back_as_the_declared_inputs() -> None:
    """A create body, read back as Flow Service returns it, shows the declared inputs."""
    props = {"name": "s", "description": "d", "base_connection_id": SOURCE,
             "table_name": "sales.orders", "cdc_enabled": True, "sandbox_name": "dev"}
    body = source_connection.source_connection_body(props)
    assert body["connectionSpec"]["id"] == source_connection.DATABRICKS_SPEC_ID
    assert source_connection.source_connection_inputs({**body, "id": "x"}, props) == props


def test_old_import_paths_name_the_same_mapping_and_table() -> None:
    """``provider.pipeline_api``, ``provider.pipeline_model`` and ``provider.fields`` still give
    the moved mapping, body and field table."""
    from provider import fields, pipeline_api, pipeline_model

    assert pipeline_api.SOURCE_CONNECTION is SOURCE_CONNECTION
    assert pipeline_model.source_connection_body is source_connection.source_connection_body
    assert pipeline_model.SOURCE_REPLACE_FIELDS == source_connection.SOURCE_REPLACE_FIELDS
    assert fields.DATABRICKS_SOURCE_CONNECTION is source_connection.DATABRICKS_SOURCE_CONNECTION
