"""The resource as the Pulumi engine drives it: Pulumi's provider host over gRPC."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from provider.auth import clear_token_cache
from provider.emulator import Emulator
from provider.testing import UNKNOWN, Engine, HostError, ProviderHost, serialized_provider, urn_for
from tests.client_fixtures import databricks_body, make_client
from tests.conftest import ROOT, TOKEN, flow_requests, open_door, stack_config
from tests.engine_fixtures import emu, engine, host  # noqa: F401 (fixtures)

Props = Callable[..., dict[str, Any]]
SECRET_KEYS = ("aep:clientSecret",)


def test_full_lifecycle(engine: Engine, emu: Emulator, props: Props) -> None:
    """Check -> Create -> Read -> Diff -> Update -> Diff(replace) -> Delete, as the engine does."""
    urn = urn_for("sales")
    plan = engine.up({urn: props()})
    assert plan.steps == {urn: "create"}
    entry = engine.state[urn]
    assert entry.id == entry.outputs["connection_id"]
    assert entry.outputs["access_token"] == TOKEN
    assert entry.outputs.get("__provider") == (engine.provider_blob or None)
    assert [r.method for r in flow_requests(emu)] == ["POST"]

    assert engine.refresh(urn) == {urn: "same"}
    assert engine.preview({urn: props()}).steps == {urn: "same"}

    plan = engine.up({urn: props(database="warehouse")})
    assert plan.steps == {urn: "update"}
    assert emu.connections(sandbox="dev")[0]["auth"]["params"]["database"] == "warehouse"
    assert engine.state[urn].outputs["etag"] == emu.connections(sandbox="dev")[0]["etag"]

    old_id = engine.state[urn].id
    plan = engine.up({urn: props(database="warehouse", sandbox_name="prod")})
    assert plan.steps == {urn: "replace"}
    assert emu.connections(sandbox="dev") == []
    assert [c["id"] for c in emu.connections(sandbox="prod")] == [engine.state[urn].id]
    assert engine.state[urn].id != old_id

    engine.destroy()
    assert emu.connections(sandbox="prod") == []


def test_diff_answers_on_the_wire(engine: Engine, host: ProviderHost, props: Props) -> None:
    """Diff over gRPC: DIFF_NONE when equal, DIFF_SOME with replaces on a sandbox change."""
    urn = urn_for("wire")
    engine.up({urn: props()})
    entry = engine.state[urn]
    same = host.diff(entry.id, urn, entry.outputs, engine.declare(props()))
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    moved = host.diff(entry.id, urn, entry.outputs, engine.declare(props(sandbox_name="prod")))
    assert moved.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(moved.replaces) == [host.wire_name("sandbox_name")]
    assert moved.deleteBeforeReplace is False


def test_preview_with_unknowns_makes_no_request(engine: Engine, emu: Emulator,
                                                props: Props) -> None:
    """Unknown values at preview pass Check and Diff and nothing is sent to Flow Service."""
    urn = urn_for("unknowns")
    engine.up({urn: props()})
    emu.clear_requests()
    plan = engine.preview({urn: props(cluster_id=UNKNOWN, domain=UNKNOWN)})
    assert plan.failures == {}
    assert plan.steps == {urn: "update"}
    moved = engine.preview({urn: props(sandbox_name=UNKNOWN)})
    assert moved.steps == {urn: "replace"}
    assert flow_requests(emu) == []


def test_noop_preview_makes_no_request(engine: Engine, emu: Emulator, props: Props) -> None:
    """A preview of unchanged resources shows nothing and sends nothing."""
    declared = {urn_for(f"noop-{i}"): props(name=f"noop-{i}") for i in range(3)}
    engine.up(declared)
    emu.clear_requests()
    plan = engine.preview(declared)
    assert set(plan.steps.values()) == {"same"}
    assert emu.requests == []


def test_check_failures_over_grpc(engine: Engine, emu: Emulator, props: Props) -> None:
    """Bad inputs come back as Check failures naming each property, with no request."""
    urn = urn_for("bad")
    _, failures = engine.check(urn, props(domain="http://example.com", sandbox_name="Dev"))
    assert sorted(p for p, _ in failures) == ["domain", engine.host.wire_name("sandbox_name")]
    assert emu.requests == []


def test_refresh_shows_out_of_band_edit_then_up_restores(engine: Engine, emu: Emulator,
                                                        props: Props) -> None:
    """After a UI rename, refresh records it and the next up puts the declared name back."""
    urn = urn_for("drift")
    engine.up({urn: props(name="drift")})
    entry = engine.state[urn]
    client_edit = emu.connections(sandbox="dev")
    assert len(client_edit) == 1
    emu_patch(emu, entry.id, entry.outputs["etag"], "renamed-in-ui")
    assert engine.refresh(urn) == {urn: "changed"}
    assert engine.state[urn].inputs["name"] == "renamed-in-ui"
    assert engine.up({urn: props(name="drift")}).steps == {urn: "update"}
    assert emu.connections(sandbox="dev")[0]["name"] == "drift"


def test_refresh_of_deleted_connection_drops_it(engine: Engine, emu: Emulator,
                                                props: Props) -> None:
    """A connection deleted outside Pulumi leaves state on refresh; up creates it again."""
    urn = urn_for("gone")
    engine.up({urn: props(name="gone")})
    emu_delete(emu, engine.state[urn].id)
    assert engine.refresh(urn) == {urn: "gone"}
    assert urn not in engine.state
    assert engine.up({urn: props(name="gone")}).steps == {urn: "create"}


def test_stale_etag_error_reaches_the_engine_readably(engine: Engine, emu: Emulator,
                                                      props: Props) -> None:
    """A 412 on update ends the host's error text with our message naming the fix."""
    urn = urn_for("stale")
    engine.up({urn: props(name="stale")})
    entry = engine.state[urn]
    emu_patch(emu, entry.id, entry.outputs["etag"], "stale")  # same name, new etag
    with pytest.raises(HostError) as caught:
        engine.up({urn: props(name="stale", database="other")})
    assert "pulumi refresh" in caught.value.last_line
    assert "'stale'" in caught.value.last_line
    assert emu.connections(sandbox="dev")[0]["auth"]["params"]["database"] == "acme-db"


def test_missing_credentials_fail_check_naming_keys(emu: Emulator, props: Props,
                                                    door: str) -> None:
    """With no credentials in config or env, Check fails at preview with one failure per key
    to set (issue #23: it was one failure listing them all)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}
    with open_door(door, env=env) as bare:
        bare.configure({"aep:sandboxName": "dev"})
        _, failures = Engine(bare).check(urn_for("x"), props())
    assert [p for p, _ in failures] == ["aep", "aep", "aep"]
    assert [reason.split(" ", 1)[0] for _, reason in failures] == [
        "aep:clientId", "aep:orgId", "aep:clientSecret"]


def test_fifty_resources_fetch_one_token(emu: Emulator, props: Props, door: str) -> None:
    """50 creates in one host make exactly one IMS token request."""
    clear_token_cache()
    with open_door(door) as fresh:
        fresh.configure(stack_config(emu), secret_keys=SECRET_KEYS)
        engine = Engine(fresh)
        emu.clear_requests()
        engine.up({urn_for(f"many-{i}"): props(name=f"many-{i}", sandbox_name="bulk")
                   for i in range(50)})
        tokens = [r for r in emu.requests if r.path.endswith("/ims/token/v3")]
        assert len(tokens) == 1
        assert len(emu.connections(sandbox="bulk")) == 50
        engine.destroy()


def test_provider_blob_holds_no_credentials(engine: Engine, host: ProviderHost, emu: Emulator,
                                            props: Props) -> None:
    """__provider is a small by-reference pickle with no credential bytes, even after use; the
    plugin door keeps no provider blob in state at all."""
    engine.up({urn_for("blob"): props(name="blob")})
    if not engine.provider_blob:
        assert "__provider" not in engine.state[urn_for("blob")].outputs
        assert "__provider" not in engine.state[urn_for("blob")].inputs
        return
    blob = engine.state[urn_for("blob")].outputs["__provider"]
    raw = base64.b64decode(blob)
    assert len(blob) <= 1024
    for secret in (emu.client_secret, TOKEN, emu.client_id):
        assert secret.encode() not in raw
    assert b"DatabricksBaseConnectionProvider" in raw


def test_provider_blob_is_stable_across_hash_seeds() -> None:
    """__provider is byte-identical under different PYTHONHASHSEED values (no perpetual diff)."""
    code = "from provider.testing import serialized_provider; print(serialized_provider())"
    blobs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True, timeout=120)
        blobs.add(out.stdout.strip())
    assert blobs == {serialized_provider()}


def test_host_output_leaks_no_secret(engine: Engine, host: ProviderHost, emu: Emulator,
                                     props: Props) -> None:
    """Nothing the host printed contains the client secret or the Databricks token."""
    engine.up({urn_for("quiet"): props(name="quiet")})
    text = host.stderr + host.stdout
    assert emu.client_secret not in text
    assert TOKEN not in text


def emu_patch(emu: Emulator, id_: str, etag: str, name: str) -> None:
    """An out-of-band edit, as someone in the AEP UI would make it."""
    from provider.auth import ImsTokenAuth
    from provider.client import FlowServiceClient

    auth = ImsTokenAuth(emu.url, emu.client_id, emu.client_secret, "openid")
    client = FlowServiceClient(emu.url, org_id=emu.org_id, api_key=emu.client_id, auth=auth)
    client.patch_connection("dev", id_, etag, [{"op": "replace", "path": "/name", "value": name}])


def emu_delete(emu: Emulator, id_: str) -> None:
    """An out-of-band delete."""
    from provider.auth import ImsTokenAuth
    from provider.client import FlowServiceClient

    auth = ImsTokenAuth(emu.url, emu.client_id, emu.client_secret, "openid")
    FlowServiceClient(emu.url, org_id=emu.org_id, api_key=emu.client_id,
                      auth=auth).delete_connection("dev", id_)


def test_an_error_reaches_the_engine_as_the_message_alone(engine: Engine, emu: Emulator,
                                                          props: Props, door: str) -> None:
    """A failed operation reaches the engine as the provider's message; through the plugin door
    with no Python stack and no "Unexpected <class ...>" (the dynamic host adds its own)."""
    urn = urn_for("plain-error")
    engine.up({urn: props(name="plain-error")})
    entry = engine.state[urn]
    emu_patch(emu, entry.id, entry.outputs["etag"], "plain-error")
    with pytest.raises(HostError) as caught:
        engine.up({urn: props(name="plain-error", database="other")})
    assert "update of Databricks connection 'plain-error'" in caught.value.last_line
    if door == "plugin":
        assert caught.value.details == caught.value.last_line
        assert "Traceback" not in caught.value.details
        assert 'File "' not in caught.value.details
        assert "Unexpected" not in caught.value.details


def test_two_resources_never_adopt_one_connection(engine: Engine, emu: Emulator,
                                                  props: Props) -> None:
    """Two resources adopting one existing connection: the first owns it, the second fails
    naming the holder; the connection is neither duplicated nor owned twice."""
    outside = make_client(emu).create_connection("adopt", databricks_body("common"))
    declared = {urn_for(n): props(name="common", sandbox_name="adopt", adopt_existing=True)
                for n in ("first", "second")}
    with pytest.raises(HostError) as caught:
        engine.up(declared)
    assert "already holds it" in caught.value.last_line
    assert "'common' in sandbox 'adopt', adopted" in caught.value.last_line
    assert [e.id for e in engine.state.values()] == [outside.id]
    assert [c["id"] for c in emu.connections(sandbox="adopt")] == [outside.id]
