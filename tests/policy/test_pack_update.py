"""The pack served as at `pulumi up` (PULUMI_DRY_RUN=false), driven over the Analyzer protocol.

At an update an unknown value is no longer the framework's advisory "during preview" note: the
rules that need it report a violation at their own (mandatory) level.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from test_pack_grpc import (
    DEV_ONLY,
    GOOD,
    MANDATORY,
    TOKEN,
    TYPE,
    UNKNOWN_STRING,
    _struct,
    _urn,
    analyze,
    configure,
    served_pack,
)


@pytest.fixture(scope="module")
def analyzer_at_up() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack served as during `pulumi up` (PULUMI_DRY_RUN=false)."""
    with served_pack("false", stack="prod") as stub:
        yield stub


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
