"""Reading HTTP answers: the pieces the IMS auth and the platform client both need.

JSON readers (``parse_json``, ``json_object``, ``expect_json_object``), the error an answer
states (``error_fields``: Adobe code, text and request id, with the one list of where Adobe puts
an error's text, ``MESSAGE_KEYS``), what an unexpected status means (``refusal``: retry, gone,
conflict, in use, or an answer that proves nothing), ``Retry-After`` and the server's clock
(``date_ms``).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

import requests

from provider.endpoints import GoneProof
from provider.errors import (
    ApiError,
    ConflictError,
    InUseError,
    NotFoundError,
    UnexpectedAnswerError,
)
from provider.http.retry import RETRY_STATUSES, Retryable
from provider.redaction import server_text

__all__ = [
    "MESSAGE_KEYS",
    "Unreadable",
    "date_ms",
    "error_fields",
    "error_texts",
    "expect_json_object",
    "json_object",
    "parse_json",
    "refusal",
    "retry_after",
]

# Where Flow Service, Data Prep and the gateway in front of them put an error's text, most
# specific first (after the report's ``detailed-message``): the first string found is the
# error's text.
MESSAGE_KEYS = ("errorMessage", "message", "detail", "title", "errorDetails")


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


def error_texts(payload: Mapping[str, Any]) -> list[str]:
    """Every text an error answer states, most specific first: the report's
    ``detailed-message``, then ``MESSAGE_KEYS`` in order."""
    report = payload.get("report")
    texts = [report.get("detailed-message") if isinstance(report, Mapping) else None]
    texts.extend(payload.get(key) for key in MESSAGE_KEYS)
    return [text for text in texts if isinstance(text, str) and text]


def error_fields(response: requests.Response) -> tuple[str | None, str, str | None]:
    """(Adobe code, text, request id) of a gateway, Flow Service or Data Prep error answer,
    each sanitised (``server_text``); the text falls back to the body, then the reason."""
    payload = json_object(response)
    code: str | None = None
    request_id: str | None = None
    if payload.get("error_code"):
        code = str(payload["error_code"])
    elif isinstance(payload.get("type"), str):
        code = _code_from_type(payload["type"])
    if code is None and payload.get("code"):
        code = str(payload["code"])
    report = payload.get("report")
    if isinstance(report, dict) and isinstance(report.get("request-id"), str):
        request_id = report["request-id"]
    texts = error_texts(payload)
    detail = texts[0] if texts else (response.text or response.reason or "no detail")
    request_id = request_id or response.headers.get("x-request-id")
    return (server_text(code, 64) if code is not None else None,
            server_text(detail) or "no detail",
            server_text(request_id, 128) if request_id is not None else None)


def _code_from_type(type_: str) -> str | None:
    # ".../errors/FLOW-1404-412" -> "1404-412"
    parts = type_.rsplit("/", 1)[-1].split("-")
    if len(parts) >= 2 and parts[-2].isdigit() and parts[-1].isdigit():
        return f"{parts[-2]}-{parts[-1]}"
    return None


def date_ms(response: requests.Response) -> int | None:
    """The server's time in epoch ms from the answer's ``Date`` header (one-second resolution),
    None when absent or unreadable."""
    raw = response.headers.get("Date")
    if not raw:
        return None
    try:
        return int(email.utils.parsedate_to_datetime(raw).timestamp() * 1000)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def refusal(response: requests.Response, method: str, path: str, url: str, *, noun: str,
            gone: GoneProof | None) -> Retryable | ApiError:
    """What an answer of an unexpected status means, as the exception to raise: ``Retryable``
    for ``RETRY_STATUSES`` (a 429 was not processed, so it is not ambiguous), ``NotFoundError``
    only for a 404 that ``gone`` proves (a sandbox 404, 2100/2101, stays a plain ``ApiError``),
    ``UnexpectedAnswerError`` for any other 404 of an entity, ``ConflictError`` for 412,
    ``InUseError`` for 1418-400, ``ApiError`` otherwise."""
    status = response.status_code
    code, detail, request_id = error_fields(response)
    if status in RETRY_STATUSES:
        return Retryable(status, detail, ambiguous=status != 429, code=code,
                         request_id=request_id, retry_after=retry_after(response))
    cls: type[ApiError] = ApiError
    if status == 404 and gone is not None and not (code or "").startswith(("2100-", "2101-")):
        if _proves_gone(response, code, path, gone):
            cls = NotFoundError
        else:
            cls = UnexpectedAnswerError
            detail = f"HTTP 404 that is not the service's 'no such {noun}' answer: {detail}"
    elif status == 412:
        cls = ConflictError
    elif status == 400 and code is not None and code.startswith("1418"):
        cls = InUseError
    return cls(method, path, status, detail, code=code, request_id=request_id, url=url)


def _proves_gone(response: requests.Response, code: str | None, path: str,
                 gone: GoneProof) -> bool:
    """Whether a 404 is the service's own "no such item" answer for ``path``'s id."""
    try:
        payload = expect_json_object(response)
    except Unreadable:
        return False
    return gone(payload, code, path.rstrip("/").rsplit("/", 1)[-1])
