"""The ingestion-path resources of the dynamic door: ``DatabricksSourceConnection``,
``DataLakeTargetConnection``, ``MappingSet`` and ``Dataflow``.

Type tokens ``pulumi-python:dynamic/aep:<Name>``. Each provider class is pickled *by reference*
(the ``__provider`` blob names this module and the class, and holds no credentials), so the
module's name and the classes' names are part of the state format: never rename them. Inputs are
given as an Args object or as keyword arguments, as for ``DatabricksBaseConnection``; nested
inputs (``schedule``, ``delta_column``, ``mappings``) are plain dicts with snake_case keys.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from provider import pipeline_api
from provider.fields import (
    DATA_LAKE_TARGET_CONNECTION,
    DATABRICKS_SOURCE_CONNECTION,
    DATAFLOW,
    MAPPING_SET,
    ResourceSpec,
)
from provider.resource import LifecycleProvider, args_and_opts, program_props

__all__ = [
    "DataLakeTargetConnection", "DataLakeTargetConnectionArgs", "DataLakeTargetConnectionProvider",
    "DatabricksSourceConnection", "DatabricksSourceConnectionArgs",
    "DatabricksSourceConnectionProvider", "Dataflow", "DataflowArgs", "DataflowProvider",
    "MappingSet", "MappingSetArgs", "MappingSetProvider",
]

Str = pulumi.Input[str]


class DatabricksSourceConnectionProvider(LifecycleProvider):
    """The dynamic door of ``DatabricksSourceConnection``."""

    API = pipeline_api.SOURCE_CONNECTION


class DataLakeTargetConnectionProvider(LifecycleProvider):
    """The dynamic door of ``DataLakeTargetConnection``."""

    API = pipeline_api.TARGET_CONNECTION


class MappingSetProvider(LifecycleProvider):
    """The dynamic door of ``MappingSet``."""

    API = pipeline_api.MAPPING_SET_API


class DataflowProvider(LifecycleProvider):
    """The dynamic door of ``Dataflow``."""

    API = pipeline_api.DATAFLOW_API


@dataclasses.dataclass
class DatabricksSourceConnectionArgs:
    """Inputs of a ``DatabricksSourceConnection`` (``table_name`` as explore lists it)."""

    name: Str
    base_connection_id: Str
    table_name: Str
    description: Str | None = None
    cdc_enabled: pulumi.Input[bool] | None = None
    sandbox_name: Str | None = None


@dataclasses.dataclass
class DataLakeTargetConnectionArgs:
    """Inputs of a ``DataLakeTargetConnection``."""

    name: Str
    dataset_id: Str
    schema_id: Str
    description: Str | None = None
    schema_version: Str | None = None
    format: Str | None = None
    sandbox_name: Str | None = None


@dataclasses.dataclass
class MappingSetArgs:
    """Inputs of a ``MappingSet``: ``mappings`` is a list of
    ``{"source", "destination", "source_type"}``."""

    schema_id: Str
    mappings: pulumi.Input[list[Any]]
    sandbox_name: Str | None = None


@dataclasses.dataclass
class DataflowArgs:
    """Inputs of a ``Dataflow``: ``schedule`` is ``{"start_time", "frequency", "interval",
    "backfill"}``, ``delta_column`` ``{"name", "date_format", "timezone"}``."""

    name: Str
    source_connection_id: Str
    target_connection_id: Str
    schedule: pulumi.Input[dict[str, Any]]
    description: Str | None = None
    flow_spec_id: Str | None = None
    delta_column: pulumi.Input[dict[str, Any]] | None = None
    mapping_set_id: Str | None = None
    mapping_version: pulumi.Input[int] | None = None
    enabled: pulumi.Input[bool] | None = None
    sandbox_name: Str | None = None


def _register(resource: Resource, provider: LifecycleProvider, spec: ResourceSpec,
              args_cls: type[Any], resource_name: str, args_or_opts: tuple[Any, ...],
              kwargs: dict[str, Any]) -> None:
    """Register ``resource`` from either calling form (Args object or keyword inputs)."""
    args, opts = args_and_opts(args_cls, spec.name, args_or_opts, kwargs)
    props, secret = program_props(spec, args)
    Resource.__init__(resource, provider, resource_name, props,
                      pulumi.ResourceOptions.merge(opts, secret))


class DatabricksSourceConnection(Resource, module="aep", name="DatabricksSourceConnection"):
    """A Flow Service source connection to one Databricks table."""

    source_connection_id: pulumi.Output[str]
    etag: pulumi.Output[str]

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DatabricksSourceConnectionArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DatabricksSourceConnectionProvider(), DATABRICKS_SOURCE_CONNECTION,
                  DatabricksSourceConnectionArgs, resource_name, args_or_opts, kwargs)


class DataLakeTargetConnection(Resource, module="aep", name="DataLakeTargetConnection"):
    """A Flow Service target connection to an AEP dataset."""

    target_connection_id: pulumi.Output[str]
    etag: pulumi.Output[str]

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DataLakeTargetConnectionArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DataLakeTargetConnectionProvider(), DATA_LAKE_TARGET_CONNECTION,
                  DataLakeTargetConnectionArgs, resource_name, args_or_opts, kwargs)


class MappingSet(Resource, module="aep", name="MappingSet"):
    """A Data Prep mapping set (no DELETE in Adobe's API: deleting it only forgets it)."""

    mapping_set_id: pulumi.Output[str]
    version: pulumi.Output[int]

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, MappingSetArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, MappingSetProvider(), MAPPING_SET,
                  MappingSetArgs, resource_name, args_or_opts, kwargs)


class Dataflow(Resource, module="aep", name="Dataflow"):
    """A Flow Service dataflow from a source connection to a target connection."""

    flow_id: pulumi.Output[str]
    etag: pulumi.Output[str]
    state: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DataflowArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DataflowProvider(), DATAFLOW,
                  DataflowArgs, resource_name, args_or_opts, kwargs)
