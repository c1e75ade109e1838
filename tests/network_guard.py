"""A network guard for tests: connections to anything but loopback are refused and recorded.

``loopback_only(monkeypatch)`` wraps ``socket.socket.connect``/``connect_ex`` and
``socket.getaddrinfo`` for the duration of a test. A refused attempt raises ``NetworkBlocked``
(not an ``OSError``, so no retry loop mistakes it for a transient failure) and is recorded, so the
test fails at teardown even if the code under test swallowed the exception.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NetworkBlocked(RuntimeError):
    """A test tried to reach an address beyond loopback."""


def is_loopback(host: object) -> bool:
    """True for a loopback name or address (``127.0.0.0/8``, ``::1``)."""
    if not isinstance(host, str):
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse and record every attempt to reach a non-loopback host; yield the record."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(target: str) -> NetworkBlocked:
        attempts.append(target)
        return NetworkBlocked(f"tests may only reach loopback, not {target}")

    def allowed(sock: socket.socket, address: Any) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True  # Unix sockets and the like stay on this machine
        return is_loopback(address[0])

    def connect(sock: socket.socket, address: Any) -> None:
        if not allowed(sock, address):
            raise refuse(repr(address))
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if not allowed(sock, address):
            raise refuse(repr(address))
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in (None, "") and not is_loopback(name):  # None/"": a local bind
            raise refuse(f"{host!r} (name lookup)")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
