"""The Schema Registry subset: stats, field groups, schemas, descriptors, versions, Accept
rules, Profile enablement, the evolution rule for schemas in use, refused deletes, isolation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from emulator_support import Api
from xdm_support import (
    PROFILE_CLASS,
    XED,
    created,
    enable_profile,
    field_group_body,
    identity_body,
    item,
    new_dataset,
    profile_schema,
    registry,
    schema_body,
    tenant,
    xdm_code,
)

from provider.emulator import Emulator
from provider.xdm import EVOLUTION_RULE


def test_stats_names_the_tenant_that_namespaces_custom_fields(api: Api) -> None:
    """GET /stats gives tenantId; a created field group's namespace is _{tenantId}."""
    tenant_id = tenant(api)
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant_id))
    assert group["meta:tenantNamespace"] == f"_{tenant_id}"
    assert group["$id"].startswith(f"https://ns.adobe.com/{tenant_id}/mixins/")
    assert group["meta:altId"].startswith(f"_{tenant_id}.mixins.")


def test_schema_create_is_201_with_ids_class_and_version_1_0(api: Api) -> None:
    """POST /tenant/schemas: $id, meta:altId, version 1.0, meta:class, meta:extends."""
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant(api)))
    schema = created(api, "/tenant/schemas", schema_body(group["$id"]))
    assert schema["version"] == "1.0"
    assert schema["meta:class"] == PROFILE_CLASS
    assert group["$id"] in schema["meta:extends"]
    assert schema["meta:altId"].endswith(schema["$id"].rsplit("/", 1)[1])
    assert schema["meta:containerId"] == "tenant"


@pytest.mark.parametrize(
    ("accept", "status", "code"),
    [
        (None, 400, "XDM-1006-400"),
        ("application/vnd.adobe.xed+json", 400, "XDM-1006-400"),
        ("application/json", 400, "XDM-1006-400"),
        ("application/vnd.adobe.xed+json; version=2", 406, "XDM-9006-406"),
    ],
)
def test_a_lookup_needs_an_accept_naming_the_major_version(
    api: Api, accept: str | None, status: int, code: str
) -> None:
    """GET one resource: no Accept or no version is 400 XDM-1006-400; another major is 406."""
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant(api)))
    answer = registry(api, "GET", item(group, "fieldgroups"), accept=accept)
    assert (answer.status_code, xdm_code(answer)) == (status, code)


def test_lookup_by_alt_id_and_encoded_id_and_full_form(api: Api) -> None:
    """meta:altId and the URL-encoded $id name the same schema; xed-full adds its fields."""
    tenant_id = tenant(api)
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant_id))
    schema = created(api, "/tenant/schemas", schema_body(group["$id"]))
    by_alt = registry(api, "GET", f"/tenant/schemas/{schema['meta:altId']}").json()
    by_id = registry(api, "GET", item(schema)).json()
    assert by_alt == by_id == schema
    full = registry(api, "GET", item(schema),
                    accept="application/vnd.adobe.xed-full+json; version=1").json()
    assert "propertyCity" in full["properties"][f"_{tenant_id}"]["properties"]


def test_unknown_resource_is_404_in_adobes_error_form(api: Api) -> None:
    """An unknown schema is 404 XDM-1010-404 with title, report and detail."""
    answer = registry(api, "GET", "/tenant/schemas/_nobody.schemas.0123")
    assert answer.status_code == 404
    body = answer.json()
    assert body["type"] == "http://ns.adobe.com/aep/errors/XDM-1010-404"
    assert body["title"] == "Resource not found"
    assert "_nobody.schemas.0123" in body["detail"] == body["report"]["detailed-message"]


def test_listing_takes_the_listing_accept_headers(api: Api) -> None:
    """xed-id+json lists summaries, xed+json whole resources, anything else is 400."""
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant(api)))
    ids = registry(api, "GET", "/tenant/fieldgroups", accept="application/vnd.adobe.xed-id+json")
    assert ids.json()["results"] == [
        {k: group[k] for k in ("$id", "meta:altId", "version", "title")}]
    full = registry(api, "GET", "/tenant/fieldgroups", accept="application/vnd.adobe.xed+json")
    assert full.json()["results"] == [group]
    assert registry(api, "GET", "/tenant/fieldgroups", accept=XED).status_code == 400


def test_every_edit_moves_the_version_and_etag(api: Api) -> None:
    """PATCH (the guide's add-field-group example) then PUT: version 1.1, then 1.2."""
    tenant_id = tenant(api)
    first = created(api, "/tenant/fieldgroups", field_group_body(tenant_id))
    second = created(api, "/tenant/fieldgroups", field_group_body(tenant_id, "Second"))
    schema = created(api, "/tenant/schemas", schema_body(first["$id"]))
    patched = registry(api, "PATCH", item(schema), json=[
        {"op": "add", "path": "/meta:extends/-", "value": second["$id"]},
        {"op": "add", "path": "/allOf/-", "value": {"$ref": second["$id"]}}])
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == "1.1"
    assert second["$id"] in patched.json()["meta:extends"]
    replaced = registry(api, "PUT", item(schema), json={**schema_body(first["$id"]),
                                                        "title": "Commercial Property"})
    assert replaced.json()["version"] == "1.2"
    etags = {r["meta:registryMetadata"]["eTag"] for r in (schema, patched.json(),
                                                           replaced.json())}
    assert len(etags) == 3
    assert registry(api, "GET", item(schema)).json()["title"] == "Commercial Property"


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/tenant/fieldgroups", lambda t: field_group_body(t, "Taken"), "XDM-1521-400"),
        ("/tenant/fieldgroups", lambda t: {**field_group_body(t, "Loose"), "definitions": {
            "d": {"properties": {"loose": {"type": "string"}}}}}, "XDM-1021-400"),
        ("/tenant/schemas", lambda t: schema_body(title="No class", klass="urn:x"),
         "XDM-9007-400"),
        ("/tenant/schemas", lambda t: schema_body(
            f"https://ns.adobe.com/{t}/mixins/0000", title="Ghost"), "XDM-1010-404"),
    ],
)
def test_create_rules(api: Api, path: str, body: Callable[[str], dict[str, Any]],
                      code: str) -> None:
    """Unique titles, custom fields under _{TENANT_ID}, one class, known field groups."""
    tenant_id = tenant(api)
    created(api, "/tenant/fieldgroups", field_group_body(tenant_id, "Taken"))
    answer = registry(api, "POST", path, json=body(tenant_id))
    assert xdm_code(answer) == code, answer.text


def test_profile_needs_a_primary_identity_and_the_tag_stays(api: Api) -> None:
    """union without a primary identity is XDM-1528-400; with one it is set and never removed."""
    tenant_id = tenant(api)
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant_id))
    schema = created(api, "/tenant/schemas", schema_body(group["$id"]))
    assert xdm_code(enable_profile(api, schema)) == "XDM-1528-400"
    created(api, "/tenant/descriptors", identity_body(schema["$id"], tenant_id))
    enabled = enable_profile(api, schema)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["meta:immutableTags"] == ["union"]
    removed = registry(api, "PATCH", item(schema), json=[
        {"op": "remove", "path": "/meta:immutableTags"}])
    assert xdm_code(removed) == "XDM-9002-400"


def _retyped(tenant_id: str, title: str = "Property Details") -> dict[str, Any]:
    body = field_group_body(tenant_id, title)
    fields = body["definitions"]["property"]["properties"][f"_{tenant_id}"]["properties"]
    fields["phoneNumber"] = {"type": "integer", "title": "Phone Number"}
    return body


def _without_city(tenant_id: str) -> dict[str, Any]:
    body = field_group_body(tenant_id)
    del body["definitions"]["property"]["properties"][f"_{tenant_id}"]["properties"][
        "propertyCity"]
    return body


@pytest.mark.parametrize("change", [_retyped, _without_city])
@pytest.mark.parametrize("in_use", ["dataset", "profile"])
def test_non_additive_field_group_edit_of_a_schema_in_use_is_refused(
    api: Api, change: Callable[[str], dict[str, Any]], in_use: str
) -> None:
    """Retyping or removing a field of a schema with a dataset or Profile is XDM-9001-400."""
    tenant_id, group, schema = profile_schema(api)
    if in_use == "dataset":
        new_dataset(api, schema["$id"])
    else:
        assert enable_profile(api, schema).status_code == 200
    answer = registry(api, "PUT", item(group, "fieldgroups"), json=change(tenant_id))
    assert xdm_code(answer) == "XDM-9001-400"
    assert EVOLUTION_RULE in answer.json()["detail"]
    assert registry(api, "GET", item(group, "fieldgroups")).json()["version"] == "1.0"


def test_additive_edit_of_a_schema_in_use_is_accepted(api: Api) -> None:
    """A new field on a field group of a schema with a dataset is 200, version 1.1."""
    tenant_id, group, schema = profile_schema(api)
    new_dataset(api, schema["$id"])
    body = field_group_body(tenant_id)
    body["definitions"]["property"]["properties"][f"_{tenant_id}"]["properties"]["stars"] = {
        "type": "integer", "title": "Stars"}
    answer = registry(api, "PUT", item(group, "fieldgroups"), json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == "1.1"


def test_class_change_or_dropped_field_group_of_a_schema_in_use_is_refused(api: Api) -> None:
    """On a schema with a dataset, another class or a removed field group is XDM-9001-400."""
    _, group, schema = profile_schema(api)
    new_dataset(api, schema["$id"])
    other_class = schema_body(group["$id"], klass="https://ns.adobe.com/xdm/context/"
                              "experienceevent")
    assert xdm_code(registry(api, "PUT", item(schema), json=other_class)) == "XDM-9001-400"
    no_group = registry(api, "PUT", item(schema), json=schema_body())
    assert xdm_code(no_group) == "XDM-9001-400"


def test_breaking_edits_are_free_before_use(api: Api) -> None:
    """A schema with no dataset and no Profile takes a retyped field (200)."""
    tenant_id, group, _ = profile_schema(api)
    answer = registry(api, "PUT", item(group, "fieldgroups"), json=_retyped(tenant_id))
    assert answer.status_code == 200, answer.text


def test_deletes_refused_while_something_depends_on_them(api: Api) -> None:
    """Profile schema 9003, schema with a dataset 9004, field group in a schema 9005."""
    _, group, schema = profile_schema(api)
    assert xdm_code(registry(api, "DELETE", item(group, "fieldgroups"))) == "XDM-9005-400"
    dataset = new_dataset(api, schema["$id"])
    assert xdm_code(registry(api, "DELETE", item(schema))) == "XDM-9004-400"
    assert enable_profile(api, schema).status_code == 200
    assert xdm_code(registry(api, "DELETE", item(schema))) == "XDM-9003-400"
    assert dataset


def test_unused_schema_deletes_with_204_then_reads_404(api: Api) -> None:
    """DELETE is 204 with no body; the lookup is then 404; its field group can go next."""
    _, group, schema = profile_schema(api)
    answer = registry(api, "DELETE", item(schema))
    assert (answer.status_code, answer.content) == (204, b"")
    assert registry(api, "GET", item(schema)).status_code == 404
    assert registry(api, "DELETE", item(group, "fieldgroups")).status_code == 204


def test_descriptor_lifecycle(api: Api) -> None:
    """POST 201 with @id; list by @type; GET without Accept; PUT 201 {@id}; DELETE 204."""
    tenant_id, _, schema = profile_schema(api)
    body = identity_body(schema["$id"], tenant_id, primary=False, field="propertyCity")
    descriptor = created(api, "/tenant/descriptors", body)
    assert {k: descriptor[k] for k in body} == body
    listed = registry(api, "GET", "/tenant/descriptors",
                      accept="application/vnd.adobe.xdm-id+json").json()
    assert descriptor["@id"] in listed["xdm:descriptorIdentity"]
    path = f"/tenant/descriptors/{descriptor['@id']}"
    assert registry(api, "GET", path, accept=None).json()["xdm:namespace"] == "Phone"
    put = registry(api, "PUT", path, json={**body, "xdm:namespace": "Email"})
    assert (put.status_code, put.json()) == (201, {"@id": descriptor["@id"]})
    assert registry(api, "GET", path, accept=None).json()["xdm:namespace"] == "Email"
    assert registry(api, "DELETE", path).status_code == 204
    assert registry(api, "GET", path, accept=None).status_code == 404


@pytest.mark.parametrize(
    "change",
    [{"xdm:sourceProperty": "/nowhere"}, {"xdm:sourceVersion": 2},
     {"xdm:property": "xdm:name"}, {"xdm:isPrimary": True}],
)
def test_descriptor_rules(api: Api, change: dict[str, Any]) -> None:
    """A descriptor names a field of the schema, its major version, and one primary only."""
    tenant_id, _, schema = profile_schema(api)
    body = {**identity_body(schema["$id"], tenant_id, primary=False, field="propertyCity"),
            **change}
    assert registry(api, "POST", "/tenant/descriptors", json=body).status_code == 400


def test_resources_are_isolated_per_sandbox(api: Api, make_api: Callable[..., Api]) -> None:
    """A schema of prod is not found from dev."""
    _, _, schema = profile_schema(api)
    assert registry(make_api("dev"), "GET", item(schema)).status_code == 404


def test_gateway_faults_and_the_request_log_apply(emu: Emulator, api: Api) -> None:
    """A 503 fault on the schema path answers once; the log records the registry's calls."""
    emu.faults.add(status=503, times=1, method="POST",
                   path="/data/foundation/schemaregistry/tenant/schemas")
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant(api)))
    assert registry(api, "POST", "/tenant/schemas",
                    json=schema_body(group["$id"])).status_code == 503
    created(api, "/tenant/schemas", schema_body(group["$id"]))
    posts = [(r.method, r.status) for r in emu.requests if r.path.endswith("/tenant/schemas")]
    assert posts == [("POST", 503), ("POST", 201)]
    no_token = api.session.get(f"{emu.url}/data/foundation/schemaregistry/stats", timeout=5)
    assert (no_token.status_code, no_token.json()["error_code"]) == (403, "403010")
