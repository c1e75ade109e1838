"""What the state recorder writes and the replay tests read.

The names of the recorded files, the emulator options both sides share (a fixed pipeline clock, so
the recorded staging credentials never expire on replay), and ``WireHost``: a host mixin that
sends and returns properties exactly as the engine stores them in state (no renaming between
state and schema names, secret envelopes kept), so a replay does not depend on the field table
of the code under test.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2

from provider.emulator import Emulator, PipelineOptions
from provider.testing import PluginHost, ProviderHost, urn_for

RECORDED = Path(__file__).resolve().with_name("recorded")
EMULATOR_STATE = "emulator"  # directory under RECORDED: the emulator's state files
STATE_FILE = "state.json"  # the emulator's state file name (entities are saved beside it)
SUBCLASSES = "subclasses.json"
DOORS = ("dynamic", "plugin")
SECRET_KEYS = ("aep:clientSecret",)

# The pipeline clock of the recording and of every replay: 2027-01-15T08:00:00Z.
NOW = 1_800_000_000.0

# A Databricks personal access token of the documentation kind (the emulator stores it).
DEMO_TOKEN = "dapi-RECORDED-STATE-0123456789abcdef0123456789ab"
DATASET_ID = "5c8c3c555033b814b69f947f"
SCHEMA_ID = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"

# Every resource, in dependency order, with the class its ``__provider`` pickle names: these
# paths are state format (a stack written today unpickles them on its next refresh).
PROVIDER_CLASSES = {
    "DatabricksBaseConnection": "provider.resource.DatabricksBaseConnectionProvider",
    "DatabricksSourceConnection": "provider.pipeline_resources.DatabricksSourceConnectionProvider",
    "DataLakeTargetConnection": "provider.pipeline_resources.DataLakeTargetConnectionProvider",
    "MappingSet": "provider.pipeline_resources.MappingSetProvider",
    "Dataflow": "provider.pipeline_resources.DataflowProvider",
    "DatabricksStagingCredentials":
        "provider.staging_resource.DatabricksStagingCredentialsProvider",
}
KINDS = tuple(PROVIDER_CLASSES)

# The resource classes a program imports (the subclass recording subclasses each).
RESOURCE_CLASSES = {
    "DatabricksBaseConnection": "provider.resource.DatabricksBaseConnection",
    "DatabricksSourceConnection": "provider.pipeline_resources.DatabricksSourceConnection",
    "DataLakeTargetConnection": "provider.pipeline_resources.DataLakeTargetConnection",
    "MappingSet": "provider.pipeline_resources.MappingSet",
    "Dataflow": "provider.pipeline_resources.Dataflow",
    "DatabricksStagingCredentials": "provider.staging_resource.DatabricksStagingCredentials",
}


def clock() -> float:
    """The emulator's pipeline clock: always ``NOW``."""
    return NOW


def emulator(state_file: Path | None = None) -> Emulator:
    """An emulator (not started) with the options of the recording, every sandbox allowed."""
    return Emulator(port=0, sandboxes=None, state_file=state_file,
                    pipeline=PipelineOptions(clock=clock))


def sandbox(door: str) -> str:
    """The sandbox each door's resources live in (so both doors share one emulator)."""
    return f"recorded-{door}"


def urn(kind: str) -> str:
    """The URN of the recorded resource of type ``kind`` (the dynamic spelling; the plugin host
    turns it into ``aep:index:<kind>``)."""
    return urn_for(f"orders-{kind.lower()}", kind=kind)


class WireHost(ProviderHost):
    """A host whose calls take and return properties as the engine keeps them in state: no
    renaming, secret envelopes kept. (Mixed in ahead of ``ProviderHost`` or ``PluginHost``.)
    It needs only ``provider.testing``'s public names, so it outlives a move of its modules."""

    def _encode(self, props: Mapping[str, Any], urn: str = "") -> struct_pb2.Struct:
        message = struct_pb2.Struct()
        message.update({k: v for k, v in props.items() if v is not None})
        return message

    def _decode(self, message: struct_pb2.Struct, urn: str = "") -> dict[str, Any]:
        return dict(json_format.MessageToDict(message))


class WireDynamic(WireHost):
    """Pulumi's dynamic provider host, speaking state as stored."""


class WirePlugin(WireHost, PluginHost):
    """The native plugin, speaking state as stored."""


def wire_host(door: str) -> ProviderHost:
    """The (not yet started) state-speaking host of ``door``; the dynamic host runs from the
    repository root, as the engine runs it from the project directory."""
    if door == "plugin":
        return WirePlugin()
    return WireDynamic(Path(__file__).resolve().parents[2])


def recorded_path(door: str) -> Path:
    """The recorded state of ``door``."""
    return RECORDED / f"{door}.json"


def load(door: str) -> dict[str, Any]:
    """The recorded state of ``door``: kind -> {urn, type, id, inputs, outputs, ...}."""
    return dict(json.loads(recorded_path(door).read_text(encoding="utf-8"))["resources"])


def provider_path(blob: str) -> str:
    """The ``module.Class`` a ``__provider`` pickle names, read from its bytes without
    unpickling it (dill pickles a class by reference as its module and qualified name)."""
    import pickletools

    strings: list[str] = []
    for opcode, arg, _ in pickletools.genops(base64.b64decode(blob)):
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE") and isinstance(arg, str):
            strings.append(arg)
        if opcode.name == "STACK_GLOBAL":
            return ".".join(strings[-2:])
        if opcode.name == "GLOBAL" and isinstance(arg, str):
            return arg.replace(" ", ".")
    raise ValueError("the __provider pickle names no class")
