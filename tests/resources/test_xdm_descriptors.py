"""Identity descriptors as a program declares them (``provider.resources.xdm_descriptors``):
a path read back as the declared name, identities compared by meaning, and the primary
identity found in Adobe's grouped descriptor list (a malformed list is an error, not "none")."""

from __future__ import annotations

import pytest

from provider.errors import UnexpectedAnswerError
from provider.resources.xdm_descriptors import (
    declared_field,
    primary_descriptor,
    same_field,
    same_identity,
)

SCHEMA = "https://ns.adobe.com/acme/schemas/aaaa"


@pytest.mark.parametrize(("path", "declared"), [
    ("/_acme/crmId", "crmId"),
    ("/_acme/loyalty/points", "loyalty.points"),
    ("/personalEmail/address", "/personalEmail/address"),
    ("/_acme", "/_acme"),
])
def test_a_descriptor_path_reads_back_as_the_program_declares_it(path: str,
                                                                 declared: str) -> None:
    """A field under the tenant object is its dotted name; an XDM path stays a path."""
    assert declared_field(path, SCHEMA) == declared


@pytest.mark.parametrize(("one", "other", "same"), [
    ({"field": "crmId", "namespace": "Email"}, {"field": "/_acme/crmId", "namespace": "Email"},
     True),
    ({"field": "/_acme/crmId", "namespace": "Email"}, {"field": "crmId", "namespace": "Email"},
     True),
    ({"field": "crmId", "namespace": "Email"}, {"field": "crmId", "namespace": "Phone"}, False),
    ({"field": "crmId", "namespace": "Email"}, {"field": "/_acme/other", "namespace": "Email"},
     False),
    ({"field": "crmId", "namespace": "Email"}, None, False),
    (None, None, True),
])
def test_identities_compare_by_meaning(one: object, other: object, same: bool) -> None:
    """A field named or given as its tenant path is one identity; another namespace is not."""
    assert same_identity(one, other) is same


def test_the_primary_identity_of_the_schema_is_found_in_the_grouped_list() -> None:
    """Only a primary identity descriptor of this schema is taken (Adobe's xdm+json form)."""
    listing = {
        "xdm:alternateDisplayInfo": [{"@id": "n1", "xdm:sourceSchema": SCHEMA}],
        "xdm:descriptorIdentity": [
            {"@id": "d1", "xdm:sourceSchema": SCHEMA, "xdm:isPrimary": False},
            {"@id": "d2", "xdm:sourceSchema": SCHEMA + "x", "xdm:isPrimary": True},
            {"@id": "d3", "xdm:sourceSchema": SCHEMA, "xdm:isPrimary": True,
             "xdm:sourceProperty": "/_acme/crmId", "xdm:namespace": "Email"},
        ]}
    found = primary_descriptor(listing, SCHEMA)
    assert found is not None
    assert found["@id"] == "d3"
    assert primary_descriptor({}, SCHEMA) is None


@pytest.mark.parametrize("listing", [[], {"xdm:descriptorIdentity": "d1"}, "garbage"])
def test_a_descriptor_list_of_another_shape_is_an_error(listing: object) -> None:
    """A list not grouped by @type is an error naming the request, never "no identity"."""
    with pytest.raises(UnexpectedAnswerError, match="/tenant/descriptors"):
        primary_descriptor(listing, SCHEMA)


@pytest.mark.parametrize(("path", "declared"), [
    ("/_experience/analytics/customerId", "/_experience/analytics/customerId"),
    ("/_other/crmId", "/_other/crmId"),
    ("/_acme/loyalty/points", "loyalty.points"),
])
def test_only_the_schemas_own_tenant_object_reads_back_as_a_dotted_name(
        path: str, declared: str) -> None:
    """A field under Adobe's ``_experience`` (or another tenant) object stays a path: read as a
    dotted name it would say the identity is on the schema tenant's own field (red-team
    finding)."""
    assert declared_field(path, SCHEMA) == declared


@pytest.mark.parametrize("descriptor", [
    {"xdm:namespace": "Email"},                                   # no field
    {"xdm:sourceProperty": "/_acme/crmId"},                       # no namespace
    {"xdm:sourceProperty": ["/_acme/crmId"], "xdm:namespace": "Email"},
])
def test_a_primary_descriptor_without_a_field_or_namespace_is_an_error(
        descriptor: dict[str, object]) -> None:
    """A primary identity descriptor of the schema missing its field or namespace is an error
    naming the request, never an identity on a field named "None" (red-team finding)."""
    listing = {"xdm:descriptorIdentity": [
        {"@id": "d1", "xdm:sourceSchema": SCHEMA, "xdm:isPrimary": True, **descriptor}]}
    with pytest.raises(UnexpectedAnswerError, match="/tenant/descriptors"):
        primary_descriptor(listing, SCHEMA)


@pytest.mark.parametrize(("live", "schema_id", "same"), [
    ("/_acme/crmId", SCHEMA, True),
    ("/_other/crmId", SCHEMA, False),              # another tenant's field
    ("/_experience/crmId", SCHEMA, False),         # Adobe's, never the tenant's
    ("/_experience/crmId", None, False),
    ("/_other/crmId", None, True),                 # no schema id: any tenant's
])
def test_a_declared_name_matches_a_path_only_under_the_schemas_tenant(
        live: str, schema_id: str | None, same: bool) -> None:
    """``crmId`` is ``/_acme/crmId`` in an acme schema, never another tenant's or Adobe's."""
    assert same_field(live, "crmId", schema_id) is same
    assert same_identity({"field": live, "namespace": "Email"},
                         {"field": "crmId", "namespace": "Email"}, schema_id) is same
