"""Request limits of the emulator: body size, JSON nesting, concurrent connections, read time.

Flow Service bodies are small and shallow (a base connection is a few kilobytes, nested four
levels), so the limits are far above any real request and far below what hurts the emulator.
"""

from __future__ import annotations

MAX_BODY_BYTES = 1024 * 1024
"""Largest request body read; a larger ``Content-Length`` is answered 413 without reading it."""

MAX_JSON_DEPTH = 64
"""Deepest JSON nesting parsed; deeper bodies are answered 400 before ``json.loads``."""

DEFAULT_WORKERS = 32
"""Connections served at once; one more is answered 503 with ``Retry-After`` and closed."""

REQUEST_READ_SECONDS = 10.0
"""Time a request has to arrive whole (line, headers and body): from the connection's opening for
its first request, from its first byte for a later one on a keep-alive connection. A client that
trickles bytes (slowloris) is answered 408 and closed when it runs out, so it holds a worker for
at most this long; an idle keep-alive between requests still waits the handler's idle timeout."""


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text ``raw`` opens more than ``limit`` nested arrays/objects.

    A linear scan that skips string contents (escapes included); it does not validate the JSON.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:  # the usual case, without a Python loop
        return False
    depth = 0
    in_string = False
    escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False
