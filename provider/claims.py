"""Which resource of this process holds each entity id, so ``adopt_existing`` never hands one
entity to two resources (``provider.lifecycle`` records created, adopted, read and updated ids
here and releases them on delete)."""

from __future__ import annotations

import threading

from provider import advice
from provider.errors import ConfigurationError
from provider.http.sender import held_ids


class Claims:
    """Which resource of this process holds each id (created, adopted, read or updated), so
    ``adopt_existing`` never hands one entity to two resources: deleting one would delete the
    other's. Process-wide (one deployment runs in one provider process) and thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders: dict[tuple[str, str], str] = {}

    def hold(self, sandbox: str, id_: str, holder: str) -> None:
        held_ids.present(id_)  # this deployment's own: advice never says to delete it
        if id_:
            with self._lock:
                self._holders[(sandbox.lower(), id_)] = holder

    def present(self, id_: object) -> None:
        """This deployment presented ``id_`` (a Diff's state): ``HeldIds.present``."""
        held_ids.present(id_)

    def release(self, sandbox: str, id_: str) -> None:
        with self._lock:
            self._holders.pop((sandbox.lower(), id_), None)

    def adopt(self, sandbox: str, id_: str, who: str, noun: str) -> None:
        """Hold ``id_`` for resource ``who``, or raise naming the resource that holds it."""
        with self._lock:
            held_by = self._holders.get((sandbox.lower(), id_))
            if held_by is not None:
                raise ConfigurationError(advice.adopt_held(noun, id_, held_by, who))
            self._holders[(sandbox.lower(), id_)] = f"{who}, adopted"
