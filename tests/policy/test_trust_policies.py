"""The pack's integrity rules served as the engine serves them (``test_pack_grpc``): a dynamic
resource of an unknown type with our properties fails closed, and a stack holds one
``DatabricksStagingCredentials`` per sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from provider.rules.schedule import camel
from tests.policy.test_pack_grpc import (
    GOOD,
    MANDATORY,
    RPC_TIMEOUT,
    TOKEN,
    _struct,
    configure,
    served_pack,
)

OLD_SUBCLASS = "pulumi-python:dynamic:Resource"
STAGING = {"dynamic": "pulumi-python:dynamic/aep:DatabricksStagingCredentials",
           "plugin": "aep:index:DatabricksStagingCredentials"}
# One resource of each kind as a program registers it (inputs, in the dynamic spelling).
PROPS: dict[str, dict[str, Any]] = {
    "DatabricksBaseConnection": GOOD,
    "DatabricksSourceConnection": {"name": "orders", "base_connection_id": "base-0001",
                                   "table_name": "sales.orders", "sandbox_name": "dev"},
    "DataLakeTargetConnection": {"name": "lake", "dataset_id": "0" * 24, "schema_id": "s",
                                 "sandbox_name": "dev"},
    "MappingSet": {"schema_id": "s", "mappings": [{"source": "a", "destination": "b"}],
                   "sandbox_name": "dev"},
    "Dataflow": {"name": "flow", "source_connection_id": "a", "target_connection_id": "b",
                 "schedule": {"frequency": "hour", "interval": 1}, "sandbox_name": "dev"},
    "DatabricksStagingCredentials": {"sandbox_name": "dev"},
}


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack served as during `pulumi up`."""
    with served_pack("false") as stub:
        yield stub


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::aep-connections::{type_}::{name}"


def analyze(stub: analyzer_pb2_grpc.AnalyzerStub, type_: str, props: dict[str, Any],
            name: str = "team") -> list[analyzer_pb2.AnalyzeDiagnostic]:
    """Analyze one resource of ``type_`` as the engine sends it (no ``__provider``)."""
    request = analyzer_pb2.AnalyzeRequest(type=type_, properties=_struct(props),
                                          urn=_urn(type_, name), name=name)
    return list(stub.Analyze(request, timeout=RPC_TIMEOUT).diagnostics)


def _camel(props: dict[str, Any]) -> dict[str, Any]:
    return {camel(k): v for k, v in props.items()}


@pytest.mark.parametrize("spelling", ["snake", "camel"])
@pytest.mark.parametrize("kind", list(PROPS))
def test_unknown_dynamic_type_with_our_properties_fails_closed(
        analyzer: analyzer_pb2_grpc.AnalyzerStub, kind: str, spelling: str) -> None:
    """A ``pulumi-python:dynamic:Resource`` (a 0.1.0 subclass) with the properties of any of
    our resources draws a mandatory violation naming that resource, and no secret."""
    configure(analyzer)
    props = PROPS[kind] if spelling == "snake" else _camel(PROPS[kind])
    found = [d for d in analyze(analyzer, OLD_SUBCLASS, props) if d.policyName == "aep-type-known"]
    assert [d.enforcementLevel for d in found] == [MANDATORY]
    assert kind in found[0].message
    assert TOKEN not in found[0].message


@pytest.mark.parametrize("type_", [OLD_SUBCLASS, "pulumi-python:dynamic/team:Thing"])
def test_unknown_dynamic_type_without_our_properties_passes(
        analyzer: analyzer_pb2_grpc.AnalyzerStub, type_: str) -> None:
    """A dynamic resource of the user's own, whose properties are not ours, is left alone."""
    configure(analyzer)
    assert analyze(analyzer, type_, {"name": "x", "size": 3}) == []


def test_our_own_types_do_not_trip_the_unknown_type_rule(
        analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """Our registered dynamic tokens are known: the rule stays silent for them."""
    configure(analyzer)
    for kind, props in PROPS.items():
        found = analyze(analyzer, f"pulumi-python:dynamic/aep:{kind}", props)
        assert "aep-type-known" not in {d.policyName for d in found}, kind


def _stack(resources: list[tuple[str, str, dict[str, Any]]]) -> analyzer_pb2.AnalyzeStackRequest:
    return analyzer_pb2.AnalyzeStackRequest(resources=[
        analyzer_pb2.AnalyzerResource(type=t, properties=_struct(p), urn=_urn(t, n), name=n)
        for t, n, p in resources])


@pytest.mark.parametrize("door", ["dynamic", "plugin"])
def test_two_staging_credentials_for_one_sandbox_are_refused(
        analyzer: analyzer_pb2_grpc.AnalyzerStub, door: str) -> None:
    """Two staging credentials naming one sandbox (any case) draw one mandatory violation
    naming both; one per sandbox draws none."""
    configure(analyzer)
    key = "sandbox_name" if door == "dynamic" else "sandboxName"
    twins = _stack([(STAGING[door], "a", {key: "dev"}), (STAGING[door], "b", {key: "Dev "}),
                    (STAGING[door], "c", {key: "prod"})])
    found = [d for d in analyzer.AnalyzeStack(twins, timeout=RPC_TIMEOUT).diagnostics
             if d.policyName == "one-staging-credentials-per-sandbox"]
    assert [d.enforcementLevel for d in found] == [MANDATORY]
    assert "a, b" in found[0].message
    single = _stack([(STAGING[door], "a", {key: "dev"}), (STAGING[door], "c", {key: "prod"})])
    assert [d.policyName for d in analyzer.AnalyzeStack(single, timeout=RPC_TIMEOUT).diagnostics
            if d.policyName == "one-staging-credentials-per-sandbox"] == []
