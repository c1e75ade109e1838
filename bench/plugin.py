"""The native plugin (``plugin/``) beside the dynamic host, in one run.

- ``requests_per_op``: the lifecycle of ``bench.requests_per_op`` through the plugin: requests per
  create/read/update/delete must equal the dynamic provider's, the minimum (1 each, 1 token).
- ``overhead``: N Create RPCs to the plugin, sequential, against a bare ``requests`` loop
  sending the same POSTs (medians of interleaved repeats; ``ratio`` = plugin / bare).
- ``concurrency``: 32 creates sent at once (as ``pulumi up --parallel 32`` would) with
  ``latency`` (100 ms) added to every request, through the plugin and through the dynamic host,
  side by side. The host serves 4 calls at a time (8 round trips of latency in a row); the
  plugin as many as ``aep:maxConcurrency`` (16 by default: 2 round trips).

Figures only; nothing here is asserted (``tests/bench`` checks that every figure is written).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from typing import Any

import requests

from bench import requests_per_op
from bench.common import (
    bare_headers,
    configured_host,
    emulator,
    median,
    props,
    rounded,
    timed,
)
from provider import model
from provider.client import BASE_PATH
from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost, urn_for

CONCURRENT = 32
LATENCY = 0.1
TIMEOUT = (5.0, 30.0)
_batches = count(1)


def _inputs(host: ProviderHost, n: int, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """N fresh resources, checked by ``host`` as the engine checks before Create."""
    engine = Engine(host)
    batch = next(_batches)
    out = []
    for i in range(n):
        urn = urn_for(f"{prefix}-{batch:03d}-{i:04d}")
        out.append((urn, engine.check(urn, props(i, name=f"{prefix}-{batch:03d}-{i:04d}"))[0]))
    return out


def _creates(host: ProviderHost, inputs: list[tuple[str, dict[str, Any]]],
             callers: int = 1) -> float:
    """Seconds for Create RPCs of ``inputs`` from ``callers`` threads at once."""
    if callers == 1:
        return timed(lambda: [host.create(*item) for item in inputs])
    with ThreadPoolExecutor(callers) as pool:
        return timed(lambda: list(pool.map(lambda item: host.create(*item), inputs)))


def _bare(emu: Emulator, session: requests.Session, n: int) -> float:
    """Seconds for N POSTs with plain ``requests``: the physical minimum."""
    headers = bare_headers(emu, session, TIMEOUT)
    batch = next(_batches)
    bodies = [json.dumps(model.create_body(props(i, name=f"bare-{batch:03d}-{i:04d}"))).encode()
              for i in range(n)]
    url = emu.url + BASE_PATH + "/connections"

    def send() -> None:
        for body in bodies:
            answer = session.post(url, data=body, headers=headers, timeout=TIMEOUT)
            if answer.status_code != 201:
                raise RuntimeError(f"bare create answered {answer.status_code}")

    return timed(send)


def overhead(ns: Sequence[int], repeats: int) -> list[dict[str, Any]]:
    """Plugin / bare loop for each N, sequential, no added latency."""
    figures = []
    with emulator() as emu, configured_host(emu, "plugin") as plugin, \
            requests.Session() as session:
        _creates(plugin, _inputs(plugin, 2, "warm"))
        _bare(emu, session, 2)
        for n in ns:
            plugin_times, bare_times = [], []
            for rep in range(repeats):
                batch = _inputs(plugin, n, "ovh")
                if rep % 2:
                    bare_times.append(_bare(emu, session, n))
                    plugin_times.append(_creates(plugin, batch))
                else:
                    plugin_times.append(_creates(plugin, batch))
                    bare_times.append(_bare(emu, session, n))
            plugin_s, bare_s = median(plugin_times), median(bare_times)
            figures.append(rounded({
                "n": n, "repeats": repeats, "plugin_seconds": plugin_s, "bare_seconds": bare_s,
                "plugin_ms_per_create": plugin_s / n * 1000,
                "bare_ms_per_create": bare_s / n * 1000,
                "ratio": plugin_s / bare_s}, 5))
    return figures


def concurrency(n: int = CONCURRENT, latency: float = LATENCY) -> dict[str, Any]:
    """``n`` creates sent at once at ``latency`` per request: plugin vs dynamic host."""
    result: dict[str, Any] = {"n": n, "latency_seconds": latency, "callers": n}
    with emulator(latency) as emu:
        for door in ("plugin", "dynamic"):
            with configured_host(emu, door) as host:
                _creates(host, _inputs(host, 1, f"warm-{door}"))  # the token, the unpickle
                seconds = _creates(host, _inputs(host, n, f"conc-{door}"), callers=n)
            result[f"{door}_seconds"] = round(seconds, 4)
            result[f"{door}_round_trips"] = round(seconds / latency, 1)
    result["speedup"] = round(result["dynamic_seconds"] / result["plugin_seconds"], 2)
    return result


def measure(ns: Sequence[int], repeats: int, preview_repeats: int) -> dict[str, Any]:
    """Every plugin figure."""
    return {
        "requests_per_op": requests_per_op.measure(ns, preview_repeats=preview_repeats,
                                                   door="plugin"),
        "overhead": overhead(ns, repeats),
        "concurrency": concurrency(),
    }
