"""A process guard for the suite: which processes a test run left running.

``leftover_processes(parent, marker)`` lists the live processes (zombies excluded) that are
children of ``parent`` or whose command line contains ``marker`` (the run's temporary directory:
a background emulator that `make up` started, detached from its script, names its state file
there). Reads ``/proc``; where there is none (not Linux) it finds nothing.
"""

from __future__ import annotations

from pathlib import Path

PROC = Path("/proc")


def _stat(pid_dir: Path) -> tuple[str, int] | None:
    """(state, parent pid) from ``/proc/<pid>/stat``, or None if the process is gone."""
    try:
        text = (pid_dir / "stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()  # the command name may hold spaces and ")"
    return fields[0], int(fields[1])


def leftover_processes(parent: int, marker: str, proc: Path = PROC) -> list[str]:
    """``"<pid> <command line>"`` of each live child of ``parent`` or process naming ``marker``."""
    found = []
    for pid_dir in sorted(proc.glob("[0-9]*")):
        if int(pid_dir.name) == parent:
            continue
        stat = _stat(pid_dir)
        if stat is None or stat[0] == "Z":
            continue
        try:
            command = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace").strip()
        except OSError:
            continue
        if stat[1] == parent or marker in command:
            found.append(f"{pid_dir.name} {command}")
    return found
