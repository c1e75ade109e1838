"""Reading answers: Retry-After in both its forms, JSON bodies that may not be objects, and the
code, text and request id of error answers."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import pytest
import requests

from provider.endpoints import CONNECTIONS
from provider.http.answers import date_ms, error_fields, json_object, refusal, retry_after
from provider.http.retry import Retryable


def answer(body: bytes = b"", **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = 429
    response._content = body
    response.headers.update(headers)
    return response


@pytest.mark.parametrize(("header", "seconds"), [("0", 0.0), ("7", 7.0), ("-3", 0.0),
                                                 ("soon", None)])
def test_retry_after_in_seconds(header: str, seconds: float | None) -> None:
    """Delta-seconds are read as is, negatives as zero, garbage as absent."""
    assert retry_after(answer(**{"Retry-After": header})) == seconds


def test_retry_after_as_http_date() -> None:
    """An HTTP-date is turned into the seconds left until then."""
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    waited = retry_after(answer(**{"Retry-After": later}))
    assert waited is not None
    assert 25 <= waited <= 31


def test_retry_after_past_http_date_means_now() -> None:
    """An HTTP-date already past asks for no wait."""
    assert retry_after(answer(**{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0


def test_no_retry_after() -> None:
    """No header, no wait."""
    assert retry_after(answer()) is None


@pytest.mark.parametrize(("body", "parsed"), [(b'{"a": 1}', {"a": 1}), (b"[1]", {}),
                                              (b"<html>", {}), (b"", {})])
def test_json_object(body: bytes, parsed: dict[str, int]) -> None:
    """Only a JSON object comes back; lists, HTML and empty bodies give {}."""
    assert json_object(answer(body)) == parsed


# -- error answers ------------------------------------------------------------------------------


def _response(
    status: int, body: object, headers: dict[str, str] | None = None,
) -> requests.Response:
    """An error answer of ``status`` with ``body`` (JSON unless bytes)."""
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        ({"error_code": "401013", "message": "Oauth token is not valid"}, {"x-request-id": "r1"},
         ("401013", "Oauth token is not valid", "r1")),
        ({"type": "https://ns.adobe.com/aep/errors/FLOW-1404-412", "title": "Version",
          "status": 412, "report": {"detailed-message": "stale", "request-id": "r2"},
          "errorMessage": "stale too"}, {}, ("1404-412", "stale", "r2")),
        ({"errorMessage": "connections not found", "errorDetails": "d"}, {},
         (None, "connections not found", None)),
        ({"message": "Please provide a valid spec id"}, {}, (None, "Please provide a valid spec id",
                                                             None)),
        ({"code": "1418-400", "message": "in use"}, {}, ("1418-400", "in use", None)),
        ({"type": "/placeholder/type/uri", "status": 400, "title": "BadRequestError",
          "detail": "A valid content-type must be specified"}, {},
         (None, "A valid content-type must be specified", None)),
        (b"<html>bad gateway</html>", {"x-request-id": "r3"},
         (None, "<html>bad gateway</html>", "r3")),
    ],
)
def test_error_bodies_are_parsed(body: object, headers: dict[str, str],
                                 expected: tuple[Any, ...]) -> None:
    """Gateway, Flow Service and bare error bodies yield (code, message, request id)."""
    assert error_fields(_response(400, body, headers)) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Date": "Sun, 06 Dec 2026 09:41:14 GMT"}, 1796550074000), ({}, None),
     ({"Date": "not a date"}, None)],
    ids=["date", "absent", "garbage"])
def test_date_ms_reads_the_servers_clock(headers: dict[str, str], expected: int | None) -> None:
    """The Date header in epoch ms; None when absent or unreadable."""
    assert date_ms(_response(200, {}, headers)) == expected


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [(429, {"message": "slow"}, "Retryable"),
     (503, {"message": "busy"}, "Retryable"),
     (404, {"code": "1101-404", "message": "connections not found with id = [c1]"},
      "NotFoundError"),
     (404, {"message": "no route"}, "UnexpectedAnswerError"),
     (404, {"code": "2100-404", "message": "sandbox not found"}, "ApiError"),
     (412, {"code": "1404-412", "message": "stale"}, "ConflictError"),
     (400, {"code": "1418-400", "message": "in use"}, "InUseError"),
     (400, {"message": "bad"}, "ApiError")],
    ids=["429", "503", "gone", "unexplained 404", "sandbox 404", "412", "in use", "400"])
def test_refusal_says_what_an_unexpected_status_means(status: int, body: object,
                                                      kind: str) -> None:
    """Each unexpected status becomes its one kind of fact (gone only on the service's proof)."""
    refused = refusal(_response(status, body), "GET", "/connections/c1", "http://x/c1",
                      noun="connection", gone=CONNECTIONS.gone)
    assert type(refused).__name__ == kind


def test_a_429_is_retried_as_not_processed_and_a_5xx_as_ambiguous() -> None:
    """429 was not processed (never ambiguous); a 5xx may have taken effect."""
    busy = refusal(_response(429, {}), "POST", "/c", "u", noun="c", gone=None)
    down = refusal(_response(503, {}), "POST", "/c", "u", noun="c", gone=None)
    assert isinstance(busy, Retryable)
    assert isinstance(down, Retryable)
    assert (busy.ambiguous, down.ambiguous) == (False, True)
