"""The ``/connections`` operations over the store: create, get, list, patch, delete, test."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from provider.emulator import listing
from provider.emulator.patching import apply_patch
from provider.emulator.problems import FlowError
from provider.emulator.store import ConnectionStore, Scope
from provider.emulator.validation import auth_spec_of, check_create, masked


@dataclass(frozen=True)
class Caller:
    """Who is asking, as the gateway established it."""

    client_id: str
    org_id: str
    sandbox: str
    user_id: str = ""
    """The token's technical account (``...@techacct.adobe.com``), "" when unknown."""

    @property
    def scope(self) -> Scope:
        """The (org, sandbox) the request works in."""
        return (self.org_id, self.sandbox)


def new_etag() -> str:
    """A fresh etag: a JSON string whose content includes literal double quotes."""
    return f'"{uuid.uuid4()}"'


class Stamps:
    """Epoch milliseconds from ``clock``, strictly increasing within a run, so "most recently
    updated first" has no ties. Every emulated entity stamps through one of these."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        """The next stamp."""
        with self._lock:
            self._last = max(int(self._clock() * 1000), self._last + 1)
            return self._last


class ConnectionService:
    """Flow Service base-connection semantics (see the package docstring)."""

    def __init__(
        self,
        store: ConnectionStore,
        *,
        mask: str = "****",
        require_version: bool = True,
        accept_unquoted_etag: bool = False,
    ) -> None:
        self.store = store
        self.mask = mask
        self.require_version = require_version
        self.accept_unquoted_etag = accept_unquoted_etag
        self._stamps = Stamps()
        self.test_results: dict[str, bool] = {}
        """Steered ``/test`` results by connection id (``Emulator.set_connection_test``)."""

    def create(self, caller: Caller, body: object) -> dict[str, Any]:
        """Store a new connection; return ``{"id", "etag"}``."""
        fields = check_create(body, require_version=self.require_version)
        stamp, etag = self._stamp(), new_etag()
        connection: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "createdAt": stamp,
            "updatedAt": stamp,
            "createdBy": caller.client_id,
            "updatedBy": caller.client_id,
            "createdClient": caller.client_id,
            "updatedClient": caller.client_id,
            "sandboxId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{caller.org_id}/{caller.sandbox}")),
            "sandboxName": caller.sandbox,
            "imsOrgId": caller.org_id,
            **fields,
            "state": "enabled",
            "version": etag,
            "etag": etag,
        }
        self.store.put(caller.scope, connection)
        return {"id": connection["id"], "etag": etag}

    def get(self, caller: Caller, id_: str) -> dict[str, Any]:
        """``{"items": [connection]}`` with secrets masked."""
        return {"items": [masked(self._require(caller, id_), self.mask)]}

    def list(self, caller: Caller, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """A page of connections (or a count), per ``listing``."""
        query = listing.parse_query(params)
        items = [masked(c, self.mask) for c in self.store.all(caller.scope)]
        return listing.run(items, query)

    def patch(self, caller: Caller, id_: str, if_match: str | None, body: object) -> dict[str, Any]:
        """Apply a JSON-Patch atomically if ``if_match`` is the current etag."""
        with self.store.locked():
            current = self._require(caller, id_)
            if if_match is None or not if_match.strip():
                raise FlowError("1403-400", "The header 'If-Match' is missing in the request.")
            if not self._etag_matches(if_match.strip(), current["etag"]):
                raise FlowError(
                    "1404-412",
                    f"Supplied version=[{if_match.strip()}] does not match the current "
                    f"version on entity=[{current['etag']}]",
                )
            auth_spec = auth_spec_of(current)
            if auth_spec is None:
                raise FlowError("1413-400", "The connection's spec is no longer known.")
            patched = apply_patch(current, body, auth_spec)
            etag = new_etag()
            patched.update(
                updatedAt=max(self._stamp(), current["updatedAt"] + 1),
                updatedBy=caller.client_id,
                updatedClient=caller.client_id,
                version=etag,
                etag=etag,
            )
            self.store.put(caller.scope, patched)
        return {"id": id_, "etag": etag}

    def delete(self, caller: Caller, id_: str) -> None:
        """Remove a connection unless a dataflow references it (1418-400)."""
        with self.store.locked():
            self._require(caller, id_)
            if self.store.is_referenced(id_):
                raise FlowError(
                    "1418-400",
                    f"The base connection with the ID {id_} cannot be deleted because the base "
                    "connection is being used in one or more flows.",
                )
            self.store.delete(caller.scope, id_)

    def test(self, caller: Caller, id_: str) -> dict[str, Any]:
        """``{"result": bool}``: the steered result for this id if any, else false when the
        domain's host contains "unreachable"."""
        connection = self._require(caller, id_)
        if id_ in self.test_results:
            return {"result": self.test_results[id_]}
        domain = str(connection["auth"]["params"].get("domain", ""))
        host = urlsplit(domain if "//" in domain else f"//{domain}").hostname or domain
        return {"result": "unreachable" not in host}

    def _stamp(self) -> int:
        return self._stamps.next()

    def _require(self, caller: Caller, id_: str) -> dict[str, Any]:
        found = self.store.get(caller.scope, id_)
        if found is None:
            raise FlowError(
                "1101-404",
                f"connections not found with id = [{id_}]",  # Adobe's text, to the letter
            )
        return found

    def _etag_matches(self, supplied: str, current: str) -> bool:
        if supplied == current:
            return True
        return self.accept_unquoted_etag and f'"{supplied}"' == current
