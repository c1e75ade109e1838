"""Refresh at fleet cost through both doors: reads of one collection share one paged listing."""

from __future__ import annotations

import math

from provider.emulator import Emulator
from provider.endpoints import CONNECTIONS
from provider.testing import Engine
from tests.client_fixtures import make_client
from tests.faults.conftest import FAST, PATIENT, Props, declare

FLEET = 500
# Counting requests: a 0.4 s attempt deadline on a loaded machine would add retries to the count.
HOST_CONFIG = {**FAST, **PATIENT}


def _reads(emu: Emulator) -> list[tuple[str, str]]:
    return [(r.method, r.path.split("?")[0]) for r in emu.requests
            if "/ims/" not in r.path]


def test_refresh_of_500_connections_costs_at_most_six_requests(
        engine: Engine, emu: Emulator, props: Props, sandbox: str) -> None:
    """500 base connections refresh with one GET plus five listing pages, every one 'same'."""
    declared = declare(props, sandbox, [f"c{i}" for i in range(FLEET)])
    engine.up(declared)
    emu.clear_requests()
    result = engine.refresh()
    sent = _reads(emu)
    assert len(sent) <= 1 + math.ceil(FLEET / 100)
    assert all(method == "GET" for method, _ in sent)
    assert set(result.values()) == {"same"}
    assert len(result) == FLEET


def test_a_connection_missing_from_the_listing_is_proven_gone_by_its_own_get(
        engine: Engine, emu: Emulator, props: Props, sandbox: str) -> None:
    """A resource deleted outside Pulumi is absent from the listing; only its own GET's 404
    (Flow Service's own answer) drops it, and the others are served from the listing."""
    declared = declare(props, sandbox, ["a", "b", "c"])
    engine.up(declared)
    gone = engine.state[next(iter(declared))].id
    _delete_outside(emu, sandbox, gone)
    emu.clear_requests()
    result = engine.refresh()
    assert sorted(result.values()) == ["gone", "same", "same"]
    gets = [p for m, p in _reads(emu) if m == "GET" and p.endswith(gone)]
    assert len(gets) == 1, "the missing one is read by its own GET"


def _delete_outside(emu: Emulator, sandbox: str, id_: str) -> None:
    """A delete by another client (another process: it shares nothing with the host)."""
    make_client(emu).delete(CONNECTIONS, sandbox, id_)
