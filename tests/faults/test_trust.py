"""Trust, through Pulumi's provider host: a wrong answer never drops state, a credential never
reaches another host, a slow answer never costs more than the budget.

Each test drives refresh/destroy/create as the engine does and asserts the end state: what the
other host received, what state holds, what the emulator holds (no orphan, no duplicate), and how
many attempts the call took.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, HostError, ProviderHost, urn_for
from provider.testing.engine import Entry
from tests.conftest import flow_requests
from tests.faults.conftest import Props, declare, started_host
from tests.hostile import Answer, HostileServer, json_answer

CONN_PATH = "/data/foundation/flowservice/connections"


@contextmanager
def engine_at(emu: Emulator, door: str, like: Engine | None = None,
              **config: str) -> Iterator[Engine]:
    """An engine over a host configured with ``config`` on top of the emulator's, holding a
    copy of ``like``'s state (the same stack, run with other settings)."""
    with started_host(emu, door, **config) as host:
        engine = Engine(host)
        if like is not None:
            engine.state = copy.deepcopy(like.state)
        yield engine


def the_state(engine: Engine) -> dict[str, tuple[str, str]]:
    return {urn: (e.id, str(e.outputs.get("etag"))) for urn, e in engine.state.items()}


@pytest.mark.parametrize("wrong", ["/wrong", "/proxy/404"])
def test_wrong_platform_url_path_keeps_state_on_refresh_and_destroy(
    engine: Engine, emu: Emulator, door: str, sandbox: str, props: Props, wrong: str,
) -> None:
    """aep:platformUrl with a wrong path answers 404 pages: refresh and destroy fail naming the
    URL that answered and aep:platformUrl; state still holds every resource and every
    connection still exists."""
    engine.up(declare(props, sandbox, ["a", "b"]))
    before = the_state(engine)
    with engine_at(emu, door, engine, **{"aep:platformUrl": emu.url + wrong}) as wrong_engine:
        with pytest.raises(HostError) as refreshed:
            wrong_engine.refresh()
        with pytest.raises(HostError) as destroyed:
            wrong_engine.destroy()
        assert the_state(wrong_engine) == before
    for caught in (refreshed, destroyed):
        assert f"{emu.url}{wrong}{CONN_PATH}/" in caught.value.last_line
        assert "aep:platformUrl" in caught.value.last_line
    assert sorted(c["id"] for c in emu.connections(sandbox=sandbox)) == sorted(
        id_ for id_, _ in before.values())


GARBAGE: dict[str, Answer] = {
    "html-200": Answer(200, {"Content-Type": "text/html"}, b"<html>Sign in</html>"),
    "empty-200": Answer(200),
    "no-items": json_answer(200, {"_links": {}}),
    "empty-items": json_answer(200, {"items": []}),
    "html-404": Answer(404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"),
    "json-404-other": json_answer(404, {"message": "route not found"}),
    "redirect": Answer(302, {"Location": "https://login.example.com/"}),
}


# A 2xx with no body or a JSON body is what a delete is answered with: it cannot be told apart.
DELETE_SUCCESS_SHAPES = ("empty-200", "no-items", "empty-items")


@pytest.mark.parametrize("label", sorted(GARBAGE))
def test_a_wrong_answer_never_drops_state(
    engine: Engine, emu: Emulator, door: str, sandbox: str, props: Props, label: str,
) -> None:
    """A host answering refresh and delete with garbage, a foreign 404 or a redirect: refresh
    fails, and so does destroy (except on an empty or JSON 2xx, which is how Flow Service answers
    a delete); state is untouched, and the connection still exists."""
    engine.up(declare(props, sandbox, ["c"]))
    before = the_state(engine)
    with HostileServer(lambda m, p: GARBAGE[label]) as srv:
        config = {"aep:platformUrl": srv.url, "aep:retryAttempts": "2"}
        with engine_at(emu, door, engine, **config) as wrong_engine:
            with pytest.raises(HostError) as caught:
                wrong_engine.refresh()
            assert the_state(wrong_engine) == before
            if label not in DELETE_SUCCESS_SHAPES:
                with pytest.raises(HostError):
                    wrong_engine.destroy()
                assert the_state(wrong_engine) == before
    assert srv.url in caught.value.last_line
    assert [c["id"] for c in emu.connections(sandbox=sandbox)] == [i for i, _ in before.values()]


@pytest.mark.parametrize("status", [301, 307, 308])
def test_redirected_create_sends_nothing_to_the_other_host(
    emu: Emulator, door: str, sandbox: str, props: Props, status: int,
) -> None:
    """aep:platformUrl answering 3xx towards the emulator: the create fails naming the status
    and the Location host; the emulator (the other host) receives no Flow Service request, no
    token, no body; nothing is in state; one POST reached the redirecting host."""
    emu.clear_requests()
    location = emu.url.replace("127.0.0.1", "localhost") + CONN_PATH

    def script(method: str, path: str) -> Answer:
        return Answer(status, {"Location": location})

    with (HostileServer(script) as srv,
          engine_at(emu, door, **{"aep:platformUrl": srv.url}) as eng):
        with pytest.raises(HostError) as caught:
            eng.up(declare(props, sandbox, ["r"]))
        assert eng.state == {}
    assert f"HTTP {status}" in caught.value.last_line
    assert "localhost" in caught.value.last_line
    assert flow_requests(emu) == []
    assert [s.method for s in srv.seen] == ["POST"]
    assert emu.connections(sandbox=sandbox) == []


def test_lost_create_with_an_unreadable_lookup_creates_nothing_more(
    emu: Emulator, door: str, sandbox: str, props: Props,
) -> None:
    """A create whose answer is lost, then a lookup answered by an HTML page: the create fails
    (may have happened), nothing is in state, and exactly one POST was sent."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return Answer(drop=True)
        return Answer(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")

    with (HostileServer(script) as srv,
          engine_at(emu, door, **{"aep:platformUrl": srv.url}) as eng):
        with pytest.raises(HostError) as caught:
            eng.up(declare(props, sandbox, ["l"]))
        assert eng.state == {}
    assert [s.method for s in srv.seen] == ["POST", "GET"]
    assert "may or may not have happened" in caught.value.last_line
    adopt = "adoptExisting" if door == "plugin" else "adopt_existing"  # the door's spelling
    assert f"or adopt it ({adopt})" in caught.value.last_line


def test_trickling_server_costs_at_most_the_budget(
    emu: Emulator, door: str, sandbox: str, props: Props,
) -> None:
    """A server trickling its answers with aep:timeoutSeconds=0.2 and aep:retryMaxSeconds=0.5:
    refresh fails after at most a budget's worth of attempts (counted: 3 or fewer), state kept."""
    with HostileServer(lambda m, p: Answer(200, trickle=0.02, body=b"{")) as srv:
        config = {"aep:platformUrl": srv.url, "aep:timeoutSeconds": "0.2",
                  "aep:retryMaxSeconds": "0.5", "aep:retryAttempts": "50"}
        with engine_at(emu, door, **config) as eng:
            eng.state = {urn_for("t"): _entry(eng, sandbox, props)}
            before = the_state(eng)
            with pytest.raises(HostError, match="deadline"):
                eng.refresh()
            assert the_state(eng) == before
    assert 1 <= len(srv.seen) <= 3


def _entry(engine: Engine, sandbox: str, props: Props) -> Entry:
    """A resource in state whose connection the test's host will be asked about."""
    inputs = engine.declare(props(name=f"{sandbox}-t", sandbox_name=sandbox))
    outputs = {**inputs, "connection_id": "c-1", "etag": '"e"', "state": "enabled",
               "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    return Entry("c-1", inputs, outputs)


def _create_into(host: ProviderHost, urn: str, news: dict[str, Any],
                 made: list[tuple[str, str, dict[str, Any]]], errors: list[HostError]) -> None:
    try:
        id_, outs = host.create(urn, news)
        made.append((id_, urn, outs))
    except HostError as error:  # kept, so the assertion shows it
        errors.append(error)


def test_identical_resources_created_concurrently_each_get_their_own(
    engine: Engine, emu: Emulator, sandbox: str, props: Props,
) -> None:
    """Two resources with the same name and params created at once through the host's worker
    threads, one POST reset before it was processed: each gets its own connection, and the
    sandbox holds exactly those two (5 trials)."""
    for trial in range(5):
        box = f"{sandbox}-{trial}"
        same = props(name="twin", sandbox_name=box)
        urns = [urn_for(f"twin-{i}") for i in range(2)]
        emu.faults.add(drop="before", method="POST", path="/connections", times=1)
        made: list[tuple[str, str, dict[str, Any]]] = []
        errors: list[HostError] = []
        threads = [threading.Thread(target=_create_into,
                                    args=(engine.host, urn, engine.check(urn, same)[0], made,
                                          errors)) for urn in urns]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        ids = [id_ for id_, _, _ in made]
        assert len(set(ids)) == 2
        assert sorted(c["id"] for c in emu.connections(sandbox=box)) == sorted(ids)
        for id_, urn, outs in made:
            engine.host.delete(id_, urn, outs)


@pytest.mark.parametrize("refusal", ["busy", "auth"])
def test_create_answered_without_etag_is_never_posted_twice_and_its_id_is_kept(
    emu: Emulator, door: str, sandbox: str, props: Props, refusal: str,
) -> None:
    """201 with an id and no etag, then every read-back refused (503 and 429, or 401): nothing
    more is created (exactly one POST) and the id is kept in state: the plugin answers a partial
    failure carrying it, the dynamic door keeps it and warns naming it."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return json_answer(201, {"id": "made-without-etag"})
        if refusal == "auth":
            return json_answer(401, {"error_code": "401013", "message": "Oauth token invalid"})
        return json_answer(503 if len(srv.seen) == 2 else 429, {"message": "busy"})

    with (HostileServer(script) as srv,
          engine_at(emu, door, **{"aep:platformUrl": srv.url, "aep:retryAttempts": "4"}) as eng):
        if door == "plugin":
            with pytest.raises(HostError) as caught:
                eng.up(declare(props, sandbox, ["e"]))
            told = caught.value.last_line
        else:
            assert eng.up(declare(props, sandbox, ["e"])).failures == {}
            told = eng.host.wait_stderr("made-without-etag")
        (kept,) = eng.state.values()
        assert kept.id == "made-without-etag"
        assert kept.outputs["connection_id"] == "made-without-etag"
    assert [s.method for s in srv.seen].count("POST") == 1
    if refusal == "busy":
        assert [s.method for s in srv.seen] == ["POST"] + ["GET"] * 4  # one per attempt
    assert "made-without-etag" in told
    assert "not created again" in told


def test_lost_create_with_an_unprovable_twin_creates_nothing_more(
    emu: Emulator, door: str, sandbox: str, props: Props,
) -> None:
    """A lost create answer, then a list showing a same-settings connection with no
    createdClient: the create fails listing it, exactly one POST."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return Answer(drop=True)
        body = json.loads(srv.seen[0].body)
        return json_answer(200, {"items": [{**body, "id": "twin-of-unknown-origin",
                                            "etag": '"1"', "createdAt": 1}]})

    with (HostileServer(script) as srv,
          engine_at(emu, door, **{"aep:platformUrl": srv.url}) as eng):
        with pytest.raises(HostError) as caught:
            eng.up(declare(props, sandbox, ["u"]))
        assert eng.state == {}
    assert [s.method for s in srv.seen] == ["POST", "GET"]
    assert "twin-of-unknown-origin" in caught.value.last_line


def test_lost_create_lookup_over_endless_pages_ends_without_a_second_post(
    emu: Emulator, door: str, sandbox: str, props: Props,
) -> None:
    """A lost create answer, then a list handing out fresh continuation tokens: the lookup ends
    with its attempt and the budget, the create fails, exactly one POST."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return Answer(drop=True)
        n = len(srv.seen)
        more = {"_links": {"next": {"href": f"/x?continuationToken=t{n}"}}} if n < 5000 else {}
        return json_answer(200, {"items": [{"id": f"other-{n}", "name": "other"}], **more})

    with (HostileServer(script) as srv,
          engine_at(emu, door, **{"aep:platformUrl": srv.url, "aep:retryMaxSeconds": "2",
                                  "aep:retryAttempts": "3"}) as eng):
        with pytest.raises(HostError):
            eng.up(declare(props, sandbox, ["p"]))
        assert eng.state == {}
    assert [s.method for s in srv.seen].count("POST") == 1
