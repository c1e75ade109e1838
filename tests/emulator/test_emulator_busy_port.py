"""The emulator's command line on a port another process holds: one line, a non-zero exit."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_busy_port_is_one_line_and_exit_2() -> None:
    """`python -m provider.emulator --port <busy>`: one line saying the port is in use, exit 2."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "provider.emulator", "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0]
    assert "--port" in lines[0]
    assert done.stdout == ""
