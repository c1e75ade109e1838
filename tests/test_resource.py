"""The provider hooks, called directly, against the emulator."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import pytest

from provider import model
from provider.auth import ImsTokenAuth
from provider.client import RetryPolicy
from provider.emulator import Emulator
from provider.emulator.handler import EmulatorHandler
from provider.errors import ConfigurationError, ConflictError, InUseError
from provider.resource import DatabricksBaseConnectionProvider
from provider.testing import serialized_provider
from tests.client_fixtures import databricks_body, make_client
from tests.conftest import TOKEN, configured, flow_requests, stack_config

Props = Callable[..., dict[str, Any]]


def create(provider: DatabricksBaseConnectionProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.create(props)
    assert result.outs is not None
    assert result.id == result.outs["connection_id"]
    return result.outs


# -- check -------------------------------------------------------------------------------------


def test_check_accepts_good_inputs_without_any_request(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Valid inputs pass check and no HTTP request is made."""
    result = provider.check({}, props())
    assert result.failures == []
    assert emulator.requests == []


def test_check_defaults_sandbox_from_stack_config(
        provider: DatabricksBaseConnectionProvider, props: Props) -> None:
    """A missing sandbox_name is taken from aep:sandboxName."""
    result = provider.check({}, props(sandbox_name=None))
    assert result.failures == []
    assert result.inputs["sandbox_name"] == "dev"


def test_check_drops_trailing_slash_of_domain(
        provider: DatabricksBaseConnectionProvider, props: Props) -> None:
    """A domain given with a trailing slash is stored without it (no spurious diffs)."""
    url = "https://adb-1234567890123456.7.azuredatabricks.net"
    assert provider.check({}, props(domain=url + "/")).inputs["domain"] == url


def test_check_reports_bad_inputs_per_property(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Each bad property is one failure naming it; still no request."""
    result = provider.check({}, props(domain="http://example.com", sandbox_name="Prod"))
    assert sorted(f.property for f in result.failures) == ["domain", "sandbox_name"]
    assert emulator.requests == []


def test_check_reports_missing_credentials_at_preview(props: Props) -> None:
    """Missing provider credentials fail check, one failure per key to set (since issue #23;
    it was one failure naming them all)."""
    provider = configured({})
    result = provider.check({}, props())
    assert [f.property for f in result.failures] == ["aep", "aep", "aep"]
    assert "aep:clientId" in result.failures[0].reason


# -- create --------------------------------------------------------------------------------------


def test_create_posts_adobe_body_once(provider: DatabricksBaseConnectionProvider, props: Props,
                                      emulator: Emulator) -> None:
    """Create is one POST with the Databricks spec and returns id, etag and timestamps."""
    outs = create(provider, props())
    posts = flow_requests(emulator)
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in posts] == [("POST", "connections")]
    body = posts[0].body
    assert body["connectionSpec"] == {"id": model.SPEC_ID, "version": "1.0"}
    assert body["auth"]["specName"] == "Access Token Authentication"
    assert TOKEN not in repr(body)
    stored = emulator.connections(sandbox="dev")
    assert len(stored) == 1
    assert stored[0]["auth"]["params"]["accessToken"] == TOKEN
    assert outs["etag"] == stored[0]["etag"]
    assert outs["etag"].startswith('"')
    assert outs["access_token"] == TOKEN
    assert outs["created_at"].endswith("Z")
    assert outs["state"] == "enabled"


def test_create_failure_names_the_connection(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """An API error on create says which connection, in which sandbox, and why."""
    emulator.faults.add(status=500, times=None, method="POST")
    assert provider._client is not None
    provider._client.retry = RetryPolicy(attempts=2, total_seconds=5, base_delay=0.01,
                                         max_delay=0.02)
    with pytest.raises(Exception, match="create of Databricks connection 'sales-databricks' "
                                        "in sandbox 'dev' failed") as caught:
        provider.create(props())
    assert caught.value.__traceback__ is not None
    assert TOKEN not in str(caught.value)


# -- read ------------------------------------------------------------------------------------------


def test_read_maps_live_values_and_keeps_token(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Refresh sees an out-of-band rename, keeps the masked token from state."""
    outs = create(provider, props())
    client = provider._client
    assert client is not None
    client.patch_connection("dev", outs["connection_id"], outs["etag"],
                            [{"op": "replace", "path": "/name", "value": "renamed-in-ui"}])
    result = provider.read(outs["connection_id"], outs)
    assert result.id == outs["connection_id"]
    assert result.inputs is not None
    assert result.outs is not None
    assert result.inputs["name"] == "renamed-in-ui"
    assert result.inputs["access_token"] == TOKEN
    assert result.outs["etag"] != outs["etag"]
    assert "****" not in result.outs.values()


def test_read_of_deleted_connection_drops_it(
        provider: DatabricksBaseConnectionProvider, props: Props) -> None:
    """A connection deleted outside Pulumi reads as gone (empty id)."""
    outs = create(provider, props())
    assert provider._client is not None
    provider._client.delete_connection("dev", outs["connection_id"])
    result = provider.read(outs["connection_id"], outs)
    assert result.id == ""
    assert result.outs == {}


def test_read_after_create_gives_a_clean_diff(
        provider: DatabricksBaseConnectionProvider, props: Props) -> None:
    """Inputs from refresh equal the declared ones: the next preview shows nothing."""
    declared = props(catalog="main")
    outs = create(provider, declared)
    result = provider.read(outs["connection_id"], outs)
    assert result.outs is not None
    assert provider.diff(outs["connection_id"], result.outs, declared).changes is False


# -- diff ------------------------------------------------------------------------------------------


def test_diff_table_through_the_hook(provider: DatabricksBaseConnectionProvider,
                                     props: Props) -> None:
    """No change -> no diff; sandbox change -> replace; other change -> update."""
    outs = model.outputs(props(), id_="c", etag='"e"', state="enabled", created_ms=0,
                         updated_ms=0)
    assert provider.diff("c", outs, props()).changes is False
    replace = provider.diff("c", outs, props(sandbox_name="prod"))
    assert (replace.changes, replace.replaces) == (True, ["sandbox_name"])
    update = provider.diff("c", outs, props(database="other"))
    assert (update.changes, update.replaces) == (True, [])


# -- update ----------------------------------------------------------------------------------------


def test_update_is_one_patch_with_the_state_etag(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Update sends one PATCH with If-Match = the etag in state, and outputs the new etag."""
    outs = create(provider, props())
    emulator.clear_requests()
    news = props(description=None, database="warehouse")
    result = provider.update(outs["connection_id"], outs, news)
    requests = flow_requests(emulator)
    assert [r.method for r in requests] == ["PATCH"]
    assert requests[0].headers["if-match"] == outs["etag"]
    ops = requests[0].body
    assert {op["path"] for op in ops} == {"/description", "/auth/params"}
    stored = emulator.connections(sandbox="dev")[0]
    assert stored["auth"]["params"]["database"] == "warehouse"
    assert "description" not in stored
    assert result.outs is not None
    assert result.outs["etag"] == stored["etag"]
    assert result.outs["created_at"] == outs["created_at"]


def test_update_with_stale_etag_overwrites_nothing(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """A change made outside Pulumi is caught by the etag and the error says to refresh."""
    outs = create(provider, props())
    assert provider._client is not None
    provider._client.patch_connection("dev", outs["connection_id"], outs["etag"],
                                      [{"op": "replace", "path": "/name", "value": "ui-edit"}])
    with pytest.raises(ConflictError, match="pulumi refresh") as caught:
        provider.update(outs["connection_id"], outs, props(database="warehouse"))
    assert "sales-databricks" in str(caught.value)
    stored = emulator.connections(sandbox="dev")[0]
    assert stored["name"] == "ui-edit"
    assert stored["auth"]["params"]["database"] == "acme-db"


def test_update_of_provider_only_input_sends_nothing(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Changing only adopt_existing makes no request and keeps the outputs."""
    outs = create(provider, props())
    emulator.clear_requests()
    result = provider.update(outs["connection_id"], outs, props(adopt_existing=True))
    assert flow_requests(emulator) == []
    assert result.outs is not None
    assert result.outs["etag"] == outs["etag"]
    assert result.outs["adopt_existing"] is True


# -- delete ----------------------------------------------------------------------------------------


def test_delete_removes_and_tolerates_already_gone(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Delete removes the connection; deleting it again is not an error."""
    outs = create(provider, props())
    provider.delete(outs["connection_id"], outs)
    assert emulator.connections(sandbox="dev") == []
    provider.delete(outs["connection_id"], outs)


def test_delete_in_use_says_what_to_do(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """A connection used by dataflows is kept, and the error says to delete them first."""
    outs = create(provider, props())
    emulator.add_flow_reference(outs["connection_id"])
    with pytest.raises(InUseError, match="delete the dataflow first"):
        provider.delete(outs["connection_id"], outs)
    assert len(emulator.connections(sandbox="dev")) == 1


# -- adopt -----------------------------------------------------------------------------------------


def test_adopt_existing_takes_over_same_named_connection(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """With adopt_existing, create adopts the connection of that name and applies the inputs."""
    # Made outside this deployment (another tool, an earlier run whose state was lost).
    first = make_client(emulator).create_connection("dev", databricks_body("sales-databricks"))
    adopted = create(provider, props(adopt_existing=True))
    assert adopted["connection_id"] == first.id
    stored = emulator.connections(sandbox="dev")
    assert len(stored) == 1
    assert stored[0]["auth"]["params"]["database"] == "acme-db"
    assert adopted["etag"] == stored[0]["etag"]


def test_adopt_existing_refuses_a_connection_another_resource_holds(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """A connection this deployment created (or adopted) is never adopted by a second resource:
    the error names the holder and the adopter, and nothing is changed."""
    first = create(provider, props(database="old-db"))
    with pytest.raises(ConfigurationError, match="already holds it") as caught:
        provider.create(props(adopt_existing=True))
    assert first["connection_id"] in str(caught.value)
    assert "'sales-databricks' in sandbox 'dev', created" in str(caught.value)
    (stored,) = emulator.connections(sandbox="dev")
    assert stored["auth"]["params"]["database"] == "old-db"


def test_adopt_existing_twice_adopts_once(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Two resources adopting the same connection: the first owns it, the second is refused."""
    outside = make_client(emulator).create_connection("dev", databricks_body("sales-databricks"))
    assert create(provider, props(adopt_existing=True))["connection_id"] == outside.id
    with pytest.raises(ConfigurationError, match=r"adopted\)"):
        provider.create(props(adopt_existing=True))
    assert [c["id"] for c in emulator.connections(sandbox="dev")] == [outside.id]


def test_adopt_existing_after_delete_is_allowed_again(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """A deleted resource no longer holds its id (another lookup then finds nothing to adopt)."""
    first = create(provider, props())
    provider.delete(first["connection_id"], first)
    outside = make_client(emulator).create_connection("dev", databricks_body("sales-databricks"))
    assert create(provider, props(adopt_existing=True))["connection_id"] == outside.id


def test_adopt_existing_creates_when_nothing_to_adopt(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """With adopt_existing and no connection of that name, create makes one."""
    create(provider, props(adopt_existing=True))
    assert len(emulator.connections(sandbox="dev")) == 1


def test_adopt_existing_refuses_ambiguous_names(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """Two connections with the name: nothing is adopted, the error lists both ids."""
    a = create(provider, props())
    b = create(provider, props())
    with pytest.raises(ConfigurationError, match="found 2 connections") as caught:
        provider.create(props(adopt_existing=True))
    assert a["connection_id"] in str(caught.value)
    assert b["connection_id"] in str(caught.value)
    assert len(emulator.connections(sandbox="dev")) == 2


def test_without_configure_error_is_clear(props: Props) -> None:
    """A hook called before the engine configured the provider says so."""
    with pytest.raises(ConfigurationError, match="not configured"):
        DatabricksBaseConnectionProvider().create(props())


def test_missing_credentials_fail_create_with_keys(props: Props) -> None:
    """Create without credentials names the settings to set."""
    with pytest.raises(ConfigurationError, match="aep:clientSecret"):
        configured({"aep:platformUrl": "https://platform.adobe.io"}).create(props())


def test_pre_issued_token_works(props: Props, emulator: Emulator) -> None:
    """aep:accessToken can stand in for client credentials."""
    token = ImsTokenAuth(emulator.url, emulator.client_id, emulator.client_secret,
                         "openid").token()
    config = stack_config(emulator)
    del config["aep:clientSecret"]
    outs = create(configured({**config, "aep:accessToken": token}), props())
    assert outs["connection_id"]


def test_refresh_after_writes_finds_no_drift_when_the_date_header_is_a_second_later(
        provider: DatabricksBaseConnectionProvider, props: Props,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Create and update take their times from the answer's Date header; a Date in a later
    second than the stored createdAt/updatedAt (the answer sent just after a second boundary,
    or the gateway's clock ahead of Flow Service's) does not make the next refresh report
    drift."""
    monkeypatch.setattr(EmulatorHandler, "date_time_string",
                        lambda self, timestamp=None: formatdate(time.time() + 1, usegmt=True))
    outs = create(provider, props())
    read = provider.read(outs["connection_id"], outs)
    assert read.outs == outs
    updated = provider.update(outs["connection_id"], outs, props(database="other")).outs
    assert updated is not None
    assert updated["etag"] != outs["etag"]
    again = provider.read(outs["connection_id"], updated)
    assert again.outs == updated


# -- pickling ----------------------------------------------------------------------------------


def test_a_configured_provider_pickles_as_its_class_alone(
        provider: DatabricksBaseConnectionProvider, props: Props, emulator: Emulator) -> None:
    """After configure() and a create (client, token cache, secrets in memory), the provider
    pickles (as __provider or by plain pickle) to the class reference only: no credential."""
    create(provider, props())
    assert serialized_provider(provider) == serialized_provider(DatabricksBaseConnectionProvider())
    raw = pickle.dumps(provider)
    for secret in (emulator.client_secret, TOKEN):
        assert secret.encode() not in raw
    revived = pickle.loads(raw)  # noqa: S301 - bytes this test pickled itself
    assert type(revived) is DatabricksBaseConnectionProvider
    assert revived._client is None
