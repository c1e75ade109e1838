"""Soak: 200 connections through their whole lifecycle with 20% of all requests failing."""

from __future__ import annotations

import time

import pytest

from provider.emulator import Emulator
from provider.testing import Engine
from tests.faults.conftest import (
    PATIENT,
    Props,
    assert_converged,
    declare,
    requests_by_method,
    started_host,
    token_requests,
)

COUNT = 200
RATE = 0.2
SEED = 20260
LOST = 5


@pytest.mark.slow
def test_soak_200_connections_with_20_percent_faults(emu: Emulator, props: Props, door: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Create, update, refresh, rotate the token of and delete 200 connections while one request
    in five gets a random 429/5xx (and the first writes lose their answers): no operation fails
    and every step ends in exactly the declared state."""
    sandbox = "soak"
    names = [f"{i:03d}" for i in range(COUNT)]
    declared = declare(props, sandbox, names)
    updated = declare(props, sandbox, names, database="soaked", description="soaked")
    rotated = declare(props, sandbox, names, database="soaked", description="soaked",
                      access_token="dapi-SOAK-ROTATED-00112233445566778899")
    emu.faults.clear()
    emu.clear_requests()
    # Lost answers first (the first few of each write), then the random transient faults.
    lost = [emu.faults.add(method=m, path="/connections", drop="after", times=LOST)
            for m in ("POST", "PATCH", "DELETE")]
    rule = emu.faults.add(rate=RATE, seed=SEED)
    started = time.monotonic()
    with started_host(emu, door, **{**PATIENT, "aep:retryAttempts": "10"}) as host:
        engine = Engine(host)
        assert set(engine.up(declared).steps.values()) == {"create"}
        assert_converged(engine, emu, sandbox, declared)
        assert set(engine.up(updated).steps.values()) == {"update"}
        assert_converged(engine, emu, sandbox, updated)
        assert set(engine.refresh().values()) == {"same"}
        assert set(engine.up(rotated).steps.values()) == {"update"}
        assert_converged(engine, emu, sandbox, rotated)
        engine.destroy()
        calls = dict(host.calls)
    elapsed = time.monotonic() - started
    emu.faults.clear()
    assert emu.connections(sandbox=sandbox) == []
    operations = sum(calls.get(m, 0) for m in ("Create", "Update", "Read", "Delete"))
    assert operations == 5 * COUNT
    sent = len(emu.requests)
    faulted = rule.fired
    assert [r.fired for r in lost] == [LOST] * 3
    assert 0.15 < faulted / sent < 0.25, (faulted, sent)
    with capsys.disabled():
        print(f"\nsoak: {operations} operations, {sent} requests sent ({requests_by_method(emu)}, "
              f"{token_requests(emu)} IMS), {faulted} transient faults injected "
              f"({faulted / sent:.1%}) + {3 * LOST} lost answers, 0 failed, {elapsed:.1f}s")
