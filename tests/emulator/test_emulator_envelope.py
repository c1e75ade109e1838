"""The emulator as a product: body and nesting limits, framing, read deadline, bounded workers,
its state file."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from emulator_support import BASE, Api, flow_code

from provider.emulator import Emulator
from provider.emulator.limits import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    REQUEST_READ_SECONDS,
    json_depth_exceeds,
)
from provider.emulator.store import StateFileError
from tests.clocks import SteppedClock

ROOT = Path(__file__).resolve().parents[2]


def _raw_exchange(emu: Emulator, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes on a fresh connection; return (status line, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(request)
        return _read_answer(sock)


def _read_answer(sock: socket.socket) -> tuple[str, dict[str, str], bytes]:
    """Read one answer (head, then a Content-Length body) from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return lines[0], headers, body


def test_oversized_body_is_answered_413_without_being_read() -> None:
    """A Content-Length above the limit gets the gateway's 413 body and a closed connection."""
    with Emulator() as emu:
        api = Api(emu)
        headers = "".join(f"{k}: {v}\r\n" for k, v in api.headers().items())
        request = (
            f"POST {BASE}/connections HTTP/1.1\r\nHost: x\r\n{headers}"
            "Content-Type: application/json\r\n"
            f"Content-Length: {200 * 1024 * 1024}\r\n\r\n{{"
        ).encode()
        status, answer_headers, body = _raw_exchange(emu, request)
        assert status.startswith("HTTP/1.1 413")
        assert answer_headers["connection"] == "close"
        document = json.loads(body)
        assert document["error_code"] == "413000"
        assert str(MAX_BODY_BYTES) in document["message"]
        assert emu.connections() == []
        assert emu.requests[-1].status == 413


def test_negative_content_length_is_a_flow_400() -> None:
    """A negative Content-Length is answered 400 1100-400, not read or crashed on."""
    with Emulator() as emu:
        status, _, body = _raw_exchange(
            emu,
            f"GET {BASE}/connections HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".encode(),
        )
        assert status.startswith("HTTP/1.1 400")
        assert json.loads(body)["type"].endswith("FLOW-1100-400")


def test_deeply_nested_json_is_a_400_and_the_emulator_keeps_serving() -> None:
    """A body nested 1,000 deep is answered 400 1100-400; the next request still works."""
    with Emulator() as emu:
        api = Api(emu)
        deep = "[" * 1000 + "]" * 1000
        json_headers = api.headers(**{"Content-Type": "application/json"})
        answer = api.call("POST", "/connections", data=deep, headers=json_headers)
        assert answer.status_code == 400
        assert flow_code(answer) == "1100-400"
        assert str(MAX_JSON_DEPTH) in answer.json()["errorMessage"]
        assert api.call("GET", "/connections").status_code == 200
        assert emu.requests[-2].body == deep  # recorded as text, not parsed


def test_json_depth_scan_ignores_brackets_inside_strings() -> None:
    """Brackets inside JSON strings (escaped quotes included) do not count as nesting."""
    assert not json_depth_exceeds(json.dumps({"a": "[" * 500 + '\\"' + "{" * 500}).encode(), 3)
    assert json_depth_exceeds(b'{"a": [[[1]]]}', 3)
    assert not json_depth_exceeds(b'{"a": [[1]]}', 3)


def test_workers_are_bounded_and_an_extra_connection_gets_503() -> None:
    """With every worker held by an idle connection, one more is answered 503 + Retry-After."""
    with Emulator(workers=2) as emu:
        baseline = threading.active_count()
        idle = [socket.create_connection(("127.0.0.1", emu.port), timeout=5) for _ in range(2)]
        try:
            for _ in range(5):  # connections are accepted in order: the idle two hold the slots
                status, headers, body = _raw_exchange(
                    emu, f"GET {BASE}/connections HTTP/1.1\r\nHost: x\r\n\r\n".encode()
                )
                assert status.startswith("HTTP/1.1 503")
                assert headers["retry-after"] == "1"
                assert json.loads(body)["type"].endswith("FLOW-1103-503")
            assert threading.active_count() <= baseline + 2
        finally:
            for sock in idle:
                sock.close()


def _read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def _status_lines(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


SMUGGLED = (f"GET {BASE}/connections?smuggled=1 HTTP/1.1\r\nHost: x\r\n"
            "Content-Length: 0\r\n\r\n").encode()


@pytest.mark.parametrize(
    ("transfer_encoding", "body"),
    [
        ("chunked", SMUGGLED),  # the chunk's size line left out: the GET starts the next line
        ("chunked", b"%x\r\n" % len(SMUGGLED) + SMUGGLED + b"\r\n0\r\n\r\n"),
        ("gzip, chunked", SMUGGLED),
        ("identity", SMUGGLED),
    ],
    ids=["chunked-without-size-line", "chunked", "gzip-chunked", "identity"],
)
def test_any_transfer_encoding_is_answered_411_and_closed_never_smuggled(
    transfer_encoding: str, body: bytes,
) -> None:
    """A body sent with Transfer-Encoding is refused 411 + Connection: close; its bytes are never
    served as a request of their own (no request smuggling)."""
    with Emulator() as emu:
        request = (
            "POST /ims/token/v3 HTTP/1.1\r\nHost: x\r\n"
            f"Transfer-Encoding: {transfer_encoding}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        ).encode() + body
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
            sock.sendall(request)
            data = _read_to_end(sock)
        assert _status_lines(data) == [b"HTTP/1.1 411 Length Required"]
        head, _, answer = data.partition(b"\r\n\r\n")
        assert b"\r\nConnection: close" in head
        assert json.loads(answer)["error_code"] == "411000"
        assert [(r.method, r.path, r.status) for r in emu.requests] == [
            ("POST", "/ims/token/v3", 411)
        ]


def test_transfer_encoding_with_a_content_length_is_still_refused() -> None:
    """Both framings at once (the classic smuggling pair) is a 411 too, whatever the length says."""
    with Emulator() as emu:
        request = (
            f"POST {BASE}/connections HTTP/1.1\r\nHost: x\r\nContent-Length: {len(SMUGGLED)}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode() + SMUGGLED
        status, headers, _ = _raw_exchange(emu, request)
        assert status == "HTTP/1.1 411 Length Required"
        assert headers["connection"] == "close"
        assert emu.connections() == []

def test_a_request_trickled_past_its_deadline_gets_408_and_the_connection_ends() -> None:
    """Slowloris: bytes that keep coming but never finish the request head no longer hold a
    worker: once the read deadline has passed (clock moved, no real wait), the next byte read
    ends the connection with 408 + Connection: close."""
    clock = SteppedClock()
    with Emulator(clock=clock) as emu:
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
            sock.sendall(b"GET /")
            assert clock.read.wait(5)
            clock.now = REQUEST_READ_SECONDS + 1  # the head is still not whole by then
            sock.sendall(b"d")  # a trickled byte: a per-read timeout alone would start again
            data = _read_to_end(sock)
        assert _status_lines(data) == [b"HTTP/1.1 408 Request Timeout"]
        head, _, body = data.partition(b"\r\n\r\n")
        assert b"\r\nConnection: close" in head
        assert json.loads(body)["error_code"] == "408000"
        assert emu.requests == []


def test_a_connection_that_sends_nothing_gets_408_when_its_deadline_passes() -> None:
    """A fresh connection that never sends a byte is answered 408 and closed once the read
    deadline is up, not held for the whole idle timeout. (A real 0.05 s wait: what ends it is
    the socket's own timeout inside a blocking read, which no injected clock can step.)"""
    with Emulator(read_seconds=0.05) as emu:
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
            data = _read_to_end(sock)
        assert _status_lines(data) == [b"HTTP/1.1 408 Request Timeout"]
        assert b"\r\nConnection: close" in data.partition(b"\r\n\r\n")[0]


def test_an_idle_keep_alive_is_not_cut_by_the_read_deadline() -> None:
    """The deadline of a keep-alive connection's next request starts at its first byte: a client
    idle between two requests longer than the deadline is still served."""
    clock = SteppedClock()
    request = f"GET {BASE}/connections HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    with Emulator(clock=clock) as emu:
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
            sock.sendall(request)
            first, _, _ = _read_answer(sock)
            clock.now = 10 * REQUEST_READ_SECONDS  # idle for a long time
            sock.sendall(request)
            second, headers, body = _read_answer(sock)
        assert first == second == "HTTP/1.1 403 Forbidden"  # served (the gateway wants a token)
        assert json.loads(body)["error_code"] == "403010"
        assert "connection" not in headers
        assert [r.status for r in emu.requests] == [403, 403]


def test_second_emulator_on_the_same_state_file_is_refused(tmp_path: Path) -> None:
    """Two running emulators never share a state file: the second start raises StateFileError."""
    state = tmp_path / "state.json"
    with Emulator(state_file=state):
        second = Emulator(state_file=state)
        with pytest.raises(StateFileError, match="in use by another running emulator"):
            second.start()
    with Emulator(state_file=state):  # free again once the first stopped
        pass


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "top level is not an object"),
        ('{"connections": [{"id": "x"}]}', "connections[0] lacks"),
        ('{"connections": {}}', "must be lists"),
        ('{"flowReferences": [1]}', "flowReferences must hold"),
        ("[" * 5000 + "]" * 5000, "not valid JSON"),
    ],
)
def test_malformed_state_file_is_a_clear_error(tmp_path: Path, content: str, problem: str) -> None:
    """A state file not in the emulator's format raises StateFileError naming file and problem."""
    state = tmp_path / "state.json"
    state.write_text(content)
    with pytest.raises(StateFileError) as caught:
        Emulator(state_file=state)
    assert str(state) in str(caught.value)
    assert problem in str(caught.value)


def test_cli_reports_a_malformed_state_file_without_a_traceback(tmp_path: Path) -> None:
    """The CLI exits 2 with one error line for a malformed state file."""
    state = tmp_path / "state.json"
    state.write_text('{"connections": [{"imsOrgId": "o"}]}')
    out = subprocess.run(
        [sys.executable, "-m", "provider.emulator", "--port", "0", "--state", str(state)],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert f"the state file {state} is not an emulator state file" in out.stderr


def test_cli_rejects_a_worker_count_below_one() -> None:
    """--workers 0 is a usage error (exit 2), not a server that refuses everything."""
    out = subprocess.run(
        [sys.executable, "-m", "provider.emulator", "--port", "0", "--workers", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )
    assert out.returncode == 2
    assert "workers must be at least 1" in out.stderr
