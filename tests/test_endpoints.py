"""The collections' facts: gone proofs in each entity's own error form, and identities."""

from __future__ import annotations

from typing import Any

import pytest

from provider.endpoints import (
    CONNECTIONS,
    FLOWS,
    MAPPING_SETS,
    SOURCE_CONNECTIONS,
    mapping_set_gone,
)

ID = "0123abcd-0000-4000-8000-000000000001"


@pytest.mark.parametrize(("payload", "code", "gone"), [
    ({}, "1101-404", True),
    ({}, "1439-404", False),
    ({"errorMessage": f"flows not found with id = [{ID}]"}, None, True),
    ({"errorMessage": f"connections not found with id = [{ID}]"}, None, False),
    ({"errorMessage": "flows not found with id = [other]"}, None, False),
    ({"errorMessage": "not found"}, None, False),
])
def test_flow_gone_proof(payload: dict[str, Any], code: str | None, gone: bool) -> None:
    """A flow is gone on 1101-404 or the code-less message naming flows and this id only."""
    assert FLOWS.gone is not None
    assert FLOWS.gone(payload, code, ID) is gone


def test_connection_proof_keeps_its_message() -> None:
    """The base connection still accepts its code-less "connections not found" body."""
    assert CONNECTIONS.gone is not None
    assert CONNECTIONS.gone({"errorMessage": f"connections not found with id = [{ID}]"}, None, ID)
    assert SOURCE_CONNECTIONS.gone is not None
    assert not SOURCE_CONNECTIONS.gone(
        {"errorMessage": f"connections not found with id = [{ID}]"}, None, ID)


@pytest.mark.parametrize(("detail", "gone"), [
    ("Mapping set abc not found.", True),
    ("Mapping set abc has no version 3.", False),
    ("Mapping set other not found.", False),
    (None, False),
])
def test_mapping_set_gone_proof(detail: str | None, gone: bool) -> None:
    """A mapping set is gone only when Data Prep's detail says so for this id."""
    assert mapping_set_gone({"detail": detail}, None, "abc") is gone


def test_mapping_set_identity_ignores_ids_and_order_of_keys() -> None:
    """Two bodies with the same schema and rules have the same identity; other rules do not."""
    body = {"outputSchema": {"schemaRef": {"id": "s"}},
            "mappings": [{"sourceType": "ATTRIBUTE", "source": "a", "destination": "b"}]}
    listed = {**body, "id": "x", "mappings": [{"destination": "b", "source": "a",
                                               "sourceType": "ATTRIBUTE", "id": "m"}]}
    assert MAPPING_SETS.identity(body) == MAPPING_SETS.identity(listed)
    assert MAPPING_SETS.identity(body) != MAPPING_SETS.identity({**body, "mappings": []})


def test_version_of_reads_etag_or_version() -> None:
    """Flow Service items give their etag, Data Prep ones their version, as a string."""
    assert FLOWS.version_of({"etag": '"1"'}) == '"1"'
    assert MAPPING_SETS.version_of({"version": 0}) == "0"
    assert MAPPING_SETS.version_of({"version": True}) is None


def test_flow_identity_reads_a_non_list_of_ids_as_none() -> None:
    """A listed flow whose sourceConnectionIds is a number or a string identifies as having no
    sources (no TypeError from tuple(5), no tuple of characters)."""
    from provider.endpoints import flow_identity

    assert flow_identity({"name": "f", "sourceConnectionIds": 5,
                          "targetConnectionIds": "abc"}) == ("f", None, (), ())
    assert flow_identity({"name": "f", "sourceConnectionIds": ["s"]})[2] == ("s",)
