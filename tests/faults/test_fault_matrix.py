"""Create, read, update and delete under every transient fault, through the provider host.

Each case injects one kind of fault on one operation's requests and holds that the operation
succeeds and the emulator ends up with exactly the declared connections: no duplicate, no
orphan, no lost update. Faults that outlast the retry budget must fail with a message naming
the connection and what to do, and the next run (faults gone) must converge.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.errors import ConfigurationError
from provider.settings import ProviderSettings
from provider.testing import Engine, HostError, ProviderHost
from tests.faults.conftest import (
    TIMEOUT_DELAY,
    Declared,
    Props,
    assert_converged,
    declare,
    started_host,
)


@dataclass(frozen=True)
class Fault:
    """A fault as ``Faults.add`` keywords, and how many times it must fire."""

    label: str
    kwargs: dict[str, Any]
    fires: int


FAULTS = [
    Fault("429-burst", {"status": 429, "retry_after": 0, "times": 3}, 3),
    Fault("500", {"status": 500, "times": 2}, 2),
    Fault("502", {"status": 502, "times": 2}, 2),
    Fault("503", {"status": 503, "times": 2}, 2),
    Fault("504", {"status": 504, "times": 2}, 2),
    Fault("read-timeout", {"delay": TIMEOUT_DELAY, "times": 1}, 1),
    Fault("connection-reset", {"drop": "before", "times": 1}, 1),
    Fault("answer-lost", {"drop": "after", "times": 1}, 1),
]

# operation -> (HTTP method it sends, path prefix of its requests)
OPERATIONS = {
    "create": ("POST", "/connections"),
    "read": ("GET", "/connections/"),
    "update": ("PATCH", "/connections/"),
    "delete": ("DELETE", "/connections/"),
}


def run_operation(op: str, engine: Engine, declared: Declared, updated: Declared) -> Declared:
    """Run ``op`` on the (already created, except for ``create``) resources; the end state."""
    if op == "create":
        engine.up(declared)
        return declared
    if op == "read":
        assert set(engine.refresh().values()) == {"same"}
        return declared
    if op == "update":
        assert set(engine.up(updated).steps.values()) == {"update"}
        return updated
    engine.destroy()
    return {}


@pytest.mark.parametrize("op", list(OPERATIONS))
@pytest.mark.parametrize("fault", FAULTS, ids=[f.label for f in FAULTS])
def test_operation_survives_fault(op: str, fault: Fault, engine: Engine, emu: Emulator,
                                  sandbox: str, props: Props) -> None:
    """The operation succeeds through the fault and the sandbox holds exactly what is declared."""
    declared = declare(props, sandbox, ["a", "b"])
    updated = declare(props, sandbox, ["a", "b"], database="second-db", description="second")
    if op != "create":
        engine.up(declared)
    method, path = OPERATIONS[op]
    rule = emu.faults.add(method=method, path=path, **fault.kwargs)
    final = run_operation(op, engine, declared, updated)
    assert rule.fired == fault.fires
    assert_converged(engine, emu, sandbox, final)
    assert set(engine.refresh().values()) <= {"same"}


# Faults after which the PATCH was applied though its answer never came.
APPLIED_UNANSWERED = ("read-timeout", "answer-lost")


@pytest.mark.parametrize("fault", FAULTS, ids=[f.label for f in FAULTS])
def test_token_rotation_under_fault(fault: Fault, engine: Engine, emu: Emulator, sandbox: str,
                                    props: Props) -> None:
    """A token change survives every fault; when the PATCH landed unanswered, the masked token
    cannot be verified, so it stops asking for a refresh, and refresh + up converge."""
    engine.up(declare(props, sandbox, ["t"]))
    rotated = declare(props, sandbox, ["t"], access_token="dapi-ROTATED-0123456789abcdef")
    emu.faults.add(method="PATCH", **fault.kwargs)
    if fault.label in APPLIED_UNANSWERED:
        with pytest.raises(HostError) as caught:
            engine.up(rotated)
        assert "pulumi refresh" in caught.value.last_line
        assert f"'{sandbox}-t'" in caught.value.last_line
        engine.refresh()
    engine.up(rotated)
    assert_converged(engine, emu, sandbox, rotated)


def test_retry_after_is_honoured(engine: Engine, emu: Emulator, sandbox: str,
                                 props: Props) -> None:
    """A 429 with Retry-After: 0.3 makes the create wait that long, then succeed once."""
    declared = declare(props, sandbox, ["slow"])
    emu.faults.add(status=429, retry_after=0.3, times=1, method="POST", path="/connections")
    # Real time, a lower bound only: the host is another process, its sleep cannot be injected
    # (the exact wait is held with an injected sleep in tests/test_client.py).
    started = time.monotonic()
    engine.up(declared)
    assert time.monotonic() - started >= 0.3
    assert_converged(engine, emu, sandbox, declared)


def test_lost_patch_answer_then_412_is_success(engine: Engine, emu: Emulator, sandbox: str,
                                               props: Props) -> None:
    """A PATCH applied whose answer is lost: the retry meets 412, re-reads, and succeeds."""
    declared = declare(props, sandbox, ["lost"])
    engine.up(declared)
    emu.clear_requests()
    emu.faults.add(method="PATCH", drop="after", times=1)
    updated = declare(props, sandbox, ["lost"], database="after-loss")
    engine.up(updated)
    statuses = [(r.method, r.status) for r in emu.requests if r.method in ("PATCH", "GET")]
    assert statuses[:3] == [("PATCH", 0), ("PATCH", 412), ("GET", 200)]
    assert_converged(engine, emu, sandbox, updated)


def test_lost_create_answer_makes_no_duplicate(engine: Engine, emu: Emulator, sandbox: str,
                                               props: Props) -> None:
    """A create committed whose answer is lost is found by name, not made twice."""
    declared = declare(props, sandbox, ["once"])
    emu.clear_requests()
    emu.faults.add(method="POST", drop="after", times=1)
    engine.up(declared)
    posts = [r.status for r in emu.requests if r.method == "POST"]
    assert posts == [0]
    assert_converged(engine, emu, sandbox, declared)


# -- the budget runs out: a clear error, and the next run converges ----------------------------

EXHAUSTING = [
    Fault("429-forever", {"status": 429, "retry_after": 0}, 4),
    Fault("503-forever", {"status": 503}, 4),
    Fault("reset-forever", {"drop": "before"}, 4),
]
WHAT_TO_DO = ("retry later", "pulumi up", "pulumi refresh")


@pytest.fixture(scope="module")
def tight_host(emu: Emulator, door: str) -> Any:
    """A host with a 4-attempt budget, for faults that never stop."""
    with started_host(emu, door, **{"aep:retryAttempts": "4"}) as started:
        yield started


@pytest.mark.parametrize("op", list(OPERATIONS))
@pytest.mark.parametrize("fault", EXHAUSTING, ids=[f.label for f in EXHAUSTING])
def test_spent_budget_fails_clearly_and_rerun_converges(
        op: str, fault: Fault, tight_host: ProviderHost, emu: Emulator, sandbox: str,
        props: Props) -> None:
    """When faults outlast the budget the error names the connection and the fix; rerunning
    the same step with the faults gone converges with no duplicate."""
    emu.faults.clear()
    engine = Engine(tight_host)
    declared = declare(props, sandbox, ["x"])
    updated = declare(props, sandbox, ["x"], database="second")
    if op != "create":
        engine.up(declared)
    method, path = OPERATIONS[op]
    rule = emu.faults.add(method=method, path=path, **fault.kwargs)
    with pytest.raises(HostError) as caught:
        run_operation(op, engine, declared, updated)
    emu.faults.clear()
    last = caught.value.last_line
    assert f"'{sandbox}-x'" in last
    assert f"'{sandbox}'" in last
    assert any(fix in last for fix in WHAT_TO_DO), last
    assert rule.fired == fault.fires
    final = run_operation(op, engine, declared, updated)
    assert_converged(engine, emu, sandbox, final)
    engine.destroy()


def test_update_whose_fate_is_unknown_asks_for_refresh(
        tight_host: ProviderHost, emu: Emulator, sandbox: str, props: Props) -> None:
    """A PATCH applied but unanswered, then 503s past the budget: the next up stops on the etag
    and says to refresh; refresh + up then converge (no silent overwrite, no lost update)."""
    emu.faults.clear()
    engine = Engine(tight_host)
    declared = declare(props, sandbox, ["fate"])
    engine.up(declared)
    updated = declare(props, sandbox, ["fate"], database="maybe")
    emu.faults.add(method="PATCH", drop="after", times=1)
    emu.faults.add(method="PATCH", status=503)
    with pytest.raises(HostError) as first:
        engine.up(updated)
    assert "may or may not have been applied" in first.value.last_line
    emu.faults.clear()
    with pytest.raises(HostError) as second:
        engine.up(updated)
    assert "pulumi refresh" in second.value.last_line
    engine.refresh()
    engine.up(updated)
    assert_converged(engine, emu, sandbox, updated)
    engine.destroy()


@pytest.mark.parametrize(("key", "value"), [
    ("aep:retryAttempts", "0"), ("aep:retryAttempts", "two"), ("aep:retryMaxSeconds", "-1"),
    ("aep:retryBaseDelay", "nan"), ("aep:timeoutSeconds", "0"),
])
def test_bad_retry_settings_name_the_key(key: str, value: str) -> None:
    """An invalid retry or timeout setting is a configuration error naming the key."""
    config = {"aep:clientId": "cid", "aep:clientSecret": "secret-value", "aep:orgId": "O@AdobeOrg",
              key: value}
    with pytest.raises(ConfigurationError, match=key):
        ProviderSettings.from_config(config.get, {})


def test_retry_settings_fall_back_to_environment() -> None:
    """Retry settings are read from AEP_* variables when the stack config has none."""
    config = {"aep:clientId": "cid", "aep:clientSecret": "secret-value", "aep:orgId": "O@AdobeOrg"}
    settings = ProviderSettings.from_config(config.get, {"AEP_RETRY_ATTEMPTS": "9",
                                                         "AEP_TIMEOUT_SECONDS": "2.5"})
    assert (settings.retry_attempts, settings.timeout_seconds) == (9, 2.5)
    assert ProviderSettings.from_config(config.get, {}).retry_attempts == 6


IMS_FAULTS = [
    Fault("ims-429", {"status": 429, "retry_after": 0, "times": 2}, 2),
    Fault("ims-503", {"status": 503, "times": 2}, 2),
    Fault("ims-reset", {"drop": "before", "times": 1}, 1),
    Fault("ims-timeout", {"delay": TIMEOUT_DELAY, "times": 1}, 1),
]


@pytest.mark.parametrize("fault", IMS_FAULTS, ids=[f.label for f in IMS_FAULTS])
def test_token_request_survives_fault(fault: Fault, emu: Emulator, sandbox: str,
                                      props: Props, door: str) -> None:
    """A fresh host whose first IMS token request meets a fault still creates exactly once."""
    emu.faults.clear()
    rule = emu.faults.add(method="POST", path="/ims/token/v3", **fault.kwargs)
    with started_host(emu, door) as fresh:
        engine = Engine(fresh)
        declared = declare(props, sandbox, ["ims"])
        engine.up(declared)
        assert rule.fired == fault.fires
        assert_converged(engine, emu, sandbox, declared)
        engine.destroy()


def test_ims_down_fails_clearly_and_rerun_converges(emu: Emulator, sandbox: str,
                                                    props: Props, door: str) -> None:
    """IMS failing every attempt: the error names the connection and IMS; nothing is created;
    with IMS back the same up converges."""
    emu.faults.clear()
    emu.faults.add(method="POST", path="/ims/token/v3", status=503)
    with started_host(emu, door) as fresh:
        engine = Engine(fresh)
        declared = declare(props, sandbox, ["imsdown"])
        with pytest.raises(HostError) as caught:
            engine.up(declared)
        assert f"'{sandbox}-imsdown'" in caught.value.last_line
        assert "Adobe IMS" in caught.value.last_line
        assert emu.connections(sandbox=sandbox) == []
        emu.faults.clear()
        engine.up(declared)
        assert_converged(engine, emu, sandbox, declared)
        engine.destroy()
