"""Test support that ships with the package: drive Pulumi's provider host like the engine does.

``ProviderHost`` runs ``python -m pulumi.dynamic`` and speaks its gRPC protocol; ``PluginHost``
starts the native plugin (``plugin/``) as Pulumi's language host does; ``Engine`` keeps
state and sequences preview, up, refresh and destroy over it. Used by this project's tests and
benchmarks, and usable by anyone testing a program that declares these resources without the
Pulumi CLI. The emulator (``provider.emulator``) is the matching fake of Flow Service.
"""

from provider.testing.engine import Engine, Entry, Plan, urn_for
from provider.testing.host import (
    UNKNOWN,
    HostError,
    ProviderHost,
    serialized_provider,
    stack_config,
)
from provider.testing.plugin import PluginError, PluginHost

__all__ = ["UNKNOWN", "Engine", "Entry", "HostError", "Plan", "PluginError", "PluginHost",
           "ProviderHost", "serialized_provider", "stack_config", "urn_for"]
