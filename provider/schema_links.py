"""Schema references across resources, compared at apply (before any request).

A dataset, a target connection and the mapping set of the dataflow that writes to it must name
one XDM schema ``$id`` and one major version (``provider.rules.schema_refs``). The policy pack's
``schema-references-agree`` compares them at preview when the values are known; when they are
outputs of resources created in the same run, only the provider sees them, at ``pulumi up``.

A resource mapping says what it names with ``SCHEMA_REF`` (the state keys of its schema ``$id``
and content type) and which of its inputs hold another resource's id with ``SCHEMA_LINKS``.
This table keeps, for the provider process (one per stack and provider: every resource of the
stack that uses it), what each resource named when it was created, updated or read, and at
its diff what it will name once this run's step is done (the declared inputs over its state
for an update in place: the engine diffs a resource before it checks the resources wired from
it, at preview too, when the update has not run); ``Check`` follows a resource's links
through the table and reports a disagreement on the resource being checked. The engine
checks a resource only once the resources its inputs come from are done, so their entries are
current. A resource of another provider (another sandbox, an explicit provider) is not in the
table and is not compared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from provider.rules.schema_refs import FIX, content_type_major, schema_ref_problems

Ref = tuple[str, str | None]
_Key = tuple[str, str, str]  # (sandbox, noun, id)


def _text(value: Any, is_unknown: Callable[[Any], bool]) -> str | None:
    return value if isinstance(value, str) and value and not is_unknown(value) else None


class SchemaLinks:
    """What each resource of this process names, by (sandbox, noun, id). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[_Key, tuple[Ref | None, tuple[tuple[str, str], ...]]] = {}

    @staticmethod
    def _entry(api: Any, props: Mapping[str, Any], is_unknown: Callable[[Any], bool]
               ) -> tuple[Ref | None, tuple[tuple[str, str], ...]]:
        ref: Ref | None = None
        if api.SCHEMA_REF is not None:
            id_key, type_key = api.SCHEMA_REF
            schema_id = _text(props.get(id_key), is_unknown)
            content_type = _text(props.get(type_key), is_unknown) if type_key else None
            if content_type is not None and content_type_major(content_type)[0] is None:
                content_type = None  # its own check reports the shape
            ref = (schema_id, content_type) if schema_id else None
        links = tuple((noun, value) for key, noun in api.SCHEMA_LINKS
                      if (value := _text(props.get(key), is_unknown)))
        return ref, links

    def record(self, api: Any, props: Mapping[str, Any],
               is_unknown: Callable[[Any], bool] = lambda _v: False) -> None:
        """``props`` (outputs: state, or what an operation answered; at a diff, what an
        in-place update will leave) are what ``api``'s resource names; a value still unknown
        names nothing, so it is not compared."""
        if api.SCHEMA_REF is None and not api.SCHEMA_LINKS:
            return
        sandbox = _text(props.get("sandbox_name"), is_unknown)
        id_ = _text(props.get(api.SPEC.id_field), is_unknown)
        if sandbox and id_:
            with self._lock:
                self._entries[(sandbox.lower(), api.NOUN, id_)] = self._entry(
                    api, props, is_unknown)

    def forget(self, api: Any, sandbox: str, id_: str) -> None:
        """The resource is deleted."""
        with self._lock:
            self._entries.pop((sandbox.lower(), api.NOUN, id_), None)

    def problems(self, api: Any, inputs: Mapping[str, Any],
                 is_unknown: Callable[[Any], bool]) -> list[tuple[str, str]]:
        """(property, reason) for each disagreement between ``inputs`` and the resources they
        link to (transitively); none while a value is unknown or a link is not in the table."""
        if api.SCHEMA_REF is None and not api.SCHEMA_LINKS:
            return []
        sandbox = _text(inputs.get("sandbox_name"), is_unknown)
        if sandbox is None:
            return []
        own, pending = self._entry(api, inputs, is_unknown)
        refs: dict[str, Ref] = {api.NOUN: own} if own else {}
        seen: set[tuple[str, str]] = set()
        with self._lock:
            todo = list(pending)
            while todo:
                link = todo.pop(0)
                entry = self._entries.get((sandbox.lower(), *link))
                if link in seen or entry is None:
                    continue
                seen.add(link)
                if entry[0] is not None:
                    refs.setdefault(link[0], entry[0])
                todo.extend(entry[1])
        if len(refs) < 2:
            return []
        where = api.SCHEMA_REF[0] if api.SCHEMA_REF else next(
            key for key, _ in api.SCHEMA_LINKS)
        return [(where, f"{problem}. {FIX}") for problem in schema_ref_problems(refs)]


LINKS = SchemaLinks()
"""The process's one table (both doors run every resource of a stack in one process)."""
