"""Fault injection: statuses, Retry-After, latency, delay, drops, random faults, CLI specs."""

from __future__ import annotations

import pytest
import requests
from emulator_support import Api, create_body, flow_code

from provider.emulator import Emulator, Faults


def test_429_with_retry_after_then_success(emu: Emulator, api: Api) -> None:
    """A 429 rule answers the gateway body with Retry-After for `times` requests, then stops."""
    rule = emu.faults.add(status=429, retry_after=0, times=2, method="POST", path="/connections")
    for _ in range(2):
        answer = api.create()
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "0"
        assert answer.json() == {"error_code": "429050", "message": "Too many requests"}
    assert api.create().status_code == 201
    assert rule.fired == 2
    assert len(emu.connections()) == 1
    assert [r.status for r in emu.requests if r.method == "POST" and "connections" in r.path] == [
        429,
        429,
        201,
    ]


@pytest.mark.parametrize(
    ("status", "code"), [(500, "1102-500"), (503, "1103-503"), (504, "1104-504")]
)
def test_5xx_faults_have_flow_bodies(emu: Emulator, api: Api, status: int, code: str) -> None:
    """Injected 5xx answers carry the catalogue's Flow error body and apply nothing."""
    emu.faults.add(status=status, times=1)
    answer = api.create()
    assert answer.status_code == status
    assert flow_code(answer) == code
    assert emu.connections() == []


def test_502_fault_is_the_gateways_page(emu: Emulator, api: Api) -> None:
    """An injected 502 comes from the gateway: an HTML page, not a Flow error body."""
    emu.faults.add(status=502, times=1, method="GET")
    answer = api.call("GET", "/connections")
    assert answer.status_code == 502
    assert answer.headers["Content-Type"] == "text/html"
    assert b"502 Bad Gateway" in answer.content
    assert "FLOW-" not in answer.text


def test_rules_match_method_and_path_prefix(emu: Emulator, api: Api) -> None:
    """A rule for PATCH on /connections/ spares GETs and POSTs."""
    id_, etag = api.created()
    emu.faults.add(status=503, method="patch", path="/connections/")
    assert api.get(id_).status_code == 200
    assert (
        api.patch(id_, etag, [{"op": "replace", "path": "/name", "value": "x"}]).status_code == 503
    )
    emu.faults.clear()
    assert (
        api.patch(id_, etag, [{"op": "replace", "path": "/name", "value": "x"}]).status_code == 200
    )


def test_ims_path_can_be_faulted(emu: Emulator) -> None:
    """Rules can target the IMS token endpoint."""
    emu.faults.add(status=503, times=1, path="/ims/token/v3")
    with pytest.raises(AssertionError):
        Api(emu)
    assert Api(emu).token


def test_latency_slows_every_matching_request() -> None:
    """latency sleeps that many seconds before each request until cleared (sleeps counted)."""
    slept: list[float] = []
    with Emulator(sleep=slept.append) as emu:
        api = Api(emu)
        emu.faults.add(latency=0.15)
        assert api.call("GET", "/connections").status_code == 200
        assert api.call("GET", "/connections").status_code == 200
        assert slept == [0.15, 0.15]
        emu.faults.clear()
        api.call("GET", "/connections")
        assert slept == [0.15, 0.15]


def test_delay_triggers_client_read_timeout_but_applies(emu: Emulator, api: Api) -> None:
    """delay sleeps after processing: the client times out, yet the create happened."""
    # A real read timeout needs a real wait: the server sleeps 0.3 s, the client waits 0.05 s.
    emu.faults.add(delay=0.3, times=1, method="POST")
    with pytest.raises(requests.ReadTimeout):
        api.create(timeout=0.05)
    assert len(emu.connections()) == 1  # stored before the delay began


def test_drop_before_resets_and_applies_nothing(emu: Emulator, api: Api) -> None:
    """drop="before" closes the socket unanswered and unapplied; it is logged with status 0."""
    emu.faults.add(drop="before", times=1, method="POST")
    with pytest.raises(requests.ConnectionError):
        api.create()
    assert emu.connections() == []
    assert emu.requests[-1].status == 0
    assert api.create().status_code == 201


def test_drop_after_commits_but_loses_the_answer(emu: Emulator, api: Api) -> None:
    """drop="after" applies the create, then closes the socket: the answer is lost."""
    emu.faults.add(drop="after", times=1, method="POST")
    with pytest.raises(requests.ConnectionError):
        api.create(create_body("ambiguous"))
    assert [c["name"] for c in emu.connections()] == ["ambiguous"]
    assert emu.requests[-1].status == 0


def test_random_faults_are_seeded_and_transient(emu: Emulator, api: Api) -> None:
    """rate/seed/statuses fire about `rate` of the time with the given statuses, reproducibly."""
    emu.faults.add(rate=0.5, seed=7, statuses=(429, 503))
    statuses = [api.call("GET", "/connections").status_code for _ in range(30)]
    assert set(statuses) <= {200, 429, 503}
    assert 5 <= statuses.count(200) <= 25
    emu.faults.clear()
    emu.faults.add(rate=0.5, seed=7, statuses=(429, 503))
    assert [api.call("GET", "/connections").status_code for _ in range(30)] == statuses


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("status=503,times=2,method=POST", {"status": 503, "times": 2, "method": "POST"}),
        ("drop=after,path=/connections", {"drop": "after", "path": "/connections"}),
        ("latency=0.05", {"latency": 0.05}),
        ("rate=0.2,seed=3,statuses=429|500", {"rate": 0.2, "seed": 3, "statuses": (429, 500)}),
        ("status=429,retry-after=1", {"status": 429, "retry_after": 1.0}),
    ],
)
def test_fault_specs_from_the_command_line(spec: str, expected: dict[str, object]) -> None:
    """`--fault` text parses into the rule it names."""
    rule = Faults().add_spec(spec)
    for key, value in expected.items():
        assert getattr(rule, key) == value


@pytest.mark.parametrize(
    "spec", ["status", "colour=red", "drop=sideways", "status=404", "rate=2", "times=0"]
)
def test_bad_fault_specs_are_refused(spec: str) -> None:
    """Malformed or meaningless rules raise ValueError."""
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by rule
        Faults().add_spec(spec)
