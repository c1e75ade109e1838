"""Run this folder's program under Pulumi's mocks and print, as JSON, what it registered and
its exports (each with whether it is secret); ``test_consumer_example.py`` runs it in a process
of its own (Pulumi's mocks and config are process-wide, and its runtime leaves event loops
open). The stack config comes as JSON on stdin: ``{"config": {...}, "secret_keys": [...]}``.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pulumi

PROGRAM = Path(__file__).with_name("__main__.py")


class Mocks(pulumi.runtime.Mocks):
    """Keeps each registration; answers its inputs plus a connection id."""

    def __init__(self) -> None:
        self.registered: list[dict[str, Any]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
        return "example-id", {**args.inputs, "connection_id": "example-id"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def main() -> None:
    """The program under mocks, with the config on stdin; the result on stdout."""
    request = json.load(sys.stdin)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="aep-consumer", stack="dev", preview=False)
    pulumi.runtime.set_all_config(request["config"], request["secret_keys"])
    seen: dict[str, list[Any]] = {}

    def keep(name: str, value: Any) -> pulumi.Output[Any]:
        output = pulumi.Output.from_input(value)
        return pulumi.Output.all(output, output.is_secret()).apply(
            lambda pair: seen.__setitem__(name, [pair[0], pair[1]]))

    @pulumi.runtime.test
    def program() -> Any:
        names = runpy.run_path(str(PROGRAM), run_name="__main__")
        outputs = getattr(pulumi.runtime.get_root_resource(), "outputs", {})
        return pulumi.Output.all(keep("access_token", names["analytics"].access_token),
                                 *[keep(k, v) for k, v in outputs.items()])

    program()
    json.dump({"registered": mocks.registered, "seen": seen}, sys.stdout)


if __name__ == "__main__":
    main()
