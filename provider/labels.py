"""Rules the lifecycle core applies that depend on what Adobe documents, kept out of
``provider.lifecycle`` (which stays framework-neutral and short):

- A refresh reads the item at the version in state where the mapping says so (``get_as_of``:
  Data Prep reads version 0 without ``version``); a 404 for that version alone is not proof the
  item is gone (it is read without the version, with a warning).

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

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provider import advice, diagnostics
from provider.endpoints import deleted_or_hidden
from provider.errors import ApiError, NotFoundError

if TYPE_CHECKING:
    from provider.client import FlowServiceClient

Warn = Callable[[str], None]


def warner(spell: Callable[[str], str]) -> Warn:
    """A warning in the door's spelling, through the one warning path
    (``provider.diagnostics.warn``: the engine on the resource, or stderr)."""
    def warn(text: str) -> None:
        diagnostics.warn(spell(text))
    return warn


def read_item(api: Any, client: FlowServiceClient, sandbox: str, id_: str,
              prior: Mapping[str, Any], gone: bool,
              spell: Callable[[str], str]) -> dict[str, Any] | None:
    """The live item of a refresh, read by the mapping's ``get_as_of`` where it has one (a
    Data Prep mapping set at the version in state; an imported XDM schema with its primary
    identity). For a 1439: ``NotFoundError`` when it is taken as deletion (``gone``:
    aep:notFoundMeansGone), else None: the resource is kept as the stack has it. Either way a
    warning says why; any other failure is raised as it is."""
    get_as_of = getattr(api, "get_as_of", None)
    try:
        if get_as_of is not None:
            return dict(get_as_of(client, sandbox, id_, prior, warn=warner(spell)))
        return dict(api.get(client, sandbox, id_))
    except NotFoundError:
        raise
    except ApiError as error:
        if not deleted_or_hidden(error.code):
            raise
        warner(spell)(advice.hidden_taken_as_gone(api.NOUN, id_, sandbox, "refresh") if gone
                      else advice.hidden_kept(api.NOUN, id_, sandbox))
        if gone:
            raise NotFoundError(error.method, error.path, error.status, error.detail,
                                code=error.code) from None
        return None


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
