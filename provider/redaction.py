"""Keep secrets out of every text the provider produces.

Every secret the process learns (the IMS client secret, each bearer token, each Databricks access
token) is registered here the moment it is known. ``redact`` replaces each registered value (and
its JSON-escaped, percent-encoded and Python-escaped forms), and anything shaped like a bearer
header or an ``accessToken`` JSON field, with ``[REDACTED]``: a secret of ``MIN_EXACT``
characters or more wherever it appears, a shorter one where it stands as a whole token.
Callers redact *before* they cut a text to length, so no prefix of a secret survives. Error
messages, log records (through ``RedactingFilter``) and the emulator's request log all pass through
it, so a secret never reaches the engine, a terminal or a test log.

The registry is process-wide and thread-safe: the provider host serves four calls at once.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "[REDACTED]"

# Secrets at least this long are masked wherever they appear, even inside other text. Shorter
# ones (the provider refuses such credentials at check, but a value may still be registered) are
# masked only where they stand as a whole token, so that a secret that is also a common word does
# not shred every message.
MIN_EXACT = 8
# Characters that may belong to a token: a short secret next to one of them is part of another
# word and left alone.
_TOKEN_CHAR = r"[A-Za-z0-9_.~+/=%\\-]"

_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r'(?i)("(?:accessToken|access_token|client_secret|clientSecret)"\s*:\s*")[^"]*(")'),
    re.compile(r"(?i)((?:client_secret|access_token)=)[^&\s]+"),
)

_lock = threading.Lock()
_secrets: set[str] = set()
_short: re.Pattern[str] | None = None
# Longest first, so a secret that contains another is masked whole. Plain substring search, not
# one big regex: recompiling an alternation on every new secret is quadratic (a stack with 500
# connections spent seconds registering their tokens).
_ordered: tuple[str, ...] = ()


def forms(value: str) -> set[str]:
    """``value`` and the forms it takes once written somewhere: JSON-escaped, percent-encoded
    (path and form style), and Python-escaped (``repr``, as in a traceback)."""
    return {value, json.dumps(value)[1:-1], quote(value, safe=""), quote_plus(value, safe=""),
            repr(value)[1:-1]} - {""}


def register(*values: str | None) -> None:
    """Remember values that must never appear in any text this process produces, in any of
    their written ``forms``."""
    global _ordered, _short
    fresh = {form for v in values if isinstance(v, str) and v for form in forms(v)}
    if not fresh:
        return
    with _lock:
        if fresh <= _secrets:
            return
        _secrets.update(fresh)
        _ordered = tuple(sorted((s for s in _secrets if len(s) >= MIN_EXACT), key=len,
                                reverse=True))
        if any(len(s) < MIN_EXACT for s in fresh):
            # Rare (real credentials are longer), so rebuilding this one pattern is cheap.
            short = sorted((s for s in _secrets if len(s) < MIN_EXACT), key=len, reverse=True)
            alternation = "|".join(re.escape(s) for s in short)
            _short = re.compile(f"(?<!{_TOKEN_CHAR})(?:{alternation})(?!{_TOKEN_CHAR})")


def registered() -> Iterable[str]:
    """The registered secrets (for tests that hunt for leaks)."""
    with _lock:
        return tuple(_secrets)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret and secret-shaped field masked."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    short = _short
    if short is not None:
        text = short.sub(MASK, text)
    for shape in _PATTERNS:
        if shape.groups == 2:
            text = shape.sub(lambda m: m.group(1) + MASK + m.group(2), text)
        else:
            text = shape.sub(lambda m: m.group(1) + MASK, text)
    return text


# C0 and C1 control characters and DEL: a server's text must not move a terminal's cursor, set
# its title, or start a line that looks like the tool's own output.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
SERVER_TEXT_LIMIT = 300


def server_text(text: str, limit: int = SERVER_TEXT_LIMIT) -> str:
    """Text a server chose (an error's message, code or request id), fit for a message: secrets
    redacted first, control characters (escape sequences, CR, LF, bell) replaced by a space, cut
    to ``limit`` characters (an ellipsis marks the cut). The one sanitiser for IMS and Flow."""
    # Redacting a 2 MB description costs time for nothing: only the start is ever shown, and a
    # secret cut at this far boundary is cut again, well before it, below.
    clean = " ".join(_CONTROLS.sub(" ", redact(text[:limit * 64])).split())
    return clean if len(clean) <= limit else clean[:limit - 1].rstrip() + "\u2026"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (ESC, BEL, CR, NUL, bidi and
    zero-width formatting...) written as its Python escape: for text a user or a server chose
    (a property path, a config key, a table name) that a message or a table shows."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


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
