"""The Pulumi program: one ``DatabricksBaseConnection`` per entry of the stack's ``connections``,
and per entry of its ``dataflows`` one pipeline: ``DatabricksSourceConnection`` (the table),
``DataLakeTargetConnection`` (the dataset), ``MappingSet`` and ``Dataflow``, each wired from the
others' outputs so the engine creates them in dependency order and deletes them in reverse.

Run by Pulumi through the root ``__main__.py`` (see ``Pulumi.yaml`` for why the program is not the
project's ``main``). Importing this module declares nothing; :func:`main` does the work.

Stack outputs (one dict, so a consumer reads one key through a ``StackReference``)::

    sandboxName: dev
    connections:
      sales-lakehouse: {connectionId: "...", etag: "..."}
    dataflows:
      sales-lakehouse/sales.orders: {flowId: "...", sourceConnectionId: "...", ...}

Read them with ``pulumi stack output connections --json``.
"""

from __future__ import annotations

from typing import Any

import pulumi

from provider import DatabricksBaseConnection, DatabricksBaseConnectionArgs
from provider.fields import DATAFLOW, MAPPING_SET
from provider.pipeline_resources import (
    DatabricksSourceConnection,
    DataflowArgs,
    DataLakeTargetConnection,
    MappingSet,
)
from provider.pipeline_resources import (
    Dataflow as DataflowResource,
)
from provider.staging_resource import DatabricksStagingCredentials
from stacks.config import ConnectionSpec, StackConfig, StackConfigError, load_stack_config
from stacks.pipeline_config import DataflowSpec, table_stem

__all__ = ["PulumiConfigSource", "declare_connections", "declare_dataflows", "declare_staging",
           "main"]


class PulumiConfigSource:
    """A ``stacks.config.ConfigSource`` over the running program's stack config."""

    def get(self, key: str) -> str | None:
        """Return the raw value of the full key ``namespace:name``, or None when unset."""
        namespace, name = key.split(":", 1)
        return pulumi.Config(namespace).get(name)

    def is_secret(self, key: str) -> bool:
        """Return True when the full key is stored encrypted in the stack config."""
        return bool(pulumi.runtime.is_config_secret(key))


def declare_connections(config: StackConfig) -> dict[str, DatabricksBaseConnection]:
    """Declare one resource per configured connection; return them by connection name.

    The logical resource name is the connection name, so renaming a connection in the stack file
    replaces it (use an alias or ``pulumi state rename`` to keep the same AEP connection).
    Tokens are read with ``require_secret`` and so reach the resource as secret inputs.
    """
    declared: dict[str, DatabricksBaseConnection] = {}
    for spec in config.connections:
        namespace, token_name = spec.token_key.split(":", 1)
        declared[spec.name] = DatabricksBaseConnection(
            spec.name,
            DatabricksBaseConnectionArgs(
                name=spec.name,
                domain=spec.domain,
                cluster_id=spec.cluster_id,
                access_token=pulumi.Config(namespace).require_secret(token_name),
                database=spec.database,
                description=spec.description,
                catalog=spec.catalog,
                sandbox_name=config.sandbox_name,
                adopt_existing=spec.adopt_existing,
            ),
            opts=pulumi.ResourceOptions(protect=spec.protect),
        )
    return declared


def _snake(spec_field: str, owner: Any, value: Any) -> Any:
    """A nested stack-file value (camelCase keys) as the dynamic door's inputs spell it."""
    field = owner.by_state(spec_field)
    return field.from_schema_value(value) if field is not None and value is not None else None


def declare_dataflows(config: StackConfig, connection: ConnectionSpec,
                      base: DatabricksBaseConnection) -> dict[str, DataflowResource]:
    """Declare one pipeline per table of ``connection``; return the dataflows by table.

    Resource names are ``<connection>-<table>-source|target|mapping|flow`` (the table's dots and
    back-quotes made dashes); the wiring through outputs gives the engine the dependency order.
    """
    flows: dict[str, DataflowResource] = {}
    for spec in connection.dataflows:
        flows[spec.table] = _declare_pipeline(config, connection, base, spec)
    return flows


def _declare_pipeline(config: StackConfig, connection: ConnectionSpec,
                      base: DatabricksBaseConnection, spec: DataflowSpec) -> DataflowResource:
    stem = f"{connection.name}-{table_stem(spec.table)}"
    label = f"{connection.name} {spec.table}"
    source = DatabricksSourceConnection(
        f"{stem}-source", name=f"{label} source", base_connection_id=base.connection_id,
        table_name=spec.table, cdc_enabled=spec.cdc_enabled, sandbox_name=config.sandbox_name)
    target = DataLakeTargetConnection(
        f"{stem}-target", name=f"{label} target", dataset_id=spec.dataset_id,
        schema_id=spec.schema_id, sandbox_name=config.sandbox_name)
    mapping = MappingSet(
        f"{stem}-mapping", schema_id=spec.schema_id,
        mappings=_snake("mappings", MAPPING_SET, list(spec.mappings)),
        sandbox_name=config.sandbox_name)
    return DataflowResource(f"{stem}-flow", DataflowArgs(
        name=label,
        source_connection_id=source.source_connection_id,
        target_connection_id=target.target_connection_id,
        schedule=_snake("schedule", DATAFLOW, dict(spec.schedule)),
        delta_column=_snake("delta_column", DATAFLOW, spec.delta_column),
        mapping_set_id=mapping.mapping_set_id,
        mapping_version=mapping.version,
        enabled=spec.enabled,
        sandbox_name=config.sandbox_name,
    ))


def declare_staging(config: StackConfig) -> dict[str, DatabricksStagingCredentials]:
    """One ``DatabricksStagingCredentials`` per ``stagingCredentials`` entry (one per sandbox,
    which ``stacks.staging_config`` holds), by sandbox."""
    return {spec.sandbox_name: DatabricksStagingCredentials(
        f"staging-{spec.sandbox_name}", sandbox_name=spec.sandbox_name,
        rotation_trigger=spec.rotation_trigger) for spec in config.staging}


def main() -> None:
    """Read and validate the stack config, declare the connections and export their ids.

    A configuration problem stops the program with ``pulumi.RunError``, which Pulumi prints as
    one error message without a Python traceback.
    """
    try:
        config = load_stack_config(PulumiConfigSource(), pulumi.get_project(), pulumi.get_stack())
    except StackConfigError as error:
        raise pulumi.RunError(str(error)) from None
    declared = declare_connections(config)
    flows = {
        f"{spec.name}/{table}": flow
        for spec in config.connections
        for table, flow in declare_dataflows(config, spec, declared[spec.name]).items()
    }
    staging = declare_staging(config)
    pulumi.export("sandboxName", config.sandbox_name)
    if staging:
        pulumi.export("stagingCredentials", {
            sandbox: {"credentialsId": resource.credentials_id, "expiryDate": resource.expiry_date}
            for sandbox, resource in staging.items()})
    pulumi.export("dataflows", {
        key: {"flowId": flow.flow_id, "state": flow.state} for key, flow in flows.items()})
    pulumi.export(
        "connections",
        {
            name: {"connectionId": resource.connection_id, "etag": resource.etag}
            for name, resource in declared.items()
        },
    )
