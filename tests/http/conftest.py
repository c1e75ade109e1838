"""Fixtures the HTTP layer's tests share."""

from __future__ import annotations

import pytest

from tests.client_fixtures import sandbox_for


@pytest.fixture
def sandbox(request: pytest.FixtureRequest) -> str:
    """A sandbox of this test's own (named after it), so tests never see each other's items."""
    return sandbox_for(request.node.name)
