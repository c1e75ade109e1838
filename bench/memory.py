"""Peak memory of the provider host process."""

from __future__ import annotations

from typing import Any

from bench.common import peak_rss_kib
from provider.testing import ProviderHost


def measure(host: ProviderHost, n: int) -> dict[str, Any]:
    """The host's ``VmHWM`` (peak resident set, KiB and MiB) after it handled ``n`` resources."""
    pid = host.process.pid if host.process is not None else None
    kib = peak_rss_kib(pid) if pid is not None else None
    return {"n": n, "vmhwm_kib": kib,
            "vmhwm_mib": round(kib / 1024, 1) if kib is not None else None}
