"""One untrusted HTTP attempt: no redirect followed, a total deadline, a size cap, no raw error."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from provider.http import transport
from provider.http.retry import Retryable
from tests.hostile import Answer, HostileServer

FAST = transport.Timeouts(connect=1.0, read=1.0)


def session() -> requests.Session:
    return transport.session_with(transport.DeadlineAdapter())


def get(url: str, deadline: float = 2.0, **kwargs: Any) -> requests.Response:
    return transport.send(session(), "GET", url, deadline=deadline, timeouts=FAST, headers={},
                          **kwargs)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_redirect_is_refused_and_nothing_reaches_the_other_host(status: int, method: str) -> None:
    """A 3xx is Refused naming status and Location host; the other host receives nothing."""
    with HostileServer(lambda m, p: Answer(200)) as other:
        target = other.url.replace("127.0.0.1", "localhost") + "/steal"
        with (HostileServer(lambda m, p: Answer(status, {"Location": target})) as srv,
              pytest.raises(transport.Refused) as caught):
            transport.send(session(), method, srv.url + "/x", deadline=2.0, timeouts=FAST,
                           headers={"Authorization": "Bearer abcdefgh12345678"},
                           data=b'{"accessToken": "dapi-secret-123456"}')
        assert other.seen == []
    assert caught.value.status == status
    assert caught.value.location_host == "localhost"
    assert "localhost" in str(caught.value)
    assert f"HTTP {status}" in str(caught.value)


def test_https_to_http_redirect_is_refused() -> None:
    """A redirect to plain http is refused like any other: the token never travels in clear."""
    answer = Answer(307, {"Location": "http://platform.example.com/data"})
    with (HostileServer(lambda m, p: answer) as srv,
          pytest.raises(transport.Refused, match=r"platform\.example\.com")):
        get(srv.url)


def test_trickled_body_costs_at_most_the_deadline() -> None:
    """A body trickled a byte at a time ends the attempt at its total deadline (0.3 s here,
    real time: the watchdog acts on a real socket), as an ambiguous Retryable."""
    with HostileServer(lambda m, p: Answer(200, trickle=0.02, body=b"{")) as srv:
        with pytest.raises(Retryable) as caught:
            transport.send(session(), "GET", srv.url, deadline=0.3, timeouts=FAST, headers={})
        sent = srv.sent_bytes
    assert caught.value.ambiguous
    assert "deadline" in caught.value.detail
    assert sent < 400  # the server was cut off after about 0.3 s of one byte per 20 ms


def test_trickled_status_line_costs_at_most_the_deadline() -> None:
    """A status line trickled a byte at a time is cut at the deadline too (0.3 s, real)."""
    with (HostileServer(lambda m, p: Answer(200, trickle_head=0.02)) as srv,
          pytest.raises(Retryable, match="deadline")):
        get(srv.url, deadline=0.3)


def test_announced_huge_body_is_refused_unread() -> None:
    """A Content-Length above the cap is refused before any of the body is read."""
    answer = Answer(200, {"Content-Length": str(300 * 1024 * 1024)})
    with (HostileServer(lambda m, p: answer) as srv,
          pytest.raises(transport.Refused, match="not read")):
        get(srv.url)


def test_endless_body_is_cut_at_the_cap() -> None:
    """An endless chunked body stops being read just past the cap (memory stays bounded)."""
    with (HostileServer(lambda m, p: Answer(200, endless=True)) as srv,
          pytest.raises(transport.Refused, match="limit")):
        get(srv.url, deadline=5.0, max_bytes=256 * 1024)


def test_unsendable_request_is_refused_not_raw() -> None:
    """A header that cannot be sent (CR/LF inside) is a Refused, never a raw library error."""
    with HostileServer(lambda m, p: Answer(200)) as srv:
        with pytest.raises(transport.Refused, match="could not be sent") as caught:
            transport.send(session(), "GET", srv.url, deadline=2.0, timeouts=FAST,
                           headers={"x-api-key": "abc\r\nInjected: 1"})
        assert srv.seen == []
    assert "\n" not in str(caught.value)


def test_refused_connection_is_retryable_and_never_sent() -> None:
    """Nobody listening: a Retryable that is not ambiguous (nothing was sent)."""
    with HostileServer(lambda m, p: Answer(200)) as srv:
        url = srv.url
    with pytest.raises(Retryable) as caught:
        transport.send(session(), "POST", url, deadline=2.0, timeouts=FAST, headers={})
    assert not caught.value.ambiguous


def test_answer_is_read_and_returned() -> None:
    """A sound answer comes back with its body read and its status."""
    with HostileServer(lambda m, p: Answer(201, body=b'{"id": "x"}')) as srv:
        response = transport.send(session(), "POST", srv.url, deadline=2.0, timeouts=FAST,
                                  headers={})
    assert (response.status_code, response.json()) == (201, {"id": "x"})


def test_content_length_past_int_limit_is_read_as_absent() -> None:
    """A 5000-digit Content-Length (int() refuses over 4300 digits) is read as absent: the body
    is read under the cap (it was a ValueError reported as "could not be sent")."""
    answer = Answer(200, {"Content-Length": "9" * 5000}, b"{}")
    with HostileServer(lambda m, p: answer) as srv:
        response = get(srv.url)
    assert response.content == b"{}"


def test_an_answer_that_cannot_be_read_is_never_called_unsent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A ValueError raised while reading an arrived answer keeps the answer's status (so a POST
    counts as may-have-taken-effect), not "the request could not be sent"."""
    def broken(response: Any, max_bytes: int) -> None:
        raise ValueError("unreadable")

    monkeypatch.setattr(transport, "_check_answer", broken)
    with (HostileServer(lambda m, p: Answer(201, {}, b"{}")) as srv,
          pytest.raises(transport.Refused) as caught):
        get(srv.url)
    assert caught.value.status == 201
    assert "could not be read" in caught.value.detail
