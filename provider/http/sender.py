"""The request function of the platform client: one call, its attempts, its answer read.

``Sender._send`` sends one request and knows the status it expects: anything else becomes the
``provider.errors`` tree (``answers.refusal``). Each attempt goes through
``provider.http.transport`` (no redirect followed, a total deadline, a size cap), the attempts
through ``provider.http.retry`` (one budget, ``Retry-After`` honoured), and every answer's
``Date`` calibrates the server's clock (``creates.ServerClock``). Listings are bounded
(``provider.http.paging``). Calls outside a collection (``request_json`` under any platform
base path, ``explore``) are here too; ``provider.http.client`` builds one method per collection
operation on it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests

from provider import redaction
from provider.endpoints import CONNECTIONS, FLOW_SERVICE, Collection, GoneProof, item_id_problem
from provider.errors import ApiError, InvalidIdError, TransientError, UnexpectedAnswerError
from provider.http import creates, transport
from provider.http.answers import Unreadable, date_ms, expect_json_object, parse_json, refusal
from provider.http.paging import LOOKUP_PAGE_SIZE, pages
from provider.http.retry import DEFAULT_POLICY, Attempt, GaveUp, Retrier, Retryable, RetryPolicy

__all__ = ["BASE_PATH", "Created", "Patched", "Sender", "held_ids", "item_path"]

BASE_PATH = FLOW_SERVICE

_SECRET_PARAM_WORDS = ("token", "secret", "password", "key")

_log = logging.getLogger("provider.client")
_log.addFilter(redaction.RedactingFilter())
# The answers' Date headers, per platform URL: the one clock a lost create is judged by.
_server_clocks: dict[str, creates.ServerClock] = {}
# Ids this process created, adopted or read: never taken by a lookup after a lost create.
held_ids = creates.HeldIds()

T = TypeVar("T")
Item = dict[str, Any]


@dataclass(frozen=True)
class Created:
    """A created item: its id, its etag (quotes included; a Data Prep version as a string) and
    the server time in epoch ms. ``extra``: outputs a resource's API mapping adds (state-named),
    e.g. a dataflow's ``state`` or a mapping set's ``version``."""

    id: str
    etag: str
    date_ms: int
    extra: dict[str, Any] = field(default_factory=dict, repr=False)  # may hold a secret


@dataclass(frozen=True)
class Patched:
    """The result of an update: the new etag, the server time in epoch ms, and ``extra``
    outputs as in :class:`Created`."""

    etag: str
    date_ms: int
    extra: dict[str, Any] = field(default_factory=dict, repr=False)  # may hold a secret


class Sender:
    """Requests to one org's platform collections (``provider.endpoints``), authenticated by
    ``auth``.

    ``auth`` is a ``requests`` auth object (``ImsTokenAuth`` or ``StaticTokenAuth``); its
    ``AuthError`` passes through unchanged. Every other failure is an ``ApiError`` subclass whose
    text names the method, path, the URL that answered, status, Adobe code and request id.

    ``timeout`` is (connect, per-attempt total) in seconds; ``retry`` bounds the whole call,
    attempts' deadlines included. ``clock`` (monotonic), ``sleep``, ``wall`` (epoch seconds)
    and ``server_clock`` (default: the process's one for ``platform_url``) exist for tests.
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
        wall: Callable[[], float] = time.time,
        server_clock: creates.ServerClock | None = None,
    ) -> None:
        self.platform_url = platform_url.rstrip("/")
        self.base_url = self.platform_url + BASE_PATH
        self.org_id = org_id
        self.api_key = api_key
        self.retry = retry if retry is not None else DEFAULT_POLICY
        self.timeout = timeout
        self._auth = auth
        self._adapter = transport.DeadlineAdapter()
        self._session = transport.session_with(self._adapter, session)
        self._clock = clock
        self._sleep = sleep
        self._wall = wall
        self._server_clock = (server_clock if server_clock is not None
                              else _server_clocks.setdefault(self.platform_url,
                                                             creates.ServerClock()))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(platform_url={self.platform_url!r}, org_id={self.org_id!r}, "
            f"api_key={self.api_key!r}, auth={self._auth!r})"
        )

    @property
    def request_count(self) -> int:
        """HTTP requests sent to Flow Service by this client, retries included, IMS excluded."""
        return self._adapter.sent

    def request_json(
        self, method: str, base: str, path: str, sandbox: str, *,
        params: Sequence[tuple[str, str]] = (), body: object = None,
        expected: Container[int] = (200,), idempotent: bool | None = None,
        accept: str = "application/json", gone: GoneProof | None = None, noun: str = "resource",
        any_json: bool = False,
    ) -> Any:
        """One call under any platform base path (``base`` + ``path``, e.g.
        ``/data/foundation/connectors/landingzone`` + ``/credentials``), answering a JSON object
        (any JSON value with ``any_json``: Catalog answers arrays).

        Same transport, auth, headers, bounded retries and error tree as every other call;
        a 404 proves something gone only through ``gone`` (the service's own "no such
        ``noun``" answer), never otherwise. ``idempotent`` (default: GET only) says whether
        an attempt whose answer was lost may simply be repeated; ``accept`` is the ``Accept``
        header (the Schema Registry wants its XED media types).
        """
        repeat = method == "GET" if idempotent is None else idempotent
        coll = Collection(path, noun, lambda _item: (), base=base, gone=gone)

        def attempt(state: Attempt) -> Any:
            if state.ambiguous and not repeat:
                raise ApiError(method, path, None,
                               "the answer was lost and the call is not repeated on a guess",
                               url=self._url(base, path), may_have_taken_effect=True)
            response = self._send(method, path, sandbox, state, expected=expected,
                                  params=list(params), body=body, coll=coll,
                                  gone_proof=gone is not None, accept=accept)
            if not any_json:
                return self._json(response, method, path, taken_effect=method != "GET",
                                  base=base)
            try:
                return parse_json(response) if response.content else None
            except ValueError:
                raise self._unexpected(response, method, path, "the answer body is not JSON",
                                       taken_effect=method != "GET", base=base) from None

        return self._with_retries(method, path, attempt, base=base)

    def explore(self, sandbox: str, connection_id: str,
                params: Sequence[tuple[str, str]]) -> Any:
        """``GET /connections/{id}/explore`` with ``params`` (``objectType``, ``object``,
        ``preview``): the answer's JSON, whatever its type (the root listing is a bare array).
        A 404 here proves nothing gone."""
        path = item_path(CONNECTIONS, connection_id) + "/explore"

        def attempt(state: Attempt) -> Any:
            response = self._send("GET", path, sandbox, state, expected=(200,),
                                  params=list(params), gone_proof=False)
            if not response.content:
                raise self._unexpected(response, "GET", path, "the answer body is empty")
            try:
                return parse_json(response)
            except ValueError:
                raise self._unexpected(response, "GET", path,
                                       "the answer body is not JSON") from None

        return self._with_retries("GET", path, attempt)

    def _find_by_name(self, coll: Collection, sandbox: str, name: str, *,
                      within: Attempt | None = None) -> list[Item]:
        # The service reads a comma in a filter value as OR, so "a,b" would match "a" or "b"
        # and miss "a,b" itself: scan everything for such names.
        filters = () if "," in name or not coll.by_name else (coll.name_filter.format(name),)
        items = self._iter_items(coll, sandbox, filters, LOOKUP_PAGE_SIZE, within=within)
        return [item for item in items if item.get("name") == name]

    def _get_item(self, coll: Collection, sandbox: str, id_: str, state: Attempt, *,
                  params: Sequence[tuple[str, str]] = ()) -> Item:
        path = item_path(coll, id_)
        response = self._send("GET", path, sandbox, state, expected=(200,), coll=coll,
                              params=list(params) or None)
        payload = self._json(response, "GET", path, base=coll.base)
        if coll.wrapped:
            items = payload.get("items")
            if not isinstance(items, list) or not items:
                raise self._unexpected(response, "GET", path,
                                       f"the answer has no items (Flow Service answers a "
                                       f"missing {coll.noun} with 404)", base=coll.base)
        else:
            items = [payload]
        item = next((i for i in items if isinstance(i, dict) and i.get("id") == id_), None)
        if item is None:
            raise self._unexpected(response, "GET", path, f"the answer holds no {coll.noun} {id_}",
                                   base=coll.base)
        held_ids.hold(id_)
        return dict(item)

    def _iter_items(
        self, coll: Collection, sandbox: str, filters: Sequence[str], page_size: int | None, *,
        within: Attempt | None = None,
    ) -> Iterator[Item]:
        """Every item, page by page (``paging.pages``). The whole listing is bounded: ``within``
        an attempt by that attempt's end, otherwise by one retry budget
        (``retry.total_seconds``) shared by all its pages."""
        url = self._url(coll.base, coll.path)
        total = self.retry.total_seconds
        end = self._clock() + total if within is None and total > 0 else None

        def before_page(read: int) -> None:
            if within is not None and within.left() <= 0:
                raise Retryable(None, f"the list did not end within the attempt's "
                                      f"{within.deadline:.1f}s deadline ({read} pages read)",
                                ambiguous=False)
            if end is not None and self._clock() >= end:
                raise TransientError(
                    "GET", coll.path, None,
                    f"the list did not end within the {total:g}s retry budget ({read} pages "
                    "read)", url=url)

        def fetch(params: list[tuple[str, str]]) -> dict[str, Any]:
            return self._get_json(coll.path, sandbox, params, within=within, coll=coll, end=end)

        yield from pages(coll, url, filters, page_size, fetch=fetch, before_page=before_page)

    def _get_json(
        self, path: str, sandbox: str, params: list[tuple[str, str]] | None, *,
        within: Attempt | None = None, gone_proof: bool = True, coll: Collection = CONNECTIONS,
        end: float | None = None,
    ) -> dict[str, Any]:
        """One GET's JSON object: retried under the budget (ending at ``end`` on the client's
        clock at the latest), or, ``within`` another call's attempt, tried once within what is
        left of that attempt."""
        def attempt(state: Attempt) -> dict[str, Any]:
            response = self._send("GET", path, sandbox, state, expected=(200,), params=params,
                                  gone_proof=gone_proof, coll=coll)
            return self._json(response, "GET", path, base=coll.base)

        if within is None:
            return self._with_retries("GET", path, attempt, base=coll.base, end=end)
        return attempt(within)

    def _url(self, base: str, path: str) -> str:
        return self.platform_url + base + path

    def _with_retries(self, method: str, path: str, attempt: Callable[[Attempt], T], *,
                      base: str = BASE_PATH, end: float | None = None) -> T:
        """Run ``attempt`` until it returns, raises a non-retryable error, or the budget ends
        (or ``end``, on the client's clock, if that comes first)."""
        policy = self.retry
        if end is not None:
            policy = dataclasses.replace(policy, total_seconds=max(end - self._clock(), 0.001))
        retrier = Retrier(policy, timeout=self.timeout[1], clock=self._clock, sleep=self._sleep)
        try:
            return retrier.run(attempt)
        except GaveUp as spent:
            last = spent.last
            raise TransientError(
                method, path, last.status, f"{last.detail}; {spent.reason}",
                code=last.code, request_id=last.request_id,
                url=self._url(base, path) if last.status is not None else None,
                may_have_taken_effect=method != "GET" and spent.attempt.ambiguous,
            ) from None

    def _send(
        self, method: str, path: str, sandbox: str, state: Attempt, *,
        expected: Container[int], params: list[tuple[str, str]] | None = None,
        body: object = None, if_match: str | None = None, gone_proof: bool = True,
        coll: Collection = CONNECTIONS, accept: str = "application/json",
    ) -> requests.Response:
        """Send one request. Returns the response if its status is ``expected``; raises
        ``Retryable`` for 429/5xx/transport failures and an ``ApiError`` for anything else."""
        headers = {
            "x-api-key": self.api_key,
            "x-gw-ims-org-id": self.org_id,
            "x-sandbox-name": sandbox.lower(),
            "Accept": accept,
        }
        data: bytes | None = None
        if body is not None:
            data = json.dumps(body).encode()
        if body is not None or method in ("POST", "PUT", "PATCH"):
            # The gateway wants a JSON content type on every write, bodyless actions included.
            headers["Content-Type"] = "application/json"
        if if_match is not None:
            headers["If-Match"] = if_match
        url = self._url(coll.base, path)
        try:
            response = transport.send(
                self._session, method, url, deadline=state.left(),
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
        self._observe(response)
        status = response.status_code
        refreshed = ", after a token refresh" if response.history else ""
        _log.debug("%s %s [sandbox %s] -> %d (attempt %d%s)", method, path, sandbox.lower(),
                   status, state.number, refreshed)
        if status in expected:
            return response
        raise refusal(response, method, path, url, noun=coll.noun,
                      gone=coll.gone if gone_proof else None)

    def _observe(self, response: requests.Response) -> None:
        """Calibrate the server's clock with the answer's ``Date``."""
        server = date_ms(response)
        if server is not None:
            self._server_clock.observe(server, self._wall_ms())

    def _wall_ms(self) -> int:
        return int(self._wall() * 1000)

    def _date_ms(self, response: requests.Response) -> int:
        """The server's time of the answer in epoch ms (ours if it sent no ``Date``)."""
        server = date_ms(response)
        return server if server is not None else self._wall_ms()

    def _json(self, response: requests.Response, method: str, path: str, *,
              taken_effect: bool = False, base: str = BASE_PATH) -> dict[str, Any]:
        try:
            return expect_json_object(response)
        except Unreadable as unreadable:
            raise self._unexpected(response, method, path, str(unreadable),
                                   taken_effect=taken_effect, base=base) from None

    def _unexpected(self, response: requests.Response, method: str, path: str, detail: str, *,
                    taken_effect: bool = False, base: str = BASE_PATH) -> UnexpectedAnswerError:
        return UnexpectedAnswerError(
            method, path, response.status_code, detail,
            request_id=response.headers.get("x-request-id"), url=self._url(base, path),
            may_have_taken_effect=taken_effect)


def item_path(coll: Collection, id_: str) -> str:
    """``<collection>/<id>``; an id that is not one path segment of plain characters (``..``,
    ``../connections/<id>``, a ``?`` or ``#``) is refused before any request: the URL would name
    another item, of another collection even (a DELETE of a dataflow deleting a connection)."""
    problem = item_id_problem(id_)
    if problem is not None:
        shown = redaction.printable(repr(id_))[:140]
        raise InvalidIdError(f"{coll.noun} id {shown} {problem}; nothing was sent",
                             noun=coll.noun)
    return f"{coll.path}/{id_}"


def item_ms(item: Mapping[str, Any], field: str, default: int | None = None) -> int:
    value = item.get(field)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    return default if default is not None else int(time.time() * 1000)


def register_secret_params(body: Mapping[str, Any]) -> None:
    auth = body.get("auth")
    params = auth.get("params") if isinstance(auth, dict) else None
    if isinstance(params, dict):
        for key, value in params.items():
            register_secret_value(f"/auth/params/{key}", value)


def register_secret_value(path: str, value: object) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            register_secret_value(f"{path}/{key}", inner)
    elif isinstance(value, str) and any(w in path.rsplit("/", 1)[-1].lower()
                                        for w in _SECRET_PARAM_WORDS):
        redaction.register(value)
