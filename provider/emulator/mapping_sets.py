"""Data Prep mapping sets at ``/data/foundation/conversion/mappingSets``.

- ``POST /mappingSets`` with ``{outputSchema: {schemaRef: {id, contentType?}}, mappings:
  [{sourceType: "ATTRIBUTE" | "EXPRESSION", source, destination}]}`` answers **200** with the
  stored mapping set: ``{id, version: 0, createdDate, updatedDate, createdBy, updatedBy,
  outputSchema, mappings}`` (each mapping gets an ``id``).
- ``PUT /mappingSets/{id}`` with the same body stores a new version (``version`` + 1) and answers
  200 with it; earlier versions stay readable with ``GET /mappingSets/{id}?version=N``.
- ``GET /mappingSets/{id}`` answers the latest version (404 when unknown; a version it does not
  have: 404 "has no version N", or with ``missing_version_not_found`` the unknown set's "not
  found"); ``GET /mappingSets`` answers ``{"data": [...], "_page": {"count": N}}`` with
  ``limit``/``start``.
- No DELETE (Adobe's Data Prep API has none): 405.
- ``name`` (optional string) is stored and echoed; ``GET /mappingSets?name=N`` lists only the
  sets named ``N`` (the emulator's choice: Adobe's spec documents the field, not the filter).

Behind ``AdobeShapes`` switches (``adobe.py``, all on by default): ``sourceType`` read back as
``text/x.schema-path`` for ``ATTRIBUTE`` and ``text/x.aep-xl`` for ``EXPRESSION``,
``createdBy``/``modifiedBy`` the token's technical account, ``modifiedDate``/``modifiedBy``
naming, the short create answer and ``version`` defaulting to 0. Stored records keep the sent
``sourceType`` and ``updatedDate``/``updatedBy`` (``emu.mapping_sets()`` shows them so); the
switches shape what is answered.

Choices: only the current body shape is accepted; the older tutorials' ``xdmSchema``/
``destinationXdmPath`` shape is 400 with a hint. Errors are ``ServiceError`` bodies of type
``DATAPREP-<status>`` (the Data Prep catalogue is not published). Isolated per org and sandbox.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from provider.emulator.adobe import AdobeShapes
from provider.emulator.connections import Caller
from provider.emulator.entity import Clock, ServiceError
from provider.emulator.store import ConnectionStore

CONVERSION_PATH = "/data/foundation/conversion"
SOURCE_TYPES = ("ATTRIBUTE", "EXPRESSION")
SCHEMA_CONTENT_TYPE = "application/vnd.adobe.xed-full+json;version=1"
SCHEMA_PATH = "text/x.schema-path"
"""How Data Prep reads an ``ATTRIBUTE`` mapping back (the spec's GET and PUT examples)."""
ANSWERED_SOURCE_TYPES = {"ATTRIBUTE": SCHEMA_PATH, "EXPRESSION": "text/x.aep-xl"}
"""How each sent ``sourceType`` is answered (``EXPRESSION``: the media type Adobe lists for an
expression; the emulator's reading for Data Prep)."""
_CREATE_ANSWER = ("id", "version", "createdDate", "modifiedDate", "updatedDate", "createdBy",
                  "modifiedBy", "updatedBy")


def _error(status: int, message: str) -> ServiceError:
    return ServiceError("DATAPREP", status, message)


class MappingSetService:
    """Versioned mapping sets per (org, sandbox)."""

    def __init__(
        self, store: ConnectionStore, *, clock: Clock, adobe: AdobeShapes | None = None,
        missing_version_not_found: bool = False,
    ) -> None:
        self.store = store
        self.clock = clock
        self.adobe = adobe or AdobeShapes()
        self.missing_version_not_found = missing_version_not_found

    def _who(self, caller: Caller) -> str:
        if self.adobe.techacct_creator and caller.user_id:
            return caller.user_id
        return caller.client_id

    def _view(self, record: dict[str, Any]) -> dict[str, Any]:
        """A stored record (or history entry) as Data Prep answers it."""
        view = _view(record)
        if self.adobe.modified_naming:
            for old, new in (("updatedDate", "modifiedDate"), ("updatedBy", "modifiedBy")):
                if old in view:
                    view[new] = view.pop(old)
        if self.adobe.schema_path_source_type:
            for mapping in view.get("mappings", []):
                sent = mapping.get("sourceType")
                mapping["sourceType"] = ANSWERED_SOURCE_TYPES.get(sent, sent)
        return view

    def create(self, caller: Caller, body: object) -> dict[str, Any]:
        """Store version 0 of a new mapping set; answer it."""
        fields = self._check(body)
        now = int(self.clock() * 1000)
        record = {
            "id": uuid.uuid4().hex,
            "imsOrgId": caller.org_id,
            "sandboxName": caller.sandbox,
            "version": 0,
            "createdDate": now,
            "updatedDate": now,
            "createdBy": self._who(caller),
            "updatedBy": self._who(caller),
            **fields,
            "history": [],
        }
        self.store.put(caller.scope, record)
        view = self._view(record)
        if self.adobe.short_create_answer:
            return {k: v for k, v in view.items() if k in _CREATE_ANSWER}
        return view

    def replace(self, caller: Caller, id_: str, body: object) -> dict[str, Any]:
        """Store the next version of a mapping set; answer it."""
        with self.store.locked():
            current = self.require(caller, id_)
            fields = self._check(body)
            history = current.pop("history")
            history.append(_view(current))  # as stored: the view applies on reading
            record = {
                **current,
                **fields,
                "version": current["version"] + 1,
                "updatedDate": max(int(self.clock() * 1000), current["updatedDate"] + 1),
                "updatedBy": self._who(caller),
                "history": history,
            }
            self.store.put(caller.scope, record)
        return self._view(record)

    def get(self, caller: Caller, id_: str, version: str | None = None) -> dict[str, Any]:
        """The latest version, or version ``version``."""
        record = self.require(caller, id_)
        if version is None and self.adobe.version_default_zero:
            version = "0"
        if version is None:
            return self._view(record)
        for old in [*record["history"], _view(record)]:
            if str(old["version"]) == version:
                return self._view(old)
        if self.missing_version_not_found:
            raise _error(404, f"Mapping set {id_} not found.")
        raise _error(404, f"Mapping set {id_} has no version {version}.")

    def list(self, caller: Caller, query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """``{"data": [...], "_page": {"count"}}``, newest first, ``start``/``limit`` paging."""
        try:
            start = int((query.get("start") or ["0"])[-1])
            limit = int((query.get("limit") or ["50"])[-1])
        except ValueError:
            raise _error(400, "start and limit must be integers.") from None
        if start < 0 or limit < 1:
            raise _error(400, "start must be >= 0 and limit >= 1.")
        names = query.get("name")
        items = [
            self._view(r)
            for r in sorted(self.store.all(caller.scope), key=lambda r: -int(r["updatedDate"]))
            if not names or r.get("name") == names[-1]
        ]
        page = items[start : start + limit]
        return {"data": page, "_page": {"count": len(page), "totalCount": len(items)}}

    def has_version(self, caller: Caller, id_: str, version: object) -> bool:
        """Whether mapping set ``id_`` exists with ``version`` (an int or a digit string)."""
        record = self.store.get(caller.scope, id_)
        text = str(version).strip()
        return record is not None and text.isdigit() and int(text) <= int(record["version"])

    def require(self, caller: Caller, id_: str) -> dict[str, Any]:
        """The stored mapping set (with history), else 404."""
        found = self.store.get(caller.scope, id_)
        if found is None:
            raise _error(404, f"Mapping set {id_} not found.")
        return found

    def _check(self, body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _error(400, "The request body must be a JSON object.")
        if "xdmSchema" in body and "outputSchema" not in body:
            raise _error(
                400,
                "The xdmSchema/destinationXdmPath body is the older shape; send "
                "outputSchema.schemaRef and mappings [{sourceType, source, destination}].",
            )
        output = body.get("outputSchema")
        ref = output.get("schemaRef") if isinstance(output, dict) else None
        if not isinstance(ref, dict) or not isinstance(ref.get("id"), str) or not ref["id"]:
            raise _error(400, "outputSchema.schemaRef.id is required.")
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise _error(400, "name must be a non-empty string.")
        mappings = body.get("mappings")
        if not isinstance(mappings, list) or not mappings:
            raise _error(400, "mappings must be a non-empty array.")
        stored = []
        for index, mapping in enumerate(mappings):
            if not isinstance(mapping, dict):
                raise _error(400, f"mappings[{index}] must be an object.")
            if mapping.get("sourceType") not in SOURCE_TYPES:
                raise _error(400, f"mappings[{index}].sourceType must be ATTRIBUTE or EXPRESSION.")
            for key in ("source", "destination"):
                if not isinstance(mapping.get(key), str) or not mapping[key].strip():
                    raise _error(400, f"mappings[{index}].{key} must be a non-empty string.")
            stored.append(
                {
                    "id": uuid.uuid5(uuid.NAMESPACE_OID, f"{index}/{mapping['destination']}").hex,
                    "sourceType": mapping["sourceType"],
                    "source": mapping["source"],
                    "destination": mapping["destination"],
                }
            )
        named = {} if name is None else {"name": name}
        return {
            **named,
            "outputSchema": {
                "schemaRef": {"id": ref["id"],
                              "contentType": ref.get("contentType") or SCHEMA_CONTENT_TYPE}
            },
            "mappings": stored,
        }


def _view(record: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in record.items() if k not in ("history", "imsOrgId", "sandboxName")}
    return copy.deepcopy(view)
