"""``MappingSet`` (Data Prep): its field table and its API mapping (a ``lifecycle.ResourceApi``
over ``/data/foundation/conversion/mappingSets``).

Not plain Flow Service CRUD: an update is a ``PUT`` making a new version (never repeated on a
guess: after a lost answer a newer version already showing the declared rules is taken), the
version stands where an etag would, and there is no DELETE (deleting makes no call and returns
the notice the core writes for the user: ``DELETES = False``). The table,
``mapping_set_body``/``mapping_set_inputs`` and ``MAPPING_SET_API`` are still importable from
``provider.fields``, ``provider.pipeline_model`` and ``provider.pipeline_api``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provider import advice, endpoints, pipeline_rules
from provider.errors import NotFoundError
from provider.pipeline_rules import DEFAULT_SCHEMA_VERSION, either
from provider.resources.base import (
    NAMED_RULES,
    SANDBOX_RULES,
    EntityApi,
    Props,
    keyed,
    with_sandbox,
)
from provider.resources.fields import TEXT_RULE, Field, ResourceSpec, sandbox_field
from provider.resources.identity import replace_fields
from provider.validation import decimal_int

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

MAPPING_RULE_FIELDS = (
    Field("source", "source", None, "A source column, or an expression with `EXPRESSION`.",
          required=True, rule="a non-empty string"),
    Field("destination", "destination", None, "The XDM field path, e.g. `_acme.orderId`.",
          required=True, rule="an XDM field path, each mapped once"),
    Field("source_type", "sourceType", None, "`ATTRIBUTE` (a column) or `EXPRESSION`.",
          required=True, rule="ATTRIBUTE or EXPRESSION"),
)

MAPPING_SET = ResourceSpec(
    module="aep",
    name="MappingSet",
    description="A Data Prep mapping set (`/data/foundation/conversion/mappingSets`): how "
                "source columns become XDM fields. An update stores a new version; Adobe has "
                "no DELETE, so deleting it only removes it from the stack (and says so).",
    id_field="mapping_set_id",
    fields=(
        Field("name", "name", "name",
              "The mapping set's name, unique in the sandbox; generated at preview when unset "
              "(`pulumi-mapping-set-<hex>`) and kept in state. A lost create is found by it.",
              rule=f"{TEXT_RULE}, at most 256 characters"),
        Field("schema_id", "schemaId", "outputSchema.schemaRef.id",
              "The `$id` of the XDM schema the mappings write.", required=True,
              rule="an XDM schema `$id` URI"),
        Field("mappings", "mappings", "mappings",
              "The mapping rules, each `{source, destination, source_type}`.",
              type="array", items=MAPPING_RULE_FIELDS, type_name="MappingRule", required=True,
              rule="a non-empty list; `source_type` ATTRIBUTE or EXPRESSION; destinations "
                   "distinct"),
        sandbox_field("mapping set"),
        Field("mapping_set_id", "mappingSetId", "id", "The Data Prep mapping set id.",
              input=False),
        Field("version", "version", "version",
              "The mapping set's current version (0 at create, +1 per update); a dataflow "
              "names it as `mapping_version`.", type="integer", input=False),
    ),
)

# Which inputs replace, from the field table.
MAPPING_SET_REPLACE_FIELDS = replace_fields(MAPPING_SET)


def mapping_set_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /mappingSets`` (and ``PUT`` for a new version), current Data Prep shape."""
    named = {"name": props["name"]} if props.get("name") is not None else {}
    return {
        **named,
        "outputSchema": {"schemaRef": {"id": props["schema_id"],
                                       "contentType": DEFAULT_SCHEMA_VERSION}},
        "mappings": [
            {"sourceType": either(m, "source_type"), "source": m["source"],
             "destination": m["destination"]}
            for m in props["mappings"]
        ],
    }


def mapping_set_inputs(item: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a live mapping set shows (its latest version)."""
    ref = ((item.get("outputSchema") or {}).get("schemaRef") or {})
    inputs: dict[str, Any] = {
        "name": item.get("name"),
        "schema_id": ref.get("id"),
        "mappings": [
            {"source": m.get("source"), "destination": m.get("destination"),
             "source_type": endpoints.source_type_meaning(m.get("sourceType"))}
            for m in item.get("mappings") or [] if isinstance(m, Mapping)
        ],
    }
    return with_sandbox(inputs, item, prior)


class MappingSetApi(EntityApi):
    """``MappingSet`` (Data Prep): PUT makes a new version; no DELETE, so delete forgets."""

    SPEC = MAPPING_SET
    NOUN = "mapping set"
    SCHEMA_REF = ("schema_id", None)  # Data Prep's content type is not an input here
    COLL = endpoints.MAPPING_SETS
    REPLACE = MAPPING_SET_REPLACE_FIELDS
    DELETES = False  # Data Prep has no DELETE
    CHANGING_OUTPUTS: tuple[str, ...] = ("version",)
    RULES = {
        "name": NAMED_RULES["name"],
        "schema_id": keyed(pipeline_rules.schema_id_problem, "schema_id"),
        "mappings": pipeline_rules.mapping_problems,
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /mappingSets`` (current Data Prep shape)."""
        return mapping_set_body(props)

    def generated(self, news: Props, olds: Props) -> dict[str, Any]:
        """The ``name`` check fills in: the one in state, else a new unique one for a new set
        (never for a set made before names existed: that would be a diff on old state)."""
        if news.get("name") is not None or (olds and olds.get("name") is None):
            return {}
        return {"name": olds.get("name") or f"pulumi-mapping-set-{uuid.uuid4().hex[:16]}"}

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Schema and mapping rules of the latest version, sandbox."""
        return mapping_set_inputs(item, prior)

    def outputs(self, inputs: Props, *, id_: str, etag: str, state: str | None,
                created_ms: int | None, updated_ms: int | None) -> dict[str, Any]:
        """Inputs, the id and the version (Data Prep's version stands where an etag would)."""
        version = decimal_int(etag)
        return {**self.inputs_of(inputs), "mapping_set_id": id_, "version": version}

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """POST the mapping set; version 0."""
        created = super().create(client, sandbox, body)
        return _with_version(created)

    def get_as_of(self, client: FlowServiceClient, sandbox: str, id_: str, prior: Props, *,
                  warn: Callable[[str], None]) -> dict[str, Any]:
        """The mapping set as of the version in state or later: one GET without ``version``
        (Adobe's spec defaults it to 0 and documents no "latest" selector), and only if that
        answers a version older than ``prior``'s, a second GET of that version. A newer version
        is drift and is read as it is. A 404 on the second GET says that version is missing,
        not the set (the first GET found it): the first answer is taken, and ``warn`` says so."""
        item = client.get(self.COLL, sandbox, id_)
        known = pipeline_rules.as_integer(prior.get("version"))
        read = pipeline_rules.as_integer(item.get("version"))
        if known is not None and read is not None and read < known:
            try:
                item = client.get(self.COLL, sandbox, id_, params=[("version", str(known))])
            except NotFoundError:
                warn(advice.mapping_version_missing(id_, known, read))
        return item

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """PUT the whole set (a new version); after a lost answer, a newer version already
        showing the declared rules is taken instead of making another."""
        if not self.changes(olds, news, lambda _v: False)[0]:
            return None
        body = self.create_body(news)
        known = pipeline_rules.as_integer(olds.get("version"))
        wanted = endpoints.mapping_set_identity(body)

        def landed(item: Any) -> bool:
            version = pipeline_rules.as_integer(item.get("version"))
            return (endpoints.mapping_set_identity(item) == wanted and version is not None
                    and (known is None or version > known))

        after = [] if known is None else [("version", str(known + 1))]
        return _with_version(client.replace(self.COLL, sandbox, id_, body, applied=landed,
                                            read_params=after))

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """No call: Adobe's Data Prep API has no DELETE. Returns what the user is told."""
        return (f"mapping set {id_} in sandbox {sandbox!r} was removed from the stack but not "
                "deleted: Adobe's Data Prep API cannot delete mapping sets, so it stays in AEP "
                "(unused, harmless)")


def _with_version(done: Any) -> Any:
    done.extra["version"] = decimal_int(str(done.etag))
    return done


MAPPING_SET_API = MappingSetApi()
