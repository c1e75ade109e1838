"""The modules the HTTP layer left (provider.client, .auth, .retry, .transport, .responses) still
import, and hand out the very objects of provider.http, not copies."""

from __future__ import annotations

import importlib

import pytest

OLD_TO_NEW = {
    "provider.client": "provider.http.client",
    "provider.auth": "provider.http.auth",
    "provider.retry": "provider.http.retry",
    "provider.transport": "provider.http.transport",
    "provider.responses": "provider.http.answers",
}


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW.items(), ids=list(OLD_TO_NEW))
def test_an_old_path_re_exports_the_new_objects(old: str, new: str) -> None:
    """Every name an old module exports is the same object in its provider.http module."""
    shim, module = importlib.import_module(old), importlib.import_module(new)
    assert shim.__all__
    for name in shim.__all__:
        assert getattr(shim, name) is getattr(module, name), f"{old}.{name}"


def test_the_old_client_path_names_what_callers_import() -> None:
    """The names other modules and programs import from provider.client stay there."""
    from provider import client

    assert {"BASE_PATH", "Created", "FlowServiceClient", "Patched", "RetryPolicy"} <= set(
        client.__all__)
