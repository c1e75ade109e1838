"""aep-connections: Pulumi resources for Adobe Experience Platform's Databricks ingestion path
(base, source and target connections, mapping sets, dataflows, staging credentials), served by a
dynamic provider and a native plugin over one lifecycle core, with an offline emulator
(``provider.emulator``).

Importing this package does nothing but define classes: the provider host re-imports it. It is
also cheap and layered: the resource names (which need pulumi and grpc) are imported on first
use, so ``import provider.emulator`` and ``import provider.client`` load neither
(``tests/test_public_api.py`` holds it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provider.errors import (
    AepError,
    ApiError,
    AuthError,
    ConfigurationError,
    ConflictError,
    InUseError,
    NotFoundError,
    TransientError,
    UnexpectedAnswerError,
)

if TYPE_CHECKING:
    from provider.pipeline_resources import (
        DatabricksSourceConnection,
        DatabricksSourceConnectionArgs,
        Dataflow,
        DataflowArgs,
        DataLakeTargetConnection,
        DataLakeTargetConnectionArgs,
        MappingSet,
        MappingSetArgs,
    )
    from provider.resource import (
        TYPE_TOKEN,
        DatabricksBaseConnection,
        DatabricksBaseConnectionArgs,
        DatabricksBaseConnectionProvider,
    )
    from provider.runs import get_dataflow_runs
    from provider.staging_resource import (
        DatabricksStagingCredentials,
        DatabricksStagingCredentialsArgs,
    )

_FROM_RESOURCE = frozenset({
    "TYPE_TOKEN",
    "DatabricksBaseConnection",
    "DatabricksBaseConnectionArgs",
    "DatabricksBaseConnectionProvider",
})
_FROM_STAGING = frozenset({"DatabricksStagingCredentials", "DatabricksStagingCredentialsArgs"})
_FROM_PIPELINE = frozenset({
    "DatabricksSourceConnection", "DatabricksSourceConnectionArgs",
    "DataLakeTargetConnection", "DataLakeTargetConnectionArgs",
    "Dataflow", "DataflowArgs", "MappingSet", "MappingSetArgs",
})


def __getattr__(name: str) -> Any:
    """Import the resource names (and so pulumi) only when one is asked for."""
    if name in _FROM_RESOURCE:
        from provider import resource

        return getattr(resource, name)
    if name in _FROM_STAGING:
        from provider import staging_resource

        return getattr(staging_resource, name)
    if name in _FROM_PIPELINE:
        from provider import pipeline_resources

        return getattr(pipeline_resources, name)
    if name == "get_dataflow_runs":  # loads neither pulumi nor grpc
        from provider import runs

        return runs.get_dataflow_runs
    raise AttributeError(f"module 'provider' has no attribute {name!r}")


__all__ = [
    "TYPE_TOKEN",
    "AepError",
    "ApiError",
    "AuthError",
    "ConfigurationError",
    "ConflictError",
    "DataLakeTargetConnection",
    "DataLakeTargetConnectionArgs",
    "DatabricksBaseConnection",
    "DatabricksBaseConnectionArgs",
    "DatabricksBaseConnectionProvider",
    "DatabricksSourceConnection",
    "DatabricksSourceConnectionArgs",
    "DatabricksStagingCredentials",
    "DatabricksStagingCredentialsArgs",
    "Dataflow",
    "DataflowArgs",
    "InUseError",
    "MappingSet",
    "MappingSetArgs",
    "NotFoundError",
    "TransientError",
    "UnexpectedAnswerError",
    "get_dataflow_runs",
]
