"""Run the stacks program once under Pulumi mocks; used by test_stack_program.py in a subprocess.

Mocks change process-wide Pulumi settings, so each run gets a fresh interpreter. Reads a JSON
request on stdin ``{"project", "stack", "config": {full_key: raw_string}, "secret_keys": [...]}``
and prints one JSON object: ``resources`` (type, name, inputs, protect), ``exports`` (resolved)
and ``error`` (a ``pulumi.RunError`` from the program: ``{"type", "message"}``) or null.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pulumi
from pulumi.runtime.mocks import MockMonitor

SECRET_SIG = "4dabf18193072939515e22adb298388d"


class Mocks(pulumi.runtime.Mocks):
    """Echo inputs as outputs and add the outputs the real provider computes."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        id_field = {
            "DatabricksSourceConnection": "source_connection_id",
            "DataLakeTargetConnection": "target_connection_id",
            "MappingSet": "mapping_set_id",
            "Dataflow": "flow_id",
            "XdmFieldGroup": "field_group_id",
            "XdmSchema": "schema_id",
            "XdmIdentity": "descriptor_id",
            "Dataset": "dataset_id",
        }.get(args.typ.rsplit(":", 1)[-1], "connection_id")
        state = {
            **args.inputs,
            id_field: f"{args.name}-0001",
            "etag": '"0a000000-0000-0000-0000-000000000000"',
        }
        if id_field == "mapping_set_id":
            state["version"] = 0
        if id_field == "flow_id":
            state["state"] = "enabled"
        if id_field == "schema_id":
            state["content_type"] = "application/vnd.adobe.xed+json;version=1"
        return f"{args.name}-0001", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps the resource options the mocks API does not show."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.protect: dict[str, bool] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.protect[request.name] = bool(request.protect)
        return super().RegisterResource(request)


def main() -> None:
    """Run the program as described by the request on stdin; print the result."""
    request = json.load(sys.stdin)
    recorded: list[dict[str, Any]] = []

    class Recording(Mocks):
        def new_resource(
            self, args: pulumi.runtime.MockResourceArgs
        ) -> tuple[str, dict[str, Any]]:
            inputs = dict(args.inputs)
            provider = inputs.pop("__provider", None)
            recorded.append(
                {
                    "type": args.typ,
                    "name": args.name,
                    "inputs": inputs,
                    "provider_is_secret": isinstance(provider, dict) and SECRET_SIG in provider,
                }
            )
            return super().new_resource(args)

    monitor = RecordingMonitor(Recording())
    pulumi.runtime.set_mocks(
        monitor.mocks,
        project=request["project"],
        stack=request["stack"],
        preview=False,
        monitor=monitor,
    )
    pulumi.runtime.set_all_config(request["config"], request["secret_keys"])
    result: dict[str, Any] = {"error": None, "exports": None}

    from stacks import program

    @pulumi.runtime.test
    def run() -> Any:
        try:
            program.main()
        except pulumi.RunError as error:
            result["error"] = {"type": type(error).__name__, "message": str(error)}
            return None
        root = pulumi.runtime.get_root_resource()
        outputs = getattr(root, "outputs", {})
        return pulumi.Output.from_input(outputs).apply(
            lambda value: result.__setitem__("exports", value)
        )

    run()
    for resource in recorded:
        resource["protect"] = monitor.protect.get(resource["name"])
    result["resources"] = recorded
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
