"""The engine-level fixtures, defined once: one emulator and one started host per test module
and front door, an ``engine`` over them, and a sandbox per test.

A module (or a conftest) that drives a host imports the ones it uses
(``from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401``) and tunes them
with module-level names (in the module, or in its folder's conftest) instead of redefining them:

- ``EMULATOR_OPTIONS``: keyword arguments of ``Emulator`` (default: every well-formed sandbox
  exists), or a callable ``(request) -> dict`` when they need another fixture (a clock);
- ``HOST_CONFIG``: extra ``stack_config`` keys or keyword arguments (``sandbox="pipe"``, ``FAST``);
- ``HOST_CLASS``: ``(door) -> ProviderHost subclass`` for a recording or scripted host;
- ``SECRET_KEYS``: the config keys the engine marks secret (default ``aep:clientSecret``).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost
from tests.conftest import ANY_SANDBOX, open_door, stack_config

_sandboxes = itertools.count(1)


def _module_value(request: pytest.FixtureRequest, name: str, default: Any) -> Any:
    """``name`` from the test module, else from its folder's conftest, else ``default``."""
    folder_conftest = request.path.parent / "conftest.py"
    conftest = next((m for m in list(sys.modules.values())
                     if getattr(m, "__file__", None) == str(folder_conftest)), None)
    value = getattr(request.module, name, getattr(conftest, name, default))
    return value(request) if name == "EMULATOR_OPTIONS" and callable(value) else value


@pytest.fixture(scope="module")
def emu(request: pytest.FixtureRequest, door: str) -> Iterator[Emulator]:
    """One emulator per module and front door, so each door's run starts from nothing."""
    options = {"sandboxes": ANY_SANDBOX, **_module_value(request, "EMULATOR_OPTIONS", {})}
    with Emulator(port=0, **options) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def host(request: pytest.FixtureRequest, emu: Emulator, door: str) -> Iterator[ProviderHost]:
    """The front door's host (Pulumi's dynamic provider host, or the native plugin), started as
    Pulumi starts it and configured like the engine."""
    make = _module_value(request, "HOST_CLASS", None)
    config = _module_value(request, "HOST_CONFIG", {})
    secret_keys = _module_value(request, "SECRET_KEYS", ("aep:clientSecret",))
    with open_door(door, cls=make(door) if make else None) as started:
        started.configure(stack_config(emu, **config), secret_keys=secret_keys)
        yield started


@pytest.fixture
def engine(host: ProviderHost, emu: Emulator) -> Iterator[Engine]:
    """Engine-like state over the module's host; faults and the request log start empty, and
    whatever the test left is destroyed with faults cleared."""
    emu.faults.clear()
    emu.clear_requests()
    eng = Engine(host)
    yield eng
    emu.faults.clear()
    if eng.state:
        eng.destroy()


@pytest.fixture
def sandbox(request: pytest.FixtureRequest) -> str:
    """A sandbox of this test's own, so its end state is easy to check."""
    prefix = getattr(request.module, "SANDBOX_PREFIX", "test")
    return f"{prefix}-{next(_sandboxes)}"
