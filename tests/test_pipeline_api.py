"""The mapping-set API mapping: the non-CRUD variants (the source connection's and the
dataflow's are in tests/resources/)."""

from __future__ import annotations

from provider.pipeline_api import MAPPING_SET_API


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
