"""HTTP requests per operation against the minimum, through the host, for N resources.

One emulator and one host per N: ``up`` (N creates), a no-op preview (``noop_preview``), refresh
(N reads), an ``up`` that changes every resource (N PATCHes), destroy (N deletes). Requests are
counted from the emulator's log by method and path; IMS token requests separately. The minimum
is 1 request per operation and 1 token per host process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench import memory, noop_preview
from bench.common import configured_host, count_kinds, declared, emulator, timed
from provider.testing import Engine

MINIMUM = {"create": 1, "read": 1, "update": 1, "delete": 1}
# A refresh of N resources of one collection in a sandbox of M items: one GET for the first read,
# then one shared listing of ceil(M/100) pages (provider.http.reads), never more than N GETs.
LIST_PAGE = 100
TOKENS_PER_PROCESS = 1
# Flow Service kinds no lifecycle step should send (a create that looks its name up first
# would show as ``list``).
EXTRA_KINDS = ("list", "other")


def measure(ns: Sequence[int], preview_repeats: int = 3,
            memory_at: int | None = None, door: str = "dynamic") -> dict[str, Any]:
    """One lifecycle per N in ``ns``; returns per-N counts, the no-op previews, and the host's
    peak memory after the lifecycle at N = ``memory_at`` (default: the largest N)."""
    memory_at = memory_at if memory_at is not None else max(ns)
    runs = []
    previews = []
    peak: dict[str, Any] | None = None
    for n in ns:
        run, preview, mem = _lifecycle(n, preview_repeats, n == memory_at, door)
        runs.append(run)
        previews.append(preview)
        peak = mem or peak
    return {
        "minimum": {**MINIMUM, "token_per_process": TOKENS_PER_PROCESS},
        "runs": runs,
        "noop_preview": previews,
        "memory": peak,
    }


def minimum_requests(op: str, n: int, m: int | None = None) -> int:
    """The fewest requests ``op`` on N resources can cost (M: items in the sandbox, default N)."""
    if op == "read":
        return min(n, 1 + -(-(n if m is None else m) // LIST_PAGE))
    return n * MINIMUM[op]


def _lifecycle(n: int, preview_repeats: int, want_memory: bool, door: str = "dynamic"
               ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    resources = declared(n)
    changed = declared(n, database="warehouse")
    with emulator() as emu, configured_host(emu, door) as host:
        engine = Engine(host)
        ops: dict[str, dict[str, Any]] = {}

        def step(name: str, action: Any) -> None:
            emu.clear_requests()
            seconds = timed(action)
            ops[name] = {"seconds": round(seconds, 4), "counts": count_kinds(emu.requests)}

        step("create", lambda: engine.up(resources))
        preview = noop_preview.measure(engine, emu, resources, preview_repeats)
        step("read", engine.refresh)
        step("update", lambda: engine.up(changed))
        step("delete", engine.destroy)
        mem = memory.measure(host, n) if want_memory else None
        left = len(emu.connections(sandbox=resources[next(iter(resources))]["sandbox_name"]))
    run: dict[str, Any] = {"n": n, "connections_left": left}
    tokens = 0
    for op, minimum in MINIMUM.items():
        counts = ops[op]["counts"]
        tokens += counts["token"]
        extra = sum(counts[k] for k in EXTRA_KINDS) + sum(
            counts[k] for k in MINIMUM if k != op)
        if op == "read":
            # The shared listing is how a refresh reads at fleet cost: part of the reads.
            extra -= counts["list"]
            counts = {**counts, "read": counts["read"] + counts["list"]}
        run[op] = {
            "requests": counts[op] + extra,
            "per_resource": round((counts[op] + extra) / n, 4),
            "minimum_per_resource": minimum,
            "extra_requests": extra,
            "by_kind": ops[op]["counts"],
            "seconds": ops[op]["seconds"],
        }
    run["token"] = {"requests": tokens, "minimum": TOKENS_PER_PROCESS}
    run["meets_minimum"] = tokens == TOKENS_PER_PROCESS and all(
        run[op]["requests"] == minimum_requests(op, n) for op in MINIMUM)
    return run, preview, mem
