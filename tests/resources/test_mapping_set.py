"""``provider.resources.mapping_set``: the mapping set's non-CRUD variants and its old import
paths."""

from __future__ import annotations

from provider.resources import mapping_set
from provider.resources.mapping_set import MAPPING_SET_API


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


def test_old_import_paths_name_the_same_mapping_and_table() -> None:
    """``provider.pipeline_api``, ``provider.pipeline_model`` and ``provider.fields`` still give
    the moved mapping, body and field table."""
    from provider import fields, pipeline_api, pipeline_model

    assert pipeline_api.MAPPING_SET_API is MAPPING_SET_API
    assert pipeline_api.MappingSetApi is mapping_set.MappingSetApi
    assert pipeline_model.mapping_set_body is mapping_set.mapping_set_body
    assert fields.MAPPING_SET is mapping_set.MAPPING_SET
    assert fields.MAPPING_RULE_FIELDS is mapping_set.MAPPING_RULE_FIELDS
