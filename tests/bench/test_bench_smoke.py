"""The quick benchmark runs end to end and writes every figure (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import ignore_caller_settings
from tests.conftest import ROOT

JUNK_AEP = {"AEP_ACCESS_TOKEN": "junk-token", "AEP_PLATFORM_URL": "https://platform.example.invalid"}


def test_caller_aep_settings_are_removed() -> None:
    """Every AEP_* variable is removed (names returned sorted); others are kept."""
    environ = {"AEP_ORG_ID": "X@AdobeOrg", "AEP_ACCESS_TOKEN": "t", "PATH": "/bin", "XAEP_Y": "1"}
    assert ignore_caller_settings(environ) == ["AEP_ACCESS_TOKEN", "AEP_ORG_ID"]
    assert environ == {"PATH": "/bin", "XAEP_Y": "1"}


@pytest.mark.slow
def test_quick_benchmark_writes_every_figure(tmp_path: Path) -> None:
    """`python -m bench.run --quick` writes JSON with every figure; requests equal the minimum."""
    out = tmp_path / "quick.json"
    # A caller's settings for a real sandbox are ignored (they once crashed the run).
    env = {**os.environ, **JUNK_AEP}
    done = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert f"bench: ignoring {', '.join(sorted(JUNK_AEP))}" in done.stderr
    assert "junk-token" not in done.stderr + done.stdout
    assert "met?" in done.stdout
    results = json.loads(out.read_text())

    assert results["n_values"] == [1, 10]
    assert results["environment"]["cpu_count"] >= 1
    assert results["environment"]["pulumi"]
    req = results["requests_per_op"]
    assert [run["n"] for run in req["runs"]] == [1, 10]
    for run in req["runs"]:
        n = run["n"]
        assert run["meets_minimum"] is True
        assert run["token"]["requests"] == 1
        assert {op: run[op]["requests"] for op in ("create", "update", "delete")} == \
            dict.fromkeys(("create", "update", "delete"), n)
        # A refresh reads one by GET, the rest from one shared listing (N <= 100 here).
        assert run["read"]["requests"] == min(n, 2)
        assert run["connections_left"] == 0
    assert [p["requests"] for p in req["noop_preview"]] == [0, 0]
    assert all(p["steps"] == ["same"] for p in req["noop_preview"])
    assert req["memory"]["vmhwm_kib"] > 0

    over = results["overhead"]
    figures = [*over["no_latency"], over["latency"]["sequential"], over["latency"]["parallel"]]
    for fig in figures:
        for key in ("bare_seconds", "ours_seconds", "minimal_seconds", "empty_seconds", "ratio",
                    "floor_ratio", "minimal_ratio"):
            assert isinstance(fig[key], float), key
            assert fig[key] > 0, key
    assert over["latency"]["parallel"]["threads"] == 4

    blob = results["provider_blob"]
    assert blob["by_reference"] is True
    assert 0 < blob["pickle_bytes"] < blob["base64_bytes"] <= 1024

    assert results["xdm"]["up"]["meets_minimum"] is True
    assert results["xdm"]["noop_preview"]["requests"] == 0
    pipe = results["pipeline"]
    assert pipe["up_one_pipeline"]["meets_minimum"] is True
    assert pipe["up_one_pipeline"]["requests"] == 6
    assert pipe["noop_preview"]["resources"] == 100
    assert pipe["noop_preview"]["requests"] == 0
    assert pipe["noop_preview"]["steps"] == ["same"]

    for door in ("dynamic", "plugin"):
        health = results["health"][door]
        assert health["without_run_metrics"]["requests"] == 1
        assert health["with_run_metrics"]["requests"] == 2
        assert health["with_run_metrics"]["meets_minimum"] is True
        assert health["health"] == "ok"
    assert "a refresh of one dataflow after a run sent 1 request(s) without run_metrics and 2 " \
        "with it" in done.stdout

    plug = results["plugin"]
    for run in plug["requests_per_op"]["runs"]:
        assert run["meets_minimum"] is True, "the plugin sends what the dynamic provider sends"
        assert run["connections_left"] == 0
    assert [p["requests"] for p in plug["requests_per_op"]["noop_preview"]] == [0, 0]
    assert [f["n"] for f in plug["overhead"]] == [1, 10]
    assert all(f["ratio"] > 0 and f["bare_seconds"] > 0 for f in plug["overhead"])
    conc = plug["concurrency"]
    assert (conc["n"], conc["latency_seconds"]) == (32, 0.1)
    assert conc["plugin_seconds"] > 0
    assert conc["dynamic_seconds"] > 0
    assert "32 creates at once" in done.stdout

    cold = results["cold_start"]
    for series in (cold, cold["inherited"]):
        for name in ("ours", "minimal", "empty"):
            assert series[name]["total_ms"] > 0
        assert series["ratio"] > 0
        assert series["imports"]["provider_resource_ms"] > 0
