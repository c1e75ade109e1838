"""The fleet benchmark: its per-org rate limit answers 429 past the budget (on an injected
clock), and a tiny run goes end to end with the minimum requests (no time asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.fleet import OrgRateLimit, table
from tests.conftest import ROOT


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_answers_429_past_the_budget_and_refills() -> None:
    """R gateway requests a second pass; the next is 429 with Retry-After; a second later the
    window has room again; IMS is never limited."""
    clock = Clock()
    limit = OrgRateLimit(3, retry_after=2, clock=clock)
    assert [limit.decide("GET", "/flows").status for _ in range(3)] == [None, None, None]
    refused = limit.decide("POST", "/connections")
    assert (refused.status, refused.retry_after) == (429, 2)
    assert limit.decide("POST", "/ims/token/v3").status is None
    clock.now += 0.5
    assert limit.decide("GET", "/flows").status == 429
    clock.now += 0.51
    assert limit.decide("GET", "/flows").status is None
    assert limit.throttled == 2


def test_rate_limit_keeps_the_other_fault_rules() -> None:
    """A rule's own failure decides (and does not spend the window); latency still applies."""
    clock = Clock()
    limit = OrgRateLimit(1, clock=clock)
    limit.add(status=503, times=1)
    limit.add(latency=0.25)
    first = limit.decide("GET", "/flows")
    assert (first.status, first.latency) == (503, 0.25)
    assert limit.decide("GET", "/flows").status is None
    throttled = limit.decide("GET", "/flows")
    assert (throttled.status, throttled.latency) == (429, 0.25)
    with pytest.raises(ValueError, match="at least 1"):
        OrgRateLimit(0)


@pytest.mark.slow
def test_tiny_fleet_run_sends_the_minimum() -> None:
    """2 sandboxes x 1 pipeline, one stack at a time, no limit: up creates each resource once
    (+1 token a host), preview sends nothing, refresh reads each resource once; all converge;
    the caller's AEP_* settings are ignored; the retry setting is reported."""
    env = {**os.environ, "AEP_ACCESS_TOKEN": "junk-token"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.fleet", "--sandboxes", "2", "--pipelines", "1",
         "--max-parallel", "1", "--rate-limit", "0", "--retry-attempts", "3", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert "bench: ignoring AEP_ACCESS_TOKEN" in done.stderr
    text = done.stdout[done.stdout.index("{"):]
    results = json.loads(text)
    phases = results["phases"]
    assert results["resources_per_sandbox"] == 5
    for phase in ("up", "preview", "refresh"):
        assert phases[phase]["converged"] == phases[phase]["stacks"] == 2, phase
        assert phases[phase]["throttled_429"] == 0, phase
    assert all(fig["first_failure"] is None for fig in phases.values())
    assert phases["up"]["requests_by_kind"]["create"] == 10
    assert phases["up"]["requests"] == 12
    assert phases["preview"]["requests"] == 0
    assert phases["refresh"]["requests_by_kind"]["read"] == 10
    assert phases["refresh"]["requests"] == 12
    assert table(results) in done.stdout
    assert "no rate limit, aep:retryAttempts 3" in done.stdout
    assert results["retry_attempts"] == 3
