"""The API mappings of the ingestion-path resources, one object each, for ``provider.lifecycle``
(:class:`EntityApi`, the base they share, is ``provider.resources.base``'s; still importable here).

``MappingSet`` here; ``DatabricksSourceConnection``, ``DataLakeTargetConnection`` and
``Dataflow`` in ``provider.resources`` (still importable from here). Each object
satisfies ``lifecycle.ResourceApi`` over one collection of ``provider.endpoints``,
with the bodies, read-backs and update/replace rules of ``provider.pipeline_model`` and the check
rules of ``provider.pipeline_rules``. What is not plain Flow Service CRUD lives here:

- a mapping set is updated by ``PUT`` (a new version, never repeated on a guess) and has no
  DELETE: deleting it makes no call and returns the notice the core writes for the user.

The lost-create identity of each collection is derived from the resource's field table
(:func:`with_identity`, ``provider.resources.identity``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from provider import endpoints, pipeline_model, pipeline_rules
from provider.fields import (
    MAPPING_SET,
)
from provider.pipeline_model import (
    MAPPING_SET_REPLACE_FIELDS,
)
from provider.resources.base import NAMED_RULES as NAMED_RULES
from provider.resources.base import SANDBOX_RULES as SANDBOX_RULES
from provider.resources.base import EntityApi as EntityApi
from provider.resources.base import IsUnknown as IsUnknown
from provider.resources.base import Props as Props
from provider.resources.base import keyed as keyed
from provider.resources.base import with_identity as with_identity
from provider.resources.source_connection import SOURCE_CONNECTION as SOURCE_CONNECTION
from provider.resources.source_connection import SourceConnectionApi as SourceConnectionApi
from provider.resources.target_connection import TARGET_CONNECTION as TARGET_CONNECTION
from provider.resources.target_connection import TargetConnectionApi as TargetConnectionApi
from provider.validation import decimal_int

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched


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


MAPPING_SET_API = MappingSetApi()


def __getattr__(name: str) -> Any:
    # The dataflow's mapping moved to provider.resources.dataflow; these names stay importable.
    if name in ("DATAFLOW_API", "DataflowApi", "disable_after_create"):
        from provider.resources import dataflow

        return getattr(dataflow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
