"""State written by release 0.1.0 keeps working with the current code, through both doors.

``recorded/`` holds what the engine stored after ``pulumi up`` of all six resources on 0.1.0
(``python -m tests.state.record``) and the emulator state that serves those ids. Each door's
host of the CURRENT code is started as the engine starts it, and is sent that state exactly as
stored (``wire.WireHost``: no renaming, secret envelopes kept): refresh keeps every resource
with no diff, the stored inputs diff as no change, one updatable property updates in place, and
delete works. The ``__provider`` pickles must unpickle to classes defined where they name them.

One emulator serves both doors (each door's resources live in a sandbox of their own). Tests of
one door run in the order written: update then delete act on the state the previous test left,
and deletes run dependents first.
"""

from __future__ import annotations

import base64
import copy
import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dill
import pytest
from pulumi.runtime.proto import provider_pb2

from provider.emulator import Emulator
from provider.testing import ProviderHost, stack_config
from tests.state import wire

ROOT = Path(__file__).resolve().parents[2]

# One updatable property per resource: its name in each door's state and its new value (a
# function of the stored inputs, so nested members keep each door's spelling).
UPDATES: dict[str, tuple[dict[str, str], Any]] = {
    "DatabricksBaseConnection": ({"dynamic": "description", "plugin": "description"},
                                 lambda old: "Sales lakehouse. owner: analytics"),
    "DatabricksSourceConnection": ({"dynamic": "description", "plugin": "description"},
                                   lambda old: "Orders table, all regions"),
    "DataLakeTargetConnection": ({"dynamic": "name", "plugin": "name"},
                                 lambda old: "orders lake (eu)"),
    "MappingSet": ({"dynamic": "mappings", "plugin": "mappings"},
                   lambda old: [{**old[0], "destination": "_acme.orderNumber"}, *old[1:]]),
    "Dataflow": ({"dynamic": "description", "plugin": "description"},
                 lambda old: "Hourly orders ingestion, all regions"),
    "DatabricksStagingCredentials": ({"dynamic": "rotation_trigger", "plugin": "rotationTrigger"},
                                     lambda old: "2027-01"),
}

# Dependents first, as the engine deletes them.
DELETE_ORDER = ("Dataflow", "MappingSet", "DatabricksSourceConnection",
                "DataLakeTargetConnection", "DatabricksBaseConnection",
                "DatabricksStagingCredentials")
# Resources whose delete removes the entity (a mapping set has no DELETE in Data Prep; the
# staging credentials belong to the sandbox, so their delete is a notice).
REMOVED_ON_DELETE = ("Dataflow", "DatabricksSourceConnection", "DataLakeTargetConnection",
                     "DatabricksBaseConnection")


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One emulator for the module, loaded with the recorded emulator state (a copy)."""
    directory = tmp_path_factory.mktemp("recorded-emulator")
    for saved in (wire.RECORDED / wire.EMULATOR_STATE).glob("*.json"):
        shutil.copy(saved, directory / saved.name)
    with wire.emulator(directory / wire.STATE_FILE) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def host(emu: Emulator, door: str) -> Iterator[ProviderHost]:
    """The door's host of the current code, configured like the engine, speaking stored state."""
    with wire.wire_host(door) as started:
        started.configure(stack_config(emu, sandbox=wire.sandbox(door)),
                          secret_keys=wire.SECRET_KEYS)
        yield started


@pytest.fixture(scope="module")
def recorded(door: str) -> dict[str, Any]:
    """The state 0.1.0 stored through ``door``, by kind."""
    return wire.load(door)


@pytest.fixture(scope="module")
def live(recorded: dict[str, Any]) -> dict[str, Any]:
    """The state as this module's tests leave it (an update replaces a resource's entry)."""
    return copy.deepcopy(recorded)


@pytest.mark.parametrize("path", wire.PROVIDER_CLASSES.values())
def test_provider_class_is_defined_where_state_names_it(path: str) -> None:
    """Each ``__provider`` class path of 0.1.0 is a class DEFINED in that module (a re-export
    would pickle under its new home, and a move breaks every stack's next refresh)."""
    module_name, _, name = path.rpartition(".")
    found = getattr(importlib.import_module(module_name), name, None)
    assert isinstance(found, type), f"{path} is no longer a class"
    assert (found.__module__, found.__qualname__) == (module_name, name)


@pytest.mark.parametrize("kind", wire.KINDS)
def test_recorded_provider_pickle_unpickles_with_current_code(kind: str) -> None:
    """The dynamic door's stored ``__provider`` names the 0.1.0 class and unpickles (as the
    dynamic host does, with dill) to an instance of the current class of that name."""
    stored = wire.load("dynamic")[kind]
    blob = stored["outputs"]["__provider"]
    assert stored["inputs"]["__provider"] == blob
    assert wire.provider_path(blob) == wire.PROVIDER_CLASSES[kind]
    provider = dill.loads(base64.b64decode(blob))  # noqa: S301 - our own recorded pickle
    module_name, _, name = wire.PROVIDER_CLASSES[kind].rpartition(".")
    assert type(provider) is getattr(importlib.import_module(module_name), name)


def test_subclasses_register_as_recorded() -> None:
    """``class TeamX(X): pass`` registers X's own ``aep`` type token with an alias to the token
    it registered in 0.1.0 (so its resource moves to the new token with no replacement), the same
    provider class, and every property and output it registered in 0.1.0."""
    done = subprocess.run([sys.executable, "-m", "tests.state.subclass"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    now = json.loads(done.stdout)
    then = json.loads((wire.RECORDED / wire.SUBCLASSES).read_text(encoding="utf-8"))
    assert set(now) == set(then) == set(wire.KINDS)
    for kind, was in then.items():
        assert now[kind]["type"] == f"pulumi-python:dynamic/aep:{kind}", kind
        assert now[kind]["alias_types"] == [was["type"]], kind
        assert now[kind]["provider_class"] == was["provider_class"], kind
        assert set(was["properties"]) <= set(now[kind]["properties"]), kind
        assert set(was["outputs"]) <= set(now[kind]["outputs"]), kind


@pytest.mark.parametrize("kind", wire.KINDS)
def test_current_code_serves_the_recorded_type(kind: str, door: str, host: ProviderHost,
                                               recorded: dict[str, Any]) -> None:
    """The type token in state is the one the current code registers (dynamic door) or
    publishes in its schema (plugin), so a program run with it does not replace the resource."""
    stored_type = recorded[kind]["type"]
    assert recorded[kind]["urn"].split("::")[2] == stored_type
    if door == "plugin":
        assert stored_type in host.get_schema()["resources"]  # type: ignore[attr-defined]
    else:
        module_name, _, name = wire.RESOURCE_CLASSES[kind].rpartition(".")
        cls = getattr(importlib.import_module(module_name), name)
        assert f"pulumi-python:{cls._resource_type_name}" == stored_type


@pytest.mark.parametrize("kind", wire.KINDS)
def test_refresh_keeps_the_resource_with_no_diff(kind: str, host: ProviderHost,
                                                 recorded: dict[str, Any]) -> None:
    """Read (refresh) of the stored state answers the same id, outputs and inputs."""
    stored = recorded[kind]
    id_, outputs, inputs = host.read(stored["id"], stored["urn"], stored["outputs"],
                                     stored["inputs"])
    assert id_ == stored["id"]
    assert outputs == stored["outputs"]
    assert inputs == stored["inputs"]


@pytest.mark.parametrize("kind", wire.KINDS)
def test_stored_inputs_diff_as_no_change(kind: str, door: str, host: ProviderHost,
                                         recorded: dict[str, Any]) -> None:
    """Check keeps the stored inputs as they are, and Diff of them against the stored outputs
    is "no changes", also with the ``__provider`` the current program computes."""
    stored = recorded[kind]
    checked, failures = host.check(stored["urn"], stored["inputs"], stored["inputs"])
    assert failures == []
    assert checked == stored["inputs"]
    news = [stored["inputs"]]
    if door == "dynamic":
        news.append({**stored["inputs"], "__provider": host.provider_blob(wire.urn(kind))})
    for inputs in news:
        diff = host.diff(stored["id"], stored["urn"], stored["outputs"], inputs)
        assert diff.changes == provider_pb2.DiffResponse.DIFF_NONE, inputs.get("__provider")
        assert list(diff.replaces) == []


@pytest.mark.parametrize("kind", wire.KINDS)
def test_update_of_one_property_is_in_place(kind: str, door: str, host: ProviderHost,
                                            live: dict[str, Any]) -> None:
    """Changing one updatable property of stored state diffs as an update (no replacement),
    Update succeeds, and a refresh reads the new value back from the service."""
    stored = live[kind]
    names, new_value = UPDATES[kind]
    key = names[door]
    news = {**stored["inputs"], key: new_value(stored["inputs"].get(key))}
    checked, failures = host.check(stored["urn"], stored["inputs"], news)
    assert failures == []
    diff = host.diff(stored["id"], stored["urn"], stored["outputs"], checked)
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(diff.replaces) == []
    if door == "plugin":  # Pulumi's dynamic host answers no property list
        assert key in list(diff.diffs)
    outputs = host.update(stored["id"], stored["urn"], stored["outputs"], checked)
    if key in outputs:
        assert outputs[key] == checked[key]
    id_, read, _ = host.read(stored["id"], stored["urn"], outputs, checked)
    assert id_ == stored["id"]
    assert read == outputs
    if kind == "DatabricksStagingCredentials":
        token = "sas_token" if door == "dynamic" else "sasToken"
        assert read[token] != stored["outputs"][token]  # the rotation reached the sandbox
    live[kind] = {**stored, "inputs": checked, "outputs": outputs}


@pytest.mark.parametrize("kind", DELETE_ORDER)
def test_delete_works(kind: str, host: ProviderHost, live: dict[str, Any],
                      emu: Emulator, door: str) -> None:
    """Delete of the stored state (dependents first) succeeds; the entities Flow Service
    deletes read back as gone (a dataflow: no longer stored, since Adobe's answer for a
    missing flow, 1439-404, is not proof of deletion by default)."""
    stored = live[kind]
    host.delete(stored["id"], stored["urn"], stored["outputs"])
    if kind == "Dataflow":
        assert stored["id"] not in {f["id"] for f in emu.flows(sandbox=wire.sandbox(door))}
    elif kind in REMOVED_ON_DELETE:
        id_, _, _ = host.read(stored["id"], stored["urn"], stored["outputs"], stored["inputs"])
        assert id_ == ""


def test_a_0_1_0_dataflow_without_a_delta_column_warns_and_keeps_working(
        door: str, host: ProviderHost, recorded: dict[str, Any]) -> None:
    """Check of the stored dataflow (no delta column: 0.1.0 did not require one) passes with a
    warning naming the requirement; the same inputs as a new dataflow fail, naming it."""
    stored = recorded["Dataflow"]
    assert "delta_column" not in stored["inputs"]
    assert "deltaColumn" not in stored["inputs"]
    _, failures = host.check(stored["urn"], stored["inputs"], stored["inputs"])
    assert failures == []
    name = "delta_column" if door == "dynamic" else "deltaColumn"
    said = host.wait_warning(f"this dataflow has no {name}", stored["urn"])
    assert "keeps working" in said
    _, failures = host.check(stored["urn"], {}, stored["inputs"])
    assert [prop for prop, _ in failures] == [name]
