"""The emulator's connection store: isolated by (org, sandbox), thread-safe, optionally on disk.

Connections are kept as the JSON objects Flow Service returns (unmasked). With a state file the
store loads it at start and rewrites it atomically (temp file + rename) after every mutation, so
a ``pulumi up`` against a restarted emulator still finds its connections.

A state file belongs to one running emulator: :meth:`ConnectionStore.lock` takes an exclusive
``flock`` on ``<state file>.lock`` (held until :meth:`ConnectionStore.unlock`), so a second
emulator pointed at the same file stops with :class:`StateFileError` instead of overwriting the
first one's connections (last writer wins). A state file that is not the emulator's JSON stops
start-up with :class:`StateFileError` naming the file and the problem, not a bare ``KeyError``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

Scope = tuple[str, str]
"""(IMS org id, sandbox name)."""

_FORMAT = 1

try:  # POSIX; elsewhere the lock is advisory-only and skipped.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class StateFileError(Exception):
    """The state file is malformed or already used by another running emulator."""


class ConnectionStore:
    """Connections per scope, in insertion order, plus ids that dataflows reference."""

    def __init__(self, state_file: str | os.PathLike[str] | None = None) -> None:
        self._lock = threading.RLock()
        self._data: dict[Scope, dict[str, dict[str, Any]]] = {}
        self._references: set[str] = set()
        self._path = Path(state_file) if state_file is not None else None
        self._lock_handle: IO[bytes] | None = None
        if self._path is not None and self._path.exists():
            self._load(self._path)

    def lock(self) -> None:
        """Own the state file exclusively (and reload it), or raise :class:`StateFileError`."""
        if self._path is None or self._lock_handle is not None or fcntl is None:
            return
        lock_path = self._path.with_name(self._path.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "ab")  # noqa: SIM115 - held until unlock()
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StateFileError(
                f"the state file {self._path} is in use by another running emulator (lock "
                f"{lock_path}); give each emulator its own --state file"
            ) from None
        self._lock_handle = handle
        with self._lock:
            if self._path.exists():
                self._data.clear()
                self._load(self._path)

    def unlock(self) -> None:
        """Release the state file (idempotent)."""
        handle, self._lock_handle = self._lock_handle, None
        if handle is not None:
            handle.close()  # closing the descriptor releases the flock

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store lock across a read-check-write sequence."""
        with self._lock:
            yield

    def get(self, scope: Scope, id_: str) -> dict[str, Any] | None:
        """A copy of the connection, or None."""
        with self._lock:
            found = self._data.get(scope, {}).get(id_)
            return copy.deepcopy(found) if found is not None else None

    def all(self, scope: Scope) -> list[dict[str, Any]]:
        """Copies of every connection in the scope, oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._data.get(scope, {}).values()))

    def put(self, scope: Scope, connection: dict[str, Any]) -> None:
        """Insert or replace a connection (by its ``id``) and persist."""
        with self._lock:
            self._data.setdefault(scope, {})[connection["id"]] = copy.deepcopy(connection)
            self._save()

    def delete(self, scope: Scope, id_: str) -> bool:
        """Remove a connection; False if it was not there."""
        with self._lock:
            removed = self._data.get(scope, {}).pop(id_, None) is not None
            if removed:
                self._save()
            return removed

    def add_reference(self, id_: str) -> None:
        """Mark a connection as used by a dataflow (DELETE then answers 1418-400)."""
        with self._lock:
            self._references.add(id_)
            self._save()

    def is_referenced(self, id_: str) -> bool:
        """Whether a dataflow uses the connection."""
        with self._lock:
            return id_ in self._references

    def _load(self, path: Path) -> None:
        def bad(problem: str) -> StateFileError:
            return StateFileError(
                f"the state file {path} is not an emulator state file ({problem}); fix it, or "
                "move it away to start with no connections"
            )

        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError) as error:
            raise bad(f"not valid JSON: {error}") from None
        except OSError as error:
            raise bad(f"unreadable: {error.strerror}") from None
        if not isinstance(document, dict):
            raise bad("the top level is not an object")
        items = document.get("connections", [])
        references = document.get("flowReferences", [])
        if not isinstance(items, list) or not isinstance(references, list):
            raise bad("connections and flowReferences must be lists")
        for index, item in enumerate(items):
            fields = ("id", "imsOrgId", "sandboxName")
            if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in fields):
                raise bad(f"connections[{index}] lacks a string id, imsOrgId or sandboxName")
            scope = (item["imsOrgId"], item["sandboxName"])
            self._data.setdefault(scope, {})[item["id"]] = item
        if not all(isinstance(ref, str) for ref in references):
            raise bad("flowReferences must hold connection ids (strings)")
        self._references = set(references)

    def _save(self) -> None:
        if self._path is None:
            return
        document = {
            "format": _FORMAT,
            "connections": [c for scope in self._data.values() for c in scope.values()],
            "flowReferences": sorted(self._references),
        }
        directory = self._path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self._path.name, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
