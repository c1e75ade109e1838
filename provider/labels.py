"""Two rules the lifecycle core applies that depend on what Adobe documents, kept out of
``provider.lifecycle`` (which stays framework-neutral and short):

- Flow Service's code 1439 (``1439-404``/``1439-400``, ``endpoints.deleted_or_hidden``) means
  deleted *or* hidden by access labels (``sources/tutorials/api/labels.md``). A hidden dataflow
  may still be running, so by default a refresh keeps the resource and a delete fails, each
  saying both meanings and how to remove it from the stack; with ``aep:notFoundMeansGone: true``
  it is proof of deletion (refresh drops it, delete completes with a warning).
- Inputs only a new resource must have (``ResourceApi.REQUIRED_NEW``: a dataflow's delta column
  and mapping set, Adobe's database-source rule) fail ``check`` of a new resource and warn for
  one already in the stack (created by 0.1.0 without them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from provider import advice
from provider.endpoints import deleted_or_hidden
from provider.errors import ApiError

Warn = Callable[[str], None]


def warner(spell: Callable[[str], str]) -> Warn:
    """A warning in the door's spelling, written where the engine shows a provider's
    diagnostics (its stderr)."""
    def warn(text: str) -> None:
        print(f"warning: {spell(text)}", file=sys.stderr, flush=True)
    return warn


def refresh_gone(error: ApiError, noun: str, id_: str, sandbox: str, gone: bool,
                 warn: Warn) -> bool:
    """For a refresh that raised ``error``: True if the resource is to leave the stack, False
    if it is kept as the stack has it (a warning says why). Anything but 1439 is re-raised."""
    if not deleted_or_hidden(error.code):
        raise error
    warn(advice.hidden_taken_as_gone(noun, id_, sandbox, "refresh") if gone
         else advice.hidden_kept(noun, id_, sandbox))
    return gone


def on_delete(error: ApiError, noun: str, id_: str, sandbox: str, gone: bool) -> str:
    """For a delete that raised ``error``: the notice when 1439 is taken as deletion; else the
    error is re-raised (with both meanings and the way out for a 1439)."""
    if not deleted_or_hidden(error.code):
        raise error
    if not gone:
        error.with_hint(advice.hidden_not_deleted(noun, id_, sandbox))
        raise error
    return advice.hidden_taken_as_gone(noun, id_, sandbox, "delete")


def new_only_failures(api: Any, inputs: Mapping[str, Any], olds: Mapping[str, Any] | None,
                      spell: Callable[[str], str]) -> list[tuple[str, str]]:
    """Check failures (in the door's spelling ``spell``) for inputs a new resource must have
    (``api.REQUIRED_NEW``); for one already in the stack (``olds``), a warning instead."""
    missing = [name for name in getattr(api, "REQUIRED_NEW", ()) if inputs.get(name) is None]
    if missing and olds:
        warner(spell)(advice.required_new_missing(api.NOUN, missing))
        return []
    return [(name, spell(advice.required_new(api.NOUN, name))) for name in missing]
