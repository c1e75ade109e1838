"""The policy pack served as the engine serves it, driven over the Analyzer gRPC protocol.

The engine's language host runs ``python -u -m pulumi.policy <engine-address> <pack dir>`` with
cwd = the pack dir and PULUMI_PROJECT / PULUMI_STACK / PULUMI_DRY_RUN / PULUMI_CONFIG set; the
pack prints its port on stdout and serves until killed. This holds the wiring the unit tests
cannot: policy metadata, Configure (config and enforcement-level overrides), how diagnostics
are built from violations, and unknown values during preview.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
TYPE = "pulumi-python:dynamic/aep:DatabricksBaseConnection"
TOKEN = "dapi0123456789abcdef0123456789abcdef"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STARTUP_TIMEOUT = 10.0
RPC_TIMEOUT = 5.0

MANDATORY = analyzer_pb2.MANDATORY
ADVISORY = analyzer_pb2.ADVISORY
DISABLED = analyzer_pb2.DISABLED

GOOD: dict[str, Any] = {
    "name": "databricks-sales",
    "description": "Sales lakehouse. owner: data-platform@example.com",
    "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
    "cluster_id": "0101-123456-abcdefgh",
    # As the engine sends a secret input: a signed envelope the pack unwraps to plaintext.
    "access_token": {SECRET_SIG_KEY: SECRET_SIG, "value": TOKEN},
    "database": "sales",
    "catalog": "main",
    "sandbox_name": "dev",
    "adopt_existing": False,
}


@contextlib.contextmanager
def served_pack(dry_run: str, stack: str = "dev") -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack served in a subprocess as the engine starts it (killed on exit), and a stub.

    ``dry_run`` is PULUMI_DRY_RUN: "true" for a preview, "false" for `pulumi up`.
    """
    env = {
        **os.environ,
        "PULUMI_PROJECT": "aep-connections",
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": dry_run,
        "PULUMI_CONFIG": "{}",
    }
    # stderr goes to a file, not a pipe nobody drains, so a chatty pack can never block.
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


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack served as during a preview."""
    with served_pack("true") as stub:
        yield stub


def _read_port(proc: subprocess.Popen[bytes], stderr: Any) -> int:
    """The port the pack prints first on stdout; fails with the pack's stderr if none comes."""
    lines: queue.Queue[bytes] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=STARTUP_TIMEOUT)
    except queue.Empty:
        line = b""
    if not line.strip().isdigit():
        proc.kill()
        proc.wait(timeout=5)
        stderr.seek(0)
        pytest.fail(
            f"policy pack printed no port within {STARTUP_TIMEOUT}s (stdout: {line!r}, "
            f"exit code: {proc.returncode}); stderr:\n{stderr.read().decode(errors='replace')}"
        )
    return int(line)


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Struct of ``values`` without engine-internal ``__*`` keys (as the engine sends them)."""
    struct = struct_pb2.Struct()
    struct.update({k: v for k, v in values.items() if not k.startswith("__")})
    return struct


def _urn(name: str) -> str:
    return f"urn:pulumi:dev::aep-connections::{TYPE}::{name}"


def configure(
    stub: analyzer_pb2_grpc.AnalyzerStub,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    levels: Mapping[str, analyzer_pb2.EnforcementLevel.ValueType] | None = None,
) -> None:
    """Send Configure with per-policy properties and enforcement-level overrides."""
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name in set(config or {}) | set(levels or {}):
        request.policyConfig[name].CopyFrom(
            analyzer_pb2.PolicyConfig(
                enforcementLevel=(levels or {}).get(name, MANDATORY),
                properties=_struct((config or {}).get(name, {})),
            )
        )
    stub.Configure(request, timeout=RPC_TIMEOUT)


def analyze(
    stub: analyzer_pb2_grpc.AnalyzerStub, changes: Mapping[str, Any] | None = None,
    *, protect: bool = False, name: str = "sales",
) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    """Analyze one connection (GOOD with ``changes``) and return the diagnostics."""
    request = analyzer_pb2.AnalyzeRequest(
        type=TYPE, properties=_struct({**GOOD, **(changes or {})}), urn=_urn(name), name=name,
        options=analyzer_pb2.AnalyzerResourceOptions(protect=protect),
    )
    return list(stub.Analyze(request, timeout=RPC_TIMEOUT).diagnostics)


DEV_ONLY = {"allowed-sandboxes": {"allowedSandboxes": ["dev"]}}


def test_analyzer_info_lists_policies_and_levels(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """GetAnalyzerInfo reports the pack name, every policy, its level and config schema."""
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT)
    assert info.name == "aep-connections-guardrails"
    assert info.supportsConfig
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels == {
        "databricks-domain": MANDATORY,
        "allowed-sandboxes": MANDATORY,
        "protect-production": MANDATORY,
        "unique-names": MANDATORY,
        "owner-description": ADVISORY,
        "naming-convention": ADVISORY,
        "dataflow-schedule": MANDATORY,
        "dataflow-frequency": MANDATORY,
        "dataflow-diagnostics": MANDATORY,
        "dataflow-source-in-stack": MANDATORY,
        "staging-credentials-expiry": ADVISORY,
        "aep-type-known": MANDATORY,
        "one-staging-credentials-per-sandbox": MANDATORY,
    }
    schemas = {p.name: json_format.MessageToDict(p.configSchema) for p in info.policies}
    assert schemas["allowed-sandboxes"]["properties"]["allowedSandboxes"]["type"] == "array"
    assert schemas["protect-production"]["properties"]["productionSandboxes"]["default"] == [
        "prod"
    ]


def test_good_connection_has_no_diagnostics(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """A well-formed dev connection, with dev allowed, draws no diagnostic at all."""
    configure(analyzer, DEV_ONLY)
    assert analyze(analyzer) == []


@pytest.mark.parametrize(
    ("changes", "protect", "config", "policy", "snippet"),
    [
        ({"domain": "https://evil.example.com"}, False, DEV_ONLY, "databricks-domain",
         "domain has a host that is not a Databricks workspace host"),
        ({"sandbox_name": "prod"}, True, DEV_ONLY, "allowed-sandboxes",
         "targets a sandbox (sandbox_name)"),
        ({"sandbox_name": "prod"}, False,
         {"allowed-sandboxes": {"allowedSandboxes": ["dev", "prod"]}}, "protect-production",
         "opts=pulumi.ResourceOptions(protect=True)"),
        ({}, False, {}, "allowed-sandboxes", "--policy-pack-config"),
    ],
)
def test_bad_connection_draws_a_mandatory_diagnostic(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, changes: dict[str, Any], protect: bool,
    config: Mapping[str, Mapping[str, Any]], policy: str, snippet: str,
) -> None:
    """Each mandatory rule's violation arrives as a MANDATORY diagnostic with a useful message."""
    configure(analyzer, config)
    diagnostics = analyze(analyzer, changes, protect=protect)
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [(policy, MANDATORY)]
    (diagnostic,) = diagnostics
    assert diagnostic.policyPackName == "aep-connections-guardrails"
    assert f"[{policy}]" in diagnostic.message
    assert 'Connection "sales"' in diagnostic.message
    assert snippet in diagnostic.message
    assert TOKEN not in diagnostic.message


def test_configure_overrides_enforcement_levels(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """An enforcement level set in Configure replaces the policy's own level, or disables it."""
    configure(
        analyzer, DEV_ONLY,
        levels={"databricks-domain": ADVISORY, "naming-convention": DISABLED,
                "allowed-sandboxes": MANDATORY},
    )
    diagnostics = analyze(analyzer, {"domain": "http://x", "name": "Bad Name"})
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
        ("databricks-domain", ADVISORY)
    ]


def test_unknown_domain_in_preview_is_an_advisory_note(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """An unknown domain during preview yields the framework's advisory note, not a violation."""
    configure(analyzer, DEV_ONLY)
    diagnostics = analyze(analyzer, {"domain": UNKNOWN_STRING})
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
        ("databricks-domain", ADVISORY)
    ]
    assert "can't run policy 'databricks-domain'" in diagnostics[0].message


def test_other_resource_types_draw_nothing(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """Resources of another type pass every policy, configured or not."""
    configure(analyzer, {})
    request = analyzer_pb2.AnalyzeRequest(
        type="aws:s3/bucket:Bucket", properties=_struct({"bucket": "b"}),
        urn="urn:pulumi:dev::aep-connections::aws:s3/bucket:Bucket::b", name="b",
    )
    assert list(analyzer.Analyze(request, timeout=RPC_TIMEOUT).diagnostics) == []


def test_analyze_stack_reports_duplicate_names(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """AnalyzeStack reports a name clash in one sandbox on both resources' URNs."""
    configure(analyzer, DEV_ONLY)

    def resource(name: str, connection_name: str, sandbox: str) -> analyzer_pb2.AnalyzerResource:
        props = {**GOOD, "name": connection_name, "sandbox_name": sandbox,
                 "connection_id": f"id-{name}", "__provider": "ignored"}
        return analyzer_pb2.AnalyzerResource(
            type=TYPE, properties=_struct(props), urn=_urn(name), name=name,
        )

    request = analyzer_pb2.AnalyzeStackRequest(resources=[
        resource("a", "databricks-sales", "dev"),
        resource("b", "Databricks-Sales", "dev"),
        resource("c", "databricks-sales", "stage"),
    ])
    diagnostics = list(analyzer.AnalyzeStack(request, timeout=RPC_TIMEOUT).diagnostics)
    assert [(d.policyName, d.enforcementLevel, d.urn) for d in diagnostics] == [
        ("unique-names", MANDATORY, _urn("a")),
        ("unique-names", MANDATORY, _urn("b")),
    ]
    assert _urn("b") in diagnostics[0].message
    assert _urn("a") in diagnostics[1].message
    assert all(TOKEN not in d.message for d in diagnostics)


def test_bad_dataflow_schedule_draws_mandatory_diagnostics(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """The pipeline policies are served: a native Dataflow every 5 minutes in prod draws the
    schedule rule and the frequency bound, both MANDATORY; and, as every registered resource
    type, the sandbox allow-list (dev only) and the protection of production."""
    configure(analyzer, DEV_ONLY)
    props = {"name": "orders", "sandboxName": "prod",
             "schedule": {"startTime": "2027-01-15T08:00:00Z", "frequency": "minute",
                          "interval": 5}}
    request = analyzer_pb2.AnalyzeRequest(
        type="aep:index:Dataflow", properties=_struct(props),
        urn="urn:pulumi:dev::aep-connections::aep:index:Dataflow::orders", name="orders",
    )
    diagnostics = list(analyzer.Analyze(request, timeout=RPC_TIMEOUT).diagnostics)
    assert sorted((d.policyName, d.enforcementLevel) for d in diagnostics) == [
        ("allowed-sandboxes", MANDATORY),
        ("dataflow-frequency", MANDATORY),
        ("dataflow-schedule", MANDATORY),
        ("protect-production", MANDATORY),
    ]


def test_a_native_plugin_connection_draws_the_same_diagnostics(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """A connection declared through the native plugin (aep:index:DatabricksBaseConnection,
    camelCase properties) is held by the base-connection rules as the served pack runs them."""
    configure(analyzer, DEV_ONLY)
    native = "aep:index:DatabricksBaseConnection"
    props = {"name": "sales", "description": "no owner", "domain": "https://evil.example.com",
             "clusterId": "0101-123456-abcdefgh",
             "accessToken": {SECRET_SIG_KEY: SECRET_SIG, "value": TOKEN},
             "database": "sales", "sandboxName": "prod"}
    request = analyzer_pb2.AnalyzeRequest(
        type=native, properties=_struct(props), name="sales",
        urn=f"urn:pulumi:dev::aep-connections::{native}::sales",
    )
    diagnostics = list(analyzer.Analyze(request, timeout=RPC_TIMEOUT).diagnostics)
    assert sorted((d.policyName, d.enforcementLevel) for d in diagnostics) == [
        ("allowed-sandboxes", MANDATORY),
        ("databricks-domain", MANDATORY),
        ("owner-description", ADVISORY),
        ("protect-production", MANDATORY),
    ]
    assert all(TOKEN not in d.message for d in diagnostics)
