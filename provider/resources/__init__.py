"""The registry: every resource the provider serves, listed once (:data:`REGISTRY`).

Each entry names a resource's API mapping (which carries its field table, ``SPEC``) and the
dotted path of its dynamic provider class. Everything that serves, describes or guards the
resources reads this list: the plugin's dispatch (``provider.native``), the package schema, the
typed Python classes and the docs (``provider.schema``, ``provider.codegen``), the policy pack's
copy of the type tokens (``policy/_registry.py``, generated) and the test hosts.

A dynamic provider class is pickled *by reference* into users' state, so its module and name
(``provider`` here) are state format: once released, never renamed or moved. New resources put
theirs in ``provider.providers``.

Adding a resource = its module (field table and API mapping), one line in :func:`_builtin`, its
tests and the regenerated files. :func:`register` adds one at run time (tests register a toy
resource to show that nothing else needs to change).

``REGISTRY`` is computed on first use (module ``__getattr__``), so importing this package loads
no resource module: the mappings import ``provider.resources.identity`` themselves.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from provider.fields import ResourceSpec
    from provider.lifecycle import ResourceApi

__all__ = ["REGISTRY", "Registered", "by_token", "register", "registry", "specs", "unregister"]

DYNAMIC_PREFIX = "pulumi-python:dynamic/"


@dataclasses.dataclass(frozen=True)
class Registered:
    """One served resource: its API mapping and its dynamic provider class (``module:Class``,
    state format)."""

    api: ResourceApi
    provider: str

    @property
    def spec(self) -> ResourceSpec:
        """The field table."""
        return self.api.SPEC

    @property
    def token(self) -> str:
        """The plugin's type token, ``aep:index:<Name>``."""
        return self.spec.token

    @property
    def dynamic_token(self) -> str:
        """The dynamic door's type token, ``pulumi-python:dynamic/aep:<Name>``: Pulumi's
        dynamic ``Resource`` makes it from its ``module`` and ``name`` keywords."""
        return f"{DYNAMIC_PREFIX}{self.spec.module}:{self.spec.name}"

    @property
    def deletes(self) -> bool:
        """Whether deleting it deletes something in AEP (a mapping set and staging credentials
        are only removed from the stack: their ``DELETES`` is False)."""
        return bool(getattr(self.api, "DELETES", True))

    @property
    def named(self) -> bool:
        """Whether it has a ``name`` input (the name AEP shows)."""
        return self.spec.by_state("name") is not None

    def provider_class(self) -> type[Any]:
        """The dynamic provider class (imports Pulumi)."""
        module, _, name = self.provider.partition(":")
        found: type[Any] = getattr(importlib.import_module(module), name)
        return found


def _builtin() -> tuple[Registered, ...]:
    from provider.resources import (
        base_connection,
        dataflow,
        dataset,
        mapping_set,
        source_connection,
        staging_credentials,
        target_connection,
        xdm_field_group,
        xdm_schema,
    )

    return (
        Registered(base_connection.BASE_CONNECTION,
                   "provider.resource:DatabricksBaseConnectionProvider"),
        Registered(source_connection.SOURCE_CONNECTION,
                   "provider.pipeline_resources:DatabricksSourceConnectionProvider"),
        Registered(target_connection.TARGET_CONNECTION,
                   "provider.pipeline_resources:DataLakeTargetConnectionProvider"),
        Registered(mapping_set.MAPPING_SET_API, "provider.pipeline_resources:MappingSetProvider"),
        Registered(dataflow.DATAFLOW_API, "provider.pipeline_resources:DataflowProvider"),
        Registered(staging_credentials.STAGING_CREDENTIALS,
                   "provider.staging_resource:DatabricksStagingCredentialsProvider"),
        Registered(xdm_field_group.XDM_FIELD_GROUP_API, "provider.providers:XdmFieldGroupProvider"),
        Registered(xdm_schema.XDM_SCHEMA_API, "provider.providers:XdmSchemaProvider"),
        Registered(xdm_schema.XDM_IDENTITY_API, "provider.providers:XdmIdentityProvider"),
        Registered(dataset.DATASET_API, "provider.providers:DatasetProvider"),
    )


_lock = threading.Lock()
_entries: list[Registered] = []


def registry() -> tuple[Registered, ...]:
    """Every registered resource, the built-in ones first, in registration order."""
    with _lock:
        if not _entries:
            _entries.extend(_builtin())
        return tuple(_entries)


def register(entry: Registered) -> Registered:
    """Add ``entry`` (replacing one of the same token) and return it."""
    registry()
    with _lock:
        _entries[:] = [e for e in _entries if e.token != entry.token] + [entry]
    return entry


def unregister(token: str) -> None:
    """Remove the resource of plugin token ``token`` (tests undo a :func:`register`)."""
    registry()
    with _lock:
        _entries[:] = [e for e in _entries if e.token != token]


def specs() -> tuple[ResourceSpec, ...]:
    """The field table of every registered resource, in registry order."""
    return tuple(e.spec for e in registry())


def by_token(token: str) -> Registered | None:
    """The resource of either door's type token, or None."""
    return next((e for e in registry() if token in (e.token, e.dynamic_token)), None)


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
