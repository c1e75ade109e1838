"""`python -m provider.explore` and `python -m provider.runs` (they share ``provider.cli``): one
line saying what failed, then one line of advice per failure kind (issue #23)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence

import pytest
import requests
from client_fixtures import databricks_body, make_client

from provider import advice, explore, runs
from provider.emulator import Emulator
from provider.errors import AepError, TransientError
from provider.http import transport

Main = Callable[[Sequence[str], dict[str, str]], int]
MAINS: dict[str, Main] = {
    "explore": lambda env_, extra: explore.main(["tables", "--connection-id", extra], env_),
    "runs": lambda env_, extra: runs.main(["--flow-id", extra], env_),
}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for the module, knowing only its default sandboxes (prod, dev)."""
    with Emulator(port=0) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def connection_id(emu: Emulator) -> str:
    """A base connection in sandbox ``dev``."""
    return make_client(emu).create_connection("dev", databricks_body("sales")).id


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings(emu: Emulator, **changes: str) -> dict[str, str]:
    """The emulator's AEP_* settings, no retry waits, with ``changes``."""
    base = {"AEP_CLIENT_ID": emu.client_id, "AEP_CLIENT_SECRET": emu.client_secret,
            "AEP_ORG_ID": emu.org_id, "AEP_PLATFORM_URL": emu.url, "AEP_IMS_URL": emu.url,
            "AEP_SANDBOX_NAME": "dev", "AEP_RETRY_BASE_DELAY": "0", "AEP_RETRY_ATTEMPTS": "1"}
    return {**base, **changes}


def stderr_of(tool: str, env: dict[str, str], extra: str,
              capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The tool's stderr lines; it must have failed with status 1."""
    assert MAINS[tool](env, extra) == 1
    return capsys.readouterr().err.splitlines()


KINDS: dict[str, tuple[Callable[[Emulator], dict[str, str]], str]] = {
    "unknown sandbox": (lambda emu: settings(emu, AEP_SANDBOX_NAME="nosuch"),
                        "fix: the sandbox does not exist in this org"),
    "wrong org": (lambda emu: settings(emu, AEP_ORG_ID="0THER00000000000000000000@AdobeOrg"),
                  "fix: wrong org or product profile (403025 Profile is not valid)"),
    "nothing listening": (
        lambda emu: settings(emu, AEP_PLATFORM_URL=f"http://127.0.0.1:{free_port()}",
                             AEP_IMS_URL=f"http://127.0.0.1:{free_port()}"),
        "fix: nothing answers at that address: start the emulator"),
    "TLS": (lambda emu: settings(emu, AEP_PLATFORM_URL=emu.url.replace("http:", "https:"),
                                 AEP_IMS_URL=emu.url.replace("http:", "https:")),
            "fix: the https connection failed"),
    "invalid client secret": (
        lambda emu: settings(emu, AEP_CLIENT_SECRET="not-the-demo-secret",
                             AEP_ALLOW_INSECURE_HTTP="true"),
        "fix: Invalid client secret: IMS knows no client AEP_CLIENT_ID with this "
        "AEP_CLIENT_SECRET"),
}


@pytest.mark.parametrize("tool", sorted(MAINS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_failure_kind_gets_one_line_of_advice(
        emu: Emulator, connection_id: str, tool: str, kind: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each failure kind prints the error line, then exactly one `fix:` line naming the AEP_*
    variable or option to change; no traceback, no internal class name, no secret."""
    make_env, advice_start = KINDS[kind]
    lines = stderr_of(tool, make_env(emu), connection_id, capsys)
    assert len(lines) == 2, lines
    assert lines[0].startswith("error: ")
    assert lines[1].startswith(advice_start), lines[1]
    text = "\n".join(lines)
    for word in ("Traceback", "_Watched", "Pool(", "Max retries", emu.client_secret,
                 "not-the-demo-secret"):
        assert word not in text


def test_a_failure_the_message_explains_gets_no_advice_line(
        emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown connection id is said by the error itself: one line, no `fix:` line."""
    lines = stderr_of("explore", settings(emu), "00000000-0000-4000-8000-000000000000", capsys)
    assert len(lines) == 1
    assert lines[0].startswith("error: ")


def test_a_timeout_is_advised_as_one() -> None:
    """A transport timeout, as the client reports it after its retries, is advised as a
    timeout naming AEP_TIMEOUT_SECONDS (not as a connection or TLS problem)."""
    timeout = requests.ReadTimeout(request=requests.Request("GET", "https://platform.adobe.io/x")
                                   .prepare())
    detail = transport._describe(timeout)
    assert "ReadTimeout" not in detail
    error: AepError = TransientError("GET", "/runs", None, detail)
    fix = advice.cli_advice(error)
    assert fix is not None
    assert fix.startswith("no answer in time")
    assert "AEP_TIMEOUT_SECONDS" in fix
