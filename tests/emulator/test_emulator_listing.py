"""GET /connections: filters, order, paging by following _links.next.href, count."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from emulator_support import BASE, Api, flow_code


@pytest.fixture
def seeded(api: Api) -> list[str]:
    """Five connections named c0..c4, created in that order; their ids."""
    return [api.created(f"c{i}", database=f"db{i % 2}")[0] for i in range(5)]


def names(answer_items: list[dict[str, object]]) -> list[object]:
    return [item["name"] for item in answer_items]


def test_list_defaults_to_most_recently_updated_first(api: Api, seeded: list[str]) -> None:
    """Without orderby the newest (last updated) connection comes first; secrets masked."""
    first, _ = seeded[0], None
    etag = api.get(first).json()["items"][0]["etag"]
    api.patch(first, etag, [{"op": "replace", "path": "/description", "value": "touched"}])
    answer = api.call("GET", "/connections")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert names(items) == ["c0", "c4", "c3", "c2", "c1"]
    assert answer.json()["_links"] == {}  # the last page, as Adobe's examples show
    assert {item["auth"]["params"]["accessToken"] for item in items} == {"****"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("property=name==c1", ["c1"]),
        ("property=name==c1,c3", ["c1", "c3"]),
        ("property=auth.params.database==db0", ["c0", "c2", "c4"]),
        ("property=auth.params.database==db0&property=name==c0,c1", ["c0"]),
        ("property=name!=c0", ["c1", "c2", "c3", "c4"]),
        (
            "property=connectionSpec.id==e9d7ec6b-0873-4e57-ad21-b3a7c65e310b",
            ["c0", "c1", "c2", "c3", "c4"],
        ),
        ("property=state==disabled", []),
        ("property=name==nobody", []),
    ],
)
def test_property_filters(api: Api, seeded: list[str], query: str, expected: list[str]) -> None:
    """== with comma OR, repeated property AND, != and dotted paths."""
    answer = api.call("GET", f"/connections?{query}&orderby=name")
    assert answer.status_code == 200
    assert names(answer.json()["items"]) == expected


def test_numeric_comparison_filters(emu, api: Api, seeded: list[str]) -> None:  # type: ignore[no-untyped-def]
    """>, <, >=, <= compare numeric fields such as createdAt."""
    stamps = sorted(c["createdAt"] for c in emu.connections())
    middle = stamps[2]
    ge = api.call("GET", f"/connections?property=createdAt>={middle}").json()["items"]
    lt = api.call("GET", f"/connections?property=createdAt<{middle}").json()["items"]
    assert len(ge) + len(lt) == 5
    assert all(item["createdAt"] >= middle for item in ge)
    assert all(item["createdAt"] < middle for item in lt)
    none = api.call("GET", f"/connections?property=createdAt>{stamps[-1]}").json()["items"]
    assert none == []


def test_orderby_ascending_and_descending(api: Api, seeded: list[str]) -> None:
    """orderby=name ascends, -name descends, +name ascends."""
    up = api.call("GET", "/connections?orderby=name").json()["items"]
    down = api.call("GET", "/connections?orderby=-name").json()["items"]
    plus = api.call("GET", "/connections?orderby=%2Bname").json()["items"]
    assert names(up) == ["c0", "c1", "c2", "c3", "c4"]
    assert names(down) == list(reversed(names(up)))
    assert names(plus) == names(up)


def test_paging_by_following_next_href_only(api: Api) -> None:
    """A client that only follows _links.next.href walks every page in order, no repeats."""
    for i in range(7):
        api.created(f"p{i}", database="paged" if i != 3 else "other")
    path = "/connections?limit=2&orderby=name&property=auth.params.database==paged"
    seen: list[object] = []
    pages = 0
    while path:
        answer = api.call("GET", path)
        assert answer.status_code == 200
        body = answer.json()
        assert len(body["items"]) <= 2
        seen.extend(names(body["items"]))
        pages += 1
        href = body.get("_links", {}).get("next", {}).get("href")
        if href is not None:
            assert href.startswith("/connections?continuationToken=")
            assert "limit" not in urlsplit(href).query
        path = href
    assert seen == ["p0", "p1", "p2", "p4", "p5", "p6"]
    assert pages == 3


def test_default_page_size_is_20(api: Api) -> None:
    """Without limit a page holds 20 items and links to the next."""
    for i in range(21):
        api.created(f"n{i:02d}")
    first = api.call("GET", "/connections").json()
    assert len(first["items"]) == 20
    rest = api.call("GET", first["_links"]["next"]["href"]).json()
    assert len(rest["items"]) == 1
    assert rest["_links"] == {}  # the last page, as Adobe's examples show


def test_limit_is_capped_at_100(api: Api, seeded: list[str]) -> None:
    """A limit above 100 is accepted and capped (here every item fits)."""
    answer = api.call("GET", "/connections?limit=500")
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 5


def test_count(api: Api, seeded: list[str]) -> None:
    """count=true answers {"count": N} after filters."""
    assert api.call("GET", "/connections?count=true").json() == {"count": 5}
    filtered = api.call("GET", "/connections?count=true&property=auth.params.database==db1")
    assert filtered.json() == {"count": 2}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("count=true&limit=5", "1401-400"),
        ("limit=0", "1100-400"),
        ("limit=ten", "1100-400"),
        ("continuationToken=garbage!", "1100-400"),
        ("property=name", "1100-400"),
        ("property=createdAt>1,2", "1100-400"),
        ("property=createdAt>soon", "1100-400"),
        ("count=maybe", "1100-400"),
    ],
)
def test_bad_list_queries(api: Api, seeded: list[str], query: str, code: str) -> None:
    """Bad query params get 400 with their catalogue code."""
    answer = api.call("GET", f"/connections?{query}")
    assert answer.status_code == 400
    assert flow_code(answer) == code


def test_list_url_with_trailing_slash(api: Api, seeded: list[str]) -> None:
    """GET /connections/ lists too."""
    assert (
        len(
            api.session.get(
                f"{api.emu.url}{BASE}/connections/", headers=api.headers(), timeout=5
            ).json()["items"]
        )
        == 5
    )
