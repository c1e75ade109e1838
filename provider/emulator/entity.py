"""What every stored Flow Service entity beyond base connections shares.

Source connections, target connections and dataflows are kept as the JSON objects Flow Service
returns, each kind in its own ``ConnectionStore`` (isolated by org and sandbox, optionally on
disk), and served with the connections' listing (``listing.py``: ``property`` filters,
``orderby``, ``limit``, ``continuationToken``, ``count``) and etag rules (``If-Match`` required on
PATCH, 1403-400 / 1404-412). ``EntityService`` holds that common part; a subclass says how a
create body is checked, which patch paths it accepts and what it stores.

JSON-Patch here is a small JSON-pointer applier (``add``/``replace``/``remove``, any case) over
the paths a subclass allows; the patch applies to a copy that the subclass re-validates, so it is
all or nothing. Errors follow the connection's: 1405-400 (not a non-empty array), 1434-400
(other ops), 1455-400 (a path that is not allowed or names a missing field).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from provider.emulator import listing
from provider.emulator.connections import Caller, Stamps, new_etag
from provider.emulator.patching import instruction_parts
from provider.emulator.problems import FlowError
from provider.emulator.store import ConnectionStore

Clock = Callable[[], float]
"""Epoch seconds now (``time.time`` unless a test injects another)."""
InUse = Callable[[Caller, str], list[str]]
"""The ids of the dataflows of the caller's scope that use an id."""


def etag_matches(supplied: str, current: str, *, accept_unquoted: bool) -> bool:
    """``If-Match`` against a stored etag, quotes included (or not, when allowed)."""
    return supplied == current or (accept_unquoted and f'"{supplied}"' == current)


def spec_ref(
    body: dict[str, Any], known: tuple[str, ...], *, require_version: bool
) -> dict[str, str]:
    """``connectionSpec`` of a create body, checked against the spec ids ``known``."""
    spec = body.get("connectionSpec")
    if not isinstance(spec, dict) or not spec.get("id"):
        raise FlowError("1455-400", 'Missing field "connectionSpec.id".')
    if spec["id"] not in known:
        raise FlowError("1413-400", f"The spec ID '{spec['id']}' provided is invalid.")
    version = spec.get("version")
    if version is None:
        if require_version:
            raise FlowError(
                "1100-422",
                f"connectionSpec.version is required for spec info {spec['id']}; "
                'version is usually "1.0".',
            )
        version = "1.0"
    if version != "1.0":
        raise FlowError(
            "1413-400", f"Version '{version}' of connection spec {spec['id']} not found."
        )
    return {"id": str(spec["id"]), "version": "1.0"}


def name_fields(body: object) -> dict[str, Any]:
    """``name`` (required) and ``description`` (optional) of a create body."""
    if not isinstance(body, dict):
        raise FlowError("1100-400", "The request body must be a JSON object.")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FlowError("1455-400", 'Missing field "name": a non-empty string is required.')
    fields: dict[str, Any] = {"name": name}
    description = body.get("description")
    if description is not None:
        if not isinstance(description, str):
            raise FlowError("1100-400", "The field 'description' must be a string.")
        fields["description"] = description
    return fields


def refuse_if_used(kind: str, id_: str, flows: list[str]) -> None:
    """1418-400 naming the dataflows that still use ``id_``."""
    if flows:
        raise FlowError(
            "1418-400",
            f"The {kind} with the ID {id_} cannot be deleted because the {kind} is being used "
            f"in one or more flows: {', '.join(flows)}. Delete the dataflows first.",
        )


def metadata(caller: Caller, stamp: int) -> dict[str, Any]:
    """What Flow Service stores on every new entity: a new id, stamps, client ids, sandbox, org.

    (``ConnectionService.create`` spells the same fields out itself; it can call this.)
    """
    return {
        "id": str(uuid.uuid4()),
        "createdAt": stamp,
        "updatedAt": stamp,
        "createdBy": caller.client_id,
        "updatedBy": caller.client_id,
        "createdClient": caller.client_id,
        "updatedClient": caller.client_id,
        "sandboxId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{caller.org_id}/{caller.sandbox}")),
        "sandboxName": caller.sandbox,
        "imsOrgId": caller.org_id,
    }


class EntityService:
    """Create/get/list/patch/delete of one kind of entity, per (org, sandbox)."""

    collection = "/entities"
    """The collection path relative to the Flow Service base, e.g. ``/flows``."""
    kind = "entities"
    """How a 404 message names the kind (``flows not found with id = [...]``)."""
    patchable: tuple[str, ...] = ("/name", "/description")
    """JSON pointers (or prefixes ending in ``/``) a PATCH may touch."""
    noun = "entity"
    """How a 1418-400 message names one (``source connection``)."""

    def __init__(
        self,
        store: ConnectionStore,
        *,
        clock: Clock,
        accept_unquoted_etag: bool = False,
        in_use: InUse | None = None,
    ) -> None:
        self.in_use = in_use
        self.store = store
        self.clock = clock
        self.accept_unquoted_etag = accept_unquoted_etag
        self._stamps = Stamps(clock)

    # --- hooks for subclasses ---------------------------------------------------------------

    def create(self, caller: Caller, body: object) -> dict[str, Any]:
        """Validate a create body and ``insert`` it; ``{"id", "etag"}``."""
        raise NotImplementedError

    def check_patched(self, caller: Caller, patched: dict[str, Any]) -> None:
        """Re-validate an entity after a patch (raise FlowError to refuse it): by default its
        name and description stay valid."""
        name_fields(patched)

    def check_delete(self, caller: Caller, id_: str) -> None:
        """Refuse a delete: 1418-400 while ``in_use`` names dataflows that use the entity."""
        if self.in_use is not None:
            refuse_if_used(self.noun, id_, self.in_use(caller, id_))

    def view(self, record: dict[str, Any]) -> dict[str, Any]:
        """How a stored entity reads back."""
        return record

    # --- operations ---------------------------------------------------------------------------

    def stamp(self) -> int:
        """Epoch milliseconds from the clock, strictly increasing within a run."""
        return self._stamps.next()

    def insert(self, caller: Caller, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Store a new entity with Flow Service's metadata; return ``{"id", "etag"}``."""
        etag = new_etag()
        record: dict[str, Any] = {
            **metadata(caller, self.stamp()),
            "providerRefId": str(uuid.uuid4()),  # Adobe's item DTOs carry one; its use is theirs
            **copy.deepcopy(dict(fields)),
            "version": etag,
            "etag": etag,
        }
        self.store.put(caller.scope, record)
        return {"id": record["id"], "etag": etag}

    def get(self, caller: Caller, id_: str) -> dict[str, Any]:
        """``{"items": [entity]}``."""
        return {"items": [self.view(self.require(caller, id_))]}

    def list(self, caller: Caller, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """A page of entities (or a count), with the connections' listing rules."""
        query = listing.parse_query(params)
        items = [self.view(r) for r in self.store.all(caller.scope)]
        return listing.run(items, query, self.collection)

    def patch(self, caller: Caller, id_: str, if_match: str | None, body: object) -> dict[str, Any]:
        """Apply a JSON-Patch atomically if ``if_match`` is the current etag."""
        with self.store.locked():
            current = self.require_etag(caller, id_, if_match)
            patched = apply_pointer_patch(current, body, self.patchable)
            self.check_patched(caller, patched)
            etag = self.bump(caller, patched)
        return {"id": id_, "etag": etag}

    def delete(self, caller: Caller, id_: str) -> None:
        """Remove an entity unless ``check_delete`` refuses."""
        with self.store.locked():
            self.require(caller, id_)
            self.check_delete(caller, id_)
            self.store.delete(caller.scope, id_)

    def require(self, caller: Caller, id_: str) -> dict[str, Any]:
        """The stored entity, else 404 1101-404."""
        found = self.store.get(caller.scope, id_)
        if found is None:
            raise FlowError(
                "1101-404",
                f"{self.kind} not found with id = [{id_}]. Resource with given id does not exist.",
            )
        return found

    def require_etag(self, caller: Caller, id_: str, if_match: str | None) -> dict[str, Any]:
        """The stored entity if ``if_match`` is its etag (1403-400 missing, 1404-412 stale)."""
        current = self.require(caller, id_)
        if if_match is None or not if_match.strip():
            raise FlowError("1403-400", "The header 'If-Match' is missing in the request.")
        if not etag_matches(
            if_match.strip(), current["etag"], accept_unquoted=self.accept_unquoted_etag
        ):
            raise FlowError(
                "1404-412",
                f"Supplied version=[{if_match.strip()}] does not match the current "
                f"version on entity=[{current['etag']}]",
            )
        return current

    def bump(self, caller: Caller, record: dict[str, Any]) -> str:
        """Store ``record`` with a new etag and update stamps; return the etag."""
        etag = new_etag()
        record.update(
            updatedAt=max(self.stamp(), int(record.get("updatedAt", 0)) + 1),
            updatedBy=caller.client_id,
            updatedClient=caller.client_id,
            version=etag,
            etag=etag,
        )
        self.store.put(caller.scope, record)
        return etag


def apply_pointer_patch(
    record: dict[str, Any], instructions: object, allowed: Sequence[str]
) -> dict[str, Any]:
    """A patched copy of ``record``; only paths equal to (or under a ``/``-ended) ``allowed``."""
    if not isinstance(instructions, list) or not instructions:
        raise FlowError("1405-400", "The patch body must be a non-empty JSON array.")
    patched = copy.deepcopy(record)
    for raw in instructions:
        instruction, op, path = instruction_parts(raw)
        if not any(path == a or (a.endswith("/") and path.startswith(a)) for a in allowed):
            raise _missing_field(path)
        if op != "remove" and "value" not in instruction:
            raise FlowError("1455-400", f'Missing field "value" for {op} {path}.')
        _set_pointer(patched, path, op, copy.deepcopy(instruction.get("value")))
    return patched


def _set_pointer(target: dict[str, Any], path: str, op: str, value: object) -> None:
    parts = path.strip("/").split("/")
    parent: Any = target
    for part in parts[:-1]:
        parent = _child(parent, part, path)
    last = parts[-1]
    if isinstance(parent, list):
        index = _index(parent, last, path, allow_end=op == "add")
        if op == "remove":
            del parent[index]
        elif op == "add":
            parent.insert(index, value)
        else:
            parent[index] = value
        return
    if not isinstance(parent, dict):
        raise _missing_field(path)
    if op in ("remove", "replace") and last not in parent:
        raise _missing_field(path)
    if op == "remove":
        del parent[last]
    else:
        parent[last] = value


def _child(parent: object, part: str, path: str) -> Any:
    if isinstance(parent, dict) and part in parent:
        return parent[part]
    if isinstance(parent, list):
        return parent[_index(parent, part, path, allow_end=False)]
    raise _missing_field(path)


def _index(items: list[Any], part: str, path: str, *, allow_end: bool) -> int:
    if part == "-" and allow_end:
        return len(items)
    if not part.isdigit() or int(part) > len(items) - (0 if allow_end else 1):
        raise _missing_field(path)
    return int(part)


def _missing_field(path: str) -> FlowError:
    field = path.strip("/").replace("/", ".")
    return FlowError(
        "1455-400",
        f'An error has occurred while validating patch instructions: Missing field "{field}"',
    )


class ReadOnlyService:
    """A fixed catalogue (connection specs, flow specs): GET one, GET a filtered page."""

    def __init__(self, collection: str, kind: str, items: Sequence[Mapping[str, Any]]) -> None:
        self.collection = collection
        self.kind = kind
        self._items = [copy.deepcopy(dict(i)) for i in items]

    def get(self, id_: str) -> dict[str, Any]:
        """``{"items": [item]}``, else 404 1101-404."""
        for item in self._items:
            if item["id"] == id_:
                return {"items": [copy.deepcopy(item)]}
        raise FlowError(
            "1101-404",
            f"{self.kind} not found with id = [{id_}]. Resource with given id does not exist.",
        )

    def list(self, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """A page of items, with the connections' listing rules (default order: by name)."""
        query = listing.parse_query(params)
        if not params.get("orderby") and not params.get("continuationToken"):
            query = listing.Query(query.properties, "name", query.limit, query.count, query.offset)
        return listing.run(copy.deepcopy(self._items), query, self.collection)

    def find(self, id_: str) -> dict[str, Any] | None:
        """The item with ``id_`` (a copy), or None."""
        return next((copy.deepcopy(i) for i in self._items if i["id"] == id_), None)


class ServiceError(FlowError):
    """An error of a Platform service other than Flow Service (Data Prep, landing zone).

    Their catalogues are not published, so the body is RFC 7807 with a ``type`` naming the
    service and status (``https://ns.adobe.com/aep/errors/DATAPREP-400``), plus ``detail``.
    """

    def __init__(self, service: str, status: int, message: str) -> None:
        super().__init__(f"{service}-{status}", message, status=status)
        self.service = service

    def body(self, request_id: str) -> dict[str, Any]:
        """``{"type", "title", "status", "detail", "report"}``."""
        return {
            "type": f"https://ns.adobe.com/aep/errors/{self.code}",
            "title": "Bad request" if self.status == 400 else "Error",
            "status": self.status,
            "detail": self.message,
            "report": {"request-id": request_id},
        }
