"""Authentication for Flow Service calls: Adobe IMS OAuth server-to-server, or a pre-issued token.

Both classes are ``requests.auth.AuthBase`` objects: attach one to a session (or pass it as
``auth=``) and every request gets ``Authorization: Bearer <token>``.

``ImsTokenAuth`` fetches a token with the client-credentials grant (``POST {ims}/ims/token/v3``)
and keeps it in a cache shared by the whole process, keyed by (IMS URL, client id, scopes, a
hash of the secret), so every client and thread in the provider host reuses one token. The token
is refreshed shortly before it expires, and once when Flow Service answers 401 (the request is
then re-sent with the fresh token, like httpx's and requests-oauthlib's auth flows).

``StaticTokenAuth`` sends a token the user already has; it cannot refresh it.

Every client secret and access token is registered with ``provider.redaction`` as soon as it is
known, and neither appears in ``repr()``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from requests.auth import AuthBase

from provider import redaction
from provider.errors import AuthError
from provider.http import transport
from provider.http.answers import Unreadable, expect_json_object, json_object, retry_after
from provider.http.retry import IMS_RETRY, RETRY_STATUSES, GaveUp, Retrier, Retryable, RetryPolicy
from provider.settings import DEFAULT_SCOPES

__all__ = [
    "DEFAULT_SCOPES",
    "IMS_RETRY",
    "ImsTokenAuth",
    "StaticTokenAuth",
    "clear_token_cache",
    "token_request_count",
]

TOKEN_PATH = "/ims/token/v3"

# IMS token requests are idempotent, so they are retried on ``RETRY_STATUSES`` and transport
# failures within ``IMS_RETRY`` (and within what is left of the platform call's budget, when
# inside one): both from ``provider.http.retry``.
# The old JWT exchange answered expires_in in milliseconds; no real token lives ten days.
_MAX_TTL_SECONDS = 10 * 86400

_log = logging.getLogger("provider.auth")
_log.addFilter(redaction.RedactingFilter())

_CacheKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float  # on the owning auth object's clock


class _TokenCache:
    """Process-wide tokens, one lock per key so one fetch serves every waiting thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[_CacheKey, _Token] = {}
        self._key_locks: dict[_CacheKey, threading.Lock] = {}
        self.requests = 0

    def key_lock(self, key: _CacheKey) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def get(self, key: _CacheKey) -> _Token | None:
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: _CacheKey, token: _Token) -> None:
        with self._lock:
            self._tokens[key] = token

    def invalidate(self, key: _CacheKey, value: str) -> None:
        """Forget the token for ``key`` only if it is still ``value``."""
        with self._lock:
            current = self._tokens.get(key)
            if current is not None and current.value == value:
                del self._tokens[key]

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._key_locks.clear()
            self.requests = 0


_cache = _TokenCache()


def token_request_count() -> int:
    """How many token requests this process has sent to IMS (retries included)."""
    return _cache.requests


def clear_token_cache() -> None:
    """Forget every cached token and reset the request counter (for tests and benchmarks)."""
    _cache.clear()


class ImsTokenAuth(AuthBase):
    """Bearer auth with an Adobe IMS OAuth server-to-server (client credentials) token.

    Thread-safe. Concurrent callers with the same credentials trigger one token request. The
    token is renewed ``min(refresh_margin, ttl / 10)`` seconds before it expires, and once when a
    response is 401 (the request is re-sent once with a new token; a second 401 is returned to
    the caller). Raises ``AuthError`` when IMS refuses or cannot be reached.

    No redirect is followed: the client secret is only ever sent to ``ims_url``'s host.
    ``retry`` bounds the token request (attempts' deadlines included); ``clock`` (monotonic
    seconds) and ``sleep`` exist for tests; ``session`` is used for IMS calls only.
    """

    def __init__(
        self,
        ims_url: str,
        client_id: str,
        client_secret: str,
        scopes: str = DEFAULT_SCOPES,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        session: requests.Session | None = None,
        refresh_margin: float = 300.0,
        retry: RetryPolicy = IMS_RETRY,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        redaction.register(client_secret)
        self.ims_url = ims_url.rstrip("/")
        self.client_id = client_id
        self.scopes = scopes
        self.timeout = timeout
        self.refresh_margin = refresh_margin
        self._secret = client_secret
        self.retry = retry
        self._session = transport.session_with(transport.DeadlineAdapter(), session)
        self._clock = clock
        self._sleep = sleep
        secret_hash = hashlib.sha256(client_secret.encode()).hexdigest()
        self._key: _CacheKey = (self.ims_url, client_id, scopes, secret_hash)

    def __repr__(self) -> str:
        return (
            f"ImsTokenAuth(ims_url={self.ims_url!r}, client_id={self.client_id!r}, "
            f"scopes={self.scopes!r})"
        )

    @property
    def fingerprint(self) -> str:
        """Which credential this is (IMS, client, scopes, secret), as a digest: shared listings
        are never served across credentials (``provider.http.reads``)."""
        return hashlib.sha256(repr(self._key).encode()).hexdigest()[:16]

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.token()}"
        r.register_hook("response", self._retry_on_401)
        return r

    def token(self) -> str:
        """A valid access token, from the process cache or freshly issued by IMS."""
        cached = _cache.get(self._key)
        if cached is not None and self._clock() < cached.refresh_at:
            return cached.value
        with _cache.key_lock(self._key):
            # Another thread may have fetched it while this one waited for the lock.
            cached = _cache.get(self._key)
            if cached is not None and self._clock() < cached.refresh_at:
                return cached.value
            token = self._fetch()
            _cache.put(self._key, token)
            return token.value

    def invalidate(self, failed_token: str) -> None:
        """Drop ``failed_token`` from the cache unless another thread already replaced it."""
        _cache.invalidate(self._key, failed_token)


    def _retry_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401:
            return response
        request = response.request
        sent = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        self.invalidate(sent)
        # The refused answer is not read (it may be huge): its connection is simply closed.
        response.close()
        retry = request.copy()
        # copy() shares the hooks dict; give the retry its own, without this hook, so a second
        # 401 reaches the caller instead of looping.
        retry.hooks = {
            event: [h for h in hooks if h != self._retry_on_401]
            for event, hooks in request.hooks.items()
        }
        if hasattr(retry.body, "read"):
            requests.utils.rewind_body(retry)
        retry.headers["Authorization"] = f"Bearer {self.token()}"
        _log.debug("401 from %s: retrying once with a fresh IMS token", request.path_url)
        adapter = response.connection
        fresh: requests.Response = adapter.send(retry, **kwargs)
        fresh.history.append(response)
        fresh.request = retry
        return fresh

    def _fetch(self) -> _Token:
        url = f"{self.ims_url}{TOKEN_PATH}"
        retrier = Retrier(self.retry, timeout=self.timeout[1], clock=self._clock,
                          sleep=self._sleep)
        try:
            return retrier.run(lambda attempt: self._request_token(url, attempt.left()))
        except GaveUp as spent:
            raise AuthError(
                f"Could not get an access token from Adobe IMS at {url}: {spent.last.detail} "
                f"({spent.reason}).", reason="unreachable",
            ) from None

    def _request_token(self, url: str, deadline: float) -> _Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret,
            "scope": self.scopes,
        }
        _cache.count_request()
        started = self._clock()
        try:
            response = transport.send(
                self._session, "POST", url, deadline=deadline,
                timeouts=transport.Timeouts(*self.timeout), data=form,
                headers={"Accept": "application/json"},
            )
        except transport.Refused as refused:
            where = (f"redirected to {refused.location_host}"
                     if refused.location_host is not None else refused.detail)
            raise AuthError(
                f"Adobe IMS at {url} gave an answer that cannot be used: {refused.detail} "
                f"({where}); nothing was sent anywhere else.",
                reason="unusable", status=refused.status,
            ) from None
        _log.debug("POST %s -> %s", TOKEN_PATH, response.status_code)
        if response.status_code in RETRY_STATUSES:
            raise Retryable(response.status_code, f"HTTP {response.status_code}",
                            ambiguous=False, retry_after=retry_after(response))
        if response.status_code != 200:
            raise self._refused(url, response, json_object(response))
        try:
            payload = expect_json_object(response)
        except Unreadable as unreadable:
            payload = {"_": str(unreadable)}
        value = payload.get("access_token")
        ttl = payload.get("expires_in")
        if (not isinstance(value, str) or not value or not isinstance(ttl, (int, float))
                or isinstance(ttl, bool)):
            raise AuthError(
                f"Adobe IMS at {url} answered HTTP 200 without an access_token and expires_in.",
                reason="no-token", status=response.status_code,
            )
        redaction.register(value)
        seconds = float(ttl) / 1000.0 if ttl > _MAX_TTL_SECONDS else float(ttl)
        margin = min(self.refresh_margin, seconds / 10.0)
        return _Token(value=value, refresh_at=started + seconds - margin)

    def _refused(self, url: str, response: requests.Response, payload: dict[str, Any]) -> AuthError:
        code = payload.get("error")
        description = payload.get("error_description") or payload.get("message")
        said = redaction.server_text(": ".join(str(p) for p in (code, description) if p)
                                     or response.reason or "no detail")
        return AuthError(
            f"Adobe IMS at {url} refused the token request for client id {self.client_id} and "
            f"scopes {self.scopes}: HTTP {response.status_code}: {said}.",
            reason="refused", status=response.status_code,
            code=redaction.server_text(str(code), 64) if code else None,
        )


class StaticTokenAuth(AuthBase):
    """Bearer auth with a pre-issued access token (``aep:accessToken``). It cannot refresh."""

    def __init__(self, access_token: str) -> None:
        redaction.register(access_token)
        self._token = access_token

    @property
    def fingerprint(self) -> str:
        """Which credential this is, as a digest (shared listings are never served across
        credentials: ``provider.http.reads``)."""
        return hashlib.sha256(self._token.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return "StaticTokenAuth(access_token=[REDACTED])"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def token(self) -> str:
        """The token given at construction."""
        return self._token

