"""Provider hosts of both front doors speaking ``DatabricksStagingCredentials``.

``provider.testing``'s hosts speak the base connection (its type token, its field table); these
subclasses swap in the staging credentials' token, field table and ``__provider`` blob.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2

from provider.fields import DATABRICKS_STAGING_CREDENTIALS as SPEC
from provider.staging_resource import TYPE_TOKEN, DatabricksStagingCredentialsProvider
from provider.testing import PluginHost, ProviderHost, serialized_provider
from provider.testing.host import SECRET_SIG, SECRET_VALUE, from_struct, to_struct


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

    def wire_name(self, name: str) -> str:
        """The schema (camelCase) name of a property."""
        field = SPEC.by_state(name)
        return field.schema if field else name

    def _encode(self, props: Mapping[str, Any]) -> struct_pb2.Struct:
        wire: dict[str, Any] = {}
        for key, value in props.items():
            field = SPEC.by_state(key)
            if field is not None and field.secret and value is not None:
                value = {SECRET_SIG: SECRET_VALUE, "value": value}
            wire[self.wire_name(key)] = value
        return to_struct(wire)

    def _decode(self, message: struct_pb2.Struct) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in from_struct(message).items():
            if isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE:
                value = value.get("value")
                self.secret_outputs.add(key)
            values[key] = value
        return SPEC.from_schema(values)

    def _urn(self, urn: str) -> str:
        return urn.replace(TYPE_TOKEN, SPEC.token)


def staging_host_cls(door: str) -> type[ProviderHost]:
    """The staging host class of front door ``door``."""
    return StagingPluginHost if door == "plugin" else StagingDynamicHost
