"""Every exchange with the emulator, validated against the project's OpenAPI document.

A small validator of its own (path templates, declared statuses, headers, JSON Schema of the
bodies, compiled once per schema) rather than openapi-core, which costs about 8 ms an exchange
and would add seconds to a suite that makes thousands. ``as_request``/``as_response`` build the
openapi-core objects the checks against Adobe's own document use.

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

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from requests.adapters import HTTPAdapter

SPEC_FILE = Path(__file__).resolve().parents[1] / "provider" / "emulator" / "openapi.yaml"
PLATFORM = "https://platform.adobe.io"
IMS = "https://ims-na1.adobelogin.com"
EMULATOR_SERVER = "aep-flow-emulator"


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


def _resolved(node: Any, document: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` replaced by its target (the document has no cycles)."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            target: Any = document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            return _resolved(target, document)
        return {k: _resolved(v, document) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolved(v, document) for v in node]
    return node


@cache
def _routes() -> tuple[tuple[re.Pattern[str], dict[str, Any]], ...]:
    """(path regex, resolved path item) for every path of the document."""
    document = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    routes = []
    for template, item in document["paths"].items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), _resolved(item, document)))
    return tuple(routes)


@cache
def _validator(schema_json: str) -> OAS30Validator:
    return OAS30Validator(json.loads(schema_json), format_checker=oas30_format_checker)


def _schema_problems(schema: dict[str, Any], value: Any) -> list[str]:
    validator = _validator(json.dumps(schema, sort_keys=True))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
            for e in validator.iter_errors(value)]


def _body_problems(content: dict[str, Any], content_type: str, raw: bytes) -> list[str]:
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in content:
        return [f"content type {media or '(none)'} not declared ({sorted(content)})"]
    schema = content[media].get("schema")
    if media != "application/json" or schema is None:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return ["body is not JSON"]
    return _schema_problems(schema, value)


def problems_of(answer: requests.Response) -> list[str]:
    """What in this exchange breaks the contract (empty when nothing does).

    The answer must be declared for its operation and status, with its body and required
    headers; a request the emulator accepted (2xx) must carry the operation's required headers
    and a body matching its schema.
    """
    sent = answer.request
    method = str(sent.method).lower()
    path = urlsplit(str(sent.url)).path.rstrip("/") or "/"
    where = f"{sent.method} {path} -> {answer.status_code}"
    item = next((item for regex, item in _routes() if regex.match(path)), None)
    if item is None or method not in item:
        if answer.status_code in (404, 405):
            return []
        return [f"{where}: not an operation of the document"]
    operation = item[method]
    declared = operation["responses"].get(str(answer.status_code))
    if declared is None:
        return [f"{where}: status not declared"]
    found = [f"{where}: header {name} missing"
             for name, header in declared.get("headers", {}).items()
             if header.get("required") and name not in answer.headers]
    if declared.get("content"):
        found += [f"{where}: answer: {p}" for p in _body_problems(
            declared["content"], answer.headers.get("Content-Type", ""), answer.content)]
    elif answer.content:
        found.append(f"{where}: answer has a body where none is declared")
    if 200 <= answer.status_code < 300:
        parameters = item.get("parameters", []) + operation.get("parameters", [])
        found += [f"{where}: request header {p['name']} missing" for p in parameters
                  if p["in"] == "header" and p.get("required") and p["name"] not in sent.headers]
        body = operation.get("requestBody")
        if body is not None:
            raw = sent.body if isinstance(sent.body, bytes) else (sent.body or "").encode()
            found += [f"{where}: request: {p}" for p in _body_problems(
                body["content"], sent.headers.get("Content-Type", ""), raw)]
    return found


def documented_problems(
    method: str, path: str, status: int, body: Any, request_body: Any = None
) -> list[str]:
    """What in a documented exchange (a corpus case) the project's document rejects.

    ``body`` is the answer's JSON (None: no body), ``request_body`` the request's JSON (None:
    none sent); both are checked as ``application/json``.
    """
    where = f"{method.upper()} {path} -> {status}"
    item = next((item for regex, item in _routes() if regex.match(path.rstrip("/"))), None)
    if item is None or method.lower() not in item:
        return [f"{where}: not an operation of the document"]
    operation = item[method.lower()]
    declared = operation["responses"].get(str(status))
    if declared is None:
        return [f"{where}: status not declared"]
    found = []
    if body is not None:
        if not declared.get("content"):
            found.append(f"{where}: answer has a body where none is declared")
        else:
            raw = json.dumps(body).encode()
            found += [f"{where}: answer: {p}" for p in _body_problems(
                declared["content"], "application/json", raw)]
    if request_body is not None:
        declared_body = operation.get("requestBody")
        if declared_body is None:
            found.append(f"{where}: a request body where none is declared")
        else:
            raw = json.dumps(request_body).encode()
            found += [f"{where}: request: {p}" for p in _body_problems(
                declared_body["content"], "application/json", raw)]
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
