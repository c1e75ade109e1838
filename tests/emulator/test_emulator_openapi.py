"""The emulator's answers (and the tests' requests) validated against Adobe's own OpenAPI spec.

These run when ``AEP_OPENAPI_FLOW_SERVICE`` (or the earlier ``AEP_OPENAPI_SPEC``) names a copy
of Adobe's "Flow Service API - Sources" document (``.ci/run`` sets it when one is at hand); the
ingestion path and Adobe's other documents are checked in ``test_emulator_adobe_documents.py``;
the project's own document is checked on every exchange of every test regardless
(``tests/openapi_contract.py``).

Gaps between the spec and the documented behaviour, and how the checks adapt (not the emulator):

- The spec's server URL is protocol-relative; the ``openapi`` fixture gives it an https base, and
  requests are rebuilt on ``https://platform.adobe.io`` with the emulator's path.
- PATCH and DELETE exist only under ``/connections/{BASE_CONNECTION_ID}/`` (trailing slash), so
  they are validated against that path.
- ``PatchInstruction`` is a single object with upper-case ``op`` and an object ``value``; the
  tutorials (and Flow Service) take an array of lower-case ops whose value may be a string. Each
  instruction is validated on its own, op upper-cased, for the instructions whose value is an
  object (``/auth/params``); string-valued ones cannot match that schema.
- deleteConnection's 204 has ``content: {}``, which openapi-core takes as requiring a body; that
  answer's status and emptiness are checked by hand.
- ``ConnectionListResponse`` declares only ``items``; ``_links`` passes as an extra property.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from emulator_support import BASE, Api, params
from openapi_contract import PLATFORM as HOST
from openapi_contract import as_request as sent_request
from openapi_contract import as_response
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData


def as_request(answer: requests.Response, path: str | None = None) -> MockRequest:
    """The openapi-core request for what was sent, on Adobe's host, the path kept as sent."""
    sent = answer.request
    return sent_request(sent, HOST, path or str(sent.path_url).split("?", 1)[0])


def check(openapi: OpenAPI, answer: requests.Response, path: str | None = None) -> None:
    """Validate both the request sent and the answer received."""
    request = as_request(answer, path)
    openapi.validate_request(request)
    openapi.validate_response(request, as_response(answer))


def test_create_request_and_201_match_the_spec(openapi: OpenAPI, api: Api) -> None:
    """The create body the tests send and the 201 {id, etag} + Location answer match."""
    answer = api.create()
    assert answer.status_code == 201
    check(openapi, answer)


def test_get_one_answer_matches_the_spec(openapi: OpenAPI, api: Api) -> None:
    """GET /connections/{id} answers a ConnectionListResponse of ConnectionItemDTO."""
    id_, _ = api.created()
    check(openapi, api.get(id_))


def test_list_answer_matches_the_spec(openapi: OpenAPI, api: Api) -> None:
    """A list page (with _links) and its query params match listConnections."""
    for i in range(3):
        api.created(f"l{i}")
    answer = api.call("GET", "/connections?limit=2&orderby=name&property=state==enabled")
    assert "_links" in answer.json()
    check(openapi, answer)


def test_test_answer_matches_the_spec(openapi: OpenAPI, api: Api) -> None:
    """GET /connections/{id}/test answers a TestConnectionResponse."""
    id_, _ = api.created()
    check(openapi, api.call("GET", f"/connections/{id_}/test"))


def test_patch_request_and_answer_match_the_spec(openapi: OpenAPI, api: Api) -> None:
    """The patch the tests send (per instruction) and the 200 {id, etag} answer match."""
    id_, etag = api.created()
    ops: list[dict[str, Any]] = [
        {"op": "replace", "path": "/auth/params", "value": params(clusterId="new-cluster")},
        {"op": "replace", "path": "/name", "value": "renamed"},
    ]
    answer = api.patch(id_, etag, ops)
    assert answer.status_code == 200
    spec_path = f"{BASE}/connections/{id_}/"
    request = as_request(answer, spec_path)
    openapi.validate_response(request, as_response(answer))
    object_valued = [op for op in ops if isinstance(op["value"], dict)]
    assert object_valued
    for op in object_valued:
        single = MockRequest(
            HOST,
            "patch",
            spec_path,
            headers=dict(answer.request.headers),
            data=json.dumps({**op, "op": op["op"].upper()}).encode(),
        )
        openapi.validate_request(single)


def test_delete_answer_matches_the_spec(openapi: OpenAPI, api: Api) -> None:
    """DELETE answers 204 with no content, as deleteConnection declares."""
    id_, _ = api.created()
    answer = api.call("DELETE", f"/connections/{id_}")
    openapi.validate_request(as_request(answer, f"{BASE}/connections/{id_}/"))
    # The spec declares 204 with `content: {}`, which openapi-core reads as "a body is required"
    # (MissingData); check the status and the empty body against the declaration by hand.
    declared = openapi.spec / "paths" / "/connections/{BASE_CONNECTION_ID}/" / "delete"
    assert str(answer.status_code) in list((declared / "responses").keys())
    assert answer.content == b""


def test_validation_can_fail(openapi: OpenAPI, api: Api) -> None:
    """A wrong-typed item is caught, so the checks above are not vacuous."""
    id_, _ = api.created()
    answer = api.get(id_)
    request = as_request(answer)
    bad = MockResponse(json.dumps({"items": [{"id": 1, "createdAt": "yesterday"}]}).encode())
    with pytest.raises(InvalidData):
        openapi.validate_response(request, bad)
