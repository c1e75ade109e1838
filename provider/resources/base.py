"""What every resource's API mapping provides: the :class:`ResourceApi` protocol the lifecycle
core runs, :class:`Changes`, the one answer of a mapping's diff (the core turns it into the
engine-facing ``lifecycle.Diff``), and :class:`EntityApi`, the base every Flow Service / Data
Prep entity's mapping shares (with the JSON helpers and rules they share). No Pulumi; the only
network is through the client a call is given."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from provider import validation
from provider.endpoints import Collection
from provider.errors import SHAPE_ERRORS
from provider.resources.fields import ResourceSpec
from provider.resources.identity import identity_of
from provider.validation import Failure, Rule

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched


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


Props = Mapping[str, Any]
# The ``Created.extra`` key of a sentence saying a declared state was not reached (a flow left
# enabled); the core takes it out of the outputs and reports it (``Outcome.warnings``).
WARNING = "__warning"
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


def changed_fields(fields: Iterable[str], olds: Props, news: Props,
                   is_unknown: IsUnknown) -> tuple[str, ...]:
    """The ``fields`` whose declared value differs from state, in order (an unknown new value
    counts as a change)."""
    return tuple(f for f in fields if is_unknown(news.get(f)) or olds.get(f) != news.get(f))


class ResourceMapping:
    """The base of every resource's API mapping: what is the same for all of them, once.

    Capabilities are attributes, not stub functions: ``DELETES`` (False: delete makes no call
    and returns a notice), an ``adopt_existing`` input (adoptable), ``CHANGING_OUTPUTS`` (what an
    update may change). A subclass sets ``SPEC`` and ``NOUN`` and may fix ``INPUT_FIELDS``'
    order; the rest of ``ResourceApi`` is its own."""

    SPEC: ResourceSpec
    NOUN: str
    INPUT_FIELDS: tuple[str, ...]
    OUTPUT_FIELDS: tuple[str, ...]
    CHANGING_OUTPUTS: tuple[str, ...] = ("etag",)
    SECRET_FIELDS: tuple[str, ...] = ()
    DELETES = True
    # The XDM schema it names: the state keys of the schema ``$id`` and of the content type
    # (None: it names none), and its inputs holding another resource's id, with that resource's
    # noun (``provider.schema_links`` compares them across resources at apply).
    SCHEMA_REF: tuple[str, str | None] | None = None
    SCHEMA_LINKS: tuple[tuple[str, str], ...] = ()

    def __init__(self) -> None:
        if "INPUT_FIELDS" not in vars(type(self)):
            self.INPUT_FIELDS = self.SPEC.names(self.SPEC.inputs)
        self.OUTPUT_FIELDS = self.SPEC.names(self.SPEC.outputs)

    def inputs_of(self, props: Props) -> dict[str, Any]:
        """Only the input properties of ``props`` (state outputs hold inputs and outputs)."""
        return {k: props[k] for k in self.INPUT_FIELDS if props.get(k) is not None}

    def secret_changed(self, olds: Props, news: Props) -> bool:
        """True if a secret input differs between state and the declared inputs."""
        return any(olds.get(f) != news.get(f) for f in self.SECRET_FIELDS
                   if f in self.INPUT_FIELDS)

    def is_own_kind(self, item: Props) -> bool:
        """Every item of the collection is of this kind."""
        return True


class EntityApi(ResourceMapping):
    """The ``ResourceApi`` of one entity over one collection: inputs named as in its field
    table, outputs = inputs + id + etag. Subclasses give the body, the read-back, the rules."""

    COLL: Collection
    RULES: dict[str, Rule]
    REPLACE: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
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
        changed = set(changed_fields(self.INPUT_FIELDS, olds, news, is_unknown))
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
        return name_ops(olds, news)

    def matches(self, item: Props, props: Props) -> bool:
        """Whether the live item shows the declared inputs."""
        try:
            live = self.live_inputs(item, props)
        except SHAPE_ERRORS:
            return False  # an item of the wrong shape shows nothing declared
        return not self.changes(live, props, lambda _v: False)[0] - {"sandbox_name"}

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


# -- JSON shared by the Flow Service entities ---------------------------------------------------

SPEC_VERSION = "1.0"


def named_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """``name`` and, when set, ``description`` of a create body."""
    body: dict[str, Any] = {"name": props["name"]}
    if props.get("description") is not None:
        body["description"] = props["description"]
    return body


def spec_ref(id_: str) -> dict[str, str]:
    """A ``connectionSpec``/``flowSpec`` reference."""
    return {"id": id_, "version": SPEC_VERSION}


def name_ops(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The JSON Patch of a ``name``/``description`` change (any Flow Service entity)."""
    ops: list[dict[str, Any]] = []
    if olds.get("name") != news.get("name"):
        ops.append({"op": "replace", "path": "/name", "value": news["name"]})
    if olds.get("description") != news.get("description"):
        if news.get("description") is None:
            ops.append({"op": "remove", "path": "/description"})
        else:
            op = "add" if olds.get("description") is None else "replace"
            ops.append({"op": op, "path": "/description", "value": news["description"]})
    return ops


def with_sandbox(
    inputs: dict[str, Any], item: Mapping[str, Any], prior: Mapping[str, Any]
) -> dict[str, Any]:
    """``inputs`` with the sandbox (from ``prior``, else the item), unset values dropped."""
    sandbox = prior.get("sandbox_name") or item.get("sandboxName")
    if sandbox is not None:
        inputs["sandbox_name"] = sandbox
    return {k: v for k, v in inputs.items() if v is not None}
