"""``DatabricksStagingCredentials`` as the engine drives it, through both front doors, against the
emulator's landing-zone endpoint (its clock injected: tokens expire by moving it)."""

from __future__ import annotations

from typing import Any

import pytest

from provider.auth import ImsTokenAuth
from provider.client import FlowServiceClient
from provider.emulator import Emulator, PipelineOptions
from provider.staging import BASE, PATH
from provider.testing import Engine, HostError, ProviderHost
from tests.clocks import FakeClock as Clock
from tests.engine_fixtures import emu, engine, host, sandbox  # noqa: F401 (fixtures)
from tests.faults.conftest import FAST, secret_free
from tests.faults.test_secret_leaks import Recording
from tests.staging_hosts import staging_host_cls, staging_urn

CREDENTIALS = BASE + PATH
TTL = 7 * 86400
SECRET_OUTPUTS = ("sas_token", "sas_uri", "spark_conf")

@pytest.fixture(scope="module")
def clock() -> Clock:
    """One clock per module and door."""
    return Clock()


class Recorded(Recording):
    """The leak hunt's recording host: keeps the text of every answer, the secret outputs of
    this resource left out."""

    def _keep(self, method: str, *parts: object) -> None:
        public = [{k: v for k, v in p.items() if k not in SECRET_OUTPUTS}
                  if isinstance(p, dict) else p for p in parts]
        self.answers.append(f"{method}: {public!r}")


def recorded_cls(door: str) -> type[ProviderHost]:
    """The recording staging host class of ``door``."""
    return type(f"Recorded{door.title()}", (Recorded, staging_host_cls(door)), {})




def landing(emu: Emulator) -> list[Any]:
    """The landing-zone requests the emulator served, in order."""
    return [r for r in emu.requests if r.path.rstrip("/") == CREDENTIALS]


def rotate_elsewhere(emu: Emulator, sandbox: str) -> dict[str, Any]:
    """An out-of-band rotation, as another team's script would make it."""
    auth = ImsTokenAuth(emu.url, emu.client_id, emu.client_secret, "openid")
    client = FlowServiceClient(emu.url, org_id=emu.org_id, api_key=emu.client_id, auth=auth)
    return client.request_json("POST", BASE, PATH, sandbox,
                               params=[("type", "dlz_databricks_source"), ("action", "refresh")],
                               idempotent=False)


def live_token(emu: Emulator, sandbox: str) -> str:
    """The sandbox's live SAS token."""
    record = emu.staging_credentials(sandbox=sandbox)
    assert record is not None
    return str(record["SASToken"])


def up(engine: Engine, sandbox: str, **props: Any) -> Any:
    """``pulumi up`` of one staging credentials resource named after ``sandbox``."""
    return engine.up({staging_urn(sandbox): {"sandbox_name": sandbox, **props}})


def test_create_is_one_get(engine: Engine, emu: Emulator, host: ProviderHost, door: str,
                           sandbox: str) -> None:
    """Create sends one GET ?type=dlz_databricks_source; outputs carry the live credentials,
    the Spark config entry Adobe documents, and a stable id; the plugin marks the token's
    outputs secret."""
    plan = up(engine, sandbox)
    urn = staging_urn(sandbox)
    assert plan.steps == {urn: "create"}
    calls = landing(emu)
    assert [(r.method, r.query.get("type"), r.query.get("action")) for r in calls] == [
        ("GET", ["dlz_databricks_source"], None)]
    assert calls[0].sandbox == sandbox
    entry = engine.state[urn]
    record = emu.staging_credentials(sandbox=sandbox)
    assert record is not None
    outs = entry.outputs
    assert entry.id == f"{emu.org_id}/{sandbox}/dlz_databricks_source" == outs["credentials_id"]
    assert outs["sas_token"] == record["SASToken"]
    assert outs["container_name"] == record["containerName"]
    assert outs["storage_account_name"] == record["storageAccountName"]
    assert outs["expiry_date"] == record["expiryDate"]
    assert outs["sas_uri"].endswith("?" + record["SASToken"])
    key = (f"fs.azure.sas.{record['containerName']}.{record['storageAccountName']}"
           ".blob.core.windows.net")
    assert outs["spark_conf"] == {key: record["SASToken"]}
    if door == "plugin":
        assert {"sasToken", "sasUri", "sparkConf"} <= host.secret_outputs  # type: ignore[attr-defined]


def test_refresh_without_rotation_is_same(engine: Engine, emu: Emulator, sandbox: str) -> None:
    """A refresh with no change anywhere sends one GET and finds nothing new."""
    up(engine, sandbox)
    emu.clear_requests()
    assert engine.refresh() == {staging_urn(sandbox): "same"}
    assert [r.method for r in landing(emu)] == ["GET"]


def test_refresh_after_out_of_band_rotation(engine: Engine, emu: Emulator,
                                            sandbox: str) -> None:
    """A rotation made outside Pulumi shows at refresh: the new token lands in every output."""
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    old = engine.state[urn].outputs["sas_token"]
    rotated = rotate_elsewhere(emu, sandbox)
    assert not emu.staging_token_valid(old, sandbox=sandbox)
    assert engine.refresh() == {urn: "changed"}
    outs = engine.state[urn].outputs
    assert outs["sas_token"] == rotated["SASToken"] == live_token(emu, sandbox)
    assert list(outs["spark_conf"].values()) == [rotated["SASToken"]]
    assert outs["sas_uri"] == rotated["SASUri"]


def test_refresh_after_expiry_takes_adobes_new_token(engine: Engine, emu: Emulator,
                                                     clock: Clock, sandbox: str) -> None:
    """Once the token expired, the refresh's GET gets a new one (Adobe reissues it) and the
    outputs follow, expiry date included; no POST is sent."""
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    before = dict(engine.state[urn].outputs)
    clock.now += TTL + 1
    emu.clear_requests()
    assert engine.refresh() == {urn: "changed"}
    outs = engine.state[urn].outputs
    assert outs["sas_token"] != before["sas_token"]
    assert outs["expiry_date"] > before["expiry_date"]
    assert emu.staging_token_valid(outs["sas_token"], sandbox=sandbox)
    assert [r.method for r in landing(emu)] == ["GET"]


def test_rotation_by_trigger_is_one_post(engine: Engine, emu: Emulator, sandbox: str) -> None:
    """Setting rotation_trigger sends exactly one POST action=refresh (no GET); the old token is
    revoked and the new one is in every output. The same trigger again sends nothing; unsetting
    it sends nothing and rotates nothing."""
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    old = engine.state[urn].outputs["sas_token"]
    emu.clear_requests()
    plan = up(engine, sandbox, rotation_trigger="2026-11-29")
    assert plan.steps == {urn: "update"}
    assert [(r.method, r.query.get("action")) for r in landing(emu)] == [("POST", ["refresh"])]
    outs = engine.state[urn].outputs
    assert not emu.staging_token_valid(old, sandbox=sandbox)
    assert outs["sas_token"] == live_token(emu, sandbox) != old
    assert list(outs["spark_conf"].values()) == [outs["sas_token"]]
    assert outs["rotation_trigger"] == "2026-11-29"

    emu.clear_requests()
    assert up(engine, sandbox, rotation_trigger="2026-11-29").steps == {urn: "same"}
    assert landing(emu) == []

    token = outs["sas_token"]
    plan = up(engine, sandbox)
    assert plan.steps == {urn: "update"}
    assert landing(emu) == []
    outs = engine.state[urn].outputs
    assert "rotation_trigger" not in outs
    assert outs["sas_token"] == token
    assert emu.staging_token_valid(token, sandbox=sandbox)
    assert up(engine, sandbox).steps == {urn: "same"}


def test_sandbox_change_replaces(engine: Engine, emu: Emulator, sandbox: str) -> None:
    """Another sandbox is another resource: its GET, and no call for the old one."""
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    emu.clear_requests()
    plan = engine.up({urn: {"sandbox_name": f"{sandbox}-b"}})
    assert plan.steps == {urn: "replace"}
    assert [(r.method, r.sandbox) for r in landing(emu)] == [("GET", f"{sandbox}-b")]
    assert engine.state[urn].id.endswith(f"/{sandbox}-b/dlz_databricks_source")


def test_delete_sends_nothing_and_says_so(engine: Engine, emu: Emulator, host: ProviderHost,
                                          sandbox: str) -> None:
    """Delete makes no request and leaves the token valid; the notice (which the engine shows
    during `pulumi up`) says the credentials stay with the sandbox."""
    up(engine, sandbox)
    token = live_token(emu, sandbox)
    emu.clear_requests()
    engine.destroy()
    assert emu.requests == []
    assert emu.staging_token_valid(token, sandbox=sandbox)
    notice = (f"Databricks staging credentials of sandbox {sandbox!r} were removed "
              "from the stack only")
    assert notice in host.wait_warning(notice, staging_urn(sandbox))


def test_check_names_bad_inputs(engine: Engine, host: ProviderHost, sandbox: str) -> None:
    """A trigger that is not a string, or a bad sandbox name, fails check, before any call."""
    _, failures = engine.check(staging_urn(sandbox), {"sandbox_name": "Not A Sandbox",
                                                      "rotation_trigger": 5})
    props = {p for p, _ in failures}
    urn = staging_urn(sandbox)
    assert props == {host.wire_name("sandbox_name", urn), host.wire_name("rotation_trigger", urn)}


def test_get_faults_are_retried(engine: Engine, emu: Emulator, sandbox: str) -> None:
    """Two 503s and a dropped answer on the GET are retried: create succeeds."""
    emu.faults.add(method="GET", path=CREDENTIALS, status=503, times=2)
    emu.faults.add(method="GET", path=CREDENTIALS, drop="after", times=1)
    plan = up(engine, sandbox)
    assert plan.steps == {staging_urn(sandbox): "create"}
    assert [r.method for r in landing(emu)] == ["GET"] * 4
    assert engine.state[staging_urn(sandbox)].outputs["sas_token"] == live_token(emu, sandbox)


def test_lost_rotation_answer_is_not_repeated(engine: Engine, emu: Emulator,
                                              sandbox: str) -> None:
    """A rotation whose answer is lost is sent once only: the error says it may have revoked
    the old token and asks for `pulumi refresh`, which then brings the new token."""
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    old = engine.state[urn].outputs["sas_token"]
    emu.clear_requests()
    emu.faults.add(method="POST", path=CREDENTIALS, drop="after", times=1)
    with pytest.raises(HostError) as caught:
        up(engine, sandbox, rotation_trigger="r1")
    assert [r.method for r in landing(emu)] == ["POST"]
    record = emu.staging_credentials(sandbox=sandbox)
    assert record is not None
    assert record["refreshes"] == 1
    message = caught.value.details
    # Unnamed, the credentials are named by their id in errors.
    assert (f"update of Databricks staging credentials '{emu.org_id}/{sandbox}/"
            f"dlz_databricks_source' in sandbox {sandbox!r} failed") in message
    assert "not sent again on a guess" in message
    assert "revoked for every Databricks cluster" in message
    assert "pulumi refresh" in message
    assert engine.state[urn].outputs["sas_token"] == old
    assert engine.refresh() == {urn: "changed"}
    assert engine.state[urn].outputs["sas_token"] == live_token(emu, sandbox)


def test_rotation_500_is_not_repeated(engine: Engine, emu: Emulator, sandbox: str) -> None:
    """A 5xx on the rotation is ambiguous too: one POST, the error asks for a refresh."""
    up(engine, sandbox)
    emu.clear_requests()
    emu.faults.add(method="POST", path=CREDENTIALS, status=502, times=1)
    with pytest.raises(HostError) as caught:
        up(engine, sandbox, rotation_trigger="r1")
    assert [r.method for r in landing(emu)] == ["POST"]
    assert "pulumi refresh" in caught.value.details


def test_rotation_429_is_retried(engine: Engine, emu: Emulator, sandbox: str) -> None:
    """A 429 was not processed, so the rotation is sent again and happens exactly once."""
    up(engine, sandbox)
    emu.clear_requests()
    emu.faults.add(method="POST", path=CREDENTIALS, status=429, times=1)
    up(engine, sandbox, rotation_trigger="r1")
    assert [r.method for r in landing(emu)] == ["POST", "POST"]
    record = emu.staging_credentials(sandbox=sandbox)
    assert record is not None
    assert record["refreshes"] == 1
    assert engine.state[staging_urn(sandbox)].outputs["sas_token"] == record["SASToken"]


def test_no_sas_token_leaks(engine: Engine, emu: Emulator, host: ProviderHost,
                            clock: Clock, sandbox: str) -> None:
    """Over create, refresh after rotation and expiry, rotation, a lost rotation, a failed
    refresh and delete, no SAS token appears outside the secret outputs: not in gRPC answers'
    other fields, errors, the host's output, the emulator's log or ``__provider``."""
    texts: dict[str, str] = {}
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    rotate_elsewhere(emu, sandbox)
    engine.refresh()
    clock.now += TTL + 1
    engine.refresh()
    up(engine, sandbox, rotation_trigger="a")
    emu.faults.add(method="POST", path=CREDENTIALS, drop="after", times=1)
    errors: list[HostError] = []
    with pytest.raises(HostError) as caught:
        up(engine, sandbox, rotation_trigger="b")
    errors.append(caught.value)
    emu.faults.add(method="GET", path=CREDENTIALS, status=503, times=6)
    with pytest.raises(HostError) as caught:
        engine.refresh()
    errors.append(caught.value)
    emu.faults.clear()
    engine.refresh()
    public = {k: v for k, v in engine.state[urn].outputs.items() if k not in SECRET_OUTPUTS}
    texts["state outside secret outputs"] = repr(public)
    whole = repr(engine.state[urn].outputs)
    engine.destroy()
    assert isinstance(host, Recorded)
    texts.update({"host stdout": host.stdout, "host stderr": host.stderr,
                  "gRPC answers (secret outputs left out)": "\n".join(host.answers),
                  "emulator log": "\n".join(repr(r) for r in emu.requests),
                  "__provider": engine.provider_blob})
    texts.update({f"error {i}": e.details for i, e in enumerate(errors)})
    tokens = emu.issued_sas_tokens()
    assert len(tokens) >= 4
    signatures = {f"sig of token {i}": t.rsplit("sig=", 1)[1] for i, t in enumerate(tokens)}
    secrets = {**{f"token {i}": t for i, t in enumerate(tokens)}, **signatures}
    assert secret_free({"control": tokens[0]}, secrets), "the search finds nothing"
    assert secret_free({"secret outputs": whole}, secrets), "the live token is hunted"
    assert len(host.answers) >= 10
    assert secret_free(texts, secrets) == []


def test_import_reads_in_the_providers_sandbox(host: ProviderHost, emu: Emulator) -> None:
    """A read with an id and no properties (`pulumi import` in the plugin door; the dynamic
    door gets only its ``__provider``) reads the credentials of aep:sandboxName (one GET); an
    id naming another sandbox fails before any call, naming the fix."""
    emu.clear_requests()
    urn = staging_urn("imported")
    props = {"__provider": host.provider_blob(urn)} if host.provider_blob(urn) else {}
    id_, outs, inputs = host.read(f"{emu.org_id}/dev/dlz_databricks_source", urn, props, {})
    assert id_ == f"{emu.org_id}/dev/dlz_databricks_source"
    assert {k: v for k, v in inputs.items() if k != "__provider"} == {"sandbox_name": "dev"}
    assert outs["sas_token"] == live_token(emu, "dev")
    assert [r.method for r in landing(emu)] == ["GET"]
    emu.clear_requests()
    with pytest.raises(HostError) as caught:
        host.read(f"{emu.org_id}/prod/dlz_databricks_source", urn, props, {})
    spelled = host.wire_name("sandbox_name", urn)  # the door's spelling of the property
    assert f"set {spelled} (or aep:sandboxName) to 'prod'" in caught.value.details
    assert landing(emu) == []


# The engine fixtures (tests/engine_fixtures.py), tuned: the emulator's landing-zone clock is
# injected, the host records its answers, retries are fast, each test has a staging-N sandbox.
def EMULATOR_OPTIONS(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The emulator's landing zone on the module's clock."""
    return {"pipeline": PipelineOptions(clock=request.getfixturevalue("clock"), staging_ttl=TTL)}


HOST_CLASS = recorded_cls
HOST_CONFIG = FAST
SANDBOX_PREFIX = "staging"


def test_a_terminal_escape_in_expiry_date_never_becomes_an_output(engine: Engine, emu: Emulator,
                                                                   sandbox: str) -> None:
    """A refresh whose answer's ``expiryDate`` carries a terminal escape fails as an
    unexpected answer (nothing printed, state kept as it was), through either door."""
    up(engine, sandbox)
    urn = staging_urn(sandbox)
    before = dict(engine.state[urn].outputs)
    staging = emu._pipeline.staging
    record = staging.record((emu.org_id, sandbox))
    assert record is not None
    staging.store.put((emu.org_id, sandbox), {**record, "expiryDate": "2027-01-01\x1b]0;owned\x07"})
    with pytest.raises(HostError) as caught:
        engine.refresh()
    assert "expiryDate" in caught.value.details
    assert "\x1b" not in caught.value.details
    assert engine.state[urn].outputs == before
