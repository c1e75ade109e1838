"""Flow Service (and Data Prep) collections over HTTP: one small function per operation.

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
connection" error (code ``1101-404`` naming no other id, kind or a sandbox, or the code-less
``connections not found with id = [id]`` as the whole message: ``provider.endpoints``).
The access-label ``1439-404`` is *not* taken as gone: the connection exists, this credential
cannot see it. Any other 404, a 3xx, or a 2xx whose body is not the JSON promised is an
``UnexpectedAnswerError``, from which nothing is concluded.

The client states facts (method, path, the URL that answered, status, code, whether the call may
have taken effect); the advice a Pulumi user reads is added above it (``provider.advice``). It
knows nothing of Pulumi and is thread-safe: the provider host calls it from four threads at once.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import requests

from provider import redaction, transport
from provider.endpoints import (
    CONNECTIONS,
    FLOW_SERVICE,
    Collection,
    GoneProof,
    item_id_problem,
)
from provider.errors import (
    ApiError,
    ConfigurationError,
    ConflictError,
    InUseError,
    NotFoundError,
    TransientError,
    UnexpectedAnswerError,
)
from provider.responses import Unreadable, expect_json_object, json_object, parse_json, retry_after
from provider.retry import Attempt, GaveUp, Retrier, Retryable, RetryPolicy

__all__ = ["BASE_PATH", "CLOCK_SKEW_MS", "Created", "FlowServiceClient", "Patched", "RetryPolicy"]

BASE_PATH = FLOW_SERVICE

# How far the service's clock (createdAt) may lag ours when deciding whether a connection found
# after a lost create answer was made by this create.
CLOCK_SKEW_MS = 120_000

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SECRET_PARAM_WORDS = ("token", "secret", "password", "key")
# Name lookups ask for the largest page Flow Service documents, to cost as few requests as possible.
_LOOKUP_PAGE_SIZE = 100
# A listing that has not ended after this many pages or items is not a real one (a server handing
# out fresh continuation tokens forever): it stops with an error, its memory bounded.
MAX_LIST_PAGES = 1_000
MAX_LIST_ITEMS = 50_000

_log = logging.getLogger("provider.client")
_log.addFilter(redaction.RedactingFilter())

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
    """Flow Service collections (and the other platform bases, ``provider.endpoints``) for one
    org, authenticated by ``auth``.

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

    # -- operations on any collection (provider.endpoints) ----------------------------------

    def create(self, coll: Collection, sandbox: str, body: Mapping[str, Any]) -> Created:
        """Create an item of ``coll``; never creates two, even when an answer is lost.

        Costs one request when nothing fails. After an ambiguous failure the collection is
        searched and an item is returned only if it is provably the one this call made: same
        ``coll.identity``, created by this client, created since the first attempt minus
        ``CLOCK_SKEW_MS``, and not held by anything else this process created, adopted or read.
        Several such candidates, or none but a same-identity item whose origin nothing proves
        (no creator, no numeric creation time, one before the attempt): an error listing them,
        nothing created. An unreadable lookup answer is an error, never "nothing there". Once a
        POST answered an id, the call never POSTs again: retries read that id back, and a final
        failure names it (may have taken effect). Creates of the same identity run one at a
        time in this process. Residual risk: the list may lag a fresh create (eventual
        consistency).
        """
        _register_secret_params(body)
        noun = coll.noun
        path = coll.path

        made: list[str] = []  # the id a POST of this call answered: never POST again

        def attempt(state: Attempt) -> Created:
            if made:
                return self._read_back(coll, sandbox, made[0], state)
            if state.ambiguous and state.first_sent_ms is not None:
                try:
                    found = self._find_created(coll, sandbox, body, state)
                except ApiError as unproven:
                    # The lookup proves nothing, but the earlier POST may have created it.
                    unproven.may_have_taken_effect = True
                    raise
                if found is not None:
                    return found
            if state.first_sent_ms is None:
                state.first_sent_ms = _now_ms()
            response = self._send("POST", path, sandbox, state, expected=(200, 201), body=body,
                                  coll=coll)
            payload = self._json(response, "POST", path, taken_effect=True, base=coll.base)
            id_, etag = payload.get("id"), coll.version_of(payload)
            if not isinstance(id_, str) or not id_:
                raise self._unexpected(response, "POST", path,
                                       f"the create answer has no id (a {noun} may have been "
                                       "created)", taken_effect=True, base=coll.base)
            if item_id_problem(id_) is not None:
                raise self._unexpected(response, "POST", path,
                                       f"the create answer's id is not one (a {noun} may have "
                                       "been created)", taken_effect=True, base=coll.base)
            _ids.hold(id_)
            if etag is None:
                # The id is known: keep it, and read the version back rather than orphan it.
                # A retry of this call only reads it again (``made``), never POSTs.
                made.append(id_)
                return self._read_back(coll, sandbox, id_, state)
            return Created(id_, etag, _date_ms(response))

        with _ids.create_lock((coll.path, sandbox.lower(), *coll.identity(body))):
            try:
                return self._with_retries("POST", path, attempt, base=coll.base)
            except ApiError as failed:
                if not made:
                    raise
                raise ApiError(
                    "POST", path, failed.status,
                    f"{noun} {made[0]} was created (the answer gave its id but no "
                    f"{coll.version_key}) and reading it back failed, so it is not created "
                    f"again: {failed.method} {failed.path}: {failed.detail}",
                    code=failed.code, request_id=failed.request_id, url=failed.url,
                    may_have_taken_effect=True) from None

    def get(self, coll: Collection, sandbox: str, id_: str) -> Item:
        """The item ``id_`` of ``coll``; ``NotFoundError`` only when the service proves it does
        not exist (``coll.gone``)."""
        path = item_path(coll, id_)
        return self._with_retries("GET", path, lambda s: self._get_item(coll, sandbox, id_, s),
                                  base=coll.base)

    def list_items(self, coll: Collection, sandbox: str, filters: Sequence[str] = (),
             page_size: int | None = None) -> Iterator[Item]:
        """Every item of ``coll`` matching all ``filters`` (``property`` expressions), page by
        page. Lazy: requests are sent (and errors raised) as the iterator is consumed."""
        return self._iter_items(coll, sandbox, filters, page_size)

    def find(self, coll: Collection, sandbox: str, name: str) -> list[Item]:
        """Items of ``coll`` whose name is exactly ``name`` (names are not unique)."""
        return self._find_by_name(coll, sandbox, name)

    def patch(
        self, coll: Collection, sandbox: str, id_: str, etag: str,
        ops: Sequence[Mapping[str, Any]], *, applied: Callable[[Item], bool] | None = None,
    ) -> Patched:
        """Apply JSON Patch ``ops`` if the item's etag is still ``etag`` (sent verbatim).

        A 412 on the first attempt is a ``ConflictError``. If an attempt's answer was lost and a
        retry meets 412, the item is re-read: when ``applied(item)`` is true the lost attempt
        landed and its etag is returned; otherwise ``ConflictError`` (may have taken effect).
        """
        for op in ops:
            _register_secret_value(str(op.get("path", "")), op.get("value"))
        path = item_path(coll, id_)

        def attempt(state: Attempt) -> Patched:
            try:
                response = self._send("PATCH", path, sandbox, state, expected=(200,),
                                      body=list(ops), if_match=etag, coll=coll)
            except ConflictError as conflict:
                if not state.ambiguous:
                    raise
                if applied is not None:
                    item = self._get_item(coll, sandbox, id_, state)
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
            payload = self._json(response, "PATCH", path, taken_effect=True, base=coll.base)
            new_etag = payload.get("etag")
            if not isinstance(new_etag, str):
                raise self._unexpected(response, "PATCH", path, "the update answer has no etag",
                                       taken_effect=True, base=coll.base)
            _ids.hold(id_)
            return Patched(new_etag, _date_ms(response))

        return self._with_retries("PATCH", path, attempt, base=coll.base)

    def replace(
        self, coll: Collection, sandbox: str, id_: str, body: Mapping[str, Any], *,
        applied: Callable[[Item], bool],
    ) -> Patched:
        """``PUT`` the item whole (Data Prep: a new version). Not idempotent, so never repeated
        on a guess: after an attempt whose answer was lost, the item is read first and, if
        ``applied(item)`` shows the body in place, that version is returned instead."""
        path = item_path(coll, id_)

        def attempt(state: Attempt) -> Patched:
            if state.ambiguous:
                item = self._get_item(coll, sandbox, id_, state)
                if applied(item):
                    _log.info("PUT %s: answer was lost but the new version is in place", path)
                    return Patched(coll.version_of(item) or "", _item_ms(item, coll.updated_at))
            response = self._send("PUT", path, sandbox, state, expected=(200, 201), body=body,
                                  coll=coll)
            payload = self._json(response, "PUT", path, taken_effect=True, base=coll.base)
            version = coll.version_of(payload)
            if version is None:
                raise self._unexpected(response, "PUT", path,
                                       f"the update answer has no {coll.version_key}",
                                       taken_effect=True, base=coll.base)
            return Patched(version, _date_ms(response))

        return self._with_retries("PUT", path, attempt, base=coll.base)

    def delete(self, coll: Collection, sandbox: str, id_: str) -> None:
        """Delete the item (any 2xx with no body or a JSON body). ``NotFoundError`` if the
        service proves it was already gone, ``InUseError`` if something still uses it."""
        path = item_path(coll, id_)

        def attempt(state: Attempt) -> None:
            try:
                response = self._send("DELETE", path, sandbox, state, expected=range(200, 300),
                                      coll=coll)
                if response.content:
                    # Flow Service answers a delete with no body; a page (a proxy's, a login
                    # form) proves nothing was deleted.
                    self._json(response, "DELETE", path, taken_effect=True, base=coll.base)
            except NotFoundError:
                if not state.ambiguous:
                    raise
                _log.info("DELETE %s: answer was lost; the %s is gone", path, coll.noun)

        self._with_retries("DELETE", path, attempt, base=coll.base)

    def action(self, coll: Collection, sandbox: str, id_: str, op: str,
               etag: str | None = None, *,
               applied: Callable[[Item], bool] | None = None) -> Patched:
        """``POST {coll}/{id}/action?op=op`` (Flow Service: enable, disable). Setting a state is
        idempotent, so it is retried; ``If-Match`` is sent when ``etag`` is given. If a retry
        meets 412 after an attempt whose answer was lost, the item is read and, when
        ``applied(item)`` shows the action done, its etag is returned. Returns the item's etag
        after the action."""
        path = item_path(coll, id_) + "/action"

        def attempt(state: Attempt) -> Patched:
            try:
                response = self._send("POST", path, sandbox, state, expected=(200, 201, 202),
                                      params=[("op", op)], if_match=etag, coll=coll)
            except ConflictError:
                if not state.ambiguous or applied is None:
                    raise
                item = self._get_item(coll, sandbox, id_, state)
                if not applied(item):
                    raise
                _log.info("POST %s?op=%s: answer was lost but the action is done", path, op)
                return Patched(str(item.get("etag") or ""), _item_ms(item, coll.updated_at))
            payload = self._json(response, "POST", path, taken_effect=True, base=coll.base)
            new_etag = payload.get("etag")
            if not isinstance(new_etag, str) or not new_etag:
                item = self._get_item(coll, sandbox, id_, state)
                new_etag = str(item.get("etag") or "")
            return Patched(new_etag, _date_ms(response))

        return self._with_retries("POST", path, attempt, base=coll.base)

    def request_json(
        self, method: str, base: str, path: str, sandbox: str, *,
        params: Sequence[tuple[str, str]] = (), body: object = None,
        expected: Container[int] = (200,), idempotent: bool | None = None,
    ) -> dict[str, Any]:
        """One call under any platform base path (``base`` + ``path``, e.g.
        ``/data/foundation/connectors/landingzone`` + ``/credentials``), answering a JSON object.

        Same transport, auth, headers, bounded retries and error tree as every other call;
        a 404 never proves anything gone here. ``idempotent`` (default: GET only) says whether
        an attempt whose answer was lost may simply be repeated.
        """
        repeat = method == "GET" if idempotent is None else idempotent
        coll = Collection(path, "resource", lambda _item: (), base=base)

        def attempt(state: Attempt) -> dict[str, Any]:
            if state.ambiguous and not repeat:
                raise ApiError(method, path, None,
                               "the answer was lost and the call is not repeated on a guess",
                               url=self._url(base, path), may_have_taken_effect=True)
            response = self._send(method, path, sandbox, state, expected=expected,
                                  params=list(params), body=body, coll=coll, gone_proof=False)
            return self._json(response, method, path, taken_effect=method != "GET", base=base)

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

    # -- base connections (thin wrappers kept for callers of the first API) ------------------

    def create_connection(self, sandbox: str, body: Mapping[str, Any]) -> Created:
        """Create a base connection (see :meth:`create`)."""
        return self.create(CONNECTIONS, sandbox, body)

    def get_connection(self, sandbox: str, id_: str) -> Item:
        """The connection ``id_`` (``items[0]``); ``NotFoundError`` only when Flow Service says
        it does not exist."""
        return self.get(CONNECTIONS, sandbox, id_)

    def list_connections(
        self, sandbox: str, filters: Sequence[str] = (), page_size: int | None = None,
    ) -> Iterator[Item]:
        """Every connection matching all ``filters`` (``property`` expressions), page by page.

        Lazy: requests are sent (and errors raised) as the iterator is consumed.
        """
        return self.list_items(CONNECTIONS, sandbox, filters, page_size)

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
        return self.find(CONNECTIONS, sandbox, name)

    def patch_connection(
        self, sandbox: str, id_: str, etag: str, ops: Sequence[Mapping[str, Any]], *,
        applied: Callable[[Item], bool] | None = None,
    ) -> Patched:
        """Patch a base connection with ``If-Match`` (see :meth:`patch`)."""
        return self.patch(CONNECTIONS, sandbox, id_, etag, ops, applied=applied)

    def delete_connection(self, sandbox: str, id_: str) -> None:
        """Delete the connection (any 2xx with no body or a JSON body). ``NotFoundError`` if Flow
        Service says it was already gone, ``InUseError`` if dataflows still use it."""
        self.delete(CONNECTIONS, sandbox, id_)

    def test_connection(self, sandbox: str, id_: str) -> bool:
        """Whether Flow Service can reach the source with the connection's credentials.

        A 404 here is never "the connection is gone" (``NotFoundError``): it is an ``ApiError``.
        """
        path = f"/connections/{id_}/test"
        payload = self._get_json(path, sandbox, None, gone_proof=False)
        return payload.get("result") is True

    # -- building blocks ----------------------------------------------------------------------

    def _find_by_name(self, coll: Collection, sandbox: str, name: str, *,
                      within: Attempt | None = None) -> list[Item]:
        # The service reads a comma in a filter value as OR, so "a,b" would match "a" or "b"
        # and miss "a,b" itself: scan everything for such names.
        filters = () if "," in name or not coll.by_name else (f"name=={name}",)
        items = self._iter_items(coll, sandbox, filters, _LOOKUP_PAGE_SIZE, within=within)
        return [item for item in items if item.get("name") == name]

    def _find_created(
        self, coll: Collection, sandbox: str, body: Mapping[str, Any], state: Attempt,
    ) -> Created | None:
        """The item an earlier, unanswered create attempt provably made, if listed."""
        name = body.get("name")
        wanted = coll.identity(body)
        since = (state.first_sent_ms or 0) - CLOCK_SKEW_MS
        listed = (self._find_by_name(coll, sandbox, str(name), within=state)
                  if coll.by_name and isinstance(name, str)
                  else self._iter_items(coll, sandbox, (), _LOOKUP_PAGE_SIZE, within=state))
        candidates: list[Item] = []
        unproven: list[Item] = []
        for item in listed:
            if coll.identity(item) != wanted or _ids.held(item.get("id")):
                continue
            creator = item.get(coll.created_by)
            if isinstance(creator, str) and creator.lower() != self.api_key.lower():
                continue  # provably another client's
            created = item.get(coll.created_at)
            if (creator == self.api_key and isinstance(created, (int, float))
                    and not isinstance(created, bool) and created >= since):
                candidates.append(item)
            else:
                # No creator, a creator in another case, no usable time, or a time before this
                # create (the service's clock behind ours, or an old twin): it may be the one
                # the lost attempt made, and nothing proves it either way.
                unproven.append(item)
        url = self._url(coll.base, coll.path)
        what = f"{coll.noun}s named {name!r}" if isinstance(name, str) else f"{coll.noun}s"
        if not candidates and unproven:
            ids = ", ".join(sorted(str(item.get("id")) for item in unproven))
            raise ApiError(
                "POST", coll.path, None,
                f"the create's answer was lost and {len(unproven)} {what} with the same "
                f"settings exist ({ids}) that nothing proves were or were not made by it (no "
                f"{coll.created_by} of this client or no {coll.created_at} since the create); "
                "none was taken and nothing more was created",
                url=url, may_have_taken_effect=True)
        if not candidates:
            return None
        if len(candidates) > 1:
            ids = ", ".join(sorted(str(item.get("id")) for item in candidates))
            raise ApiError(
                "POST", coll.path, None,
                f"the create's answer was lost and {len(candidates)} {what} could each be the "
                f"one it made ({ids}); none was taken and nothing more was created",
                url=url, may_have_taken_effect=True)
        (found,) = candidates
        _ids.hold(found.get("id"))
        _log.info("POST %s: answer was lost; %s %s was created by it", coll.path, coll.noun,
                  found.get("id"))
        etag = coll.version_of(found)
        if etag is None:
            raise ApiError("POST", coll.path, None,
                           f"the create's answer was lost; {coll.noun} {found.get('id')} was "
                           f"made by it but the list shows no {coll.version_key}",
                           url=url, may_have_taken_effect=True)
        return Created(str(found["id"]), etag, _item_ms(found, coll.created_at))

    def _read_back(self, coll: Collection, sandbox: str, id_: str, state: Attempt) -> Created:
        """The item a create answered by id only, read back for its version."""
        item = self._get_item(coll, sandbox, id_, state)
        return Created(id_, coll.version_of(item) or "", _item_ms(item, coll.created_at))

    def _get_item(self, coll: Collection, sandbox: str, id_: str, state: Attempt) -> Item:
        path = item_path(coll, id_)
        response = self._send("GET", path, sandbox, state, expected=(200,), coll=coll)
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
        _ids.hold(id_)
        return dict(item)

    def _iter_items(
        self, coll: Collection, sandbox: str, filters: Sequence[str], page_size: int | None, *,
        within: Attempt | None = None,
    ) -> Iterator[Item]:
        """Every item, page by page. The whole listing is bounded: ``within`` an attempt by that
        attempt's end, otherwise by one retry budget (``retry.total_seconds``) shared by all its
        pages; and by ``MAX_LIST_PAGES`` / ``MAX_LIST_ITEMS`` whatever the time."""
        params: list[tuple[str, str]] = [("property", f) for f in filters]
        url = self._url(coll.base, coll.path)
        total = self.retry.total_seconds
        end = self._clock() + total if within is None and total > 0 else None
        pages = items_seen = 0

        def next_page(page: list[tuple[str, str]]) -> tuple[list[Item], dict[str, Any]]:
            nonlocal pages, items_seen
            if pages >= MAX_LIST_PAGES or items_seen >= MAX_LIST_ITEMS:
                raise UnexpectedAnswerError(
                    "GET", coll.path, 200,
                    f"the list did not end after {pages} pages and {items_seen} items; it is "
                    "not read further", url=url)
            if within is not None and within.left() <= 0:
                raise Retryable(None, f"the list did not end within the attempt's "
                                      f"{within.deadline:.1f}s deadline ({pages} pages read)",
                                ambiguous=False)
            if end is not None and self._clock() >= end:
                raise TransientError(
                    "GET", coll.path, None,
                    f"the list did not end within the {total:g}s retry budget ({pages} pages "
                    "read)", url=url)
            payload = self._get_json(coll.path, sandbox, page, within=within, coll=coll, end=end)
            items = payload.get(coll.list_key)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise UnexpectedAnswerError("GET", coll.path, 200,
                                            f"the list answer has no {coll.list_key} list",
                                            url=url)
            pages += 1
            items_seen += len(items)
            return items, payload

        if coll.paging == "offset":
            limit = page_size or _LOOKUP_PAGE_SIZE
            start = 0
            while True:
                items, _ = next_page([*params, ("start", str(start)), ("limit", str(limit))])
                yield from items
                if len(items) < limit:
                    return
                start += len(items)
        if page_size is not None:
            params.append(("limit", str(page_size)))
        token: str | None = None
        tokens_seen: set[str] = set()
        while True:
            items, payload = next_page(params + ([("continuationToken", token)] if token else []))
            yield from items
            token = _next_token(payload)
            if token is None:
                return
            if token in tokens_seen:
                raise UnexpectedAnswerError(
                    "GET", coll.path, 200,
                    "the service returned the same continuation token twice", url=url)
            tokens_seen.add(token)

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
        coll: Collection = CONNECTIONS,
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
        gone = coll.gone if gone_proof else None
        if status == 404 and gone is not None \
                and not (code or "").startswith(("2100-", "2101-")):
            # A sandbox 404 stays a plain ApiError; only the service's own answer is "gone".
            if _proves_gone(response, code, path, gone):
                cls = NotFoundError
            else:
                cls = UnexpectedAnswerError
                detail = (f"HTTP 404 that is not the service's 'no such {coll.noun}' answer: "
                          f"{detail}")
        elif status == 412:
            cls = ConflictError
        elif status == 400 and code is not None and code.startswith("1418"):
            cls = InUseError
        raise cls(method, path, status, detail, code=code, request_id=request_id, url=url)

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
        raise ConfigurationError(f"{coll.noun} id {shown} {problem}; nothing was sent. Check "
                                 "the id in the stack's state or in the import")
    return f"{coll.path}/{id_}"


def _proves_gone(response: requests.Response, code: str | None, path: str,
                 gone: GoneProof) -> bool:
    """Whether a 404 is the service's own "no such item" answer for ``path``'s id."""
    try:
        payload = expect_json_object(response)
    except Unreadable:
        return False
    return gone(payload, code, path.rstrip("/").rsplit("/", 1)[-1])


def _parse_error(response: requests.Response) -> tuple[str | None, str, str | None]:
    """(Adobe code, message, request id) from a gateway or Flow Service error answer."""
    payload = json_object(response)
    code: str | None = None
    detail: str | None = None
    request_id: str | None = None
    if payload:
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
        detail = response.text or response.reason or "no detail"
    request_id = request_id or response.headers.get("x-request-id")
    return (redaction.server_text(code, 64) if code is not None else None,
            redaction.server_text(detail) or "no detail",
            redaction.server_text(request_id, 128) if request_id is not None else None)


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
