"""The one warning path (``provider.diagnostics.warn``): the current request's sink when a door
set one (the plugin: the engine, on the resource), else stderr as ``warning: <text>``; and the
engine-level proof through both doors that a refresh's 1439 warning and a preview's XDM
evolution warning reach the engine on the resource's URN (plugin) or stderr (dynamic)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from provider import diagnostics
from provider.emulator import Emulator
from provider.redaction import register
from provider.testing import Engine, ProviderHost
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)
from tests.pipeline_http import FLOW as FLOW_SERVICE
from tests.pipeline_http import Platform
from tests.test_engine_pipeline import FLOW, in_sandbox, pipeline

ROOT = Path(__file__).resolve().parents[1]


def test_without_a_sink_a_warning_is_a_redacted_stderr_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """No door set a sink (the dynamic door never does): ``warning: <text>`` on stderr, with
    registered secrets masked."""
    register("s3cr3t-for-the-warning-test")
    diagnostics.warn("kept it; token s3cr3t-for-the-warning-test")
    err = capsys.readouterr().err
    assert err.startswith("warning: kept it; token ")
    assert "s3cr3t-for-the-warning-test" not in err


def test_a_sink_takes_the_warnings_of_its_request_and_of_its_worker_threads(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Inside ``warnings_to``, warnings go to the sink, also from a worker thread run with
    ``in_context``; outside it, to stderr again."""
    got: list[str] = []
    with diagnostics.warnings_to(got.append):
        diagnostics.warn("here")
        worker = threading.Thread(target=diagnostics.in_context(diagnostics.warn, "there"))
        worker.start()
        worker.join()
    diagnostics.warn("after")
    assert got == ["here", "there"]
    assert capsys.readouterr().err == "warning: after\n"


def test_importing_the_warning_path_loads_neither_grpc_nor_pulumi() -> None:
    """The core imports ``provider.diagnostics``: it stays off grpc and pulumi."""
    code = ("import sys, provider.diagnostics, provider.lifecycle; "
            "print(' '.join(m for m in ('grpc', 'pulumi') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == ""


def test_a_refresh_meeting_1439_warns_on_the_dataflow(engine: Engine, emu: Emulator,
                                                     host: ProviderHost, door: str,
                                                     sandbox: str) -> None:
    """A refresh of a dataflow Flow Service answers 1439 for: the plugin sends a WARNING Log
    with the dataflow's URN; the dynamic door writes ``warning: ...`` to stderr."""
    engine.up(in_sandbox(pipeline(), sandbox))
    flow_id = engine.state[FLOW].id
    platform = Platform(emu, sandbox)
    try:
        platform.call("DELETE", f"{FLOW_SERVICE}/flows/{flow_id}").raise_for_status()
    finally:
        platform.close()
    assert engine.refresh(FLOW) == {FLOW: "same"}
    said = f"Flow Service answers code 1439 for dataflow {flow_id}"
    if door == "plugin":
        logs = host.logs  # type: ignore[attr-defined]
        assert any(severity == "WARNING" and on == host._urn(FLOW)  # type: ignore[attr-defined]
                   and said in message for severity, on, message in logs), logs
        assert said not in host.stderr
    else:
        assert f"warning: {said}" in host.wait_stderr(said)
    del engine.state[FLOW]  # as `pulumi state delete` does; the rest is destroyed


def test_an_xdm_evolution_warning_is_on_the_field_group(engine: Engine,
                                                       host: ProviderHost,
                                                       door: str, sandbox: str
                                                       ) -> None:
    """A preview removing a field (Adobe's evolution rule): the warning is a Log WARNING on the
    field group's URN (plugin), or ``warning: ...`` on stderr (dynamic)."""
    token = "pulumi-python:dynamic/aep:XdmFieldGroup" if door == "dynamic" else (
        "aep:index:XdmFieldGroup")
    fg = f"urn:pulumi:local::aep-connections::{token}::fg"
    fields = [{"name": "crmId", "type": "string"}, {"name": "loyalty.points", "type": "integer"}]
    declared = {fg: {"title": f"Loyalty {sandbox}", "extends": "profile",
                     "sandbox_name": sandbox, "fields": fields}}
    engine.up(declared)
    assert engine.preview({fg: {**declared[fg], "fields": fields[:1]}}).steps[fg] == "replace"
    said = f"field group 'Loyalty {sandbox}' will be replaced, not updated: field /loyalty was"
    if door == "plugin":
        logs = host.logs  # type: ignore[attr-defined]
        assert any(severity == "WARNING" and on == fg and said in message
                   for severity, on, message in logs), logs
    else:
        assert f"warning: {said}" in host.wait_stderr(said)
