"""/sourceConnections and /targetConnections: create, read, list, patch, delete and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import BASE, Api, flow_code
from pipeline_support import DATASET_ID, Made, created, source_body, target_body

from provider.emulator import Emulator
from provider.emulator.pipeline import PipelineOptions


def test_source_create_stores_and_reads_back(emu: Emulator, api: Api) -> None:
    """A source connection is 201 {id, etag} with Location, stored with Adobe's fields."""
    base, _ = api.created("base")
    answer = api.call("POST", "/sourceConnections", json=source_body(base))
    id_, etag = created(answer)
    assert answer.headers["Location"] == f"{BASE}/sourceConnections/{id_}"
    (stored,) = emu.source_connections()
    assert stored["baseConnectionId"] == base
    assert stored["params"] == {"tableName": "sales.orders"}
    assert stored["data"] == {"format": "tabular"}
    assert stored["etag"] == etag
    (item,) = api.call("GET", f"/sourceConnections/{id_}").json()["items"]
    assert item["name"] == "orders source"
    assert item["connectionSpec"]["id"] == "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": ""}, "1455-400"),
        ({"baseConnectionId": None}, "1455-400"),
        ({"baseConnectionId": "no-such-base"}, "1100-400"),
        ({"data": {"format": "json"}}, "1100-400"),
        ({"params": {}}, "1455-400"),
        ({"params": {"tableName": "sales.nope"}}, "1100-400"),
        ({"params": {"tableName": "sales.orders", "cdcEnabled": "yes"}}, "1100-400"),
        ({"params": {"tableName": "sales.orders", "bogus": 1}}, "1100-400"),
        ({"connectionSpec": {"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"}},
         "1413-400"),
        ({"connectionSpec": {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b"}}, "1100-422"),
    ],
)
def test_source_create_errors(api: Api, change: dict[str, Any], code: str) -> None:
    """Each bad source body gets its catalogue code and nothing is stored."""
    base, _ = api.created("base")
    body = {**source_body(base), **change}
    answer = api.call("POST", "/sourceConnections", json=body)
    assert flow_code(answer) == code, answer.text
    assert api.emu.source_connections() == []


def test_source_in_another_sandbox_cannot_use_the_base(make_api: Any) -> None:
    """A base connection of prod is unknown to a source connection made in dev."""
    prod, dev = make_api("prod"), make_api("dev")
    base, _ = prod.created("base")
    answer = dev.call("POST", "/sourceConnections", json=source_body(base))
    assert flow_code(answer) == "1100-400"


def test_source_table_check_is_an_option() -> None:
    """With check_source_table off, a table outside the catalogue is accepted."""
    with Emulator(pipeline=PipelineOptions(check_source_table=False)) as emu:
        api = Api(emu)
        base, _ = api.created("base")
        created(api.call("POST", "/sourceConnections", json=source_body(base, "x.unknown")))


def test_target_create_and_defaults(emu: Emulator, api: Api) -> None:
    """A target connection stores the dataset, the schema and its default version."""
    body = target_body()
    del body["data"]["schema"]["version"]
    id_, _ = created(api.call("POST", "/targetConnections", json=body))
    (stored,) = emu.target_connections()
    assert stored["id"] == id_
    assert stored["params"] == {"dataSetId": DATASET_ID}
    assert stored["data"]["schema"]["version"] == "application/vnd.adobe.xed-full+json;version=1"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"params": {"dataSetId": "not-a-dataset"}}, "1100-400"),
        ({"params": {}}, "1455-400"),
        ({"data": {"format": "delta", "schema": {"id": "https://ns.adobe.com/t/schemas/1"}}},
         "1100-400"),
        ({"data": {"schema": {"id": "urn:not-xdm"}}}, "1100-400"),
        ({"data": {}}, "1455-400"),
        ({"data": {"schema": {"id": "https://ns.adobe.com/t/schemas/1", "version": 1}}},
         "1100-400"),
        ({"connectionSpec": {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "version": "1.0"}},
         "1413-400"),
    ],
)
def test_target_create_errors(api: Api, change: dict[str, Any], code: str) -> None:
    """Each bad target body gets its code and nothing is stored."""
    answer = api.call("POST", "/targetConnections", json={**target_body(), **change})
    assert flow_code(answer) == code, answer.text
    assert api.emu.target_connections() == []


@pytest.mark.parametrize("collection", ["/sourceConnections", "/targetConnections"])
def test_patch_name_with_if_match_only(api: Api, collection: str) -> None:
    """Name/description patch with If-Match; stale etag 412; other paths 1455-400."""
    made = Made(api, flow=False)
    id_ = made.source if collection == "/sourceConnections" else made.target
    (item,) = api.call("GET", f"{collection}/{id_}").json()["items"]
    ops = [{"op": "replace", "path": "/name", "value": "renamed"}]
    missing = api.call("PATCH", f"{collection}/{id_}", json=ops)
    assert flow_code(missing) == "1403-400"
    headers = api.headers(**{"If-Match": item["etag"]})
    answer = api.call("PATCH", f"{collection}/{id_}", headers=headers, json=ops)
    assert answer.status_code == 200, answer.text
    assert answer.json()["etag"] != item["etag"]
    stale = api.call("PATCH", f"{collection}/{id_}", headers=headers, json=ops)
    assert flow_code(stale) == "1404-412"
    fresh = api.headers(**{"If-Match": answer.json()["etag"]})
    other = api.call("PATCH", f"{collection}/{id_}", headers=fresh,
                     json=[{"op": "replace", "path": "/params/tableName", "value": "x"}])
    assert flow_code(other) == "1455-400"
    assert api.call("GET", f"{collection}/{id_}").json()["items"][0]["name"] == "renamed"


def test_list_pages_and_filters_source_connections(api: Api) -> None:
    """The connections' listing works here: property filter, limit and a next link."""
    base, _ = api.created("base")
    for table in ("sales.orders", "sales.customers", "sales.orders"):
        created(api.call("POST", "/sourceConnections", json=source_body(base, table)))
    page = api.call("GET", "/sourceConnections?limit=2").json()
    assert len(page["items"]) == 2
    assert page["_links"]["next"]["href"].startswith("/sourceConnections?continuationToken=")
    found = api.call("GET", "/sourceConnections?property=params.tableName==sales.orders").json()
    assert len(found["items"]) == 2
    assert api.call("GET", "/sourceConnections?count=true").json() == {"count": 3}


def test_delete_unused_source_and_target(emu: Emulator, api: Api) -> None:
    """Without a flow, source and target delete with 204 and then read 404."""
    made = Made(api, flow=False)
    for collection, id_ in (("/sourceConnections", made.source),
                            ("/targetConnections", made.target)):
        assert api.call("DELETE", f"{collection}/{id_}").status_code == 204
        assert flow_code(api.call("GET", f"{collection}/{id_}")) == "1101-404"
    assert emu.source_connections() == emu.target_connections() == []
