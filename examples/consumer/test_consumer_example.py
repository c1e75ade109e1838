"""The consumer example's own tests, run against the aep-connections that is installed (CI: the
built wheel, in a fresh virtualenv outside the repository; here: the checkout). They need only
pytest and the package, no Pulumi CLI and no network:

- under Pulumi's mocks, the program declares one ``DatabricksBaseConnection`` from this stack's
  config, with the Databricks token kept secret, and exports its id;
- the ``__provider`` that program hands the engine is loaded by Pulumi's own dynamic provider
  host (``python -m pulumi.dynamic``, driven over gRPC as the engine drives it) and creates,
  refreshes and deletes that connection against the emulator shipped in the package.

Run: ``python -m pytest`` in this folder (after ``pip install pytest`` in its venv).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost, stack_config

PROGRAM = Path(__file__).with_name("__main__.py")
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's marker of a secret value
TYPE = "pulumi-python:dynamic/aep:DatabricksBaseConnection"
URN = f"urn:pulumi:dev::aep-consumer::{TYPE}::analytics"
# Documentation values (Pulumi.yaml's header), as a user sets them.
CONFIG = {
    "aep-consumer:databricksDomain": "https://adb-1234567890123456.7.azuredatabricks.net",
    "aep-consumer:databricksClusterId": "0123-456789-abcdefgh",
    "aep-consumer:databricksToken": "dapi-example-0123456789abcdef",
}


def run_program() -> tuple[list[dict[str, Any]], dict[str, tuple[Any, bool]]]:
    """The program under mocks (``mocked_run.py``, in a process of its own): what it
    registered, and its exports and the connection's ``access_token``, each as (value,
    whether secret)."""
    done = subprocess.run(
        [sys.executable, str(PROGRAM.with_name("mocked_run.py"))], check=True, text=True,
        capture_output=True, timeout=120,
        input=json.dumps({"config": CONFIG, "secret_keys": ["aep-consumer:databricksToken"]}))
    result = json.loads(done.stdout)
    return result["registered"], {k: (v[0], v[1]) for k, v in result["seen"].items()}


def test_the_program_declares_one_connection_from_the_stack_config() -> None:
    """One DatabricksBaseConnection with the config's domain and cluster, and its id exported."""
    registered, seen = run_program()
    [resource] = registered
    assert resource["type"] == TYPE
    assert resource["name"] == "analytics"
    assert resource["inputs"]["name"] == "analytics-lakehouse"
    assert resource["inputs"]["domain"] == CONFIG["aep-consumer:databricksDomain"]
    assert resource["inputs"]["cluster_id"] == CONFIG["aep-consumer:databricksClusterId"]
    assert resource["inputs"]["__provider"]  # the provider the engine's dynamic host loads
    assert seen["connectionId"] == ("example-id", False)


def test_the_token_is_a_secret_on_the_connection() -> None:
    """The Databricks token reaches the connection as the config's value, marked secret."""
    _, seen = run_program()
    assert seen["access_token"] == (CONFIG["aep-consumer:databricksToken"], True)


def plain(value: Any) -> Any:
    """A value as the engine sends it to the dynamic host, which accepts no secrets: a secret's
    envelope (how the mocks keep ``__provider`` and the token) unwrapped."""
    if isinstance(value, dict) and SECRET_SIG in value:
        return value["value"]
    return value


@pytest.fixture
def emulator() -> Any:
    """The emulator shipped in the package, on a free loopback port."""
    with Emulator(port=0, sandboxes=("dev",)) as emu:
        yield emu


def test_the_programs_provider_manages_the_connection_in_pulumis_dynamic_host(
        emulator: Emulator, tmp_path: Path) -> None:
    """The __provider the program made, in Pulumi's dynamic host configured as the engine does:
    one create, a refresh that sees no change, a delete that leaves the sandbox empty."""
    [resource], _ = run_program()
    inputs = {k: plain(v) for k, v in resource["inputs"].items() if k != "__provider"}
    # The host reads settings from the stack config only: AEP_* variables of the shell (CI
    # exports junk ones) must not stand in for them, as they would for a real stack.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}
    with ProviderHost(tmp_path, env=env) as host:
        host.configure(stack_config(emulator, sandbox="dev"), secret_keys=("aep:clientSecret",))
        engine = Engine(host, provider_blob=plain(resource["inputs"]["__provider"]))
        assert engine.up({URN: inputs}).steps == {URN: "create"}
        [made] = emulator.connections(sandbox="dev")
        assert made["name"] == "analytics-lakehouse"
        assert engine.state[URN].outputs["connection_id"] == made["id"]
        assert engine.refresh() == {URN: "same"}
        assert engine.preview({URN: inputs}).steps == {URN: "same"}
        engine.destroy()
    assert emulator.connections(sandbox="dev") == []
