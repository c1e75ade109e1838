"""The plugin's package schema and the README table, generated from the field tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from provider import schema
from provider.fields import DATABRICKS_BASE_CONNECTION as SPEC
from provider.settings import ALLOW_INSECURE_HTTP, KEYS, NOT_FOUND_MEANS_GONE, TUNING
from tests.conftest import ROOT


def test_committed_generated_files_are_current() -> None:
    """plugin/schema.json and the README property table equal what the field table generates."""
    assert json.loads((ROOT / "plugin" / "schema.json").read_text()) == schema.package_schema()
    assert schema.main(["--check"]) == 0


def test_check_mode_reports_a_stale_readme(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """--check fails (and writes nothing) when a generated block was edited by hand: the
    README's resources table or a resource's property page."""
    readme = tmp_path / "README.md"
    edited = (ROOT / "README.md").read_text().replace("`aep:index:Dataflow`",
                                                      "`aep:index:DataFlow`")
    assert edited != (ROOT / "README.md").read_text()
    readme.write_text(edited)
    pages = tmp_path / schema.PAGES
    pages.mkdir(parents=True)
    page = pages / "DatabricksBaseConnection.md"
    edited_page = (ROOT / schema.PAGES / page.name).read_text().replace("`clusterId`",
                                                                         "`clusterID`")
    assert "`clusterID`" in edited_page
    page.write_text(edited_page)
    monkeypatch.setattr(schema, "README", readme)
    monkeypatch.setattr(schema, "ROOT", tmp_path)
    monkeypatch.setattr(schema, "SCHEMA_FILE", tmp_path / "schema.json")
    (tmp_path / "schema.json").write_text(schema.schema_text())
    assert schema.main(["--check"]) == 1
    assert readme.read_text() == edited
    assert page.read_text() == edited_page
    assert schema.main([]) == 0
    assert schema.main(["--check"]) == 0
    assert "`clusterId`" in page.read_text()


def test_resource_schema_content() -> None:
    """Token, camelCase inputs and outputs, secret token, required lists, replace on sandbox."""
    res = schema.package_schema()["resources"]["aep:index:DatabricksBaseConnection"]
    assert set(res["inputProperties"]) == {
        "name", "description", "domain", "clusterId", "accessToken", "database", "catalog",
        "sandboxName", "adoptExisting", "testConnection"}
    assert set(res["properties"]) == set(res["inputProperties"]) | {
        "connectionId", "etag", "state", "createdAt", "updatedAt"}
    assert res["inputProperties"]["accessToken"]["secret"] is True
    assert res["properties"]["accessToken"]["secret"] is True
    assert res["inputProperties"]["sandboxName"]["replaceOnChanges"] is True
    assert res["inputProperties"]["adoptExisting"]["type"] == "boolean"
    assert sorted(res["requiredInputs"]) == sorted(
        ["name", "domain", "clusterId", "accessToken", "database"])
    assert "connectionId" in res["required"]
    assert all(p["description"] for p in res["properties"].values())


def test_provider_config_content() -> None:
    """Every setting is a provider input and a config variable; secrets are flagged."""
    package = schema.package_schema()
    variables = package["config"]["variables"]
    expected = {key.split(":", 1)[1]
                for key, *_ in [*KEYS.values(), *TUNING.values(), ALLOW_INSECURE_HTTP,
                                NOT_FOUND_MEANS_GONE]}
    assert set(variables) == expected
    assert variables["allowInsecureHttp"]["type"] == "boolean"
    assert variables["notFoundMeansGone"]["type"] == "boolean"
    assert variables["notFoundMeansGone"]["default"] is False
    assert package["provider"]["inputProperties"] == variables
    assert variables["clientSecret"]["secret"] is True
    assert variables["accessToken"]["secret"] is True
    assert "secret" not in variables["clientId"]
    assert variables["maxConcurrency"] == {**variables["maxConcurrency"], "type": "integer",
                                           "default": 16}
    assert variables["sandboxName"]["defaultInfo"] == {"environment": ["AEP_SANDBOX_NAME"]}


def test_package_identity() -> None:
    """Package aep at the project's version."""
    package = schema.package_schema()
    found = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert found is not None
    assert (package["name"], package["version"]) == ("aep", found.group(1))
    assert SPEC.token == "aep:index:DatabricksBaseConnection"


def test_complex_field_types_in_the_schema() -> None:
    """Objects refer to a type under `types`, arrays of objects to their item type, maps are
    objects of strings, integers are integers."""
    from provider import schema
    from provider.fields import DATAFLOW, MAPPING_SET, Field

    dataflow = schema._resource(DATAFLOW)["inputProperties"]
    assert dataflow["schedule"]["$ref"] == "#/types/aep:index:DataflowSchedule"
    assert dataflow["mappingVersion"]["type"] == "integer"
    mappings = schema._resource(MAPPING_SET)["inputProperties"]["mappings"]
    assert mappings["items"] == {"$ref": "#/types/aep:index:MappingRule"}
    conf = schema._property(Field("spark_conf", "sparkConf", None, "d", type="map", secret=True))
    assert conf["additionalProperties"] == {"type": "string"}
    assert conf["secret"] is True
