"""A no-op preview: Check and Diff of N unchanged resources should send nothing to Adobe."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.common import count_kinds, median, rounded, timed
from provider.emulator import Emulator
from provider.testing import Engine


def measure(engine: Engine, emu: Emulator, declared: Mapping[str, Mapping[str, Any]],
            repeats: int = 3) -> dict[str, Any]:
    """Preview ``declared`` (already created, unchanged) ``repeats`` times.

    Returns the requests all previews sent (target 0), the steps seen, and the median time.
    """
    emu.clear_requests()
    steps: set[str] = set()
    times: list[float] = []
    for _ in range(repeats):
        seconds = timed(lambda: steps.update(engine.preview(declared).steps.values()))
        times.append(seconds)
    n = len(declared)
    sent = emu.requests
    return rounded({
        "n": n,
        "repeats": repeats,
        "requests": len(sent),
        "requests_by_kind": count_kinds(sent),
        "steps": sorted(steps),
        "seconds": median(times),
        "ms_per_resource": median(times) / n * 1000 if n else 0.0,
        "grpc_calls_per_resource": 2,
    })
