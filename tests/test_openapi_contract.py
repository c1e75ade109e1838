"""The project's OpenAPI document and the check every test runs against it."""

from __future__ import annotations

import json

import requests
import yaml
from openapi_contract import SPEC_FILE, problems_of
from openapi_spec_validator import validate

from provider.emulator import Emulator


def answer_for(emu: Emulator, method: str, path: str, **kwargs: object) -> requests.Response:
    """A real exchange with ``emu`` (no token: the gateway answers)."""
    return requests.request(method, f"{emu.url}{path}", timeout=5, **kwargs)  # type: ignore[arg-type]


def test_document_is_valid_openapi() -> None:
    """provider/emulator/openapi.yaml is a valid OpenAPI 3 document."""
    validate(yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8")))


def test_a_conforming_exchange_has_no_problem(emulator: Emulator) -> None:
    """The gateway's 403 for a request without a token matches the document."""
    answer = answer_for(emulator, "GET", "/data/foundation/flowservice/connections")
    assert answer.status_code == 403
    assert problems_of(answer) == []


def test_a_broken_answer_is_found(emulator: Emulator) -> None:
    """An answer whose body breaks its schema is reported, so the suite-wide check can fail."""
    answer = answer_for(emulator, "GET", "/data/foundation/flowservice/connections")
    answer._content = json.dumps({"error_code": 403010, "message": "x"}).encode()
    assert problems_of(answer) != []


def test_an_undeclared_success_is_found(emulator: Emulator) -> None:
    """A 2xx on a path the document does not declare is reported; a 404 there is not."""
    answer = answer_for(emulator, "GET", "/elsewhere")
    assert answer.status_code == 404
    assert problems_of(answer) == []
    answer.status_code = 200
    assert problems_of(answer) != []


def test_every_status_the_emulator_answers_is_declared(emulator: Emulator) -> None:
    """Injected faults (429, 500, 502, 503, 504) are declared for the operations they hit."""
    for status in (429, 500, 502, 503, 504):
        emulator.faults.add(status=status, times=1)
        answer = answer_for(emulator, "GET", "/data/foundation/flowservice/connections")
        assert answer.status_code == status
        assert problems_of(answer) == [], status


def test_an_accepted_request_that_breaks_the_document_is_found(emulator: Emulator) -> None:
    """A 2xx for a request without a required header or with a bad body is reported."""
    from tests.client_fixtures import databricks_body, ims_auth

    auth = ims_auth(emulator)
    session = requests.Session()
    headers = {"x-api-key": emulator.client_id, "x-gw-ims-org-id": emulator.org_id,
               "x-sandbox-name": "prod"}
    answer = session.post(f"{emulator.url}/data/foundation/flowservice/connections",
                          json=databricks_body("c"), headers=headers, auth=auth, timeout=5)
    assert answer.status_code == 201
    assert problems_of(answer) == []
    del answer.request.headers["x-api-key"]
    answer.request.body = json.dumps({**databricks_body("c"), "colour": "red"}).encode()
    found = problems_of(answer)
    assert any("x-api-key" in p for p in found)
    assert any("colour" in p for p in found)


def test_a_wrong_pipeline_answer_is_found(emulator: Emulator) -> None:
    """A flow spec whose transformationSpecs is one object (not an array) breaks the document."""
    from tests.client_fixtures import ims_auth

    headers = {"x-api-key": emulator.client_id, "x-gw-ims-org-id": emulator.org_id,
               "x-sandbox-name": "prod"}
    answer = requests.get(f"{emulator.url}/data/foundation/flowservice/flowSpecs",
                          headers=headers, auth=ims_auth(emulator), timeout=5)
    assert answer.status_code == 200
    assert problems_of(answer) == []
    body = answer.json()
    spec = body["items"][0]
    spec["transformationSpecs"] = spec["transformationSpecs"][0]
    answer._content = json.dumps(body).encode()
    assert any("transformationSpecs" in p for p in problems_of(answer))
