"""The HTTP layer: a threading HTTP/1.1 server with keep-alive, faults and the request log.

The handler reads the request, asks ``Faults`` what to do, lets the ``Router`` answer, records
the request (redacted) and writes the answer with ``Content-Length``. A dropped connection is
closed with ``SO_LINGER`` 0, so the client sees a reset rather than a clean end of stream.
Reading is bounded: a request must arrive whole within ``REQUEST_READ_SECONDS`` (408 and close
otherwise, see :class:`_DeadlineReader`), and a body is taken only by ``Content-Length``: any
``Transfer-Encoding`` is answered 411 and the connection closed, so bytes of an unread chunked
body can never be taken for the next request (request smuggling).
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import struct
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from provider.emulator.faults import Faults
from provider.emulator.limits import DEFAULT_WORKERS, MAX_BODY_BYTES, REQUEST_READ_SECONDS
from provider.emulator.problems import (
    EmulatorHTTPError,
    FlowError,
    GatewayError,
    server_fault,
    throttled,
)
from provider.emulator.recording import (
    RecordedRequest,
    redact_body,
    redact_headers,
    redact_query,
)
from provider.emulator.router import Answer, Router, relative_path


class EmulatorServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its router, faults and recorder and its open sockets."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        router: Router,
        faults: Faults,
        recorder: Callable[[RecordedRequest], None],
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        super().__init__(address, EmulatorHandler)
        self.router = router
        self.faults = faults
        self.recorder = recorder
        self.stopping = False
        self.sleep: Callable[[float], None] = time.sleep  # latency and delay faults; injectable
        # The request read deadline (see REQUEST_READ_SECONDS) runs on this clock; injectable.
        self.clock: Callable[[], float] = time.monotonic
        self.read_seconds = REQUEST_READ_SECONDS
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        # At most `workers` connections are served at once (one thread each); an idle
        # keep-alive holds its slot until it ends, so a flood of idle sockets cannot grow threads.
        self._slots = threading.BoundedSemaphore(workers)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread if a worker slot is free, else answer 503 and close."""
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            threading.Thread(
                target=self._serve_in_slot, args=(request, client_address), daemon=True
            ).start()
        except RuntimeError:  # no thread could be started
            self._slots.release()
            self._refuse(request)

    def _serve_in_slot(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: Any) -> None:
        """Answer 503 (Flow Service's 1103-503 body, Retry-After: 1) and close, in this thread."""
        with contextlib.suppress(OSError):
            request.settimeout(1)
        _raw_answer(request, "503 Service Unavailable", server_fault(503), "Retry-After: 1\r\n")
        self.shutdown_request(request)

    def track(self, sock: socket.socket, *, opened: bool) -> None:
        """Remember (or forget) a client socket, so ``close_clients`` can end keep-alives."""
        with self._open_lock:
            if opened:
                self._open.add(sock)
            else:
                self._open.discard(sock)

    def close_clients(self) -> None:
        """Shut every open client connection (idle keep-alives included)."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about connections the client (or a drop fault) broke."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def _raw_answer(
    sock: socket.socket, status: str, error: EmulatorHTTPError, headers: str = ""
) -> None:
    """Write ``error``'s whole JSON answer, ``headers`` (``Name: value\\r\\n`` lines) and
    ``Connection: close`` straight to ``sock``: no request state needed, it may be unparsed."""
    body = json.dumps(error.body(str(uuid.uuid4()))).encode("utf-8")
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n"
    ).encode("ascii")
    with contextlib.suppress(OSError):
        sock.sendall(head + body)


class _TooSlow(TimeoutError):
    """The request did not arrive whole before its read deadline."""


class _DeadlineReader(io.RawIOBase):
    """The connection's input, read under the current request's deadline.

    Each read waits at most the time left before ``deadline`` (an end time on ``clock``), and at
    most ``idle`` seconds when no deadline runs; once the deadline has passed, reading raises
    :class:`_TooSlow` even if bytes keep coming, which is what a per-read timeout cannot do.
    Without a deadline, the first bytes read start one (a keep-alive connection's next request).
    """

    def __init__(
        self, raw: Any, sock: socket.socket, clock: Callable[[], float], seconds: float,
        idle: float,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._clock = clock
        self._seconds = seconds
        self._idle = idle
        self.deadline: float | None = clock() + seconds  # the first request: from the opening
        self.expired = False

    def readable(self) -> bool:
        """Always: this is an input stream."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read what is there, waiting no longer than the deadline allows."""
        wait = self._idle
        if self.deadline is not None:
            left = self.deadline - self._clock()
            if left <= 0:
                self.expired = True
                raise _TooSlow(f"the request did not arrive within {self._seconds:g} s")
            wait = min(wait, left)
        self._sock.settimeout(wait)
        try:
            count: int = self._raw.readinto(buffer)
        except TimeoutError:
            # Nothing came before the deadline (not merely the idle wait between requests).
            self.expired = self.deadline is not None
            raise
        if self.deadline is None and count:
            self.deadline = self._clock() + self._seconds
        return count

    def close(self) -> None:
        """Close the underlying socket stream too."""
        try:
            self._raw.close()
        finally:
            super().close()


class _BodyRefused(Exception):
    """The request body is refused before it is read (too large, bad Content-Length, any
    Transfer-Encoding)."""

    def __init__(self, error: FlowError | GatewayError) -> None:
        super().__init__(error.message)
        self.error = error


class EmulatorHandler(BaseHTTPRequestHandler):
    """One connection; serves requests until the client or the server closes it."""

    protocol_version = "HTTP/1.1"
    # The Server header names the emulator (tests validate its answers by it), no Python version.
    server_version = "aep-flow-emulator"
    sys_version = ""
    server: EmulatorServer
    timeout = 120  # idle keep-alive connections end eventually
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds ~40 ms.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        """Track the socket; read it under the request deadline."""
        super().setup()
        self.server.track(self.connection, opened=True)
        self._reader = _DeadlineReader(
            self.rfile.detach(),
            self.connection,
            self.server.clock,
            self.server.read_seconds,
            self.timeout,
        )
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        """Serve one request; one that missed its read deadline gets 408 and the connection ends.

        The next request's deadline starts at its first byte, so an idle keep-alive is not cut.
        """
        super().handle_one_request()
        if self._reader.expired:
            self.close_connection = True
            _raw_answer(
                self.connection,
                "408 Request Timeout",
                GatewayError(
                    408,
                    "408000",
                    f"The request did not arrive within {self.server.read_seconds:g} seconds.",
                ),
            )
        self._reader.deadline = None

    def finish(self) -> None:
        """Untrack the socket."""
        try:
            super().finish()
        finally:
            self.server.track(self.connection, opened=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log (the request log replaces it)."""

    def do_GET(self) -> None:
        """Serve GET."""
        self._serve()

    def do_POST(self) -> None:
        """Serve POST."""
        self._serve()

    def do_PATCH(self) -> None:
        """Serve PATCH."""
        self._serve()

    def do_DELETE(self) -> None:
        """Serve DELETE."""
        self._serve()

    def do_PUT(self) -> None:
        """Serve PUT (answered 405)."""
        self._serve()

    def _serve(self) -> None:
        if self.server.stopping:
            self._reset()
            return
        request_id = str(uuid.uuid4())
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            raw = self._read_body()
        except _BodyRefused as refused:
            # The body was not read, so the connection cannot carry another request.
            self.close_connection = True
            answer = Answer.from_error(refused.error, request_id)
            answer.headers["Connection"] = "close"
            self._record_refused(url.path, query, headers, answer.status)
            self._send(answer, request_id)
            return
        decision = self.server.faults.decide(self.command, relative_path(url.path))

        def record(status: int) -> None:
            self.server.recorder(
                RecordedRequest(
                    method=self.command,
                    path=url.path,
                    query=redact_query(query),
                    headers=redact_headers(headers),
                    body=redact_body(raw, headers.get("content-type", "")),
                    status=status,
                    sandbox=headers.get("x-sandbox-name"),
                )
            )

        if decision.latency > 0:
            self.server.sleep(decision.latency)
        if decision.drop == "before":
            record(0)
            self._reset()
            return
        if decision.status == 429:
            answer = Answer.from_error(throttled(decision.retry_after), request_id)
        elif decision.status is not None:
            answer = Answer.from_error(server_fault(decision.status), request_id)
        else:
            answer = self.server.router.dispatch(
                self.command, url.path, query, headers, raw, request_id
            )
        if decision.delay > 0:
            self.server.sleep(decision.delay)
        if decision.drop == "after":
            record(0)
            self._reset()
            return
        record(answer.status)
        self._send(answer, request_id)

    def _read_body(self) -> bytes:
        if "Transfer-Encoding" in self.headers:
            raise _BodyRefused(
                GatewayError(
                    411,
                    "411000",
                    "Transfer-Encoding is not accepted; send the body with a Content-Length.",
                )
            )
        length = self.headers.get("Content-Length")
        try:
            size = int(length) if length else 0
        except ValueError:
            size = -1
        if size < 0:
            raise _BodyRefused(FlowError("1100-400", f"Invalid Content-Length {length!r}."))
        if size > MAX_BODY_BYTES:
            raise _BodyRefused(
                GatewayError(
                    413,
                    "413000",
                    f"Request body of {size} bytes is larger than the {MAX_BODY_BYTES} accepted.",
                )
            )
        return self.rfile.read(size) if size > 0 else b""

    def _record_refused(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str], status: int
    ) -> None:
        self.server.recorder(
            RecordedRequest(
                method=self.command,
                path=path,
                query=redact_query(query),
                headers=redact_headers(headers),
                body=None,
                status=status,
                sandbox=headers.get("x-sandbox-name"),
            )
        )

    def _send(self, answer: Answer, request_id: str) -> None:
        payload = b"" if answer.body is None else json.dumps(answer.body).encode("utf-8")
        content_type = "application/json" if answer.body is not None else None
        if answer.raw is not None:
            payload, content_type = answer.raw
        self.send_response(answer.status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        if answer.status not in (204, 304):
            self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-request-id", request_id)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _reset(self) -> None:
        """Close the connection abruptly (RST), answering nothing."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass  # the client went first
