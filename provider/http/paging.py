"""Bounded listing of a collection, in both paging styles the platform uses.

Flow Service pages with a ``continuationToken`` in ``_links.next.href``; Data Prep with
``start``/``limit``. A listing is bounded in time (by the caller's deadline, checked before each
page) and in size (``MAX_LIST_PAGES`` / ``MAX_LIST_ITEMS`` whatever the time): a server handing
out fresh continuation tokens forever gets an error, not unbounded memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from provider import redaction
from provider.endpoints import Collection
from provider.errors import UnexpectedAnswerError

__all__ = ["LOOKUP_PAGE_SIZE", "MAX_LIST_ITEMS", "MAX_LIST_PAGES", "pages"]

# Name lookups ask for the largest page Flow Service documents, to cost as few requests as possible.
LOOKUP_PAGE_SIZE = 100
# A listing that has not ended after this many pages or items is not a real one.
MAX_LIST_PAGES = 1_000
MAX_LIST_ITEMS = 50_000

Item = dict[str, Any]
Params = list[tuple[str, str]]

_log = logging.getLogger("provider.client")
_log.addFilter(redaction.RedactingFilter())


def pages(
    coll: Collection, url: str, filters: Sequence[str], page_size: int | None, *,
    fetch: Callable[[Params], dict[str, Any]], before_page: Callable[[int], None],
) -> Iterator[Item]:
    """Every item of ``coll`` matching all ``filters``, page by page, lazily.

    ``fetch(params)`` sends one page's GET and answers its JSON object; ``before_page(read)``
    raises when the time for the listing is spent (``read``: pages read so far)."""
    params: Params = [(coll.filter_param, f) for f in filters]
    count = [0, 0]  # pages, items

    def next_page(page: Params) -> tuple[list[Item], dict[str, Any]]:
        read, seen = count
        if read >= MAX_LIST_PAGES or seen >= MAX_LIST_ITEMS:
            raise UnexpectedAnswerError(
                "GET", coll.path, 200,
                f"the list did not end after {read} pages and {seen} items; it is "
                "not read further", url=url)
        before_page(read)
        payload = fetch(page)
        items = payload.get(coll.list_key)
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise UnexpectedAnswerError("GET", coll.path, 200,
                                        f"the list answer has no {coll.list_key} list", url=url)
        count[0] += 1
        count[1] += len(items)
        return items, payload

    if coll.paging == "offset":
        limit = page_size or LOOKUP_PAGE_SIZE
        start = 0
        while True:
            items, _ = next_page([*params, ("start", str(start)), ("limit", str(limit))])
            yield from items
            if len(items) < limit:
                return
            start += len(items)
    if page_size is not None:
        params.append(("limit", str(page_size)))
    token: str | None = None
    tokens_seen: set[str] = set()
    while True:
        items, payload = next_page(params + ([("continuationToken", token)] if token else []))
        yield from items
        token = next_token(payload)
        if token is None:
            return
        if token in tokens_seen:
            raise UnexpectedAnswerError(
                "GET", coll.path, 200,
                "the service returned the same continuation token twice", url=url)
        tokens_seen.add(token)


def next_token(payload: Mapping[str, Any]) -> str | None:
    """The continuation token of the next page's link, None on the last page."""
    links = payload.get("_links")
    nxt = links.get("next") if isinstance(links, dict) else None
    href = nxt.get("href") if isinstance(nxt, dict) else None
    if not isinstance(href, str) or not href:
        return None
    tokens = parse_qs(urlsplit(href).query).get("continuationToken")
    if not tokens:
        _log.warning("next page link without a continuationToken ignored: %s", href)
        return None
    return tokens[0]
