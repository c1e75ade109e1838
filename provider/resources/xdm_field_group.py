"""``XdmFieldGroup``: its API mapping over the Schema Registry's ``/tenant/fieldgroups``.

Create is one ``POST`` (and, once per process, ``GET /stats`` for the tenant namespace); read
one ``GET`` (``Accept: application/vnd.adobe.xed+json; version=1``); update one ``PATCH``
(JSON Patch of the title, description and definitions); delete one ``DELETE``. The fields are a
flat list whose dotted names make nested objects (``loyalty.points``), all under the tenant's
``_{TENANT_ID}`` object (Adobe's rule for custom fields, ``XDM-1021-400`` otherwise).

Evolution: the old and new field trees go through ``provider.xdm.breaking_changes`` at diff,
with no request. A non-additive change (a field removed or renamed, a type changed, the class
changed) replaces the field group and the preview warns, naming the field and quoting Adobe's
rule; an additive one (new fields, titles, descriptions) is an update.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provider import advice, xdm
from provider.errors import ApiError
from provider.resources import xdm_calls
from provider.resources.base import NAMED_RULES, SANDBOX_RULES, Changes, IsUnknown
from provider.resources.xdm_calls import Props, XdmApi
from provider.resources.xdm_fields import CLASS_ALIASES, XDM_FIELD_GROUP, XDM_TYPES
from provider.rules.schedule import unknown_keys
from provider.validation import Failure

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

PATH = "/tenant/fieldgroups"
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}(\.[A-Za-z][A-Za-z0-9_]{0,62}){0,7}")
_XDM = {"string": {"type": "string"}, "integer": {"type": "integer", "meta:xdmType": "int"},
        "long": {"type": "integer", "meta:xdmType": "long"},
        "number": {"type": "number"}, "boolean": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "date-time": {"type": "string", "format": "date-time"}}
_KEYS = ("name", "type", "title", "description", "required")


def class_id(value: object) -> str:
    """A class alias (``profile``) as its ``$id``; a ``$id`` as it is."""
    return CLASS_ALIASES.get(str(value), str(value))


def _class_of(value: object) -> object:
    """A class as its ``$id`` (an import reads it so; a program may name its alias)."""
    return class_id(value) if isinstance(value, str) else value


def class_problem(value: object, key: str) -> str | None:
    """Why ``value`` is not a class: an alias or a class ``$id`` URI."""
    if isinstance(value, str) and (value in CLASS_ALIASES or re.fullmatch(
            r"https://ns\.adobe\.com/[A-Za-z0-9_./-]+", value)):
        return None
    return (f"{key} must be {', '.join(CLASS_ALIASES)} or a class $id URI "
            f"(e.g. https://ns.adobe.com/xdm/data/record)")


def normal(fields: object) -> list[dict[str, Any]]:
    """Fields as compared and kept: a title equal to the default, ``required: false`` and
    unset keys dropped; in name order (the order of the list makes no field)."""
    out = []
    for field in fields if isinstance(fields, list) else []:
        if not isinstance(field, Mapping):
            continue
        entry = {k: field[k] for k in _KEYS if field.get(k) not in (None, "", False)}
        if entry.get("title") == str(entry.get("name", "")).rsplit(".", 1)[-1]:
            entry.pop("title")
        out.append(entry)
    return sorted(out, key=lambda f: str(f.get("name")))


def fields_problems(value: object) -> list[Failure]:
    """A non-empty list of ``{name, type, ...}``; names distinct, none both a field and an
    object."""
    if not isinstance(value, list) or not value:
        return [("fields", "fields must be a non-empty list of {name, type}")]
    failures: list[Failure] = []
    names: list[str] = []
    for i, field in enumerate(value):
        where = f"fields[{i}]"
        if not isinstance(field, Mapping):
            failures.append((where, f"{where} must be an object {{name, type}}"))
            continue
        failures += unknown_keys(field, _KEYS, where)
        name, type_ = field.get("name"), field.get("type")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            failures.append((f"{where}.name", f"{where}.name must be letters, digits and _, "
                             f"starting with a letter, dots between parts"))
        else:
            names.append(name)
        if type_ not in XDM_TYPES:
            failures.append((f"{where}.type", f"{where}.type must be one of "
                             f"{', '.join(XDM_TYPES)}"))
        if field.get("required") not in (None, True, False):
            failures.append((f"{where}.required", f"{where}.required must be true or false"))
    for name in sorted({n for n in names if names.count(n) > 1}):
        failures.append(("fields", f"field {name!r} is declared twice"))
    for name in sorted({n for n in names if any(o.startswith(n + ".") for o in names)}):
        failures.append(("fields", f"{name!r} is a field and also holds fields ({name}.…); "
                         "an object is made by its fields' dotted names alone"))
    return failures


def object_node(fields: object) -> dict[str, Any]:
    """The XDM object holding the declared fields (dotted names nested as objects, each
    object's ``required`` list naming its required fields)."""
    root: dict[str, Any] = {"type": "object", "properties": {}}
    for field in fields if isinstance(fields, list) else []:
        parts = str(field["name"]).split(".")
        node = root
        for part in parts[:-1]:
            node = node["properties"].setdefault(part, {"type": "object", "title": part,
                                                        "properties": {}})
        leaf = {**_XDM[field["type"]], "title": field.get("title") or parts[-1]}
        if field.get("description"):
            leaf["description"] = field["description"]
        node["properties"][parts[-1]] = leaf
        if field.get("required"):
            node.setdefault("required", []).append(parts[-1])
    return root


def tree(props: Props) -> dict[str, Any]:
    """The tree ``breaking_changes`` compares: the class and the fields, tenant-free."""
    return {"meta:class": class_id(props.get("extends")),
            "properties": object_node(props.get("fields"))["properties"]}


def group_body(props: Props, tenant: str) -> dict[str, Any]:
    """``POST /tenant/fieldgroups``: the fields under ``_{tenant}`` in one definition."""
    found: dict[str, Any] = {
        "type": "object", "title": props["title"],
        "meta:intendedToExtend": [class_id(props["extends"])],
        "definitions": {"customFields": {"properties": {
            f"_{tenant}": object_node(props.get("fields"))}}},
        "allOf": [{"$ref": "#/definitions/customFields"}],
    }
    if props.get("description"):
        found["description"] = props["description"]
    return found


def _type_of(node: Mapping[str, Any]) -> str:
    for name, shape in _XDM.items():
        if all(node.get(k) == v for k, v in shape.items()) and (
                "meta:xdmType" in shape or "meta:xdmType" not in node or name == "number"):
            if "format" in node and "format" not in shape:
                continue
            return name
    return str(node.get("meta:xdmType") or node.get("type"))


def fields_of(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The declared fields of a field group's definitions (under its tenant object)."""
    found: list[dict[str, Any]] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        required = node.get("required") or []
        for name, child in (node.get("properties") or {}).items():
            path = f"{prefix}{name}"
            if child.get("type") == "object" and "properties" in child:
                walk(child, path + ".")
                continue
            field = {"name": path, "type": _type_of(child), "title": child.get("title"),
                     "description": child.get("description"), "required": name in required}
            found.append({k: v for k, v in field.items() if v not in (None, "")})

    for definition in (item.get("definitions") or {}).values():
        for key, namespace in (definition.get("properties") or {}).items():
            if key.startswith("_") and isinstance(namespace, Mapping):
                walk(namespace, "")
    return found


class XdmFieldGroupApi(XdmApi):
    """``XdmFieldGroup``: PATCH in place when additive, replace otherwise."""

    SPEC = XDM_FIELD_GROUP
    NOUN = "XDM field group"
    REPLACE = ("extends", "sandbox_name")
    RULES = {
        "title": NAMED_RULES["name"],
        "description": NAMED_RULES["description"],
        "extends": lambda v: class_problem(v, "extends"),
        "fields": fields_problems,
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """The inputs: the body needs the tenant, which ``create`` reads."""
        return dict(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Title, description, class and fields (in the order state has them)."""
        fields = fields_of(item)
        if normal(fields) == normal(prior.get("fields")):
            fields = list(prior["fields"])
        extends = (item.get("meta:intendedToExtend") or [None])[0]
        if class_id(prior.get("extends")) == extends:
            extends = prior.get("extends")
        found = {"title": item.get("title"), "description": item.get("description"),
                 "extends": extends, "fields": fields,
                 "sandbox_name": prior.get("sandbox_name")}
        return {k: v for k, v in found.items() if v is not None}

    def answer_outputs(self, answer: Props) -> dict[str, Any]:
        """``$id``, ``meta:altId`` and the registry's version."""
        return {"field_group_id": answer.get("$id"), "alt_id": answer.get("meta:altId"),
                "version": answer.get("version")}

    def changes(self, olds: Props, news: Props, is_unknown: IsUnknown) -> tuple[set[str], bool]:
        """Changed inputs (fields compared as a set); a breaking field change replaces."""
        changed = {f for f in self.INPUT_FIELDS if is_unknown(news.get(f)) or (
            normal(olds.get(f)) != normal(news.get(f)) if f == "fields"
            else _class_of(olds.get(f)) != _class_of(news.get(f)) if f == "extends"
            else olds.get(f) != news.get(f))}
        return changed, bool(changed & set(self.REPLACE)) or bool(self.breaking(olds, news))

    def breaking(self, olds: Props, news: Props) -> list[str]:
        """Adobe's non-additive changes from state to the declared fields (none if unknown)."""
        from provider.lifecycle import is_unknown

        if any(is_unknown(news.get(k)) for k in ("fields", "extends")):
            return []
        return xdm.breaking_changes(tree(olds), tree(news))

    def diff_props(self, olds: Props, news: Props, is_unknown: IsUnknown) -> Changes:
        """As for every entity, ``fields`` replacing when its change is not additive."""
        changed, _ = self.changes(olds, news, is_unknown)
        ordered = tuple(f for f in self.INPUT_FIELDS if f in changed)
        replaces = [f for f in ordered if f in self.REPLACE]
        if "fields" in changed and self.breaking(olds, news):
            replaces.append("fields")
        return Changes(changed=ordered, replaces=tuple(replaces))

    def warnings(self, olds: Props, news: Props) -> list[str]:
        """The breaking changes, named, with Adobe's rule."""
        found = self.breaking(olds, news)
        return [advice.breaking_replace("field group", news.get("title"), found)] if found else []

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """``POST /tenant/fieldgroups`` (the tenant read once per process)."""
        tenant = xdm_calls.tenant_id(client, sandbox)
        answer = xdm_calls.registry_call(client, "POST", PATH, sandbox,
                                         body=group_body(body, tenant), expected=(201,),
                                         noun="field group")
        return self.made(xdm_calls.created_at(answer, "meta:altId", PATH), answer)

    def get(self, client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
        """``GET /tenant/fieldgroups/{altId}`` at major version 1."""
        item: dict[str, Any] = xdm_calls.registry_call(
            client, "GET", f"{PATH}/{xdm_calls.segment(id_)}", sandbox, major=1,
            noun="field group")
        return {**item, "id": id_}

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """One ``PATCH``: title, description and the definitions."""
        ops: list[dict[str, Any]] = [{"op": "replace", "path": "/title", "value": news["title"]}]
        if news.get("description") != olds.get("description"):
            ops.append({"op": "add", "path": "/description",
                        "value": news.get("description") or ""})
        if normal(olds.get("fields")) != normal(news.get("fields")):
            tenant = xdm_calls.tenant_id(client, sandbox)
            ops.append({"op": "replace", "path": "/definitions",
                        "value": group_body(news, tenant)["definitions"]})
        answer = xdm_calls.registry_call(client, "PATCH", f"{PATH}/{xdm_calls.segment(id_)}",
                                         sandbox, body=ops, noun="field group")
        return self.patched(answer)

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """``DELETE``; one a schema still uses (a Profile-enabled schema Adobe never deletes)
        is removed from the stack and kept, with a notice. Adobe publishes no error for that
        refusal (UNCONFIRMED): the 400 is recognised by the emulator's text, "used by
        schemas"; any other refusal fails the delete."""
        try:
            xdm_calls.registry_call(client, "DELETE", f"{PATH}/{xdm_calls.segment(id_)}",
                                    sandbox, expected=(200, 204), noun="field group")
        except ApiError as error:
            if error.status == 400 and "used by schemas" in error.detail:
                return advice.field_group_kept(id_, sandbox, error.detail)
            raise
        return None


XDM_FIELD_GROUP_API = XdmFieldGroupApi()
