"""The API mappings of the ingestion-path resources, one object each, for ``provider.lifecycle``,
and :class:`EntityApi`, the base every Flow Service / Data Prep entity's mapping shares.

``DatabricksSourceConnection``, ``DataLakeTargetConnection`` and ``MappingSet`` here;
``Dataflow`` in ``provider.resources.dataflow`` (still importable from here). Each object
satisfies ``lifecycle.ResourceApi`` over one collection of ``provider.endpoints``,
with the bodies, read-backs and update/replace rules of ``provider.pipeline_model`` and the check
rules of ``provider.pipeline_rules``. What is not plain Flow Service CRUD lives here:

- a mapping set is updated by ``PUT`` (a new version, never repeated on a guess) and has no
  DELETE: deleting it makes no call and returns the notice the core writes for the user.

The lost-create identity of each collection is derived from the resource's field table
(:func:`with_identity`, ``provider.resources.identity``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provider import endpoints, pipeline_model, pipeline_rules, validation
from provider.endpoints import Collection
from provider.errors import SHAPE_ERRORS
from provider.fields import (
    DATA_LAKE_TARGET_CONNECTION,
    DATABRICKS_SOURCE_CONNECTION,
    MAPPING_SET,
    ResourceSpec,
)
from provider.pipeline_model import (
    MAPPING_SET_REPLACE_FIELDS,
    SOURCE_REPLACE_FIELDS,
    TARGET_REPLACE_FIELDS,
)
from provider.resources.base import Changes
from provider.resources.identity import identity_of
from provider.validation import Failure, Rule, decimal_int

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

Props = Mapping[str, Any]
IsUnknown = Callable[[Any], bool]

NAMED_RULES: dict[str, Rule] = {
    "name": validation.text_rule("name", validation.MAX_NAME),
    "description": validation.text_rule("description", validation.MAX_DESCRIPTION,
                                        multiline=True),
}
SANDBOX_RULES: dict[str, Rule] = {"sandbox_name": validation.sandbox_problem}


def keyed(problem: Callable[[object, str], str | None], key: str) -> Rule:
    """The rule ``problem(value, key)``."""
    return lambda value: problem(value, key)


def with_identity(coll: Collection, spec: ResourceSpec,
                read: Callable[[Props, Props], dict[str, Any]],
                normal: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Collection:
    """``coll`` with the identity derived from ``spec`` (name and every replace field), read
    from API JSON by the resource's own read-back ``read``."""
    return dataclasses.replace(coll, identity=identity_of(spec, lambda item: read(item, {}),
                                                          normal))


def _source_defaults(values: dict[str, Any]) -> dict[str, Any]:
    # An unset cdcEnabled is Flow Service's false.
    return {**values, "cdc_enabled": bool(values.get("cdc_enabled"))}


class EntityApi:
    """The ``ResourceApi`` of one entity over one collection: inputs named as in its field
    table, outputs = inputs + id + etag. Subclasses give the body, the read-back, the rules."""

    SPEC: ResourceSpec
    NOUN: str
    COLL: Collection
    RULES: dict[str, Rule]
    REPLACE: tuple[str, ...] = ()
    CHANGING_OUTPUTS: tuple[str, ...] = ("etag",)
    SECRET_FIELDS: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.INPUT_FIELDS = self.SPEC.names(self.SPEC.inputs)
        self.OUTPUT_FIELDS = self.SPEC.names(self.SPEC.outputs)
        self.REQUIRED = self.SPEC.names(f for f in self.SPEC.inputs if f.required or f.default)

    # -- pure mapping ----------------------------------------------------------------------

    def check_inputs(self, props: Props, is_unknown: IsUnknown) -> list[Failure]:
        """One failure per bad property (nested ones name their path, e.g. schedule.interval)."""
        return validation.check_props(props, self.RULES, self.REQUIRED, is_unknown)

    def create_body(self, props: Props) -> dict[str, Any]:
        """The create request's body."""
        raise NotImplementedError

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """The inputs a live item shows (the sandbox from ``prior``)."""
        raise NotImplementedError

    def inputs_of(self, props: Props) -> dict[str, Any]:
        """Only the input properties of ``props``."""
        return {k: props[k] for k in self.INPUT_FIELDS if props.get(k) is not None}

    def outputs(self, inputs: Props, *, id_: str, etag: str, state: str | None,
                created_ms: int | None, updated_ms: int | None) -> dict[str, Any]:
        """Inputs, the id and the etag."""
        return {**self.inputs_of(inputs), self.SPEC.id_field: id_, "etag": etag}

    def from_api(self, item: Props, prior: Props) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(outputs, inputs)`` of a live item."""
        inputs = {**{k: v for k, v in prior.items() if k in self.INPUT_FIELDS
                     and self.SPEC.by_state(k) is not None
                     and self.SPEC.by_state(k).api is None},  # type: ignore[union-attr]
                  **self.live_inputs(item, prior)}
        etag = self.COLL.version_of(item) or ""
        outs = self.outputs(inputs, id_=str(item["id"]), etag=etag, state=item.get("state"),
                            created_ms=item.get(self.COLL.created_at),
                            updated_ms=item.get(self.COLL.updated_at))
        return outs, inputs

    def changes(self, olds: Props, news: Props, is_unknown: IsUnknown) -> tuple[set[str], bool]:
        """(changed inputs, whether a replace is needed)."""
        changed = {f for f in self.INPUT_FIELDS
                   if is_unknown(news.get(f)) or olds.get(f) != news.get(f)}
        return changed, bool(changed & set(self.REPLACE))

    def diff_props(self, olds: Props, news: Props, is_unknown: IsUnknown) -> Changes:
        """Which inputs differ, and which of them replace."""
        changed, replace = self.changes(olds, news, is_unknown)
        ordered = tuple(f for f in self.INPUT_FIELDS if f in changed)
        replaces = tuple(f for f in ordered if f in self.REPLACE)
        if replace and not replaces:
            replaces = ordered
        return Changes(changed=ordered, replaces=replaces)

    def patch_ops(self, olds: Props, news: Props) -> list[dict[str, Any]]:
        """The JSON Patch of an in-place update (name and description)."""
        return pipeline_model.name_ops(olds, news)

    def secret_changed(self, olds: Props, news: Props) -> bool:
        """No secret inputs."""
        return False

    def matches(self, item: Props, props: Props) -> bool:
        """Whether the live item shows the declared inputs."""
        try:
            live = self.live_inputs(item, props)
        except SHAPE_ERRORS:
            return False  # an item of the wrong shape shows nothing declared
        return not self.changes(live, props, lambda _v: False)[0] - {"sandbox_name"}

    def is_own_kind(self, item: Props) -> bool:
        """Every item of the collection is of this kind."""
        return True

    # -- client calls ------------------------------------------------------------------------

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """POST the item (never duplicated when an answer is lost)."""
        return client.create(self.COLL, sandbox, body)

    def get(self, client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
        """GET the item; ``NotFoundError`` only on the service's own proof."""
        return client.get(self.COLL, sandbox, id_)

    def patch(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
              ops: list[dict[str, Any]], applied: Callable[[Any], bool] | None) -> Patched:
        """PATCH with ``If-Match``."""
        return client.patch(self.COLL, sandbox, id_, etag, ops, applied=applied)

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """One PATCH of the in-place changes, none when there are none."""
        ops = self.patch_ops(olds, news)
        return self.patch(client, sandbox, id_, etag, ops, applied) if ops else None

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """DELETE the item."""
        client.delete(self.COLL, sandbox, id_)
        return None

    def find_by_name(self, client: FlowServiceClient, sandbox: str,
                     name: str) -> list[dict[str, Any]]:
        """Items named ``name``."""
        return client.find(self.COLL, sandbox, name)


class SourceConnectionApi(EntityApi):
    """``DatabricksSourceConnection``: name and description in place, the rest replaces."""

    SPEC = DATABRICKS_SOURCE_CONNECTION
    NOUN = "Databricks source connection"
    COLL = with_identity(endpoints.SOURCE_CONNECTIONS, DATABRICKS_SOURCE_CONNECTION,
                       pipeline_model.source_connection_inputs, _source_defaults)
    REPLACE = SOURCE_REPLACE_FIELDS
    RULES = {
        **NAMED_RULES,
        "base_connection_id": keyed(pipeline_rules.flow_object_id_problem, "base_connection_id"),
        "table_name": pipeline_rules.table_path_problem,
        "cdc_enabled": validation.boolean_rule("cdc_enabled"),
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /sourceConnections`` (Databricks spec, format tabular)."""
        return pipeline_model.source_connection_body(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Name, description, base connection, table, CDC, sandbox."""
        return pipeline_model.source_connection_inputs(item, prior)


class TargetConnectionApi(EntityApi):
    """``DataLakeTargetConnection``: name and description in place, the rest replaces."""

    SPEC = DATA_LAKE_TARGET_CONNECTION
    NOUN = "Data Lake target connection"
    COLL = with_identity(endpoints.TARGET_CONNECTIONS, DATA_LAKE_TARGET_CONNECTION,
                       pipeline_model.target_connection_inputs)
    REPLACE = TARGET_REPLACE_FIELDS
    RULES = {
        **NAMED_RULES,
        "dataset_id": keyed(pipeline_rules.dataset_id_problem, "dataset_id"),
        "schema_id": keyed(pipeline_rules.schema_id_problem, "schema_id"),
        "schema_version": keyed(pipeline_rules.schema_version_problem, "schema_version"),
        "format": validation.text_rule("format", validation.MAX_IDENTIFIER),
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /targetConnections`` (Data Lake spec)."""
        return pipeline_model.target_connection_body(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Name, description, dataset, schema and its version, format, sandbox."""
        return pipeline_model.target_connection_inputs(item, prior)


class MappingSetApi(EntityApi):
    """``MappingSet`` (Data Prep): PUT makes a new version; no DELETE, so delete forgets."""

    SPEC = MAPPING_SET
    NOUN = "mapping set"
    COLL = endpoints.MAPPING_SETS
    REPLACE = MAPPING_SET_REPLACE_FIELDS
    DELETES = False  # Data Prep has no DELETE
    CHANGING_OUTPUTS: tuple[str, ...] = ("version",)
    RULES = {
        "schema_id": keyed(pipeline_rules.schema_id_problem, "schema_id"),
        "mappings": pipeline_rules.mapping_problems,
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /mappingSets`` (current Data Prep shape)."""
        return pipeline_model.mapping_set_body(props)

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Schema and mapping rules of the latest version, sandbox."""
        return pipeline_model.mapping_set_inputs(item, prior)

    def outputs(self, inputs: Props, *, id_: str, etag: str, state: str | None,
                created_ms: int | None, updated_ms: int | None) -> dict[str, Any]:
        """Inputs, the id and the version (Data Prep's version stands where an etag would)."""
        version = decimal_int(etag)
        return {**self.inputs_of(inputs), "mapping_set_id": id_, "version": version}

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """POST the mapping set; version 0."""
        created = super().create(client, sandbox, body)
        return _with_version(created)

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

        return _with_version(client.replace(self.COLL, sandbox, id_, body, applied=landed))

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """No call: Adobe's Data Prep API has no DELETE. Returns what the user is told."""
        return (f"mapping set {id_} in sandbox {sandbox!r} was removed from the stack but not "
                "deleted: Adobe's Data Prep API cannot delete mapping sets, so it stays in AEP "
                "(unused, harmless)")


def _with_version(done: Any) -> Any:
    done.extra["version"] = decimal_int(str(done.etag))
    return done


SOURCE_CONNECTION = SourceConnectionApi()
TARGET_CONNECTION = TargetConnectionApi()
MAPPING_SET_API = MappingSetApi()


def __getattr__(name: str) -> Any:
    # The dataflow's mapping moved to provider.resources.dataflow; these names stay importable.
    if name in ("DATAFLOW_API", "DataflowApi", "disable_after_create"):
        from provider.resources import dataflow

        return getattr(dataflow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
