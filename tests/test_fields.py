"""The field table is the one list of properties: everything else is derived from it."""

from __future__ import annotations

import dataclasses

from provider import model, validation
from provider.fields import DATABRICKS_BASE_CONNECTION as SPEC
from provider.resource import DatabricksBaseConnection, DatabricksBaseConnectionArgs
from stacks.config import CONNECTION_FIELDS


def test_names_are_unique_and_schema_names_camel_case() -> None:
    """No two fields share a state or schema name; schema names have no underscore."""
    assert len({f.state for f in SPEC.fields}) == len(SPEC.fields)
    assert len({f.schema for f in SPEC.fields}) == len(SPEC.fields)
    assert all("_" not in f.schema and f.schema[0].islower() for f in SPEC.fields)


def test_model_constants_come_from_the_table() -> None:
    """The API mapping's field lists are the table's, split by API path and replace flag."""
    assert set(model.INPUT_FIELDS) == {f.state for f in SPEC.inputs}
    assert tuple(f.state for f in SPEC.outputs) == model.OUTPUT_FIELDS
    assert model.REPLACE_FIELDS == ("sandbox_name",)
    assert model.SECRET_FIELDS == ("access_token",)
    assert model.PARAMS["cluster_id"] == "clusterId"


def test_validation_knows_exactly_the_table_inputs() -> None:
    """Check rules exist for every input and only for inputs; required = required or defaulted."""
    assert set(validation.KNOWN) == {f.state for f in SPEC.inputs}
    assert set(validation.REQUIRED) == {f.state for f in SPEC.inputs if f.required or f.default}


def test_dynamic_args_class_matches_the_table() -> None:
    """The typed Python Args class has one field per input; required ones have no default."""
    fields = {f.name: f for f in dataclasses.fields(DatabricksBaseConnectionArgs)}
    assert set(fields) == {f.state for f in SPEC.inputs}
    for field in SPEC.inputs:
        has_default = fields[field.state].default is not dataclasses.MISSING
        assert has_default == (not field.required), field.state


def test_dynamic_resource_outputs_match_the_table() -> None:
    """The resource class declares one output attribute per field."""
    hints = DatabricksBaseConnection.__annotations__
    assert {f.state for f in SPEC.fields} <= set(hints)


def test_stack_config_fields_come_from_the_table() -> None:
    """A stack's connection entries accept the table's stack fields plus tokenKey, protect and
    sharedTokenKey."""
    expected = {f.schema for f in SPEC.inputs if f.stack_config} | {
        "tokenKey", "protect", "sharedTokenKey"}
    assert set(CONNECTION_FIELDS) == expected
    assert CONNECTION_FIELDS["clusterId"] == (True, str)
    assert CONNECTION_FIELDS["adoptExisting"] == (False, bool)


def test_renaming_both_ways() -> None:
    """to_schema and from_schema are inverse; unknown keys pass through."""
    state = {"cluster_id": "c", "sandbox_name": "dev", "other": 1}
    assert SPEC.to_schema(state) == {"clusterId": "c", "sandboxName": "dev", "other": 1}
    assert SPEC.from_schema(SPEC.to_schema(state)) == state


def test_check_reasons_in_schema_words() -> None:
    """A reason naming cluster_id reads clusterId for a camelCase language."""
    assert SPEC.schema_words("cluster_id is required") == "clusterId is required"
    assert SPEC.schema_words("name is required") == "name is required"


def test_every_served_resource_has_its_table() -> None:
    """The lifecycle's API mappings and the field tables list the same resources."""
    from provider.fields import RESOURCES
    from provider.lifecycle import APIS

    assert [api.SPEC for api in APIS] == list(RESOURCES)
