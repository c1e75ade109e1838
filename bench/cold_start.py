"""Host cold start: process start to the first Create answered, ours against an empty provider.

Each run starts a fresh ``python -m pulumi.dynamic`` (the host prints its port, we connect), then
sends Configure, Check and Create of one resource, as the engine does for a one-resource
``pulumi up``. Ours fetches its IMS token and POSTs to the emulator inside that Create; the
baseline is ``bench.empty_provider`` (no HTTP). ``bench.minimal_provider`` (``requests``, one
token, one POST, nothing else) shows what any ``requests``-based provider pays. Runs rotate
between the three; medians.

Bytecode matters here: with ``PYTHONDONTWRITEBYTECODE=1`` (set in some CI images, and on the
machine these figures were first taken on) and no ``__pycache__``, every start compiles our
modules from source. The headline figure is ``cached``: bytecode written to a private
``PYTHONPYCACHEPREFIX`` by an uncounted first start of each, which is what users get from the
second run on (and always from an installed package). ``inherited`` runs with this process's
environment as it is.

The import cost behind the difference is measured apart: the time to import
``provider.resource`` in a fresh interpreter that has already imported ``pulumi.dynamic``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from typing import Any

from bench.common import ROOT, SECRET_KEYS, emulator, median, peak_rss_kib, props, stack_config
from bench.empty_provider import EmptyProvider
from bench.minimal_provider import MinimalHttpProvider
from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost, serialized_provider, urn_for

_IMPORT_PROBE = (
    "import time\n"
    "t0 = time.perf_counter()\n"
    "import pulumi.dynamic, grpc\n"
    "t1 = time.perf_counter()\n"
    "import provider.resource\n"
    "t2 = time.perf_counter()\n"
    "print(t1 - t0, t2 - t1)\n"
)


def _one(emu: Emulator | None, blob: str, env: Mapping[str, str]) -> dict[str, float]:
    """One cold start; phase times in seconds and the host's peak memory after it."""
    config = stack_config(emu) if emu is not None else {}
    urn = urn_for("cold-start")
    started = time.perf_counter()
    with ProviderHost(ROOT, env=env) as host:
        listening = time.perf_counter()
        host.configure(config, secret_keys=SECRET_KEYS if emu is not None else ())
        inputs, failures = Engine(host, blob).check(urn, props(0, name="cold-start"))
        if failures:
            raise RuntimeError(f"cold-start check failed: {failures}")
        checked = time.perf_counter()
        host.create(urn, inputs)
        done = time.perf_counter()
        pid = host.process.pid if host.process is not None else 0
        peak = peak_rss_kib(pid) or 0
    return {"total": done - started, "to_port": listening - started,
            "configure_check": checked - listening, "create": done - checked,
            "vmhwm_kib": float(peak)}


def _import_cost(runs: int, env: Mapping[str, str]) -> dict[str, float]:
    pulumi_s: list[float] = []
    ours_s: list[float] = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], cwd=ROOT, check=True, env=env,
                             capture_output=True, text=True, timeout=120).stdout.split()
        pulumi_s.append(float(out[0]))
        ours_s.append(float(out[1]))
    return {"pulumi_dynamic_and_grpc_ms": round(median(pulumi_s) * 1000, 1),
            "provider_resource_ms": round(median(ours_s) * 1000, 1)}


def _series(runs: int, env: Mapping[str, str], warm_up: bool) -> dict[str, Any]:
    """``runs`` cold starts of each provider, rotating; medians and ratios to the empty one."""
    blobs = {"ours": serialized_provider(), "minimal": serialized_provider(MinimalHttpProvider()),
             "empty": serialized_provider(EmptyProvider())}
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in blobs}
    with emulator() as emu:
        def start(name: str) -> dict[str, float]:
            return _one(None if name == "empty" else emu, blobs[name], env)

        if warm_up:
            for name in blobs:
                start(name)
        names = list(blobs)
        for run in range(runs):
            for name in names[run % 3:] + names[:run % 3]:
                samples[name].append(start(name))

    def medians(found: list[dict[str, float]]) -> dict[str, Any]:
        result: dict[str, Any] = {f"{key}_ms": round(median([s[key] for s in found]) * 1000, 1)
                                  for key in found[0] if key != "vmhwm_kib"}
        result["totals_ms"] = [round(s["total"] * 1000, 1) for s in found]
        result["vmhwm_kib"] = int(median([s["vmhwm_kib"] for s in found]))
        return result

    figures: dict[str, Any] = {"runs": runs}
    figures.update({name: medians(found) for name, found in samples.items()})
    empty_ms = figures["empty"]["total_ms"]
    figures["ratio"] = round(figures["ours"]["total_ms"] / empty_ms, 3)
    figures["minimal_ratio"] = round(figures["minimal"]["total_ms"] / empty_ms, 3)
    figures["imports"] = _import_cost(max(1, min(runs, 3)), env)
    return figures


def measure(runs: int = 5) -> dict[str, Any]:
    """Cold starts with bytecode cached (the headline) and with the environment as inherited."""
    inherited = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        cached = {k: v for k, v in inherited.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        result = _series(runs, cached, warm_up=True)
    result["inherited"] = _series(runs, inherited, warm_up=False)
    result["inherited"]["PYTHONDONTWRITEBYTECODE"] = inherited.get("PYTHONDONTWRITEBYTECODE")
    return result
