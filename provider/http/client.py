"""Flow Service (and Data Prep) collections over HTTP: one small function per operation.

Every operation goes through ``provider.http.sender``'s request function:

- GET and DELETE are retried on 429/500/502/503/504 and transport failures. A DELETE that meets
  a proven 404 after an attempt whose answer was lost counts as done: that attempt deleted it.
- POST (create) is never retried blindly. A 429 was not processed, so it is retried. After an
  ambiguous failure (lost answer, timeout, 5xx) the collection is looked up first and the item
  that attempt provably made (``provider.http.creates.decide``), if any, is returned instead of
  creating a second one.
- PATCH is retried with the same ``If-Match``; if a retry meets 412, ``applied(item)`` decides
  whether the lost first attempt landed.

"Gone" is concluded only from Flow Service's own answer: a 404 whose JSON body is its "no such
connection" error (code ``1101-404`` naming no other id, kind or a sandbox, or the code-less
``connections not found with id = [id]`` as the whole message: ``provider.endpoints``).
``1439`` (deleted, or hidden by access labels) is gone only where the caller says so
(``provider.labels``). Any other 404, a 3xx, or a 2xx whose body is not the promised JSON is an
``UnexpectedAnswerError``, from which nothing is concluded.

It states facts (method, path, the URL that answered, status, code, whether the call may have
taken effect); advice is added above it (``provider.advice``). It knows nothing of Pulumi and is
thread-safe: the provider host calls it from four threads at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from provider import redaction
from provider.endpoints import CONNECTIONS, Collection, item_id_problem
from provider.errors import ApiError, AuthError, ConflictError, NotFoundError
from provider.http import creates, reads
from provider.http.paging import LOOKUP_PAGE_SIZE
from provider.http.retry import Attempt, RetryPolicy
from provider.http.sender import (
    BASE_PATH,
    Created,
    Item,
    Patched,
    Sender,
    held_ids,
    item_ms,
    item_path,
    register_secret_params,
    register_secret_value,
)

__all__ = ["BASE_PATH", "Created", "FlowServiceClient", "Patched", "RetryPolicy", "item_path"]

_log = logging.getLogger("provider.client")
_log.addFilter(redaction.RedactingFilter())
# Reads of many items of one collection share one listing, process-wide (provider.http.reads).
shared_reads = reads.SharedReads()


class FlowServiceClient(Sender):
    """Flow Service collections (and the other platform bases, ``provider.endpoints``) for one
    org: one method per operation over any ``Collection`` (constructor and errors:
    :class:`~provider.http.sender.Sender`)."""

    # -- operations on any collection (provider.endpoints) ----------------------------------

    def create(self, coll: Collection, sandbox: str, body: Mapping[str, Any]) -> Created:
        """Create an item of ``coll``; never creates two, even when an answer is lost.

        Costs one request when nothing fails. After an ambiguous failure the collection is
        searched and an item returned only if ``creates.decide`` proves it the one this call
        made (identity, creator, time in the service's clock, not held). Several candidates, or
        none but items nothing proves either way: an error listing them all
        (``ApiError.candidates``), nothing created. An unreadable lookup answer is an error,
        never "nothing there". Once a POST answered an id, the call never POSTs again: retries
        read that id back, and a final failure names it (may have taken effect). Creates of the
        same identity run one at a time in this process. Residual risk: the list may lag a
        fresh create (eventual consistency).
        """
        register_secret_params(body)
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
                state.first_sent_ms = self._wall_ms()
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
            held_ids.hold(id_)
            if etag is None:
                # The id is known: keep it, and read the version back rather than orphan it.
                # A retry of this call only reads it again (``made``), never POSTs.
                made.append(id_)
                return self._read_back(coll, sandbox, id_, state)
            return Created(id_, etag, self._date_ms(response))

        with held_ids.create_lock((coll.path, sandbox.lower(), *coll.identity(body))):
            try:
                return self._with_retries("POST", path, attempt, base=coll.base)
            except (ApiError, AuthError) as failed:
                if not made:
                    raise
                where = (f"{failed.method} {failed.path}: {failed.detail}"
                         if isinstance(failed, ApiError) else f"IMS: {failed.message}")
                kept = ApiError(
                    "POST", path, failed.status,
                    f"{noun} {made[0]} was created (the answer gave its id but no "
                    f"{coll.version_key}) and reading it back failed, so it is not created "
                    f"again: {where}", code=failed.code,
                    request_id=getattr(failed, "request_id", None),
                    url=getattr(failed, "url", None), may_have_taken_effect=True)
                kept.created_id = made[0]
                raise kept from None
            finally:
                self._wrote(coll, sandbox)

    def get(self, coll: Collection, sandbox: str, id_: str, *,
            params: Sequence[tuple[str, str]] = ()) -> Item:
        """The item ``id_`` of ``coll``; ``NotFoundError`` only when the service proves it does
        not exist (``coll.gone``). ``params``: query parameters (a Data Prep ``version``);
        such a read is never served from a shared listing."""
        path = item_path(coll, id_)

        def get_one() -> Item:
            return self._with_retries("GET", path,
                                      lambda s: self._get_item(coll, sandbox, id_, s,
                                                               params=params),
                                      base=coll.base)

        if not coll.shared_reads or params:
            return get_one()
        item = shared_reads.read(
            self._reads_key(coll, sandbox), id_, clock=self._clock, get_one=get_one,
            list_all=lambda: self._iter_items(coll, sandbox, (), LOOKUP_PAGE_SIZE))
        held_ids.hold(id_)  # read, as its own GET would hold it: never a lost create's twin
        return item

    def list_items(self, coll: Collection, sandbox: str, filters: Sequence[str] = (),
             page_size: int | None = None) -> Iterator[Item]:
        """Every item of ``coll`` matching all ``filters`` (``property`` expressions), page by
        page. Lazy: requests are sent (and errors raised) as the iterator is consumed."""
        return self._iter_items(coll, sandbox, filters, page_size)

    def find(self, coll: Collection, sandbox: str, name: str) -> list[Item]:
        """Items of ``coll`` whose name is exactly ``name`` (names are not unique)."""
        return self._find_by_name(coll, sandbox, name)

    def _reads_key(self, coll: Collection, sandbox: str) -> reads.Key:
        # The credential too: another token's access labels or scopes may list other items.
        who = f"{self.api_key}/{getattr(self._auth, 'fingerprint', id(self._auth))}"
        return (self.platform_url, self.org_id, who, sandbox.lower(), coll.base, coll.path)

    def _wrote(self, coll: Collection, sandbox: str) -> None:
        """A write to ``coll``: shared listings made before it are not served again."""
        shared_reads.wrote(self._reads_key(coll, sandbox))

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
            register_secret_value(str(op.get("path", "")), op.get("value"))
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
                        return Patched(str(item.get("etag", "")), item_ms(item, "updatedAt"))
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
            held_ids.hold(id_)
            return Patched(new_etag, self._date_ms(response))

        try:
            return self._with_retries("PATCH", path, attempt, base=coll.base)
        finally:
            self._wrote(coll, sandbox)

    def replace(
        self, coll: Collection, sandbox: str, id_: str, body: Mapping[str, Any], *,
        applied: Callable[[Item], bool], read_params: Sequence[tuple[str, str]] = (),
    ) -> Patched:
        """``PUT`` the item whole (Data Prep: a new version). Not idempotent, so never repeated
        on a guess: after an attempt whose answer was lost, the item is read first (with
        ``read_params``: the version the PUT would make, since Data Prep reads version 0
        without one; a 404 then means it was not made) and, if ``applied(item)`` shows the body
        in place, that version is returned instead."""
        path = item_path(coll, id_)

        def probe(state: Attempt) -> Item | None:
            try:
                return self._get_item(coll, sandbox, id_, state, params=read_params)
            except ApiError as missing:
                if read_params and missing.status == 404:
                    return None
                raise

        def attempt(state: Attempt) -> Patched:
            if state.ambiguous:
                item = probe(state)
                if item is not None and applied(item):
                    _log.info("PUT %s: answer was lost but the new version is in place", path)
                    return Patched(coll.version_of(item) or "", item_ms(item, coll.updated_at))
            response = self._send("PUT", path, sandbox, state, expected=(200, 201), body=body,
                                  coll=coll)
            payload = self._json(response, "PUT", path, taken_effect=True, base=coll.base)
            version = coll.version_of(payload)
            if version is None:
                raise self._unexpected(response, "PUT", path,
                                       f"the update answer has no {coll.version_key}",
                                       taken_effect=True, base=coll.base)
            return Patched(version, self._date_ms(response))

        try:
            return self._with_retries("PUT", path, attempt, base=coll.base)
        finally:
            self._wrote(coll, sandbox)

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

        try:
            self._with_retries("DELETE", path, attempt, base=coll.base)
        finally:
            self._wrote(coll, sandbox)

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
                return Patched(str(item.get("etag") or ""), item_ms(item, coll.updated_at))
            payload = self._json(response, "POST", path, taken_effect=True, base=coll.base)
            new_etag = payload.get("etag")
            if not isinstance(new_etag, str) or not new_etag:
                item = self._get_item(coll, sandbox, id_, state)
                new_etag = str(item.get("etag") or "")
            return Patched(new_etag, self._date_ms(response))

        try:
            return self._with_retries("POST", path, attempt, base=coll.base)
        finally:
            self._wrote(coll, sandbox)

    # -- base connections (thin wrappers ``provider.model`` calls) -----------------------------

    def create_connection(self, sandbox: str, body: Mapping[str, Any]) -> Created:
        """Create a base connection (see :meth:`create`)."""
        return self.create(CONNECTIONS, sandbox, body)
    def get_connection(self, sandbox: str, id_: str) -> Item:
        """The connection ``id_`` (see :meth:`get`)."""
        return self.get(CONNECTIONS, sandbox, id_)

    def find_by_name(self, sandbox: str, name: str) -> list[Item]:
        """Connections named exactly ``name`` (see :meth:`find`)."""
        return self.find(CONNECTIONS, sandbox, name)

    def patch_connection(
        self, sandbox: str, id_: str, etag: str, ops: Sequence[Mapping[str, Any]], *,
        applied: Callable[[Item], bool] | None = None,
    ) -> Patched:
        """Patch a base connection with ``If-Match`` (see :meth:`patch`)."""
        return self.patch(CONNECTIONS, sandbox, id_, etag, ops, applied=applied)

    def delete_connection(self, sandbox: str, id_: str) -> None:
        """Delete the connection (see :meth:`delete`)."""
        self.delete(CONNECTIONS, sandbox, id_)

    def _find_created(
        self, coll: Collection, sandbox: str, body: Mapping[str, Any], state: Attempt,
    ) -> Created | None:
        """The item an earlier, unanswered create attempt provably made, if listed
        (``creates.decide``); an ``ApiError`` naming every candidate when nothing is proven."""
        name = body.get("name")
        listed = (self._find_by_name(coll, sandbox, str(name), within=state)
                  if coll.by_name and isinstance(name, str)
                  else self._iter_items(coll, sandbox, (), LOOKUP_PAGE_SIZE, within=state))
        items = {str(item.get("id")): item for item in listed}
        since = self._server_clock.to_server(state.first_sent_ms or 0)
        decision = creates.decide(
            items.values(), identity=coll.identity(body), identity_of=coll.identity,
            created_by=coll.created_by, created_at=coll.created_at, creator=self._creator(),
            since_ms=since, held=held_ids)
        url = self._url(coll.base, coll.path)
        what = f"{coll.noun}s named {name!r}" if isinstance(name, str) else f"{coll.noun}s"
        if decision.ambiguous:
            ids = ", ".join(decision.candidates)
            count = len(decision.candidates)
            why = (f"could each be the one it made ({ids})" if decision.proven > 1 else
                   f"with the same settings exist ({ids}) that nothing proves were or were not "
                   f"made by it (no {coll.created_by} of this client or no {coll.created_at} "
                   "since the create, in the service's time)")
            raise ApiError("POST", coll.path, None,
                           f"the create's answer was lost and {count} {what} {why}; none was "
                           "taken and nothing more was created",
                           url=url, may_have_taken_effect=True, candidates=decision.candidates)
        if decision.adopt is None:
            return None
        found = items[decision.adopt]
        held_ids.hold(decision.adopt)
        _log.info("POST %s: answer was lost; %s %s was created by it", coll.path, coll.noun,
                  decision.adopt)
        etag = coll.version_of(found)
        if etag is None:
            raise ApiError("POST", coll.path, None,
                           f"the create's answer was lost; {coll.noun} {decision.adopt} was "
                           f"made by it but the list shows no {coll.version_key}",
                           url=url, may_have_taken_effect=True)
        return Created(decision.adopt, etag, item_ms(found, coll.created_at))

    def _creator(self) -> creates.Creator:
        """This caller as the API records creators: the API key, and the technical account
        the access token names (if it is a JWT)."""
        read = getattr(self._auth, "token", None)
        token = read() if callable(read) else None
        account = creates.technical_account(token) if isinstance(token, str) else None
        return creates.Creator(self.api_key, account)

    def _read_back(self, coll: Collection, sandbox: str, id_: str, state: Attempt) -> Created:
        """The item a create answered by id only, read back for its version."""
        item = self._get_item(coll, sandbox, id_, state)
        return Created(id_, coll.version_of(item) or "", item_ms(item, coll.created_at))

