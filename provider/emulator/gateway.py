"""IMS (token issuing) and the Adobe I/O gateway checks in front of Flow Service.

Checks run in this order, each with the gateway's own answer: ``Authorization`` missing (403
403010), token unknown, expired or revoked (401 401013), ``x-api-key`` missing (403 403000) or not
the client the token was issued to (403 403003), ``x-gw-ims-org-id`` missing (400 400003) or not
the org the token's client belongs to (403 403025 "Profile is not valid"), ``x-sandbox-name``
missing (``prod`` or 400 2105-400, per ``missing_sandbox``), malformed (404 2100-404) or not one
of the org's sandboxes (404 2101-404), and POST/PATCH with a body but without a JSON content
type (400 BadRequestError).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Set

from provider.emulator.connections import Caller
from provider.emulator.problems import ContentTypeError, FlowError, GatewayError, ImsError

_SANDBOX = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_IMS_FIELDS = ("grant_type", "client_id", "client_secret", "scope")


def _segment(value: object) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_claims(token: str) -> dict[str, object]:
    """The payload claims of a JWT-shaped token (empty when it is not one)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


class TokenIssuer:
    """Issues bearer tokens for one demo client; tracks expiry and revocation.

    A token is shaped as Adobe's IMS access tokens are, a JWT (``header.payload.signature``,
    base64url): the payload's claims include ``client_id``, ``user_id`` (the client's technical
    account, ``<24 hex>@techacct.adobe.com``, fixed per emulator), ``org``, ``type``
    (``access_token``), ``created_at``/``expires_in`` (milliseconds, as IMS writes them) and a
    random ``id``; the signature is random bytes (nothing verifies it), so tokens stay
    unpredictable. ``clock`` (seconds, monotonic) decides expiry; tests pass a fake one to expire
    tokens without waiting. ``org_id`` is the org the client (and so every token) belongs to.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        ttl: int,
        clock: Callable[[], float] = time.monotonic,
        org_id: str = "",
    ) -> None:
        self.client_id = client_id
        self.org_id = org_id
        self._client_secret = client_secret
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._issued_values: list[str] = []
        self.issued = 0
        self.technical_account = f"{secrets.token_hex(12).upper()}@techacct.adobe.com"

    def issue(self, form: Mapping[str, str]) -> dict[str, object]:
        """Answer ``POST /ims/token/v3`` for the parsed form, or raise ImsError."""
        missing = [f for f in _IMS_FIELDS if not form.get(f)]
        if missing == ["scope"]:
            # Adobe's IMS names a missing or empty scope as a scope error (AdobeDocs'
            # adobe-dev-console#54); the other fields are plain OAuth invalid_request.
            raise ImsError(400, "invalid_scope", "invalid scope")
        if missing:
            raise ImsError(400, "invalid_request", f"Missing required parameter: {missing[0]}")
        if form["grant_type"] != "client_credentials":
            raise ImsError(400, "unsupported_grant_type", "Only client_credentials is supported.")
        if form["client_id"] != self.client_id or not secrets.compare_digest(
            form["client_secret"], self._client_secret
        ):
            raise ImsError(401, "invalid_client", "Invalid client_id or client_secret.")
        token = self._new_token(form["client_id"])
        with self._lock:
            self._tokens[token] = (form["client_id"], self._clock() + self.ttl)
            self._issued_values.append(token)
            self.issued += 1
        return {"access_token": token, "token_type": "bearer", "expires_in": self.ttl}

    def _new_token(self, client_id: str) -> str:
        header = {"alg": "RS256", "x5u": "ims_na1-key-at-1.cer", "kid": "ims_na1-key-at-1",
                  "itt": "at"}
        claims = {
            "id": secrets.token_hex(16),
            "type": "access_token",
            "client_id": client_id,
            "user_id": self.technical_account,
            "as": "ims-na1",
            "org": self.org_id,
            "created_at": str(int(self._clock() * 1000)),
            "expires_in": str(self.ttl * 1000),
        }
        signature = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        return f"{_segment(header)}.{_segment(claims)}.{signature}"

    def user_of(self, client_id: str) -> str:
        """The technical account a client's tokens name (one demo client: one account)."""
        return self.technical_account if client_id == self.client_id else client_id

    def issued_values(self) -> tuple[str, ...]:
        """Every token issued so far, revoked and expired ones included (for leak hunts)."""
        with self._lock:
            return tuple(self._issued_values)

    def client_of(self, token: str) -> str | None:
        """The client a live token was issued to, or None."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None
            if self._clock() >= entry[1]:
                del self._tokens[token]
                return None
            return entry[0]

    def revoke_all(self) -> None:
        """Invalidate every token issued so far."""
        with self._lock:
            self._tokens.clear()


def authenticate(
    method: str,
    headers: Mapping[str, str],
    tokens: TokenIssuer,
    missing_sandbox: str,
    sandboxes: Set[str] | None = None,
    *,
    has_body: bool = True,
) -> Caller:
    """Run the gateway checks on a Flow Service request; return the caller or raise.

    A POST/PATCH/PUT with a body needs a JSON content type; one without a body (Adobe's flow
    action example sends no body and no ``Content-Type``) needs none.
    """
    authorization = headers.get("authorization", "").strip()
    if not authorization:
        raise GatewayError(403, "403010", "Oauth token is missing.")
    scheme, _, token = authorization.partition(" ")
    client = tokens.client_of(token.strip()) if scheme.lower() == "bearer" else None
    if client is None:
        raise GatewayError(401, "401013", "Oauth token is not valid")
    api_key = headers.get("x-api-key", "").strip()
    if not api_key:
        raise GatewayError(403, "403000", "Api Key is required")
    if api_key != client:
        raise GatewayError(403, "403003", "Api Key is invalid")
    org_id = headers.get("x-gw-ims-org-id", "").strip()
    if not org_id:
        raise GatewayError(400, "400003", "Missing header")
    if tokens.org_id and org_id != tokens.org_id:
        raise GatewayError(403, "403025", "Profile is not valid")
    sandbox = sandbox_of(headers, missing_sandbox, sandboxes)
    needs_json = method in ("POST", "PATCH", "PUT") and has_body
    if needs_json and not is_json(headers.get("content-type", "")):
        raise ContentTypeError()
    return Caller(
        client_id=client, org_id=org_id, sandbox=sandbox, user_id=tokens.user_of(client)
    )


def sandbox_of(
    headers: Mapping[str, str], missing_sandbox: str, sandboxes: Set[str] | None = None
) -> str:
    """The sandbox a request targets, per the ``missing_sandbox`` policy.

    ``sandboxes`` are the names that exist (None: every well-formed name exists). Adobe's
    catalogue lists both 2100-404 and 2101-404 for a sandbox name not found without saying which
    case each covers; the emulator answers 2100-404 for a malformed name and 2101-404 for a
    well-formed one that does not exist.
    """
    sandbox = headers.get("x-sandbox-name")
    if sandbox is None or not sandbox.strip():
        if missing_sandbox == "error":
            raise FlowError("2105-400", "The header x-sandbox-name is missing in the request.")
        return "prod"
    sandbox = sandbox.strip()
    if not _SANDBOX.match(sandbox):
        raise FlowError("2100-404", f"Sandbox with name '{sandbox}' not found.")
    if sandboxes is not None and sandbox not in sandboxes:
        raise FlowError("2101-404", f"Sandbox with name '{sandbox}' not found.")
    return sandbox


def is_json(content_type: str) -> bool:
    """``application/json`` or any ``+json`` media type, parameters allowed."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )
