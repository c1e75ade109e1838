"""The lifecycle core over entities that are not plain Flow Service CRUD (a fake client)."""

from __future__ import annotations

from typing import Any

import pytest

from provider.client import Created, Patched
from provider.lifecycle import Lifecycle
from provider.pipeline_api import DATAFLOW_API, MAPPING_SET_API

SCHEMA = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"
RULES = [{"source": "a", "destination": "x.a", "source_type": "ATTRIBUTE"}]


class FakeClient:
    """Records each call; answers as Flow Service and Data Prep would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def create(self, coll: Any, sandbox: str, body: Any) -> Created:
        self.calls.append(("create", coll.path))
        return Created("id-1", "0" if coll.path == "/mappingSets" else '"e1"', 0)

    def replace(self, coll: Any, sandbox: str, id_: str, body: Any, *, applied: Any,
                read_params: Any = ()) -> Patched:
        self.calls.append(("replace", body["mappings"][0]["destination"]))
        return Patched("1", 0)

    def patch(self, coll: Any, sandbox: str, id_: str, etag: str, ops: Any, *,
              applied: Any = None) -> Patched:
        self.calls.append(("patch", [op["path"] for op in ops]))
        return Patched('"e2"', 0)

    def action(self, coll: Any, sandbox: str, id_: str, op: str, etag: str | None = None, *,
               applied: Any = None) -> Patched:
        self.calls.append(("action", (op, etag)))
        return Patched('"e3"', 0)


def core(api: Any) -> tuple[Lifecycle, FakeClient]:
    """A lifecycle of ``api`` over a fake client."""
    client = FakeClient()
    return Lifecycle(client, "dev", api=api), client  # type: ignore[arg-type]


def test_mapping_set_create_update_delete() -> None:
    """Create gives version 0; an update is one PUT giving version 1; delete calls nothing and
    writes its notice to stderr."""
    lifecycle, client = core(MAPPING_SET_API)
    made = lifecycle.create({"schema_id": SCHEMA, "mappings": RULES, "sandbox_name": "dev"})
    assert made.outputs["version"] == 0
    changed = [{**RULES[0], "destination": "x.b"}]
    done = lifecycle.update("id-1", made.outputs, {**made.outputs, "mappings": changed})
    assert done.outputs["version"] == 1
    assert client.calls == [("create", "/mappingSets"), ("replace", "x.b")]


def test_mapping_set_delete_notice(capsys: pytest.CaptureFixture[str]) -> None:
    """Deleting a mapping set makes no call and says so on stderr."""
    lifecycle, client = core(MAPPING_SET_API)
    notice = lifecycle.delete("id-1", {"sandbox_name": "dev"})
    assert notice is not None
    assert client.calls == []
    assert capsys.readouterr().err == f"warning: {notice}\n"


def test_unchanged_update_sends_nothing() -> None:
    """An update with nothing to send makes no call and keeps the outputs."""
    lifecycle, client = core(MAPPING_SET_API)
    outs = {"schema_id": SCHEMA, "mappings": RULES, "sandbox_name": "dev",
            "mapping_set_id": "id-1", "version": 3}
    assert lifecycle.update("id-1", outs, dict(outs)).outputs["version"] == 3
    assert client.calls == []


def test_dataflow_patch_then_action_with_the_new_etag() -> None:
    """A rename and a disable: one PATCH, then the action with the PATCH's etag; state
    follows."""
    lifecycle, client = core(DATAFLOW_API)
    olds = {"name": "f", "source_connection_id": "s", "target_connection_id": "t",
            "schedule": {"start_time": 1, "frequency": "hour", "interval": 1},
            "enabled": True, "state": "enabled", "etag": '"e1"', "flow_id": "id-1",
            "sandbox_name": "dev"}
    news = {**olds, "name": "g", "enabled": False}
    done = lifecycle.update("id-1", olds, news)
    assert client.calls == [("patch", ["/name"]), ("action", ("disable", '"e2"'))]
    assert done.outputs["state"] == "disabled"
    assert done.outputs["etag"] == '"e3"'


def test_dataflow_created_disabled() -> None:
    """A dataflow declared disabled is created, then disabled with the create's etag."""
    lifecycle, client = core(DATAFLOW_API)
    done = lifecycle.create({"name": "f", "source_connection_id": "s",
                             "target_connection_id": "t", "enabled": False,
                             "schedule": {"start_time": 1, "frequency": "once"},
                             "sandbox_name": "dev"})
    assert client.calls == [("create", "/flows"), ("action", ("disable", '"e1"'))]
    assert done.outputs["state"] == "disabled"


def test_failed_disable_after_create_keeps_the_flow_enabled_in_state() -> None:
    """If disabling a new flow fails, the flow is kept (not orphaned) with enabled=true in
    state, so the next preview shows the disable still to do."""
    from provider.errors import ApiError

    class Refusing(FakeClient):
        def action(self, *args: Any, **kwargs: Any) -> Patched:
            raise ApiError("POST", "/flows/id-1/action", 500, "down")

    client = Refusing()
    lifecycle = Lifecycle(client, "dev", api=DATAFLOW_API)  # type: ignore[arg-type]
    done = lifecycle.create({"name": "f", "source_connection_id": "s",
                             "target_connection_id": "t", "enabled": False,
                             "schedule": {"start_time": 1, "frequency": "once"},
                             "sandbox_name": "dev"})
    assert done.id == "id-1"
    assert done.outputs["state"] == "enabled"
    assert done.outputs["enabled"] is True
    found = lifecycle.diff(done.outputs, {**done.outputs, "enabled": False})
    assert found.changed == ("enabled",)
    assert found.replaces == ()
