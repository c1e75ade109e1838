"""/flowSpecs, /connectionSpecs (read-only) and /connections/{id}/explore over the catalogue."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator_support import Api, flow_code

from provider.emulator import Emulator
from provider.emulator.explore import Catalogue, Column, Table
from provider.emulator.pipeline import PipelineOptions

CRM = "14518937-270c-4525-bdec-c2ba7cce3860"


def test_flow_spec_by_name_holds_crm_to_aep(api: Api) -> None:
    """property=name==CRMToAEP finds the spec, accepting Databricks into the Data Lake."""
    (spec,) = api.call("GET", "/flowSpecs?property=name==CRMToAEP").json()["items"]
    assert spec["id"] == CRM
    assert "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b" in spec["sourceConnectionSpecIds"]
    assert spec["targetConnectionSpecIds"] == ["c604ff05-7f1a-43c0-8e18-33bf874cb11c"]
    schedule = spec["scheduleSpec"]["spec"]
    assert schedule["required"] == ["startTime", "frequency"]
    assert schedule["properties"]["frequency"]["enum"] == ["once", "minute", "hour", "day",
                                                            "week"]
    minimums = {
        rule["if"]["properties"]["frequency"]["const"]: rule["then"]["properties"]["interval"][
            "minimum"]
        for rule in schedule["else"]["allOf"]
    }
    assert minimums == {"minute": 15, "hour": 1, "day": 1, "week": 1}
    assert api.call("GET", f"/flowSpecs/{CRM}").json()["items"][0]["name"] == "CRMToAEP"


def test_connection_specs_hold_databricks_and_data_lake(api: Api) -> None:
    """Both specs are listed and readable; the token param is format password."""
    ids = {s["id"] for s in api.call("GET", "/connectionSpecs").json()["items"]}
    assert ids == {"e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "c604ff05-7f1a-43c0-8e18-33bf874cb11c"}
    (databricks,) = api.call(
        "GET", "/connectionSpecs/e9d7ec6b-0873-4e57-ad21-b3a7c65e310b").json()["items"]
    props = databricks["authSpec"][0]["spec"]["properties"]
    assert props["accessToken"]["format"] == "password"
    assert databricks["authSpec"][0]["name"] == "Access Token Authentication"


@pytest.mark.parametrize("path", ["/flowSpecs", f"/flowSpecs/{CRM}", "/connectionSpecs"])
@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_spec_catalogues_are_read_only(api: Api, path: str, method: str) -> None:
    """Writes to the spec catalogues answer 405."""
    answer = api.call(method, path, json={})
    assert flow_code(answer) == "1100-405"


def test_unknown_spec_is_404(api: Api) -> None:
    """An unknown flow spec id reads 404 1101-404."""
    assert flow_code(api.call("GET", "/flowSpecs/nope")) == "1101-404"


@pytest.mark.parametrize("object_type", ["root", "ROOT"])
def test_explore_root_lists_tables(api: Api, object_type: str) -> None:
    """objectType=root (either case) answers a bare array of the catalogue's tables."""
    id_, _ = api.created()
    answer = api.call("GET", f"/connections/{id_}/explore?objectType={object_type}")
    assert answer.status_code == 200
    listed = answer.json()
    assert isinstance(listed, list)
    assert {t["path"] for t in listed} == {"sales.orders", "sales.customers"}
    assert all(t["type"] == "table" and t["canPreview"] for t in listed)


@pytest.mark.parametrize("object_type", ["table", "TABLE"])
def test_explore_table_columns_and_preview(api: Api, object_type: str) -> None:
    """objectType=table gives columns with XDM types; preview=true adds the rows."""
    id_, _ = api.created()
    path = f"/connections/{id_}/explore?objectType={object_type}&object=sales.orders"
    plain = api.call("GET", path).json()
    assert plain["format"] == "flat"
    assert "data" not in plain
    columns = {c["name"]: c for c in plain["schema"]["columns"]}
    assert columns["amount"]["xdm"] == {"type": "number"}
    assert columns["updated_at"]["xdm"] == {"type": "string", "format": "date-time"}
    assert columns["updated_at"]["meta:xdmType"] == "date-time"
    preview = api.call("GET", path + "&preview=true").json()
    assert [r["order_id"] for r in preview["data"]] == ["o-1001", "o-1002"]


@pytest.mark.parametrize(
    ("query", "code"),
    [("objectType=folder", "1100-400"), ("", "1100-400"), ("objectType=table", "1100-400"),
     ("objectType=table&object=sales.nope", "1100-404")],
)
def test_explore_errors(api: Api, query: str, code: str) -> None:
    """Bad objectType, a table without object, or an unknown table are refused."""
    id_, _ = api.created()
    assert flow_code(api.call("GET", f"/connections/{id_}/explore?{query}")) == code


def test_explore_needs_a_connection_of_the_sandbox(make_api: Any) -> None:
    """Explore of another sandbox's connection is 404 1101-404."""
    prod, dev = make_api("prod"), make_api("dev")
    id_, _ = prod.created()
    assert flow_code(dev.call("GET", f"/connections/{id_}/explore?objectType=root")) == "1101-404"


def test_catalogue_is_configurable() -> None:
    """A catalogue given to the constructor, or set later, is what explore serves."""
    custom = Catalogue((Table("main.crm.leads", (Column("lead_id", "bigint", "integer"),),
                              ({"lead_id": 7},)),))
    with Emulator(pipeline=PipelineOptions(catalogue=custom)) as emu:
        api = Api(emu)
        id_, _ = api.created()
        listed = api.call("GET", f"/connections/{id_}/explore?objectType=root").json()
        assert listed == [{"type": "table", "name": "leads", "path": "main.crm.leads",
                           "canPreview": True, "canFetchSchema": True}]
        emu.catalogue = Catalogue()
        assert api.call("GET", f"/connections/{id_}/explore?objectType=root").json() == []


def test_catalogue_from_json_round_trip() -> None:
    """Catalogue.from_json reads the documented format and rejects malformed ones."""
    document = {"tables": [{"path": "s.t", "columns": [{"name": "d", "type": "date",
                                                        "xdmType": "date"}],
                            "rows": [{"d": "2026-01-01"}]}]}
    catalogue = Catalogue.from_json(json.loads(json.dumps(document)))
    table = catalogue.table("s.t")
    assert table is not None
    assert table.columns[0].to_json()["xdm"] == {"type": "string", "format": "date"}
    for bad in ({}, {"tables": [{"path": "x", "columns": []}]},
                {"tables": [{"path": "x", "columns": [{"name": "c", "xdmType": "blob"}]}]}):
        with pytest.raises(ValueError, match=r"."):
            Catalogue.from_json(bad)
