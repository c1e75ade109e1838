"""Request limits of the emulator: body size, JSON nesting and concurrent connections.

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
