"""Fixtures for the emulator's tests: a fresh emulator, clients of it, Adobe's spec."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from emulator_support import ADOBE_DOCUMENT_VARIABLES, ADOBE_DOCUMENTS, Api
from openapi_core import OpenAPI

from provider.emulator import Emulator, PipelineOptions
from tests.clocks import FakeClock


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator on a free loopback port."""
    with Emulator(port=0) as emulator:
        yield emulator


@pytest.fixture
def clock() -> FakeClock:
    """A pipeline clock before ``pipeline_support.START`` that moves only when told."""
    return FakeClock()


@pytest.fixture
def clocked_emu(clock: FakeClock) -> Iterator[Emulator]:
    """A fresh emulator whose pipeline runs on ``clock`` (modules alias it as ``emu``)."""
    with Emulator(pipeline=PipelineOptions(clock=clock)) as emulator:
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


def adobe_document(name: str) -> OpenAPI:
    """One of Adobe's OpenAPI 3 documents (``ADOBE_DOCUMENT_VARIABLES``), loaded for checking.

    Skipped (with the variable's name) when its variable is unset; a file that cannot be read
    fails. Adobe's server URLs are protocol-relative (``//{environment}.adobe.io/...``), which
    openapi-core cannot match, so the server becomes the https form of the same base; YAML keys
    written as bare numbers (Catalog's status codes) are read as the strings OpenAPI means, a
    parameter listed twice once, and null values are dropped.
    """
    variable, base = ADOBE_DOCUMENT_VARIABLES[name]
    path = ADOBE_DOCUMENTS[name]
    if not path:
        pytest.skip(f"{variable} is not set: no copy of Adobe's {name} document to check")
    document = _string_keys(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    document["servers"] = [{"url": f"https://platform.adobe.io{base}"}]
    return OpenAPI.from_dict(document)


def _string_keys(node: Any) -> Any:
    """Keys as strings, each parameter list without repeats and no null values (Catalog's
    document lists a header twice and writes `description: null`, which no validator accepts)."""
    if isinstance(node, dict):
        return {str(k): (_unique(_string_keys(v)) if k == "parameters" else _string_keys(v))
                for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_string_keys(v) for v in node]
    return node


def _unique(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    seen: list[Any] = []
    return [item for item in items if not (item in seen or seen.append(item))]


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    """Adobe's Flow Service (Sources) document (``AEP_OPENAPI_FLOW_SERVICE``, or the earlier
    ``AEP_OPENAPI_SPEC``), loaded once; skipped when unset."""
    return adobe_document("flow_service")


@pytest.fixture(scope="session")
def data_prep_openapi() -> OpenAPI:
    """Adobe's Data Prep document (``AEP_OPENAPI_DATA_PREP``), loaded once; skipped when unset."""
    return adobe_document("data_prep")


@pytest.fixture(scope="session")
def catalog_openapi() -> OpenAPI:
    """Adobe's Catalog document (``AEP_OPENAPI_CATALOG``), loaded once; skipped when unset."""
    return adobe_document("catalog")
