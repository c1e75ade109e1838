"""The ``DatabricksStagingCredentials`` resource and its dynamic provider (API mapping:
``provider.staging``).

Pulumi pickles ``DatabricksStagingCredentialsProvider`` *by reference*: this module's name and
the class name are part of the state format and must never change.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from provider import staging
from provider.fields import DATABRICKS_STAGING_CREDENTIALS as SPEC
from provider.resource import LifecycleProvider

__all__ = ["TYPE_TOKEN", "DatabricksStagingCredentials", "DatabricksStagingCredentialsArgs",
           "DatabricksStagingCredentialsProvider"]

TYPE_TOKEN = "pulumi-python:dynamic/aep:DatabricksStagingCredentials"
SECRET_OUTPUTS = [f.state for f in SPEC.fields if f.secret]


class DatabricksStagingCredentialsProvider(LifecycleProvider):
    """The dynamic front door of ``DatabricksStagingCredentials``."""

    API = staging


@dataclasses.dataclass
class DatabricksStagingCredentialsArgs:
    """Inputs of ``DatabricksStagingCredentials``: ``sandbox_name`` (default: stack config
    ``aep:sandboxName``) and ``rotation_trigger`` (any string; setting or changing it rotates the
    SAS token, which revokes the old one for every cluster of the sandbox)."""

    sandbox_name: pulumi.Input[str] | None = None
    rotation_trigger: pulumi.Input[str] | None = None


class DatabricksStagingCredentials(Resource, module="aep", name="DatabricksStagingCredentials"):
    """The landing-zone staging credentials of a sandbox: the SAS token, and the Spark config
    entry a Databricks cluster needs (``spark_conf``, secret)."""

    sandbox_name: pulumi.Output[str]
    rotation_trigger: pulumi.Output[str | None]
    credentials_id: pulumi.Output[str]
    container_name: pulumi.Output[str]
    storage_account_name: pulumi.Output[str]
    sas_token: pulumi.Output[str]
    sas_uri: pulumi.Output[str]
    expiry_date: pulumi.Output[str]
    spark_conf: pulumi.Output[dict[str, str]]

    def __init__(self, resource_name: str,
                 args: DatabricksStagingCredentialsArgs | None = None,
                 opts: pulumi.ResourceOptions | None = None, *,
                 sandbox_name: pulumi.Input[str] | None = None,
                 rotation_trigger: pulumi.Input[str] | None = None) -> None:
        """``(name, DatabricksStagingCredentialsArgs(...), opts)`` or keyword inputs."""
        if args is None:
            args = DatabricksStagingCredentialsArgs(sandbox_name, rotation_trigger)
        elif sandbox_name is not None or rotation_trigger is not None:
            raise TypeError("DatabricksStagingCredentials takes an Args object or keyword "
                            "inputs, not both")
        sandbox = args.sandbox_name
        if sandbox is None:
            sandbox = pulumi.Config("aep").get("sandboxName")
        props: dict[str, Any] = {"sandbox_name": sandbox,
                                 "rotation_trigger": args.rotation_trigger}
        props.update(dict.fromkeys(f.state for f in SPEC.outputs))
        secret = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(DatabricksStagingCredentialsProvider(), resource_name, props,
                         pulumi.ResourceOptions.merge(opts, secret))
