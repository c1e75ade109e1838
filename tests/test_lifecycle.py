"""The framework-neutral lifecycle core, called directly with plain values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.errors import ConfigurationError
from provider.lifecycle import UNKNOWN, Lifecycle
from tests.conftest import TOKEN, flow_requests, stack_config

Props = Callable[..., dict[str, Any]]


def core_for(emu: Emulator, **extra: str) -> Lifecycle:
    """A lifecycle configured against ``emu``, with no environment."""
    config = stack_config(emu, **extra)
    core, _ = Lifecycle.from_config(config.get, {})
    return core


def test_check_fills_the_default_sandbox_and_trims_the_domain(emu: Emulator,
                                                               props: Props) -> None:
    """Check fills sandbox_name from aep:sandboxName and drops a trailing '/', with no request."""
    emu.clear_requests()
    declared = props(sandbox_name=None)
    declared["domain"] += "/"
    checked = core_for(emu, sandbox="qa").check(declared)
    assert checked.failures == []
    assert checked.inputs["sandbox_name"] == "qa"
    assert not checked.inputs["domain"].endswith("/")
    assert emu.requests == []


def test_check_reports_configuration_errors_under_aep() -> None:
    """Each missing credential is a failure of the 'aep' namespace naming its key (one failure
    per key since issue #23; it was one failure naming them all)."""
    core, settings = Lifecycle.from_config({}.get, {})
    assert settings is None
    reasons = [reason for path, reason in core.check({}).failures if path == "aep"]
    assert [r.split(" ", 1)[0] for r in reasons] == ["aep:clientId", "aep:orgId",
                                                     "aep:clientSecret"]
    with pytest.raises(ConfigurationError):
        core.create({"name": "x", "sandbox_name": "dev"})


def test_diff_kinds_per_property() -> None:
    """Each changed input gets a kind; the sandbox replaces; unknown news count as changes."""
    olds = {"name": "a", "catalog": "c", "sandbox_name": "dev", "database": "d"}
    news = {"name": "b", "description": "new", "sandbox_name": "prod", "database": UNKNOWN}
    core = Lifecycle(None, None)
    found = core.diff(olds, news)
    assert found.kinds == {"sandbox_name": "update-replace", "name": "update",
                           "description": "add", "database": "update", "catalog": "delete"}
    assert found.replaces == ("sandbox_name",)
    assert "domain" in found.stables
    assert "name" not in found.stables
    assert core.diff(olds, olds).kinds == {}


def test_preview_outcomes_mark_unknown_outputs(props: Props) -> None:
    """Preview create knows the inputs only; preview update knows all but etag and time."""
    core = Lifecycle(None, None)
    created = core.preview_create(props())
    assert created.outputs["connection_id"] == UNKNOWN
    assert created.outputs["name"] == props()["name"]
    olds = {**props(), "connection_id": "abc", "etag": "e1", "created_at": "t0",
            "updated_at": "t0", "state": "enabled"}
    updated = core.preview_update(olds, props(database="w"))
    assert (updated.id, updated.outputs["database"]) == ("abc", "w")
    assert (updated.outputs["etag"], updated.outputs["updated_at"]) == (UNKNOWN, UNKNOWN)
    assert updated.outputs["created_at"] == "t0"


def test_read_with_id_only_imports_from_the_provider_sandbox(emu: Emulator,
                                                             props: Props) -> None:
    """Read with no properties reads in aep:sandboxName and returns every input but the token."""
    core = core_for(emu, sandbox="imports")
    made = core.create(props(sandbox_name="imports"))
    emu.clear_requests()
    found = core.read(made.id, {})
    assert found.id == made.id
    assert "access_token" not in found.inputs
    assert found.inputs["sandbox_name"] == "imports"
    assert found.inputs["cluster_id"] == props()["cluster_id"]
    assert TOKEN not in repr(found)
    assert [r.method for r in flow_requests(emu)] == ["GET"]
    core.delete(made.id, made.outputs)
    assert core.read(made.id, {}).id == ""


def test_results_never_show_their_values_in_a_repr() -> None:
    """Created/Patched extras, an Outcome's outputs and inputs and Checked inputs carry the SAS
    token or the access token: their repr (a test failure, a debugger, a log) shows neither."""
    from provider.client import Created, Patched
    from provider.lifecycle import Checked, Outcome

    secret = "sv=2020-10-02&sig=red-team-secret"
    shown = [repr(Created("id", "e", 0, extra={"sas_token": secret})),
             repr(Patched("e", 0, extra={"sas_uri": secret})),
             repr(Outcome("id", {"spark_conf": {"k": secret}}, {"access_token": secret})),
             repr(Checked({"access_token": secret}, []))]
    assert all("red-team-secret" not in text for text in shown)
