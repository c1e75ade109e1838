"""``python -m bench.run [--quick] [--out bench/results/latest.json]``: run every benchmark,
print the table, write the JSON.

The full run takes a few minutes on 2 cores (N = 1, 10, 100, 500); ``--quick`` (N = 1, 10, short
runs) takes well under a minute and is what CI smoke-tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import (
    cold_start,
    health,
    overhead,
    pipeline,
    plugin,
    provider_blob,
    report,
    requests_per_op,
    xdm,
)
from bench.common import ROOT, ignore_caller_settings

LATENCY = 0.05


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much to measure."""

    ns: list[int]
    repeats: int          # interleaved repeats per overhead figure (halved above N = 100)
    latency_n: int        # creates per latency run: N x 50 ms sequential adds up fast
    latency_repeats: int
    cold_runs: int        # cold starts of each provider, per bytecode mode
    preview_repeats: int


FULL = Plan(ns=[1, 10, 100, 500], repeats=5, latency_n=40, latency_repeats=3, cold_runs=7,
            preview_repeats=3)
QUICK = Plan(ns=[1, 10], repeats=2, latency_n=8, latency_repeats=1, cold_runs=2,
             preview_repeats=1)


def run(quick: bool) -> dict[str, Any]:
    """Every benchmark; the results as one JSON-ready dict."""
    plan = QUICK if quick else FULL
    started = time.perf_counter()
    results: dict[str, Any] = {
        "quick": quick,
        "environment": report.environment(),
        "n_values": plan.ns,
        "plan": {**dataclasses.asdict(plan), "latency_seconds": LATENCY},
        "targets": {
            "requests": "equal to the minimum: 1 per create/read/update/delete, 1 token per "
                        "host process",
            "overhead_ratio": f"<= {report.OVERHEAD_TARGET} at N={report.OVERHEAD_TARGET_N}",
            "noop_preview_requests": 0,
            "provider_blob_bytes": provider_blob.TARGET_BYTES,
            "cold_start_ratio": f"<= {report.COLD_START_TARGET}",
            "plugin_requests": "equal to the dynamic provider's: the minimum",
            "pipeline_requests": f"{pipeline.RESOURCES_PER_PIPELINE} creates + 1 token per "
                                 "pipeline up; 0 for a no-op preview of "
                                 f"{pipeline.PREVIEW_PIPELINES} pipelines",
            "health_requests": "per refresh of one dataflow after a run: "
                               f"{health.MINIMUM['without_run_metrics']} without run_metrics, "
                               f"{health.MINIMUM['with_run_metrics']} with it",
            "xdm_requests": f"{xdm.MINIMUM} for field group, Profile schema (3), identity and "
                            "dataset, with the token and the tenant lookup; 0 for a no-op preview",
            "plugin_concurrency": f"{plugin.CONCURRENT} creates at "
                                  f"{plugin.LATENCY * 1000:.0f} ms: plugin < "
                                  f"{report.PLUGIN_TARGET_SECONDS} s, dynamic host >= "
                                  f"{report.DYNAMIC_FLOOR_SECONDS} s",
        },
    }
    steps = [
        ("provider_blob", provider_blob.measure),
        ("requests_per_op", lambda: requests_per_op.measure(
            plan.ns, preview_repeats=plan.preview_repeats)),
        ("overhead", lambda: overhead.measure(
            plan.ns, plan.repeats, plan.latency_n, LATENCY, plan.latency_repeats)),
        ("cold_start", lambda: cold_start.measure(plan.cold_runs)),
        ("plugin", lambda: plugin.measure(plan.ns, plan.repeats, plan.preview_repeats)),
        ("pipeline", pipeline.measure),
        ("health", health.measure),
        ("xdm", xdm.measure),
    ]
    for name, step in steps:
        begun = time.perf_counter()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results[name] = step()
        print(f"bench: {name} done in {time.perf_counter() - begun:.1f} s", file=sys.stderr,
              flush=True)
    results["environment"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table, write the JSON; exit 0 (figures are not pass/fail)."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N = 1, 10 and short runs (CI)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json",
                        help="where to write the JSON (default: bench/results/latest.json)")
    args = parser.parse_args(argv)
    ignored = ignore_caller_settings(os.environ)
    if ignored:
        print(f"bench: ignoring {', '.join(ignored)} (the benchmarks use their own emulator)",
              file=sys.stderr)
    results = run(args.quick)
    print(report.table(report.rows(results)))
    lat = results["overhead"]["latency"]
    print(f"\nLatency runs use N={lat['n']} (+{lat['latency_seconds'] * 1000:.0f} ms per "
          "request). floor = (bare + empty-provider host) / bare; minimal = a one-POST provider "
          "in the same host. Whole run: "
          f"{results['seconds']} s on {results['environment']['cpu_count']} CPUs.")
    pipe = results["pipeline"]
    print(f"Pipeline: up of one whole pipeline sent {pipe['up_one_pipeline']['requests']} "
          f"requests (minimum {pipe['up_one_pipeline']['minimum']}); a no-op preview of "
          f"{pipe['noop_preview']['pipelines']} pipelines sent "
          f"{pipe['noop_preview']['requests']}.")
    for door, found in results["health"].items():
        print(f"Run health ({door}): a refresh of one dataflow after a run sent "
              f"{found['without_run_metrics']['requests']} request(s) without run_metrics and "
              f"{found['with_run_metrics']['requests']} with it (+1 IMS token per process).")
    print(f"Schema as code: up of field group, Profile schema, identity and dataset sent "
          f"{results['xdm']['up']['requests']} requests (minimum {xdm.MINIMUM}: the Profile "
          "schema costs three); a no-op preview sent "
          f"{results['xdm']['noop_preview']['requests']}.")
    report.write(results, args.out)
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
