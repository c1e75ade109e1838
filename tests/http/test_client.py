"""FlowServiceClient against the emulator on loopback: operations, headers, errors, retries."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from provider import redaction
from provider.emulator import Emulator
from provider.endpoints import CONNECTIONS
from provider.errors import (
    ApiError,
    ConflictError,
    InUseError,
    NotFoundError,
    TransientError,
    UnexpectedAnswerError,
)
from provider.http.auth import StaticTokenAuth, clear_token_cache
from provider.http.client import (
    BASE_PATH,
    Created,
    FlowServiceClient,
    Patched,
    RetryPolicy,
)
from provider.http.creates import ServerClock
from tests.client_fixtures import (
    ACCESS_TOKEN,
    SPEC_ID,
    count_connections,
    databricks_body,
    flow_requests,
    ims_auth,
    make_client,
    source_reachable,
    start_emulator,
)
from tests.clocks import FakeTime
from tests.hostile import Answer, HostileServer, json_answer


@pytest.fixture(autouse=True)
def _fresh(emu: Emulator) -> None:
    emu.faults.clear()
    emu.clear_requests()
    clear_token_cache()




@pytest.fixture
def client(emu: Emulator) -> FlowServiceClient:
    return make_client(emu)


def stored(emu: Emulator, sandbox: str) -> list[dict[str, Any]]:
    return list(emu.connections(emu.org_id, sandbox))


def paths(emu: Emulator, sandbox: str) -> list[tuple[str, int]]:
    """(method, status) of each Flow Service request in the sandbox."""
    return [(r.method, r.status) for r in flow_requests(emu, sandbox)]


# -- happy paths and headers -------------------------------------------------------------------


def test_create_costs_one_request_and_sends_the_headers(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A create is one POST with api key, org, lowercase sandbox, JSON content type and accept."""
    created = client.create_connection(sandbox.upper(), databricks_body("c1"))
    assert isinstance(created, Created)
    assert created.etag.startswith('"')
    assert created.etag.endswith('"')
    assert abs(created.date_ms - time.time() * 1000) < 5000
    (post,) = flow_requests(emu, sandbox)
    assert (post.method, post.path, post.status) == ("POST", BASE_PATH + "/connections", 201)
    assert post.headers["x-api-key"] == emu.client_id
    assert post.headers["x-gw-ims-org-id"] == emu.org_id
    assert post.headers["x-sandbox-name"] == sandbox
    assert post.headers["content-type"] == "application/json"
    assert post.headers["accept"] == "application/json"
    assert post.headers["authorization"].startswith("Bearer ")
    assert client.request_count == 1
    assert [c["id"] for c in stored(emu, sandbox)] == [created.id]


def test_get_unwraps_the_item(client: FlowServiceClient, sandbox: str) -> None:
    """get_connection returns items[0] with the stored fields and the create's etag."""
    created = client.create_connection(sandbox, databricks_body("g1", catalog="main"))
    item = client.get_connection(sandbox, created.id)
    assert item["id"] == created.id
    assert item["name"] == "g1"
    assert item["etag"] == created.etag
    assert item["auth"]["params"]["catalog"] == "main"
    assert item["connectionSpec"]["id"] == SPEC_ID


def test_get_missing_is_not_found_with_code_request_id_method_path(
    client: FlowServiceClient, sandbox: str,
) -> None:
    """Flow Service's 1101-404 is NotFoundError naming method, path, URL, code and request id."""
    with pytest.raises(NotFoundError) as caught:
        client.get_connection(sandbox, "nope")
    error = caught.value
    text = str(error)
    assert (error.status, error.code) == (404, "1101-404")
    assert error.request_id
    assert error.request_id in text
    assert "GET /connections/nope" in text
    assert "1101-404" in text
    assert f"answered by {client.base_url}/connections/nope" in text
    assert not error.may_have_taken_effect


def test_list_follows_pages_and_resends_filters(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """Listing 7 connections 3 a page takes 3 requests, each with the filter and page size."""
    ids = {client.create_connection(sandbox, databricks_body(f"p{i}")).id for i in range(7)}
    client.create_connection(sandbox, databricks_body("other", database="elsewhere"))
    emu.clear_requests()
    items = list(client.list_items(CONNECTIONS, sandbox, ("auth.params.database==acme",),
                                   page_size=3))
    assert {i["id"] for i in items} == ids
    assert len(items) == 7
    gets = flow_requests(emu, sandbox)
    assert len(gets) == 3
    for recorded in gets:
        assert recorded.query["property"] == ["auth.params.database==acme"]
        assert recorded.query["limit"] == ["3"]
    assert "continuationToken" not in gets[0].query
    assert all("continuationToken" in g.query for g in gets[1:])


def test_filters_are_anded(client: FlowServiceClient, sandbox: str) -> None:
    """Several filters select the connections matching all of them."""
    client.create_connection(sandbox, databricks_body("a", database="x"))
    client.create_connection(sandbox, databricks_body("a", database="y"))
    client.create_connection(sandbox, databricks_body("b", database="x"))
    found = list(client.list_items(CONNECTIONS, sandbox, ("name==a", "auth.params.database==x")))
    assert [(i["name"], i["auth"]["params"]["database"]) for i in found] == [("a", "x")]


def test_count(emu: Emulator, client: FlowServiceClient, sandbox: str) -> None:
    """A count (GET /connections?count=true) answers with one request, honouring filters."""
    for name in ("n1", "n2", "n1"):
        client.create_connection(sandbox, databricks_body(name))
    emu.clear_requests()
    assert count_connections(client, sandbox) == 3
    assert count_connections(client, sandbox, ("name==n1",)) == 2
    assert len(flow_requests(emu, sandbox)) == 2


def test_find_by_name_is_exact_even_with_a_comma(client: FlowServiceClient, sandbox: str) -> None:
    """A name with a comma (an OR to the service) still finds only the exact name."""
    client.create_connection(sandbox, databricks_body("a"))
    client.create_connection(sandbox, databricks_body("b"))
    wanted = client.create_connection(sandbox, databricks_body("a,b"))
    assert [i["id"] for i in client.find_by_name(sandbox, "a,b")] == [wanted.id]
    assert [i["name"] for i in client.find_by_name(sandbox, "a")] == ["a"]
    assert client.find_by_name(sandbox, "zzz") == []


def test_patch_sends_if_match_verbatim_and_returns_new_etag(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """PATCH sends the etag with its quotes, a JSON Patch array, and returns the new etag."""
    created = client.create_connection(sandbox, databricks_body("before"))
    emu.clear_requests()
    ops = [{"op": "replace", "path": "/name", "value": "after"}]
    patched = client.patch_connection(sandbox, created.id, created.etag, ops)
    assert isinstance(patched, Patched)
    assert patched.etag != created.etag
    (request,) = flow_requests(emu, sandbox)
    assert request.headers["if-match"] == created.etag
    assert request.headers["content-type"] == "application/json"
    assert request.body == ops
    item = client.get_connection(sandbox, created.id)
    assert (item["name"], item["etag"]) == ("after", patched.etag)


def test_patch_with_stale_etag_is_conflict(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A 412 on the first attempt is a ConflictError, without re-reading even with applied."""
    created = client.create_connection(sandbox, databricks_body("c"))
    client.patch_connection(sandbox, created.id, created.etag,
                            [{"op": "replace", "path": "/description", "value": "elsewhere"}])
    emu.clear_requests()
    with pytest.raises(ConflictError) as caught:
        client.patch_connection(sandbox, created.id, created.etag,
                                [{"op": "replace", "path": "/name", "value": "mine"}],
                                applied=lambda item: True)
    text = str(caught.value)
    assert "1404-412" in text
    assert "PATCH /connections/" in text
    assert not caught.value.may_have_taken_effect
    assert paths(emu, sandbox) == [("PATCH", 412)]


def test_delete_then_get_is_not_found(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """delete_connection removes it with one request; deleting again is NotFoundError."""
    created = client.create_connection(sandbox, databricks_body("d"))
    emu.clear_requests()
    client.delete_connection(sandbox, created.id)
    assert paths(emu, sandbox) == [("DELETE", 204)]
    assert stored(emu, sandbox) == []
    with pytest.raises(NotFoundError):
        client.delete_connection(sandbox, created.id)


def test_tested_ok(client: FlowServiceClient, sandbox: str) -> None:
    """GET /connections/{id}/test reports the service's result."""
    ok = client.create_connection(sandbox, databricks_body("ok"))
    bad = client.create_connection(
        sandbox, databricks_body("bad", domain="https://unreachable.example.net"))
    assert source_reachable(client, sandbox, ok.id) is True
    assert source_reachable(client, sandbox, bad.id) is False


def test_create_rejected_is_api_error_with_hint_and_no_secret(
    client: FlowServiceClient, sandbox: str,
) -> None:
    """A 400 on create is an ApiError naming the code and a fix, with no access token."""
    body = databricks_body("bad-spec")
    body["connectionSpec"]["id"] = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(ApiError) as caught:
        client.create_connection(sandbox, body)
    text = str(caught.value)
    assert type(caught.value) is ApiError
    assert caught.value.status == 400
    assert "POST /connections" in text
    assert "1413-400" in text
    assert ACCESS_TOKEN not in text


def test_malformed_sandbox_is_not_a_missing_connection(client: FlowServiceClient) -> None:
    """A 2100-404 (sandbox not found) is a plain ApiError, never "the connection is gone"."""
    with pytest.raises(ApiError) as caught:
        client.get_connection("bad_sandbox!", "id")
    assert not isinstance(caught.value, NotFoundError)
    assert caught.value.code == "2100-404"
    assert "Sandbox with name 'bad_sandbox!' not found" in str(caught.value)


def test_four_threads_share_one_client(emu: Emulator, client: FlowServiceClient,
                                       sandbox: str) -> None:
    """Four threads creating through one client make 20 distinct connections in 20 requests."""
    ids: list[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(5):
            created = client.create_connection(sandbox, databricks_body(f"t{n}-{i}"))
            with lock:
                ids.append(created.id)

    before = client.request_count
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 20
    assert len(stored(emu, sandbox)) == 20
    assert client.request_count - before == 20


# -- retries -----------------------------------------------------------------------------------


def test_honours_retry_after(emu: Emulator, sandbox: str) -> None:
    """A 429 with Retry-After: 1 is retried after waiting exactly one second (injected sleep)."""
    fake = FakeTime()
    client = make_client(emu, clock=fake.clock, sleep=fake.sleep)
    emu.faults.add(status=429, retry_after=1, times=1, method="GET")
    assert count_connections(client, sandbox) == 0
    assert fake.slept == [1.0]
    assert paths(emu, sandbox) == [("GET", 429), ("GET", 200)]


def test_rides_out_a_burst_of_429_on_create_without_lookup(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """429s on create were not processed: retried straight away, one connection, no lookup."""
    emu.faults.add(status=429, retry_after=0, times=3, method="POST", path="/connections")
    client.create_connection(sandbox, databricks_body("busy"))
    assert paths(emu, sandbox) == [("POST", 429)] * 3 + [("POST", 201)]
    assert len(stored(emu, sandbox)) == 1


def test_rides_out_503_on_reads(emu: Emulator, client: FlowServiceClient, sandbox: str) -> None:
    """GETs are retried through 503s."""
    created = client.create_connection(sandbox, databricks_body("r"))
    emu.faults.add(status=503, times=2, method="GET")
    assert client.get_connection(sandbox, created.id)["id"] == created.id
    assert paths(emu, sandbox)[1:] == [("GET", 503), ("GET", 503), ("GET", 200)]


def test_gives_up_after_the_attempt_budget(emu: Emulator, sandbox: str) -> None:
    """Endless 503s give a TransientError after exactly `attempts` tries, saying so."""
    client = make_client(emu, retry=RetryPolicy(attempts=3, total_seconds=20, base_delay=0.01,
                                                max_delay=0.02))
    emu.faults.add(status=503, method="GET")
    with pytest.raises(TransientError) as caught:
        count_connections(client, sandbox)
    text = str(caught.value)
    assert "gave up after 3 attempts" in text
    assert "1103-503" in text
    assert not caught.value.may_have_taken_effect
    assert len(flow_requests(emu, sandbox)) == 3


def test_gives_up_when_retry_after_exceeds_the_time_budget(emu: Emulator, sandbox: str) -> None:
    """A Retry-After longer than the remaining budget stops at once with a TransientError."""
    fake = FakeTime()
    client = make_client(emu, retry=RetryPolicy(attempts=6, total_seconds=2, base_delay=0.01),
                         clock=fake.clock, sleep=fake.sleep)
    emu.faults.add(status=429, retry_after=30, method="GET")
    with pytest.raises(TransientError) as caught:
        count_connections(client, sandbox)
    assert fake.slept == []
    assert "Retry-After" in str(caught.value)
    assert "429050" in str(caught.value)
    assert len(flow_requests(emu, sandbox)) == 1


def test_gives_up_when_the_time_budget_is_spent(emu: Emulator, sandbox: str) -> None:
    """Failures stop at the total-time budget before the attempt budget (injected clock)."""
    fake = FakeTime()
    client = make_client(emu, retry=RetryPolicy(attempts=50, total_seconds=0.6, base_delay=0.2,
                                                max_delay=0.2), clock=fake.clock, sleep=fake.sleep)
    emu.faults.add(status=503, method="GET")
    with pytest.raises(TransientError, match="retry budget was spent"):
        count_connections(client, sandbox)
    assert sum(fake.slept) <= 0.6
    assert len(flow_requests(emu, sandbox)) == len(fake.slept) + 1 < 50


# -- ambiguous failures ------------------------------------------------------------------------


def test_create_with_lost_answer_returns_the_committed_connection(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """Committed but unanswered create: the lookup finds it; exactly one connection exists."""
    emu.faults.add(drop="after", method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("lost"))
    (only,) = stored(emu, sandbox)
    assert (created.id, created.etag) == (only["id"], only["etag"])
    assert created.date_ms == only["createdAt"]
    assert paths(emu, sandbox) == [("POST", 0), ("GET", 200)]


@pytest.mark.parametrize("skew_s", [-600.0, 600.0], ids=["ours behind", "ours ahead"])
def test_lost_create_is_found_whatever_our_clock_says(
    emu: Emulator, sandbox: str, skew_s: float,
) -> None:
    """Our wall clock is 10 minutes off the service's: the window is placed in the service's
    time (its Date headers), so the committed connection is still the one adopted."""
    client = make_client(emu, wall=lambda: time.time() + skew_s, server_clock=ServerClock())
    emu.faults.add(drop="after", method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("skewed"))
    (only,) = stored(emu, sandbox)
    assert created.id == only["id"]
    assert paths(emu, sandbox) == [("POST", 0), ("GET", 200)]


def test_create_with_503_not_committed_is_retried_once(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A 503 that did not commit: lookup finds nothing, the retry creates exactly one."""
    emu.faults.add(status=503, method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("flaky"))
    assert [c["id"] for c in stored(emu, sandbox)] == [created.id]
    assert paths(emu, sandbox) == [("POST", 503), ("GET", 200), ("POST", 201)]


def test_create_reset_before_processing_is_retried(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A connection reset before processing: looked up, not found, created once."""
    emu.faults.add(drop="before", method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("reset"))
    assert [c["id"] for c in stored(emu, sandbox)] == [created.id]


def test_create_read_timeout_finds_the_slow_commit(emu: Emulator, sandbox: str) -> None:
    """A create that committed but answered after the read timeout is found, not repeated."""
    # Real time, 0.1 s: the attempt deadline is enforced on a real socket by its watchdog.
    client = make_client(emu, timeout=(2.0, 0.1))
    emu.faults.add(delay=0.5, method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("slow"))
    assert [c["id"] for c in stored(emu, sandbox)] == [created.id]


def test_create_lookup_failing_transiently_keeps_trying(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """If the lookup after a lost answer fails, it is retried within the budget."""
    emu.faults.add(drop="after", method="POST", path="/connections", times=1)
    emu.faults.add(status=502, method="GET", times=1)
    created = client.create_connection(sandbox, databricks_body("lookup-flaky"))
    assert [c["id"] for c in stored(emu, sandbox)] == [created.id]
    assert paths(emu, sandbox) == [("POST", 0), ("GET", 502), ("GET", 200)]


def test_create_does_not_adopt_a_same_name_connection_it_already_knew(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A same-name, same-params connection seen before the create is never taken as ours."""
    other = make_client(emu).create_connection(sandbox, databricks_body("twin"))
    assert [i["id"] for i in client.find_by_name(sandbox, "twin")] == [other.id]
    emu.faults.add(drop="after", method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("twin"))
    assert created.id != other.id
    assert {c["id"] for c in stored(emu, sandbox)} == {other.id, created.id}


def test_create_does_not_adopt_a_different_connection_of_that_name(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A same-name connection with other auth params made meanwhile is not ours."""
    emu.faults.add(status=503, method="POST", path="/connections", times=1)
    make_client(emu).create_connection(sandbox, databricks_body("n", database="someone-else"))
    emu.faults.clear()
    emu.faults.add(status=503, method="POST", path="/connections", times=1)
    created = client.create_connection(sandbox, databricks_body("n"))
    mine = [c for c in stored(emu, sandbox) if c["auth"]["params"]["database"] == "acme"]
    assert [c["id"] for c in mine] == [created.id]


def test_create_does_not_adopt_an_old_same_name_connection(tmp_path: Path) -> None:
    """A same-name, same-params connection created long ago is not adopted after a lost answer."""
    sandbox = "old-twin"
    base = start_emulator()
    try:
        old = make_client(base).create_connection(sandbox, databricks_body("twin"))
        (record,) = base.connections(base.org_id, sandbox)
    finally:
        base.stop()
    long_ago = record["createdAt"] - 20 * 60_000
    record.update(createdAt=long_ago, updatedAt=long_ago)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": 1, "connections": [record], "flowReferences": []}))
    emu = start_emulator(state_file=str(state))
    try:
        assert [c["createdAt"] for c in emu.connections(emu.org_id, sandbox)] == [long_ago]
        emu.faults.add(drop="after", method="POST", path="/connections", times=1)
        created = make_client(emu).create_connection(sandbox, databricks_body("twin"))
        assert created.id != old.id
        assert {c["id"] for c in emu.connections(emu.org_id, sandbox)} == {old.id, created.id}
    finally:
        emu.stop()


def test_create_ambiguous_until_budget_says_it_may_have_happened(
    emu: Emulator, sandbox: str,
) -> None:
    """When every create attempt is a 503 the error says the create may have taken effect."""
    client = make_client(emu, retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01))
    emu.faults.add(status=503, method="POST", path="/connections")
    with pytest.raises(TransientError) as caught:
        client.create_connection(sandbox, databricks_body("never"))
    assert caught.value.may_have_taken_effect
    assert "gave up after 2 attempts" in str(caught.value)
    assert stored(emu, sandbox) == []


def test_create_throttled_until_budget_says_nothing_was_created(
    emu: Emulator, sandbox: str,
) -> None:
    """When every create attempt is a 429 the error says the create took no effect."""
    client = make_client(emu, retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01))
    emu.faults.add(status=429, method="POST", path="/connections")
    with pytest.raises(TransientError) as caught:
        client.create_connection(sandbox, databricks_body("never"))
    assert not caught.value.may_have_taken_effect
    assert stored(emu, sandbox) == []


def test_patch_with_lost_answer_succeeds_through_applied(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """PATCH committed but unanswered: the retry meets 412, applied() sees it landed."""
    created = client.create_connection(sandbox, databricks_body("p"))
    emu.clear_requests()
    emu.faults.add(drop="after", method="PATCH", times=1)
    patched = client.patch_connection(
        sandbox, created.id, created.etag,
        [{"op": "replace", "path": "/description", "value": "new"}],
        applied=lambda item: item.get("description") == "new",
    )
    (only,) = stored(emu, sandbox)
    assert patched.etag == only["etag"] != created.etag
    assert patched.date_ms == only["updatedAt"]
    assert paths(emu, sandbox) == [("PATCH", 0), ("PATCH", 412), ("GET", 200)]


def test_patch_with_lost_answer_and_no_applied_is_conflict(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """Without applied(), a 412 after a lost answer is a ConflictError that explains why."""
    created = client.create_connection(sandbox, databricks_body("p"))
    emu.faults.add(drop="after", method="PATCH", times=1)
    with pytest.raises(ConflictError, match="earlier attempt"):
        client.patch_connection(sandbox, created.id, created.etag,
                                [{"op": "replace", "path": "/description", "value": "new"}])


def test_patch_after_503_retries_with_same_if_match(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A PATCH answered 503 (not applied) is re-sent with the same If-Match and succeeds."""
    created = client.create_connection(sandbox, databricks_body("p"))
    emu.clear_requests()
    emu.faults.add(status=503, method="PATCH", times=1)
    client.patch_connection(sandbox, created.id, created.etag,
                            [{"op": "replace", "path": "/description", "value": "x"}])
    sent = flow_requests(emu, sandbox)
    assert [(r.status, r.headers["if-match"]) for r in sent] == [(503, created.etag),
                                                                  (200, created.etag)]


def test_delete_with_lost_answer_is_success(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """A DELETE whose answer was lost, retried into 404, counts as done."""
    created = client.create_connection(sandbox, databricks_body("d"))
    emu.clear_requests()
    emu.faults.add(drop="after", method="DELETE", times=1)
    client.delete_connection(sandbox, created.id)
    assert paths(emu, sandbox) == [("DELETE", 0), ("DELETE", 404)]
    assert stored(emu, sandbox) == []


def test_delete_in_use_is_in_use_error(
    emu: Emulator, client: FlowServiceClient, sandbox: str,
) -> None:
    """Deleting a connection a dataflow uses raises InUseError with the service's 1418 code."""
    created = client.create_connection(sandbox, databricks_body("used"))
    emu.add_flow_reference(created.id)
    with pytest.raises(InUseError) as caught:
        client.delete_connection(sandbox, created.id)
    assert "1418-400" in str(caught.value)
    assert "flows" in str(caught.value).lower()
    assert len(stored(emu, sandbox)) == 1


# -- secrets -----------------------------------------------------------------------------------


def test_no_secret_in_errors_reprs_or_logs(
    emu: Emulator, sandbox: str, caplog: pytest.LogCaptureFixture,
) -> None:
    """Client secret, IMS token and accessToken appear in no error text, repr or debug log."""
    caplog.set_level(logging.DEBUG)
    auth = ims_auth(emu)
    client = make_client(emu, auth=auth, retry=RetryPolicy(attempts=2, base_delay=0.01))
    token = auth.token()
    texts = [repr(client), repr(auth)]
    bad = databricks_body("s")
    bad["connectionSpec"]["id"] = "bad"
    for fault, call in (
        (False, lambda: client.create_connection(sandbox, bad)),
        (True, lambda: client.create_connection(sandbox, databricks_body("s"))),
        (False, lambda: client.get_connection(sandbox, "missing")),
    ):
        if fault:
            emu.faults.add(status=503, method="POST", path="/connections")
        with pytest.raises(ApiError) as caught:
            call()
        emu.faults.clear()
        texts.append(str(caught.value))
        texts.append(repr(caught.value))
    texts.append(caplog.text)
    for text in texts:
        for secret in (emu.client_secret, token, ACCESS_TOKEN):
            assert secret not in text
    assert ACCESS_TOKEN in redaction.registered()


def test_create_against_a_refusing_host_was_never_sent() -> None:
    """Connection refused is not ambiguous: no lookup, and the error says it took no effect."""
    # Held bound but not listening for the whole test: connections are refused, and no other
    # bind(0) can take the port meanwhile (freeing it first would race).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        client = FlowServiceClient(
            f"http://127.0.0.1:{s.getsockname()[1]}", org_id="org@AdobeOrg", api_key="key",
            auth=StaticTokenAuth("static-token-0123456789"),
            retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01),
        )
        with pytest.raises(TransientError) as caught:
            client.create_connection("prod", databricks_body("x"))
    text = str(caught.value)
    assert "no answer" in text
    assert not caught.value.may_have_taken_effect
    assert client.request_count == 2


# -- untrusted answers (a scripted loopback server stands in for a wrong or hostile host) ------

CONN_PATH = BASE_PATH + "/connections"
GONE_BODY = {"type": "https://ns.adobe.com/aep/errors/FLOW-1101-404", "status": 404,
             "title": "Resource not found", "report": {"detailed-message": "not found"}}


def hostile_client(url: str, **kwargs: Any) -> FlowServiceClient:
    """A client of ``url`` with a static token, fast retries and an injected sleep."""
    fake = FakeTime()
    kwargs.setdefault("retry", RetryPolicy(attempts=3, total_seconds=5, base_delay=0.01))
    kwargs.setdefault("clock", fake.clock)
    return FlowServiceClient(url, org_id="org@AdobeOrg", api_key="my-client",
                             auth=StaticTokenAuth("static-token-0123456789"),
                             sleep=fake.sleep, **kwargs)


@pytest.mark.parametrize(("answer", "gone"), [
    (json_answer(404, GONE_BODY), True),
    (json_answer(404, {"code": "1101-404", "message": "gone"}), True),
    (json_answer(404, {"errorMessage": "connections not found with id = [c1]",
                       "errorDetails": "connections not found with id = [c1]"}), True),
    (json_answer(404, {"errorMessage": "connections not found with id = [other]"}), False),
    (json_answer(404, {"type": "https://ns.adobe.com/aep/errors/FLOW-1439-404",
                       "title": "hidden by access labels"}), False),
    (Answer(404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"), False),
    (Answer(404), False),
    (json_answer(404, {"message": "no route"}), False),
    (json_answer(200, {"items": []}), False),
    (json_answer(200, {"foo": 1}), False),
    (Answer(200, {"Content-Type": "text/html"}, b"<html>proxy login</html>"), False),
    (Answer(200), False),
    (json_answer(200, [1, 2]), False),
    (json_answer(200, {"items": [{"id": "someone-else"}]}), False),
    (Answer(302, {"Location": "https://login.example.com/"}), False),
])
def test_a_connection_is_gone_only_when_flow_service_says_so(answer: Answer, gone: bool) -> None:
    """Only Flow Service's own 404 (1101-404, or the code-less example for this id) is
    NotFoundError; every other 404, garbage 2xx or 3xx is UnexpectedAnswerError."""
    with HostileServer(lambda m, p: answer) as srv:
        client = hostile_client(srv.url)
        with pytest.raises(ApiError) as caught:
            client.get_connection("prod", "c1")
    assert isinstance(caught.value, NotFoundError) is gone
    assert isinstance(caught.value, UnexpectedAnswerError) is not gone
    assert f"{srv.url}{CONN_PATH}/c1" in str(caught.value)


def test_delete_already_gone_needs_proof_too() -> None:
    """A DELETE answered by a bare 404 page is not "already deleted"."""
    with (HostileServer(lambda m, p: Answer(404, {}, b"Not Found")) as srv,
          pytest.raises(UnexpectedAnswerError) as caught):
        hostile_client(srv.url).delete_connection("prod", "c1")
    assert caught.value.status == 404


def test_sandbox_404_is_never_gone() -> None:
    """A 2101-404 (sandbox) is a plain ApiError, not NotFoundError."""
    body = {"type": "https://ns.adobe.com/aep/errors/FLOW-2101-404", "title": "sandbox"}
    with (HostileServer(lambda m, p: json_answer(404, body)) as srv,
          pytest.raises(ApiError) as caught):
        hostile_client(srv.url).get_connection("prod", "c1")
    assert type(caught.value) is ApiError
    assert caught.value.code == "2101-404"


def test_test_endpoint_404_is_not_gone(client: FlowServiceClient, sandbox: str) -> None:
    """A 404 on /connections/{id}/test is an ApiError, never NotFoundError."""
    with pytest.raises(ApiError) as caught:
        source_reachable(client, sandbox, "missing")
    assert type(caught.value) is ApiError
    assert caught.value.status == 404


@pytest.mark.parametrize("status", [301, 307, 308])
def test_create_redirected_sends_nothing_to_the_other_host(status: int) -> None:
    """A create answered 3xx is an error naming status and Location host; the other host gets
    no request, no token, no body, and the client sent one request."""
    with HostileServer(lambda m, p: Answer(200)) as other:
        location = other.url.replace("127.0.0.1", "localhost") + CONN_PATH
        with HostileServer(lambda m, p: Answer(status, {"Location": location})) as srv:
            client = hostile_client(srv.url)
            with pytest.raises(UnexpectedAnswerError) as caught:
                client.create_connection("prod", databricks_body("r"))
        assert other.seen == []
    assert caught.value.status == status
    assert "redirect to localhost" in str(caught.value)
    assert ACCESS_TOKEN not in str(caught.value)
    assert client.request_count == 1


def test_lost_create_with_an_unreadable_lookup_never_posts_again() -> None:
    """After a lost create answer, an HTML lookup answer is an error: one POST, no second."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return Answer(drop=True)
        return Answer(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")

    with HostileServer(script) as srv, pytest.raises(UnexpectedAnswerError):
        hostile_client(srv.url).create_connection("prod", databricks_body("x"))
    assert [s.method for s in srv.seen] == ["POST", "GET"]


def _listed(id_: str, *, client: str = "my-client", name: str = "x", **params: str
            ) -> dict[str, Any]:
    body = databricks_body(name)
    body["auth"]["params"].update(params)
    return {**body, "id": id_, "etag": f'"{id_}-e"', "createdClient": client,
            "createdAt": int(time.time() * 1000)}


def test_lost_create_with_two_candidates_lists_them_and_creates_nothing() -> None:
    """Two connections that could each be the lost create's: an error naming both, one POST."""
    items = [_listed("cand-a"), _listed("cand-b")]

    def script(method: str, path: str) -> Answer:
        return Answer(drop=True) if method == "POST" else json_answer(200, {"items": items})

    with HostileServer(script) as srv, pytest.raises(ApiError) as caught:
        hostile_client(srv.url).create_connection("prod", databricks_body("x"))
    assert "cand-a" in str(caught.value)
    assert "cand-b" in str(caught.value)
    assert caught.value.may_have_taken_effect
    assert [s.method for s in srv.seen] == ["POST", "GET"]


def test_lost_create_never_adopts_another_clients_connection() -> None:
    """A same-name, same-params connection created by another client is not taken: created."""
    posts: list[int] = []

    def script(method: str, path: str) -> Answer:
        if method == "POST":
            posts.append(1)
            if len(posts) == 1:
                return Answer(drop=True)
            return json_answer(201, {"id": "mine", "etag": '"m"'})
        return json_answer(200, {"items": [_listed("theirs", client="someone-else")]})

    with HostileServer(script) as srv:
        created = hostile_client(srv.url).create_connection("prod", databricks_body("x"))
    assert created.id == "mine"


def test_created_without_etag_keeps_the_id_and_reads_the_etag() -> None:
    """A 201 without an etag keeps the id and reads the etag back with one GET (no orphan)."""
    def script(method: str, path: str) -> Answer:
        if method == "POST":
            return json_answer(201, {"id": "new-id"})
        return json_answer(200, {"items": [_listed("new-id")]})

    with HostileServer(script) as srv:
        created = hostile_client(srv.url).create_connection("prod", databricks_body("x"))
    assert (created.id, created.etag) == ("new-id", '"new-id-e"')
    assert [(s.method, s.path) for s in srv.seen] == [("POST", CONN_PATH),
                                                       ("GET", CONN_PATH + "/new-id")]


def test_trickling_server_costs_at_most_the_budget() -> None:
    """A server trickling its answer: each attempt ends at its deadline, and the retry budget
    (counted attempts here) ends the call with a TransientError."""
    with HostileServer(lambda m, p: Answer(200, trickle=0.02, body=b"{")) as srv:
        # Real time, 2 x 0.1 s: each deadline is enforced on a real socket.
        client = hostile_client(srv.url, timeout=(1.0, 0.1),
                                retry=RetryPolicy(attempts=2, total_seconds=5, base_delay=0.01))
        with pytest.raises(TransientError, match="deadline") as caught:
            count_connections(client, "prod")
    assert len(srv.seen) == 2
    assert not caught.value.may_have_taken_effect


def test_budget_cuts_the_attempt_deadline() -> None:
    """The whole call fits in aep:retryMaxSeconds: an attempt's deadline is what is left."""
    with HostileServer(lambda m, p: Answer(200, trickle=0.02, body=b"{")) as srv:
        # The real clock (0.1 s): the budget itself is what this test holds.
        client = hostile_client(srv.url, timeout=(1.0, 30.0), clock=time.monotonic,
                                retry=RetryPolicy(attempts=5, total_seconds=0.1, base_delay=0.01))
        with pytest.raises(TransientError, match=r"0\.1s deadline"):
            count_connections(client, "prod")


def _create_into(emu: Emulator, sandbox: str, results: list[str]) -> None:
    results.append(make_client(emu).create_connection(sandbox, databricks_body("twin")).id)


def test_concurrent_identical_creates_with_a_reset_each_get_their_own(emu: Emulator,
                                                                      sandbox: str) -> None:
    """Two same-name, same-params creates at once, one POST reset before processing: two
    connections, one each (5 trials)."""
    for trial in range(5):
        box = f"{sandbox[:50]}-{trial}"
        emu.faults.add(drop="before", method="POST", path="/connections", times=1)
        results: list[str] = []
        threads = [threading.Thread(target=_create_into, args=(emu, box, results))
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(results)) == 2
        assert sorted(c["id"] for c in stored(emu, box)) == sorted(results)
