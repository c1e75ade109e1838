"""Requests per refresh of one dataflow, refreshed alone by a new provider process (as each
``pulumi refresh`` starts one) after it has run: 1 without ``run_metrics`` (the flow's GET, whose
``lastRunDetails`` gives ``last_run``), 2 with it (and ``GET /runs/{id}``). IMS tokens (one per
process) are counted apart. Both front doors."""

from __future__ import annotations

from typing import Any

from bench.common import SANDBOX, configured_host, count_kinds
from bench.pipeline import pipeline
from provider.emulator import Emulator, PipelineOptions
from provider.testing import Engine

START_EPOCH = 1_800_000_000  # bench.pipeline's start time, 2027-01-15T08:00:00Z
MINIMUM = {"without_run_metrics": 1, "with_run_metrics": 2}


class _Clock:
    """The emulator's pipeline clock: before the first run until moved past it."""

    now = START_EPOCH - 3600.0

    def __call__(self) -> float:
        return self.now


def _refresh(emu: Emulator, door: str, engine: Engine, flow: str) -> dict[str, int]:
    """Request kinds of one refresh of ``flow`` by a new host process."""
    with configured_host(emu, door) as fresh:
        command = Engine(fresh)
        command.state = engine.state
        emu.clear_requests()
        command.refresh(flow)
        return count_kinds(emu.requests)


def _door(door: str) -> dict[str, Any]:
    clock = _Clock()
    with Emulator(port=0, sandboxes=[SANDBOX], pipeline=PipelineOptions(clock=clock)) as emu, \
            configured_host(emu, door) as host:
        engine = Engine(host)
        declared = pipeline(0)
        flow = next(urn for urn in declared if urn.endswith("::p0-Dataflow"))
        engine.up(declared)
        clock.now = START_EPOCH + 61.0  # the first hourly run is over
        found: dict[str, Any] = {}
        for key, metrics in (("without_run_metrics", False), ("with_run_metrics", True)):
            declared[flow] = {**declared[flow], "run_metrics": metrics}
            engine.up(declared)
            kinds = _refresh(emu, door, engine, flow)
            requests = sum(kinds.values()) - kinds["token"]
            found[key] = {"requests": requests, "tokens": kinds["token"], "by_kind": kinds,
                          "meets_minimum": requests == MINIMUM[key]}
        found["health"] = engine.state[flow].outputs.get("health")
        engine.destroy()
    return found


def measure() -> dict[str, Any]:
    """Requests per refresh of one run dataflow, without and with ``run_metrics``, per door."""
    return {door: _door(door) for door in ("dynamic", "plugin")}
