"""Lifecycle: nothing on import, start/stop, the state file across restarts, the CLI process."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from emulator_support import ACCESS_TOKEN, Api

from provider.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]


def test_import_starts_nothing() -> None:
    """Importing the package starts no server and no thread."""
    code = (
        "import threading, provider.emulator, provider.emulator.__main__;"
        "print(threading.active_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert out.stdout.strip() == "1", out.stderr


def test_stop_frees_the_port_and_ends_keep_alives() -> None:
    """After stop() the port refuses connections, even on a kept-alive session."""
    emu = Emulator().start()
    client = Api(emu)
    assert client.call("GET", "/connections").status_code == 200
    url = emu.url
    emu.stop()
    with pytest.raises(requests.ConnectionError):
        client.session.get(f"{url}/data/foundation/flowservice/connections", timeout=2)
    emu.stop()  # idempotent
    assert threading.active_count() < 10


def test_state_file_survives_restart(tmp_path: Path) -> None:
    """Connections, etags and flow references persist across emulator restarts."""
    state = tmp_path / "state" / "emulator.json"
    with Emulator(state_file=state) as first:
        client = Api(first)
        id_, etag = client.created("kept")
        client.created("gone")
        gone = first.connections()[1]["id"]
        assert client.call("DELETE", f"/connections/{gone}").status_code == 204
        first.add_flow_reference(id_)
    assert json.loads(state.read_text())["connections"][0]["id"] == id_
    assert not list(state.parent.glob("*.tmp"))
    with Emulator(state_file=state) as second:
        client = Api(second)
        item = client.get(id_).json()["items"][0]
        assert item["name"] == "kept"
        assert item["etag"] == etag
        assert second.connections()[0]["auth"]["params"]["accessToken"] == ACCESS_TOKEN
        assert client.get(gone).status_code == 404
        assert client.call("DELETE", f"/connections/{id_}").status_code == 400


def _spawn(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "provider.emulator", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.fullmatch(
        r"aep-flow-emulator listening on (http://127\.0\.0\.1:(\d+)) "
        r"\(client id aep-emulator-client, org EMULATOR0000000000000000@AdobeOrg\)\n",
        line,
    )
    assert match, line + (process.stderr.read() if process.poll() is not None else "")  # type: ignore[union-attr]
    assert int(match.group(2)) > 0
    return process, match.group(1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_exits_cleanly_on_signal(signum: int, tmp_path: Path) -> None:
    """The CLI prints its URL, serves IMS and Flow Service, and exits 0 on SIGTERM/SIGINT."""
    state = tmp_path / "cli.json"
    process, url = _spawn("--state", str(state), "--fault", "status=503,times=1,method=GET")
    try:
        token = requests.post(
            f"{url}/ims/token/v3",
            data={
                "grant_type": "client_credentials",
                "client_id": "aep-emulator-client",
                "client_secret": "aep-emulator-secret",
                "scope": "openid",
            },
            timeout=5,
        ).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "x-api-key": "aep-emulator-client",
            "x-gw-ims-org-id": "EMULATOR0000000000000000@AdobeOrg",
            "x-sandbox-name": "prod",
        }
        listing = f"{url}/data/foundation/flowservice/connections"
        assert requests.get(listing, headers=headers, timeout=5).status_code == 503
        empty = {"items": [], "_links": {}}
        assert requests.get(listing, headers=headers, timeout=5).json() == empty
    finally:
        process.send_signal(signum)
        _, errors = process.communicate(timeout=10)
    assert process.returncode == 0
    assert errors == ""


def test_cli_rejects_bad_fault_spec() -> None:
    """A malformed --fault is a usage error (exit 2), not a traceback."""
    out = subprocess.run(
        [sys.executable, "-m", "provider.emulator", "--port", "0", "--fault", "drop=sideways"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 2
    assert "drop must be one of" in out.stderr
