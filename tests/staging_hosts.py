"""Provider hosts of both front doors speaking ``DatabricksStagingCredentials``.

``provider.testing``'s hosts speak whatever resource type a URN names; these subclasses only make
the staging credentials their default type token.
"""

from __future__ import annotations

from provider.fields import DATABRICKS_STAGING_CREDENTIALS as SPEC
from provider.staging_resource import TYPE_TOKEN
from provider.testing import PluginHost, ProviderHost


def staging_urn(name: str, stack: str = "local", project: str = "aep-connections") -> str:
    """The URN the engine gives a dynamic ``DatabricksStagingCredentials`` named ``name``."""
    return f"urn:pulumi:{stack}::{project}::{TYPE_TOKEN}::{name}"


class StagingDynamicHost(ProviderHost):
    """Pulumi's dynamic provider host, addressed with the staging credentials' type token."""

    type_token = TYPE_TOKEN


class StagingPluginHost(PluginHost):
    """The native plugin, addressed with ``aep:index:DatabricksStagingCredentials``."""

    type_token = SPEC.token


def staging_host_cls(door: str) -> type[ProviderHost]:
    """The staging host class of front door ``door``."""
    return StagingPluginHost if door == "plugin" else StagingDynamicHost
