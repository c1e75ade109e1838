"""The size of ``__provider``: what every resource carries in state (encrypted, as a secret)."""

from __future__ import annotations

from typing import Any

from provider.testing import serialized_provider
from provider.testing.host import decode_provider

TARGET_BYTES = 1024


def measure() -> dict[str, Any]:
    """Length of the base64 value in state and of the pickle inside it, in bytes."""
    blob = serialized_provider()
    raw = decode_provider(blob)
    return {"base64_bytes": len(blob.encode()), "pickle_bytes": len(raw),
            "by_reference": b"provider.resource" in raw, "target_bytes": TARGET_BYTES}
