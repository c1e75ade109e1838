"""What a user's subclass of each resource class registers, under Pulumi mocks.

``python -m tests.state.subclass`` (from the repository root) declares, for each of the six
resource classes ``X``, ``class TeamX(X): pass`` and one resource of it, and prints one JSON
object: kind -> the type token registered (0.1.0 registered ``pulumi-python:dynamic:Resource``,
since Pulumi names a dynamic resource by the class that registers it, and a subclass declares no
``module``/``name``; the resources now keep ``pulumi-python:dynamic/aep:<Name>``), the types of
the aliases it sends, the property names registered (inputs and declared outputs), the class the
``__provider`` pickle names, and the output names the resource exposes. Mocks change
process-wide Pulumi settings, so this always runs in a fresh interpreter (the recorder and the
replay test both start it as a subprocess).
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

import pulumi

from provider.testing.host import SECRET_SIG, SECRET_VALUE
from tests.state import wire

INPUTS: dict[str, dict[str, Any]] = {
    "DatabricksBaseConnection": {
        "name": "team", "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
        "cluster_id": "0123-456789-abcde123", "access_token": wire.DEMO_TOKEN,
        "database": "sales"},
    "DatabricksSourceConnection": {"name": "orders", "base_connection_id": "base-0001",
                                   "table_name": "sales.orders"},
    "DataLakeTargetConnection": {"name": "orders lake", "dataset_id": wire.DATASET_ID,
                                 "schema_id": wire.SCHEMA_ID},
    "MappingSet": {"schema_id": wire.SCHEMA_ID, "mappings": [
        {"source": "order_id", "destination": "_acme.orderId", "source_type": "ATTRIBUTE"}]},
    "Dataflow": {"name": "orders flow", "source_connection_id": "source-0001",
                 "target_connection_id": "target-0001", "mapping_set_id": "mapping-0001",
                 "mapping_version": 0,
                 "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour",
                              "interval": 1}},
    "DatabricksStagingCredentials": {},
}


class Mocks(pulumi.runtime.Mocks):
    """Keep what each resource registers; answer with its inputs as outputs."""

    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append(args)
        return f"{args.name}-0001", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def resource_class(kind: str) -> type[Any]:
    """The resource class of ``kind``, imported by the path a program imports it by."""
    module, _, name = wire.RESOURCE_CLASSES[kind].rpartition(".")
    return getattr(importlib.import_module(module), name)


def alias_recorder() -> dict[str, list[str]]:
    """Record, per resource name, the types of the aliases each registration sends the mock
    monitor (``MockResourceArgs`` carries none)."""
    monitor = pulumi.runtime.settings.get_monitor()
    seen: dict[str, list[str]] = {}
    register = monitor.RegisterResource

    def recording(request: Any) -> Any:
        seen[request.name] = sorted(a.spec.type for a in request.aliases if a.HasField("spec"))
        return register(request)

    monitor.RegisterResource = recording
    return seen


def main() -> None:
    """Register one subclass resource per kind; print what each registered."""
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="aep-connections", stack="local", preview=False)
    aliases = alias_recorder()
    exposed: dict[str, list[str]] = {}

    @pulumi.runtime.test
    def run() -> Any:
        for kind in wire.KINDS:
            team = type(f"Team{kind}", (resource_class(kind),), {})
            made = team(f"team-{kind.lower()}", sandbox_name="dev", **INPUTS[kind])
            exposed[kind] = sorted(k for k, v in vars(made).items()
                                   if isinstance(v, pulumi.Output) and not k.startswith("_"))
        return pulumi.Output.from_input(1)

    run()
    result: dict[str, Any] = {}
    by_name = {args.name: args for args in mocks.registered}
    for kind in wire.KINDS:
        args = by_name[f"team-{kind.lower()}"]
        blob = args.inputs.get("__provider")
        secret = isinstance(blob, dict) and blob.get(SECRET_SIG) == SECRET_VALUE
        if isinstance(blob, dict):
            blob = blob.get("value")
        result[kind] = {
            "type": args.typ,
            "properties": sorted(args.inputs),
            "provider_class": wire.provider_path(blob) if isinstance(blob, str) else None,
            "provider_is_secret": secret,
            "outputs": exposed[kind],
            "alias_types": aliases.get(args.name, []),
        }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
