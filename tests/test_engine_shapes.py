"""Refresh through both front doors against a Flow Service answering items of the wrong shape:
an UnexpectedAnswerError naming the id, never a Python traceback, never read as empty."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from provider.testing import ProviderHost
from provider.testing.engine import urn_for
from provider.testing.host import HostError
from tests.conftest import open_door
from tests.hostile import Answer, HostileServer, json_answer

FLOW = urn_for("orders-flow", kind="Dataflow")
SOURCE = urn_for("orders-source", kind="DatabricksSourceConnection")
TARGET = urn_for("orders-target", kind="DataLakeTargetConnection")
MAPPING = urn_for("orders-mapping", kind="MappingSet")
STATELESS_FLOW = urn_for("orders-flow-without-state", kind="Dataflow")
ID = "0f0e0d0c-0b0a-4909-8807-060504030201"

# One wrong shape per collection: where an object belongs, a string or a list, and a number
# that reads as a digit but not as an int.
WRONG: dict[str, dict[str, Any]] = {
    FLOW: {"id": ID, "name": "f", "etag": '"1"', "scheduleParams": "hourly",
           "transformations": [{"name": "Mapping", "params": {"mappingVersion": "\u00b2"}}]},
    SOURCE: {"id": ID, "name": "s", "etag": '"1"', "params": ["tableName"]},
    TARGET: {"id": ID, "name": "t", "etag": '"1"', "data": {"schema": "https://ns"}},
    MAPPING: {"id": ID, "version": 0, "outputSchema": "schema"},
    # Well formed but for its state: read as "disabled", the next `up` would send an enable.
    STATELESS_FLOW: {"id": ID, "name": "f", "etag": '"1"', "sourceConnectionIds": [ID],
                     "targetConnectionIds": [ID],
                     "flowSpec": {"id": "14518937-270c-4525-bdec-c2ba7cce3860", "version": "1.0"},
                     "scheduleParams": {"startTime": 1767225600, "frequency": "hour",
                                        "interval": 1}},
}
CURRENT: dict[str, str] = {}


def script(method: str, path: str) -> Answer:
    item = WRONG[CURRENT["urn"]]
    return json_answer(200, item if "mappingSets" in path else {"items": [item]})


@pytest.fixture(scope="module")
def host(door: str) -> Iterator[ProviderHost]:
    """The front door's host, configured against a server answering wrong shapes."""
    with HostileServer(script) as srv, open_door(door) as started:
        started.configure({"aep:clientId": "c", "aep:orgId": "org@AdobeOrg",
                           "aep:accessToken": "static-token-0123456789",
                           "aep:platformUrl": srv.url, "aep:imsUrl": srv.url,
                           "aep:sandboxName": "dev", "aep:allowInsecureHttp": "true"},
                          secret_keys=("aep:accessToken",))
        yield started


@pytest.mark.parametrize("urn", list(WRONG), ids=lambda u: u.rsplit(":", 1)[-1])
def test_refresh_of_a_wrong_shaped_item_is_an_unexpected_answer(host: ProviderHost,
                                                                urn: str) -> None:
    """A live item with a string where an object belongs (or '²' as a version) fails the
    refresh with the provider's message naming the id, not the AttributeError or ValueError of
    reading it."""
    CURRENT["urn"] = urn
    blob = host.provider_blob(urn)
    props = {"__provider": blob} if blob else {}
    with pytest.raises(HostError) as caught:
        host.read(ID, urn, props, {})
    last = caught.value.last_line
    assert "not in the shape Flow Service documents" in last
    assert ID in last
    assert "refresh of" in last
    assert "AttributeError:" not in caught.value.details
    assert "ValueError:" not in caught.value.details
