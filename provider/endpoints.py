"""The API collections the client operates on, each described once: where it lives, how a list
pages, how an item proves it is the one a lost create made, and how "gone" is proven.

``provider.client`` performs create / get / patch / replace / delete / action over any
:class:`Collection`; this module holds the facts that differ between them. Pure data and pure
functions: no network, no Pulumi.

Flow Service collections (``/connections``, ``/sourceConnections``, ``/targetConnections``,
``/flows``) share one shape: GET answers ``{"items": [item]}``, lists page with a
``continuationToken`` in ``_links.next.href``, items carry ``createdClient``/``createdAt`` and an
etag, and a missing entity is a 404 with code ``1101-404`` or the code-less
``{"errorMessage": "<kind> not found with id = [<id>]"}``. Data Prep mapping sets
(``/data/foundation/conversion/mappingSets``) answer the object itself, page with
``start``/``limit`` over ``data``, carry ``createdBy``/``createdDate`` and a ``version`` instead
of an etag, and say a set is missing with a 404 whose ``detail`` reads ``Mapping set <id> not
found`` (Adobe's Data Prep error catalogue is not published: UNCONFIRMED, matched narrowly).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

FLOW_SERVICE = "/data/foundation/flowservice"
DATA_PREP = "/data/foundation/conversion"

Identity = Callable[[Mapping[str, Any]], tuple[object, ...]]
# (404 JSON payload, Adobe code, the id the path names) -> whether it proves the item is gone.
GoneProof = Callable[[Mapping[str, Any], "str | None", str], bool]

# Flow Service's catalogue code for "no such entity" (1439-404, hidden by access labels, is not).
FLOW_GONE_CODE = "1101-404"
# Flow Service's code for an entity deleted or hidden by access labels (sources/tutorials/api/
# labels.md): 1439-404, or 1439-400. Proof of deletion only where the stack says so
# (aep:notFoundMeansGone); 1430-400 "Flow not found" and 1429-400 "Predecessor flow not found"
# never are.
HIDDEN_CODES = ("1439-404", "1439-400")


def deleted_or_hidden(code: str | None) -> bool:
    """Whether Adobe's ``code`` (``1439-404``, or as a type suffix ``FLOW-1439-404``) says the
    entity was deleted or is hidden by access labels."""
    return code is not None and any(code == c or code.endswith(f"-{c}") for c in HIDDEN_CODES)


def _sub(item: Mapping[str, Any], *keys: str) -> Any:
    value: Any = item
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


# Where Flow Service (and a gateway in front of it) puts the text of an error.
_MESSAGE_KEYS = ("errorMessage", "message", "title", "detail", "errorDetails")
# The two ways Flow Service names the missing entity: "connections not found with id = [<id>]"
# and "The requested flows resource <id> is not found" (its report also carries "id", "type").
_NAMED = (re.compile(r"(\w+) not found with id\s*=\s*\[([^\]]*)\]", re.IGNORECASE),
          re.compile(r"requested (\w+) resource (\S+?) is not found", re.IGNORECASE))
_SANDBOX = re.compile(r"\bsandbox", re.IGNORECASE)


def _messages(payload: Mapping[str, Any]) -> list[str]:
    texts = [payload.get(key) for key in _MESSAGE_KEYS]
    texts.append(_sub(payload, "report", "detailed-message"))
    return [text for text in texts if isinstance(text, str)]


def flow_gone(kind: str) -> GoneProof:
    """The "gone" proof of Flow Service collection ``kind`` (``connections``, ``flows``...).

    A ``1101-404`` proves it unless its text says something else: it names another id or another
    kind (``flows not found with id = [x]`` for a connection), or a sandbox. The code-less form is
    Adobe's sentence for this kind and this id, the whole message and nothing else."""
    singular = kind.rstrip("s")
    message = re.compile(rf"{re.escape(singular)}s? not found with id = \[([^\]]*)\]")

    def ours(kind_named: object, id_named: object, id_: str) -> bool:
        return (not isinstance(kind_named, str)
                or kind_named.lower().rstrip("s") == singular.lower()) \
            and (not isinstance(id_named, str) or id_named == id_)

    def names_only(text: str, id_: str) -> bool:
        if _SANDBOX.search(text):
            return False
        return all(ours(found.group(1), found.group(2), id_)
                   for named in _NAMED for found in named.finditer(text))

    def proves(payload: Mapping[str, Any], code: str | None, id_: str) -> bool:
        if code == FLOW_GONE_CODE:
            return (ours(_sub(payload, "report", "type"), _sub(payload, "report", "id"), id_)
                    and all(names_only(text, id_) for text in _messages(payload)))
        if code is not None:
            return False
        text = payload.get("errorMessage")
        found = message.fullmatch(text.strip()) if isinstance(text, str) else None
        return found is not None and found.group(1) == id_

    return proves


def mapping_set_gone(payload: Mapping[str, Any], code: str | None, id_: str) -> bool:
    """Data Prep's "no such mapping set" answer (its ``detail``, naming the id)."""
    detail = payload.get("detail")
    return isinstance(detail, str) and re.fullmatch(
        rf"Mapping set {re.escape(id_)} not found\.?", detail.strip()) is not None


# Flow Service ids are UUIDs, Data Prep's 32 hex digits; any plain path segment is accepted, never
# one a URL would read as another path ("..", "a/b"), a query or a fragment.
_ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}")


def item_id_problem(id_: object) -> str | None:
    """Why ``id_`` cannot name an item in a URL path, or None."""
    if not isinstance(id_, str) or not _ITEM_ID.fullmatch(id_):
        return ("is not an id (letters, digits and - _ . @ :, at most 128, starting with a "
                "letter or digit)")
    return None


@dataclasses.dataclass(frozen=True)
class Collection:
    """One API collection. ``path`` is relative to ``base`` (``/flows`` under Flow Service).

    ``identity`` gives what a create body and a listed item share when the item is the one that
    body made (the name and the non-secret references); ``gone`` is the proof that a 404 means
    the item does not exist (``None``: no 404 ever proves it, e.g. a non-entity call).
    """

    path: str
    noun: str
    identity: Identity
    base: str = FLOW_SERVICE
    gone: GoneProof | None = None
    paging: str = "token"  # "token": Flow Service continuationToken; "offset": start/limit
    list_key: str = "items"
    wrapped: bool = True  # GET /{id} answers {"items": [item]} (Flow Service) or the item
    created_by: str = "createdClient"
    created_at: str = "createdAt"
    updated_at: str = "updatedAt"
    version_key: str = "etag"  # what a create/update answer carries as the item's version
    by_name: bool = True  # the list filters by name (property=name==...)
    # How a list filter is sent: query key, and the name filter's value (Flow Service
    # ``property=name==N``; Data Prep ``name=N``).
    filter_param: str = "property"
    name_filter: str = "name=={}"
    # Reads of many items may share one listing (provider.http.reads); False where a listed
    # item may differ from a read one (Data Prep: a mapping set is read at its version).
    shared_reads: bool = True

    def version_of(self, item: Mapping[str, Any]) -> str | None:
        """The item's etag (Flow Service) or version (Data Prep) as a string, if present."""
        value = item.get(self.version_key)
        if isinstance(value, bool) or value is None or value == "":
            return None
        return str(value) if isinstance(value, (str, int)) else None


def connection_identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    """Name and the non-secret Databricks params of a base connection."""
    params = _sub(item, "auth", "params")
    params = params if isinstance(params, Mapping) else {}
    return (item.get("name"),
            *(params.get(k) or None for k in ("domain", "clusterId", "database", "catalog")))


def source_identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    """Name, base connection and table of a source connection."""
    return (item.get("name"), item.get("baseConnectionId"), _sub(item, "params", "tableName"))


def target_identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    """Name, dataset and schema of a target connection."""
    return (item.get("name"), _sub(item, "params", "dataSetId"), _sub(item, "data", "schema", "id"))


def flow_identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    """Name, flow spec, sources and targets of a dataflow."""
    def ids(key: str) -> tuple[object, ...]:
        value = item.get(key)
        return tuple(value) if isinstance(value, list) else ()

    return (item.get("name"), _sub(item, "flowSpec", "id"),
            ids("sourceConnectionIds"), ids("targetConnectionIds"))


# What Data Prep answers for a mapping's ``sourceType``, by what it means. A mapping created
# with ``ATTRIBUTE`` reads back as ``text/x.schema-path`` (the Data Prep spec's getMappingSet and
# updateMappingSet examples), an expression as ``text/x.aep-xl`` and a constant as
# ``text/plain`` (the media types Adobe lists for a mapping's ``sourceType`` in the Destination
# SDK's schema configuration: ``requiredMappings.sourceType``).
SOURCE_TYPE_MEANINGS = {
    "ATTRIBUTE": "ATTRIBUTE",
    "text/x.schema-path": "ATTRIBUTE",
    "EXPRESSION": "EXPRESSION",
    "text/x.aep-xl": "EXPRESSION",
    "text/plain": "EXPRESSION",
}


def source_type_meaning(value: object) -> object:
    """A mapping's ``sourceType`` as the provider spells it (``ATTRIBUTE`` or ``EXPRESSION``),
    whichever form Data Prep answered; anything else unchanged (so it shows as drift)."""
    return SOURCE_TYPE_MEANINGS.get(value, value) if isinstance(value, str) else value


def mapping_set_identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    """Name (None for a set made before names), output schema and mapping rules of a mapping
    set, source types by meaning (``text/x.schema-path`` is ``ATTRIBUTE``)."""
    raw = item.get("mappings")
    rules: list[Any] = raw if isinstance(raw, list) else []
    return (item.get("name"), _sub(item, "outputSchema", "schemaRef", "id"),
            tuple((source_type_meaning(m.get("sourceType")), m.get("source"),
                   m.get("destination"))
                  for m in rules if isinstance(m, Mapping)))


CONNECTIONS = Collection("/connections", "connection", connection_identity,
                         gone=flow_gone("connections"))
SOURCE_CONNECTIONS = Collection("/sourceConnections", "source connection", source_identity,
                                gone=flow_gone("sourceConnections"))
TARGET_CONNECTIONS = Collection("/targetConnections", "target connection", target_identity,
                                gone=flow_gone("targetConnections"))
FLOWS = Collection("/flows", "dataflow", flow_identity, gone=flow_gone("flows"))
MAPPING_SETS = Collection(
    "/mappingSets", "mapping set", mapping_set_identity, base=DATA_PREP, gone=mapping_set_gone,
    paging="offset", list_key="data", wrapped=False, created_by="createdBy",
    created_at="createdDate", updated_at="modifiedDate", version_key="version",
    filter_param="name", name_filter="{}", shared_reads=False)
