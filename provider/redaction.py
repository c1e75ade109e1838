"""Keep secrets out of every text the provider produces.

Every secret the process learns (the IMS client secret, each bearer token, each Databricks access
token) is registered here the moment it is known. ``redact`` replaces each registered value, and
anything shaped like a bearer header or an ``accessToken`` JSON field, with ``[REDACTED]``. Error
messages, log records (through ``RedactingFilter``) and the emulator's request log all pass through
it, so a secret never reaches the engine, a terminal or a test log.

The registry is process-wide and thread-safe: the provider host serves four calls at once.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

MASK = "[REDACTED]"

# Values shorter than this are not registered: masking "a" everywhere would shred messages, and
# no real credential is this short.
_MIN_SECRET_LEN = 6

_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r'(?i)("(?:accessToken|access_token|client_secret|clientSecret)"\s*:\s*")[^"]*(")'),
    re.compile(r"(?i)((?:client_secret|access_token)=)[^&\s]+"),
)

_lock = threading.Lock()
_secrets: set[str] = set()
# Longest first, so a secret that contains another is masked whole. Plain substring search, not
# one big regex: recompiling an alternation on every new secret is quadratic (a stack with 500
# connections spent seconds registering their tokens).
_ordered: tuple[str, ...] = ()


def register(*values: str | None) -> None:
    """Remember values that must never appear in any text this process produces."""
    global _ordered
    fresh = {v for v in values if isinstance(v, str) and len(v) >= _MIN_SECRET_LEN}
    if not fresh:
        return
    with _lock:
        if fresh <= _secrets:
            return
        _secrets.update(fresh)
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))


def registered() -> Iterable[str]:
    """The registered secrets (for tests that hunt for leaks)."""
    with _lock:
        return tuple(_secrets)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret and secret-shaped field masked."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    for shape in _PATTERNS:
        if shape.groups == 2:
            text = shape.sub(lambda m: m.group(1) + MASK + m.group(2), text)
        else:
            text = shape.sub(lambda m: m.group(1) + MASK, text)
    return text


def redact_params(params: dict[str, object], secret_keys: Iterable[str]) -> dict[str, object]:
    """A copy of ``params`` with the values of ``secret_keys`` masked."""
    hidden = set(secret_keys)
    return {k: (MASK if k in hidden and v is not None else v) for k, v in params.items()}


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the rendered message of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
