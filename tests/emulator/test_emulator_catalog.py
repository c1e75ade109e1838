"""Catalog datasets: 201 with an array, GET keyed by id, schemaRef rules, Profile tags, PATCH
(merge and JSON Patch), DELETE's arrays, listing, isolation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from emulator_support import Api
from pipeline_support import platform
from xdm_support import (
    DATASETS,
    created,
    dataset_body,
    enable_profile,
    field_group_body,
    new_dataset,
    profile_schema,
    schema_body,
    tenant,
)

from provider.emulator import Emulator

PROFILE_TAGS = {"unifiedProfile": ["enabled:true"], "unifiedIdentity": ["enabled:true"]}


def _schema(api: Api) -> dict[str, Any]:
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant(api)))
    return created(api, "/tenant/schemas", schema_body(group["$id"]))


def test_create_answers_201_with_an_array_and_get_is_keyed(api: Api) -> None:
    """POST is 201 ["@/dataSets/{id}"] with Location; GET answers {id: dataset}."""
    schema = _schema(api)
    answer = platform(api, "POST", DATASETS, json=dataset_body(schema["$id"]))
    assert answer.status_code == 201, answer.text
    (ref,) = answer.json()
    id_ = ref.removeprefix("@/dataSets/")
    assert ref.startswith("@/dataSets/")
    assert len(id_) == 24
    assert answer.headers["Location"] == f"{DATASETS}/{id_}"
    body = platform(api, "GET", f"{DATASETS}/{id_}").json()
    assert list(body) == [id_]
    assert body[id_]["name"] == "LoyaltyMembersDataset"
    assert body[id_]["schemaRef"] == dataset_body(schema["$id"])["schemaRef"]


def test_properties_keeps_only_the_named_fields(api: Api) -> None:
    """?properties=name,tags answers only those two."""
    id_ = new_dataset(api, _schema(api)["$id"])
    body = platform(api, "GET", f"{DATASETS}/{id_}?properties=name,tags").json()
    assert set(body[id_]) == {"name", "tags"}


@pytest.mark.parametrize(
    ("ref", "needle"),
    [
        ({"id": "https://ns.adobe.com/x/schemas/missing",
          "contentType": "application/vnd.adobe.xed+json;version=1"}, "is not a schema"),
        ({"contentType": "application/vnd.adobe.xed+json;version=1"}, "schemaRef.id"),
        (None, "edit version"),
        ("2", "major version 1"),
        ("", "not an XED content type"),
    ],
)
def test_schema_ref_must_name_a_schema_and_its_major_version(
    api: Api, ref: Any, needle: str
) -> None:
    """Unknown schema, no id, version=1.3 (the edit counter), another major: all 400."""
    schema = _schema(api)
    if ref is None:
        ref = {"id": schema["$id"], "contentType": "application/vnd.adobe.xed+json;version=1.3"}
    elif isinstance(ref, str):
        version = f";version={ref}" if ref else ""
        ref = {"id": schema["$id"], "contentType": f"application/vnd.adobe.xed+json{version}"}
    answer = platform(api, "POST", DATASETS, json={"name": "d", "schemaRef": ref})
    assert answer.status_code == 400, answer.text
    assert needle in answer.json()["detail"]


def test_version_1_0_content_type_is_major_1(api: Api) -> None:
    """Adobe's Data Prep examples write version=1.0: accepted as major version 1."""
    schema = _schema(api)
    body = {"schemaRef": {"id": schema["$id"],
                          "contentType": "application/vnd.adobe.xed-full+json;version=1.0"}}
    assert platform(api, "POST", DATASETS, json=body).status_code == 201


def test_profile_dataset_needs_a_profile_schema(api: Api) -> None:
    """unifiedProfile enabled:true on a schema without union is 400 with Adobe's message."""
    _, _, schema = profile_schema(api)
    refused = platform(api, "POST", DATASETS, json=dataset_body(schema["$id"], tags=PROFILE_TAGS))
    assert refused.status_code == 400
    assert "To enable profile datasets the schema should be valid" in refused.json()["detail"]
    assert enable_profile(api, schema).status_code == 200
    id_ = new_dataset(api, schema["$id"], tags=PROFILE_TAGS)
    assert platform(api, "GET", f"{DATASETS}/{id_}").json()[id_]["tags"] == PROFILE_TAGS


def test_patch_merge_and_json_patch(api: Api) -> None:
    """PATCH name (JSON) then add tags (JSON Patch): 200 ["@/dataSets/{id}"] each time."""
    _, _, schema = profile_schema(api)
    assert enable_profile(api, schema).status_code == 200
    id_ = new_dataset(api, schema["$id"])
    renamed = platform(api, "PATCH", f"{DATASETS}/{id_}", json={"name": "Renamed"})
    assert (renamed.status_code, renamed.json()) == (200, [f"@/dataSets/{id_}"])
    headers = {**api.headers(), "Content-Type": "application/json-patch+json"}
    ops = [{"op": "add", "path": "/tags/unifiedProfile", "value": ["enabled:true"]}]
    tagged = platform(api, "PATCH", f"{DATASETS}/{id_}", headers=headers,
                      data=json.dumps(ops).encode())
    assert tagged.status_code == 200, tagged.text
    stored = platform(api, "GET", f"{DATASETS}/{id_}").json()[id_]
    assert (stored["name"], stored["tags"]) == ("Renamed", {"unifiedProfile": ["enabled:true"]})


def test_patch_cannot_change_the_schema_ref(api: Api) -> None:
    """schemaRef is not editable by PATCH (400, the dataset unchanged)."""
    schema = _schema(api)
    id_ = new_dataset(api, schema["$id"])
    answer = platform(api, "PATCH", f"{DATASETS}/{id_}",
                      json={"schemaRef": {"id": "x", "contentType": "y"}})
    assert answer.status_code == 400
    assert "schemaRef" in answer.json()["detail"]
    stored = platform(api, "GET", f"{DATASETS}/{id_}").json()[id_]
    assert stored["schemaRef"]["id"] == schema["$id"]


def test_delete_answers_arrays_and_frees_the_schema(api: Api) -> None:
    """DELETE is 200 [ref], then 200 [] for the same id; GET is 404; the schema deletes."""
    schema = _schema(api)
    id_ = new_dataset(api, schema["$id"])
    first = platform(api, "DELETE", f"{DATASETS}/{id_}")
    assert (first.status_code, first.json()) == (200, [f"@/dataSets/{id_}"])
    again = platform(api, "DELETE", f"{DATASETS}/{id_}")
    assert (again.status_code, again.json()) == (200, [])
    assert platform(api, "GET", f"{DATASETS}/{id_}").status_code == 404
    schema_path = f"/data/foundation/schemaregistry/tenant/schemas/{schema['meta:altId']}"
    assert platform(api, "DELETE", schema_path).status_code == 204


def test_listing_is_keyed_newest_first_with_a_limit(api: Api) -> None:
    """GET /dataSets answers {id: dataset}, newest first, at most limit; limit 0 is 400."""
    schema = _schema(api)
    ids = [new_dataset(api, schema["$id"]) for _ in range(3)]
    assert list(platform(api, "GET", DATASETS).json()) == ids[::-1]
    assert list(platform(api, "GET", f"{DATASETS}?limit=2").json()) == ids[:0:-1]
    assert platform(api, "GET", f"{DATASETS}?limit=0").status_code == 400


def test_datasets_are_isolated_per_sandbox(api: Api, make_api: Callable[..., Api]) -> None:
    """A prod dataset is 404 from dev, and dev's listing is empty."""
    id_ = new_dataset(api, _schema(api)["$id"])
    dev = make_api("dev")
    assert platform(dev, "GET", f"{DATASETS}/{id_}").status_code == 404
    assert platform(dev, "GET", DATASETS).json() == {}


def test_dataset_calls_pass_the_gateway(emu: Emulator, api: Api) -> None:
    """Without a token the gateway answers before Catalog; the request log records calls."""
    answer = api.session.get(f"{emu.url}{DATASETS}", timeout=5)
    assert (answer.status_code, answer.json()["error_code"]) == (403, "403010")
    assert not any(r.path == DATASETS and r.status == 200 for r in emu.requests)
    platform(api, "GET", DATASETS)
    assert any(r.path == DATASETS and r.status == 200 for r in emu.requests)
