"""aep-connections: a Pulumi dynamic provider for Adobe Experience Platform Flow Service base
connections to Databricks, with an offline Flow Service emulator (``provider.emulator``).

Importing this package does nothing but define classes: the provider host re-imports it.
"""

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
from provider.resource import (
    TYPE_TOKEN,
    DatabricksBaseConnection,
    DatabricksBaseConnectionArgs,
    DatabricksBaseConnectionProvider,
)

__all__ = [
    "TYPE_TOKEN",
    "AepError",
    "ApiError",
    "AuthError",
    "ConfigurationError",
    "ConflictError",
    "DatabricksBaseConnection",
    "DatabricksBaseConnectionArgs",
    "DatabricksBaseConnectionProvider",
    "InUseError",
    "NotFoundError",
    "TransientError",
    "UnexpectedAnswerError",
]
