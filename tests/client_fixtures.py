"""Helpers shared by the auth and client tests (which run against the emulator on loopback)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from provider.emulator import Emulator
from provider.errors import UnexpectedAnswerError
from provider.http.auth import DEFAULT_SCOPES, ImsTokenAuth
from provider.http.client import BASE_PATH, FlowServiceClient, RetryPolicy
from tests.clocks import FakeTime

SPEC_ID = "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b"
ACCESS_TOKEN = "dapi-test-access-token-5f2b7c9e1d"
TOKEN_PATH = "/ims/token/v3"

# Fast but real retries: tiny backoff, generous time budget.
FAST = RetryPolicy(attempts=6, total_seconds=20.0, base_delay=0.01, max_delay=0.05)

def start_emulator(**kwargs: Any) -> Emulator:
    """A started emulator on an ephemeral loopback port (any well-formed sandbox exists)."""
    kwargs.setdefault("sandboxes", None)
    emu = Emulator(port=0, **kwargs)
    emu.start()
    return emu


def sandbox_for(node_name: str) -> str:
    """A sandbox name unique to a test, so tests never see each other's connections."""
    return re.sub(r"[^a-z0-9]+", "-", node_name.lower()).strip("-")[-60:].strip("-")


def ims_auth(emu: Emulator, **kwargs: Any) -> ImsTokenAuth:
    """Client-credentials auth against the emulator's IMS (waits between retries injected)."""
    kwargs.setdefault("sleep", FakeTime().sleep)
    return ImsTokenAuth(emu.url, emu.client_id, emu.client_secret, DEFAULT_SCOPES, **kwargs)


def make_client(emu: Emulator, *, auth: Any = None, **kwargs: Any) -> FlowServiceClient:
    """A client for the emulator with fast retries and an injected clock and sleep (no real
    wait between attempts) unless told otherwise."""
    kwargs.setdefault("retry", FAST)
    if "clock" not in kwargs and "sleep" not in kwargs:
        fake = FakeTime()
        kwargs.update(clock=fake.clock, sleep=fake.sleep)
    return FlowServiceClient(
        emu.url,
        org_id=emu.org_id,
        api_key=emu.client_id,
        auth=auth if auth is not None else ims_auth(emu),
        **kwargs,
    )


def databricks_body(
    name: str,
    *,
    domain: str = "https://adb-1234567890123456.7.azuredatabricks.net",
    cluster_id: str = "0123-456789-abcde",
    database: str = "acme",
    catalog: str | None = None,
    access_token: str = ACCESS_TOKEN,
) -> dict[str, Any]:
    """A Databricks create body as the model layer builds it."""
    params: dict[str, Any] = {
        "domain": domain,
        "clusterId": cluster_id,
        "accessToken": access_token,
        "database": database,
    }
    if catalog is not None:
        params["catalog"] = catalog
    return {
        "name": name,
        "description": "made by a test",
        "auth": {"specName": "Access Token Authentication", "params": params},
        "connectionSpec": {"id": SPEC_ID, "version": "1.0"},
    }


def flow_requests(emu: Emulator, sandbox: str | None = None) -> list[Any]:
    """The Flow Service requests the emulator served (optionally for one sandbox)."""
    return [
        r for r in emu.requests
        if r.path.startswith(BASE_PATH) and (sandbox is None or r.sandbox == sandbox)
    ]


def ims_requests(emu: Emulator) -> list[Any]:
    """The IMS token requests the emulator served."""
    return [r for r in emu.requests if r.path == TOKEN_PATH]


def count_connections(client: FlowServiceClient, sandbox: str,
                      filters: tuple[str, ...] = ()) -> int:
    """How many connections match all ``filters`` (``GET /connections?count=true``): one cheap
    Flow Service call."""
    params = [*(("property", f) for f in filters), ("count", "true")]
    count = client.request_json("GET", BASE_PATH, "/connections", sandbox, params=params)
    value = count.get("count")
    if not isinstance(value, int):
        raise UnexpectedAnswerError("GET", "/connections", 200, "the count answer has no count")
    return value


def source_reachable(client: FlowServiceClient, sandbox: str, id_: str) -> bool:
    """Whether Flow Service can reach the source of connection ``id_``
    (``GET /connections/{id}/test``; a 404 there proves nothing gone)."""
    return client.request_json("GET", BASE_PATH, f"/connections/{id_}/test",
                               sandbox).get("result") is True


def jwt_with(claims: object) -> str:
    """A JWT-shaped access token whose payload is ``claims`` (the signature is never checked)."""
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"
