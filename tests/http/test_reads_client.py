"""The client's shared reads against the emulator: what a listing serves is held like a GET, and
never served across credentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from provider.emulator import Emulator
from provider.endpoints import CONNECTIONS
from provider.http.auth import StaticTokenAuth
from provider.http.sender import held_ids
from tests.client_fixtures import databricks_body, ims_auth, make_client, start_emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for the module."""
    emulator = start_emulator()
    yield emulator
    emulator.stop()


def _listings(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "GET" and r.path.split("?")[0]
               .rstrip("/").endswith("/connections"))


def _made_elsewhere(emu: Emulator, sandbox: str, name: str) -> str:
    """A connection created by another process (plain HTTP: nothing of this one holds it)."""
    answer = requests.post(
        f"{emu.url}/data/foundation/flowservice/connections", json=databricks_body(name),
        headers={"Authorization": f"Bearer {ims_auth(emu).token()}", "x-api-key": emu.client_id,
                 "x-gw-ims-org-id": emu.org_id, "x-sandbox-name": sandbox}, timeout=10)
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()["id"])


def test_an_item_served_from_the_listing_is_held(emu: Emulator, sandbox: str) -> None:
    """A read answered by the shared listing holds the id as its own GET would, so a lost
    create's lookup can never take it for the item it made."""
    client = make_client(emu)
    ids = [_made_elsewhere(emu, sandbox, f"h{i}") for i in range(3)]
    assert ids[1] not in held_ids
    emu.clear_requests()
    client.get(CONNECTIONS, sandbox, ids[0])
    client.get(CONNECTIONS, sandbox, ids[1])
    assert _listings(emu) == 1  # the second read came from the listing
    assert ids[1] in held_ids


def test_another_credential_never_gets_this_ones_listing(emu: Emulator, sandbox: str) -> None:
    """Same API key, another token: its reads list for themselves (a token with other access
    labels may see other items)."""
    first = make_client(emu)
    ids = [first.create(CONNECTIONS, sandbox, databricks_body(f"c{i}")).id for i in range(3)]
    token = ims_auth(emu).token()
    other = make_client(emu, auth=StaticTokenAuth(token))
    emu.clear_requests()
    first.get(CONNECTIONS, sandbox, ids[0])
    first.get(CONNECTIONS, sandbox, ids[1])
    other.get(CONNECTIONS, sandbox, ids[0])
    other.get(CONNECTIONS, sandbox, ids[1])
    assert _listings(emu) == 2
