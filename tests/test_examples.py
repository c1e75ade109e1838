"""The other-language examples use only what the plugin's schema declares."""

from __future__ import annotations

import re

import yaml

from provider import schema
from tests.conftest import ROOT

TOKEN = "aep:index:DatabricksBaseConnection"
YAML_EXAMPLE = ROOT / "examples" / "yaml" / "Pulumi.yaml"
TS_EXAMPLE = ROOT / "examples" / "typescript" / "index.ts"
# aep: keys a program reads, not the provider: the rotation trigger of DatabricksStagingCredentials
# (set by the staging-credentials-expiry policy's rotation command).
PROGRAM_KEYS = {"stagingRotationTrigger"}


def resource_schema() -> dict:  # type: ignore[type-arg]
    """The resource's part of the generated schema."""
    return dict(schema.package_schema()["resources"][TOKEN])


def test_yaml_example_uses_schema_properties_and_the_local_plugin() -> None:
    """Every property the YAML example sets is a schema input; every output it reads is a
    schema property; the plugin is declared with the repository's plugin directory."""
    program = yaml.safe_load(YAML_EXAMPLE.read_text())
    (provider,) = program["plugins"]["providers"]
    assert provider["name"] == schema.PACKAGE
    assert (YAML_EXAMPLE.parent / provider["path"]).resolve() == ROOT / "plugin"
    resources = [r for r in program["resources"].values() if r["type"] == TOKEN]
    assert resources
    inputs = resource_schema()["inputProperties"]
    for resource in resources:
        assert set(resource["properties"]) <= set(inputs)
        assert set(resource_schema()["requiredInputs"]) <= set(resource["properties"])
    read = re.findall(r"\$\{sales\.(\w+)\}", YAML_EXAMPLE.read_text())
    assert read
    assert set(read) <= set(resource_schema()["properties"])


def test_yaml_example_pipeline_uses_each_resource_schema() -> None:
    """Every resource of the YAML example (the ingestion path too) sets only inputs of its own
    type's schema, every required one, and nested members its object types declare."""
    full = schema.package_schema()
    program = yaml.safe_load(YAML_EXAMPLE.read_text())
    kinds = {r["type"] for r in program["resources"].values()}
    assert {"aep:index:Dataflow", "aep:index:MappingSet"} <= kinds
    for resource in program["resources"].values():
        spec = full["resources"][resource["type"]]
        props = resource["properties"]
        assert set(props) <= set(spec["inputProperties"])
        assert set(spec["requiredInputs"]) <= set(props)
        for key, value in props.items():
            ref = spec["inputProperties"][key].get("$ref") or (
                spec["inputProperties"][key].get("items") or {}).get("$ref")
            if ref:
                members = full["types"][ref.rsplit("/", 1)[-1]]["properties"]
                for item in value if isinstance(value, list) else [value]:
                    assert set(item) <= set(members), (key, item)


def test_typescript_example_uses_schema_properties() -> None:
    """Every argument the TypeScript example passes is a schema input; every output it reads
    is a schema property."""
    text = TS_EXAMPLE.read_text()
    args = re.search(r"new aep\.DatabricksBaseConnection\([^{]*\{(.*?)\n\}", text, re.S)
    assert args is not None
    used = re.findall(r"^\s+(\w+):", args.group(1), re.M)
    assert "clusterId" in used
    assert set(used) <= set(resource_schema()["inputProperties"])
    read = re.findall(r"sales\.(\w+);", text)
    assert read
    assert set(read) <= set(resource_schema()["properties"])


def test_examples_config_keys_are_provider_settings() -> None:
    """Every aep: key the examples and README tell the user to set is a provider setting."""
    variables = schema.package_schema()["config"]["variables"]
    texts = [YAML_EXAMPLE.read_text(), TS_EXAMPLE.read_text(), (ROOT / "README.md").read_text()]
    keys = {k for text in texts for k in re.findall(r"\baep:([a-z][A-Za-z]+)\b", text)}
    assert "sandboxName" in keys
    assert keys - {"index", "config"} - PROGRAM_KEYS <= set(variables)


def test_a_misspelt_property_would_be_caught() -> None:
    """The check above can fail: a snake_case property is not in the schema."""
    assert "cluster_id" not in resource_schema()["inputProperties"]
