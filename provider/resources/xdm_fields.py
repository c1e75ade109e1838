"""Field tables of the schema-as-code resources: ``XdmFieldGroup``, ``XdmSchema``,
``XdmIdentity`` (Schema Registry, ``/data/foundation/schemaregistry``) and ``Dataset`` (Catalog,
``/data/foundation/catalog/dataSets``). The facts and their sources:
``docs/reference/schema-registry-and-catalog.md``. Pure data, like ``provider.fields``.
"""

from __future__ import annotations

from provider.resources.fields import Field, ResourceSpec
from provider.resources.fields import sandbox_field as _sandbox

XDM_TYPES = ("string", "integer", "long", "number", "boolean", "date", "date-time")
"""The field types a field group declares (XDM's scalar types; objects come from dotted names)."""

CLASS_ALIASES = {
    "profile": "https://ns.adobe.com/xdm/context/profile",
    "experience_event": "https://ns.adobe.com/xdm/context/experienceevent",
}
"""Adobe's classes by short name; any other class is named by its ``$id``."""

DEFAULT_CONTENT_TYPE = "application/vnd.adobe.xed+json;version=1"

_CLASS_RULE = "`profile`, `experience_event`, or a class `$id` URI (a record class)"
_CONTENT_RULE = ("an XED content type naming the schema's MAJOR version (`version=1`), not the "
                 "registry's edit version (`1.3`)")

XDM_FIELD_FIELDS = (
    Field("name", "name", None,
          "The field's name under the tenant namespace; dots nest it in objects "
          "(`loyalty.points` is field `points` of object `loyalty`).", required=True,
          rule="letters, digits and `_`, starting with a letter; dots between parts"),
    Field("type", "type", None, "The XDM type: " + ", ".join(f"`{t}`" for t in XDM_TYPES) + ".",
          required=True, rule="one of " + ", ".join(XDM_TYPES)),
    Field("title", "title", None, "The title the Schema Editor shows (default: the name)."),
    Field("description", "description", None, "Free text shown in the Schema Editor."),
    Field("required", "required", None, "Whether a record must carry the field.",
          type="boolean", rule="true or false"),
)

XDM_FIELD_GROUP = ResourceSpec(
    module="aep",
    name="XdmFieldGroup",
    description="A Schema Registry field group (`/tenant/fieldgroups`): custom fields under "
                "the tenant namespace for one class. Adding fields is an update; removing, "
                "renaming or retyping one replaces it (Adobe's rule: only additive changes; "
                "preview warns and names the field).",
    id_field="alt_id",
    fields=(
        Field("title", "title", "title", "The field group's title (unique in the sandbox).",
              required=True, rule="a non-empty string, at most 256 characters"),
        Field("description", "description", "description", "Free text shown in AEP.",
              rule="a non-empty string, at most 4096 characters; line breaks allowed"),
        Field("extends", "extends", "meta:intendedToExtend",
              "The class it extends. Changing it replaces the field group.", required=True,
              replace=True, rule=_CLASS_RULE),
        Field("fields", "fields", "definitions",
              "The custom fields, each `{name, type, title?, description?, required?}`.",
              type="array", items=XDM_FIELD_FIELDS, type_name="XdmField", required=True,
              rule="a non-empty list; names distinct; a name is not both a field and an object"),
        _sandbox("field group"),
        Field("alt_id", "altId", "meta:altId", "The registry's `meta:altId` (the resource id).",
              input=False),
        Field("field_group_id", "fieldGroupId", "$id",
              "The field group's `$id`; a schema names it in `field_groups`.", input=False),
        Field("version", "version", "version",
              "The registry's edit version (`1.0`, then `1.1`... on every edit). Not a schema's "
              "major version: never wire it into a content type.", input=False),
    ),
)

PRIMARY_IDENTITY_FIELDS = (
    Field("field", "field", None,
          "The identity field: a dotted name under the tenant namespace (`crmId`) or an XDM "
          "path (`/personalEmail/address`).", required=True, rule="a field path"),
    Field("namespace", "namespace", None, "The identity namespace code, e.g. `Email`, `ECID`.",
          required=True, rule="a non-empty string"),
)

XDM_SCHEMA = ResourceSpec(
    module="aep",
    name="XdmSchema",
    description="A Schema Registry schema (`/tenant/schemas`): one class and its field groups, "
                "optionally a primary identity and Profile enablement. A schema enabled for "
                "Profile is created in three requests (the schema, its primary identity "
                "descriptor, the PATCH that enables it); Adobe never deletes one, so destroying "
                "it only removes it from the stack (and says so).",
    id_field="alt_id",
    fields=(
        Field("title", "title", "title", "The schema's title (unique in the sandbox).",
              required=True, rule="a non-empty string, at most 256 characters"),
        Field("description", "description", "description", "Free text shown in AEP.",
              rule="a non-empty string, at most 4096 characters; line breaks allowed"),
        Field("schema_class", "schemaClass", "meta:class",
              "The class. Changing it replaces the schema.", required=True, replace=True,
              rule=_CLASS_RULE),
        Field("field_groups", "fieldGroups", "allOf",
              "The `$id`s of its field groups (an `XdmFieldGroup`'s `field_group_id`). Adding "
              "one is an update; removing one replaces the schema.", type="array",
              rule="a list of distinct `$id` URIs"),
        Field("primary_identity", "primaryIdentity", None,
              "The primary identity `{field, namespace}`, made as an identity descriptor with "
              "the schema. Setting it is an update; changing or removing it replaces the schema.",
              type="object", items=PRIMARY_IDENTITY_FIELDS, type_name="XdmPrimaryIdentity"),
        Field("profile_enabled", "profileEnabled", "meta:immutableTags",
              "Enable the schema for Real-Time Customer Profile (needs `primary_identity`). "
              "Adobe never disables it: turning it off is refused.", type="boolean",
              rule="true or false; once true, never false", value_default=False),
        _sandbox("schema"),
        Field("alt_id", "altId", "meta:altId", "The registry's `meta:altId` (the resource id).",
              input=False),
        Field("schema_id", "schemaId", "$id",
              "The schema's `$id`: what a dataset, mapping set and target connection name.",
              input=False),
        Field("version", "version", "version",
              "The registry's edit version (`1.0`, then `1.1`... on every edit). Not the major "
              "version: never wire it into a content type.", input=False),
        Field("major_version", "majorVersion", None, "The schema's major version (1).",
              type="integer", input=False),
        Field("content_type", "contentType", None,
              "The content type naming the schema's major version "
              "(`application/vnd.adobe.xed+json;version=1`): wire it into a dataset's and a "
              "target connection's `schema_version`.", input=False),
        Field("identity_descriptor_id", "identityDescriptorId", None,
              "The `@id` of the primary identity descriptor, when there is one.", input=False),
    ),
)

XDM_IDENTITY = ResourceSpec(
    module="aep",
    name="XdmIdentity",
    description="A Schema Registry identity descriptor (`/tenant/descriptors`, "
                "`xdm:descriptorIdentity`): one more identity field of a schema. Every change "
                "replaces it.",
    id_field="descriptor_id",
    fields=(
        Field("schema_id", "schemaId", "xdm:sourceSchema", "The schema's `$id`.",
              required=True, replace=True, rule="an XDM schema `$id` URI"),
        Field("field", "field", "xdm:sourceProperty",
              "The identity field: a dotted name under the tenant namespace or an XDM path.",
              required=True, replace=True, rule="a field path"),
        Field("namespace", "namespace", "xdm:namespace",
              "The identity namespace code, e.g. `Email`, `Phone`, `ECID`.", required=True,
              replace=True, rule="a non-empty string"),
        Field("primary", "primary", "xdm:isPrimary",
              "Whether it is the schema's primary identity (one per schema; prefer the schema's "
              "`primary_identity`).", type="boolean", replace=True, rule="true or false",
              value_default=False),
        _sandbox("identity descriptor"),
        Field("descriptor_id", "descriptorId", "@id", "The descriptor's `@id`.", input=False),
    ),
)

DATASET = ResourceSpec(
    module="aep",
    name="Dataset",
    description="A Catalog dataset (`/data/foundation/catalog/dataSets`) of one XDM schema, "
                "optionally enabled for Profile and Identity (its `unifiedProfile` and "
                "`unifiedIdentity` tags).",
    id_field="dataset_id",
    fields=(
        Field("name", "name", "name", "The dataset's name as AEP shows it.", required=True,
              rule="a non-empty string, at most 256 characters"),
        Field("description", "description", "description", "Free text shown in AEP.",
              rule="a non-empty string, at most 4096 characters; line breaks allowed"),
        Field("schema_id", "schemaId", "schemaRef.id",
              "The `$id` of its XDM schema (an `XdmSchema`'s `schema_id`). Changing it replaces "
              "the dataset.", required=True, replace=True, rule="an XDM schema `$id` URI"),
        Field("schema_version", "schemaVersion", "schemaRef.contentType",
              f"The schema's content type, default `{DEFAULT_CONTENT_TYPE}` (an `XdmSchema`'s "
              "`content_type`). Changing it replaces the dataset.", replace=True,
              rule=_CONTENT_RULE, value_default=DEFAULT_CONTENT_TYPE),
        Field("profile_enabled", "profileEnabled", "tags.unifiedProfile",
              "Enable the dataset for Profile (its schema must be enabled for Profile); it can be "
              "turned off.", type="boolean", rule="true or false", value_default=False),
        Field("identity_enabled", "identityEnabled", "tags.unifiedIdentity",
              "Enable the dataset for Identity Service.", type="boolean", rule="true or false",
              value_default=False),
        _sandbox("dataset"),
        Field("dataset_id", "datasetId", "id",
              "The Catalog dataset id (24 hex digits): a target connection's `dataset_id`.",
              input=False),
    ),
)
