"""The ``DatabricksStagingCredentials`` resource and its dynamic provider (API mapping:
``provider.resources.staging_credentials``).

Pulumi pickles ``DatabricksStagingCredentialsProvider`` *by reference*: this module's name and
the class name are part of the state format and must never change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import pulumi
from pulumi.dynamic import Resource

from provider.fields import DATABRICKS_STAGING_CREDENTIALS as SPEC
from provider.generated import (
    DatabricksStagingCredentialsArgs,
    DatabricksStagingCredentialsInputs,
    DatabricksStagingCredentialsOutputs,
)
from provider.resource import LifecycleProvider, register
from provider.resources import staging_credentials

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["TYPE_TOKEN", "DatabricksStagingCredentials", "DatabricksStagingCredentialsArgs",
           "DatabricksStagingCredentialsProvider"]

TYPE_TOKEN = "pulumi-python:dynamic/aep:DatabricksStagingCredentials"


class DatabricksStagingCredentialsProvider(LifecycleProvider):
    """The dynamic front door of ``DatabricksStagingCredentials``."""

    API = staging_credentials.STAGING_CREDENTIALS


class DatabricksStagingCredentials(DatabricksStagingCredentialsOutputs, Resource, module="aep",
                                   name="DatabricksStagingCredentials"):
    """The landing-zone staging credentials of a sandbox: the SAS token, and the Spark config
    entry a Databricks cluster needs (``spark_conf``, secret)."""

    @overload
    def __init__(self, resource_name: str, args: DatabricksStagingCredentialsArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[DatabricksStagingCredentialsInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DatabricksStagingCredentialsArgs(...), opts)`` or ``(name, opts,
        **inputs)``; with neither, the sandbox is the stack config's ``aep:sandboxName``."""
        register(self, DatabricksStagingCredentialsProvider(), SPEC,
                 DatabricksStagingCredentialsArgs, resource_name, args_or_opts, kwargs)
