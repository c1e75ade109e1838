"""What every benchmark shares: the emulator and a configured host, declared resources, stats."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from provider import testing
from provider.emulator import Emulator, RecordedRequest
from provider.testing import PluginHost, ProviderHost, urn_for

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEYS = ("aep:clientSecret",)
SANDBOX = "bench"
FLOW_PREFIX = "/data/foundation/flowservice"
TOKEN_PATH = "/ims/token/v3"
# A syntactically valid Databricks token; the emulator stores it, nothing checks it.
DATABRICKS_TOKEN = "dapi-BENCHTOKEN-00112233445566778899aabbccddeeff"


def ignore_caller_settings(environ: MutableMapping[str, str]) -> list[str]:
    """Remove every ``AEP_*`` variable from ``environ``; return their names, sorted.

    The benchmarks measure the emulator they start, with its own credentials: an exported
    ``AEP_ACCESS_TOKEN`` or ``AEP_PLATFORM_URL`` (meant for a real sandbox) would otherwise reach
    every provider host the run starts.
    """
    names = sorted(name for name in environ if name.startswith("AEP_"))
    for name in names:
        del environ[name]
    return names


def stack_config(emu: Emulator) -> dict[str, str]:
    """The stack config that points the provider at ``emu``, in the benchmark's sandbox."""
    return testing.stack_config(emu, sandbox=SANDBOX)


def props(index: int, **changes: Any) -> dict[str, Any]:
    """Valid inputs for resource number ``index``, with overrides."""
    base: dict[str, Any] = {
        "name": f"bench-{index:04d}",
        "description": "Benchmark connection. owner: data-platform",
        "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
        "cluster_id": "0123-456789-abcde123",
        # One token per connection, as real stacks often have: the provider must not slow down
        # with the number of distinct secrets it knows (it once did, quadratically).
        "access_token": f"{DATABRICKS_TOKEN}-{index:04d}",
        "database": "acme-db",
        "sandbox_name": SANDBOX,
    }
    base.update(changes)
    return base


def declared(n: int, prefix: str = "bench", **changes: Any) -> dict[str, dict[str, Any]]:
    """``n`` resources as a program declares them: URN -> props."""
    return {urn_for(f"{prefix}-{i:04d}"): props(i, **changes) for i in range(n)}


@contextmanager
def configured_host(emu: Emulator, door: str = "dynamic") -> Iterator[ProviderHost]:
    """A fresh ``python -m pulumi.dynamic`` process (or, for ``door="plugin"``, the native
    plugin started as Pulumi's language host starts it), configured with ``stack_config(emu)``."""
    with (PluginHost() if door == "plugin" else ProviderHost(ROOT)) as host:
        host.configure(stack_config(emu), secret_keys=SECRET_KEYS)
        yield host


def bare_headers(emu: Emulator, session: Any, timeout: tuple[float, float]) -> dict[str, str]:
    """The headers a bare ``requests`` loop sends to Flow Service: one IMS token fetched with
    ``session``, then the same headers the client sends."""
    token = session.post(emu.url + TOKEN_PATH, timeout=timeout, data={
        "grant_type": "client_credentials", "client_id": emu.client_id,
        "client_secret": emu.client_secret, "scope": "openid",
    }).json()["access_token"]
    return {
        "Authorization": f"Bearer {token}",
        "x-api-key": emu.client_id,
        "x-gw-ims-org-id": emu.org_id,
        "x-sandbox-name": SANDBOX,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


@contextmanager
def emulator(latency: float = 0.0) -> Iterator[Emulator]:
    """A fresh emulator on loopback, adding ``latency`` seconds to every request when set."""
    emu = Emulator(port=0, sandboxes=[SANDBOX]).start()
    try:
        if latency:
            emu.faults.add(latency=latency)
        yield emu
    finally:
        emu.stop()


DATA_PREP_PREFIX = "/data/foundation/conversion"
COLLECTIONS = ("connections", "sourceConnections", "targetConnections", "flows", "mappingSets")


def request_kind(request: RecordedRequest) -> str:
    """``token``, ``create``, ``read``, ``update``, ``delete``, ``list`` or ``other``."""
    if request.path == TOKEN_PATH:
        return "token"
    for base in (FLOW_PREFIX, DATA_PREP_PREFIX):
        if request.path.startswith(base):
            rest = request.path[len(base):].rstrip("/")
            break
    else:
        return "other"
    parts = rest.split("/")
    if len(parts) == 2 and parts[1] in COLLECTIONS:
        return {"POST": "create", "GET": "list"}.get(request.method, "other")
    if len(parts) == 3 and parts[1] in COLLECTIONS:
        return {"GET": "read", "PATCH": "update", "PUT": "update",
                "DELETE": "delete"}.get(request.method, "other")
    return "other"


def count_kinds(requests: Sequence[RecordedRequest]) -> dict[str, int]:
    """How many of each ``request_kind`` (every kind present, zeros included)."""
    counts = dict.fromkeys(("token", "create", "read", "update", "delete", "list", "other"), 0)
    for request in requests:
        counts[request_kind(request)] += 1
    return counts


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action()`` took (wall clock)."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median(values: Sequence[float]) -> float:
    """The median, or 0.0 for no values."""
    return float(statistics.median(values)) if values else 0.0


def peak_rss_kib(pid: int) -> int | None:
    """``VmHWM`` (peak resident set) of process ``pid`` in KiB, or None if unreadable."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def rounded(values: Mapping[str, Any], digits: int = 4) -> dict[str, Any]:
    """``values`` with floats rounded for the JSON (ints and the rest unchanged)."""
    return {k: round(v, digits) if isinstance(v, float) else v for k, v in values.items()}
