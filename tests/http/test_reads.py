"""provider.http.reads: many reads of one collection share one listing; nothing stale served."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import pytest

from provider.errors import TransientError
from provider.http.reads import Key, SharedReads

KEY: Key = ("https://platform.example", "ORG@AdobeOrg", "client", "dev", "/fs", "/connections")
OTHER: Key = (*KEY[:3], "prod", *KEY[4:])


class Service:
    """A collection of items, counting the GETs and listings asked of it."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.items = {id_: {"id": id_, "etag": "1"} for id_ in ids}
        self.gets = 0
        self.listings = 0
        self.now = 0.0
        self.fail_listing = False

    def clock(self) -> float:
        return self.now

    def read(self, reads: SharedReads, id_: str, key: Key = KEY) -> dict[str, Any]:
        def get_one() -> dict[str, Any]:
            self.gets += 1
            return dict(self.items.get(id_) or {"gone": id_})

        def list_all() -> list[dict[str, Any]]:
            self.listings += 1
            if self.fail_listing:
                raise TransientError("GET", "/connections", 503, "busy")
            return [dict(item) for item in self.items.values()]

        return reads.read(key, id_, clock=self.clock, get_one=get_one, list_all=list_all)


def test_a_single_read_costs_one_get() -> None:
    """The first read of a collection is its own GET: a one-resource refresh costs one request."""
    service, reads = Service(["a", "b"]), SharedReads()
    assert service.read(reads, "a")["id"] == "a"
    assert (service.gets, service.listings) == (1, 0)


def test_many_reads_share_one_listing() -> None:
    """N reads cost one GET and one listing, and each gets its own item."""
    service, reads = Service([f"c{i}" for i in range(50)]), SharedReads()
    got = [service.read(reads, f"c{i}")["id"] for i in range(50)]
    assert got == [f"c{i}" for i in range(50)]
    assert (service.gets, service.listings) == (1, 1)


def test_an_id_missing_from_the_listing_is_read_by_its_own_get() -> None:
    """Only the item's own GET may call it gone: a listing miss is never taken as proof."""
    service, reads = Service(["a", "b"]), SharedReads()
    service.read(reads, "a")
    assert service.read(reads, "zz") == {"gone": "zz"}
    assert (service.gets, service.listings) == (2, 1)


def test_a_write_retires_the_listing() -> None:
    """After this process writes the collection, the next read lists again (nothing stale)."""
    service, reads = Service(["a", "b"]), SharedReads()
    service.read(reads, "a")
    service.read(reads, "b")
    service.items["b"]["etag"] = "2"
    reads.wrote(KEY)
    assert service.read(reads, "b")["etag"] == "2"
    assert service.listings == 2


def test_a_listing_is_fresh_for_a_bounded_time() -> None:
    """A listing older than fresh_seconds is never served: the next read lists again."""
    service, reads = Service(["a", "b"]), SharedReads(fresh_seconds=30)
    service.read(reads, "a")
    service.read(reads, "b")
    service.items["a"]["etag"] = "9"
    service.now = 31
    assert service.read(reads, "a")["etag"] == "9"
    assert service.listings == 2


def test_collections_and_sandboxes_do_not_share() -> None:
    """Another sandbox (or org, credential, collection) has its own first GET and listing."""
    service, reads = Service(["a"]), SharedReads()
    service.read(reads, "a")
    service.read(reads, "a", OTHER)
    assert (service.gets, service.listings) == (2, 0)


def test_a_failed_listing_falls_back_to_gets() -> None:
    """A listing that fails is not fatal: the reads fall back to their own GETs."""
    service, reads = Service(["a", "b"]), SharedReads()
    service.read(reads, "a")
    service.fail_listing = True
    assert service.read(reads, "b")["id"] == "b"
    assert (service.gets, service.listings) == (2, 1)


def test_concurrent_reads_wait_for_one_listing() -> None:
    """Reads that arrive while the listing is being made wait for it instead of listing again."""
    service, reads = Service([f"c{i}" for i in range(20)]), SharedReads()
    service.read(reads, "c0")
    gate, started = threading.Event(), threading.Event()
    original = Service.read

    def slow_list(self: Service, reads_: SharedReads, id_: str, key: Key = KEY) -> Any:
        def list_all() -> list[dict[str, Any]]:
            self.listings += 1
            started.set()
            gate.wait(5)
            return [dict(i) for i in self.items.values()]

        return reads_.read(key, id_, clock=self.clock, get_one=lambda: {"gone": id_},
                           list_all=list_all)

    results: dict[str, Any] = {}
    first = threading.Thread(target=lambda: results.setdefault(
        "c1", slow_list(service, reads, "c1")))
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=lambda i=i: results.setdefault(
        f"c{i}", original(service, reads, f"c{i}"))) for i in range(2, 20)]
    for thread in others:
        thread.start()
    gate.set()
    for thread in [first, *others]:
        thread.join(5)
    assert {k: v["id"] for k, v in results.items()} == {f"c{i}": f"c{i}" for i in range(1, 20)}
    assert service.listings == 1


@pytest.mark.parametrize("write_during", [True, False])
def test_a_write_during_the_listing_is_not_served_old(write_during: bool) -> None:
    """A listing made while this process wrote is not served to the reads waiting on it."""
    service, reads = Service(["a", "b"]), SharedReads()
    service.read(reads, "a")

    def list_all() -> list[dict[str, Any]]:
        listed = [dict(i) for i in service.items.values()]
        if write_during:
            service.items["b"]["etag"] = "2"
            reads.wrote(KEY)
        return listed

    got = reads.read(KEY, "b", clock=service.clock,
                     get_one=lambda: dict(service.items["b"]), list_all=list_all)
    assert got["etag"] == ("2" if write_during else "1")
