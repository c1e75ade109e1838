"""One HTTP attempt with every answer treated as untrusted, for IMS and Flow Service alike.

``send`` makes one request and returns a ``requests.Response`` whose body is already read, or
raises:

- ``Retryable`` (``provider.http.retry``) for a transport failure or an attempt that outlived its
  deadline; ``ambiguous`` unless the request provably never left this machine;
- ``Refused`` for an answer that must not be used: a redirect (never followed: a credential must
  never reach a host other than the configured one), or a body larger than ``MAX_BODY_BYTES``
  (refused without being read whole), or a request that cannot be sent at all.

Each attempt has a *total* deadline, not only a per-read timeout: a watchdog shuts the socket
down when it passes, so a server trickling one byte at a time costs at most the deadline. The
watchdog finds the socket through the connection classes of ``DeadlineAdapter``, which every
session used by the provider mounts.

No exception of ``requests``, ``urllib3`` or the standard library leaves this module raw.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from provider.http.retry import Retryable
from provider.redaction import redact, server_text
from provider.validation import decimal_int

__all__ = ["MAX_BODY_BYTES", "NOTHING_LISTENING", "TIMED_OUT", "TLS_FAILED", "DeadlineAdapter",
           "Refused", "send"]

# How a transport failure of each kind is told (plain words, never a library's class name);
# ``provider.advice`` reads them to advise the command-line tools by kind.
NOTHING_LISTENING = "nothing is listening at"
TLS_FAILED = "the TLS handshake failed with"
TIMED_OUT = "timed out"

# The largest answer read: a full page of 100 connections is far below it.
MAX_BODY_BYTES = 4 * 1024 * 1024
_CHUNK = 64 * 1024
_POOL_SIZE = 16

_RETRYABLE = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class Refused(Exception):
    """An answer (or a request) that must not be used. ``status`` is None when nothing answered;
    ``location_host`` is set for a redirect."""

    def __init__(self, status: int | None, detail: str, *, location_host: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(redact(detail))
        self.status = status
        self.detail = redact(detail)
        self.location_host = location_host
        self.request_id = request_id


class _Watch:
    """The deadline of the attempt running on this thread and the sockets it uses."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.expired = False
        self.conns: list[HTTPConnection] = []
        # http.client hands the socket to the response and forgets it (Connection: close), so
        # the socket itself is kept too.
        self.socks: list[socket.socket] = []

    def use(self, conn: HTTPConnection) -> None:
        with self.lock:
            self.conns.append(conn)
            sock = getattr(conn, "sock", None)
            if sock is not None:
                self.socks.append(sock)
            if self.expired:
                self._interrupt()

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            self._interrupt()

    def _interrupt(self) -> None:
        socks = [*self.socks, *(getattr(c, "sock", None) for c in self.conns)]
        for sock in socks:
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed: nothing left to interrupt
                    sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


def _register(conn: HTTPConnection) -> None:
    watch: _Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.use(conn)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)
        _register(self)  # now connected: its socket is known


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)
        _register(self)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections the attempt watchdog can interrupt; it counts what it sends
    (401 re-sends included) and never retries on its own."""

    def __init__(self) -> None:
        super().__init__(pool_connections=4, pool_maxsize=_POOL_SIZE, max_retries=0)
        self._lock = threading.Lock()
        self.sent = 0

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool, "https": _WatchedHTTPSPool,
        }

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        with self._lock:
            self.sent += 1
        return super().send(request, *args, **kwargs)


def session_with(adapter: DeadlineAdapter, session: requests.Session | None = None
                 ) -> requests.Session:
    """``session`` (or a new one) with ``adapter`` mounted for every URL, no proxy or netrc from
    the environment, and redirects never followed."""
    session = session if session is not None else requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    return session


@dataclass(frozen=True)
class Timeouts:
    """Connect and per-read timeouts, in seconds (each also cut to the attempt's deadline)."""

    connect: float
    read: float


def send(
    session: requests.Session, method: str, url: str, *, deadline: float, timeouts: Timeouts,
    headers: Mapping[str, str], data: bytes | Mapping[str, str] | None = None,
    params: list[tuple[str, str]] | None = None, auth: requests.auth.AuthBase | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> requests.Response:
    """One request, finished (body read) within ``deadline`` seconds, never redirected."""
    watch = _Watch()
    outer = getattr(_current, "watch", None)
    _current.watch = watch
    timer = threading.Timer(max(deadline, 0.001), watch.expire)
    timer.daemon = True
    timer.start()
    limit = max(min(deadline, timeouts.read), 0.001)
    answered: int | None = None  # the status, once an answer arrived (the request was sent)
    try:
        try:
            response = session.request(
                method, url, params=params, data=data, headers=dict(headers), auth=auth,
                timeout=(max(min(deadline, timeouts.connect), 0.001), limit),
                allow_redirects=False, stream=True,
            )
            answered = response.status_code
            try:
                _check_answer(response, max_bytes)
                response._content = _read(response, max_bytes)
            finally:
                response.close()
        except _RETRYABLE as exc:
            if watch.expired:
                raise _late(deadline) from None
            raise Retryable(None, _describe(exc), ambiguous=not _never_sent(exc)) from None
        except (requests.RequestException, urllib3.exceptions.HTTPError,
                http.client.HTTPException, OSError, ValueError) as exc:
            if watch.expired:
                raise _late(deadline) from None
            if answered is not None:
                # Sent and answered: a POST may have taken effect, so never "not sent".
                raise Refused(answered, f"the answer could not be read: {_describe(exc)}") \
                    from None
            raise Refused(None, f"the request could not be sent: {_describe(exc)}") from None
        if watch.expired:
            raise _late(deadline)
        return response
    finally:
        timer.cancel()
        _current.watch = outer


def _late(deadline: float) -> Retryable:
    return Retryable(None, f"{TIMED_OUT}: no complete answer within the attempt's "
                           f"{deadline:.1f}s deadline", ambiguous=True)


def _check_answer(response: requests.Response, max_bytes: int) -> None:
    status = response.status_code
    request_id = response.headers.get("x-request-id")
    if 300 <= status < 400:
        location = response.headers.get("Location") or ""
        try:
            host = urlsplit(location).hostname or "(same host)"
        except ValueError:
            host = "(unreadable Location)"
        if not location:
            host = "(no Location)"
        host = server_text(host, 100)
        raise Refused(status, f"the server answered HTTP {status}, a redirect to {host}, which is "
                              "never followed (credentials must not reach another host)",
                      location_host=host, request_id=request_id)
    length = decimal_int(response.headers.get("Content-Length"), 30)
    if length is not None and length > max_bytes:
        raise Refused(status, f"the answer is {length} bytes, more than the "
                              f"{max_bytes}-byte limit; it was not read",
                      request_id=request_id)


def _read(response: requests.Response, max_bytes: int) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise Refused(response.status_code,
                          f"the answer is larger than the {max_bytes}-byte limit; reading stopped",
                          request_id=response.headers.get("x-request-id"))
    return bytes(body)


_SSL_REASON = re.compile(r"\[SSL[^\]]*\][^'\"()]*")


def _describe(exc: BaseException) -> str:
    """The failure in plain words: the three kinds a user can act on by name (nothing
    listening, TLS, timeout), else the library's first line."""
    request = getattr(exc, "request", None)
    where = urlsplit(getattr(request, "url", "") or "").netloc or "the server"
    if isinstance(exc, requests.exceptions.SSLError):
        found = _SSL_REASON.search(str(exc))
        return server_text(f"{TLS_FAILED} {where}" + (f": {found.group(0).strip()}" if found
                                                      else ""), 200)
    if isinstance(exc, requests.Timeout):
        return server_text(f"{TIMED_OUT}: {where} did not answer in time", 200)
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, NewConnectionError) and isinstance(reason.__cause__,
                                                             ConnectionRefusedError):
        return server_text(f"{NOTHING_LISTENING} {where} (connection refused)", 200)
    # The library's text can be long and nested; its first line says enough.
    text = str(exc).splitlines()[0] if str(exc) else ""
    return server_text(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, 200)


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether a transport failure happened before the request could reach the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)
