"""Secret-leak hunt: every lifecycle, fault and error path, every text a reader could see.

The Databricks tokens are canaries (``dapi-LEAKCANARY-...``); the IMS client secret is the
emulator's ``aep-emulator-secret``; every bearer token the emulator issued is collected with
``emu.issued_token_values()``. None of them may appear outside secret fields: not in gRPC
answers (the ``access_token`` property is the one secret field), the host's stdout or stderr,
error texts with their tracebacks, the ``__provider`` blob, log records, or the emulator's log.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import pytest
import requests

from provider.emulator import Emulator
from provider.errors import AepError
from provider.testing import Engine, HostError, PluginHost, ProviderHost
from tests.conftest import configured, stack_config
from tests.faults.conftest import (
    FAST,
    TIMEOUT_DELAY,
    Declared,
    Props,
    declare,
    rename_elsewhere,
    secret_free,
    started_host,
)
from tests.hostile import Answer, HostileServer, json_answer

CANARY = "LEAKCANARY"
TOKEN = f"dapi-{CANARY}-5f0c8e2a9b7d4c1e3f6a8b0d2c4e6f81"
ROTATED = f"dapi-{CANARY}-ROTATED-7a9c1e3b5d7f9a1c3e5b7d9f"
WRONG_SECRET = f"wrong-{CANARY}-client-secret-9d8c7b6a"
SECRET_FIELD = "access_token"


class Recording(ProviderHost):
    """A host (of either door, see ``recording_cls``) that keeps the text of every answer,
    secret field left out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: list[str] = []

    def _keep(self, method: str, *parts: object) -> None:
        self.answers.append(f"{method}: " + " | ".join(_public(p) for p in parts))

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        inputs, failures = super().check(urn, olds, news)
        self._keep("Check", inputs, failures)
        return inputs, failures

    def diff(self, id_: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        response = super().diff(id_, urn, olds, news)
        self._keep("Diff", response)
        return response

    def create(self, urn: str, props: Mapping[str, Any]) -> Any:
        id_, outs = super().create(urn, props)
        self._keep("Create", id_, outs)
        return id_, outs

    def read(self, id_: str, urn: str, props: Mapping[str, Any], inputs: Mapping[str, Any]) -> Any:
        answer = super().read(id_, urn, props, inputs)
        self._keep("Read", *answer)
        return answer

    def update(self, id_: str, urn: str, olds: Mapping[str, Any],
               news: Mapping[str, Any]) -> Any:
        outs = super().update(id_, urn, olds, news)
        self._keep("Update", outs)
        return outs


def _public(part: object) -> str:
    if isinstance(part, dict):
        part = {k: v for k, v in part.items() if k != SECRET_FIELD}
    return repr(part)


def secrets_of(emu: Emulator) -> dict[str, str]:
    """Every secret value of the run, by a name that says what it is."""
    found = {"databricks token": TOKEN, "rotated token": ROTATED, "canary": CANARY,
             "IMS client secret": emu.client_secret}
    found.update({f"bearer #{i}": v for i, v in enumerate(emu.issued_token_values())})
    return found


def host_texts(host: RecordingHost, emu: Emulator, engine: Engine | None,
               errors: list[HostError]) -> dict[str, str]:
    """Every text a reader of this host's run could see, secret field excluded."""
    texts = {"host stdout": host.stdout, "host stderr": host.stderr,
             "gRPC answers": "\n".join(host.answers),
             "emulator log": "\n".join(repr(r) for r in emu.requests)}
    texts.update({f"error {i} ({e.method})": e.details for i, e in enumerate(errors)})
    if engine is not None:
        blob = base64.b64decode(engine.provider_blob).decode("latin-1")
        texts["__provider"] = blob
        texts["state (secret field excluded)"] = "\n".join(
            _public(e.outputs) + _public(e.inputs) for e in engine.state.values())
    return texts


def assert_nothing_leaked(texts: Mapping[str, str], emu: Emulator) -> None:
    """No secret of the run in any text; the hunt itself is not empty."""
    secrets = secrets_of(emu)
    assert emu.issued_token_values(), "no bearer token was issued: nothing was hunted"
    assert secret_free({"control": TOKEN}, secrets), "the search finds nothing"
    assert secret_free(texts, secrets) == []


def failing(errors: list[HostError], step: Callable[[], object]) -> None:
    """Run ``step``; it must fail with a HostError, which is kept."""
    with pytest.raises(HostError) as caught:
        step()
    errors.append(caught.value)


class RecordingPlugin(Recording, PluginHost):
    """The recording host of the plugin door."""


RecordingHost = Recording | RecordingPlugin


def recording_cls(door: str) -> type[Recording]:
    """The recording host class of front door ``door``."""
    return RecordingPlugin if door == "plugin" else Recording


@pytest.fixture
def recording(emu: Emulator, door: str) -> Iterator[RecordingHost]:
    """A fresh recording host, configured with the emulator's client secret."""
    emu.faults.clear()
    emu.clear_requests()
    with started_host(emu, door, host_cls=recording_cls(door)) as host:
        assert isinstance(host, Recording)
        yield host
    emu.faults.clear()


def canaries(props: Props, sandbox: str, names: list[str], **changes: Any) -> Declared:
    """Declared connections carrying the canary token."""
    return declare(props, sandbox, names, **{"access_token": TOKEN, **changes})


def test_lifecycle_leaks_nothing(recording: RecordingHost, emu: Emulator, props: Props) -> None:
    """Create, refresh, preview, token rotation, replace and destroy leak no secret anywhere."""
    engine = Engine(recording)
    declared = canaries(props, "leak-life", ["a", "b"])
    engine.up(declared)
    assert {e.outputs[SECRET_FIELD] for e in engine.state.values()} == {TOKEN}
    if isinstance(recording, PluginHost):  # the plugin marks the token secret on the wire
        assert recording.secret_outputs == {"accessToken"}
    engine.refresh()
    engine.preview(declared)
    engine.up(canaries(props, "leak-life", ["a", "b"], access_token=ROTATED))
    assert {c["auth"]["params"]["accessToken"]
            for c in emu.connections(sandbox="leak-life")} == {ROTATED}
    engine.up(canaries(props, "leak-moved", ["a", "b"], access_token=ROTATED))
    texts = host_texts(recording, emu, engine, [])
    engine.destroy()
    texts["host stderr after destroy"] = recording.stderr
    assert_nothing_leaked(texts, emu)


def test_fault_paths_leak_nothing(recording: RecordingHost, emu: Emulator, props: Props) -> None:
    """Lost answers, resets, timeouts, throttling and revoked tokens leak no secret."""
    engine = Engine(recording)
    declared = canaries(props, "leak-faults", ["a"])
    for method in ("POST", "PATCH", "DELETE", "GET"):
        emu.faults.add(method=method, path="/connections", drop="after", times=1)
        emu.faults.add(method=method, path="/connections", drop="before", times=1)
        emu.faults.add(method=method, path="/connections", status=429, times=1)
        emu.faults.add(method=method, path="/connections", status=503, times=1)
    emu.faults.add(method="PATCH", delay=TIMEOUT_DELAY, times=1)
    engine.up(declared)
    engine.refresh()
    rotated = canaries(props, "leak-faults", ["a"], access_token=ROTATED)
    errors: list[HostError] = []
    failing(errors, lambda: engine.up(rotated))  # a lost answer on a token change: refresh
    emu.revoke_tokens()
    engine.refresh()
    engine.up(rotated)
    engine.destroy()
    assert len(emu.issued_token_values()) >= 2
    assert_nothing_leaked(host_texts(recording, emu, engine, errors), emu)


def test_error_paths_leak_nothing(recording: RecordingHost, emu: Emulator,
                                  props: Props) -> None:
    """412, 1418 (in use), a spent retry budget and a bad input: no secret in any error text,
    traceback included."""
    engine = Engine(recording)
    errors: list[HostError] = []
    declared = canaries(props, "leak-errors", ["a"])
    engine.up(declared)
    (entry,) = engine.state.values()
    rename_elsewhere(emu, "leak-errors", entry.id, entry.outputs["etag"])
    failing(errors, lambda: engine.up(canaries(props, "leak-errors", ["a"],
                                               access_token=ROTATED)))
    engine.refresh()
    emu.add_flow_reference(entry.id)
    failing(errors, engine.destroy)
    emu.faults.add(method="POST", path="/connections", status=503)
    failing(errors, lambda: engine.up({**declared, **canaries(props, "leak-errors", ["b"])},
                                      prune=False))
    emu.faults.clear()
    # Check echoes the user's own (rejected, never stored) inputs; its reasons must not.
    _, failures = ProviderHost.check(recording, "urn:bad", {}, engine.declare(props(
        access_token=f"{TOKEN} x", domain=f"https://u:{TOKEN}@x.example.com")))
    assert {p for p, _ in failures} == {recording.wire_name("access_token"), "domain"}
    assert len(errors) == 3
    texts = host_texts(recording, emu, engine, errors)
    texts["check failure reasons"] = repr(failures)
    assert_nothing_leaked(texts, emu)


def test_wrong_client_secret_leaks_nothing(emu: Emulator, props: Props, door: str) -> None:
    """IMS refusing a wrong client secret: the error says what to check, never the secret."""
    emu.clear_requests()
    # A secret the emulator does not know is "real" credentials over http: opt in (a test rig).
    with started_host(emu, door, host_cls=recording_cls(door),
                      **{"aep:clientSecret": WRONG_SECRET,
                         "aep:allowInsecureHttp": "true"}) as host:
        assert isinstance(host, Recording)
        errors: list[HostError] = []
        engine = Engine(host)
        failing(errors, lambda: engine.up(canaries(props, "leak-auth", ["a"])))
        assert "aep:clientSecret" in errors[0].last_line
        texts = host_texts(host, emu, engine, errors)
    assert emu.connections(sandbox="leak-auth") == []
    assert secret_free(texts, {"wrong secret": WRONG_SECRET}) == []
    assert_nothing_leaked(texts, emu)


def test_pre_issued_token_leaks_nothing(emu: Emulator, props: Props, door: str) -> None:
    """With aep:accessToken (no client secret), the token stays hidden, also once revoked."""
    answer = requests.post(f"{emu.url}/ims/token/v3", timeout=10, data={
        "grant_type": "client_credentials", "client_id": emu.client_id,
        "client_secret": emu.client_secret, "scope": "openid"})
    bearer = answer.json()["access_token"]
    emu.clear_requests()
    with started_host(emu, door, host_cls=recording_cls(door),
                      secret_keys=("aep:clientSecret", "aep:accessToken"),
                      **{"aep:clientSecret": "", "aep:accessToken": bearer}) as host:
        assert isinstance(host, Recording)
        engine = Engine(host)
        errors: list[HostError] = []
        declared = canaries(props, "leak-static", ["a"])
        engine.up(declared)
        emu.revoke_tokens()
        failing(errors, engine.refresh)
        assert "aep:accessToken" in errors[0].last_line
        texts = host_texts(host, emu, engine, errors)
    assert bearer in emu.issued_token_values()
    assert_nothing_leaked(texts, emu)
    with started_host(emu, door) as cleaner:
        tidy = Engine(cleaner)
        tidy.state = engine.state
        tidy.destroy()


def test_in_process_logs_and_exceptions_leak_nothing(
        emu: Emulator, props: Props, caplog: pytest.LogCaptureFixture) -> None:
    """Hooks called in-process at DEBUG logging: no secret in any log record, exception text,
    traceback or repr, through faults and failures."""
    caplog.set_level(logging.DEBUG)
    provider = configured(stack_config(emu, **FAST))
    texts: dict[str, str] = {"repr": repr(provider._client)}
    news = props(access_token=TOKEN, sandbox_name="leak-inproc", name="inproc")
    emu.faults.add(method="POST", path="/connections", drop="after", times=1)
    created = provider.create(news)
    emu.faults.add(method="PATCH", drop="after", times=1)
    moved = provider.update(created.id, created.outs, {**news, "database": "moved"})
    rotated = {**news, "database": "moved", "access_token": ROTATED}
    outs = provider.update(created.id, moved.outs, rotated)
    provider.read(created.id, outs.outs)
    emu.revoke_tokens()
    for index, step in enumerate([
        lambda: provider.update(created.id, created.outs, {**rotated, "database": "stale"}),
        lambda: provider.create({**news, "name": "never"}),
    ]):
        emu.faults.add(method="POST", path="/connections", status=503)
        try:
            step()
        except AepError as error:
            texts[f"exception {index}"] = "".join(traceback.format_exception(error))
        emu.faults.clear()
    emu.add_flow_reference(created.id)
    try:
        provider.delete(created.id, outs.outs)
    except AepError as error:
        texts["in-use"] = "".join(traceback.format_exception(error))
    texts["log records"] = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records)
    texts["emulator log"] = "\n".join(repr(r) for r in emu.requests)
    assert {"exception 0", "exception 1", "in-use"} <= set(texts)
    assert "provider.client DEBUG" in texts["log records"]
    assert_nothing_leaked(texts, emu)


ODD_TOKEN = f'dapi-{CANARY}-"odd\\chars/+&=%-3c2b1a09'


def _echo(method: str, path: str, body: bytes) -> Answer:
    """An answer that echoes what it was sent, raw, JSON-escaped and percent-encoded."""
    text = body.decode("utf-8", "replace")
    return json_answer(400, {"message": f"bad request {text} {json.dumps(text)} "
                                        f"{quote(text, safe='')}"})


def test_untrusted_answers_leak_nothing(
        emu: Emulator, props: Props, caplog: pytest.LogCaptureFixture) -> None:
    """A host echoing the request (token included, in any encoding), a redirect towards
    another host, garbage and a trickle: no secret in any error text, traceback or log record,
    and the other host receives nothing."""
    caplog.set_level(logging.DEBUG)
    texts: dict[str, str] = {}
    news = props(access_token=ODD_TOKEN, sandbox_name="leak-untrusted", name="untrusted")
    with HostileServer(lambda m, p: Answer(200)) as other:
        location = other.url.replace("127.0.0.1", "localhost") + "/steal"
        answers: list[Answer] = []

        def script(method: str, path: str) -> Answer:
            return answers[0]

        with HostileServer(script) as srv:
            provider = configured(stack_config(emu, **{**FAST, "aep:platformUrl": srv.url,
                                                       "aep:timeoutSeconds": "0.2",
                                                       "aep:retryMaxSeconds": "0.4"}))
            provider.check({}, news)
            for label, answer in {
                "redirect": Answer(307, {"Location": location}),
                "html": Answer(200, {"Content-Type": "text/html"}, b"<html>x</html>"),
                "trickle": Answer(200, trickle=0.02, body=b"{"),
            }.items():
                answers[:] = [answer]
                try:
                    provider.create(news)
                except AepError as error:
                    texts[label] = "".join(traceback.format_exception(error))
        assert other.seen == []
    with HostileServer(lambda m, p: _echo(m, p, echo.seen[-1].body)) as echo:
        provider = configured(stack_config(emu, **{**FAST, "aep:platformUrl": echo.url}))
        try:
            provider.create(news)
        except AepError as error:
            texts["echo"] = "".join(traceback.format_exception(error))
    texts["log records"] = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records)
    assert {"redirect", "html", "trickle", "echo"} <= set(texts)
    assert "bad request" in texts["echo"]
    secrets = {"odd token": ODD_TOKEN, "odd token (JSON)": json.dumps(ODD_TOKEN)[1:-1],
               "odd token (percent)": quote(ODD_TOKEN, safe=""), "canary": CANARY}
    assert secret_free(texts, secrets) == []


@pytest.mark.parametrize(("key", "value"), [
    ("aep:accessToken", f"eyJ{CANARY}\r\nX-Injected: 1-0123456789"),
    ("aep:clientSecret", f"{CANARY}-secret\r\n-0123456789"),
    ("aep:platformUrl", f"http://bob:{CANARY}pw@platform.example.com"),
    ("aep:imsUrl", f"https://bob:{CANARY}pw@ims.example.com:99999"),
])
def test_settings_refused_at_check_leak_nothing(emu: Emulator, props: Props, key: str,
                                                value: str) -> None:
    """A setting that cannot be sent is refused at check, naming the key, with no part of the
    secret in the reason, escaped or not."""
    config = stack_config(emu, **{key: value})
    if key == "aep:accessToken":
        config.pop("aep:clientSecret")
    provider = configured(config)
    result = provider.check({}, props())
    reasons = " ".join(f.reason for f in result.failures)
    assert key in reasons
    assert CANARY not in reasons
    assert "\r" not in reasons


def test_pipeline_paths_leak_nothing(recording: RecordingHost, emu: Emulator) -> None:
    """The whole ingestion path (source, target, mapping set, dataflow), with lost answers,
    throttling and 5xx on every pipeline collection, an in-use refusal, a disable/enable and
    destroy, leaks no secret anywhere."""
    from tests.test_engine_pipeline import BASE, FLOW, in_sandbox, pipeline

    def declared(**flow: Any) -> Declared:
        found = in_sandbox(pipeline(**flow), "leak-pipe")
        found[BASE]["access_token"] = TOKEN
        return found

    for path in ("/sourceConnections", "/targetConnections", "/flows",
                 "/data/foundation/conversion/mappingSets"):
        for method in ("POST", "GET"):
            emu.faults.add(method=method, path=path, drop="after", times=1)
            emu.faults.add(method=method, path=path, status=503, times=1)
            emu.faults.add(method=method, path=path, status=429, times=1)
    engine = Engine(recording)
    engine.up(declared())
    engine.refresh()
    engine.preview(declared())
    engine.up(declared(enabled=False))
    errors: list[HostError] = []
    failing(errors, lambda: engine.delete(BASE))  # 1418-400: a dataflow uses it
    assert "delete the dataflow first" in errors[0].details
    engine.up(declared(enabled=False, schedule={"start_time": "2027-01-15T08:00:00Z",
                                                "frequency": "day", "interval": 1}))
    assert engine.state[FLOW].outputs["state"] == "disabled"
    texts = host_texts(recording, emu, engine, errors)
    engine.destroy()
    texts["host stderr after destroy"] = recording.stderr
    assert_nothing_leaked(texts, emu)
