"""The baseline provider: what any dynamic provider costs in Pulumi's host, with no work of ours.

It lives in an importable module so that, like ``provider.resource``, it is pickled by reference
and the host imports it when it unpickles ``__provider``. It imports nothing but the SDK.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider

EMPTY_ID = "empty-0"


class EmptyProvider(ResourceProvider):
    """Create answers a fixed id and echoes the inputs as outputs: no HTTP, no validation.

    Echoing keeps the response the same size as a real provider's (outputs hold the inputs), so
    the host's own marshalling cost is in the baseline too.
    """

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Answer at once."""
        return CreateResult(EMPTY_ID, {k: v for k, v in props.items() if k != "__provider"})
