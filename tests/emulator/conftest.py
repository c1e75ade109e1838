"""Fixtures for the emulator's tests: a fresh emulator, clients of it, Adobe's spec."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import yaml
from emulator_support import BASE, SPEC_FILE, Api
from openapi_core import OpenAPI

from provider.emulator import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator on a free loopback port."""
    with Emulator(port=0) as emulator:
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Iterator[Api]:
    """A client of ``emu`` in the prod sandbox of the demo org."""
    client = Api(emu)
    yield client
    client.session.close()


@pytest.fixture
def make_api(emu: Emulator) -> Iterator[Callable[..., Api]]:
    """Build clients of ``emu`` for other sandboxes or orgs."""
    made: list[Api] = []

    def make(sandbox: str | None = "prod", org: str | None = None) -> Api:
        made.append(Api(emu, sandbox, org))
        return made[-1]

    yield make
    for client in made:
        client.session.close()


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    """Adobe's Flow Service (Sources) spec, loaded once.

    Its server URL is protocol-relative (``//{environment}.adobe.io/...``), which openapi-core
    cannot match, so the tests give it the https form of the same base.
    """
    document = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    document["servers"] = [{"url": f"https://platform.adobe.io{BASE}"}]
    return OpenAPI.from_dict(document)
