"""Adobe's XDM rules as pure functions: schema evolution and schema-reference consistency.

Stdlib only, no Pulumi, no HTTP: the resources' checks and the emulator's Schema Registry both
use them (sources in ``docs/reference/schema-registry-and-catalog.md``).

**Evolution.** Adobe: "Once a schema has been saved and used in data ingestion, only additive
changes can be made to it" (Schema Editor guide), and once a dataset exists for a schema, or it
is enabled for Profile, "the rules of schema evolution become strictly enforced by the system"
(composition guide, "Schema evolution principles"). ``breaking_changes(old, new)`` lists what a
new field tree does that those rules forbid: a field removed or renamed (a rename is a removal
plus an addition), a changed type or format, a narrowing (enum values removed, ``maxLength``
lowered, ``minimum`` raised, ``maximum`` lowered, a ``pattern`` added or changed) and a changed
class. Adding fields, titles, descriptions and enum values, and making a field optional or
required, are additive (Adobe's table lists "Introducing new required fields" as supported).

A tree is a field group (``definitions``), a schema or data type (``properties``), or any mix:
every object's ``properties`` and every array's ``items`` are walked; a field's path is its
names joined by ``/`` without ``properties`` (``/_tenant/loyalty/points``), as descriptors'
``xdm:sourceProperty`` spells it.

**Consistency.** A dataset, a mapping set and a target connection name the schema by its ``$id``
and a content type whose ``version`` is the schema's MAJOR version
(``application/vnd.adobe.xed+json;version=1``). The registry's own ``version`` (``"1.3"``) moves on
every edit and is not that number. ``schema_ref_problems`` holds the references of one ingestion
path to one schema id and one major version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from provider.rules.schema_refs import content_type_major, schema_ref_problems

__all__ = ["EVOLUTION_RULE", "breaking_changes", "content_type_major", "field_paths",
           "schema_ref_problems"]

EVOLUTION_RULE = (
    "once a schema has been saved and used in data ingestion, only additive changes can be "
    "made to it"
)
"""Adobe's rule, quoted in every message about a breaking change."""

_TYPE_KEYS = ("type", "format", "meta:xdmType", "$ref")


def field_paths(tree: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every field of a tree by path (``/a/b``); the value is the field's own definition."""
    found: dict[str, Mapping[str, Any]] = {}
    for root in _roots(tree):
        _walk(root, "", found)
    return found


def _roots(tree: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    definitions = tree.get("definitions")
    if isinstance(definitions, Mapping):
        yield from (d for d in definitions.values() if isinstance(d, Mapping))
    yield tree


def _walk(node: Mapping[str, Any], prefix: str, found: dict[str, Mapping[str, Any]]) -> None:
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        for name, child in properties.items():
            if isinstance(child, Mapping):
                path = f"{prefix}/{name}"
                # One path in several roots (field groups of one schema) is one merged field.
                found[path] = {**found[path], **child} if path in found else child
                _walk(child, path, found)
    items = node.get("items")
    if isinstance(items, Mapping):
        _walk(items, f"{prefix}[]", found)


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The non-additive changes from ``old`` to ``new``, one sentence each (empty: additive).

    Each sentence names the field (or the class) and ends with Adobe's rule.
    """
    changes: list[str] = []
    old_class, new_class = old.get("meta:class"), new.get("meta:class")
    if old_class and new_class and old_class != new_class:
        changes.append(f"the class changed from {old_class} to {new_class}")
    before, after = field_paths(old), field_paths(new)
    for path, field in before.items():
        if path not in after:
            if _parent(path) in after or _parent(path) == "":
                changes.append(f"field {path} was removed or renamed")
            continue
        changes.extend(f"field {path}: {problem}" for problem in _field_problems(field,
                                                                               after[path]))
    return [f"{change}; {EVOLUTION_RULE}" for change in changes]


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0].removesuffix("[]")


def _field_problems(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    problems = [
        f"{key} changed from {old.get(key)!r} to {new.get(key)!r}"
        for key in _TYPE_KEYS
        if key in old and old.get(key) != new.get(key)
    ]
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if isinstance(new_enum, list) and (
        not isinstance(old_enum, list) or set(map(str, old_enum)) - set(map(str, new_enum))
    ):
        problems.append("enum values were removed or an enum was added (narrowing)")
    for key, narrower in (("maxLength", "lowered"), ("minLength", "raised"),
                          ("minimum", "raised"), ("maximum", "lowered")):
        if key in new and (key not in old or _narrower(key, old[key], new[key])):
            problems.append(f"{key} {narrower} to {new[key]!r} (narrowing)")
    if "pattern" in new and new.get("pattern") != old.get("pattern"):
        problems.append("a pattern was added or changed (narrowing)")
    return problems


def _narrower(key: str, old: Any, new: Any) -> bool:
    if not isinstance(old, int | float) or not isinstance(new, int | float):
        return old != new
    return new < old if key in ("maxLength", "maximum") else new > old
