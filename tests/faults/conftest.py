"""Shared fixtures for the fault, soak, leak, bad-input and concurrency suites.

Everything runs through both front doors (Pulumi's dynamic provider host, ``ProviderHost``, and
the native plugin, ``PluginHost``; the ``door`` fixture) and the engine stand-in (``Engine``)
against the emulator, with faults injected between steps. The host is configured
with a fast retry budget (``aep:retryBaseDelay``) and a short attempt deadline
(``aep:timeoutSeconds``) so that retries and timeouts cost milliseconds, not seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from provider.auth import ImsTokenAuth
from provider.client import FlowServiceClient
from provider.emulator import Emulator
from provider.testing import Engine, ProviderHost, urn_for
from tests.conftest import flow_requests, open_door, stack_config
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)

Props = Callable[..., dict[str, Any]]
Declared = dict[str, dict[str, Any]]
SECRET_KEYS = ("aep:clientSecret",)
TOKEN_PATH = "/ims/token/v3"
# Retries in milliseconds; a 0.4 s attempt deadline so a 0.7 s emulator delay is a client
# timeout. These are real seconds (the host is another process: its clock cannot be injected),
# kept short so the timeout cases cost a fraction of a second each.
FAST: dict[str, str] = {
    "aep:retryAttempts": "6",
    "aep:retryMaxSeconds": "30",
    "aep:retryBaseDelay": "0.01",
    "aep:timeoutSeconds": "0.4",
}
TIMEOUT_DELAY = 0.7
# For tests about load rather than timeouts: under four threads or hundreds of operations on a
# busy 2-core machine a sound request can take over a second, which the 1 s timeout above would
# turn into an ambiguous failure.
PATIENT: dict[str, str] = {"aep:timeoutSeconds": "30"}
# The engine fixtures' host (tests/engine_fixtures.py) is configured with FAST in this folder.
HOST_CONFIG = FAST



@contextmanager
def started_host(emu: Emulator, door: str, host_cls: type[ProviderHost] | None = None,
                 secret_keys: tuple[str, ...] = SECRET_KEYS, **config: str
                 ) -> Iterator[ProviderHost]:
    """The host of front door ``door``, configured with FAST settings plus ``config``."""
    with open_door(door, cls=host_cls) as host:
        host.configure(stack_config(emu, **{**FAST, **config}), secret_keys=secret_keys)
        yield host


def declare(props: Props, sandbox: str, names: list[str], **changes: Any) -> Declared:
    """URN -> props for connections ``names`` in ``sandbox``."""
    return {urn_for(f"{sandbox}-{n}"): props(name=f"{sandbox}-{n}", sandbox_name=sandbox,
                                             **changes) for n in names}


def assert_converged(engine: Engine, emu: Emulator, sandbox: str, declared: Declared) -> None:
    """The emulator holds exactly the declared connections of ``sandbox``: one per resource
    (no duplicate, no orphan), with the declared values, the token included (no lost update),
    and state's id and etag match the live ones (the next update will not meet 412)."""
    live = {c["id"]: c for c in emu.connections(sandbox=sandbox)}
    in_state = {urn: e for urn, e in engine.state.items() if urn in declared}
    assert sorted(live) == sorted(e.id for e in in_state.values()), "orphan or missing"
    assert len(live) == len(declared)
    for urn, entry in in_state.items():
        want, got = declared[urn], live[entry.id]
        params = got["auth"]["params"]
        assert got["name"] == want["name"]
        assert got.get("description") == want.get("description")
        assert params["database"] == want["database"]
        assert params["clusterId"] == want["cluster_id"]
        assert params["accessToken"] == want["access_token"]
        assert entry.outputs["etag"] == got["etag"], f"{urn}: stale etag in state"


def token_requests(emu: Emulator) -> int:
    """How many IMS token requests the emulator answered (any status)."""
    return sum(1 for r in emu.requests if r.path.endswith(TOKEN_PATH))


def requests_by_method(emu: Emulator) -> dict[str, int]:
    """Flow Service requests served, per HTTP method."""
    counts: dict[str, int] = {}
    for record in flow_requests(emu):
        counts[record.method] = counts.get(record.method, 0) + 1
    return counts


def live_names(emu: Emulator, sandbox: str) -> list[str]:
    """Names of the connections stored in ``sandbox``, sorted."""
    return sorted(c["name"] for c in emu.connections(sandbox=sandbox))


def secret_free(texts: Mapping[str, str], secrets: Mapping[str, str]) -> list[str]:
    """``where: which`` for every secret found in any text (empty when nothing leaked)."""
    return [f"{where}: {which}" for where, text in texts.items()
            for which, value in secrets.items() if value and value in text]


def patch_elsewhere(emu: Emulator, sandbox: str, id_: str, etag: str,
                    ops: list[dict[str, Any]]) -> str:
    """An out-of-band edit, as someone in the AEP UI would make it; the new etag."""
    auth = ImsTokenAuth(emu.url, emu.client_id, emu.client_secret, "openid")
    client = FlowServiceClient(emu.url, org_id=emu.org_id, api_key=emu.client_id, auth=auth)
    return client.patch_connection(sandbox, id_, etag, ops).etag


def rename_elsewhere(emu: Emulator, sandbox: str, id_: str, etag: str,
                     name: str = "edited-elsewhere") -> str:
    """An out-of-band rename; the new etag."""
    return patch_elsewhere(emu, sandbox, id_, etag,
                           [{"op": "replace", "path": "/name", "value": name}])
