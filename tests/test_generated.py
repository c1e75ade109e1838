"""The dynamic door's typed classes (``provider/generated.py``): current, and behaving as the
field tables say (calling forms, required and optional inputs, types, outputs)."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.dynamic import Resource

from provider import codegen, generated, schema
from provider import pipeline_resources as pr
from provider import providers as xr
from provider.fields import DATAFLOW, Field, ResourceSpec
from provider.resource import DatabricksBaseConnection
from provider.resources import specs
from provider.staging_resource import DatabricksStagingCredentials
from tests.conftest import ROOT

RESOURCE_CLASSES: dict[str, type[Any]] = {
    "DatabricksBaseConnection": DatabricksBaseConnection,
    "DatabricksSourceConnection": pr.DatabricksSourceConnection,
    "DataLakeTargetConnection": pr.DataLakeTargetConnection,
    "MappingSet": pr.MappingSet,
    "Dataflow": pr.Dataflow,
    "DatabricksStagingCredentials": DatabricksStagingCredentials,
    **{name: getattr(xr, name) for name in ("XdmFieldGroup", "XdmSchema", "XdmIdentity",
                                            "Dataset")},
}
SPECS = pytest.mark.parametrize("spec", specs(), ids=[s.name for s in specs()])


def _hints(cls: type[Any]) -> dict[str, Any]:
    """The evaluated annotations of a generated class."""
    return typing.get_type_hints(cls, vars(generated))


def _required(spec: ResourceSpec) -> list[str]:
    return [f.state for f in spec.inputs if f.required]


def _optional(spec: ResourceSpec) -> list[str]:
    return [f.state for f in spec.inputs if not f.required]


def test_committed_module_is_current() -> None:
    """provider/generated.py is exactly what the generator writes from the field tables."""
    assert (ROOT / "provider" / "generated.py").read_text() == codegen.python_module()


def test_check_reports_a_hand_edited_module(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """--check fails on an edited generated module and the generator rewrites it."""
    module = tmp_path / "generated.py"
    module.write_text(codegen.python_module().replace("= None", "= 0", 1))
    monkeypatch.setattr(schema, "PYTHON_FILE", module)
    monkeypatch.setattr(schema, "ROOT", tmp_path)
    monkeypatch.setattr(schema, "SCHEMA_FILE", tmp_path / "schema.json")
    monkeypatch.setattr(schema, "README", tmp_path / "README.md")
    (tmp_path / "schema.json").write_text(schema.schema_text())
    (tmp_path / "README.md").write_text(schema.readme_with_table((ROOT / "README.md").read_text()))
    assert schema.main(["--check"]) == 1
    assert schema.main([]) == 0
    assert module.read_text() == codegen.python_module()
    assert schema.main(["--check"]) == 0


@SPECS
def test_args_take_required_inputs_first_and_default_the_rest(spec: ResourceSpec) -> None:
    """Args: required inputs positional and mandatory, then optional ones defaulting to None."""
    cls = getattr(generated, f"{spec.name}Args")
    fields = dataclasses.fields(cls)
    assert [f.name for f in fields] == _required(spec) + _optional(spec)
    args = cls(*(f"v-{name}" for name in _required(spec)))
    assert all(getattr(args, name) is None for name in _optional(spec))
    assert [getattr(args, name) for name in _required(spec)] == [
        f"v-{name}" for name in _required(spec)]
    if _required(spec):
        with pytest.raises(TypeError, match=_required(spec)[-1]):
            cls(*(f"v-{name}" for name in _required(spec)[:-1]))
    assert spec.description in " ".join((cls.__doc__ or "").split())


@SPECS
def test_keyword_inputs_typed_dict_splits_required_and_optional(spec: ResourceSpec) -> None:
    """The keyword-input TypedDict requires exactly the required inputs."""
    inputs = getattr(generated, f"{spec.name}Inputs")
    assert inputs.__required_keys__ == frozenset(_required(spec))
    assert inputs.__optional_keys__ == frozenset(_optional(spec))


@pytest.mark.parametrize(("name", "hint"), [
    ("name", "pulumi.Input[str]"),
    ("schedule", "pulumi.Input[dict[str, Any]]"),
    ("mapping_version", "pulumi.Input[int] | None"),
    ("enabled", "pulumi.Input[bool] | None"),
    ("delta_column", "pulumi.Input[dict[str, Any]] | None"),
])
def test_args_types_come_from_the_field_type(name: str, hint: str) -> None:
    """Args annotations are pulumi.Input of the field type's Python type, optional ones | None;
    they evaluate in the generated module."""
    assert generated.DataflowArgs.__annotations__[name] == hint
    assert eval(hint, vars(generated)) is not None  # noqa: S307 (our own generated text)


@pytest.mark.parametrize(("field", "python"), [
    (Field("a", "a", None, "d"), "str"),
    (Field("a", "a", None, "d", type="boolean"), "bool"),
    (Field("a", "a", None, "d", type="integer"), "int"),
    (Field("a", "a", None, "d", type="object"), "dict[str, Any]"),
    (Field("a", "a", None, "d", type="array"), "list[str]"),
    (Field("a", "a", None, "d", type="array", items=(Field("b", "b", None, "d"),)), "list[Any]"),
    (Field("a", "a", None, "d", type="map"), "dict[str, str]"),
])
def test_python_type_per_field_type(field: Field, python: str) -> None:
    """Each field type has its Python type in the generated annotations."""
    assert codegen.python_type(field) == python


@SPECS
def test_resource_classes_inherit_the_output_annotations(spec: ResourceSpec) -> None:
    """Each resource class carries one Output annotation per field and keeps its type token."""
    cls = RESOURCE_CLASSES[spec.name]
    outputs = getattr(generated, f"{spec.name}Outputs")
    assert cls.__mro__[1:3] == (outputs, Resource)
    assert cls._resource_type_name == f"dynamic/aep:{spec.name}"
    hints = _hints(outputs)
    assert list(hints) == [f.state for f in spec.fields]
    for field in spec.fields:
        assert typing.get_origin(hints[field.state]) is pulumi.Output, field.state


def test_output_types_say_what_may_be_unset() -> None:
    """Optional inputs without a default may be None; defaulted inputs and outputs may not."""
    hints = _hints(generated.DataflowOutputs)
    assert hints["description"] == pulumi.Output[str | None]
    assert hints["enabled"] == pulumi.Output[bool]
    assert hints["sandbox_name"] == pulumi.Output[str]
    assert hints["flow_id"] == pulumi.Output[str]
    assert hints["schedule"] == pulumi.Output[dict[str, Any]]
    assert {f.state for f in DATAFLOW.fields} <= set(hints)


def test_staging_credentials_take_both_calling_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    """DatabricksStagingCredentials: Args object, keyword inputs and no inputs register alike;
    Args plus keywords is a TypeError."""
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(Resource, "__init__",
                        lambda _self, _provider, _name, props, _opts: seen.append(props))
    DatabricksStagingCredentials("a", generated.DatabricksStagingCredentialsArgs(
        sandbox_name="dev", rotation_trigger="1"))
    DatabricksStagingCredentials("b", sandbox_name="dev", rotation_trigger="1")
    DatabricksStagingCredentials("c", pulumi.ResourceOptions(), sandbox_name="dev")
    assert seen[0] == seen[1]
    assert seen[0]["rotation_trigger"] == "1"
    assert seen[2]["rotation_trigger"] is None
    assert "sas_token" in seen[0]
    with pytest.raises(TypeError, match="DatabricksStagingCredentials takes an Args object"):
        DatabricksStagingCredentials("d", generated.DatabricksStagingCredentialsArgs(),
                                     sandbox_name="dev")  # type: ignore[call-overload]
