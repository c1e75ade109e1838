"""ImsTokenAuth and StaticTokenAuth against the emulator's IMS and gateway on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from provider import redaction
from provider.emulator import Emulator
from provider.errors import ApiError, AuthError
from provider.http.auth import (
    DEFAULT_SCOPES,
    ImsTokenAuth,
    StaticTokenAuth,
    clear_token_cache,
    token_request_count,
)
from tests.client_fixtures import (
    count_connections,
    databricks_body,
    flow_requests,
    ims_auth,
    ims_requests,
    make_client,
    start_emulator,
)
from tests.clocks import FakeClock, FakeTime
from tests.hostile import Answer, HostileServer

TTL = 60  # seconds; the refresh margin clamps to TTL / 10 = 6 s


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    emulator = start_emulator(token_ttl=TTL)
    yield emulator
    emulator.stop()


@pytest.fixture(autouse=True)
def _fresh(emu: Emulator) -> None:
    emu.faults.clear()
    emu.clear_requests()
    clear_token_cache()



def test_one_token_serves_many_calls_and_clients(emu: Emulator, sandbox: str) -> None:
    """Many calls through several clients with the same credentials cost one IMS request."""
    for _ in range(3):
        client = make_client(emu)
        for _ in range(3):
            count_connections(client, sandbox)
    assert len(ims_requests(emu)) == 1
    assert token_request_count() == 1
    assert len(flow_requests(emu)) == 9


def test_four_threads_trigger_exactly_one_token_request(emu: Emulator, sandbox: str) -> None:
    """Four threads asking at once for a token (IMS slow to answer) share one IMS request."""
    # Real latency (0.3 s): the other threads must really queue behind the one IMS request.
    emu.faults.add(latency=0.3, path="/ims/token/v3")
    client = make_client(emu)
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def work() -> None:
        barrier.wait()
        counts.append(count_connections(client, sandbox))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == [0, 0, 0, 0]
    assert len(ims_requests(emu)) == 1


def test_token_is_reused_until_the_clamped_margin_then_refreshed(emu: Emulator) -> None:
    """A 60 s token is reused for 54 s (margin min(300, 60/10)) and renewed after."""
    clock = FakeClock()
    auth = ims_auth(emu, clock=clock)
    first = auth.token()
    clock.now += TTL - 6 - 0.5
    assert auth.token() == first
    clock.now += 1.0
    second = auth.token()
    assert second != first
    assert len(ims_requests(emu)) == 2


def test_request_form_is_client_credentials(emu: Emulator) -> None:
    """The token request is a form POST with grant_type, client_id and scope (secret masked)."""
    ims_auth(emu).token()
    (recorded,) = ims_requests(emu)
    assert recorded.method == "POST"
    assert recorded.headers["content-type"] == "application/x-www-form-urlencoded"
    assert recorded.body["grant_type"] == "client_credentials"
    assert recorded.body["client_id"] == emu.client_id
    assert recorded.body["scope"] == DEFAULT_SCOPES
    assert emu.client_secret not in str(recorded)


def test_revoked_token_is_refreshed_once_and_request_resent(emu: Emulator, sandbox: str) -> None:
    """After a 401 the token is renewed and the request re-sent once, transparently."""
    client = make_client(emu)
    count_connections(client, sandbox)
    emu.revoke_tokens()
    assert count_connections(client, sandbox) == 0
    statuses = [r.status for r in flow_requests(emu)]
    assert statuses == [200, 401, 200]
    assert len(ims_requests(emu)) == 2
    assert client.request_count == 3


def test_401_resend_carries_the_body(emu: Emulator, sandbox: str) -> None:
    """A create refused with 401 is re-sent with its JSON body and creates one connection."""
    client = make_client(emu)
    count_connections(client, sandbox)
    emu.revoke_tokens()
    created = client.create_connection(sandbox, databricks_body("after-401"))
    posts = [r for r in flow_requests(emu) if r.method == "POST"]
    assert [r.status for r in posts] == [401, 201]
    assert posts[1].body["name"] == "after-401"
    assert [c["id"] for c in emu.connections(emu.org_id, sandbox)] == [created.id]


def test_concurrent_401s_refresh_the_token_once(emu: Emulator, sandbox: str) -> None:
    """Four threads meeting 401 together with the same stale token cause one new token."""
    client = make_client(emu)
    count_connections(client, sandbox)
    emu.revoke_tokens()
    # Real latency (0.2 s): the four 401s must really overlap the one token request.
    emu.faults.add(latency=0.2, path="/ims/token/v3")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            count_connections(client, sandbox)
        except ApiError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(ims_requests(emu)) == 2


def test_late_401_for_an_old_token_keeps_the_new_one(emu: Emulator) -> None:
    """Invalidating a token another thread already replaced does not cost a new token."""
    auth = ims_auth(emu)
    old = auth.token()
    auth.invalidate(old)
    new = auth.token()
    auth.invalidate(old)
    assert auth.token() == new != old
    assert len(ims_requests(emu)) == 2


def test_bad_secret_gives_clear_auth_error_without_the_secret(emu: Emulator) -> None:
    """IMS refusing the credentials raises AuthError naming the URL, status and error, as the
    fact ``refused`` (the settings to check are the advice's: tests/test_advice.py)."""
    wrong = "not-the-right-secret-1234"
    auth = ImsTokenAuth(emu.url, emu.client_id, wrong, DEFAULT_SCOPES)
    with pytest.raises(AuthError) as caught:
        auth.token()
    text = str(caught.value)
    assert emu.url in text
    assert "401" in text
    assert "invalid_client" in text
    assert caught.value.reason == "refused"
    assert wrong not in text
    assert caught.value.status == 401
    assert len(ims_requests(emu)) == 1  # refusals are not retried


def test_ims_503_is_ridden_out(emu: Emulator) -> None:
    """Token requests are retried through transient IMS failures."""
    emu.faults.add(status=503, times=2, path="/ims/token/v3")
    assert ims_auth(emu).token()
    assert [r.status for r in ims_requests(emu)] == [503, 503, 200]


def test_ims_unreachable_gives_auth_error(emu: Emulator) -> None:
    """An IMS nobody answers on raises AuthError (after retries) naming the URL."""
    # Held bound but not listening for the whole test: connections are refused, and no other
    # bind(0) can take the port meanwhile (freeing it first would race).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
        auth = ImsTokenAuth(url, emu.client_id, emu.client_secret, DEFAULT_SCOPES,
                            timeout=(0.5, 0.5), sleep=FakeTime().sleep)
        with pytest.raises(AuthError, match="Could not get an access token") as caught:
            auth.token()
    assert url in str(caught.value)
    assert token_request_count() == 4


def test_auth_error_reaches_the_client_caller_unchanged(emu: Emulator, sandbox: str) -> None:
    """A client whose credentials IMS refuses raises AuthError, not an ApiError."""
    auth = ImsTokenAuth(emu.url, emu.client_id, "wrong-secret-abcdef", DEFAULT_SCOPES)
    with pytest.raises(AuthError):
        count_connections(make_client(emu, auth=auth), sandbox)
    assert flow_requests(emu) == []


def test_static_token_is_sent_as_bearer(emu: Emulator, sandbox: str) -> None:
    """StaticTokenAuth sends the given token and works while it is valid."""
    token = ims_auth(emu).token()
    client = make_client(emu, auth=StaticTokenAuth(token))
    assert count_connections(client, sandbox) == 0


def test_static_token_refused_gives_clear_error_once(emu: Emulator, sandbox: str) -> None:
    """A refused static token is not retried; the error is a 401 fact without the token."""
    token = ims_auth(emu).token()
    emu.revoke_tokens()
    client = make_client(emu, auth=StaticTokenAuth(token))
    with pytest.raises(ApiError) as caught:
        client.get_connection(sandbox, "some-id")
    text = str(caught.value)
    assert caught.value.status == 401
    assert "401013" in text
    assert token not in text
    assert len(flow_requests(emu)) == 1


def test_reprs_hold_no_secret(emu: Emulator) -> None:
    """repr() of the auth objects and client shows neither the secret nor any token."""
    auth = ims_auth(emu)
    token = auth.token()
    static = StaticTokenAuth(token)
    texts = [repr(auth), repr(static), repr(make_client(emu, auth=auth)),
             repr(make_client(emu, auth=static))]
    for text in texts:
        assert emu.client_secret not in text
        assert token not in text
    assert emu.client_id in repr(auth)


def test_secret_and_tokens_are_registered_for_redaction(emu: Emulator) -> None:
    """The client secret and every issued token are masked by provider.redaction."""
    auth = ims_auth(emu)
    token = auth.token()
    text = redaction.redact(f"secret={emu.client_secret} token={token}")
    assert emu.client_secret not in text
    assert token not in text


def test_ims_session_is_not_the_flow_session(emu: Emulator, sandbox: str) -> None:
    """IMS requests are not counted in the client's request_count."""
    client = make_client(emu, auth=ims_auth(emu, session=requests.Session()))
    count_connections(client, sandbox)
    assert client.request_count == 1
    assert len(ims_requests(emu)) == 1


@pytest.mark.parametrize("status", [302, 307, 308])
def test_ims_redirect_never_sends_the_secret_elsewhere(emu: Emulator, status: int) -> None:
    """An IMS URL answering 3xx: AuthError (``unusable``) naming the Location host; the other
    host receives nothing, so the client secret stays where it was configured to go."""
    with HostileServer(lambda m, p: Answer(200)) as other:
        location = other.url.replace("127.0.0.1", "localhost") + "/ims/token/v3"
        with HostileServer(lambda m, p: Answer(status, {"Location": location})) as ims:
            auth = ImsTokenAuth(ims.url, emu.client_id, emu.client_secret, DEFAULT_SCOPES,
                                sleep=FakeTime().sleep)
            with pytest.raises(AuthError) as caught:
                auth.token()
        assert other.seen == []
    text = str(caught.value)
    assert caught.value.reason == "unusable"
    assert "localhost" in text
    assert emu.client_secret not in text
    assert len(ims.seen) == 1
