"""The Schema Registry subset at ``/data/foundation/schemaregistry`` (sources:
``docs/reference/schema-registry-and-catalog.md``).

- ``GET /stats``: ``{imsOrg, tenantId, counts, ...}``; the tenant id is derived from the org.
- ``/tenant/fieldgroups`` and ``/tenant/schemas``: POST 201 with the resource (``$id`` URL,
  ``meta:altId``, ``version: "1.0"``), GET list (``Accept: application/vnd.adobe.xed-id+json``
  summaries or ``...xed+json`` full), GET one (``Accept`` with ``version={MAJOR}``; the ``-full``
  forms add the resolved ``properties``), PUT (whole body) and PATCH (JSON Patch) 200 with the
  resource, DELETE 204. An item is named by ``meta:altId`` or URL-encoded ``$id``.
- ``/tenant/descriptors``: POST 201 with ``@id``; GET one (no ``Accept`` needed); GET list
  grouped by ``@type`` (``Accept: application/vnd.adobe.xdm[-id|-link]+json``); PUT 201
  ``{"@id"}`` (the guide's example); DELETE 204.
- Errors are Adobe's ``XDM-NNNN-SSS`` bodies (``type``, ``title``, ``status``, ``report``,
  ``detail``). Published codes: 1006-400 (Accept), 1010-404 (not found), 1021-400 (custom field
  outside ``_{TENANT_ID}``), 1521-400 (title not unique), 1528-400 (Profile without a primary
  identity). Adobe publishes none for the rest; the emulator's own are ``XDM-90NN``.

Every edit (PUT or PATCH) bumps the minor ``version`` ("1.0" -> "1.1") and the ``eTag``. A
schema is *in use* once a dataset names it (``datasets_using``) or it is Profile-enabled
(``meta:immutableTags: ["union"]``); then an edit of it, or of a field group it uses, that
``xdm_rules.refused_edits`` finds non-additive is 400 ``XDM-9001-400``. ``union`` needs a
primary identity descriptor (1528-400) and cannot be removed (9002). DELETE of a Profile-enabled
schema (9003) or of one a dataset names (9004) is refused, as is DELETE of a field group a schema
uses (9005). Choices where Adobe is silent: a class is any ``$ref`` containing ``/classes/`` or a
known Adobe class; ``-notext`` forms keep titles; a deleted schema's descriptors go with it;
nothing is saved to ``--state`` (the registry and Catalog live in memory).

Descriptors are served by ``xdm_descriptors.py``; the error body, the tenant id and the small
XED readers are in ``xdm_common.py``; the router adds ``catalog.xdm_routes()`` to its routes.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from provider.emulator import json_patch, xdm_rules
from provider.emulator.connections import Caller, Stamps
from provider.emulator.router import Answer, _json, _not_allowed
from provider.emulator.store import ConnectionStore
from provider.emulator.xdm_common import (
    KNOWN_CLASSES,
    RECORD_CLASS,
    InUse,
    XdmError,
    bad,
    is_class,
    is_union,
    merge,
    refs,
    tenant_id,
    view,
)
from provider.emulator.xdm_descriptors import Descriptors

REGISTRY_PATH = "/data/foundation/schemaregistry"
_ITEM_ACCEPT = re.compile(r"^application/vnd\.adobe\.xed(-full|-notext|-full-notext|-full-desc|"
                          r"-deprecatefield)?\+json(?:\s*;\s*version\s*=\s*([0-9]+))?$")
_LIST_ACCEPT = ("application/vnd.adobe.xed-id+json", "application/vnd.adobe.xed+json")
class SchemaRegistry:
    """Field groups, schemas and descriptors per (org, sandbox); one of the router's routes."""

    def __init__(self, stamps: Stamps | None = None) -> None:
        self.stores = {k: ConnectionStore(None) for k in ("mixins", "schemas")}
        self.descriptors = Descriptors(self)
        self.stamps = stamps or Stamps()
        self.datasets_using: InUse = lambda caller, schema_id: []
        self.lock = threading.RLock()

    # --- routes ---------------------------------------------------------------------------------

    def serves(self, path: str) -> bool:
        """Paths under the registry's base."""
        return path == REGISTRY_PATH or path.startswith(REGISTRY_PATH + "/")

    def route(self, method: str, path: str, caller: Caller, query: Mapping[str, Sequence[str]],
              headers: Mapping[str, str], raw: bytes) -> Answer | None:
        """Answer a registry request (None outside the registry)."""
        if not self.serves(path):
            return None
        rel = path[len(REGISTRY_PATH):].rstrip("/")
        accept = headers.get("accept", "")
        if rel == "/stats":
            if method != "GET":
                raise _not_allowed(method, rel)
            return Answer(200, self.stats(caller))
        parts = rel.split("/", 3)
        if len(parts) < 3 or parts[1] != "tenant" or parts[2] not in (
                "fieldgroups", "schemas", "descriptors"):
            raise XdmError("1010", 404, f"No Schema Registry resource is served at {rel}.")
        kind = {"fieldgroups": "mixins"}.get(parts[2], parts[2])
        id_ = unquote(parts[3]) if len(parts) == 4 else None
        with self.lock:
            if kind == "descriptors":
                return self.descriptors.route(method, caller, id_, accept, raw)
            if id_ is None:
                if method == "GET":
                    return Answer(200, self.listing(caller, kind, accept))
                if method == "POST":
                    return Answer(201, self.create(caller, kind, _json(raw)))
                raise _not_allowed(method, rel)
            if method == "GET":
                return Answer(200, self.get(caller, kind, id_, accept))
            if method in ("PUT", "PATCH"):
                return Answer(200, self.update(caller, kind, id_, method, _json(raw)))
            if method == "DELETE":
                self.delete(caller, kind, id_)
                return Answer(204)
            raise _not_allowed(method, rel)

    # --- schemas and field groups ---------------------------------------------------------------

    def stats(self, caller: Caller) -> dict[str, Any]:
        """``GET /stats`` (``classUsage`` a list, as SR-Swagger's ``statsResponse`` types it)."""
        schemas = self.stores["schemas"].all(caller.scope)
        return {
            "imsOrg": caller.org_id,
            "tenantId": tenant_id(caller.org_id),
            "counts": {"schemas": len(schemas), "mixins": len(self.stores["mixins"].all(
                caller.scope)), "datatypes": 0, "classes": 0,
                "unions": len({s["meta:class"] for s in schemas if is_union(s)})},
            "recentlyCreatedResources": [], "recentlyUpdatedResources": [], "classUsage": [],
        }

    def create(self, caller: Caller, kind: str, body: object) -> dict[str, Any]:
        """A new field group or schema, version 1.0."""
        tenant = tenant_id(caller.org_id)
        key = uuid.uuid4().hex
        now = self.stamps.next()
        resource: dict[str, Any] = {
            "$id": f"https://ns.adobe.com/{tenant}/{kind}/{key}",
            "meta:altId": f"_{tenant}.{kind}.{key}",
            "meta:resourceType": kind,
            "version": "1.0",
            "meta:registryMetadata": {"repo:createdDate": now, "xdm:createdClientId":
                                      caller.client_id},
        }
        resource = self._checked(caller, kind, body, resource, now)
        if kind == "schemas" and is_union(resource):
            raise bad("A new schema cannot be Profile-enabled: create its primary identity "
                       "descriptor first, then PATCH meta:immutableTags.")
        self.stores[kind].put(caller.scope, {"id": resource["meta:altId"], **resource})
        return resource

    def listing(self, caller: Caller, kind: str, accept: str) -> dict[str, Any]:
        """A listing in the form the ``Accept`` header names."""
        # A version in a listing's Accept is refused: Adobe's own 1006-400 example.
        media = accept.strip().lower()
        if media not in _LIST_ACCEPT:
            raise XdmError("1006", 400, f"The supplied Accept header is not valid: {accept!r} - "
                           "A valid Accept value should look like application/vnd.adobe."
                           "{xed|xdm}+json (no version when listing)")
        items = [view(r) for r in self.stores[kind].all(caller.scope)]
        if media == _LIST_ACCEPT[0]:
            items = [{k: r[k] for k in ("$id", "meta:altId", "version", "title")} for r in items]
        return {"results": items, "_page": {"orderby": "", "next": None, "count": len(items)},
                "_links": {"next": None}}

    def get(self, caller: Caller, kind: str, id_: str, accept: str) -> dict[str, Any]:
        """One resource; ``Accept`` must name a format and the major version."""
        match = _ITEM_ACCEPT.match(accept.strip().lower())
        if match is None or match.group(2) is None:
            raise XdmError("1006", 400, f"The supplied Accept header is not valid: {accept!r} - "
                           "version must be supplied in the accept header. Example: "
                           "application/vnd.adobe.xed+json; version=1")
        resource = self.require(caller, kind, id_)
        if match.group(2) != resource["version"].split(".")[0]:
            raise XdmError("9006", 406, f"Version {match.group(2)} of {resource['$id']} is not "
                           f"available; its major version is {resource['version'].split('.')[0]}.")
        if kind == "schemas" and (match.group(1) or "").startswith("-full"):
            resource["properties"] = self.tree(caller, resource)["properties"]
        return resource

    def update(self, caller: Caller, kind: str, id_: str, method: str, body: object
               ) -> dict[str, Any]:
        """PUT (the whole body) or PATCH (JSON Patch); the minor version moves on."""
        old = self.require(caller, kind, id_)
        if method == "PATCH":
            try:
                body = json_patch.apply(old, body)
            except json_patch.PatchError as error:
                raise bad(f"The JSON Patch of {old['$id']} is not valid: {error}.") from None
        now = self.stamps.next()
        major, minor = old["version"].split(".")
        kept = {k: old[k] for k in ("$id", "meta:altId", "meta:resourceType")}
        kept["version"] = f"{major}.{int(minor) + 1}"
        kept["meta:registryMetadata"] = dict(old["meta:registryMetadata"])
        new = self._checked(caller, kind, body, kept, now)
        if kind == "schemas":
            self._check_schema_edit(caller, old, new)
        else:
            self._check_field_group_edit(caller, old, new)
        self.stores[kind].put(caller.scope, {"id": new["meta:altId"], **new})
        return new

    def delete(self, caller: Caller, kind: str, id_: str) -> None:
        """Remove a resource unless something depends on it."""
        resource = self.require(caller, kind, id_)
        if kind == "schemas":
            if is_union(resource):
                raise XdmError("9003", 400, f"Schema {resource['$id']} is enabled for Profile "
                               "(meta:immutableTags union); deleting it is a breaking change "
                               "Experience Platform does not support.")
            datasets = self.datasets_using(caller, resource["$id"])
            if datasets:
                raise XdmError("9004", 400, f"Schema {resource['$id']} is used by datasets "
                               f"{', '.join(datasets)}; delete them first.")
            self.descriptors.delete_of(caller, resource["$id"])
        else:
            users = [s["$id"] for s in self.stores["schemas"].all(caller.scope)
                     if resource["$id"] in refs(s)]
            if users:
                raise XdmError("9005", 400, f"Field group {resource['$id']} is used by schemas "
                               f"{', '.join(users)}; remove it from them first.")
        self.stores[kind].delete(caller.scope, resource["meta:altId"])

    def require(self, caller: Caller, kind: str, id_: str) -> dict[str, Any]:
        """The resource named by ``meta:altId`` or ``$id``, else 404 1010."""
        for record in self.stores[kind].all(caller.scope):
            if id_ in (record["meta:altId"], record["$id"]):
                return view(record)
        noun = "schema" if kind == "schemas" else "field group"
        raise XdmError("1010", 404, f"The requested {noun} resource {id_} with version 1 is "
                       "not found.")

    def schema_by_id(self, caller: Caller, schema_id: str) -> dict[str, Any] | None:
        """A tenant schema by ``$id`` (for Catalog), or None."""
        return next((view(s) for s in self.stores["schemas"].all(caller.scope)
                     if s["$id"] == schema_id), None)

    # --- rules ----------------------------------------------------------------------------------

    def _checked(self, caller: Caller, kind: str, body: object, server: dict[str, Any],
                 now: int) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad("The request body must be a JSON object.")
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise bad("title is required (a non-empty string).")
        for other in (*self.stores["schemas"].all(caller.scope),
                      *self.stores["mixins"].all(caller.scope)):
            if other["title"] == title and other["$id"] != server["$id"]:
                raise XdmError("1521", 400, "Object titles must be unique. An object "
                               f"{other['$id']} already exists with the same title")
        if body.get("type", "object") != "object":
            raise bad("type must be object.")
        tenant = tenant_id(caller.org_id)
        resource = {k: v for k, v in copy.deepcopy(body).items()
                    if not k.startswith("meta:registryMetadata")}
        resource.update(server)
        resource.update({"type": "object", "imsOrg": caller.org_id, "meta:containerId": "tenant",
                         "meta:tenantNamespace": f"_{tenant}"})
        meta = resource["meta:registryMetadata"]
        meta.update({"repo:lastModifiedDate": now, "xdm:lastModifiedClientId": caller.client_id,
                     "eTag": hashlib.sha256(f"{server['$id']}{now}".encode()).hexdigest()})
        if kind == "mixins":
            if not isinstance(body.get("meta:intendedToExtend"), list):
                raise bad("meta:intendedToExtend is required (the classes it extends).")
            self._check_namespace(tenant, body.get("definitions"))
            return resource
        entries = body.get("allOf")
        if not isinstance(entries, list) or not all(isinstance(r, dict) and isinstance(
                r.get("$ref"), str) for r in entries):
            raise bad("allOf is required: objects with a $ref each.")
        classes = [r["$ref"] for r in entries if is_class(r["$ref"])]
        if len(classes) != 1:
            raise bad(f"allOf must name exactly one class; it names {len(classes)}.")
        for ref in refs(resource):
            if ref.startswith(f"https://ns.adobe.com/{tenant}/mixins/") and not any(
                    m["$id"] == ref for m in self.stores["mixins"].all(caller.scope)):
                raise XdmError("1010", 404, f"The requested field group resource {ref} with "
                               "version 1 is not found.")
        extends = [classes[0], KNOWN_CLASSES.get(classes[0], RECORD_CLASS),
                   *(r for r in refs(resource) if r != classes[0])]
        resource.update({"meta:class": classes[0], "meta:extends": list(dict.fromkeys(extends)),
                         "meta:abstract": False, "meta:extensible": False})
        return resource

    @staticmethod
    def _check_namespace(tenant: str, definitions: object) -> None:
        if definitions is None:
            return
        if not isinstance(definitions, dict):
            raise bad("definitions must be an object.")
        for name, definition in definitions.items():
            properties = definition.get("properties", {}) if isinstance(definition, dict) else {}
            stray = sorted(k for k in properties if k != f"_{tenant}")
            if stray:
                raise XdmError("1021", 400, "A custom field is defined under an invalid "
                               f"namespace ({name}: {', '.join(stray)}). All custom fields "
                               f"must be defined under a top-level field named _{tenant}.")

    def tree(self, caller: Caller, schema: Mapping[str, Any]) -> dict[str, Any]:
        """The schema's class and custom fields, resolved from its tenant field groups."""
        properties: dict[str, Any] = {}
        for mixin in self.stores["mixins"].all(caller.scope):
            if mixin["$id"] in refs(schema):
                for definition in (mixin.get("definitions") or {}).values():
                    merge(properties, definition.get("properties", {}))
        return {"meta:class": schema.get("meta:class"), "properties": properties}

    def _in_use(self, caller: Caller, schema: Mapping[str, Any]) -> bool:
        return is_union(schema) or bool(self.datasets_using(caller, schema["$id"]))

    def _check_schema_edit(self, caller: Caller, old: dict[str, Any], new: dict[str, Any]
                           ) -> None:
        if is_union(old) and not is_union(new):
            raise XdmError("9002", 400, f"Schema {old['$id']}: the union tag in "
                           "meta:immutableTags is set once and never removed.")
        if is_union(new) and not is_union(old) and not any(
                d.get("xdm:isPrimary") is True for d in self.descriptors.of(caller, old["$id"])):
            raise XdmError("1528", 400, "To participate in a union, a schema must include an "
                           "identityMap fieldgroup or a primary identity descriptor.")
        if self._in_use(caller, old):
            changes = xdm_rules.refused_edits(self.tree(caller, old), self.tree(caller, new))
            if changes:
                raise XdmError("9001", 400, f"Schema {old['$id']} is in use: "
                               + " | ".join(changes))

    def _check_field_group_edit(self, caller: Caller, old: dict[str, Any], new: dict[str, Any]
                                ) -> None:
        users = [s for s in self.stores["schemas"].all(caller.scope)
                 if old["$id"] in refs(s) and self._in_use(caller, s)]
        changes = xdm_rules.refused_edits(old, new) if users else []
        if changes:
            raise XdmError("9001", 400, f"Field group {old['$id']} is used by schema "
                           f"{users[0]['$id']}, which is in use: " + " | ".join(changes))
