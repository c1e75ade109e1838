"""The request log: what each served request looked like, with its secrets masked.

Authorization headers, IMS ``client_secret`` fields, ``accessToken`` (and every other secret
param of a known spec) in create bodies and patch values are replaced with
``provider.redaction.MASK`` before the record exists, so no test log or ``repr`` shows them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from provider.emulator.limits import json_depth_exceeds
from provider.emulator.specs import SECRET_PARAMS
from provider.redaction import MASK, redact, redact_params

SECRET_KEYS = SECRET_PARAMS | {"client_secret", "clientSecret", "access_token"}


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator served.

    ``path`` is the full URL path without the query; ``query`` maps each param to its values;
    ``headers`` has lower-case names; ``body`` is the parsed JSON or form (or the redacted text
    when it parses as neither, None when empty); ``status`` is the status answered (0 when the
    connection was dropped); ``sandbox`` is the sandbox header (None when absent).
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int
    sandbox: str | None


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-cased header names; values passed through ``redact`` (bearer tokens masked)."""
    cleaned = {}
    for name, value in headers.items():
        lowered = name.lower()
        cleaned[lowered] = "Bearer " + MASK if lowered == "authorization" else redact(value)
    return cleaned


def redact_body(raw: bytes, content_type: str) -> Any:
    """The body, parsed (JSON or form) and with its secrets masked."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "x-www-form-urlencoded" in content_type.lower():
        form = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
        return redact_params(dict(form), SECRET_KEYS)
    if json_depth_exceeds(raw):  # kept as text: parsing it would exhaust the recursion limit
        return redact(text)
    try:
        parsed = json.loads(text)
    except ValueError:
        return redact(text)
    return _scrub(parsed)


def redact_query(query: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The query params, with secret-named ones masked (IMS accepts fields in the query)."""
    return {k: ([MASK] * len(v) if k in SECRET_KEYS else list(v)) for k, v in query.items()}


def _scrub(value: Any) -> Any:
    if isinstance(value, list):
        return [_scrub_instruction(v) if _is_instruction(v) else _scrub(v) for v in value]
    if isinstance(value, dict):
        return {
            k: (MASK if k in SECRET_KEYS and v is not None else _scrub(v)) for k, v in value.items()
        }
    if isinstance(value, str):
        return redact(value)
    return value


def _is_instruction(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("path"), str) and "op" in value


def _scrub_instruction(instruction: dict[str, Any]) -> dict[str, Any]:
    cleaned = _scrub(instruction)
    key = instruction["path"].rstrip("/").rsplit("/", 1)[-1]
    if key in SECRET_KEYS and "value" in cleaned:
        cleaned["value"] = MASK
    return cleaned
