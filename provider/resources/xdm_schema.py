"""``XdmSchema``: its API mapping over the Schema Registry's ``/tenant/schemas``, and
``XdmIdentity``'s over ``/tenant/descriptors``.

A schema is ``allOf`` one class and its field groups. Create is one ``POST``; with a
``primary_identity`` a ``POST /tenant/descriptors`` follows, and with ``profile_enabled`` a
``PATCH`` adding ``meta:immutableTags: ["union"]`` (Adobe: Profile needs the primary identity
first), so a Profile-enabled schema costs three requests. If a later step fails, the new schema
is deleted again (it is not Profile-enabled yet) so nothing is left behind; if that delete
fails too, the create's error carries the schema's id, so it is kept in state as it was made.
Read is one ``GET``; update one ``PATCH`` (title, description, added field groups, the union
tag) after the descriptor ``POST`` of a newly declared primary identity; delete one ``DELETE``,
or none for a Profile-enabled schema: Adobe never deletes one, so it leaves the stack with a
notice.

Evolution: changing the class, removing a field group, or changing or removing the primary
identity is not additive, so it replaces the schema and the preview warns (Adobe's rule quoted);
adding field groups, a first primary identity or Profile is an update. ``profile_enabled`` going
from true to false is refused at check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from provider import advice, pipeline_rules, validation, xdm
from provider.errors import AepError, ApiError, NotFoundError
from provider.redaction import redact
from provider.resources import xdm_calls
from provider.resources.base import NAMED_RULES, SANDBOX_RULES, Changes, IsUnknown, keyed
from provider.resources.xdm_calls import Props, XdmApi
from provider.resources.xdm_descriptors import (
    DESCRIPTORS,
    FIELD,
    MAJOR,
    declared_field,
    descriptor_body,
    identity_problems,
    primary_descriptor,
    same_field,
    same_identity,
)
from provider.resources.xdm_field_group import class_id, class_problem
from provider.resources.xdm_fields import CLASS_ALIASES, XDM_IDENTITY, XDM_SCHEMA
from provider.validation import Failure

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

PATH = "/tenant/schemas"
_IDENTITY, _PROFILE = "_primary_identity", "_profile"  # create's later steps, never sent
_DESCRIPTOR = "_identity_descriptor_id"  # an import's read of the primary identity


def _text(key: str) -> validation.Rule:
    return lambda v: None if isinstance(v, str) and v.strip() else f"{key} must be a non-empty " \
        f"string"


def field_groups_problems(value: object) -> list[Failure]:
    """A list of distinct field group ``$id`` URIs (one failure per bad entry)."""
    if not isinstance(value, list):
        return [("field_groups", "field_groups must be a list of field group $id URIs")]
    failures = [(f"field_groups[{i}]", f"field_groups[{i}] must be a field group $id URI "
                 f"(an XdmFieldGroup's field_group_id)")
                for i, ref in enumerate(value)
                if not isinstance(ref, str) or not ref.startswith("https://ns.adobe.com/")]
    if len({str(r) for r in value}) != len(value):
        failures.append(("field_groups", "field_groups names a field group twice"))
    return failures


class XdmSchemaApi(XdmApi):
    """``XdmSchema``: PATCH in place when additive, replace otherwise."""

    SPEC = XDM_SCHEMA
    NOUN = "XDM schema"
    REPLACE = ("schema_class", "sandbox_name")
    CHANGING_OUTPUTS: tuple[str, ...] = ("version", "identity_descriptor_id")
    RULES = {
        "title": NAMED_RULES["name"],
        "description": NAMED_RULES["description"],
        "schema_class": lambda v: class_problem(v, "schema_class"),
        "field_groups": field_groups_problems,
        "primary_identity": identity_problems,
        "profile_enabled": validation.boolean_rule("profile_enabled"),
        **SANDBOX_RULES,
    }

    def check_inputs(self, props: Props, is_unknown: IsUnknown) -> list[Failure]:
        """The table's rules, and Profile only with a primary identity."""
        failures = super().check_inputs(props, is_unknown)
        if props.get("profile_enabled") is True and props.get("primary_identity") is None:
            failures.append(("profile_enabled", "profile_enabled needs primary_identity: Adobe "
                             "enables Profile only on a schema with a primary identity"))
        return failures

    def check_change(self, olds: Props, news: Props) -> list[Failure]:
        """Profile is never turned off."""
        if olds.get("profile_enabled") is True and news.get("profile_enabled") is False:
            return [("profile_enabled", advice.profile_never_disabled())]
        return []

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /tenant/schemas``: ``allOf`` the class and the field groups."""
        found: dict[str, Any] = {
            "type": "object", "title": props["title"],
            "allOf": [{"$ref": class_id(props["schema_class"])},
                      *({"$ref": ref} for ref in props.get("field_groups") or [])]}
        if props.get("description"):
            found["description"] = props["description"]
        if props.get("primary_identity"):
            found[_IDENTITY] = props["primary_identity"]  # never sent: create() takes it
        if props.get("profile_enabled"):
            found[_PROFILE] = True
        return found

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Title, description, class (as state spells it), field groups, Profile."""
        cls = item.get("meta:class")
        if class_id(prior.get("schema_class")) == cls:
            cls = prior.get("schema_class")
        refs = [r.get("$ref") for r in item.get("allOf") or [] if isinstance(r, dict)]
        found = {"title": item.get("title"), "description": item.get("description"),
                 "schema_class": cls,
                 "field_groups": [r for r in refs if r != item.get("meta:class")] or None,
                 "profile_enabled": "union" in (item.get("meta:immutableTags") or []),
                 "primary_identity": item.get(_IDENTITY),
                 "sandbox_name": prior.get("sandbox_name")}
        if found["field_groups"] is None and prior.get("field_groups") == []:
            found["field_groups"] = []
        return {k: v for k, v in found.items() if v is not None}

    def answer_outputs(self, answer: Props) -> dict[str, Any]:
        """``$id``, ``meta:altId``, the registry's version and the major version."""
        version = str(answer.get("version") or f"{MAJOR}.0")
        major = int(version.split(".")[0]) if version.split(".")[0].isdigit() else MAJOR
        found = {"schema_id": answer.get("$id"), "alt_id": answer.get("meta:altId"),
                 "version": answer.get("version"), "major_version": major,
                 "content_type": f"application/vnd.adobe.xed+json;version={major}"}
        if answer.get(_DESCRIPTOR):  # an import's read of the primary identity
            found["identity_descriptor_id"] = answer[_DESCRIPTOR]
        return found

    def changes(self, olds: Props, news: Props, is_unknown: IsUnknown) -> tuple[set[str], bool]:
        """As for every entity, the class and the primary identity compared by meaning (an
        import reads a class as its ``$id`` and a field as its path under the tenant object)."""
        changed, _ = super().changes(olds, news, is_unknown)
        old_class, new_class = olds.get("schema_class"), news.get("schema_class")
        if "schema_class" in changed and not is_unknown(new_class) and isinstance(
                old_class, str) and isinstance(new_class, str) and class_id(
                old_class) == class_id(new_class):
            changed.discard("schema_class")
        if "primary_identity" in changed and not is_unknown(news.get("primary_identity")) \
                and same_identity(olds.get("primary_identity"), news.get("primary_identity"),
                                  olds.get("schema_id")):
            changed.discard("primary_identity")
        return changed, bool(changed & set(self.REPLACE))

    def breaking(self, olds: Props, news: Props, is_unknown: IsUnknown) -> list[str]:
        """The non-additive changes from state to the declared schema, each naming what."""
        found = []
        if not is_unknown(news.get("schema_class")):
            found += xdm.breaking_changes({"meta:class": class_id(olds.get("schema_class"))},
                                          {"meta:class": class_id(news.get("schema_class"))})
        if not is_unknown(news.get("field_groups")):
            gone = [r for r in olds.get("field_groups") or []
                    if r not in (news.get("field_groups") or [])]
            found += [f"field group {ref} was removed (its fields with it); "
                      f"{xdm.EVOLUTION_RULE}" for ref in gone]
        old_id, new_id = olds.get("primary_identity"), news.get("primary_identity")
        if old_id and not is_unknown(new_id) and not same_identity(old_id, new_id,
                                                                  olds.get("schema_id")):
            found.append(f"the primary identity changed from {old_id} to {new_id}; "
                         f"{xdm.EVOLUTION_RULE}")
        return found

    def diff_props(self, olds: Props, news: Props, is_unknown: IsUnknown) -> Changes:
        """As for every entity, replacing on the breaking changes."""
        changed, _ = self.changes(olds, news, is_unknown)
        ordered = tuple(f for f in self.INPUT_FIELDS if f in changed)
        replaces = [f for f in ordered if f in self.REPLACE]
        breaking = self.breaking(olds, news, is_unknown)
        replaces += [f for f in ("field_groups", "primary_identity") if f in ordered and any(
            f.split("_")[0] in text for text in breaking)]
        return Changes(changed=ordered, replaces=tuple(dict.fromkeys(replaces)))

    def warnings(self, olds: Props, news: Props) -> list[str]:
        """The breaking changes, named, with Adobe's rule."""
        from provider.lifecycle import is_unknown

        found = self.breaking(olds, news, is_unknown)
        return [advice.breaking_replace("schema", news.get("title"), found)] if found else []

    def _identity(self, client: FlowServiceClient, sandbox: str, schema_id: str,
                  props: Props) -> str:
        wanted = props["primary_identity"]
        answer = xdm_calls.registry_call(
            client, "POST", DESCRIPTORS, sandbox, expected=(201,), noun="descriptor",
            body=descriptor_body(client, sandbox, schema_id, wanted["field"],
                                 wanted["namespace"], True))
        return xdm_calls.created_at(answer, "@id", DESCRIPTORS)

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """``POST`` the schema, then its primary identity and Profile (three requests at
        most); a failure after the first deletes the new schema again."""
        later = {k: body.pop(k) for k in (_IDENTITY, _PROFILE) if k in body}
        answer = xdm_calls.registry_call(client, "POST", PATH, sandbox, body=body,
                                         expected=(201,), noun="schema")
        alt_id = xdm_calls.created_at(answer, "meta:altId", PATH)
        return self._finish(client, sandbox, alt_id, answer, later)

    def _finish(self, client: FlowServiceClient, sandbox: str, alt_id: str, answer: Props,
                later: Props) -> Created:
        extra: dict[str, Any] = {}
        try:
            if later.get(_IDENTITY):
                extra["identity_descriptor_id"] = self._identity(
                    client, sandbox, str(answer["$id"]), {"primary_identity": later[_IDENTITY]})
            if later.get(_PROFILE):
                answer = xdm_calls.registry_call(
                    client, "PATCH", f"{PATH}/{xdm_calls.segment(alt_id)}", sandbox,
                    noun="schema", body=[{"op": "add", "path": "/meta:immutableTags",
                                          "value": ["union"]}])
        except AepError as failed:
            self._undo(client, sandbox, alt_id, {**self.answer_outputs(answer), **extra},
                       later, failed)
            raise
        made = self.made(alt_id, answer, 0)
        made.extra.update(extra)
        return made

    def _undo(self, client: FlowServiceClient, sandbox: str, alt_id: str, made: Props,
              later: Props, failed: AepError) -> None:
        """Delete the new schema after a later step of its create ``failed`` (a 404: already
        gone). If that delete fails too, ``failed`` carries the schema's id and its outputs as
        made (``made``, without the steps that failed), so the core keeps it in state."""
        try:
            self.delete(client, sandbox, alt_id)
        except NotFoundError:
            return
        except AepError as stuck:
            failed.created_id = alt_id
            failed.created_outputs = dict(made)
            if later.get(_IDENTITY) and "identity_descriptor_id" not in made:
                failed.created_outputs["primary_identity"] = None
            if later.get(_PROFILE):
                failed.created_outputs["profile_enabled"] = False
            note = advice.schema_not_deleted(alt_id, stuck.message)
            if isinstance(failed, ApiError):  # its message is rendered from its fields
                failed.with_hint(f"{failed.hint}. {note}" if failed.hint else note)
            else:
                failed.args = (redact(f"{failed.message}. {note}"),)

    def get(self, client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
        """``GET /tenant/schemas/{altId}`` at the major version."""
        item: dict[str, Any] = xdm_calls.registry_call(
            client, "GET", f"{PATH}/{xdm_calls.segment(id_)}", sandbox, major=MAJOR,
            noun="schema")
        return {**item, "id": id_}

    def get_as_of(self, client: FlowServiceClient, sandbox: str, id_: str, prior: Props, *,
                  warn: Callable[[str], None]) -> dict[str, Any]:
        """The schema; on import (nothing in state) also its primary identity, from the
        tenant's descriptor list (one more request, filtered here: Adobe documents no filter
        for it), so a program declaring it sees no change and never makes a second one."""
        item = self.get(client, sandbox, id_)
        if self.inputs_of(prior):
            return item  # a refresh: the identity is the one the stack made or imported
        listing = xdm_calls.registry_call(client, "GET", DESCRIPTORS, sandbox,
                                          noun="descriptor",
                                          accept="application/vnd.adobe.xdm+json")
        schema_id = str(item.get("$id"))
        found = primary_descriptor(listing, schema_id)
        if found is not None:
            item[_IDENTITY] = {"field": declared_field(str(found.get("xdm:sourceProperty")),
                                                       schema_id),
                               "namespace": found.get("xdm:namespace")}
            item[_DESCRIPTOR] = found.get("@id")
        return item

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """A new primary identity's descriptor, then one ``PATCH``."""
        extra: dict[str, Any] = {}
        if news.get("primary_identity") and not olds.get("primary_identity"):
            extra["identity_descriptor_id"] = self._identity(
                client, sandbox, str(olds.get("schema_id")), news)
        ops: list[dict[str, Any]] = []
        for key in ("title", "description"):
            if news.get(key) != olds.get(key):
                ops.append({"op": "add", "path": f"/{key}", "value": news.get(key) or ""})
        ops += [{"op": "add", "path": "/allOf/-", "value": {"$ref": ref}}
                for ref in news.get("field_groups") or []
                if ref not in (olds.get("field_groups") or [])]
        if news.get("profile_enabled") and not olds.get("profile_enabled"):
            ops.append({"op": "add", "path": "/meta:immutableTags", "value": ["union"]})
        if not ops:
            return self.patched({k: olds.get(v) for k, v in (
                ("$id", "schema_id"), ("meta:altId", "alt_id"), ("version", "version"))},
                **extra) if extra else None
        answer = xdm_calls.registry_call(client, "PATCH", f"{PATH}/{xdm_calls.segment(id_)}",
                                         sandbox, body=ops, noun="schema")
        return self.patched(answer, **extra)

    def kept(self, id_: str, sandbox: str, props: Props) -> str | None:
        """A Profile-enabled schema is never deleted by Adobe: no request, a notice."""
        return advice.profile_schema_kept(id_, sandbox) if props.get("profile_enabled") else None

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """``DELETE /tenant/schemas/{altId}`` (a Profile-enabled one never reaches it)."""
        xdm_calls.registry_call(client, "DELETE", f"{PATH}/{xdm_calls.segment(id_)}", sandbox,
                                expected=(200, 204), noun="schema")
        return None


class XdmIdentityApi(XdmApi):
    """``XdmIdentity``: an identity descriptor; every change replaces it."""

    SPEC = XDM_IDENTITY
    NOUN = "XDM identity descriptor"
    REPLACE = ("schema_id", "field", "namespace", "primary", "sandbox_name")
    CHANGING_OUTPUTS: tuple[str, ...] = ()
    RULES = {
        "schema_id": keyed(pipeline_rules.schema_id_problem, "schema_id"),
        "field": lambda v: None if isinstance(v, str) and FIELD.fullmatch(v) else (
            "field must be a dotted name under the tenant namespace (crmId) or an XDM path "
            "(/personalEmail/address)"),
        "namespace": _text("namespace"),
        "primary": validation.boolean_rule("primary"),
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """The inputs: the body may need the tenant, which ``create`` reads."""
        return dict(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Schema, field (as state spells it), namespace, primary."""
        field = item.get("xdm:sourceProperty")
        if same_field(field, prior.get("field"), item.get("xdm:sourceSchema")):
            field = prior.get("field")
        return {"schema_id": item.get("xdm:sourceSchema"), "field": field,
                "namespace": item.get("xdm:namespace"),
                "primary": item.get("xdm:isPrimary") is True,
                "sandbox_name": prior.get("sandbox_name")}

    def answer_outputs(self, answer: Props) -> dict[str, Any]:
        """The descriptor's ``@id``."""
        return {"descriptor_id": answer.get("@id")}

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """``POST /tenant/descriptors``."""
        answer = xdm_calls.registry_call(
            client, "POST", DESCRIPTORS, sandbox, expected=(201,), noun="descriptor",
            body=descriptor_body(client, sandbox, body["schema_id"], body["field"],
                                 body["namespace"], bool(body.get("primary"))))
        return self.made(xdm_calls.created_at(answer, "@id", DESCRIPTORS), answer)

    def get(self, client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
        """``GET /tenant/descriptors/{id}`` (descriptors take no version)."""
        item: dict[str, Any] = xdm_calls.registry_call(
            client, "GET", f"{DESCRIPTORS}/{xdm_calls.segment(id_)}", sandbox,
            noun="descriptor")
        return {**item, "id": id_}

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """Nothing is updated in place."""
        return None

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """``DELETE /tenant/descriptors/{id}``."""
        xdm_calls.registry_call(client, "DELETE", f"{DESCRIPTORS}/{xdm_calls.segment(id_)}",
                                sandbox, expected=(200, 204), noun="descriptor")
        return None


XDM_SCHEMA_API = XdmSchemaApi()
XDM_IDENTITY_API = XdmIdentityApi()
__all__ = ["CLASS_ALIASES", "XDM_IDENTITY_API", "XDM_SCHEMA_API"]
