"""Data Prep mapping sets: POST 200 version 0, PUT a new version, GET, no DELETE, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import Api
from pipeline_support import MAPPING_SETS, SCHEMA_ID, mapping_body, platform

from provider.emulator import Emulator


def test_post_answers_200_with_version_0(emu: Emulator, api: Api) -> None:
    """A new mapping set is 200 with id, version 0 and dates (Adobe's short answer); read back,
    it has the mappings with ids, source types as Data Prep answers them."""
    answer = platform(api, "POST", MAPPING_SETS, json=mapping_body())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["version"] == 0
    assert "mappings" not in body
    read = platform(api, "GET", f"{MAPPING_SETS}/{body['id']}").json()
    assert read["outputSchema"]["schemaRef"]["id"] == SCHEMA_ID
    assert [m["sourceType"] for m in read["mappings"]] == ["text/x.schema-path",
                                                           "text/x.aep-xl"]
    assert all(m["id"] for m in read["mappings"])
    assert body["createdDate"] == body["modifiedDate"]  # Adobe's name (modified_naming)
    assert "updatedDate" not in body
    (stored,) = emu.mapping_sets()
    assert stored["id"] == body["id"]


def test_put_makes_a_new_version_and_old_ones_stay_readable(api: Api) -> None:
    """PUT answers version 1; GET reads version 0 (Adobe's default), ?version=1 the new one."""
    first = platform(api, "POST", MAPPING_SETS, json=mapping_body()).json()
    second = platform(api, "PUT", f"{MAPPING_SETS}/{first['id']}",
                      json=mapping_body("_tenant.other"))
    assert second.status_code == 200, second.text
    assert second.json()["version"] == 1
    assert platform(api, "GET", f"{MAPPING_SETS}/{first['id']}").json()["version"] == 0
    latest = platform(api, "GET", f"{MAPPING_SETS}/{first['id']}?version=1").json()
    assert latest["version"] == 1
    assert latest["mappings"][0]["destination"] == "_tenant.other"
    old = platform(api, "GET", f"{MAPPING_SETS}/{first['id']}?version=0").json()
    assert old["mappings"][0]["destination"] == "_tenant.orderId"
    assert platform(api, "GET", f"{MAPPING_SETS}/{first['id']}?version=7").status_code == 404


def test_no_delete(api: Api) -> None:
    """DELETE is not served (Adobe's Data Prep API has none)."""
    first = platform(api, "POST", MAPPING_SETS, json=mapping_body()).json()
    assert platform(api, "DELETE", f"{MAPPING_SETS}/{first['id']}").status_code == 405
    assert platform(api, "GET", f"{MAPPING_SETS}/{first['id']}").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"mappings": [{"sourceType": "ATTRIBUTE", "source": "a", "destination": "b"}]},
        {**mapping_body(), "mappings": []},
        {**mapping_body(), "mappings": [{"sourceType": "attribute", "source": "a",
                                         "destination": "b"}]},
        {**mapping_body(), "mappings": [{"sourceType": "ATTRIBUTE", "source": "",
                                         "destination": "b"}]},
        {"version": 0, "xdmSchema": SCHEMA_ID, "xdmVersion": "1.0",
         "mappings": [{"destinationXdmPath": "b", "sourceAttribute": "a"}]},
        ["not", "an", "object"],
    ],
)
def test_bad_bodies_are_400(emu: Emulator, api: Api, body: Any) -> None:
    """Bad shapes, source types and the older tutorial shape are 400 DATAPREP, nothing stored."""
    answer = platform(api, "POST", MAPPING_SETS, json=body)
    assert answer.status_code == 400
    assert answer.json()["type"].endswith("DATAPREP-400")
    assert emu.mapping_sets() == []


def test_isolated_per_sandbox_and_listed(make_api: Any) -> None:
    """Another sandbox neither reads nor lists a mapping set."""
    prod, dev = make_api("prod"), make_api("dev")
    first = platform(prod, "POST", MAPPING_SETS, json=mapping_body()).json()
    assert platform(dev, "GET", f"{MAPPING_SETS}/{first['id']}").status_code == 404
    assert platform(dev, "GET", MAPPING_SETS).json()["data"] == []
    listed = platform(prod, "GET", MAPPING_SETS).json()
    assert [m["id"] for m in listed["data"]] == [first["id"]]


def test_gateway_applies(api: Api) -> None:
    """Without a token the Data Prep path gets the gateway's 403."""
    answer = platform(api, "POST", MAPPING_SETS, json=mapping_body(),
                      headers=api.headers(Authorization=None))
    assert answer.status_code == 403
    assert answer.json()["error_code"] == "403010"


@pytest.mark.parametrize(("switch", "said"), [(False, "has no version 7."),
                                              (True, "not found.")])
def test_a_missing_version_answers_as_the_switch_says(switch: bool, said: str) -> None:
    """A version the set does not have is 404 "has no version N", or with
    missing_version_not_found the unknown set's "not found" (Adobe documents neither)."""
    from provider.emulator.connections import Caller
    from provider.emulator.entity import ServiceError
    from provider.emulator.mapping_sets import MappingSetService
    from provider.emulator.store import ConnectionStore

    service = MappingSetService(ConnectionStore(None), clock=lambda: 0.0,
                                missing_version_not_found=switch)
    caller = Caller("client", "org", "dev")
    made = service.create(caller, mapping_body())
    with pytest.raises(ServiceError) as missing:
        service.get(caller, made["id"], "7")
    assert missing.value.status == 404
    assert str(missing.value).endswith(said)
