"""Flow Service base connections over HTTP: one small function per operation.

Every operation goes through one request function (``_send``) that knows the status it expects
and turns anything else into the ``provider.errors`` tree. Retries are bounded by a
``RetryPolicy`` (attempts and total time) and honour ``Retry-After``:

- GET and DELETE are retried on 429/500/502/503/504 and transport failures. A DELETE that meets
  404 after an attempt whose answer was lost counts as done: that attempt deleted it.
- POST (create) is never retried blindly. A 429 was not processed, so it is retried. After an
  ambiguous failure (lost answer, timeout, 5xx) the name is looked up first and the connection
  that attempt made, if any, is returned instead of creating a second one.
- PATCH is retried with the same ``If-Match``; if a retry meets 412, ``applied(item)`` decides
  whether the lost first attempt landed.

The client knows nothing of Pulumi. It is thread-safe: the provider host calls it from four
threads at once.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)
from urllib3.exceptions import NewConnectionError

from provider import redaction
from provider.errors import (
    ApiError,
    ConflictError,
    InUseError,
    NotFoundError,
    TransientError,
)
from provider.responses import json_object, retry_after

__all__ = ["BASE_PATH", "CLOCK_SKEW_MS", "Created", "FlowServiceClient", "Patched", "RetryPolicy"]

BASE_PATH = "/data/foundation/flowservice"

# How far the service's clock (createdAt) may lag ours when deciding whether a connection found
# after a lost create answer was made by this create.
CLOCK_SKEW_MS = 120_000

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
# Auth params that identify a connection without being secret (Databricks).
_IDENTITY_PARAMS = ("domain", "clusterId", "database", "catalog")
_SECRET_PARAM_WORDS = ("token", "secret", "password", "key")
_POOL_SIZE = 16
# Name lookups ask for the largest page Flow Service documents, to cost as few requests as possible.
_LOOKUP_PAGE_SIZE = 100

_log = logging.getLogger("provider.client")
_log.addFilter(redaction.RedactingFilter())

T = TypeVar("T")
Item = dict[str, Any]


@dataclass(frozen=True)
class RetryPolicy:
    """Retry budget: stop after ``attempts`` tries or ``total_seconds``, whichever comes first.

    Waits are exponential with full jitter (``base_delay`` doubling, capped at ``max_delay``),
    except after a ``Retry-After`` answer, which is waited exactly.
    """

    attempts: int = 6
    total_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0


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


class _Retryable(Exception):
    """One attempt failed in a way worth retrying; ``ambiguous`` if it may have been processed."""

    def __init__(
        self, status: int | None, detail: str, *, ambiguous: bool, code: str | None = None,
        request_id: str | None = None, retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.ambiguous = ambiguous
        self.code = code
        self.request_id = request_id
        self.retry_after = retry_after


@dataclass
class _Attempts:
    number: int = 0
    ambiguous: bool = False  # an earlier attempt may have been processed
    first_sent_ms: int | None = None


class _CountingAdapter(HTTPAdapter):
    """An HTTPAdapter that counts what it sends (retries and 401 re-sends included)."""

    def __init__(self) -> None:
        super().__init__(pool_connections=4, pool_maxsize=_POOL_SIZE, max_retries=0)
        self._lock = threading.Lock()
        self.sent = 0

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        with self._lock:
            self.sent += 1
        return super().send(request, *args, **kwargs)


class FlowServiceClient:
    """Flow Service ``/connections`` for one org, authenticated by ``auth``.

    ``auth`` is a ``requests`` auth object (``ImsTokenAuth`` or ``StaticTokenAuth``); its
    ``AuthError`` passes through unchanged. Every other failure is an ``ApiError`` subclass whose
    text names the method, path, status, Adobe code, request id and what to do.
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
    ) -> None:
        self.platform_url = platform_url.rstrip("/")
        self.base_url = self.platform_url + BASE_PATH
        self.org_id = org_id
        self.api_key = api_key
        self.retry = retry if retry is not None else RetryPolicy()
        self.timeout = timeout
        self._auth = auth
        self._session = session if session is not None else requests.Session()
        self._adapter = _CountingAdapter()
        self._session.mount(self.base_url, self._adapter)
        self._seen_lock = threading.Lock()
        self._seen: dict[tuple[str, str], set[str]] = {}

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
        and a connection this call made (same name and non-secret auth params, created since the
        first attempt minus ``CLOCK_SKEW_MS``, not already known to this client) is returned.
        Residual risk: the list may lag a fresh create (eventual consistency), and a same-name,
        same-params connection created by someone else in that window would be taken as ours.
        """
        _register_secret_params(body)
        name = str(body.get("name", ""))
        path = "/connections"
        known = self._known_ids(sandbox, name)

        def attempt(state: _Attempts) -> Created:
            if state.ambiguous and state.first_sent_ms is not None:
                found = self._find_created(sandbox, body, state.first_sent_ms, known)
                if found is not None:
                    return found
            if state.first_sent_ms is None:
                state.first_sent_ms = _now_ms()
            response = self._send("POST", path, sandbox, expected=(200, 201), body=body,
                                  attempt=state.number)
            payload = json_object(response)
            id_, etag = payload.get("id"), payload.get("etag")
            if not isinstance(id_, str) or not isinstance(etag, str):
                raise ApiError("POST", path, response.status_code,
                               "the create answer has no id and etag",
                               request_id=response.headers.get("x-request-id"),
                               hint=f"Look for a connection named {name!r} in sandbox "
                                    f"{sandbox!r}; it may have been created.")
            return Created(id_, etag, _date_ms(response))

        def hint(ambiguous: bool) -> str:
            if not ambiguous:
                return "Nothing was created (the service refused every attempt); retry later."
            return (f"The create may or may not have happened: no connection named {name!r} "
                    f"made by this run was found in sandbox {sandbox!r} when last checked, but "
                    "new connections can take a moment to be listed. Look for it before running "
                    "`pulumi up` again, and delete or adopt it.")

        return self._with_retries("POST", path, attempt, hint)

    def get_connection(self, sandbox: str, id_: str) -> Item:
        """The connection ``id_`` (``items[0]``); ``NotFoundError`` if it does not exist."""
        path = f"/connections/{id_}"
        return self._with_retries(
            "GET", path, lambda s: self._get_item(sandbox, id_, s.number), _read_hint)

    def list_connections(
        self, sandbox: str, filters: Sequence[str] = (), page_size: int | None = None,
    ) -> Iterator[Item]:
        """Every connection matching all ``filters`` (``property`` expressions), page by page.

        Lazy: requests are sent (and errors raised) as the iterator is consumed.
        """
        return self._iter_items(sandbox, filters, page_size, retried=True)

    def count_connections(self, sandbox: str, filters: Sequence[str] = ()) -> int:
        """How many connections match all ``filters``."""
        params = [("property", f) for f in filters] + [("count", "true")]
        payload = self._get_json("/connections", sandbox, params, retried=True)
        count = payload.get("count")
        if not isinstance(count, int):
            raise ApiError("GET", "/connections", 200, "the count answer has no count",
                           hint="Flow Service answered in an unexpected shape; retry later.")
        return count

    def find_by_name(self, sandbox: str, name: str) -> list[Item]:
        """Connections whose name is exactly ``name`` (names are not unique in Flow Service)."""
        return self._find_by_name(sandbox, name, retried=True)

    def patch_connection(
        self, sandbox: str, id_: str, etag: str, ops: Sequence[Mapping[str, Any]], *,
        applied: Callable[[Item], bool] | None = None,
    ) -> Patched:
        """Apply JSON Patch ``ops`` if the connection's etag is still ``etag`` (sent verbatim).

        A 412 on the first attempt is a ``ConflictError``. If an attempt's answer was lost and a
        retry meets 412, the connection is re-read: when ``applied(item)`` is true the lost
        attempt landed and its etag is returned; otherwise ``ConflictError``.
        """
        for op in ops:
            _register_secret_value(str(op.get("path", "")), op.get("value"))
        path = f"/connections/{id_}"

        def attempt(state: _Attempts) -> Patched:
            try:
                response = self._send("PATCH", path, sandbox, expected=(200,), body=list(ops),
                                      if_match=etag, attempt=state.number)
            except ConflictError as conflict:
                if not state.ambiguous:
                    raise
                if applied is not None:
                    item = self._get_item(sandbox, id_, state.number)
                    if applied(item):
                        _log.info("PATCH %s: answer was lost but the update is in place", path)
                        return Patched(str(item.get("etag", "")), _item_ms(item, "updatedAt"))
                raise ConflictError(
                    "PATCH", path, 412, conflict.detail, code=conflict.code,
                    request_id=conflict.request_id,
                    hint="The connection changed after it was read (an earlier attempt of this "
                         "update, whose answer was lost, may have applied part of it); run "
                         "`pulumi refresh`, then `pulumi up`.",
                ) from None
            payload = json_object(response)
            new_etag = payload.get("etag")
            if not isinstance(new_etag, str):
                raise ApiError("PATCH", path, response.status_code,
                               "the update answer has no etag",
                               hint="The update was probably applied; run `pulumi refresh`.")
            return Patched(new_etag, _date_ms(response))

        def hint(ambiguous: bool) -> str:
            if ambiguous:
                return ("The update may or may not have been applied; run `pulumi refresh`, "
                        "then `pulumi up`.")
            return "Nothing was changed; retry later."

        return self._with_retries("PATCH", path, attempt, hint)

    def delete_connection(self, sandbox: str, id_: str) -> None:
        """Delete the connection (any 2xx). ``NotFoundError`` if it was already gone,
        ``InUseError`` if dataflows still use it."""
        path = f"/connections/{id_}"

        def attempt(state: _Attempts) -> None:
            try:
                self._send("DELETE", path, sandbox, expected=range(200, 300),
                           attempt=state.number)
            except NotFoundError:
                if not state.ambiguous:
                    raise
                _log.info("DELETE %s: answer was lost; the connection is gone", path)

        def hint(ambiguous: bool) -> str:
            if ambiguous:
                return ("The connection may or may not have been deleted; retry later "
                        "(`pulumi refresh` shows which).")
            return "Nothing was deleted; retry later."

        self._with_retries("DELETE", path, attempt, hint)

    def test_connection(self, sandbox: str, id_: str) -> bool:
        """Whether Flow Service can reach the source with the connection's credentials."""
        payload = self._get_json(f"/connections/{id_}/test", sandbox, None, retried=True)
        return payload.get("result") is True

    # -- building blocks ----------------------------------------------------------------------

    def _find_by_name(self, sandbox: str, name: str, *, retried: bool) -> list[Item]:
        # The service reads a comma in a filter value as OR, so "a,b" would match "a" or "b"
        # and miss "a,b" itself: scan everything for such names.
        filters = () if "," in name else (f"name=={name}",)
        items = self._iter_items(sandbox, filters, _LOOKUP_PAGE_SIZE, retried=retried)
        return [item for item in items if item.get("name") == name]

    def _find_created(
        self, sandbox: str, body: Mapping[str, Any], first_sent_ms: int, known: set[str],
    ) -> Created | None:
        """The connection an earlier, unanswered create attempt made, if the list shows it."""
        name = str(body.get("name", ""))
        wanted = _identity(body)
        since = first_sent_ms - CLOCK_SKEW_MS
        candidates = [
            item for item in self._find_by_name(sandbox, name, retried=False)
            if _identity(item) == wanted
            and _item_ms(item, "createdAt", default=0) >= since
            and item.get("id") not in known
        ]
        if not candidates:
            return None
        newest = max(candidates, key=lambda item: _item_ms(item, "createdAt", default=0))
        _log.info("POST /connections: answer was lost; connection %s was created by it",
                  newest.get("id"))
        return Created(str(newest["id"]), str(newest.get("etag", "")),
                       _item_ms(newest, "createdAt"))

    def _get_item(self, sandbox: str, id_: str, attempt: int) -> Item:
        path = f"/connections/{id_}"
        response = self._send("GET", path, sandbox, expected=(200,), attempt=attempt)
        items = json_object(response).get("items")
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            raise NotFoundError("GET", path, 200, "Flow Service returned no item",
                                request_id=response.headers.get("x-request-id"),
                                hint=_not_found_hint(sandbox))
        self._remember(sandbox, items)
        return dict(items[0])

    def _iter_items(
        self, sandbox: str, filters: Sequence[str], page_size: int | None, *, retried: bool,
    ) -> Iterator[Item]:
        params: list[tuple[str, str]] = [("property", f) for f in filters]
        if page_size is not None:
            params.append(("limit", str(page_size)))
        token: str | None = None
        tokens_seen: set[str] = set()
        while True:
            page = params + ([("continuationToken", token)] if token else [])
            payload = self._get_json("/connections", sandbox, page, retried=retried)
            items = [i for i in payload.get("items") or [] if isinstance(i, dict)]
            self._remember(sandbox, items)
            yield from items
            token = _next_token(payload)
            if token is None:
                return
            if token in tokens_seen:
                raise ApiError("GET", "/connections", 200,
                               "the service returned the same continuation token twice",
                               hint="Listing cannot finish; retry later.")
            tokens_seen.add(token)

    def _get_json(
        self, path: str, sandbox: str, params: list[tuple[str, str]] | None, *, retried: bool,
    ) -> dict[str, Any]:
        def attempt(state: _Attempts) -> dict[str, Any]:
            response = self._send("GET", path, sandbox, expected=(200,), params=params,
                                  attempt=state.number)
            return json_object(response)

        if retried:
            return self._with_retries("GET", path, attempt, _read_hint)
        return attempt(_Attempts(number=1))

    def _with_retries(
        self, method: str, path: str, attempt: Callable[[_Attempts], T],
        hint: Callable[[bool], str],
    ) -> T:
        """Run ``attempt`` until it returns, raises a non-retryable error, or the budget ends."""
        policy = self.retry
        state = _Attempts()
        started = time.monotonic()
        retrying = Retrying(
            stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total_seconds),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            for try_ in retrying:
                with try_:
                    state.number = try_.retry_state.attempt_number
                    try:
                        return attempt(state)
                    except _Retryable as failure:
                        state.ambiguous = state.ambiguous or failure.ambiguous
                        raise
        except _Retryable as last:
            elapsed = time.monotonic() - started
            raise TransientError(
                method, path, last.status,
                f"{last.detail}; {self._budget_spent(state.number, elapsed, last)}",
                code=last.code, request_id=last.request_id, hint=hint(state.ambiguous),
            ) from None
        raise AssertionError("unreachable: tenacity returns or raises")

    def _budget_spent(self, attempts: int, elapsed: float, last: _Retryable) -> str:
        policy = self.retry
        if attempts >= policy.attempts:
            return f"gave up after {attempts} attempts in {elapsed:.1f}s"
        remaining = max(0.0, policy.total_seconds - elapsed)
        if last.retry_after is not None and last.retry_after >= remaining:
            return (f"the service asked to retry after {last.retry_after:g}s (Retry-After), "
                    f"more than the {remaining:.1f}s left of the {policy.total_seconds:g}s "
                    f"retry budget, after {attempts} attempts")
        return (f"gave up after {attempts} attempts: the {policy.total_seconds:g}s retry "
                "budget was spent")

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        failure = outcome.exception() if outcome is not None else None
        if isinstance(failure, _Retryable) and failure.retry_after is not None:
            return failure.retry_after
        backoff = wait_random_exponential(multiplier=self.retry.base_delay,
                                          max=self.retry.max_delay)
        return float(backoff(state))

    def _send(
        self, method: str, path: str, sandbox: str, *, expected: Container[int],
        params: list[tuple[str, str]] | None = None, body: object = None,
        if_match: str | None = None, attempt: int = 1,
    ) -> requests.Response:
        """Send one request. Returns the response if its status is ``expected``; raises
        ``_Retryable`` for 429/5xx/transport failures and an ``ApiError`` for anything else."""
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
        try:
            response = self._session.request(
                method, self.base_url + path, params=params, data=data, headers=headers,
                auth=self._auth, timeout=self.timeout,
            )
        except _TRANSPORT_ERRORS as exc:
            _log.debug("%s %s -> %s (attempt %d)", method, path, type(exc).__name__, attempt)
            raise _Retryable(None, f"{type(exc).__name__}: {exc}",
                             ambiguous=not _never_sent(exc)) from None
        status = response.status_code
        refreshed = ", after a token refresh" if response.history else ""
        _log.debug("%s %s [sandbox %s] -> %d (attempt %d%s)", method, path, sandbox.lower(),
                   status, attempt, refreshed)
        if status in expected:
            return response
        code, detail, request_id = _parse_error(response)
        if status in _RETRY_STATUSES:
            raise _Retryable(status, detail, ambiguous=status != 429, code=code,
                             request_id=request_id, retry_after=retry_after(response))
        raise self._error(method, path, sandbox, status, code, detail, request_id)

    def _error(
        self, method: str, path: str, sandbox: str, status: int, code: str | None, detail: str,
        request_id: str | None,
    ) -> ApiError:
        cls: type[ApiError] = ApiError
        hint: str | None = None
        if status == 404 and code is not None and code.startswith(("2100-", "2101-")):
            # A missing sandbox is not a missing connection: it must not drop the resource.
            hint = (f"Sandbox {sandbox.lower()!r} was not found in org {self.org_id}; check "
                    "aep:sandboxName (the sandbox's name, not its title).")
        elif status == 404:
            cls, hint = NotFoundError, _not_found_hint(sandbox)
        elif status == 412:
            cls = ConflictError
            hint = "The connection changed outside Pulumi; run `pulumi refresh`, then `pulumi up`."
        elif status == 400 and code is not None and code.startswith("1418"):
            cls = InUseError
            hint = ("Dataflows still use this connection; delete them first (Sources > "
                    "Dataflows in the Experience Platform UI), then retry.")
        elif status == 401:
            unauthorized_hint = getattr(self._auth, "unauthorized_hint", None)
            hint = (unauthorized_hint() if callable(unauthorized_hint)
                    else "The access token was refused; check the provider's credentials.")
        elif status == 403:
            hint = (f"The gateway refused access: check aep:clientId (the API key), that org "
                    f"{self.org_id} (aep:orgId) is the credential's org, and that its product "
                    "profile grants Experience Platform Sources permissions in the sandbox.")
        elif status in (400, 422):
            hint = "Flow Service rejected the request; correct the inputs it names and retry."
        return cls(method, path, status, detail, code=code, request_id=request_id, hint=hint)

    def _known_ids(self, sandbox: str, name: str) -> set[str]:
        with self._seen_lock:
            return set(self._seen.get((sandbox.lower(), name), ()))

    def _remember(self, sandbox: str, items: Iterable[Mapping[str, Any]]) -> None:
        with self._seen_lock:
            for item in items:
                id_, name = item.get("id"), item.get("name")
                if isinstance(id_, str) and isinstance(name, str):
                    self._seen.setdefault((sandbox.lower(), name), set()).add(id_)


def _read_hint(ambiguous: bool) -> str:
    return "Nothing was changed; retry later."


def _not_found_hint(sandbox: str) -> str:
    return (f"No such connection in sandbox {sandbox.lower()!r}: it was deleted outside Pulumi "
            "or lives in another sandbox; `pulumi refresh` removes it from the stack.")


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
    return code, detail, request_id or response.headers.get("x-request-id")


def _code_from_type(type_: str) -> str | None:
    # ".../errors/FLOW-1404-412" -> "1404-412"
    parts = type_.rsplit("/", 1)[-1].split("-")
    if len(parts) >= 2 and parts[-2].isdigit() and parts[-1].isdigit():
        return f"{parts[-2]}-{parts[-1]}"
    return None


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether a transport failure happened before the request could reach the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)




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
