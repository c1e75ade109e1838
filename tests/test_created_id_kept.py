"""An id a create answered is kept when a later step of the create fails on IMS, not only on an
API error; and the plugin finds the engine's address behind a flag's value."""

from __future__ import annotations

from typing import Any

import pytest

from provider.diagnostics import engine_address
from provider.errors import AuthError
from provider.http.sender import Created, Patched
from provider.resources import base_connection, dataflow
from provider.resources.base import WARNING

IMS_DOWN = AuthError("IMS did not answer", reason="unreachable")


class CreatedThenImsDown:
    """A client whose create answers an id and whose next call meets IMS down."""

    def create_connection(self, sandbox: str, body: Any) -> Created:
        return Created("conn-1", '"e1"', 0)

    def request_json(self, *args: Any, **kwargs: Any) -> Any:
        raise IMS_DOWN

    def action(self, *args: Any, **kwargs: Any) -> Patched:
        raise IMS_DOWN


def test_connection_test_meeting_ims_down_carries_the_created_id() -> None:
    """The connection test after a create fails on IMS: the error names the connection made."""
    body = {"name": "sales", "__test_connection": True}
    with pytest.raises(AuthError) as caught:
        base_connection.create(CreatedThenImsDown(), "dev", body)  # type: ignore[arg-type]
    assert caught.value.created_id == "conn-1"


def test_disable_meeting_ims_down_keeps_the_flow_with_a_warning() -> None:
    """The disable after a create fails on IMS: the flow is kept (enabled) with a warning."""
    kept = dataflow.disable_after_create(
        CreatedThenImsDown(), "dev", Created("flow-1", '"e1"', 0), "orders")  # type: ignore[arg-type]
    assert kept.id == "flow-1"
    assert "enabled" in kept.extra[WARNING]


@pytest.mark.parametrize(("argv", "address"), [
    (["127.0.0.1:5555"], "127.0.0.1:5555"),
    (["--logtostderr", "-v=9", "--tracing", "http://127.0.0.1:4317", "127.0.0.1:5555"],
     "127.0.0.1:5555"),
])
def test_engine_address_is_the_last_positional_argument(argv: list[str], address: str) -> None:
    """A flag's value (--tracing <endpoint>) is never taken for the engine's address."""
    assert engine_address(argv) == address
