"""``provider.resources.mapping_set``: the mapping set's non-CRUD variants and its old import
paths."""

from __future__ import annotations

import pytest

from provider.errors import NotFoundError
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


def test_source_types_compare_by_meaning() -> None:
    """Data Prep's answers (text/x.schema-path, text/x.aep-xl, text/plain) read as the
    ATTRIBUTE or EXPRESSION declared, in the inputs and in the lost-create identity; an unknown
    one is kept as answered, so it shows as drift."""
    from provider import endpoints

    answered = {"outputSchema": {"schemaRef": {"id": "s"}}, "mappings": [
        {"sourceType": "text/x.schema-path", "source": "a", "destination": "_x.a"},
        {"sourceType": "text/x.aep-xl", "source": "lower(b)", "destination": "_x.b"},
        {"sourceType": "text/plain", "source": '"web"', "destination": "_x.c"},
        {"sourceType": "text/x.other", "source": "d", "destination": "_x.d"}]}
    inputs = mapping_set.mapping_set_inputs(answered, {})
    assert [m["source_type"] for m in inputs["mappings"]] == [
        "ATTRIBUTE", "EXPRESSION", "EXPRESSION", "text/x.other"]
    sent = mapping_set.mapping_set_body({"schema_id": "s", "mappings": inputs["mappings"][:3]})
    assert endpoints.mapping_set_identity({**answered, "mappings": answered["mappings"][:3]}) \
        == endpoints.mapping_set_identity(sent)


class _Reads:
    """A client that answers mapping set GETs from ``answers`` (by ``version`` param)."""

    def __init__(self, answers: dict[str | None, int]) -> None:
        self.answers = answers
        self.calls: list[list[tuple[str, str]]] = []

    def get(self, _coll: object, _sandbox: str, id_: str, *,
            params: list[tuple[str, str]] | tuple[()] = ()) -> dict[str, object]:
        self.calls.append(list(params))
        asked = dict(params).get("version")
        if asked not in self.answers:  # Data Prep's "not found" for the set, as for a version
            raise NotFoundError("GET", f"/mappingSets/{id_}", 404, f"Mapping set {id_} not found")
        return {"id": id_, "version": self.answers[asked]}


def test_mapping_set_read_asks_again_only_for_an_older_answer() -> None:
    """Read without version; only an answer older than the state's version is read again at
    that version; a newer one is taken as it is (drift)."""
    for state, answered, calls in ((3, 0, [[], [("version", "3")]]), (0, 0, [[]]),
                                   (1, 2, [[]]), (None, 0, [[]])):
        client = _Reads({None: answered, "3": 3})
        item = MAPPING_SET_API.get_as_of(client, "dev", "m",  # type: ignore[arg-type]
                                         {"version": state}, warn=_never)
        assert client.calls == calls
        assert item["version"] == (3 if state == 3 else answered)


def _never(text: str) -> None:
    raise AssertionError(f"unexpected warning: {text}")


def test_a_versioned_read_answering_404_is_not_proof_the_set_is_gone() -> None:
    """The GET without version finds the set (version 0); the GET of the state's version 3
    answers 404: the set is read as the first GET answered it, and one warning names the set,
    the state's version and the live one."""
    client = _Reads({None: 0})
    warned: list[str] = []
    item = MAPPING_SET_API.get_as_of(client, "dev", "m",  # type: ignore[arg-type]
                                     {"version": 3}, warn=warned.append)
    assert item == {"id": "m", "version": 0}
    assert client.calls == [[], [("version", "3")]]
    (text,) = warned
    assert "mapping set m has no version 3" in text
    assert "version 0" in text


def test_a_set_gone_at_the_first_read_is_still_gone() -> None:
    """A 404 on the GET without version is the service's proof: it is raised as it is."""
    client = _Reads({})
    with pytest.raises(NotFoundError):
        MAPPING_SET_API.get_as_of(client, "dev", "m",  # type: ignore[arg-type]
                                  {"version": 3}, warn=_never)
