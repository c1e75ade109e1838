"""Bounded listing in both paging styles, with the page fetch injected (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from provider.endpoints import CONNECTIONS, MAPPING_SETS
from provider.errors import UnexpectedAnswerError
from provider.http import paging
from provider.http.paging import next_token, pages

URL = "http://127.0.0.1:1/x"


class Pages:
    """A fetch that answers scripted pages in turn and records the params each was asked with."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.asked: list[list[tuple[str, str]]] = []

    def fetch(self, params: list[tuple[str, str]]) -> dict[str, Any]:
        self.asked.append(params)
        return self.answers.pop(0)


def no_limit(read: int) -> None:
    """A listing with time to spare."""


def token_page(ids: list[str], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"items": [{"id": i} for i in ids]}
    if token is not None:
        page["_links"] = {"next": {"href": f"/connections?continuationToken={token}&limit=2"}}
    return page


def test_token_paging_follows_continuation_tokens_to_the_end() -> None:
    """Flow Service: each next page is asked with the previous page's token, filters kept."""
    script = Pages(token_page(["a", "b"], "t1"), token_page(["c"]))
    found = list(pages(CONNECTIONS, URL, ("name==n",), 2, fetch=script.fetch,
                       before_page=no_limit))
    assert [i["id"] for i in found] == ["a", "b", "c"]
    assert script.asked == [[("property", "name==n"), ("limit", "2")],
                            [("property", "name==n"), ("limit", "2"),
                             ("continuationToken", "t1")]]


def test_offset_paging_stops_at_a_short_page() -> None:
    """Data Prep: start/limit until a page shorter than the limit."""
    script = Pages({"data": [{"id": "a"}, {"id": "b"}]}, {"data": [{"id": "c"}]})
    found = list(pages(MAPPING_SETS, URL, (), 2, fetch=script.fetch, before_page=no_limit))
    assert [i["id"] for i in found] == ["a", "b", "c"]
    assert script.asked == [[("start", "0"), ("limit", "2")], [("start", "2"), ("limit", "2")]]


def test_a_repeated_token_ends_the_listing_with_an_error() -> None:
    """A server that hands back a token it already gave is not listing anything new."""
    script = Pages(token_page(["a"], "t1"), token_page(["b"], "t1"))
    with pytest.raises(UnexpectedAnswerError, match="same continuation token twice"):
        list(pages(CONNECTIONS, URL, (), None, fetch=script.fetch, before_page=no_limit))


def test_the_page_count_is_bounded_whatever_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """After MAX_LIST_PAGES pages the listing stops with an error, not unbounded memory."""
    monkeypatch.setattr(paging, "MAX_LIST_PAGES", 3)
    script = Pages(*(token_page([f"i{n}"], f"t{n}") for n in range(10)))
    with pytest.raises(UnexpectedAnswerError, match="did not end after 3 pages"):
        list(pages(CONNECTIONS, URL, (), None, fetch=script.fetch, before_page=no_limit))
    assert len(script.asked) == 3


def test_the_time_check_runs_before_each_page() -> None:
    """``before_page`` is asked before every page with the pages read so far, and can stop it."""
    seen: list[int] = []

    def stop_at_two(read: int) -> None:
        seen.append(read)
        if read == 2:
            raise TimeoutError("spent")

    script = Pages(*(token_page([f"i{n}"], f"t{n}") for n in range(5)))
    with pytest.raises(TimeoutError):
        list(pages(CONNECTIONS, URL, (), None, fetch=script.fetch, before_page=stop_at_two))
    assert seen == [0, 1, 2]


@pytest.mark.parametrize("page", [{"items": "nope"}, {"items": [1]}, {}],
                         ids=["not a list", "not objects", "missing"])
def test_a_page_without_its_list_is_an_unexpected_answer(page: dict[str, Any]) -> None:
    """A page whose list key is not a list of objects proves nothing: an error."""
    with pytest.raises(UnexpectedAnswerError, match="has no items list"):
        list(pages(CONNECTIONS, URL, (), None, fetch=Pages(page).fetch, before_page=no_limit))


@pytest.mark.parametrize(
    ("payload", "expected"),
    [({"_links": {"next": {"href": "/c?continuationToken=abc&x=1"}}}, "abc"),
     ({"_links": {"next": {"href": "/c?x=1"}}}, None),
     ({"_links": {"next": {"href": ""}}}, None),
     ({"_links": {"next": "abc"}}, None),
     ({}, None)],
    ids=["token", "link without token", "empty link", "not a link", "last page"])
def test_next_token_reads_only_a_real_next_link(payload: dict[str, Any],
                                                expected: str | None) -> None:
    """Only a next link carrying a continuationToken continues the listing."""
    assert next_token(payload) == expected
