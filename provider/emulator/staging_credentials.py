"""Landing-zone staging credentials for Databricks sources, per org and sandbox.

``GET /data/foundation/connectors/landingzone/credentials?type=dlz_databricks_source`` answers 200
``{"containerName", "SASToken", "storageAccountName", "SASUri", "expiryDate"}`` (``expiryDate``
a UTC date, ``"2026-12-06"``). The first GET of a sandbox issues its credentials; a GET after
they expired issues new ones itself (as Adobe documents: "if the token expired and was not
refreshed, the GET refreshes it"). ``POST ...&action=refresh`` issues new credentials at once
and **revokes** the previous token (``emu.staging_token_valid(token)`` turns false), answering
the same shape. Nothing else changes: container and account stay those of the sandbox.

Choices (UNCONFIRMED, so options): a token lives ``staging_ttl`` seconds (default 7 days) and is
expired from that instant on (``expiryDate`` shows the instant's UTC date); time comes from the
emulator's injectable clock, so tests expire a token by moving the clock. A ``type`` other than
``dlz_databricks_source`` is 400, an ``action`` other than ``refresh`` is 400, a GET with
``action`` is 400, and any other method is 405 (``ServiceError`` bodies of type
``LANDINGZONE-<status>``). The first issue counts as no refresh. Tokens are kept (and, with a
state file, saved) so a restarted emulator answers the same credentials.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from provider.emulator.connections import Caller
from provider.emulator.entity import Clock, ServiceError
from provider.emulator.store import ConnectionStore

CREDENTIALS_PATH = "/data/foundation/connectors/landingzone/credentials"
CREDENTIAL_TYPE = "dlz_databricks_source"
DEFAULT_STAGING_TTL = 7 * 86400
CONTAINER_NAME = "dlz-databricks-container"


def _error(status: int, message: str) -> ServiceError:
    return ServiceError("LANDINGZONE", status, message)


class StagingCredentialService:
    """Issues, serves, expires and revokes SAS tokens per (org, sandbox)."""

    def __init__(self, store: ConnectionStore, *, clock: Clock, ttl: float) -> None:
        if ttl <= 0:
            raise ValueError("staging_ttl must be positive")
        self.store = store
        self.clock = clock
        self.ttl = ttl
        self._issued: list[str] = []

    def serve(
        self, method: str, caller: Caller, query: Mapping[str, Sequence[str]]
    ) -> dict[str, Any]:
        """Answer a GET or a POST ``action=refresh``."""
        kind = (query.get("type") or [""])[-1]
        if kind != CREDENTIAL_TYPE:
            raise _error(400, f"The parameter 'type' must be {CREDENTIAL_TYPE}, got '{kind}'.")
        actions = query.get("action")
        action = actions[-1] if actions else None
        if method == "GET":
            if action is not None:
                raise _error(400, "The parameter 'action' is only accepted with POST.")
            return self.current(caller.scope, caller.client_id)
        if method == "POST":
            if action != "refresh":
                raise _error(400, "POST needs action=refresh.")
            return self.refresh(caller.scope, caller.client_id)
        raise _error(405, f"Method {method} is not allowed on the credentials endpoint.")

    def current(self, scope: tuple[str, str], client_id: str = "") -> dict[str, Any]:
        """The live credentials (issuing or re-issuing them when none are live)."""
        with self.store.locked():
            record = self.store.get(scope, CREDENTIAL_TYPE)
            if record is None or self.clock() >= record["expiresAt"]:
                record = self._issue(scope, record)
            return _answer(record)

    def refresh(self, scope: tuple[str, str], client_id: str = "") -> dict[str, Any]:
        """New credentials now; the previous token is revoked."""
        with self.store.locked():
            record = self._issue(scope, self.store.get(scope, CREDENTIAL_TYPE))
            record["refreshes"] += 1
            self.store.put(scope, record)
            return _answer(record)

    def record(self, scope: tuple[str, str]) -> dict[str, Any] | None:
        """The stored record (current token, expiry, revoked tokens, refresh count), or None."""
        return self.store.get(scope, CREDENTIAL_TYPE)

    def issued_tokens(self) -> tuple[str, ...]:
        """Every SAS token this process issued, in every scope (for leak hunts)."""
        with self.store.locked():
            return tuple(self._issued)

    def _issue(self, scope: tuple[str, str], previous: dict[str, Any] | None) -> dict[str, Any]:
        org, sandbox = scope
        digest = hashlib.sha256(f"{org}/{sandbox}".encode()).hexdigest()
        account = f"sndbxdtln{digest[:12]}"
        expires = self.clock() + self.ttl
        expiry_date = datetime.fromtimestamp(expires, tz=timezone.utc).strftime("%Y-%m-%d")
        token = (
            f"sv=2020-10-02&si=dlz-databricks-{digest[:8]}&sr=c&sp=racwdlm"
            f"&se={expiry_date}&sig={secrets.token_urlsafe(32)}"
        )
        revoked = list(previous["revoked"]) if previous else []
        if previous is not None:
            revoked.append(previous["SASToken"])
        record = {
            "id": CREDENTIAL_TYPE,
            "imsOrgId": org,
            "sandboxName": sandbox,
            "containerName": CONTAINER_NAME,
            "storageAccountName": account,
            "SASToken": token,
            "expiresAt": expires,
            "expiryDate": expiry_date,
            "revoked": revoked,
            "refreshes": previous["refreshes"] if previous else 0,
            "issued": (previous["issued"] if previous else 0) + 1,
        }
        self.store.put(scope, record)
        self._issued.append(token)
        return record


def _answer(record: dict[str, Any]) -> dict[str, Any]:
    account, container, token = (
        record["storageAccountName"],
        record["containerName"],
        record["SASToken"],
    )
    return {
        "containerName": container,
        "SASToken": token,
        "storageAccountName": account,
        "SASUri": f"https://{account}.blob.core.windows.net/{container}?{token}",
        "expiryDate": record["expiryDate"],
    }
