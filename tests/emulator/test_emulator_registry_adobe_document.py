"""The Schema Registry exchanges the project makes, requests and answers, checked body for body
against Adobe's own Schema Registry document (Swagger 2.0, converted by ``swagger2``).

The client's own calls are made by the real resources (``XdmFieldGroup``, ``XdmSchema``,
``XdmIdentity`` through ``provider/resources/xdm_calls.py``) against the emulator; the
operations the project does not call yet but the emulator serves (the PUTs, a listing, the 406
of a major version that does not exist) are sent as Adobe's guides write them. Every exchange
is recorded at the transport and validated afterwards with openapi-core.

``AEP_OPENAPI_SCHEMA_REGISTRY`` names the copy of Adobe's document (``.ci/run`` points it at
``../shared/reference/``); unset, these checks skip. Where Adobe's Swagger is wrong or
disagrees with Adobe's own guides, only that point is exempted (``GAPS``: one JSON path of one
half of one exchange, with why); each is also listed in
``docs/reference/schema-registry-and-catalog.md``. The emulator answers ``application/json``,
the Swagger's ``produces``, lookups included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from emulator_support import ADOBE_DOCUMENTS, Api
from openapi_contract import PLATFORM, as_response
from openapi_contract import as_request as sent_request
from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockResponse
from openapi_core.validation.response.exceptions import InvalidData
from requests.adapters import HTTPAdapter
from swagger2 import to_openapi3
from xdm_support import field_group_body, registry, schema_body, tenant

from provider.emulator import Emulator
from provider.errors import NotFoundError
from provider.http.client import FlowServiceClient
from provider.resources.xdm_field_group import XDM_FIELD_GROUP_API
from provider.resources.xdm_schema import XDM_IDENTITY_API, XDM_SCHEMA_API
from tests.client_fixtures import make_client

REGISTRY = "/data/foundation/schemaregistry"
SANDBOX = "prod"
# (method, template, "request" or "answer") -> {point: why}: the one point of that half of that
# exchange where Adobe's Swagger is wrong or disagrees with Adobe's guides. A point is a JSON
# path in the body (numbers as ``*``; a missing required property is its own path); any other
# problem of the exchange still fails. Also listed in docs/reference/schema-registry-and-catalog.md.
_SOURCE_VERSION = ("SR-Swagger types xdm:sourceVersion as a string; the descriptors guide "
                   "sends and answers the major version as an integer (\"xdm:sourceVersion\": 1)")
_NEXT = ("SR-Swagger types the next-page link as a non-nullable string while its own text says "
         "it \"Contains `null` if this is the last or only page\"")
GAPS: dict[tuple[str, str, str], dict[str, str]] = {
    ("patch", "/tenant/fieldgroups/{FIELD_GROUP_ID}", "request"): {
        "*/value": "SR-Swagger's patchSchema types a JSON Patch value as a string; its own "
                   "patchFieldGroup example (and RFC 6902) adds an object"},
    ("patch", "/tenant/schemas/{SCHEMA_ID}", "request"): {
        "*/value": "SR-Swagger's patchSchema types a JSON Patch value as a string; the schemas "
                   "guide's examples add objects ({\"$ref\": ...}) and arrays ([\"union\"])"},
    ("post", "/tenant/schemas", "request"): {
        "description": "SR-Swagger's createSchema lists description as required; the schemas "
                       "guide never says so and the project sends none when none is declared "
                       "(UNCONFIRMED which the service holds)"},
    ("post", "/tenant/descriptors", "request"): {"xdm:sourceVersion": _SOURCE_VERSION},
    ("post", "/tenant/descriptors", "answer"): {"xdm:sourceVersion": _SOURCE_VERSION},
    ("get", "/{CONTAINER_ID}/descriptors/{DESCRIPTOR_ID}", "answer"): {
        "xdm:sourceVersion": _SOURCE_VERSION},
    ("get", "/{CONTAINER_ID}/schemas", "answer"): {"_page/next": _NEXT, "_links/next": _NEXT},
}


class Document(NamedTuple):
    """Adobe's document loaded for openapi-core, and its converted paths (for templates)."""

    openapi: OpenAPI
    paths: dict[str, Any]


@pytest.fixture(scope="module")
def registry_openapi() -> Document:
    """Adobe's Schema Registry document as OpenAPI 3; skipped when
    ``AEP_OPENAPI_SCHEMA_REGISTRY`` is unset."""
    path = ADOBE_DOCUMENTS["schema_registry"]
    if not path:
        pytest.skip("AEP_OPENAPI_SCHEMA_REGISTRY is not set: no copy of Adobe's Schema "
                    "Registry document to check")
    document = to_openapi3(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    return Document(OpenAPI.from_dict(document), document["paths"])


@contextmanager
def recorded() -> Iterator[list[requests.Response]]:
    """Every answer from the registry while open (its request attached), in order."""
    seen: list[requests.Response] = []
    real_send = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        answer = real_send(adapter, request, **kwargs)
        if REGISTRY in urlsplit(str(request.url)).path:
            seen.append(answer)
        return answer

    HTTPAdapter.send = send  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        HTTPAdapter.send = real_send  # type: ignore[method-assign]


def template_of(document: Document, method: str, path: str) -> str:
    """The document's path template serving ``method path`` (a literal segment before a
    template one: ``/tenant/schemas/{SCHEMA_ID}`` before ``/{CONTAINER_ID}/schemas/...``)."""
    found = []
    for template, item in document.paths.items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if method in item and re.fullmatch(pattern, path):
            found.append((template.count("{"), template))
    assert found, f"{method.upper()} {path} is not an operation of Adobe's document"
    return min(found)[1]


def problems(document: Document, answers: list[requests.Response]) -> list[str]:
    """What in the recorded exchanges Adobe's document refuses (the points of ``GAPS`` aside)."""
    found = []
    for answer in answers:
        method = str(answer.request.method).lower()
        path = urlsplit(str(answer.request.url)).path.removeprefix(REGISTRY)
        template = template_of(document, method, path)
        where = f"{method.upper()} {template} -> {answer.status_code}"
        request = sent_request(answer.request, PLATFORM)
        for half in ("request", "answer"):
            exempt = GAPS.get((method, template, half), {})
            try:
                if half == "request":
                    document.openapi.validate_request(request)
                else:
                    document.openapi.validate_response(request, as_response(answer))
            except OpenAPIError as error:
                found += [f"{where}: {half}: {text}" for point, text in refusals(error)
                          if point not in exempt]
    return found


def refusals(error: BaseException) -> list[tuple[str, str]]:
    """(point, message) of each schema error behind ``error``; a refusal that is not about a
    body's schema (a parameter, a media type) is one point no gap names."""
    inner: BaseException | None = error
    while inner is not None and not getattr(inner, "schema_errors", None):
        inner = inner.__cause__
    if inner is None:
        return [("(not a body schema)", f"{error!r}: {error.__cause__!r}")]
    found = []
    for schema_error in inner.schema_errors:  # type: ignore[attr-defined]
        parts = ["*" if isinstance(p, int) else str(p) for p in schema_error.absolute_path]
        if schema_error.validator == "required":
            parts.append(str(schema_error.message).split("'")[1])
        found.append(("/".join(parts), f"{'/'.join(parts)}: {schema_error.message}"))
    return found


@pytest.fixture
def client(emu: Emulator) -> FlowServiceClient:
    """The provider's client of ``emu``."""
    return make_client(emu)


FIELD_GROUP = {"title": "Loyalty", "extends": "profile", "sandbox_name": SANDBOX,
               "description": "loyalty fields",
               "fields": [{"name": "crmId", "type": "string", "required": True},
                          {"name": "loyalty.points", "type": "integer"}]}


def test_the_resources_exchanges_are_adobes(registry_openapi: Document, client: FlowServiceClient,
                                           emu: Emulator) -> None:
    """Stats, field groups' create/read/patch/delete, a schema's create (with its identity
    descriptor)/read/patch (a field group added)/delete/read-after-delete, and a descriptor's
    create/read/delete, as the resources send them: requests and answers as Adobe's Schema
    Registry document says."""
    with recorded() as answers:
        group = XDM_FIELD_GROUP_API.create(client, SANDBOX, dict(FIELD_GROUP))
        group_id = group.id
        item = XDM_FIELD_GROUP_API.get(client, SANDBOX, group_id)
        XDM_FIELD_GROUP_API.update(client, SANDBOX, group_id, "", FIELD_GROUP, {
            **FIELD_GROUP, "title": "Loyalty points", "fields": [
                *FIELD_GROUP["fields"], {"name": "loyalty.tier", "type": "string"}]}, None)
        schema_props = {"title": "Customers", "schema_class": "profile", "sandbox_name": SANDBOX,
                        "field_groups": [item["$id"]],
                        "primary_identity": {"field": "crmId", "namespace": "Email"}}
        schema = XDM_SCHEMA_API.create(client, SANDBOX, XDM_SCHEMA_API.create_body(schema_props))
        schema_item = XDM_SCHEMA_API.get(client, SANDBOX, schema.id)
        more = XDM_FIELD_GROUP_API.create(client, SANDBOX, {**FIELD_GROUP, "title": "More"})
        more_id = XDM_FIELD_GROUP_API.get(client, SANDBOX, more.id)["$id"]
        XDM_SCHEMA_API.update(client, SANDBOX, schema.id, "", schema_props, {
            **schema_props, "description": "our customers",
            "field_groups": [item["$id"], more_id]}, None)
        identity = XDM_IDENTITY_API.create(client, SANDBOX, {
            "schema_id": schema_item["$id"], "field": "loyalty.points", "namespace": "Phone",
            "primary": False})
        XDM_IDENTITY_API.get(client, SANDBOX, identity.id)
        XDM_IDENTITY_API.delete(client, SANDBOX, identity.id)
        XDM_IDENTITY_API.delete(client, SANDBOX, str(schema.extra["identity_descriptor_id"]))
        XDM_SCHEMA_API.delete(client, SANDBOX, schema.id)
        with pytest.raises(NotFoundError):
            XDM_SCHEMA_API.get(client, SANDBOX, schema.id)
        XDM_FIELD_GROUP_API.delete(client, SANDBOX, group_id)
        XDM_FIELD_GROUP_API.delete(client, SANDBOX, more.id)
    statuses = [(str(a.request.method), a.status_code) for a in answers]
    assert statuses == [("GET", 200), ("POST", 201), ("GET", 200), ("PATCH", 200),
                        ("POST", 201), ("POST", 201), ("GET", 200), ("POST", 201),
                        ("GET", 200), ("PATCH", 200), ("POST", 201), ("GET", 200),
                        ("DELETE", 204), ("DELETE", 204), ("DELETE", 204), ("GET", 404),
                        ("DELETE", 204), ("DELETE", 204)], statuses
    found = problems(registry_openapi, answers)
    assert not found, "\n".join(found)


def test_the_guides_other_exchanges_are_adobes(registry_openapi: Document, api: Api) -> None:
    """The PUTs of a field group and a schema, a schema listing, and the 406 of a major version
    that does not exist, as Adobe's guides send them: as Adobe's document says."""
    tenant_id = tenant(api)
    with recorded() as answers:
        group = registry(api, "POST", "/tenant/fieldgroups", json=field_group_body(tenant_id))
        group_alt = group.json()["meta:altId"]
        registry(api, "PUT", f"/tenant/fieldgroups/{group_alt}",
                 json=field_group_body(tenant_id, title="Property Details 2"))
        schema = registry(api, "POST", "/tenant/schemas", json=schema_body(group.json()["$id"]))
        alt = schema.json()["meta:altId"]
        registry(api, "PUT", f"/tenant/schemas/{alt}",
                 json=schema_body(group.json()["$id"], title="Property Information 2"))
        registry(api, "GET", "/tenant/schemas", accept="application/vnd.adobe.xed-id+json")
        registry(api, "GET", f"/tenant/schemas/{alt}",
                 accept="application/vnd.adobe.xed+json; version=2")
    statuses = [(str(a.request.method), a.status_code) for a in answers]
    assert statuses == [("POST", 201), ("PUT", 200), ("POST", 201), ("PUT", 200),
                        ("GET", 200), ("GET", 406)], statuses
    found = problems(registry_openapi, answers)
    assert not found, "\n".join(found)


def test_the_registry_check_can_fail(registry_openapi: Document, client: FlowServiceClient
                                     ) -> None:
    """A field group answer whose ``$id`` or version is a number, or whose ``allOf`` is not a
    list, is refused: the checks above are not vacuous (the Swagger requires no property of
    it, so a missing one cannot be caught)."""
    with recorded() as answers:
        made = XDM_FIELD_GROUP_API.create(client, SANDBOX, dict(FIELD_GROUP))
        XDM_FIELD_GROUP_API.get(client, SANDBOX, made.id)
    lookup = answers[-1]
    request = sent_request(lookup.request, PLATFORM)
    for broken in ({**lookup.json(), "$id": 7}, {**lookup.json(), "version": 1.0},
                   {**lookup.json(), "allOf": {"$ref": "#/definitions/x"}}):
        with pytest.raises(InvalidData):
            registry_openapi.openapi.validate_response(request, MockResponse(
                json.dumps(broken).encode(), content_type=lookup.headers["Content-Type"]))
