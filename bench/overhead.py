"""Wall time of N creates through Pulumi's host against a bare ``requests`` loop.

Every contender sends the same N ``POST /connections`` (bodies from
``provider.model.create_body``, the same headers, one IMS token) to the same emulator, in the
same run, interleaved and repeated; figures are medians and ``ratio`` = ours / bare loop.

- ``bare``: a plain ``requests.Session`` loop in this process, no host: the physical minimum.
- ``ours``: Create RPCs to Pulumi's host running ``DatabricksBaseConnectionProvider``.
- ``minimal``: the same host running ``bench.minimal_provider`` (one POST, nothing else):
  ``ours / minimal`` is what our code costs over the least any provider could do.
- ``empty``: the same host running ``bench.empty_provider`` (no HTTP): the host's own per-call
  cost, so ``(bare + empty) / bare`` is the floor ratio for any dynamic provider here.

Then with the emulator adding latency to every request: sequential, and with 4 callers at once
(the host serves 4 RPCs in parallel; the bare loop gets 4 threads, one session each).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests

from bench.common import (
    bare_headers,
    configured_host,
    emulator,
    median,
    props,
    rounded,
    timed,
)
from bench.empty_provider import EmptyProvider
from bench.minimal_provider import MinimalHttpProvider, body
from provider import model
from provider.client import BASE_PATH
from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost, serialized_provider, urn_for

THREADS = 4  # the host's ThreadPoolExecutor(max_workers=4)
TIMEOUT = (5.0, 30.0)
HOSTED = ("ours", "minimal", "empty")

Inputs = list[tuple[str, dict[str, Any]]]


@dataclass
class _Contenders:
    """The bare loop and one configured host per provider in ``HOSTED``."""

    url: str
    headers: dict[str, str]
    sessions: list[requests.Session]
    hosts: dict[str, ProviderHost]
    blobs: dict[str, str]
    batch: int = field(default=0)

    def batch_of(self, n: int) -> tuple[list[bytes], dict[str, Inputs]]:
        """N fresh resources: the bare loop's bodies, and each hosted provider's inputs (ours
        checked by our provider, as the engine does before Create)."""
        self.batch += 1
        engine = Engine(self.hosts["ours"])
        bodies: list[bytes] = []
        inputs: dict[str, Inputs] = {name: [] for name in HOSTED}
        for i in range(n):
            name = f"ovh-{self.batch:03d}-{i:04d}"
            declared = props(i, name=name)
            urn = urn_for(name)
            sent = model.create_body(declared)
            if body(declared) != sent:
                raise RuntimeError("bench.minimal_provider.body differs from create_body")
            bodies.append(json.dumps(sent).encode())
            inputs["ours"].append((urn, engine.check(urn, declared)[0]))
            for other in HOSTED[1:]:
                inputs[other].append((urn, {**declared, "__provider": self.blobs[other]}))
        return bodies, inputs

    def bare(self, bodies: Sequence[bytes], threads: int = 1) -> float:
        """Seconds to POST ``bodies`` with plain ``requests`` (one session per thread)."""
        def post(index: int) -> None:
            session = self.sessions[index % threads]
            response = session.post(self.url, data=bodies[index], headers=self.headers,
                                    timeout=TIMEOUT)
            if response.status_code != 201:
                raise RuntimeError(f"bare create answered {response.status_code}")

        return _run(post, len(bodies), threads)

    def hosted(self, name: str, inputs: Inputs, threads: int = 1) -> float:
        """Seconds for Create RPCs of ``inputs`` to host ``name`` from ``threads`` callers."""
        host = self.hosts[name]
        return _run(lambda index: host.create(*inputs[index]), len(inputs), threads)


def _run(call: Callable[[int], object], n: int, threads: int) -> float:
    if threads == 1:
        return timed(lambda: [call(i) for i in range(n)])
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return timed(lambda: list(pool.map(call, range(n))))


@contextmanager
def _contenders(emu: Emulator) -> Iterator[_Contenders]:
    with ExitStack() as stack:
        hosts = {name: stack.enter_context(configured_host(emu)) for name in HOSTED}
        blobs = {"ours": serialized_provider(),
                 "minimal": serialized_provider(MinimalHttpProvider()),
                 "empty": serialized_provider(EmptyProvider())}
        sessions = [stack.enter_context(requests.Session()) for _ in range(THREADS)]
        headers = bare_headers(emu, sessions[0], TIMEOUT)
        found = _Contenders(emu.url + BASE_PATH + "/connections", headers, sessions, hosts,
                            blobs)
        # Warm every contender, so no figure holds a token fetch, an unpickle or a TCP connect:
        # each session and each host worker thread opens its keep-alive connection.
        bodies, inputs = found.batch_of(THREADS)
        found.bare(bodies, THREADS)
        for name in HOSTED:
            found.hosted(name, inputs[name][:1])
            found.hosted(name, inputs[name][1:], THREADS)
        yield found


def _compare(c: _Contenders, n: int, repeats: int, threads: int = 1) -> dict[str, Any]:
    """Interleaved repeats (order reversed every other time); medians and ratios."""
    times: dict[str, list[float]] = {name: [] for name in ("bare", *HOSTED)}
    order = ["bare", *HOSTED]
    for rep in range(repeats):
        bodies, inputs = c.batch_of(n)
        for name in order if rep % 2 == 0 else reversed(order):
            times[name].append(c.bare(bodies, threads) if name == "bare"
                               else c.hosted(name, inputs[name], threads))
    med = {name: median(values) for name, values in times.items()}
    figures: dict[str, Any] = {"n": n, "threads": threads, "repeats": repeats}
    for name, seconds in med.items():
        figures[f"{name}_seconds"] = seconds
        figures[f"{name}_ms_per_create"] = seconds / n * 1000
    figures.update(
        ratio=med["ours"] / med["bare"],
        minimal_ratio=med["minimal"] / med["bare"],
        floor_ratio=(med["bare"] + med["empty"]) / med["bare"],
        ours_vs_minimal=med["ours"] / med["minimal"],
        ours_minus_minimal_ms_per_create=(med["ours"] - med["minimal"]) / n * 1000,
    )
    result = rounded(figures, 5)
    result["ratios_per_repeat"] = [round(o / b, 3)
                                   for o, b in zip(times["ours"], times["bare"], strict=True)]
    return result


def repeats_for(n: int, repeats: int) -> int:
    """Fewer repeats for large N, where one run already averages over many requests."""
    return repeats if n <= 100 else max(1, (repeats + 1) // 2)


def measure(ns: Sequence[int], repeats: int, latency_n: int, latency: float = 0.05,
            latency_repeats: int = 3) -> dict[str, Any]:
    """Ratios with no added latency for each N in ``ns``; then, with ``latency`` seconds added to
    every request, ``latency_n`` creates sequential and from ``THREADS`` callers."""
    with emulator() as emu, _contenders(emu) as c:
        plain = [_compare(c, n, repeats_for(n, repeats)) for n in ns]
    with emulator(latency) as emu, _contenders(emu) as c:
        sequential = _compare(c, latency_n, latency_repeats)
        parallel = _compare(c, latency_n, latency_repeats, THREADS)
    parallel["ratio_vs_bare_sequential"] = round(
        parallel["ours_seconds"] / sequential["bare_seconds"], 4)
    parallel["speedup_vs_ours_sequential"] = round(
        sequential["ours_seconds"] / parallel["ours_seconds"], 3)
    return {
        "no_latency": plain,
        "latency": {"latency_seconds": latency, "n": latency_n, "sequential": sequential,
                    "parallel": parallel},
    }
