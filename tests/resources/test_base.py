"""``provider.resources.base``: one base class under every resource's mapping, with the shared
behaviour defined once."""

from __future__ import annotations

from provider.lifecycle import UNKNOWN, is_unknown
from provider.resources import registry
from provider.resources.base import ResourceMapping, changed_fields


def test_every_builtin_mapping_is_an_object_on_the_one_base() -> None:
    """Each registered mapping is a ResourceMapping; inputs_of and the secret test are shared."""
    for entry in registry():
        assert isinstance(entry.api, ResourceMapping), entry.token
        assert type(entry.api).inputs_of is ResourceMapping.inputs_of, entry.token
        assert type(entry.api).secret_changed is ResourceMapping.secret_changed, entry.token


def test_capabilities_are_attributes() -> None:
    """Deleting, adopting and secret inputs are read from attributes, not stub functions."""
    found = {e.spec.name: e.api for e in registry()}
    assert not found["MappingSet"].DELETES
    assert not found["DatabricksStagingCredentials"].DELETES
    assert found["DatabricksBaseConnection"].DELETES
    assert "adopt_existing" in found["DatabricksBaseConnection"].INPUT_FIELDS
    base = found["DatabricksBaseConnection"]
    assert base.secret_changed({"access_token": "a"}, {"access_token": "b"})
    assert not found["DatabricksStagingCredentials"].secret_changed({"sas_token": "a"}, {})


def test_changed_fields_keeps_order_and_counts_unknowns() -> None:
    """The one "changed" test: differing or unknown fields, in the order given."""
    olds = {"a": 1, "b": 2, "c": 3}
    news = {"a": 1, "b": 5, "c": UNKNOWN}
    assert changed_fields(("c", "b", "a"), olds, news, is_unknown) == ("c", "b")
