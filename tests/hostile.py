"""A small scripted HTTP server on loopback that answers the way a wrong or hostile host would:
redirects, HTML pages, empty bodies, trickled bytes, endless bodies.

Bounded and self-stopping: it binds 127.0.0.1 only, each answer stops after ``MAX_SECONDS`` or
when the client goes away, and the server stops when its ``with`` block ends. It records every
request it received (method, path, headers, body), so a test can prove what reached it.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_SECONDS = 5.0


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What to answer: status, headers, body, and how to send it."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    trickle: float | None = None  # seconds between single bytes of the body (endless if set)
    trickle_head: float | None = None  # seconds between single bytes of the status line
    endless: bool = False  # an endless chunked body of zeros
    drop: bool = False  # close the connection without answering


def json_answer(status: int, payload: object, **headers: str) -> Answer:
    """A JSON answer."""
    return Answer(status, {"Content-Type": "application/json", **headers},
                  json.dumps(payload).encode())


Script = Callable[[str, str], Answer]


class HostileServer:
    """``with HostileServer(script) as srv:`` serves ``script(method, path)`` on ``srv.url``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.seen: list[Seen] = []
        self.sent_bytes = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = MAX_SECONDS

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server._lock:
                    server.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                answer = server.script(self.command, self.path)
                try:
                    server._answer(self, answer)
                except OSError:
                    self.close_connection = True

            do_GET = do_POST = do_PATCH = do_DELETE = _any

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _write(self, handler: BaseHTTPRequestHandler, data: bytes) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        with self._lock:
            self.sent_bytes += len(data)

    def _answer(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        handler.close_connection = True
        if answer.drop:
            return
        stop = time.monotonic() + MAX_SECONDS
        head = f"HTTP/1.1 {answer.status} X\r\n"
        if answer.trickle_head is not None:
            for char in _until(head.encode() * 1000, stop):
                self._write(handler, char)
                time.sleep(answer.trickle_head)
            return
        self._write(handler, head.encode())
        # Like every HTTP/1.1 server with a clock, it dates its answers (RFC 9110 6.6.1).
        headers = {"Connection": "close", "Date": email.utils.formatdate(usegmt=True),
                   **answer.headers}
        if answer.endless or answer.trickle is not None:
            headers.setdefault("Transfer-Encoding", "chunked")
        else:
            headers.setdefault("Content-Length", str(len(answer.body)))
        for key, value in headers.items():
            self._write(handler, f"{key}: {value}\r\n".encode())
        self._write(handler, b"\r\n")
        if answer.trickle is not None:
            for char in _until(answer.body * 100000 or b"x" * 100000, stop):
                self._write(handler, b"1\r\n" + char + b"\r\n")
                time.sleep(answer.trickle)
        elif answer.endless:
            chunk = b"0" * 65536
            while time.monotonic() < stop:
                self._write(handler, b"10000\r\n" + chunk + b"\r\n")
        else:
            self._write(handler, answer.body)


def _until(data: bytes, stop: float) -> Iterator[bytes]:
    for i in range(len(data)):
        if time.monotonic() >= stop:
            return
        yield data[i:i + 1]
