"""What the emulator's Schema Registry modules share: Adobe's XDM error body, the tenant id,
and small readers of XED resources."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from provider.emulator.connections import Caller
from provider.emulator.problems import FlowError

RECORD_CLASS = "https://ns.adobe.com/xdm/data/record"
KNOWN_CLASSES = {
    "https://ns.adobe.com/xdm/context/profile": RECORD_CLASS,
    "https://ns.adobe.com/xdm/context/experienceevent": "https://ns.adobe.com/xdm/data/time-series",
}
"""Adobe's classes the emulator knows (and the behaviour each extends)."""
_TITLES = {"1006": "Accept header invalid", "1010": "Resource not found", "1021":
           "Namespace validation error", "1521": "Title not unique", "1528":
           "Union descriptor validation error", "9001": "Breaking change", "9002":
           "Immutable tag", "9003": "Schema enabled for Profile", "9004": "Schema in use",
           "9005": "Field group in use", "9006": "Not acceptable", "9007": "Bad request"}
InUse = Callable[[Caller, str], list[str]]


class XdmError(FlowError):
    """A Schema Registry error: ``http://ns.adobe.com/aep/errors/XDM-NNNN-SSS``."""

    def __init__(self, number: str, status: int, message: str) -> None:
        super().__init__(f"XDM-{number}-{status}", message, status=status)
        self.number = number

    def body(self, request_id: str) -> dict[str, Any]:
        """Adobe's XDM error shape (troubleshooting guide)."""
        return {
            "type": f"http://ns.adobe.com/aep/errors/{self.code}",
            "title": _TITLES.get(self.number, "Error"),
            "status": self.status,
            "report": {"registryRequestId": request_id, "detailed-message": self.message,
                       "sub-errors": []},
            "detail": self.message,
        }


def tenant_id(org_id: str) -> str:
    """The emulated tenant id of an org: lower-case letters, stable."""
    digest = hashlib.sha256(org_id.encode()).hexdigest()[:10]
    return "emu" + "".join(chr(ord("a") + int(c, 16)) for c in digest)


def bad(message: str) -> XdmError:
    """A 400 Adobe publishes no code for (the emulator's XDM-9007-400)."""
    return XdmError("9007", 400, message)



def is_union(resource: Mapping[str, Any]) -> bool:
    """Whether a schema is enabled for Profile (``meta:immutableTags`` holds ``union``)."""
    return "union" in (resource.get("meta:immutableTags") or [])


def is_class(ref: str) -> bool:
    """Whether an ``allOf`` ``$ref`` names a class (Adobe's, or any ``/classes/`` URL)."""
    return ref in KNOWN_CLASSES or "/classes/" in ref


def refs(resource: Mapping[str, Any]) -> list[str]:
    """The ``$ref`` of every ``allOf`` entry."""
    return [r["$ref"] for r in resource.get("allOf") or [] if isinstance(r, dict)
            and isinstance(r.get("$ref"), str)]


def merge(into: dict[str, Any], properties: Mapping[str, Any]) -> None:
    """Merge field-group ``properties`` into ``into`` (objects met twice are merged)."""
    for name, field in properties.items():
        if name in into and isinstance(field, dict) and "properties" in field:
            merge(into[name].setdefault("properties", {}), field["properties"])
        else:
            into[name] = copy.deepcopy(field)


def view(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record as served (without the store's ``id``)."""
    return copy.deepcopy({k: v for k, v in record.items() if k != "id"})

