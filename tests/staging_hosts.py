"""Provider hosts of both front doors speaking ``DatabricksStagingCredentials``.

``provider.testing``'s hosts speak the base connection by default; these subclasses swap in the
staging credentials' type token, field table and ``__provider`` blob.
"""

from __future__ import annotations

from provider.fields import DATABRICKS_STAGING_CREDENTIALS as SPEC
from provider.staging_resource import TYPE_TOKEN, DatabricksStagingCredentialsProvider
from provider.testing import PluginHost, ProviderHost, serialized_provider


def staging_urn(name: str, stack: str = "local", project: str = "aep-connections") -> str:
    """The URN the engine gives a dynamic ``DatabricksStagingCredentials`` named ``name``."""
    return f"urn:pulumi:{stack}::{project}::{TYPE_TOKEN}::{name}"


class StagingDynamicHost(ProviderHost):
    """Pulumi's dynamic provider host, with the staging credentials' ``__provider``."""

    type_token = TYPE_TOKEN

    def provider_blob(self) -> str:
        """The ``__provider`` a ``DatabricksStagingCredentials`` carries."""
        return serialized_provider(DatabricksStagingCredentialsProvider())


class StagingPluginHost(PluginHost):
    """The native plugin, addressed with ``aep:index:DatabricksStagingCredentials``."""

    type_token = SPEC.token
    spec = SPEC

    def _urn(self, urn: str) -> str:
        return urn.replace(TYPE_TOKEN, SPEC.token)


def staging_host_cls(door: str) -> type[ProviderHost]:
    """The staging host class of front door ``door``."""
    return StagingPluginHost if door == "plugin" else StagingDynamicHost
