"""Reading HTTP answers: the pieces the IMS auth and the Flow Service client both need."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import requests

from provider.redaction import server_text


def retry_after(response: requests.Response) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP-date), None if absent."""
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_json(response: requests.Response) -> Any:
    """The answer's JSON, whatever its type; ``ValueError`` when the body is not JSON, including
    JSON nested too deep for the decoder (``[[[[...`` raises ``RecursionError``, which would
    otherwise escape every ``except ValueError`` as a traceback)."""
    try:
        return response.json()
    except RecursionError:
        raise ValueError("the answer's JSON is nested too deep to read") from None


def json_object(response: requests.Response) -> dict[str, Any]:
    """The answer's JSON object, or ``{}`` when the body is not one."""
    try:
        payload = parse_json(response)
    except ValueError:  # requests' JSONDecodeError is a ValueError
        return {}
    return payload if isinstance(payload, dict) else {}


class Unreadable(ValueError):
    """A body that is not the JSON object an operation promises; the text says what it was."""


def expect_json_object(response: requests.Response) -> dict[str, Any]:
    """The answer's JSON object; ``Unreadable`` when the body is empty, not JSON or not an
    object (an HTML page from a proxy, a truncated answer)."""
    if not response.content:
        raise Unreadable("the answer body is empty")
    try:
        payload = parse_json(response)
    except ValueError:
        kind = server_text(response.headers.get("Content-Type") or "no content type", 100)
        raise Unreadable(f"the answer body is not JSON ({kind.split(';')[0]})") from None
    if not isinstance(payload, dict):
        raise Unreadable(f"the answer body is JSON but not an object ({type(payload).__name__})")
    return payload
