"""Reading answers: Retry-After in both its forms, and JSON bodies that may not be objects."""

from __future__ import annotations

import email.utils
import time

import pytest
import requests

from provider.responses import json_object, retry_after


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
