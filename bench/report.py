"""The table and the JSON: every figure, its target, and whether it was met."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

OVERHEAD_TARGET = 1.15
OVERHEAD_TARGET_N = 100
COLD_START_TARGET = 1.3
PLUGIN_TARGET_SECONDS = 0.5
DYNAMIC_FLOOR_SECONDS = 0.8
Row = tuple[str, str, str, str]


def environment() -> dict[str, Any]:
    """Where the figures were taken."""
    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "pulumi": version("pulumi"),
        "grpcio": version("grpcio"),
        "requests": version("requests"),
        "executable": sys.executable,
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def rows(results: dict[str, Any]) -> list[Row]:
    """(figure, measured, target, met?) for the table."""
    out: list[Row] = []
    req = results["requests_per_op"]
    for run in req["runs"]:
        per = "/".join(f"{run[op]['per_resource']:g}" for op in ("create", "read", "update",
                                                                 "delete"))
        out.append((f"requests per create/read/update/delete, N={run['n']}",
                    f"{per}; tokens {run['token']['requests']}", "1/1/1/1; tokens 1",
                    _met(run["meets_minimum"])))
    for preview in req["noop_preview"]:
        out.append((f"no-op preview N={preview['n']}: requests, ms/resource",
                    f"{preview['requests']}, {preview['ms_per_resource']:.2f} ms", "0, -",
                    _met(preview["requests"] == 0)))
    over = results["overhead"]
    for fig in over["no_latency"]:
        target = fig["n"] == OVERHEAD_TARGET_N
        out.append((f"creates ours/bare, no latency, N={fig['n']}",
                    f"{fig['ratio']:.2f} ({fig['ours_ms_per_create']:.2f} vs "
                    f"{fig['bare_ms_per_create']:.2f} ms); floor {fig['floor_ratio']:.2f}, "
                    f"minimal {fig['minimal_ratio']:.2f}",
                    f"<= {OVERHEAD_TARGET}" if target else "-",
                    _met(fig["ratio"] <= OVERHEAD_TARGET) if target else "-"))
    lat = over["latency"]
    ms = int(lat["latency_seconds"] * 1000)
    seq, par = lat["sequential"], lat["parallel"]
    out.append((f"creates ours/bare, +{ms} ms, N={lat['n']}, sequential",
                f"{seq['ratio']:.3f} ({seq['ours_seconds']:.2f} vs {seq['bare_seconds']:.2f} s)",
                f"<= {OVERHEAD_TARGET}", _met(seq["ratio"] <= OVERHEAD_TARGET)))
    out.append((f"creates ours/bare, +{ms} ms, N={lat['n']}, {par['threads']} threads",
                f"{par['ratio']:.3f} ({par['ours_seconds']:.2f} vs {par['bare_seconds']:.2f} s); "
                f"vs bare sequential {par['ratio_vs_bare_sequential']:.3f}",
                f"<= {OVERHEAD_TARGET}", _met(par["ratio"] <= OVERHEAD_TARGET)))
    blob = results["provider_blob"]
    out.append(("__provider size (base64 in state; pickle)",
                f"{blob['base64_bytes']} B; {blob['pickle_bytes']} B",
                f"<= {blob['target_bytes']} B", _met(blob["base64_bytes"] <= blob["target_bytes"])))
    cold = results["cold_start"]
    for label, figures in (("bytecode cached", cold),
                           ("as inherited", cold["inherited"])):
        out.append((f"cold start ours/empty ({label})",
                    f"{figures['ratio']:.2f} ({figures['ours']['total_ms']:.0f} vs "
                    f"{figures['empty']['total_ms']:.0f} ms); minimal "
                    f"{figures['minimal_ratio']:.2f}",
                    f"<= {COLD_START_TARGET}", _met(figures["ratio"] <= COLD_START_TARGET)))
    mem = req["memory"]
    if mem is not None and mem["vmhwm_kib"] is not None:
        out.append((f"host peak memory (VmHWM) after N={mem['n']}",
                    f"{mem['vmhwm_mib']} MiB (empty host {cold['empty']['vmhwm_kib'] / 1024:.1f}"
                    " MiB)", "-", "-"))
    out += plugin_rows(results.get("plugin"))
    return out


def plugin_rows(found: dict[str, Any] | None) -> list[Row]:
    """The native plugin's rows, beside the dynamic host's."""
    if not found:
        return []
    out: list[Row] = []
    for run in found["requests_per_op"]["runs"]:
        per = "/".join(f"{run[op]['per_resource']:g}" for op in ("create", "read", "update",
                                                                 "delete"))
        out.append((f"plugin: requests per create/read/update/delete, N={run['n']}",
                    f"{per}; tokens {run['token']['requests']}", "1/1/1/1; tokens 1",
                    _met(run["meets_minimum"])))
    for preview in found["requests_per_op"]["noop_preview"]:
        out.append((f"plugin: no-op preview N={preview['n']}: requests",
                    str(preview["requests"]), "0", _met(preview["requests"] == 0)))
    for fig in found["overhead"]:
        out.append((f"plugin: creates plugin/bare, no latency, N={fig['n']}",
                    f"{fig['ratio']:.2f} ({fig['plugin_ms_per_create']:.2f} vs "
                    f"{fig['bare_ms_per_create']:.2f} ms)", "-", "-"))
    conc = found["concurrency"]
    ms = int(conc["latency_seconds"] * 1000)
    out.append((f"{conc['n']} creates at once, +{ms} ms: plugin | dynamic host",
                f"{conc['plugin_seconds']:.2f} s | {conc['dynamic_seconds']:.2f} s "
                f"(x{conc['speedup']})",
                f"< {PLUGIN_TARGET_SECONDS} s | >= {DYNAMIC_FLOOR_SECONDS} s",
                _met(conc["plugin_seconds"] < PLUGIN_TARGET_SECONDS
                     and conc["dynamic_seconds"] >= DYNAMIC_FLOOR_SECONDS)))
    return out


def table(found: list[Row]) -> str:
    """``found`` as an aligned text table."""
    header: Row = ("figure", "measured", "target", "met?")
    widths = [max(len(r[i]) for r in [header, *found]) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *found]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write(results: dict[str, Any], path: Path) -> None:
    """The JSON, with parents made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
