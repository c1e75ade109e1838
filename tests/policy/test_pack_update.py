"""The pack served as at `pulumi up` (PULUMI_DRY_RUN=false), driven over the Analyzer protocol.

At an update an unknown value is no longer the framework's advisory "during preview" note: the
rules that need it report a violation at their own (mandatory) level.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator

import grpc
import pytest
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from test_pack_grpc import (
    DEV_ONLY,
    GOOD,
    MANDATORY,
    POLICY_DIR,
    STARTUP_TIMEOUT,
    TOKEN,
    TYPE,
    UNKNOWN_STRING,
    _read_port,
    _struct,
    _urn,
    analyze,
    configure,
)


@pytest.fixture(scope="module")
def analyzer_at_up() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack served with PULUMI_DRY_RUN=false (killed at teardown) and a stub for it."""
    env = {**os.environ, "PULUMI_PROJECT": "aep-connections", "PULUMI_STACK": "prod",
           "PULUMI_DRY_RUN": "false", "PULUMI_CONFIG": "{}"}
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(POLICY_DIR)],
            cwd=POLICY_DIR, env=env, stdout=subprocess.PIPE, stderr=stderr,
        )
        channel: grpc.Channel | None = None
        try:
            port = _read_port(proc, stderr)
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(channel).result(timeout=STARTUP_TIMEOUT)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
        finally:
            if channel is not None:
                channel.close()
            proc.kill()
            proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()


def test_unknown_sandbox_at_up_is_a_mandatory_violation(
    analyzer_at_up: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """An unknown sandbox_name at `pulumi up` fails allowed-sandboxes and protect-production."""
    configure(analyzer_at_up, DEV_ONLY)
    diagnostics = analyze(analyzer_at_up, {"sandbox_name": UNKNOWN_STRING})
    assert sorted((d.policyName, d.enforcementLevel) for d in diagnostics) == [
        ("allowed-sandboxes", MANDATORY),
        ("protect-production", MANDATORY),
    ]
    for diagnostic in diagnostics:
        assert "still unknown at `pulumi up`" in diagnostic.message
        assert "during preview" not in diagnostic.message
        assert TOKEN not in diagnostic.message


def test_unknown_domain_at_up_is_a_mandatory_violation(
    analyzer_at_up: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """An unknown domain at `pulumi up` is a databricks-domain violation, not a note."""
    configure(analyzer_at_up, DEV_ONLY)
    diagnostics = analyze(analyzer_at_up, {"domain": UNKNOWN_STRING})
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
        ("databricks-domain", MANDATORY)
    ]


def test_production_config_with_stray_spaces_still_protects_prod(
    analyzer_at_up: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """productionSandboxes [" prod"] through Configure still requires protect on prod."""
    configure(analyzer_at_up, {"allowed-sandboxes": {"allowedSandboxes": ["prod"]},
                               "protect-production": {"productionSandboxes": [" prod"]}})
    diagnostics = analyze(analyzer_at_up, {"sandbox_name": "prod"})
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
        ("protect-production", MANDATORY)
    ]


def test_analyze_stack_at_up_reports_an_unknown_name(
    analyzer_at_up: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """AnalyzeStack at `pulumi up` reports a connection whose name is unknown, on its URN."""
    configure(analyzer_at_up, DEV_ONLY)
    request = analyzer_pb2.AnalyzeStackRequest(resources=[
        analyzer_pb2.AnalyzerResource(
            type=TYPE, properties=_struct({**GOOD, "name": UNKNOWN_STRING}), urn=_urn("c"),
            name="c",
        ),
    ])
    diagnostics = list(analyzer_at_up.AnalyzeStack(request, timeout=5).diagnostics)
    assert [(d.policyName, d.enforcementLevel, d.urn) for d in diagnostics] == [
        ("unique-names", MANDATORY, _urn("c"))
    ]
