"""Every exchange with the emulator, validated against the project's OpenAPI document.

``provider/emulator/openapi.yaml`` is the contract of the Flow Service and IMS parts the
provider uses and the emulator serves. ``validating_exchanges(monkeypatch)`` wraps `requests`'
transport for one test: each answer from an emulator (its ``Server`` header says so) must match
the document's response for its operation and status, and each request the emulator accepted
(2xx) must match the operation's request (headers, query, body). Problems are collected and
fail the test at teardown, so code that catches errors cannot hide them.

Requests on paths or methods the document does not declare are only accepted when the answer is
404 or 405 (those answers are not operations; see the document's description). Exchanges made by
another process (the provider host in engine-level tests) are not seen here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from requests.adapters import HTTPAdapter

SPEC_FILE = Path(__file__).resolve().parents[1] / "provider" / "emulator" / "openapi.yaml"
PLATFORM = "https://platform.adobe.io"
IMS = "https://ims-na1.adobelogin.com"
EMULATOR_SERVER = "aep-flow-emulator"


@cache
def contract() -> OpenAPI:
    """The project's OpenAPI document, loaded once."""
    return OpenAPI.from_dict(yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8")))


def as_request(
    sent: requests.PreparedRequest, host: str | None = None, path: str | None = None
) -> MockRequest:
    """The openapi-core request for what `requests` sent, re-hosted on Adobe's host.

    ``path`` replaces the path sent (Adobe's document puts PATCH and DELETE under a slash).
    """
    url = urlsplit(str(sent.url))
    if host is None:
        host = IMS if url.path.startswith("/ims/") else PLATFORM
    body = sent.body if isinstance(sent.body, bytes) else (sent.body or "").encode()
    return MockRequest(
        host,
        str(sent.method).lower(),
        path or url.path.rstrip("/") or "/",  # the emulator serves both; ours has no slash
        args={k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()},
        headers=dict(sent.headers),
        data=body,
        content_type=sent.headers.get("Content-Type"),
    )


def as_response(answer: requests.Response) -> MockResponse:
    """The openapi-core response for what came back."""
    return MockResponse(
        answer.content,
        status_code=answer.status_code,
        headers=dict(answer.headers),
        content_type=answer.headers.get("Content-Type"),
    )


def problems_of(answer: requests.Response) -> list[str]:
    """What in this exchange breaks the contract (empty when nothing does)."""
    spec = contract()
    request = as_request(answer.request)
    path = urlsplit(str(answer.request.url)).path
    where = f"{answer.request.method} {path} -> {answer.status_code}"
    found: list[str] = []
    try:
        spec.validate_response(request, as_response(answer))
    except (PathNotFound, OperationNotFound):
        if answer.status_code not in (404, 405):
            found.append(f"{where}: not an operation of the document")
        return found
    except OpenAPIError as error:
        found.append(f"{where}: answer: {error!r} {getattr(error, '__cause__', None)!r}")
    if 200 <= answer.status_code < 300 and answer.status_code not in (204,):
        try:
            spec.validate_request(request)
        except OpenAPIError as error:
            found.append(f"{where}: request: {error!r} {getattr(error, '__cause__', None)!r}")
    return found


@contextmanager
def validating_exchanges(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Validate every exchange with an emulator for the duration; yield the problems found."""
    found: list[str] = []
    real_send = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        answer = real_send(adapter, request, **kwargs)
        if str(answer.headers.get("Server", "")).startswith(EMULATOR_SERVER):
            found.extend(problems_of(answer))
        return answer

    monkeypatch.setattr(HTTPAdapter, "send", send)
    yield found
