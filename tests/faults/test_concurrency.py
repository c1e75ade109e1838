"""Concurrency: the provider host serves four calls at once, as the engine makes them.

Four Python threads call ``Create``/``Update`` on one host at the same time (the host has four
gRPC workers). The token cache must serve them one token, survive revocation with one refresh,
and stale etags must stop updates rather than overwrite out-of-band edits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, HostError, ProviderHost, urn_for
from tests.faults.conftest import (
    PATIENT,
    Props,
    assert_converged,
    declare,
    patch_elsewhere,
    rename_elsewhere,
    started_host,
    token_requests,
)

THREADS = 4


@pytest.fixture
def fresh(emu: Emulator, door: str) -> Iterator[ProviderHost]:
    """A new host process: its token cache is empty."""
    emu.faults.clear()
    emu.clear_requests()
    with started_host(emu, door, **PATIENT) as host:
        yield host
    emu.faults.clear()


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` for ``i`` in ``range(count)`` on four threads released together."""
    gate = threading.Barrier(THREADS)

    def run(i: int) -> Any:
        if i < THREADS:
            gate.wait(timeout=30)
        return work(i)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(count)))


def create_all(host: ProviderHost, props: Props, sandbox: str, count: int) -> dict[str, Any]:
    """Create ``count`` connections from four threads; URN -> (id, outputs)."""
    engine = Engine(host)
    urns = [urn_for(f"{sandbox}-{i:02d}") for i in range(count)]

    def create(i: int) -> Any:
        return host.create(urns[i], engine.declare(props(name=f"{sandbox}-{i:02d}",
                                                         sandbox_name=sandbox)))

    return dict(zip(urns, in_threads(count, create), strict=True))


def test_four_threads_share_one_token(fresh: ProviderHost, emu: Emulator, props: Props) -> None:
    """40 creates from four threads at once: one IMS token request, 40 distinct connections."""
    emu.faults.add(path="/ims/token/v3", latency=0.3, times=1)  # the others queue behind it
    made = create_all(fresh, props, "conc-token", 40)
    ids = {id_ for id_, _ in made.values()}
    assert len(ids) == 40
    assert sorted(c["id"] for c in emu.connections(sandbox="conc-token")) == sorted(ids)
    assert token_requests(emu) == 1
    assert max(r.fired for r in emu.faults.rules) == 1


def test_revocation_mid_run_costs_one_refresh(fresh: ProviderHost, emu: Emulator,
                                              props: Props,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens revoked while four threads create: every create succeeds, exactly one new token
    is fetched, and the cache still serves the next call without another."""
    revoked = threading.Event()
    lock = threading.Lock()

    def latency_then_revoke_at_15(seconds: float) -> None:
        # The emulator calls this before each create: once 15 exist, tokens are revoked while
        # the other creates are in flight (no polling thread).
        time.sleep(seconds)
        with lock:
            if not revoked.is_set() and len(emu.connections(sandbox="conc-revoke")) >= 15:
                emu.revoke_tokens()
                revoked.set()

    monkeypatch.setattr(emu, "sleep", latency_then_revoke_at_15)
    emu.faults.add(path="/connections", latency=0.01)
    made = create_all(fresh, props, "conc-revoke", 60)
    assert revoked.is_set()
    assert len({id_ for id_, _ in made.values()}) == 60
    assert len(emu.connections(sandbox="conc-revoke")) == 60
    assert any(r.status == 401 for r in emu.requests)
    assert token_requests(emu) == 2
    create_all(fresh, props, "conc-after", 4)
    assert token_requests(emu) == 2


def test_concurrent_updates_stop_on_stale_etags(fresh: ProviderHost, emu: Emulator,
                                                props: Props) -> None:
    """Four threads update 20 connections while 5 were edited elsewhere: those 5 fail asking
    for a refresh and keep the edit; the other 15 are updated."""
    sandbox = "conc-etag"
    made = create_all(fresh, props, sandbox, 20)
    urns = sorted(made)
    edited = set(urns[::4])
    for urn in edited:
        id_, outs = made[urn]
        rename_elsewhere(emu, sandbox, id_, outs["etag"], name=f"ui-{id_}")
    engine = Engine(fresh)

    def update(i: int) -> str:
        urn = urns[i]
        id_, outs = made[urn]
        news = engine.declare(props(name=outs["name"], sandbox_name=sandbox, database="newer"))
        try:
            fresh.update(id_, urn, outs, news)
        except HostError as error:
            return error.last_line
        return "ok"

    results = dict(zip(urns, in_threads(len(urns), update), strict=True))
    assert {u for u, r in results.items() if r != "ok"} == edited
    assert all("pulumi refresh" in results[u] for u in edited)
    live = {c["id"]: c for c in emu.connections(sandbox=sandbox)}
    for urn, (id_, _) in made.items():
        database = live[id_]["auth"]["params"]["database"]
        if urn in edited:
            assert (live[id_]["name"], database) == (f"ui-{id_}", "acme-db")
        else:
            assert database == "newer"


def test_out_of_band_edit_between_refresh_and_up_is_caught(
        fresh: ProviderHost, emu: Emulator, sandbox: str, props: Props) -> None:
    """refresh, an edit elsewhere, then up: the etag stops the update with a refresh hint and
    nothing is overwritten; after refresh + up the declared state wins."""
    engine = Engine(fresh)
    declared = declare(props, sandbox, ["oob"])
    engine.up(declared)
    assert engine.refresh() == dict.fromkeys(declared, "same")
    (entry,) = engine.state.values()
    rename_elsewhere(emu, sandbox, entry.id, entry.outputs["etag"])
    updated = declare(props, sandbox, ["oob"], database="declared-db")
    with pytest.raises(HostError) as caught:
        engine.up(updated)
    assert "pulumi refresh" in caught.value.last_line
    (live,) = emu.connections(sandbox=sandbox)
    assert (live["name"], live["auth"]["params"]["database"]) == ("edited-elsewhere", "acme-db")
    assert engine.refresh() == dict.fromkeys(declared, "changed")
    assert set(engine.up(updated).steps.values()) == {"update"}
    assert_converged(engine, emu, sandbox, updated)
    engine.destroy()


def test_token_rotation_racing_an_edit_elsewhere_is_not_lost(
        fresh: ProviderHost, emu: Emulator, sandbox: str, props: Props,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A token rotation whose first PATCH fails (503) while the token is changed elsewhere:
    the retry meets 412, and since a masked token cannot be verified the update is not taken as
    applied; it stops asking for a refresh, and refresh + up put the declared token in place."""
    engine = Engine(fresh)
    engine.up(declare(props, sandbox, ["race"]))
    (entry,) = engine.state.values()
    rotated = declare(props, sandbox, ["race"], access_token="dapi-DECLARED-ROTATION-0001")
    emu.faults.add(method="PATCH", status=503, times=1)
    slow = emu.faults.add(method="PATCH", latency=0.01, times=2)

    def edit_elsewhere_before_the_retry(seconds: float) -> None:
        # Called by the emulator before each of the two PATCHes is processed; before the
        # second (the retry), the token is changed elsewhere, so the retry meets 412.
        if slow.fired == 2:
            (live,) = emu.connections(sandbox=sandbox)
            params = {**live["auth"]["params"], "accessToken": "dapi-SOMEONE-ELSE-0002"}
            patch_elsewhere(emu, sandbox, entry.id, live["etag"],
                            [{"op": "replace", "path": "/auth/params", "value": params}])

    monkeypatch.setattr(emu, "sleep", edit_elsewhere_before_the_retry)
    outcome: list[BaseException | None] = []

    def up() -> None:
        try:
            engine.up(rotated)
            outcome.append(None)
        except HostError as error:
            outcome.append(error)

    runner = threading.Thread(target=up)
    runner.start()
    runner.join()
    assert slow.fired == 2
    (live,) = emu.connections(sandbox=sandbox)
    assert outcome != [None], "reported success, but the declared token is not live"
    assert "pulumi refresh" in str(outcome[0])
    assert live["auth"]["params"]["accessToken"] == "dapi-SOMEONE-ELSE-0002"
    engine.refresh()
    engine.up(rotated)
    assert_converged(engine, emu, sandbox, rotated)
    engine.destroy()
