"""Shared fixtures: an emulator on loopback, a provider configured against it, valid inputs.

Two autouse guards keep every test hermetic (the live test, marked ``live``, is the only
exception): the caller's ``AEP_*`` variables are removed, any connection to an address other
than loopback fails the test (``network_guard.py``), and every exchange with an emulator is
validated against the project's OpenAPI document (``openapi_contract.py``). A third, for the
whole run, fails it if any process it started is still running at the end
(``process_guard.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from network_guard import loopback_only
from openapi_contract import validating_exchanges
from process_guard import leftover_processes
from pulumi.dynamic import Config, ConfigureRequest

from provider.emulator import Emulator
from provider.resource import DatabricksBaseConnectionProvider
from provider.testing import PluginHost, ProviderHost, stack_config

ROOT = Path(__file__).resolve().parents[1]
__all__ = ["ANY_SANDBOX", "DOORS", "ROOT", "TOKEN", "configured", "flow_requests", "open_door",
           "stack_config"]

# Distinctive values, so a leak of any of them is easy to find in any text.
TOKEN = "dapi-TESTTOKEN-0f1e2d3c4b5a69788796a5b4c3d2e1f0"


# The two front doors every engine-level scenario runs through: Pulumi's dynamic provider host
# and the native plugin, each started as Pulumi starts it.
DOORS = ("dynamic", "plugin")


def open_door(door: str, *, env: dict[str, str] | None = None,
              cls: type[ProviderHost] | None = None) -> ProviderHost:
    """The (not yet started) host of front door ``door``; ``cls`` a subclass to use instead."""
    if cls is None:
        cls = PluginHost if door == "plugin" else ProviderHost
    if issubclass(cls, PluginHost):
        return cls(env=env)
    return cls(ROOT, env=env)


@pytest.fixture(scope="module", params=DOORS)
def door(request: pytest.FixtureRequest) -> str:
    """The front door under test: each engine-level module runs once per door."""
    return str(request.param)


# The caller's AEP_* variables, kept aside for the whole session (live tests get them back).
_CALLERS_AEP: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _no_callers_aep() -> Iterator[None]:
    """The caller's ``AEP_*`` variables are gone for the whole session, before any module- or
    session-scoped fixture starts a provider host (which would inherit them as settings)."""
    _CALLERS_AEP.update({k: v for k, v in os.environ.items() if k.startswith("AEP_")})
    for key in _CALLERS_AEP:
        del os.environ[key]
    yield
    os.environ.update(_CALLERS_AEP)


@pytest.fixture(autouse=True)
def _hermetic(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ``AEP_*`` variable of the caller's and no network beyond loopback, except live tests."""
    if request.node.get_closest_marker("live") is not None:
        for key, value in _CALLERS_AEP.items():
            monkeypatch.setenv(key, value)
        yield
        return
    for key in [k for k in os.environ if k.startswith("AEP_")]:
        monkeypatch.delenv(key)
    with loopback_only(monkeypatch) as attempts, validating_exchanges(monkeypatch) as broken:
        yield
    assert not attempts, f"the test tried to reach the network beyond loopback: {attempts}"
    assert not broken, "exchanges with the emulator broke provider/emulator/openapi.yaml:\n" + (
        "\n".join(broken)
    )


@pytest.fixture(scope="session", autouse=True)
def _no_process_left_behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """When the run ends, no process it started still runs: no child of pytest, and no process
    naming the run's temporary directory (a background emulator started by `make up`)."""
    yield
    marker = f"{tmp_path_factory.getbasetemp()}{os.sep}"
    left = leftover_processes(os.getpid(), marker)
    assert not left, "processes the test run started are still running:\n" + "\n".join(left)


# Tests outside tests/emulator keep apart by sandbox names of their own, so their emulators let
# every well-formed sandbox exist; tests/emulator holds the default set and the 2101-404.
ANY_SANDBOX = None


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh emulator on a free loopback port, for one test."""
    with Emulator(port=0, sandboxes=ANY_SANDBOX) as emu:
        yield emu


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for a whole test module (its tests keep apart by sandbox or clear its log).

    Modules that need other emulator options define their own ``emu``.
    """
    with Emulator(port=0, sandboxes=ANY_SANDBOX) as emulator:
        yield emulator


def configured(config: dict[str, str]) -> DatabricksBaseConnectionProvider:
    """A provider after ``configure()`` with ``config``, as the host makes it."""
    provider = DatabricksBaseConnectionProvider()
    provider.configure(ConfigureRequest(Config(config, project_name="aep-connections")))
    return provider


@pytest.fixture
def provider(emulator: Emulator) -> DatabricksBaseConnectionProvider:
    """A provider configured against the emulator."""
    return configured(stack_config(emulator))


@pytest.fixture
def props() -> Callable[..., dict[str, Any]]:
    """Valid resource inputs, with overrides."""

    def make(**changes: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "name": "sales-databricks",
            "description": "Sales lakehouse. owner: data-platform",
            "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
            "cluster_id": "0123-456789-abcde123",
            "access_token": TOKEN,
            "database": "acme-db",
            "sandbox_name": "dev",
        }
        base.update(changes)
        return {k: v for k, v in base.items() if v is not None}

    return make


def flow_requests(emu: Emulator) -> list[Any]:
    """The Flow Service requests the emulator served (IMS token requests left out)."""
    return [r for r in emu.requests if "/ims/" not in r.path]
