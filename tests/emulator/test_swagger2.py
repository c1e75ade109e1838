"""``swagger2.to_openapi3`` on a tiny inline Swagger 2.0 document (no copy of Adobe's needed):
what it converts, and that openapi-core then checks requests and answers body for body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import InvalidRequestBody
from openapi_core.validation.response.exceptions import InvalidData
from swagger2 import to_openapi3

SWAGGER: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Things", "version": "1.0"},
    "host": "api.example.com",
    "basePath": "/base",
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "parameters": {
        "key": {"name": "x-api-key", "in": "header", "required": True, "type": "string"},
        "thingPayload": {"name": "body", "in": "body", "required": True,
                         "schema": {"$ref": "#/definitions/thing"}},
    },
    "definitions": {
        "thing": {"type": "object", "required": ["name"],
                  "properties": {"name": {"type": "string"},
                                 "note": {"type": "string", "x-nullable": True},
                                 "parts": {"type": "array",
                                           "items": {"$ref": "#/definitions/part"}}},
                  "example": {"allOf": [{"$ref": "#/definitions/property"}]}},
        "part": {"type": "object", "properties": {"size": {"type": "integer"}}},
    },
    "paths": {
        "/things/{ID}": {
            "parameters": [{"$ref": "#/parameters/key"}],
            "get": {
                "produces": ["application/vnd.things+json"],
                "parameters": [{"name": "ID", "in": "path", "type": "string"},
                               {"name": "limit", "in": "query", "type": "integer"}],
                "responses": {"200": {"description": "one",
                                      "schema": {"$ref": "#/definitions/thing"},
                                      "headers": {"etag": {"type": "string"}}},
                              "404": {"description": "none"}},
            },
            "put": {
                "consumes": ["application/json", "text/plain"],
                "parameters": [{"name": "ID", "in": "path", "type": "string"},
                               {"$ref": "#/parameters/thingPayload"}],
                "responses": {"200": {"description": "done",
                                      "schema": {"$ref": "#/definitions/thing"}}},
            },
        },
    },
}


def test_definitions_become_components_with_references_rewritten() -> None:
    """``definitions`` move to ``components/schemas``; a reference follows, an example's
    ``$ref`` (XDM data) does not; ``x-nullable`` becomes ``nullable``."""
    converted = to_openapi3(SWAGGER)
    thing = converted["components"]["schemas"]["thing"]
    assert thing["properties"]["parts"]["items"] == {"$ref": "#/components/schemas/part"}
    assert thing["example"] == {"allOf": [{"$ref": "#/definitions/property"}]}
    assert thing["properties"]["note"] == {"type": "string", "nullable": True}
    assert converted["openapi"].startswith("3.0")
    assert converted["servers"] == [{"url": "https://api.example.com/base"}]


def test_parameters_bodies_and_answers_take_their_openapi3_places() -> None:
    """Shared and path-level parameters are resolved and merged, typed ones get a ``schema``,
    a body becomes ``requestBody`` per ``consumes``, an answer's schema ``content`` per
    ``produces`` (the operation's over the document's), headers ``schema``-wrapped."""
    item = to_openapi3(SWAGGER)["paths"]["/things/{ID}"]
    get, put = item["get"], item["put"]
    assert get["parameters"] == [
        {"name": "x-api-key", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "ID", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer"}}]
    assert list(get["responses"]["200"]["content"]) == ["application/vnd.things+json"]
    assert get["responses"]["200"]["headers"]["etag"]["schema"] == {"type": "string"}
    assert "content" not in get["responses"]["404"]
    assert put["requestBody"] == {"required": True, "content": {
        media: {"schema": {"$ref": "#/components/schemas/thing"}}
        for media in ("application/json", "text/plain")}}
    assert list(put["responses"]["200"]["content"]) == ["application/json"]
    assert all(p["in"] != "body" for p in put["parameters"])


def test_only_swagger_2_is_converted() -> None:
    """An OpenAPI 3 document (or anything else) is refused, not silently passed through."""
    with pytest.raises(ValueError, match=r"Swagger 2\.0"):
        to_openapi3({"openapi": "3.0.3", "paths": {}})


def _put(body: Any) -> MockRequest:
    return MockRequest("https://api.example.com", "put", "/base/things/a",
                       headers={"x-api-key": "k"}, data=json.dumps(body).encode(),
                       content_type="application/json")


def test_openapi_core_checks_bodies_of_the_converted_document() -> None:
    """A request and answer that match are accepted; a body without its required name, or an
    answer with a wrong-typed field, is refused."""
    document = OpenAPI.from_dict(to_openapi3(SWAGGER))
    good = {"name": "a", "note": None, "parts": [{"size": 1}]}
    document.validate_request(_put(good))
    document.validate_response(_put(good), MockResponse(json.dumps(good).encode(),
                                                        content_type="application/json"))
    with pytest.raises(InvalidRequestBody):
        document.validate_request(_put({"note": "no name"}))
    with pytest.raises(InvalidData):
        document.validate_response(_put(good), MockResponse(
            json.dumps({"name": "a", "parts": [{"size": "big"}]}).encode(),
            content_type="application/json"))
