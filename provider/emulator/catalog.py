"""Catalog datasets at ``/data/foundation/catalog/dataSets`` (sources:
``docs/reference/schema-registry-and-catalog.md``).

- ``POST /dataSets`` with ``{name, description?, schemaRef: {id, contentType}, tags?,
  fileDescription?}`` answers **201 with an array** ``["@/dataSets/{id}"]`` and a ``Location``.
  ``schemaRef.id`` must be a tenant schema of the sandbox and ``contentType`` an XED content
  type naming the schema's major version (``provider.xdm.content_type_major``).
- ``GET /dataSets/{id}`` answers an object keyed by the id, ``{"<id>": {...}}``;
  ``properties=a,b`` keeps only those; ``GET /dataSets`` answers the same keyed object for every
  dataset (``limit``, default 50, at most 100).
- ``PATCH /dataSets/{id}``: ``application/json`` (the fields to set, each replaced whole:
  ``tags`` too) or
  ``application/json-patch+json`` (JSON Patch); only ``name``, ``description`` and ``tags``
  change; 200 ``["@/dataSets/{id}"]``.
- ``DELETE /dataSets/{id}``: 200 ``["@/dataSets/{id}"]``; an unknown id is 200 ``[]``, as
  Catalog's guide says.
- Profile and Identity are tags: ``tags.unifiedProfile`` / ``unifiedIdentity`` holding
  ``"enabled:true"`` (``"enabled: true"`` as Adobe's OpenAPI example spells it is accepted too).
  A Profile-enabled dataset needs a Profile-enabled schema: 400 "To enable profile datasets the
  schema should be valid" (Adobe's documented message).

Choices where Adobe is silent: ids are 24 hex digits; errors are RFC 7807 bodies of type
``CATALOG-<status>`` (the Catalog error catalogue is not published); a missing ``name`` is
accepted (Adobe's Profile tutorial sends none); ``schemaRef`` cannot be changed by PATCH.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from provider import xdm
from provider.emulator import json_patch
from provider.emulator.connections import Caller, Stamps
from provider.emulator.entity import ServiceError
from provider.emulator.router import Answer, _json, _not_allowed
from provider.emulator.schema_registry import SchemaRegistry
from provider.emulator.store import ConnectionStore
from provider.emulator.xdm_common import is_union

CATALOG_PATH = "/data/foundation/catalog"
DATASETS = CATALOG_PATH + "/dataSets"
EDITABLE = ("name", "description", "tags")
MAX_LIMIT = 100


def _error(status: int, message: str) -> ServiceError:
    return ServiceError("CATALOG", status, message)


def enabled(tags: object, key: str) -> bool:
    """Whether ``tags[key]`` holds ``enabled:true`` (spaces allowed)."""
    values = tags.get(key) if isinstance(tags, dict) else None
    return isinstance(values, list) and any(
        isinstance(v, str) and v.replace(" ", "").lower() == "enabled:true" for v in values)


class Catalog:
    """Datasets per (org, sandbox) over the registry's schemas; one of the router's routes."""

    def __init__(self, registry: SchemaRegistry, stamps: Stamps | None = None) -> None:
        self.registry = registry
        self.store = ConnectionStore(None)
        self.stamps = stamps or registry.stamps
        # One lock with the registry: a schema cannot be deleted while a dataset names it.
        self._lock = registry.lock
        registry.datasets_using = self.using

    def serves(self, path: str) -> bool:
        """Paths under the dataset collection."""
        return path.rstrip("/") == DATASETS or path.startswith(DATASETS + "/")

    def route(self, method: str, path: str, caller: Caller, query: Mapping[str, Sequence[str]],
              headers: Mapping[str, str], raw: bytes) -> Answer | None:
        """Answer a dataset request (None outside the collection)."""
        if not self.serves(path):
            return None
        rest = path.rstrip("/")[len(DATASETS):].strip("/")
        if "/" in rest:
            raise _error(404, f"No Catalog object is served at {path}.")
        with self._lock:
            if not rest:
                if method == "POST":
                    id_ = self.create(caller, _json(raw))
                    return Answer(201, [f"@/dataSets/{id_}"], {"Location": f"{DATASETS}/{id_}"})
                if method == "GET":
                    return Answer(200, self.listing(caller, query))
                raise _not_allowed(method, path)
            if method == "GET":
                return Answer(200, {rest: _select(self.require(caller, rest), query)})
            if method == "PATCH":
                json_patch_body = "json-patch" in headers.get("content-type", "")
                self.patch(caller, rest, _json(raw), json_patch_body)
                return Answer(200, [f"@/dataSets/{rest}"])
            if method == "DELETE":
                removed = self.store.delete(caller.scope, rest)
                return Answer(200, [f"@/dataSets/{rest}"] if removed else [])
            raise _not_allowed(method, path)

    def create(self, caller: Caller, body: object) -> str:
        """Store a new dataset; its id."""
        if not isinstance(body, dict):
            raise _error(400, "The request body must be a JSON object.")
        ref = body.get("schemaRef")
        if not isinstance(ref, dict) or not isinstance(ref.get("id"), str):
            raise _error(400, "schemaRef.id (the schema's $id) is required.")
        schema = self.registry.schema_by_id(caller, ref["id"])
        if schema is None:
            raise _error(400, f"schemaRef.id {ref['id']} is not a schema of sandbox "
                         f"{caller.sandbox}.")
        major, why = xdm.content_type_major(str(ref.get("contentType", "")))
        if why is not None:
            raise _error(400, f"schemaRef.contentType: {why}.")
        if str(major) != schema["version"].split(".")[0]:
            raise _error(400, f"schemaRef.contentType names version {major}; schema "
                         f"{ref['id']} has major version {schema['version'].split('.')[0]}.")
        fields = {k: copy.deepcopy(body[k]) for k in (*EDITABLE, "fileDescription") if k in body}
        self._check(caller, fields, schema)
        now = self.stamps.next()
        id_ = secrets.token_hex(12)
        self.store.put(caller.scope, {
            "id": id_, "name": body.get("name", id_), "state": "DRAFT", "imsOrg": caller.org_id,
            "tags": {}, **fields,
            "schemaRef": {"id": ref["id"], "contentType": ref["contentType"]},
            "version": "1.0.0", "created": now, "updated": now,
            "createdClient": caller.client_id, "updatedUser": caller.client_id,
        })
        return id_

    def listing(self, caller: Caller, query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """Every dataset keyed by id (``limit``, ``properties``)."""
        try:
            limit = int((query.get("limit") or ["50"])[-1])
        except ValueError:
            raise _error(400, "limit must be an integer.") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise _error(400, f"limit must be between 1 and {MAX_LIMIT}.")
        records = sorted(self.store.all(caller.scope), key=lambda r: -int(r["updated"]))
        return {r["id"]: _select(_view(r), query) for r in records[:limit]}

    def patch(self, caller: Caller, id_: str, body: object, as_json_patch: bool) -> None:
        """Set ``name``/``description``/``tags`` from a merge body or a JSON Patch."""
        record = self.require(caller, id_)
        if as_json_patch:
            try:
                new = json_patch.apply(record, body)
            except json_patch.PatchError as error:
                raise _error(400, f"The JSON Patch of dataset {id_} is not valid: {error}.") \
                    from None
        elif isinstance(body, dict):
            new = {**record, **copy.deepcopy(body)}
        else:
            raise _error(400, "The request body must be a JSON object or a JSON Patch array.")
        changed = sorted(k for k in set(new) | set(record)
                         if new.get(k) != record.get(k) and k not in EDITABLE)
        if changed:
            raise _error(400, f"Only {', '.join(EDITABLE)} of dataset {id_} can be changed; "
                         f"the request changes {', '.join(changed)}.")
        schema = self.registry.schema_by_id(caller, record["schemaRef"]["id"])
        self._check(caller, {k: new[k] for k in EDITABLE if k in new}, schema)
        new["updated"] = self.stamps.next()
        self.store.put(caller.scope, {"id": id_, **new})

    def require(self, caller: Caller, id_: str) -> dict[str, Any]:
        """A dataset, else 404."""
        found = self.store.get(caller.scope, id_)
        if found is None:
            raise _error(404, f"Dataset {id_} not found.")
        return _view(found)

    def using(self, caller: Caller, schema_id: str) -> list[str]:
        """The ids of the datasets of the caller's sandbox that name a schema."""
        return [r["id"] for r in self.store.all(caller.scope)
                if r["schemaRef"]["id"] == schema_id]

    @staticmethod
    def _check(caller: Caller, fields: Mapping[str, Any], schema: Mapping[str, Any] | None
               ) -> None:
        for key in ("name", "description"):
            if key in fields and not isinstance(fields[key], str):
                raise _error(400, f"{key} must be a string.")
        tags = fields.get("tags", {})
        if not isinstance(tags, dict) or not all(
                isinstance(v, list) and all(isinstance(s, str) for s in v) for v in tags.values()):
            raise _error(400, "tags must be an object of string arrays.")
        if enabled(tags, "unifiedProfile") and (schema is None or not is_union(schema)):
            raise _error(400, "To enable profile datasets the schema should be valid: enable "
                         "schema for Profile (meta:immutableTags union) first.")


def _select(record: dict[str, Any], query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    wanted = [p for v in query.get("properties", []) for p in v.split(",") if p]
    return {k: v for k, v in record.items() if k in wanted} if wanted else record


def _view(record: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in record.items() if k != "id"})


def xdm_routes() -> tuple[SchemaRegistry, Catalog]:
    """The Schema Registry and Catalog routes, wired to each other."""
    registry = SchemaRegistry()
    return registry, Catalog(registry)
