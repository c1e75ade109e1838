"""What every resource's API mapping provides: the :class:`ResourceApi` protocol the lifecycle
core runs, and :class:`Changes`, the one answer of a mapping's diff (the core turns it into the
engine-facing ``lifecycle.Diff``). Pure: no network, no Pulumi."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched
    from provider.fields import ResourceSpec


@dataclasses.dataclass(frozen=True)
class Changes:
    """Which declared inputs differ from state, and which of them replace the resource."""

    changed: tuple[str, ...]
    replaces: tuple[str, ...]


class ResourceApi(Protocol):
    """The API mapping of one resource (a module or an object satisfies it: see ``provider.model``,
    ``provider.pipeline_api``)."""

    SPEC: ResourceSpec
    NOUN: str
    INPUT_FIELDS: tuple[str, ...]
    OUTPUT_FIELDS: tuple[str, ...]
    SECRET_FIELDS: tuple[str, ...]
    # Outputs an update may change (unknown in its preview).
    CHANGING_OUTPUTS: tuple[str, ...]

    def check_inputs(self, props: Mapping[str, Any],
                     is_unknown: Callable[[Any], bool]) -> list[tuple[str, str]]: ...
    def create_body(self, props: Mapping[str, Any]) -> dict[str, Any]: ...
    def outputs(self, inputs: Mapping[str, Any], *, id_: str, etag: str, state: str | None,
                created_ms: int | None, updated_ms: int | None) -> dict[str, Any]: ...
    def inputs_of(self, props: Mapping[str, Any]) -> dict[str, Any]: ...
    def from_api(self, item: Mapping[str, Any],
                 prior: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]: ...
    def diff_props(self, olds: Mapping[str, Any], news: Mapping[str, Any],
                   is_unknown: Callable[[Any], bool]) -> Changes: ...
    def patch_ops(self, olds: Mapping[str, Any],
                  news: Mapping[str, Any]) -> list[dict[str, Any]]: ...
    def secret_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool: ...
    def matches(self, item: Mapping[str, Any], props: Mapping[str, Any]) -> bool: ...
    def is_own_kind(self, item: Mapping[str, Any]) -> bool: ...
    def create(self, client: FlowServiceClient, sandbox: str,
               body: dict[str, Any]) -> Created: ...
    def get(self, client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]: ...
    def patch(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
              ops: list[dict[str, Any]], applied: Callable[[Any], bool] | None) -> Patched: ...
    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Mapping[str, Any], news: Mapping[str, Any],
               applied: Callable[[Any], bool] | None) -> Patched | None: ...
    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None: ...
    def find_by_name(self, client: FlowServiceClient, sandbox: str,
                     name: str) -> list[dict[str, Any]]: ...
