"""Fixtures for the emulator's tests: a fresh emulator, clients of it, Adobe's spec."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from emulator_support import ADOBE_SPEC, BASE, Api
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
    """Adobe's Flow Service (Sources) spec from ``AEP_OPENAPI_SPEC``, loaded once.

    Without the variable the tests that use it are skipped (the project's own document,
    ``provider/emulator/openapi.yaml``, is checked on every exchange anyway); set to a file that
    cannot be read, they fail. Its server URL is protocol-relative (``//{environment}.adobe.io/
    ...``), which openapi-core cannot match, so the tests give it the https form of the same base.
    """
    if not ADOBE_SPEC:
        pytest.skip("AEP_OPENAPI_SPEC is not set: no copy of Adobe's OpenAPI document to check")
    document = yaml.safe_load(Path(ADOBE_SPEC).read_text(encoding="utf-8"))
    document["servers"] = [{"url": f"https://platform.adobe.io{BASE}"}]
    return OpenAPI.from_dict(document)
