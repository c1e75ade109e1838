"""The identity a lost create is proven by, derived from a resource's field table.

After a create whose answer was lost, the client lists the collection and takes an item only if
its identity equals the create body's (``provider.endpoints.Collection.identity``). The identity
of a resource is its ``name`` and every replace-on-change input the table marks (``Field.replace``,
nested members included, e.g. a dataflow's ``schedule.start_time``): two items that differ in a
replace field are two resources, so a replacement can never be taken for the predecessor it
replaces (which the engine then deletes). The sandbox is left out: it is the header the lookup
is made in, not a property of the item.

Values are read from the API JSON with the resource's own read-back (the function that maps a
live item to its inputs, which a create body also satisfies), then normalised by an optional
per-resource function (a default the service fills in, so an unset input and the service's
default compare equal). Pure: no network, no Pulumi.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from provider.errors import SHAPE_ERRORS
from provider.resources.fields import ResourceSpec

Read = Callable[[Mapping[str, Any]], Mapping[str, Any]]
Path = tuple[str, ...]


def identity_paths(spec: ResourceSpec) -> tuple[Path, ...]:
    """``("name",)`` (when the resource has one) and every replace-on-change input of ``spec``
    that the item carries (not a header), as paths of state names, in table order."""
    paths: list[Path] = [("name",)] if spec.by_state("name") is not None else []
    for field in spec.inputs:
        if field.api is None or field.api.startswith("header:"):
            continue
        if field.replace:
            paths.append((field.state,))
        paths.extend((field.state, sub.state) for sub in field.items
                     if sub.replace and not field.replace)
    return tuple(paths)


def replace_fields(spec: ResourceSpec) -> tuple[str, ...]:
    """The state names whose change replaces the resource, nested members by their own name
    (a dataflow's ``start_time``), in table order."""
    names: list[str] = []
    for field in spec.inputs:
        if field.replace:
            names.append(field.state)
        names.extend(sub.state for sub in field.items if sub.replace and not field.replace)
    return tuple(names)


def _at(values: Mapping[str, Any], path: Path) -> Any:
    value: Any = values
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return _frozen(value)


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


class _Unreadable:
    """An identity part no other identity equals (an item of the wrong shape)."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)


def identity_of(spec: ResourceSpec, read: Read,
                normal: Callable[[dict[str, Any]], dict[str, Any]] | None = None
                ) -> Callable[[Mapping[str, Any]], tuple[object, ...]]:
    """The identity function of ``spec`` over API JSON (a create body or a listed item)."""
    paths = identity_paths(spec)

    def identity(item: Mapping[str, Any]) -> tuple[object, ...]:
        try:
            values = dict(read(item))
        except SHAPE_ERRORS:
            return (_Unreadable(),)  # never equal: an item of the wrong shape is not ours
        if normal is not None:
            values = normal(values)
        return tuple(_at(values, path) for path in paths)

    return identity
