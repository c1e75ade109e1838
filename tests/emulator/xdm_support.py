"""Helpers for the Schema Registry and Catalog tests: Adobe's documented example bodies (with
the emulated tenant), and short calls to the registry and the dataset collection."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests
from emulator_support import Api
from pipeline_support import platform

REGISTRY = "/data/foundation/schemaregistry"
DATASETS = "/data/foundation/catalog/dataSets"
PROFILE_CLASS = "https://ns.adobe.com/xdm/context/profile"
XED = "application/vnd.adobe.xed+json; version=1"
CONTENT_TYPE = "application/vnd.adobe.xed+json;version=1"


def tenant(api: Api) -> str:
    """The tenant id ``GET /stats`` gives."""
    answer = platform(api, "GET", f"{REGISTRY}/stats")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["tenantId"])


def field_group_body(tenant_id: str, title: str = "Property Details",
                     **fields: dict[str, Any]) -> dict[str, Any]:
    """The field-groups guide's create body (``_{TENANT_ID}`` filled in), fields overridable."""
    properties = fields or {
        "propertyName": {"type": "string", "title": "Property Name"},
        "propertyCity": {"type": "string", "title": "Property City"},
        "phoneNumber": {"type": "string", "title": "Phone Number"},
        "propertyType": {"type": "string", "title": "Property Type",
                         "enum": ["retail", "yoga", "fitness"]},
    }
    return {
        "type": "object",
        "title": title,
        "description": "Detailed information related to the properties owned by the company.",
        "meta:intendedToExtend": [PROFILE_CLASS],
        "definitions": {"property": {"properties": {f"_{tenant_id}": {
            "type": "object", "properties": properties}}}},
        "allOf": [{"$ref": "#/definitions/property"}],
    }


def schema_body(*field_groups: str, title: str = "Property Information",
                klass: str = PROFILE_CLASS) -> dict[str, Any]:
    """The schemas guide's create body: one class, then field groups."""
    return {
        "type": "object",
        "title": title,
        "description": "Property-related information.",
        "allOf": [{"$ref": klass}, *({"$ref": ref} for ref in field_groups)],
    }


def identity_body(schema_id: str, tenant_id: str, primary: bool = True,
                  field: str = "phoneNumber") -> dict[str, Any]:
    """The descriptors guide's identity descriptor, on one of the schema's fields."""
    return {
        "@type": "xdm:descriptorIdentity",
        "xdm:sourceSchema": schema_id,
        "xdm:sourceVersion": 1,
        "xdm:sourceProperty": f"/_{tenant_id}/{field}",
        "xdm:namespace": "Phone",
        "xdm:property": "xdm:code",
        "xdm:isPrimary": primary,
    }


def dataset_body(schema_id: str, **extra: Any) -> dict[str, Any]:
    """The Catalog guide's create body."""
    return {"name": "LoyaltyMembersDataset",
            "schemaRef": {"id": schema_id, "contentType": CONTENT_TYPE}, **extra}


def registry(api: Api, method: str, path: str, *, accept: str | None = XED,
             **kwargs: Any) -> requests.Response:
    """One registry call (``path`` under the base), with an ``Accept`` on GETs."""
    headers = api.headers()
    if method == "GET" and accept is not None:
        headers["Accept"] = accept
    return platform(api, method, f"{REGISTRY}{path}", headers=headers, **kwargs)


def created(api: Api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a registry resource; its body (201 asserted)."""
    answer = registry(api, "POST", path, json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def item(resource: dict[str, Any], kind: str = "schemas") -> str:
    """The item path of a resource, by its URL-encoded ``$id``."""
    return f"/tenant/{kind}/{quote(resource['$id'], safe='')}"


def profile_schema(api: Api) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(tenant, field group, schema) with a primary identity, not yet Profile-enabled."""
    tenant_id = tenant(api)
    group = created(api, "/tenant/fieldgroups", field_group_body(tenant_id))
    schema = created(api, "/tenant/schemas", schema_body(group["$id"]))
    created(api, "/tenant/descriptors", identity_body(schema["$id"], tenant_id))
    return tenant_id, group, schema


def enable_profile(api: Api, schema: dict[str, Any]) -> requests.Response:
    """The schemas guide's PATCH adding ``meta:immutableTags: ["union"]``."""
    return registry(api, "PATCH", item(schema), json=[
        {"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])


def new_dataset(api: Api, schema_id: str, **extra: Any) -> str:
    """POST a dataset; its id (201 asserted)."""
    answer = platform(api, "POST", DATASETS, json=dataset_body(schema_id, **extra))
    assert answer.status_code == 201, answer.text
    return str(answer.json()[0]).removeprefix("@/dataSets/")


def xdm_code(answer: requests.Response) -> str:
    """The ``XDM-NNNN-SSS`` code of a registry error."""
    return str(answer.json()["type"]).rsplit("/", 1)[-1]
