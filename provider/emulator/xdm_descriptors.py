"""Schema Registry descriptors at ``/tenant/descriptors`` (see ``schema_registry.py``).

POST 201 with the descriptor and its ``@id``; GET one (no ``Accept`` needed: descriptors are not
versioned); GET the list grouped by ``@type`` (``Accept: application/vnd.adobe.xdm-id+json``
ids, ``xdm-link`` paths or ``xdm`` objects); PUT 201 ``{"@id"}`` (the descriptors guide's
example; Adobe's Swagger says 200); DELETE 204. A descriptor names an existing schema of the
sandbox, its major version and one of its fields; an identity descriptor needs
``xdm:namespace`` and ``xdm:property`` (``xdm:code``/``xdm:id``); a schema has one primary
identity at most. The primary identity of a Profile-enabled schema that a dataset uses cannot
be changed or removed (XDM-9001-400, Adobe's "changing the primary identity field" rule).
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from provider import xdm
from provider.emulator.connections import Caller
from provider.emulator.router import Answer, _json, _not_allowed
from provider.emulator.store import ConnectionStore
from provider.emulator.xdm_common import XdmError, bad, is_union, view

if TYPE_CHECKING:
    from provider.emulator.schema_registry import SchemaRegistry

ACCEPT = ("application/vnd.adobe.xdm-id+json", "application/vnd.adobe.xdm+json",
          "application/vnd.adobe.xdm-link+json")
PATH = "/data/foundation/schemaregistry/tenant/descriptors"


class Descriptors:
    """The descriptors of the registry's schemas, per (org, sandbox)."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self.store = ConnectionStore(None)

    def of(self, caller: Caller, schema_id: str) -> list[dict[str, Any]]:
        """The descriptors whose ``xdm:sourceSchema`` is ``schema_id``."""
        return [d for d in self.store.all(caller.scope)
                if d.get("xdm:sourceSchema") == schema_id]

    def route(self, method: str, caller: Caller, id_: str | None, accept: str,
              raw: bytes) -> Answer:
        """One descriptor request."""
        if id_ is None:
            if method == "POST":
                descriptor = self._checked(caller, _json(raw), uuid.uuid4().hex)
                self.store.put(caller.scope, descriptor)
                return Answer(201, view(descriptor))
            if method != "GET":
                raise _not_allowed(method, PATH)
            return Answer(200, self._grouped(caller, accept))
        found = self.store.get(caller.scope, id_)
        if found is None:
            raise XdmError("1010", 404, f"The requested descriptor resource {id_} is not found.")
        if method == "GET":
            return Answer(200, view(found))
        schema = self.registry.schema_by_id(caller, found["xdm:sourceSchema"])
        if found.get("xdm:isPrimary") and schema and is_union(schema) and \
                self.registry.datasets_using(caller, schema["$id"]):
            raise XdmError("9001", 400, f"Descriptor {id_} is the primary identity of schema "
                           f"{schema['$id']}, which is enabled for Profile and used by a dataset;"
                           " changing it is a breaking change.")
        if method == "PUT":
            self.store.put(caller.scope, self._checked(caller, _json(raw), id_))
            return Answer(201, {"@id": id_})
        if method == "DELETE":
            self.store.delete(caller.scope, id_)
            return Answer(204)
        raise _not_allowed(method, f"{PATH}/{id_}")

    def delete_of(self, caller: Caller, schema_id: str) -> None:
        """Remove a deleted schema's descriptors (Adobe is silent; they would dangle)."""
        for descriptor in self.of(caller, schema_id):
            self.store.delete(caller.scope, descriptor["@id"])

    def _grouped(self, caller: Caller, accept: str) -> dict[str, list[Any]]:
        media = accept.strip().lower()
        if media not in ACCEPT:
            raise XdmError("1006", 400, f"The supplied Accept header is not valid: {accept!r} - "
                           "A valid Accept value should look like application/vnd.adobe."
                           "{xed|xdm}+json")
        form = media.rsplit(".", 1)[-1].split("+")[0]
        grouped: dict[str, list[Any]] = {}
        for d in self.store.all(caller.scope):
            entry = {"xdm-id": d["@id"], "xdm-link": f"{PATH}/{d['@id']}"}.get(form, view(d))
            grouped.setdefault(d["@type"], []).append(entry)
        return grouped

    def _checked(self, caller: Caller, body: object, id_: str) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("@type"), str):
            raise bad("A descriptor is a JSON object with an @type.")
        schema = self.registry.schema_by_id(caller, str(body.get("xdm:sourceSchema")))
        if schema is None:
            raise XdmError("1010", 404, "The requested schema resource "
                           f"{body.get('xdm:sourceSchema')} with version 1 is not found.")
        major = int(schema["version"].split(".")[0])
        if body.get("xdm:sourceVersion") != major:
            raise bad(f"xdm:sourceVersion must be the schema's major version ({major}).")
        source = body.get("xdm:sourceProperty")
        if not isinstance(source, str) or source not in xdm.field_paths(
                self.registry.tree(caller, schema)):
            raise bad(f"xdm:sourceProperty {source!r} is not a field of {schema['$id']} "
                      "(a path such as /_tenant/field, without 'properties').")
        if body["@type"] == "xdm:descriptorIdentity":
            if not isinstance(body.get("xdm:namespace"), str) or body.get("xdm:property") not in (
                    "xdm:code", "xdm:id"):
                raise bad("An identity descriptor needs xdm:namespace and xdm:property "
                          "(xdm:code or xdm:id).")
            if body.get("xdm:isPrimary") is True and any(
                    d.get("xdm:isPrimary") is True and d["@id"] != id_
                    for d in self.of(caller, schema["$id"])):
                raise bad(f"Schema {schema['$id']} already has a primary identity.")
        return {**copy.deepcopy(body), "meta:containerId": "tenant", "@id": id_, "id": id_}
