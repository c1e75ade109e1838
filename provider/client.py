"""Flow Service base connections over HTTP: one small function per operation.

Every operation goes through one request function (``_send``) that knows the status it expects
and turns anything else into the ``provider.errors`` tree. Each attempt goes through
``provider.transport`` (no redirect followed, a total deadline, a size cap) and the attempts
through ``provider.retry`` (one budget, ``Retry-After`` honoured):

- GET and DELETE are retried on 429/500/502/503/504 and transport failures. A DELETE that meets
  a proven 404 after an attempt whose answer was lost counts as done: that attempt deleted it.
- POST (create) is never retried blindly. A 429 was not processed, so it is retried. After an
  ambiguous failure (lost answer, timeout, 5xx) the name is looked up first and the connection
  that attempt provably made, if any, is returned instead of creating a second one.
- PATCH is retried with the same ``If-Match``; if a retry meets 412, ``applied(item)`` decides
  whether the lost first attempt landed.

"Gone" is concluded only from Flow Service's own answer: a 404 whose JSON body is its "no such
connection" error (code ``1101-404``, or the code-less ``connections not found with id = [id]``).
The access-label ``1439-404`` is *not* taken as gone: the connection exists, this credential
cannot see it. Any other 404, a 3xx, or a 2xx whose body is not the JSON promised is an
``UnexpectedAnswerError``, from which nothing is concluded.

The client states facts (method, path, the URL that answered, status, code, whether the call may
have taken effect); the advice a Pulumi user reads is added above it (``provider.advice``). It
knows nothing of Pulumi and is thread-safe: the provider host calls it from four threads at once.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import requests

from provider import redaction, transport
from provider.errors import (
    ApiError,
    ConflictError,
    InUseError,
    NotFoundError,
    TransientError,
    UnexpectedAnswerError,
)
from provider.responses import Unreadable, expect_json_object, retry_after
from provider.retry import Attempt, GaveUp, Retrier, Retryable, RetryPolicy

__all__ = ["BASE_PATH", "CLOCK_SKEW_MS", "Created", "FlowServiceClient", "Patched", "RetryPolicy"]

BASE_PATH = "/data/foundation/flowservice"

# How far the service's clock (createdAt) may lag ours when deciding whether a connection found
# after a lost create answer was made by this create.
CLOCK_SKEW_MS = 120_000

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Auth params that identify a connection without being secret (Databricks).
_IDENTITY_PARAMS = ("domain", "clusterId", "database", "catalog")
_SECRET_PARAM_WORDS = ("token", "secret", "password", "key")
# Name lookups ask for the largest page Flow Service documents, to cost as few requests as possible.
_LOOKUP_PAGE_SIZE = 100
# Flow Service's own "no such connection" answers (FLOW_SERVICE.md: catalog code and the
# code-less example body). 1439-404 (hidden by access labels) is deliberately absent.
_GONE_CODE = "1101-404"
_GONE_MESSAGE = re.compile(r"connections? not found with id = \[([^\]]*)\]")

_log = logging.getLogger("provider.client")
_log.addFilter(redaction.RedactingFilter())

T = TypeVar("T")
Item = dict[str, Any]


@dataclass(frozen=True)
class Created:
    """A created connection: its id, its etag (quotes included) and the server time in epoch ms."""

    id: str
    etag: str
    date_ms: int


@dataclass(frozen=True)
class Patched:
    """The result of a PATCH: the new etag and the server time in epoch ms."""

    etag: str
    date_ms: int


class _Ids:
    """Connection ids this process created, adopted or read (process-wide): a lookup after a
    lost create never takes one of them, and same-identity creates run one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[str] = set()
        self._create_locks: dict[tuple[object, ...], threading.Lock] = {}

    def hold(self, id_: object) -> None:
        if isinstance(id_, str) and id_:
            with self._lock:
                self._held.add(id_)

    def held(self, id_: object) -> bool:
        with self._lock:
            return id_ in self._held

    def create_lock(self, key: tuple[object, ...]) -> threading.Lock:
        with self._lock:
            return self._create_locks.setdefault(key, threading.Lock())


_ids = _Ids()


class FlowServiceClient:
    """Flow Service ``/connections`` for one org, authenticated by ``auth``.

    ``auth`` is a ``requests`` auth object (``ImsTokenAuth`` or ``StaticTokenAuth``); its
    ``AuthError`` passes through unchanged. Every other failure is an ``ApiError`` subclass whose
    text names the method, path, the URL that answered, status, Adobe code and request id.

    ``timeout`` is (connect, per-attempt total) in seconds; ``retry`` bounds the whole call,
    attempts' deadlines included. ``clock`` and ``sleep`` exist for tests.
    """

    def __init__(
        self,
        platform_url: str,
        *,
        org_id: str,
        api_key: str,
        auth: requests.auth.AuthBase,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.platform_url = platform_url.rstrip("/")
        self.base_url = self.platform_url + BASE_PATH
        self.org_id = org_id
        self.api_key = api_key
        self.retry = retry if retry is not None else RetryPolicy()
        self.timeout = timeout
        self._auth = auth
        self._adapter = transport.DeadlineAdapter()
        self._session = transport.session_with(self._adapter, session)
        self._clock = clock
        self._sleep = sleep

    def __repr__(self) -> str:
        return (
            f"FlowServiceClient(platform_url={self.platform_url!r}, org_id={self.org_id!r}, "
            f"api_key={self.api_key!r}, auth={self._auth!r})"
        )

    @property
    def request_count(self) -> int:
        """HTTP requests sent to Flow Service by this client, retries included, IMS excluded."""
        return self._adapter.sent

    # -- operations ---------------------------------------------------------------------------

    def create_connection(self, sandbox: str, body: Mapping[str, Any]) -> Created:
        """Create a connection; never creates two, even when an answer is lost.

        Costs one request when nothing fails. After an ambiguous failure the name is looked up
        and a connection is returned only if it is provably the one this call made: same name
        and non-secret auth params, ``createdClient`` this client, created since the first attempt
        minus ``CLOCK_SKEW_MS``, and not held by anything else this process created, adopted or
        read. Several such candidates: an error listing them, nothing created. An unreadable
        lookup answer is an error, never "nothing there". Creates of the same identity run one at
        a time in this process. Residual risk: the list may lag a fresh create (eventual
        consistency).
        """
        _register_secret_params(body)
        name = str(body.get("name", ""))
        path = "/connections"

        def attempt(state: Attempt) -> Created:
            if state.ambiguous and state.first_sent_ms is not None:
                try:
                    found = self._find_created(sandbox, body, state)
                except ApiError as unproven:
                    # The lookup proves nothing, but the earlier POST may have created it.
                    unproven.may_have_taken_effect = True
                    raise
                if found is not None:
                    return found
            if state.first_sent_ms is None:
                state.first_sent_ms = _now_ms()
            response = self._send("POST", path, sandbox, state, expected=(200, 201), body=body)
            payload = self._json(response, "POST", path, taken_effect=True)
            id_, etag = payload.get("id"), payload.get("etag")
            if not isinstance(id_, str) or not id_:
                raise self._unexpected(response, "POST", path,
                                       f"the create answer has no id (a connection named {name!r} "
                                       "may have been created)", taken_effect=True)
            _ids.hold(id_)
            if not isinstance(etag, str) or not etag:
                # The id is known: keep it, and read the etag back rather than orphan it.
                item = self._get_item(sandbox, id_, state)
                return Created(id_, str(item.get("etag") or ""), _item_ms(item, "createdAt"))
            return Created(id_, etag, _date_ms(response))

        with _ids.create_lock((sandbox.lower(), *_identity(body))):
            return self._with_retries("POST", path, attempt)

    def get_connection(self, sandbox: str, id_: str) -> Item:
        """The connection ``id_`` (``items[0]``); ``NotFoundError`` only when Flow Service says
        it does not exist."""
        path = f"/connections/{id_}"
        return self._with_retries("GET", path, lambda s: self._get_item(sandbox, id_, s))

    def list_connections(
        self, sandbox: str, filters: Sequence[str] = (), page_size: int | None = None,
    ) -> Iterator[Item]:
        """Every connection matching all ``filters`` (``property`` expressions), page by page.

        Lazy: requests are sent (and errors raised) as the iterator is consumed.
        """
        return self._iter_items(sandbox, filters, page_size)

    def count_connections(self, sandbox: str, filters: Sequence[str] = ()) -> int:
        """How many connections match all ``filters``."""
        params = [("property", f) for f in filters] + [("count", "true")]
        payload = self._get_json("/connections", sandbox, params)
        count = payload.get("count")
        if not isinstance(count, int) or isinstance(count, bool):
            raise UnexpectedAnswerError("GET", "/connections", 200, "the count answer has no count",
                                        url=self.base_url + "/connections")
        return count

    def find_by_name(self, sandbox: str, name: str) -> list[Item]:
        """Connections whose name is exactly ``name`` (names are not unique in Flow Service)."""
        return self._find_by_name(sandbox, name)

    def patch_connection(
        self, sandbox: str, id_: str, etag: str, ops: Sequence[Mapping[str, Any]], *,
        applied: Callable[[Item], bool] | None = None,
    ) -> Patched:
        """Apply JSON Patch ``ops`` if the connection's etag is still ``etag`` (sent verbatim).

        A 412 on the first attempt is a ``ConflictError``. If an attempt's answer was lost and a
        retry meets 412, the connection is re-read: when ``applied(item)`` is true the lost
        attempt landed and its etag is returned; otherwise ``ConflictError`` (may have taken
        effect).
        """
        for op in ops:
            _register_secret_value(str(op.get("path", "")), op.get("value"))
        path = f"/connections/{id_}"

        def attempt(state: Attempt) -> Patched:
            try:
                response = self._send("PATCH", path, sandbox, state, expected=(200,),
                                      body=list(ops), if_match=etag)
            except ConflictError as conflict:
                if not state.ambiguous:
                    raise
                if applied is not None:
                    item = self._get_item(sandbox, id_, state)
                    if applied(item):
                        _log.info("PATCH %s: answer was lost but the update is in place", path)
                        return Patched(str(item.get("etag", "")), _item_ms(item, "updatedAt"))
                raise ConflictError(
                    "PATCH", path, 412,
                    f"{conflict.detail} (an earlier attempt of this update, whose answer was "
                    "lost, may have applied part of it)",
                    code=conflict.code, request_id=conflict.request_id, url=conflict.url,
                    may_have_taken_effect=True,
                ) from None
            payload = self._json(response, "PATCH", path, taken_effect=True)
            new_etag = payload.get("etag")
            if not isinstance(new_etag, str):
                raise self._unexpected(response, "PATCH", path, "the update answer has no etag",
                                       taken_effect=True)
            _ids.hold(id_)
            return Patched(new_etag, _date_ms(response))

        return self._with_retries("PATCH", path, attempt)

    def delete_connection(self, sandbox: str, id_: str) -> None:
        """Delete the connection (any 2xx with no body or a JSON body). ``NotFoundError`` if Flow
        Service says it was already gone, ``InUseError`` if dataflows still use it."""
        path = f"/connections/{id_}"

        def attempt(state: Attempt) -> None:
            try:
                response = self._send("DELETE", path, sandbox, state, expected=range(200, 300))
                if response.content:
                    # Flow Service answers a delete with no body; a page (a proxy's, a login
                    # form) proves nothing was deleted.
                    self._json(response, "DELETE", path, taken_effect=True)
            except NotFoundError:
                if not state.ambiguous:
                    raise
                _log.info("DELETE %s: answer was lost; the connection is gone", path)

        self._with_retries("DELETE", path, attempt)

    def test_connection(self, sandbox: str, id_: str) -> bool:
        """Whether Flow Service can reach the source with the connection's credentials.

        A 404 here is never "the connection is gone" (``NotFoundError``): it is an ``ApiError``.
        """
        path = f"/connections/{id_}/test"
        payload = self._get_json(path, sandbox, None, gone_proof=False)
        return payload.get("result") is True

    # -- building blocks ----------------------------------------------------------------------

    def _find_by_name(self, sandbox: str, name: str, *, within: Attempt | None = None
                      ) -> list[Item]:
        # The service reads a comma in a filter value as OR, so "a,b" would match "a" or "b"
        # and miss "a,b" itself: scan everything for such names.
        filters = () if "," in name else (f"name=={name}",)
        items = self._iter_items(sandbox, filters, _LOOKUP_PAGE_SIZE, within=within)
        return [item for item in items if item.get("name") == name]

    def _find_created(
        self, sandbox: str, body: Mapping[str, Any], state: Attempt,
    ) -> Created | None:
        """The connection an earlier, unanswered create attempt provably made, if listed."""
        name = str(body.get("name", ""))
        wanted = _identity(body)
        since = (state.first_sent_ms or 0) - CLOCK_SKEW_MS
        candidates = [
            item for item in self._find_by_name(sandbox, name, within=state)
            if _identity(item) == wanted
            and item.get("createdClient") == self.api_key
            and _item_ms(item, "createdAt", default=0) >= since
            and not _ids.held(item.get("id"))
        ]
        if not candidates:
            return None
        if len(candidates) > 1:
            ids = ", ".join(sorted(str(item.get("id")) for item in candidates))
            raise ApiError(
                "POST", "/connections", None,
                f"the create's answer was lost and {len(candidates)} connections named {name!r} "
                f"could each be the one it made ({ids}); none was taken and nothing more was "
                "created", url=self.base_url + "/connections", may_have_taken_effect=True)
        (found,) = candidates
        _ids.hold(found.get("id"))
        _log.info("POST /connections: answer was lost; connection %s was created by it",
                  found.get("id"))
        etag = found.get("etag")
        if not isinstance(etag, str) or not etag:
            raise ApiError("POST", "/connections", None,
                           f"the create's answer was lost; connection {found.get('id')} was "
                           "made by it but the list shows no etag",
                           url=self.base_url + "/connections", may_have_taken_effect=True)
        return Created(str(found["id"]), etag, _item_ms(found, "createdAt"))

    def _get_item(self, sandbox: str, id_: str, state: Attempt) -> Item:
        path = f"/connections/{id_}"
        response = self._send("GET", path, sandbox, state, expected=(200,))
        items = self._json(response, "GET", path).get("items")
        if not isinstance(items, list) or not items:
            raise self._unexpected(response, "GET", path,
                                   "the answer has no items (Flow Service answers a missing "
                                   "connection with 404)")
        item = next((i for i in items if isinstance(i, dict) and i.get("id") == id_), None)
        if item is None:
            raise self._unexpected(response, "GET", path, f"the answer holds no connection {id_}")
        _ids.hold(id_)
        return dict(item)

    def _iter_items(
        self, sandbox: str, filters: Sequence[str], page_size: int | None, *,
        within: Attempt | None = None,
    ) -> Iterator[Item]:
        params: list[tuple[str, str]] = [("property", f) for f in filters]
        if page_size is not None:
            params.append(("limit", str(page_size)))
        token: str | None = None
        tokens_seen: set[str] = set()
        while True:
            page = params + ([("continuationToken", token)] if token else [])
            payload = self._get_json("/connections", sandbox, page, within=within)
            items = payload.get("items")
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise UnexpectedAnswerError("GET", "/connections", 200,
                                            "the list answer has no items list",
                                            url=self.base_url + "/connections")
            yield from items
            token = _next_token(payload)
            if token is None:
                return
            if token in tokens_seen:
                raise UnexpectedAnswerError(
                    "GET", "/connections", 200,
                    "the service returned the same continuation token twice",
                    url=self.base_url + "/connections")
            tokens_seen.add(token)

    def _get_json(
        self, path: str, sandbox: str, params: list[tuple[str, str]] | None, *,
        within: Attempt | None = None, gone_proof: bool = True,
    ) -> dict[str, Any]:
        """One GET's JSON object: retried under the budget, or, ``within`` another call's
        attempt, tried once within that attempt's deadline."""
        def attempt(state: Attempt) -> dict[str, Any]:
            response = self._send("GET", path, sandbox, state, expected=(200,), params=params,
                                  gone_proof=gone_proof)
            return self._json(response, "GET", path)

        if within is None:
            return self._with_retries("GET", path, attempt)
        return attempt(within)

    def _with_retries(self, method: str, path: str, attempt: Callable[[Attempt], T]) -> T:
        """Run ``attempt`` until it returns, raises a non-retryable error, or the budget ends."""
        retrier = Retrier(self.retry, timeout=self.timeout[1], clock=self._clock,
                          sleep=self._sleep)
        try:
            return retrier.run(attempt)
        except GaveUp as spent:
            last = spent.last
            raise TransientError(
                method, path, last.status, f"{last.detail}; {spent.reason}",
                code=last.code, request_id=last.request_id,
                url=self.base_url + path if last.status is not None else None,
                may_have_taken_effect=method != "GET" and spent.attempt.ambiguous,
            ) from None

    def _send(
        self, method: str, path: str, sandbox: str, state: Attempt, *,
        expected: Container[int], params: list[tuple[str, str]] | None = None,
        body: object = None, if_match: str | None = None, gone_proof: bool = True,
    ) -> requests.Response:
        """Send one request. Returns the response if its status is ``expected``; raises
        ``Retryable`` for 429/5xx/transport failures and an ``ApiError`` for anything else."""
        headers = {
            "x-api-key": self.api_key,
            "x-gw-ims-org-id": self.org_id,
            "x-sandbox-name": sandbox.lower(),
            "Accept": "application/json",
        }
        data: bytes | None = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if if_match is not None:
            headers["If-Match"] = if_match
        url = self.base_url + path
        try:
            response = transport.send(
                self._session, method, url, deadline=state.deadline,
                timeouts=transport.Timeouts(self.timeout[0], self.timeout[1]),
                headers=headers, data=data, params=params, auth=self._auth,
            )
        except Retryable as failure:
            _log.debug("%s %s -> %s (attempt %d)", method, path, failure.detail, state.number)
            raise
        except transport.Refused as refused:
            raise UnexpectedAnswerError(
                method, path, refused.status, refused.detail, request_id=refused.request_id,
                url=url if refused.status is not None else None,
                may_have_taken_effect=method != "GET" and refused.status is not None,
            ) from None
        status = response.status_code
        refreshed = ", after a token refresh" if response.history else ""
        _log.debug("%s %s [sandbox %s] -> %d (attempt %d%s)", method, path, sandbox.lower(),
                   status, state.number, refreshed)
        if status in expected:
            return response
        code, detail, request_id = _parse_error(response)
        if status in _RETRY_STATUSES:
            raise Retryable(status, detail, ambiguous=status != 429, code=code,
                            request_id=request_id, retry_after=retry_after(response))
        cls: type[ApiError] = ApiError
        if status == 404 and gone_proof and not (code or "").startswith(("2100-", "2101-")):
            # A sandbox 404 stays a plain ApiError; only Flow Service's own answer is "gone".
            if _proves_gone(response, code, path):
                cls = NotFoundError
            else:
                cls = UnexpectedAnswerError
                detail = (f"HTTP 404 that is not Flow Service's 'no such connection' answer: "
                          f"{detail}")
        elif status == 412:
            cls = ConflictError
        elif status == 400 and code is not None and code.startswith("1418"):
            cls = InUseError
        raise cls(method, path, status, detail, code=code, request_id=request_id, url=url)

    def _json(self, response: requests.Response, method: str, path: str, *,
              taken_effect: bool = False) -> dict[str, Any]:
        try:
            return expect_json_object(response)
        except Unreadable as unreadable:
            raise self._unexpected(response, method, path, str(unreadable),
                                   taken_effect=taken_effect) from None

    def _unexpected(self, response: requests.Response, method: str, path: str, detail: str, *,
                    taken_effect: bool = False) -> UnexpectedAnswerError:
        return UnexpectedAnswerError(
            method, path, response.status_code, detail,
            request_id=response.headers.get("x-request-id"), url=self.base_url + path,
            may_have_taken_effect=taken_effect)


def _proves_gone(response: requests.Response, code: str | None, path: str) -> bool:
    """Whether a 404 is Flow Service's own "no such connection" answer for ``path``'s id."""
    try:
        payload = expect_json_object(response)
    except Unreadable:
        return False
    if code == _GONE_CODE:
        return True
    if code is not None:
        return False
    message = payload.get("errorMessage")
    found = _GONE_MESSAGE.search(message) if isinstance(message, str) else None
    return found is not None and path.rstrip("/").rsplit("/", 1)[-1] == found.group(1)


def _parse_error(response: requests.Response) -> tuple[str | None, str, str | None]:
    """(Adobe code, message, request id) from a gateway or Flow Service error answer."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    code: str | None = None
    detail: str | None = None
    request_id: str | None = None
    if isinstance(payload, dict):
        raw_report = payload.get("report")
        report: dict[str, Any] = raw_report if isinstance(raw_report, dict) else {}
        if payload.get("error_code"):
            code = str(payload["error_code"])
        elif isinstance(payload.get("type"), str):
            code = _code_from_type(payload["type"])
        if code is None and payload.get("code"):
            code = str(payload["code"])
        for value in (report.get("detailed-message"), payload.get("errorMessage"),
                      payload.get("message"), payload.get("detail"), payload.get("title"),
                      payload.get("errorDetails")):
            if isinstance(value, str) and value:
                detail = value
                break
        if isinstance(report.get("request-id"), str):
            request_id = report["request-id"]
    if detail is None:
        detail = response.text.strip()[:300] or response.reason or "no detail"
    return code, redaction.redact(detail)[:300], request_id or response.headers.get("x-request-id")


def _code_from_type(type_: str) -> str | None:
    # ".../errors/FLOW-1404-412" -> "1404-412"
    parts = type_.rsplit("/", 1)[-1].split("-")
    if len(parts) >= 2 and parts[-2].isdigit() and parts[-1].isdigit():
        return f"{parts[-2]}-{parts[-1]}"
    return None


def _next_token(payload: Mapping[str, Any]) -> str | None:
    links = payload.get("_links")
    nxt = links.get("next") if isinstance(links, dict) else None
    href = nxt.get("href") if isinstance(nxt, dict) else None
    if not isinstance(href, str) or not href:
        return None
    tokens = parse_qs(urlsplit(href).query).get("continuationToken")
    if not tokens:
        _log.warning("next page link without a continuationToken ignored: %s", href)
        return None
    return tokens[0]


def _identity(connection: Mapping[str, Any]) -> tuple[object, ...]:
    auth = connection.get("auth")
    params = auth.get("params") if isinstance(auth, dict) else None
    params = params if isinstance(params, dict) else {}
    return (connection.get("name"), *(params.get(k) or None for k in _IDENTITY_PARAMS))


def _item_ms(item: Mapping[str, Any], field: str, default: int | None = None) -> int:
    value = item.get(field)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    return default if default is not None else _now_ms()


def _date_ms(response: requests.Response) -> int:
    raw = response.headers.get("Date")
    if raw:
        try:
            return int(email.utils.parsedate_to_datetime(raw).timestamp() * 1000)
        except (TypeError, ValueError):
            pass
    return _now_ms()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _register_secret_params(body: Mapping[str, Any]) -> None:
    auth = body.get("auth")
    params = auth.get("params") if isinstance(auth, dict) else None
    if isinstance(params, dict):
        for key, value in params.items():
            _register_secret_value(f"/auth/params/{key}", value)


def _register_secret_value(path: str, value: object) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _register_secret_value(f"{path}/{key}", inner)
    elif isinstance(value, str) and any(w in path.rsplit("/", 1)[-1].lower()
                                        for w in _SECRET_PARAM_WORDS):
        redaction.register(value)
