"""``GET /connections`` query semantics: ``property`` filters, ``orderby``, paging, ``count``.

- ``property=field==a,b``: equality, comma is OR; ``!=`` is the negation. A value may be in
  double quotes, as Adobe's examples write it (``property=name=="CRMToAEP"``). Repeated ``property``
  params are ANDed. ``>``, ``<``, ``>=``, ``<=`` compare numbers (one value only). ``field`` may be
  a dotted path (``connectionSpec.id``).
- ``orderby=-updatedAt`` (default: most recently updated first); ``+f``/``f`` ascending, ``-f``
  descending, comma-separated for several keys; ties keep creation order.
- ``limit``: page size, default ``DEFAULT_LIMIT``, capped at ``MAX_LIMIT``.
- The last page carries ``"_links": {}`` (as Adobe's list examples show); another page
  ``_links.next.href``.
- ``continuationToken``: opaque; it encodes the offset *and* the original query, so a client that
  only follows ``_links.next.href`` gets the right next page. Params sent beside it override the
  encoded ones.
- ``count=true`` answers ``{"count": N}``; with ``limit`` it is ``1401-400``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from provider.emulator.problems import FlowError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
DEFAULT_ORDER = "-updatedAt"

_EXPRESSION = re.compile(r"^([A-Za-z0-9_.]+)\s*(==|!=|>=|<=|>|<)\s*(.*)$")
_MISSING = object()


@dataclass(frozen=True)
class Query:
    """A parsed list query."""

    properties: tuple[str, ...] = ()
    orderby: str = DEFAULT_ORDER
    limit: int | None = None
    count: bool = False
    offset: int = 0


def parse_query(params: Mapping[str, Sequence[str]]) -> Query:
    """Turn query params (as from ``parse_qs``) into a Query, resolving a continuation token."""
    encoded: dict[str, Any] = {}
    offset = 0
    if params.get("continuationToken"):
        encoded, offset = _decode_token(params["continuationToken"][-1])
    properties = (
        tuple(params["property"]) if "property" in params else tuple(encoded.get("property", ()))
    )
    orderby = params["orderby"][-1] if params.get("orderby") else encoded.get("orderby", "")
    limit_text = params["limit"][-1] if params.get("limit") else encoded.get("limit")
    count = _parse_bool(params["count"][-1]) if params.get("count") else False
    limit = _parse_limit(limit_text) if limit_text is not None else None
    if count and limit is not None:
        raise FlowError("1401-400", "The parameters 'count' and 'limit' cannot be used together.")
    for expression in properties:
        _parse_expression(expression)
    return Query(properties, orderby or DEFAULT_ORDER, limit, count, offset)


def run(
    items: list[dict[str, Any]], query: Query, path: str = "/connections"
) -> dict[str, Any]:
    """The list (or count) answer for ``items`` (already masked), per ``query``.

    ``path`` is the collection the ``_links.next.href`` of a partial page points back to.
    """
    selected = [item for item in items if all(_matches(item, p) for p in query.properties)]
    if query.count:
        return {"count": len(selected)}
    ordered = _order(selected, query.orderby)
    size = min(query.limit or DEFAULT_LIMIT, MAX_LIMIT)
    page = ordered[query.offset : query.offset + size]
    answer: dict[str, Any] = {"items": page, "_links": {}}
    if query.offset + size < len(ordered):
        token = _encode_token(query, query.offset + size)
        answer["_links"] = {"next": {"href": f"{path}?continuationToken={quote(token)}"}}
    return answer


def _parse_bool(text: str) -> bool:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise FlowError("1100-400", f"Invalid value '{text}' for parameter 'count'.")


def _parse_limit(text: object) -> int:
    try:
        value = int(str(text))
    except ValueError:
        raise FlowError("1100-400", f"Invalid value '{text}' for parameter 'limit'.") from None
    if value < 1:
        raise FlowError("1100-400", "The parameter 'limit' must be a positive integer.")
    return value


def _parse_expression(expression: str) -> tuple[str, str, list[str]]:
    match = _EXPRESSION.match(expression.strip())
    if match is None:
        raise FlowError("1100-400", f"Invalid property expression '{expression}'.")
    field, operator, raw = match.groups()
    values = [_unquoted(v) for v in raw.split(",")]
    if operator not in ("==", "!=") and len(values) != 1:
        raise FlowError("1100-400", f"Operator '{operator}' takes a single value.")
    return field, operator, values


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _lookup(item: Mapping[str, Any], dotted: str) -> object:
    current: object = item
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(item: Mapping[str, Any], expression: str) -> bool:
    field, operator, values = _parse_expression(expression)
    actual = _lookup(item, field)
    if operator == "==":
        return actual is not _MISSING and _as_text(actual) in values
    if operator == "!=":
        return actual is _MISSING or _as_text(actual) not in values
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return False
    try:
        bound = float(values[0])
    except ValueError:
        raise FlowError("1100-400", f"'{values[0]}' is not a number for '{operator}'.") from None
    return {
        ">": actual > bound,
        "<": actual < bound,
        ">=": actual >= bound,
        "<=": actual <= bound,
    }[operator]


def _order(items: list[dict[str, Any]], orderby: str) -> list[dict[str, Any]]:
    ordered = list(items)
    # Stable sorts from the last key to the first give a multi-key order; items without the
    # field go last either way.
    for key in reversed([k.strip() for k in orderby.split(",") if k.strip()]):
        descending = key.startswith("-")
        field = key.lstrip("+-")
        present = [i for i in ordered if _lookup(i, field) is not _MISSING]
        absent = [i for i in ordered if _lookup(i, field) is _MISSING]
        present.sort(key=_field_key(field), reverse=descending)
        ordered = present + absent
    return ordered


def _field_key(field: str) -> Callable[[dict[str, Any]], tuple[int, float, str]]:
    return lambda item: _sort_key(_lookup(item, field))


def _sort_key(value: object) -> tuple[int, float, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, _as_text(value).lower())


def _encode_token(query: Query, offset: int) -> str:
    state = {
        "property": list(query.properties),
        "orderby": query.orderby,
        "limit": query.limit,
        "offset": offset,
    }
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> tuple[dict[str, Any], int]:
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = int(state["offset"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise FlowError("1100-400", "Invalid continuationToken.") from None
    if not isinstance(state, dict) or offset < 0:
        raise FlowError("1100-400", "Invalid continuationToken.")
    return state, offset
