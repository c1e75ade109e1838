"""Record the Pulumi state this release writes, for the replay tests (``test_replay.py``).

Run from the repository root, on the release whose state is to be kept::

    python -m tests.state.record

Against one offline emulator (``provider.emulator``, pipeline clock fixed at ``wire.NOW``) it
runs ``pulumi up`` of ``program()`` (the six resources, wired) through both front doors,
each as the engine starts it (``provider.testing.ProviderHost`` for the dynamic door,
``PluginHost`` for the native plugin) under ``provider.testing.Engine``, each door in a sandbox
of its own. It writes, under ``tests/state/recorded/``:

- ``<door>.json``: per resource, the URN and type token as sent on the wire, the id, and the
  inputs (the answer to the last Check) and outputs (the answer to Create) exactly as the
  engine stores them: the dynamic door's snake_case names and ``__provider`` pickle, the
  plugin's camelCase names and secret envelopes;
- ``emulator/state*.json``: the emulator's state files, which serve those ids again;
- ``subclasses.json``: what ``class TeamX(X): pass`` registers today for each resource class
  (type token, property names, the ``__provider`` class), from ``tests.state.subclass``.

The values are documentation values: the emulator's demo org and credentials, ``wire``'s demo
access token, and SAS tokens the emulator made up. Re-running replaces every recorded file;
do that only on purpose (the files are the state format a release promised to keep reading).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import grpc

from provider.testing import Engine, PluginHost, ProviderHost, stack_config
from provider.testing.engine import Ref
from provider.testing.host import from_struct
from tests.state import wire
from tests.state.wire import DATASET_ID, DEMO_TOKEN, SCHEMA_ID, urn

ROOT = Path(__file__).resolve().parents[2]


class Capture(ProviderHost):
    """A host mixin that keeps, per URN, the raw answers the engine would store: the inputs of
    the last Check and the id and properties of Create."""

    captured: dict[str, dict[str, Any]]

    def _call(self, method: str, request: Any) -> Any:
        response = super()._call(method, request)
        entry = self.__dict__.setdefault("captured", {}).setdefault(request_urn(request), {})
        if method == "Check":
            entry["inputs"] = from_struct(response.inputs)
        elif method == "Create":
            entry.update(urn=request.urn, id=response.id,
                         outputs=from_struct(response.properties))
        return response


class CaptureDynamic(Capture):
    """Pulumi's dynamic provider host, capturing."""


class CapturePlugin(Capture, PluginHost):
    """The native plugin, capturing."""


def request_urn(request: Any) -> str:
    """The URN a request names (Configure names none)."""
    return str(getattr(request, "urn", ""))


def program() -> dict[str, dict[str, Any]]:
    """The declared stack (URN -> state-named inputs), in dependency order, wired from outputs:
    one of each resource with the inputs a user of today's README writes."""
    return {
        urn("DatabricksBaseConnection"): {
            "name": "sales", "description": "Sales lakehouse. owner: data-platform",
            "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
            "cluster_id": "0123-456789-abcde123", "access_token": DEMO_TOKEN,
            "database": "sales"},
        urn("DatabricksSourceConnection"): {
            "name": "orders", "description": "Orders table",
            "base_connection_id": Ref(urn("DatabricksBaseConnection"), "connection_id"),
            "table_name": "sales.orders"},
        urn("DataLakeTargetConnection"): {
            "name": "orders lake", "description": "Orders dataset",
            "dataset_id": DATASET_ID, "schema_id": SCHEMA_ID},
        urn("MappingSet"): {"schema_id": SCHEMA_ID, "mappings": [
            {"source": "order_id", "destination": "_acme.orderId", "source_type": "ATTRIBUTE"},
            {"source": "lower(customer_id)", "destination": "_acme.customerId",
             "source_type": "EXPRESSION"}]},
        urn("Dataflow"): {
            "name": "orders flow", "description": "Hourly orders ingestion",
            "source_connection_id": Ref(urn("DatabricksSourceConnection"),
                                        "source_connection_id"),
            "target_connection_id": Ref(urn("DataLakeTargetConnection"),
                                        "target_connection_id"),
            "mapping_set_id": Ref(urn("MappingSet"), "mapping_set_id"),
            "mapping_version": Ref(urn("MappingSet"), "version"),
            "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour",
                         "interval": 1}},
        urn("DatabricksStagingCredentials"): {"rotation_trigger": "2026-12"},
    }


def record_door(door: str, emu: Any) -> dict[str, Any]:
    """``pulumi up`` of the program through ``door``; the state the engine keeps, by kind."""
    host: Capture = CapturePlugin() if door == "plugin" else CaptureDynamic(ROOT)
    with host:
        host.configure(stack_config(emu, sandbox=wire.sandbox(door)),
                       secret_keys=wire.SECRET_KEYS)
        engine = Engine(host)
        plan = engine.up(program())
        if plan.failures:
            raise SystemExit(f"the {door} door refused the program: {plan.failures}")
        resources: dict[str, Any] = {}
        for kind in wire.KINDS:
            entry = engine.state[wire.urn(kind)]
            raw = host.captured[host._urn(wire.urn(kind))]
            assert raw["id"] == entry.id, f"{kind}: captured id differs from the engine's"
            record = {"urn": raw["urn"], "type": raw["urn"].split("::")[2], "id": raw["id"],
                      "inputs": raw["inputs"], "outputs": raw["outputs"]}
            if "__provider" in raw["outputs"]:
                record["provider_class"] = wire.provider_path(raw["outputs"]["__provider"])
            resources[kind] = record
    return {"door": door, "sandbox": wire.sandbox(door), "resources": resources}


def record_subclasses() -> dict[str, Any]:
    """What subclasses of each resource class register under mocks (fresh interpreter)."""
    done = subprocess.run([sys.executable, "-m", "tests.state.subclass"], cwd=ROOT,
                          capture_output=True, text=True, check=True, timeout=300)
    return dict(json.loads(done.stdout))


def write(path: Path, document: Any) -> None:
    """``document`` as stable, readable JSON."""
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    """Record both doors and the subclasses into ``tests/state/recorded/``."""
    out = wire.RECORDED
    with tempfile.TemporaryDirectory(prefix="aep-state-") as tmp:
        state_file = Path(tmp) / wire.STATE_FILE
        with wire.emulator(state_file) as emu:
            documents = {door: record_door(door, emu) for door in wire.DOORS}
        if out.exists():
            shutil.rmtree(out)
        (out / wire.EMULATOR_STATE).mkdir(parents=True)
        for saved in sorted(Path(tmp).glob("*.json")):
            shutil.copy(saved, out / wire.EMULATOR_STATE / saved.name)
    for door, document in documents.items():
        write(wire.recorded_path(door), document)
    write(out / wire.SUBCLASSES, record_subclasses())
    print(f"recorded {', '.join(wire.DOORS)} and subclasses into {out.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as error:
        raise SystemExit(f"a provider call failed while recording: {error}") from None
