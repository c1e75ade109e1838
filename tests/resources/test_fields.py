"""The field table is the one list of properties: everything else is derived from it."""

from __future__ import annotations

from provider import model, validation
from provider.fields import DATABRICKS_BASE_CONNECTION as SPEC
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


def test_stack_config_fields_come_from_the_table() -> None:
    """A stack's connection entries accept the table's stack fields plus tokenKey, protect and
    sharedTokenKey."""
    expected = {f.schema for f in SPEC.inputs if f.stack_config} | {
        "tokenKey", "protect", "sharedTokenKey", "dataflows"}
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


def test_nested_fields_rename_both_ways() -> None:
    """Object and array-of-object fields rename their members; integral floats of integer
    members become integers (gRPC carries every number as a float)."""
    from provider.fields import DATAFLOW, MAPPING_SET

    state = {"schedule": {"start_time": 1, "frequency": "hour", "interval": 2},
             "delta_column": {"name": "u", "date_format": "YYYY"}, "mapping_version": 3}
    wire = DATAFLOW.to_schema(state)
    assert wire == {"schedule": {"startTime": 1, "frequency": "hour", "interval": 2},
                    "deltaColumn": {"name": "u", "dateFormat": "YYYY"}, "mappingVersion": 3}
    floats = {"schedule": {"startTime": 1, "frequency": "hour", "interval": 2.0},
              "mappingVersion": 3.0}
    back = DATAFLOW.from_schema(floats)
    assert back == {"schedule": {"start_time": 1, "frequency": "hour", "interval": 2},
                    "mapping_version": 3}
    assert isinstance(back["schedule"]["interval"], int)
    rules = MAPPING_SET.to_schema({"mappings": [{"source": "a", "source_type": "ATTRIBUTE"}]})
    assert rules == {"mappings": [{"source": "a", "sourceType": "ATTRIBUTE"}]}


def test_coerce_makes_integers_of_integral_floats_only() -> None:
    """coerce turns 2.0 into 2 for integer fields, keeps 2.5 and non-integer fields as they are."""
    from provider.fields import DATAFLOW

    out = DATAFLOW.coerce({"mapping_version": 2.0, "schedule": {"interval": 2.5}, "name": "n"})
    assert out == {"mapping_version": 2, "schedule": {"interval": 2.5}, "name": "n"}
    assert isinstance(out["mapping_version"], int)


def test_python_types_of_every_field_type() -> None:
    """Every declared field type has its Python type."""
    from provider.fields import DATAFLOW, MAPPING_SET

    assert DATAFLOW.by_state("schedule").python_type is dict  # type: ignore[union-attr]
    assert MAPPING_SET.by_state("mappings").python_type is list  # type: ignore[union-attr]
    assert MAPPING_SET.by_state("version").python_type is int  # type: ignore[union-attr]


def test_policy_pack_reads_the_resources_property_names() -> None:
    """Every property the pipeline policies read exists in the field table of the resource it
    concerns, under the snake_case name (camelCase comes from the table's schema name)."""
    import re

    from provider.fields import DATABRICKS_SOURCE_CONNECTION, DATAFLOW
    from tests.conftest import ROOT

    text = (ROOT / "policy" / "pipeline_policies.py").read_text()
    read = set(re.findall(r'prop\([a-z._]+, "([a-z_]+)"\)', text)) - {"expiry_date"}
    known = {f.state for f in (*DATAFLOW.fields, *DATABRICKS_SOURCE_CONNECTION.fields)}
    assert read
    assert read <= known
    for name in read:
        field = DATAFLOW.by_state(name) or DATABRICKS_SOURCE_CONNECTION.by_state(name)
        assert field is not None
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)
        assert field.schema == camel
