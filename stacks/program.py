"""The Pulumi program: one ``DatabricksBaseConnection`` per entry of the stack's ``connections``.

Run by Pulumi through the root ``__main__.py`` (see ``Pulumi.yaml`` for why the program is not the
project's ``main``). Importing this module declares nothing; :func:`main` does the work.

Stack outputs (one dict, so a consumer reads one key through a ``StackReference``)::

    sandboxName: dev
    connections:
      sales-lakehouse: {connectionId: "...", etag: "..."}

Read them with ``pulumi stack output connections --json``.
"""

from __future__ import annotations

import pulumi

from provider import DatabricksBaseConnection, DatabricksBaseConnectionArgs
from stacks.config import StackConfig, StackConfigError, load_stack_config

__all__ = ["PulumiConfigSource", "declare_connections", "main"]


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
    pulumi.export("sandboxName", config.sandbox_name)
    pulumi.export(
        "connections",
        {
            name: {"connectionId": resource.connection_id, "etag": resource.etag}
            for name, resource in declared.items()
        },
    )
