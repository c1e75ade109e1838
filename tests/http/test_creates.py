"""The lost-create proof as a pure function (candidates in, decision out), the server's clock
calibrated from Date headers, the technical account read from the token, and the held ids."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import pytest

from provider.http.creates import (
    DATE_MARGIN_MS,
    Creator,
    Decision,
    HeldIds,
    ServerClock,
    decide,
    technical_account,
)
from tests.client_fixtures import jwt_with

KEY = "my-client"
TECH = "ABC123@techacct.adobe.com"
SINCE = 1_700_000_000_000  # the first attempt, in server time


def identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    return (item.get("name"),)


def item(id_: str, *, by: object = KEY, at: object = SINCE + 50, name: str = "n",
         key: str = "createdClient", when: str = "createdAt") -> dict[str, Any]:
    return {"id": id_, "name": name, key: by, when: at}


ME = Creator(KEY)


def run(listed: list[dict[str, Any]], *, creator: Creator = ME,
        since: int | None = SINCE, held: frozenset[str] = frozenset(),
        by_key: str = "createdClient", at_key: str = "createdAt") -> Decision:
    return decide(listed, identity=("n",), identity_of=identity, created_by=by_key,
                  created_at=at_key, creator=creator, since_ms=since, held=held)


ADOPT = "adopt"
NONE = "none"
AMBIGUOUS = "ambiguous"

CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any], str, tuple[str, ...]]] = [
    ("nothing listed", [], {}, NONE, ()),
    ("one of mine since the attempt", [item("a")], {}, ADOPT, ("a",)),
    ("another name is not it", [item("a", name="other")], {}, NONE, ()),
    ("another client's is left out", [item("a", by="someone")], {}, NONE, ()),
    ("another client's twin does not block mine",
     [item("a", by="someone"), item("b")], {}, ADOPT, ("b",)),
    ("a held id is never taken", [item("a")], {"held": frozenset({"a"})}, NONE, ()),
    ("two of mine: ambiguous, both named", [item("b"), item("a")], {}, AMBIGUOUS, ("a", "b")),
    ("created within the Date margin before the attempt",
     [item("a", at=SINCE - DATE_MARGIN_MS)], {}, ADOPT, ("a",)),
    ("created before the attempt and its margin: unproven",
     [item("a", at=SINCE - DATE_MARGIN_MS - 1)], {}, AMBIGUOUS, ("a",)),
    ("no creator: unproven", [item("a", by=None)], {}, AMBIGUOUS, ("a",)),
    ("creator in another case: unproven", [item("a", by=KEY.upper())], {}, AMBIGUOUS, ("a",)),
    ("no numeric time: unproven", [item("a", at="yesterday")], {}, AMBIGUOUS, ("a",)),
    ("a boolean is not a time", [item("a", at=True)], {}, AMBIGUOUS, ("a",)),
    ("server clock unknown: unproven", [item("a")], {"since": None}, AMBIGUOUS, ("a",)),
    ("one proven wins over an unproven twin",
     [item("a", by=None), item("b")], {}, ADOPT, ("b",)),
    ("several proven and one unproven: every candidate listed",
     [item("c", by=None), item("b"), item("a")], {}, AMBIGUOUS, ("a", "b", "c")),
    ("Data Prep: the technical account the token names is this caller",
     [item("a", by=TECH, key="createdBy", when="createdDate")],
     {"creator": Creator(KEY, TECH), "by_key": "createdBy", "at_key": "createdDate"},
     ADOPT, ("a",)),
    ("Data Prep: another technical account is unproven (Adobe documents neither form it records)",
     [item("a", by="OTHER@techacct.adobe.com", key="createdBy", when="createdDate")],
     {"creator": Creator(KEY, TECH), "by_key": "createdBy", "at_key": "createdDate"},
     AMBIGUOUS, ("a",)),
    ("Data Prep, token names no account: a technical account may be ours",
     [item("a", by=TECH, key="createdBy", when="createdDate")],
     {"by_key": "createdBy", "at_key": "createdDate"}, AMBIGUOUS, ("a",)),
    ("token names no account: a plain user is someone else",
     [item("a", by="someone@example.com")], {}, NONE, ()),
    ("an item without an id is never a candidate", [{"name": "n", "createdClient": KEY,
                                                     "createdAt": SINCE}], {}, NONE, ()),
]


@pytest.mark.parametrize(("listed", "options", "kind", "ids"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_decide(listed: list[dict[str, Any]], options: dict[str, Any], kind: str,
                ids: tuple[str, ...]) -> None:
    """Each listing yields the decision the proof's rules give: adopt, none, or ambiguous."""
    decision = run(listed, **options)
    if kind == ADOPT:
        assert (decision.adopt, decision.candidates, decision.ambiguous) == (ids[0], (), False)
    elif kind == NONE:
        assert (decision.adopt, decision.candidates, decision.ambiguous) == (None, (), False)
    else:
        assert (decision.adopt, decision.candidates, decision.ambiguous) == (None, ids, True)


def test_decide_counts_the_proven_among_the_candidates() -> None:
    """An ambiguous decision says how many candidates were each proven (several vs none)."""
    assert run([item("a"), item("b"), item("c", by=None)]).proven == 2
    assert run([item("c", by=None)]).proven == 0


# -- the server's clock -------------------------------------------------------------------------


def test_server_clock_is_unknown_before_any_date() -> None:
    """No answer carried a Date yet: local times cannot be placed in server time."""
    assert ServerClock().to_server(SINCE) is None


@pytest.mark.parametrize("offset", [-300_000, 0, 7_000, 3_600_000])
def test_server_clock_places_local_times_in_server_time(offset: int) -> None:
    """A server ahead or behind by any amount: local times convert by the observed offset."""
    clock = ServerClock()
    clock.observe(server_ms=10_000 + offset, local_ms=10_000)
    assert clock.to_server(20_000) == 20_000 + offset


def test_server_clock_keeps_the_tightest_lower_bound() -> None:
    """A Date is truncated and written before the answer arrives, so each sample is a lower
    bound of the offset: the largest one is kept, a later smaller one does not lower it."""
    clock = ServerClock()
    clock.observe(server_ms=9_000, local_ms=10_000)  # -1000
    clock.observe(server_ms=10_500, local_ms=11_000)  # -500
    clock.observe(server_ms=11_000, local_ms=12_900)  # -1900
    assert clock.to_server(0) == -500


def test_a_server_clock_behind_ours_still_adopts_the_lost_create() -> None:
    """The server runs 10 minutes behind: an item it stamped after the attempt, in its own
    time, is proven, where a check in our time (or a two-minute skew) would doubt it."""
    clock = ServerClock()
    local_sent = SINCE + 600_000
    clock.observe(server_ms=SINCE + 200, local_ms=local_sent + 250)
    decision = run([item("a", at=SINCE + 120)], since=clock.to_server(local_sent))
    assert decision.adopt == "a"


def test_a_server_clock_ahead_of_ours_doubts_an_older_twin() -> None:
    """The server runs 10 minutes ahead: a twin it stamped 5 minutes before the attempt, in its
    time, is not proven, though in our time it would look recent."""
    clock = ServerClock()
    clock.observe(server_ms=SINCE + 600_000, local_ms=SINCE)
    since = clock.to_server(SINCE)
    assert since is not None
    decision = run([item("a", at=since - 300_000)], since=since)
    assert (decision.adopt, decision.candidates) == (None, ("a",))


# -- the technical account in the token ---------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (jwt_with({"user_id": TECH, "client_id": KEY}), TECH),
        (jwt_with({"client_id": KEY}), None),
        (jwt_with({"user_id": ""}), None),
        (jwt_with({"user_id": 12}), None),
        (jwt_with(["user_id", TECH]), None),
        ("opaque-token-without-dots", None),
        ("a.b", None),
        ("head.!!!not-base64!!!.sig", None),
        ("head." + base64.urlsafe_b64encode(b"not json").decode() + ".sig", None),
        ("head." + base64.urlsafe_b64encode(b"\xff\xfe").decode() + ".sig", None),
    ],
    ids=["claim", "no claim", "empty", "not a string", "not an object", "opaque", "two parts",
         "bad base64", "not json", "not utf-8"],
)
def test_technical_account_is_the_tokens_user_id_claim(token: str, expected: str | None) -> None:
    """Only a JWT whose payload has a string user_id names a technical account."""
    assert technical_account(token) == expected


# -- held ids -----------------------------------------------------------------------------------


def test_held_ids_hold_only_real_ids() -> None:
    """Ids are held once seen; empty or non-string ids are ignored."""
    held = HeldIds()
    for id_ in ("a", "", None, 3):
        held.hold(id_)
    assert ("a" in held, "" in held, None in held, 3 in held, "b" in held) == (
        True, False, False, False, False)


def test_held_ids_give_one_create_lock_per_identity() -> None:
    """The same identity gets the same lock, another identity another."""
    held = HeldIds()
    assert held.create_lock(("n", 1)) is held.create_lock(("n", 1))
    assert held.create_lock(("n", 1)) is not held.create_lock(("n", 2))
