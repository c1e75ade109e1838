"""The source-connection and mapping-set API mappings: update vs replace, the non-CRUD
variants (the dataflow's are in tests/resources/test_dataflow.py)."""

from __future__ import annotations

from typing import Any

import pytest

from provider.lifecycle import is_unknown
from provider.pipeline_api import MAPPING_SET_API, SOURCE_CONNECTION

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


def test_mapping_set_delete_makes_no_call_and_says_so() -> None:
    """Deleting a mapping set calls nothing and returns the notice the user reads."""
    notice = MAPPING_SET_API.delete(None, "dev", "abc")  # type: ignore[arg-type]
    assert notice is not None
    assert "abc" in notice
    assert "not deleted" in notice


def test_mapping_set_outputs_carry_the_version() -> None:
    """A mapping set's outputs have its id and integer version, no etag."""
    outs = MAPPING_SET_API.outputs({"schema_id": "x", "mappings": []}, id_="m", etag="3",
                                   state=None, created_ms=None, updated_ms=None)
    assert outs["mapping_set_id"] == "m"
    assert outs["version"] == 3
    assert "etag" not in outs
