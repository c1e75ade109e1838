"""The native plugin only: started as Pulumi's language host starts it, driven over gRPC.

Schema content, configuration spellings, camelCase on the wire, import with an id only, the
detailed diff, preview unknowns, and concurrent creates. The scenarios both front doors share
live in ``tests/test_engine.py`` and ``tests/faults/``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import provider_pb2

from provider import schema
from provider.emulator import Emulator
from provider.emulator.handler import EmulatorHandler
from provider.testing import UNKNOWN, Engine, PluginHost, stack_config, urn_for
from provider.testing.plugin import PLUGIN_DIR, PluginError
from tests.conftest import ROOT, TOKEN, flow_requests

Props = Callable[..., dict[str, Any]]
SECRET_KEYS = ("aep:clientSecret",)
PLUGIN_URN = "urn:pulumi:dev::consumer::aep:index:DatabricksBaseConnection::"


@pytest.fixture(scope="module")
def plugin(emu: Emulator) -> Iterator[PluginHost]:
    """The plugin, started from a consumer directory elsewhere, configured like the engine."""
    with PluginHost() as started:
        started.configure(stack_config(emu, sandbox="native"), secret_keys=SECRET_KEYS)
        yield started


def wire(values: dict[str, Any]) -> Any:
    """A Struct of camelCase values, as the engine sends them."""
    message = provider_pb2.CheckRequest().news
    message.update(values)
    return message


def camel(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """State-named ``props`` spelt as the schema spells them."""
    from provider.fields import DATABRICKS_BASE_CONNECTION as SPEC

    return {**SPEC.to_schema(props), **extra}


def test_started_as_the_language_host_starts_it(plugin: PluginHost) -> None:
    """argv = venv python, absolute plugin dir, engine address; cwd is not the plugin dir."""
    argv = plugin.command()
    assert argv[1] == str(PLUGIN_DIR)
    assert Path(argv[1]).is_absolute()
    assert argv[2] == plugin.engine_address
    assert argv[2].startswith("127.0.0.1:")
    assert Path(plugin.cwd).resolve() != PLUGIN_DIR
    assert (PLUGIN_DIR / "PulumiPlugin.yaml").exists()
    assert (PLUGIN_DIR / "__main__.py").exists()
    assert plugin.env["VIRTUAL_ENV"] == str(Path(argv[0]).parent.parent)


def test_get_schema_is_the_generated_schema(plugin: PluginHost) -> None:
    """GetSchema answers the schema generated from the field table, token and all."""
    answered = plugin.get_schema()
    assert answered == schema.package_schema()
    assert "aep:index:DatabricksBaseConnection" in answered["resources"]


def test_plugin_info_version(plugin: PluginHost) -> None:
    """GetPluginInfo reports the package version."""
    from google.protobuf import empty_pb2

    info = plugin.stub.GetPluginInfo(empty_pb2.Empty())
    assert info.version == schema.PACKAGE_VERSION


def test_check_speaks_camel_case_and_keeps_the_token_secret(plugin: PluginHost, emu: Emulator,
                                                           props: Props) -> None:
    """Check fills sandboxName from aep:sandboxName, returns accessToken as a secret, and
    names a bad property by its schema name; no request is made."""
    emu.clear_requests()
    news = camel(props(sandbox_name=None))
    news["accessToken"] = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                           "value": TOKEN}
    answer = plugin.stub.Check(provider_pb2.CheckRequest(
        urn=PLUGIN_URN + "a", olds=wire({}), news=wire(news)))
    inputs = json_format.MessageToDict(answer.inputs)
    assert inputs["sandboxName"] == "native"
    assert inputs["accessToken"]["value"] == TOKEN
    assert "4dabf18193072939515e22adb298388d" in inputs["accessToken"]
    assert list(answer.failures) == []
    bad = plugin.stub.Check(provider_pb2.CheckRequest(
        urn=PLUGIN_URN + "b", olds=wire({}), news=wire(camel(props(), clusterId="no spaces"))))
    assert [(f.property, "clusterId" in f.reason) for f in bad.failures] == [("clusterId", True)]
    assert emu.requests == []


@pytest.mark.parametrize("spelling", ["variables", "args"])
def test_configure_reads_either_spelling(emu: Emulator, props: Props, spelling: str) -> None:
    """Configure works from the legacy variables (aep:config:clientId) or from args alone."""
    with PluginHost() as host:
        host.configure(stack_config(emu, sandbox="spelling"), secret_keys=SECRET_KEYS,
                       variables=spelling == "variables", args=spelling == "args")
        engine = Engine(host)
        engine.up({urn_for("spelt"): props(sandbox_name=None)})
        assert [c["name"] for c in emu.connections(sandbox="spelling")] == [props()["name"]]
        engine.destroy()


def test_configure_falls_back_to_environment(emu: Emulator, props: Props) -> None:
    """With nothing in Configure, the AEP_* environment variables configure the plugin."""
    config = stack_config(emu, sandbox="fromenv")
    env = {"AEP_CLIENT_ID": config["aep:clientId"], "AEP_CLIENT_SECRET": config["aep:clientSecret"],
           "AEP_ORG_ID": config["aep:orgId"], "AEP_PLATFORM_URL": emu.url,
           "AEP_IMS_URL": emu.url, "AEP_SANDBOX_NAME": "fromenv"}
    import os

    with PluginHost(env={**os.environ, **env}) as host:
        host.configure({})
        engine = Engine(host)
        engine.up({urn_for("env"): props(sandbox_name=None)})
        assert len(emu.connections(sandbox="fromenv")) == 1
        engine.destroy()


def test_missing_settings_fail_check_naming_keys(props: Props, tmp_path: Path) -> None:
    """No credentials anywhere: Check fails under 'aep', one failure per key to set (since
    issue #23; it was one failure naming them all), before any request."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    with PluginHost(env=env) as host:
        host.configure({})
        _, failures = Engine(host).check(urn_for("x"), props())
    assert [p for p, _ in failures] == ["aep", "aep", "aep"]
    assert "aep:clientId" in failures[0][1]


def test_import_with_id_only(plugin: PluginHost, emu: Emulator, props: Props) -> None:
    """Read with an id and no properties or inputs reads in aep:sandboxName and returns every
    input but the token (masked by the API); an unknown id is 'not found' (empty id)."""
    engine = Engine(plugin)
    urn = urn_for("imported")
    engine.up({urn: props(sandbox_name="native", catalog="main")})
    id_ = engine.state[urn].id
    emu.clear_requests()
    answer = plugin.stub.Read(provider_pb2.ReadRequest(id=id_, urn=PLUGIN_URN + "imported"))
    outputs = json_format.MessageToDict(answer.properties)
    inputs = json_format.MessageToDict(answer.inputs)
    assert answer.id == id_
    assert inputs == {"name": props()["name"], "description": props()["description"],
                      "domain": props()["domain"], "clusterId": props()["cluster_id"],
                      "database": props()["database"], "catalog": "main",
                      "sandboxName": "native"}
    assert outputs["connectionId"] == id_
    assert "accessToken" not in outputs
    assert [r.method for r in flow_requests(emu)] == ["GET"]
    missing = plugin.stub.Read(provider_pb2.ReadRequest(
        id="00000000-0000-0000-0000-000000000000", urn=PLUGIN_URN + "nothing"))
    assert missing.id == ""
    engine.destroy()


def test_import_in_a_bad_sandbox_is_an_error(emu: Emulator) -> None:
    """A sandbox error on import is an error, never 'not found'."""
    with PluginHost() as host:
        host.configure(stack_config(emu, sandbox="Not_A_Sandbox"), secret_keys=SECRET_KEYS)
        with pytest.raises(grpc.RpcError) as caught:
            host.stub.Read(provider_pb2.ReadRequest(id="abc", urn=PLUGIN_URN + "bad"))
    details = caught.value.details()  # type: ignore[attr-defined]
    assert "2100-404" in details
    assert "aep:sandboxName" in details


def test_detailed_diff(plugin: PluginHost, props: Props) -> None:
    """Diff answers per property: update, add, delete, and update-replace for sandboxName."""
    engine = Engine(plugin)
    urn = urn_for("detailed")
    engine.up({urn: props(sandbox_name="native", catalog="main", description=None)})
    entry = engine.state[urn]
    news = engine.declare(props(sandbox_name="prod", database="warehouse",
                                description="now described"))
    answer = plugin.diff(entry.id, urn, entry.outputs, news)
    kinds = {k: provider_pb2.PropertyDiff.Kind.Name(v.kind) for k, v in answer.detailedDiff.items()}
    assert kinds == {"sandboxName": "UPDATE_REPLACE", "database": "UPDATE",
                     "description": "ADD", "catalog": "DELETE"}
    assert all(v.inputDiff for v in answer.detailedDiff.values())
    assert answer.hasDetailedDiff
    assert list(answer.replaces) == ["sandboxName"]
    assert answer.changes == provider_pb2.DiffResponse.DIFF_SOME
    same = plugin.diff(entry.id, urn, entry.outputs, engine.declare(
        props(sandbox_name="native", catalog="main", description=None)))
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert dict(same.detailedDiff) == {}
    engine.destroy()


def test_preview_create_and_update_return_unknowns(plugin: PluginHost, emu: Emulator,
                                                  props: Props) -> None:
    """Preview Create/Update (and Check with unknown inputs) answer, with the unknown sentinel
    for outputs not known yet; nothing is sent to Flow Service."""
    emu.clear_requests()
    news = wire(camel(props(sandbox_name="native", database=UNKNOWN)))
    checked = plugin.stub.Check(provider_pb2.CheckRequest(urn=PLUGIN_URN + "p", olds=wire({}),
                                                          news=news))
    assert list(checked.failures) == []
    created = plugin.stub.Create(provider_pb2.CreateRequest(
        urn=PLUGIN_URN + "p", properties=checked.inputs, preview=True))
    outs = json_format.MessageToDict(created.properties)
    assert outs["connectionId"] == UNKNOWN
    assert outs["database"] == UNKNOWN
    olds = wire(camel(props(sandbox_name="native"), connectionId="c1", etag="e1",
                      createdAt="t", updatedAt="t", state="enabled"))
    updated = plugin.stub.Update(provider_pb2.UpdateRequest(
        id="c1", urn=PLUGIN_URN + "p", olds=olds, news=checked.inputs, preview=True))
    outs = json_format.MessageToDict(updated.properties)
    assert (outs["etag"], outs["createdAt"], outs["connectionId"]) == (UNKNOWN, "t", "c1")
    assert emu.requests == []


def test_errors_reach_the_engine_readably(plugin: PluginHost, emu: Emulator,
                                          props: Props) -> None:
    """A failed Delete (dataflows use it) gives the engine the core's message first."""
    engine = Engine(plugin)
    urn = urn_for("inuse")
    engine.up({urn: props(sandbox_name="native")})
    emu.add_flow_reference(engine.state[urn].id)
    with pytest.raises(PluginError) as caught:
        engine.delete(urn)
    assert caught.value.last_line.startswith("delete of Databricks connection")
    assert "dataflows" in caught.value.last_line


def test_thirty_two_creates_run_at_once(emu: Emulator, props: Props,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """32 Creates sent at once are served 16 at a time (aep:maxConcurrency): each POST waits at
    a 16-party barrier that only opens if 16 are in flight together; all 32 get one
    connection each."""
    barrier = threading.Barrier(16, timeout=60)
    lock = threading.Lock()
    flight = {"now": 0, "max": 0}
    original = EmulatorHandler.do_POST

    def gated(handler: EmulatorHandler) -> None:
        if not handler.path.endswith("/connections"):
            original(handler)
            return
        with lock:
            flight["now"] += 1
            flight["max"] = max(flight["max"], flight["now"])
        try:
            barrier.wait()
            original(handler)
        finally:
            with lock:
                flight["now"] -= 1

    monkeypatch.setattr(EmulatorHandler, "do_POST", gated)
    with PluginHost() as host:
        host.configure(stack_config(emu, sandbox="many", **{"aep:timeoutSeconds": "60"}),
                       secret_keys=SECRET_KEYS)
        engine = Engine(host)
        urns = [urn_for(f"many-{i:02d}") for i in range(32)]
        results: dict[str, str] = {}

        def create(i: int) -> None:
            results[urns[i]] = host.create(urns[i], engine.declare(
                props(name=f"many-{i:02d}", sandbox_name="many")))[0]

        threads = [threading.Thread(target=create, args=(i,)) for i in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert flight["max"] == 16
    assert len(set(results.values())) == 32
    assert len(emu.connections(sandbox="many")) == 32
    assert not barrier.broken


def test_root_is_the_program_not_the_plugin() -> None:
    """The repository root stays the Pulumi program; the plugin lives in plugin/."""
    assert (ROOT / "Pulumi.yaml").exists()
    assert not (ROOT / "PulumiPlugin.yaml").exists()
    assert PLUGIN_DIR == ROOT / "plugin"


def test_snake_case_names_are_rejected(plugin: PluginHost, emu: Emulator, props: Props) -> None:
    """A Python-style name (cluster_id) sent to the plugin fails Check naming the camelCase one,
    instead of being taken silently."""
    emu.clear_requests()
    news = camel(props(), cluster_id="0123-456789-abcde123")
    answer = plugin.stub.Check(provider_pb2.CheckRequest(
        urn=PLUGIN_URN + "snake", olds=wire({}), news=wire(news)))
    assert [f.property for f in answer.failures] == ["cluster_id"]
    assert "'clusterId'" in answer.failures[0].reason
    assert emu.requests == []


def test_configure_values_from_both_spellings() -> None:
    """Legacy variables and args both become aep: keys (args win); numbers become whole-number
    text, booleans JSON (true); secrets are unwrapped; other namespaces, unknowns and the version
    are ignored."""
    from pulumi.provider.experimental import provider as api
    from pulumi.provider.experimental.property_value import PropertyValue

    from provider.native import config_values

    request = api.ConfigureRequest(
        variables={"aep:config:clientId": "from-variables", "aep:config:orgId": "O@AdobeOrg",
                   "other:config:clientId": "not-ours"},
        args={"clientId": PropertyValue("from-args"),
              "clientSecret": PropertyValue("s3cret-value", is_secret=True),
              "maxConcurrency": PropertyValue(8.0), "retryBaseDelay": PropertyValue(0.25),
              "allowInsecureHttp": PropertyValue(True), "imsUrl": PropertyValue(UNKNOWN),
              "version": PropertyValue("0.1.0")},
        accept_secrets=True, accept_resources=True)
    assert config_values(request) == {
        "aep:clientId": "from-args", "aep:orgId": "O@AdobeOrg",
        "aep:clientSecret": "s3cret-value", "aep:maxConcurrency": "8",
        "aep:retryBaseDelay": "0.25", "aep:allowInsecureHttp": "true"}


def test_max_concurrency_sizes_the_worker_pool(emu: Emulator) -> None:
    """aep:maxConcurrency sets how many operations run at once; a bad value is a check failure
    naming the key."""
    import asyncio

    from pulumi.provider.experimental import provider as api
    from pulumi.provider.experimental.property_value import PropertyValue

    from provider.native import AepProvider

    def configure(value: str) -> AepProvider:
        config = stack_config(emu, **{"aep:maxConcurrency": value})
        args = {k.split(":", 1)[1]: PropertyValue(v) for k, v in config.items()}
        provider = AepProvider(environ={})
        asyncio.run(provider.configure(api.ConfigureRequest({}, args, True, True)))
        return provider

    assert configure("4").workers == 4
    assert configure("32").workers == 32
    bad = configure("0")
    failures = bad.core("").check({}).failures
    assert any(p == "aep" and "aep:maxConcurrency" in r for p, r in failures)


def test_unknown_resource_type_is_refused() -> None:
    """A token the plugin does not serve is an error naming the ones it does."""
    from provider.native import AepProvider, ProviderError

    provider = AepProvider(environ={})
    assert provider.core("aep:index:DatabricksBaseConnection").api.SPEC.name == \
        "DatabricksBaseConnection"
    with pytest.raises(ProviderError, match="aep:index:DatabricksBaseConnection"):
        provider.core("aep:index:Nope")
