"""The suite's network guard: loopback works, anything else fails the test."""

from __future__ import annotations

import socket

import pytest
from network_guard import NetworkBlocked, is_loopback, loopback_only


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("localhost", True),
     ("192.0.2.10", False), ("platform.adobe.io", False), ("", False), (None, False)],
)
def test_is_loopback(host: object, expected: bool) -> None:
    """Only loopback names and addresses count as loopback."""
    assert is_loopback(host) is expected


def test_connecting_beyond_loopback_is_refused_and_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A connection to a documentation address raises and is recorded for the teardown check."""
    with loopback_only(monkeypatch) as attempts:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with sock, pytest.raises(NetworkBlocked):
            sock.connect(("192.0.2.10", 443))
        with pytest.raises(NetworkBlocked):
            socket.getaddrinfo("platform.adobe.io", 443)
        assert len(attempts) == 2
        attempts.clear()  # the outer guard of this very test must not see them


def test_loopback_stays_reachable(emulator: object) -> None:
    """The guard lets a test talk to a server on 127.0.0.1."""
    port = emulator.port  # type: ignore[attr-defined]
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
