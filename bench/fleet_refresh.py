"""Refresh at fleet cost: ``python -m bench.fleet_refresh [--quick]``.

N base connections in a sandbox that holds M connections in all (N in the stack, M - N made by
someone else), refreshed through each front door by a fresh provider process (as each
`pulumi refresh` starts one). Prints, per door, N and M: the Flow Service requests the refresh sent
(IMS token left out), the fewest it can send (one GET for the first read, then one shared listing
of ceil(M/100) pages, and never more than N: ``provider.http.reads``), and the seconds it took.
Figures, not pass/fail; the 500-connection bound is held by ``tests/faults/test_fleet_refresh.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.common import (
    SANDBOX,
    configured_host,
    declared,
    emulator,
    ignore_caller_settings,
    props,
)
from provider.emulator import Emulator
from provider.endpoints import CONNECTIONS
from provider.testing import Engine

NS = (10, 100, 500)
FACTORS = (1, 10)  # M = N and M = 10 N
DOORS = ("dynamic", "plugin")


def minimum(n: int, m: int) -> int:
    """The fewest requests a refresh of ``n`` resources in a sandbox of ``m`` items can send."""
    return min(n, 1 + math.ceil(m / 100))


def _others(emu: Emulator, count: int, start: int) -> None:
    """``count`` connections made by another client (not in the stack), in the same sandbox."""
    from provider.http.auth import ImsTokenAuth
    from provider.http.client import FlowServiceClient

    client = FlowServiceClient(emu.url, org_id=emu.org_id, api_key=emu.client_id,
                               auth=ImsTokenAuth(emu.url, emu.client_id, emu.client_secret,
                                                 "openid"))

    def make(index: int) -> None:
        p = props(index)
        client.create(CONNECTIONS, SANDBOX, {
            "name": p["name"], "description": p["description"],
            "connectionSpec": {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "version": "1.0"},
            "auth": {"specName": "Access Token Authentication", "params": {
                "domain": p["domain"], "clusterId": p["cluster_id"],
                "accessToken": p["access_token"], "database": p["database"]}}})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(start, start + count)))


def one(door: str, n: int, m: int) -> dict[str, Any]:
    """Up N, add M - N, then refresh the N from a fresh provider process."""
    with emulator() as emu:
        with configured_host(emu, door) as host:
            engine = Engine(host)
            engine.up(declared(n))
            state = engine.state
        _others(emu, m - n, start=n)
        with configured_host(emu, door) as fresh:
            command = Engine(fresh)
            command.state = state
            emu.clear_requests()
            begun = time.perf_counter()
            result = command.refresh()
            seconds = time.perf_counter() - begun
            sent = [r for r in emu.requests if "/ims/" not in r.path]
    return {"door": door, "n": n, "m": m, "requests": len(sent), "minimum": minimum(n, m),
            "same": sum(1 for v in result.values() if v == "same"),
            "seconds": round(seconds, 3)}


def measure(ns: Sequence[int] = NS, factors: Sequence[int] = FACTORS,
            doors: Sequence[str] = DOORS) -> list[dict[str, Any]]:
    """One row per door, N and M."""
    return [one(door, n, n * factor) for door in doors for n in ns for factor in factors]


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as aligned text."""
    lines = [f"{'door':8} {'N':>5} {'M':>6} {'requests':>9} {'minimum':>8} {'seconds':>8}"]
    lines += [f"{r['door']:8} {r['n']:>5} {r['m']:>6} {r['requests']:>9} {r['minimum']:>8} "
              f"{r['seconds']:>8}" for r in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print the table (``--quick``: N = 10 only)."""
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_refresh", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N = 10 only")
    args = parser.parse_args(argv)
    ignore_caller_settings(os.environ)
    print(table(measure(ns=(10,) if args.quick else NS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
