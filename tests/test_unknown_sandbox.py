"""A sandbox the org does not have (the emulator's 2101-404) is a sandbox error, never "gone"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.errors import ApiError, NotFoundError
from tests.conftest import configured, stack_config


@pytest.fixture
def known_sandboxes_only() -> Iterator[Emulator]:
    """An emulator with its default sandboxes (prod, dev): any other name answers 2101-404."""
    with Emulator(port=0) as emu:
        yield emu


def test_refresh_in_an_unknown_sandbox_keeps_the_resource(
    known_sandboxes_only: Emulator, props: Callable[..., dict[str, Any]]
) -> None:
    """Refresh with a mistyped sandbox raises an error naming it; it does not drop the state."""
    provider = configured(stack_config(known_sandboxes_only))
    outs = {**props(sandbox_name="staging"), "connection_id": "abc"}
    with pytest.raises(ApiError) as caught:
        provider.read("abc", outs)
    assert not isinstance(caught.value, NotFoundError)
    assert "2101-404" in str(caught.value)
    assert "staging" in str(caught.value)


def test_create_in_an_unknown_sandbox_makes_nothing(
    known_sandboxes_only: Emulator, props: Callable[..., dict[str, Any]]
) -> None:
    """Create in a sandbox that does not exist fails with the sandbox error and stores nothing."""
    provider = configured(stack_config(known_sandboxes_only))
    with pytest.raises(ApiError, match="staging"):
        provider.create(props(sandbox_name="staging"))
    assert known_sandboxes_only.connections(sandbox="staging") == []
