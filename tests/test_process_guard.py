"""The suite's process guard: a process left running by the run is found, a finished one not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from process_guard import PROC, leftover_processes

pytestmark = pytest.mark.skipif(not PROC.is_dir(), reason="the guard reads /proc (Linux)")


def test_a_running_child_is_found_and_a_finished_one_is_not(tmp_path: Path) -> None:
    """A live child of this process is listed; once it has ended and been reaped it is not."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        assert any(line.startswith(f"{child.pid} ") for line in
                   leftover_processes(os.getpid(), str(tmp_path)))
    finally:
        child.kill()
        child.wait()
    assert not any(line.startswith(f"{child.pid} ") for line in
                   leftover_processes(os.getpid(), str(tmp_path)))


def test_a_detached_process_naming_the_marker_is_found(tmp_path: Path) -> None:
    """A process that is not our child but names the marker (a daemonised emulator) is listed."""
    marker = str(tmp_path / "run-marker")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker])
    try:
        found = leftover_processes(-1, marker)  # no parent to match: only the marker can
        assert [line.split()[0] for line in found] == [str(child.pid)]
    finally:
        child.kill()
        child.wait()
