"""Identity descriptors of the Schema Registry (``/tenant/descriptors``): what ``XdmSchema``'s
primary identity and ``XdmIdentity`` send and read: the ``{field, namespace}`` rule, the
descriptor body (a dotted field under the tenant object, an XDM path as it is), and how a
descriptor read back compares with what a program declares."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from provider.errors import UnexpectedAnswerError
from provider.resources import xdm_calls
from provider.validation import Failure

if TYPE_CHECKING:
    from provider.client import FlowServiceClient

DESCRIPTORS = "/tenant/descriptors"
MAJOR = 1  # every schema's major version: Adobe allows no breaking change, so it never moves
FIELD = re.compile(r"(/[A-Za-z_][A-Za-z0-9_]*)+|[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*")
_IDENTITY_KEYS = ("field", "namespace")


def identity_problems(value: object, where: str = "primary_identity") -> list[Failure]:
    """``{field, namespace}``: a field path and a namespace code."""
    if not isinstance(value, dict):
        return [(where, f"{where} must be an object {{field, namespace}}")]
    failures = [(f"{where}.{k}", f"unknown property {k!r}; the known ones are field, namespace")
                for k in sorted(value) if k not in _IDENTITY_KEYS]
    if not isinstance(value.get("field"), str) or not FIELD.fullmatch(value["field"]):
        failures.append((f"{where}.field", f"{where}.field must be a dotted name under the "
                         "tenant namespace (crmId) or an XDM path (/personalEmail/address)"))
    if not isinstance(value.get("namespace"), str) or not value["namespace"].strip():
        failures.append((f"{where}.namespace", f"{where}.namespace must be an identity "
                         "namespace code, e.g. Email"))
    return failures


def source_property(client: FlowServiceClient, sandbox: str, field: str) -> str:
    """The descriptor's ``xdm:sourceProperty``: an XDM path as it is, a dotted name under the
    tenant object (the tenant read once per process)."""
    if field.startswith("/"):
        return field
    return f"/_{xdm_calls.tenant_id(client, sandbox)}/" + field.replace(".", "/")


def descriptor_body(client: FlowServiceClient, sandbox: str, schema_id: str, field: str,
                    namespace: str, primary: bool) -> dict[str, Any]:
    """An ``xdm:descriptorIdentity`` (the major version as ``xdm:sourceVersion``)."""
    return {"@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema_id,
            "xdm:sourceVersion": MAJOR,
            "xdm:sourceProperty": source_property(client, sandbox, field),
            "xdm:namespace": namespace, "xdm:property": "xdm:code", "xdm:isPrimary": primary}


_TENANT_SCHEMA = re.compile(r"https://ns\.adobe\.com/([a-z0-9_]+)/schemas/")


def declared_field(path: str, schema_id: str) -> str:
    """A descriptor's ``xdm:sourceProperty`` as a program declares it: a field under the
    tenant object of ``schema_id`` (``/_acme/loyalty/id`` in an ``ns.adobe.com/acme`` schema)
    as its dotted name (``loyalty.id``), any other XDM path as it is, ``/_experience/...``
    included (``source_property`` turns it back)."""
    tenant = _TENANT_SCHEMA.match(schema_id)
    parts = path.strip("/").split("/")
    if tenant and parts[0] == f"_{tenant.group(1)}" and path.startswith("/_") \
            and len(parts) > 1 and all(parts[1:]):
        return ".".join(parts[1:])
    return path


def same_identity(one: object, other: object, schema_id: object = None) -> bool:
    """Whether two ``{field, namespace}`` name one identity (a field by name or by its path
    under the tenant object of ``schema_id``)."""
    if not isinstance(one, dict) or not isinstance(other, dict):
        return one == other
    field, theirs = one.get("field"), other.get("field")
    return one.get("namespace") == other.get("namespace") and (
        field == theirs or same_field(field, theirs, schema_id)
        or same_field(theirs, field, schema_id))


def primary_descriptor(listing: object, schema_id: str) -> dict[str, Any] | None:
    """The primary identity descriptor of ``schema_id`` in a descriptor list (Adobe's
    ``application/vnd.adobe.xdm+json`` form: descriptor objects grouped by ``@type``)."""
    found = listing.get("xdm:descriptorIdentity", []) if isinstance(listing, dict) else None
    if not isinstance(found, list):
        raise UnexpectedAnswerError("GET", DESCRIPTORS, 200, "the descriptor list is not "
                                    "descriptors grouped by @type, as Adobe documents it")
    primary = [d for d in found if isinstance(d, dict) and d.get("xdm:sourceSchema") == schema_id
               and d.get("xdm:isPrimary") is True]
    if primary and not all(isinstance(primary[0].get(k), str) and primary[0][k].strip()
                           for k in ("xdm:sourceProperty", "xdm:namespace")):
        raise UnexpectedAnswerError("GET", DESCRIPTORS, 200, "the schema's primary identity "
                                    "descriptor has no xdm:sourceProperty or xdm:namespace")
    return primary[0] if primary else None


def same_field(live: object, declared: object, schema_id: object = None) -> bool:
    """Whether a descriptor's path is the declared field: a dotted name under the tenant object
    of ``schema_id`` (unknown: any tenant's, never Adobe's ``_experience``)."""
    if not isinstance(live, str) or not isinstance(declared, str):
        return False
    tenant = _TENANT_SCHEMA.match(schema_id) if isinstance(schema_id, str) else None
    under = re.escape(f"_{tenant.group(1)}") if tenant else r"_(?!experience/)[a-z0-9_]+"
    return live == declared or (not declared.startswith("/") and re.fullmatch(
        f"/{under}/" + re.escape(declared.replace(".", "/")), live) is not None)
