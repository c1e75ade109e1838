"""The ingestion-path resources of the dynamic door: ``DatabricksSourceConnection``,
``DataLakeTargetConnection``, ``MappingSet`` and ``Dataflow``.

Type tokens ``pulumi-python:dynamic/aep:<Name>``. Each provider class is pickled *by reference*
(the ``__provider`` blob names this module and the class, and holds no credentials), so the
module's name and the classes' names are part of the state format: never rename them. Inputs are
given as an Args object or as keyword arguments, as for ``DatabricksBaseConnection``; nested
inputs (``schedule``, ``delta_column``, ``mappings``) are plain dicts with snake_case keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import pulumi
from pulumi.dynamic import Resource

from provider import pipeline_api
from provider.fields import (
    DATA_LAKE_TARGET_CONNECTION,
    DATABRICKS_SOURCE_CONNECTION,
    DATAFLOW,
    MAPPING_SET,
)
from provider.generated import (
    DatabricksSourceConnectionArgs,
    DatabricksSourceConnectionInputs,
    DatabricksSourceConnectionOutputs,
    DataflowArgs,
    DataflowInputs,
    DataflowOutputs,
    DataLakeTargetConnectionArgs,
    DataLakeTargetConnectionInputs,
    DataLakeTargetConnectionOutputs,
    MappingSetArgs,
    MappingSetInputs,
    MappingSetOutputs,
)
from provider.resource import LifecycleProvider
from provider.resource import register as _register
from provider.resources import dataflow

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DataLakeTargetConnection", "DataLakeTargetConnectionArgs", "DataLakeTargetConnectionProvider",
    "DatabricksSourceConnection", "DatabricksSourceConnectionArgs",
    "DatabricksSourceConnectionProvider", "Dataflow", "DataflowArgs", "DataflowProvider",
    "MappingSet", "MappingSetArgs", "MappingSetProvider",
]

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

    API = dataflow.DATAFLOW_API


class DatabricksSourceConnection(DatabricksSourceConnectionOutputs, Resource, module="aep",
                                 name="DatabricksSourceConnection"):
    """A Flow Service source connection to one Databricks table."""

    @overload
    def __init__(self, resource_name: str, args: DatabricksSourceConnectionArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[DatabricksSourceConnectionInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DatabricksSourceConnectionArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DatabricksSourceConnectionProvider(), DATABRICKS_SOURCE_CONNECTION,
                  DatabricksSourceConnectionArgs, resource_name, args_or_opts, kwargs)


class DataLakeTargetConnection(DataLakeTargetConnectionOutputs, Resource, module="aep",
                               name="DataLakeTargetConnection"):
    """A Flow Service target connection to an AEP dataset."""

    @overload
    def __init__(self, resource_name: str, args: DataLakeTargetConnectionArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[DataLakeTargetConnectionInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DataLakeTargetConnectionArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DataLakeTargetConnectionProvider(), DATA_LAKE_TARGET_CONNECTION,
                  DataLakeTargetConnectionArgs, resource_name, args_or_opts, kwargs)


class MappingSet(MappingSetOutputs, Resource, module="aep", name="MappingSet"):
    """A Data Prep mapping set (no DELETE in Adobe's API: deleting it only forgets it)."""

    @overload
    def __init__(self, resource_name: str, args: MappingSetArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[MappingSetInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, MappingSetArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, MappingSetProvider(), MAPPING_SET,
                  MappingSetArgs, resource_name, args_or_opts, kwargs)


class Dataflow(DataflowOutputs, Resource, module="aep", name="Dataflow"):
    """A Flow Service dataflow from a source connection to a target connection."""

    @overload
    def __init__(self, resource_name: str, args: DataflowArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[DataflowInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DataflowArgs(...), opts)`` or ``(name, opts, **inputs)``."""
        _register(self, DataflowProvider(), DATAFLOW,
                  DataflowArgs, resource_name, args_or_opts, kwargs)
