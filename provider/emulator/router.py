"""Routing: IMS, the gateway checks, then the ``/connections`` operations.

Every error is turned into its JSON answer here, so the HTTP handler only moves bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs

from provider.emulator.connections import Caller, ConnectionService
from provider.emulator.gateway import TokenIssuer, authenticate
from provider.emulator.limits import MAX_JSON_DEPTH, json_depth_exceeds
from provider.emulator.problems import EmulatorHTTPError, FlowError, GatewayError, ImsError

BASE_PATH = "/data/foundation/flowservice"
IMS_PATH = "/ims/token/v3"

_ITEM = re.compile(r"^/connections/([^/]+)/?$")
_TEST = re.compile(r"^/connections/([^/]+)/test/?$")


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, JSON body (None for none), extra headers, or a raw body.

    ``raw`` (bytes, content type) replaces the JSON body for the rare non-JSON answer.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: tuple[bytes, str] | None = None

    @classmethod
    def from_error(cls, error: EmulatorHTTPError, request_id: str) -> Answer:
        """The answer an error renders to."""
        raw = error.raw()
        if raw is not None:
            return cls(error.status, None, dict(error.headers), raw)
        return cls(error.status, error.body(request_id), dict(error.headers))


def relative_path(path: str) -> str:
    """The path relative to the Flow Service base (unchanged when outside it)."""
    if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
        return path[len(BASE_PATH) :] or "/"
    return path


class Routes(Protocol):
    """More endpoints behind the same gateway (``pipeline.Pipeline``), offered requests first."""

    def serves(self, path: str) -> bool:
        """Whether a path outside the Flow Service base is served here."""
        ...

    def route(
        self,
        method: str,
        path: str,
        caller: Caller,
        query: Mapping[str, Sequence[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> Answer | None:
        """The answer, or None to let the connection routes answer."""
        ...


class Router:
    """Maps a request to IMS or to the connection service, behind the gateway checks."""

    def __init__(
        self,
        service: ConnectionService,
        tokens: TokenIssuer,
        *,
        missing_sandbox: str = "prod",
        delete_status: int = 204,
        routes: Sequence[Routes] = (),
        sandboxes: set[str] | None = None,
    ) -> None:
        # The Schema Registry and Catalog (``schema_registry.py``, ``catalog.py``) are served
        # beside the given routes; imported here because they import this module.
        from provider.emulator.catalog import xdm_routes

        self.xdm = xdm_routes()
        self.routes = (*routes, *self.xdm)
        self.service = service
        self.tokens = tokens
        self.missing_sandbox = missing_sandbox
        self.sandboxes = sandboxes
        self.delete_status = delete_status

    def dispatch(
        self,
        method: str,
        path: str,
        query: Mapping[str, Sequence[str]],
        headers: Mapping[str, str],
        raw: bytes,
        request_id: str,
    ) -> Answer:
        """Serve one request; errors become their answers."""
        try:
            return self._route(method, path, query, headers, raw)
        except EmulatorHTTPError as error:
            return Answer.from_error(error, request_id)

    def _route(
        self,
        method: str,
        path: str,
        query: Mapping[str, Sequence[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> Answer:
        if path.rstrip("/") == IMS_PATH:
            return self._ims(method, query, raw)
        if relative_path(path) == path and not any(r.serves(path) for r in self.routes):
            raise GatewayError(404, "404000", f"No API is served at {path}")
        caller = authenticate(
            method, headers, self.tokens, self.missing_sandbox, self.sandboxes,
            has_body=bool(raw.strip()),
        )
        for routes in self.routes:
            answer = routes.route(method, path, caller, query, headers, raw)
            if answer is not None:
                return answer
        rel = relative_path(path)
        if rel.rstrip("/") == "/connections":
            if method == "GET":
                return Answer(200, self.service.list(caller, query))
            if method == "POST":
                created = self.service.create(caller, _json(raw))
                location = f"{BASE_PATH}/connections/{created['id']}"
                return Answer(201, created, {"Location": location})
            raise _not_allowed(method, rel)
        match = _TEST.match(rel)
        if match:
            if method != "GET":
                raise _not_allowed(method, rel)
            return Answer(200, self.service.test(caller, match.group(1)))
        match = _ITEM.match(rel)
        if match is None:
            raise FlowError("1100-404", f"No resource is served at {rel}.")
        id_ = match.group(1)
        if method == "GET":
            return Answer(200, self.service.get(caller, id_))
        if method == "PATCH":
            patched = self.service.patch(caller, id_, headers.get("if-match"), _json(raw))
            return Answer(200, patched)
        if method == "DELETE":
            self.service.delete(caller, id_)
            return Answer(self.delete_status)
        raise _not_allowed(method, rel)

    def _ims(self, method: str, query: Mapping[str, Sequence[str]], raw: bytes) -> Answer:
        if method != "POST":
            raise ImsError(405, "invalid_request", "The token endpoint accepts POST only.")
        # IMS takes the fields in the form body (recommended) or in the query string.
        form = {k: v[-1] for k, v in query.items() if v}
        text = raw.decode("utf-8", errors="replace")
        form.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
        return Answer(200, self.tokens.issue(form))


def _json(raw: bytes) -> object:
    if not raw.strip():
        return None
    if json_depth_exceeds(raw):
        raise FlowError(
            "1100-400", f"The request body nests JSON deeper than {MAX_JSON_DEPTH} levels."
        )
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise FlowError("1100-400", "The request body is not valid JSON.") from None


def _not_allowed(method: str, path: str) -> FlowError:
    return FlowError("1100-405", f"Method {method} is not allowed on {path}.")
