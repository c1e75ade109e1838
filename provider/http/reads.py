"""Reads of many items of one collection share one paged listing (refresh at fleet cost).

A ``pulumi refresh`` reads every resource of a stack, one ``Read`` call each, through one
provider process. One GET per item costs N requests for N resources; listing the collection
costs ceil(M/100) for a sandbox holding M items, whatever N. :class:`SharedReads` chooses, per
(platform, org, credential, sandbox, collection), within this process:

- the first read of a collection sends its own GET (a refresh of one resource costs one request);
- any later read is served from one paged listing of the collection, made once and shared by
  every read that asks while it is fresh (reads that arrive while it is being made wait for it);
- an id the listing does not hold is read by its own GET, so only that GET's answer (the
  service's own "not found") can call it gone;
- a listing is fresh for :data:`FRESH_SECONDS` at most and never outlives a write this process
  makes to the collection (create, update, delete, action: :meth:`SharedReads.wrote`), so no
  read is served anything older than the refresh asking, nor anything this process changed since.

A listing that fails is not retried for each read: that read and the others fall back to their
own GETs, which report (or survive) the failure themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FRESH_SECONDS", "Key", "SharedReads"]

FRESH_SECONDS = 30.0

Item = dict[str, Any]
# (platform URL, org id, API key, sandbox lower-cased, base path, collection path)
Key = tuple[str, str, str, str, str, str]


@dataclass
class _Listing:
    started: float
    done: threading.Event = field(default_factory=threading.Event)
    items: dict[str, Item] | None = None  # None until done, or when the listing failed


@dataclass
class _Collection:
    reads: int = 0
    generation: int = 0  # bumped by every write: a listing of an older one is never served
    listing: _Listing | None = None
    listing_generation: int = -1


class SharedReads:
    """The process-wide choice between one GET and one shared listing (module docstring)."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS) -> None:
        self.fresh_seconds = fresh_seconds
        self._lock = threading.Lock()
        self._collections: dict[Key, _Collection] = {}

    def read(self, key: Key, id_: str, *, clock: Callable[[], float],
             get_one: Callable[[], Item], list_all: Callable[[], Iterable[Item]]) -> Item:
        """The item ``id_``: by ``get_one()`` (the first read, or an id the listing lacks) or
        from the shared ``list_all()`` listing."""
        with self._lock:
            state = self._collections.setdefault(key, _Collection())
            state.reads += 1
            if state.reads == 1:
                listing, mine = None, False
            else:
                listing, mine = self._listing_for(state, clock())
        if listing is None:
            return get_one()
        if mine:
            self._fill(listing, list_all)
        else:
            listing.done.wait()
        with self._lock:
            # A write while the listing was made: what it holds may be older than that write.
            current = state.listing is listing
        found = None if listing.items is None or not current else listing.items.get(id_)
        return found if found is not None else get_one()

    def wrote(self, key: Key) -> None:
        """This process changed the collection: no listing made before now is served again."""
        with self._lock:
            state = self._collections.setdefault(key, _Collection())
            state.generation += 1
            state.listing = None

    def _listing_for(self, state: _Collection, now: float) -> tuple[_Listing, bool]:
        """The fresh listing of ``state`` and False, or a new one (to fill) and True."""
        current = state.listing
        if (current is not None and state.listing_generation == state.generation
                and now - current.started <= self.fresh_seconds):
            return current, False
        state.listing = _Listing(started=now)
        state.listing_generation = state.generation
        return state.listing, True

    @staticmethod
    def _fill(listing: _Listing, list_all: Callable[[], Iterable[Item]]) -> None:
        from provider.errors import AepError  # the tree: kept lazy to stay a leaf module

        try:
            listing.items = {str(item.get("id")): item for item in list_all()}
        except AepError:
            listing.items = None  # each read falls back to its own GET
        finally:
            listing.done.set()
