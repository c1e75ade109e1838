"""provider.xdm: Adobe's evolution rule over field trees, and the schema-reference rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from provider.xdm import (
    EVOLUTION_RULE,
    breaking_changes,
    content_type_major,
    field_paths,
    schema_ref_problems,
)

TENANT = "_acme"
BASE: dict[str, Any] = {
    "meta:class": "https://ns.adobe.com/xdm/context/profile",
    "definitions": {"loyalty": {"properties": {TENANT: {"type": "object", "properties": {
        "points": {"type": "integer", "minimum": 0, "maximum": 1000},
        "tier": {"type": "string", "enum": ["gold", "silver"], "maxLength": 10},
        "email": {"type": "string", "format": "email"},
        "visits": {"type": "array", "items": {"type": "object", "properties": {
            "at": {"type": "string", "format": "date-time"}}}},
    }}}}},
}


def _changed(path: str, value: Any) -> dict[str, Any]:
    """BASE with the field at ``path`` (under the tenant) replaced, or removed when None."""
    tree = copy.deepcopy(BASE)
    node = tree["definitions"]["loyalty"]["properties"][TENANT]
    *parents, last = path.split("/")
    for name in parents:
        node = node["properties"][name] if name != "[]" else node["items"]
    if value is None:
        del node["properties"][last]
    else:
        node["properties"][last] = value
    return tree


def _renamed(old: str, new: str) -> dict[str, Any]:
    """BASE with one field under a new name."""
    tree = _changed(old, None)
    fields = tree["definitions"]["loyalty"]["properties"][TENANT]["properties"]
    fields[new] = copy.deepcopy(BASE["definitions"]["loyalty"]["properties"][TENANT][
        "properties"][old])
    return tree


FIELDS = BASE["definitions"]["loyalty"]["properties"][TENANT]["properties"]
BREAKING = [
    ("removed field", _changed("email", None), f"field /{TENANT}/email was removed"),
    ("renamed field", _renamed("email", "mail"), f"field /{TENANT}/email was removed or renamed"),
    ("type changed", _changed("points", {"type": "string"}), "type changed"),
    ("format changed", _changed("email", {"type": "string", "format": "uri"}), "format"),
    ("enum value removed", _changed("tier", {**FIELDS["tier"], "enum": ["gold"]}), "enum"),
    ("maxLength lowered", _changed("tier", {**FIELDS["tier"], "maxLength": 5}), "maxLength"),
    ("minimum raised", _changed("points", {**FIELDS["points"], "minimum": 1}), "minimum"),
    ("maximum lowered", _changed("points", {**FIELDS["points"], "maximum": 10}), "maximum"),
    ("pattern added", _changed("email", {**FIELDS["email"], "pattern": "^a"}), "pattern"),
    ("nested array field removed", _changed("visits/[]/at", None),
     f"field /{TENANT}/visits[]/at was removed"),
    ("class changed", BASE | {"meta:class": "https://ns.adobe.com/xdm/context/experienceevent"},
     "the class changed"),
]
ADDITIVE = [
    ("same tree", copy.deepcopy(BASE)),
    ("new field", _changed("stars", {"type": "integer"})),
    ("new enum value", _changed("tier", {**FIELDS["tier"], "enum": ["gold", "silver", "x"]})),
    ("maxLength raised", _changed("tier", {**FIELDS["tier"], "maxLength": 50})),
    ("maximum raised", _changed("points", {**FIELDS["points"], "maximum": 5000})),
    ("title and description", _changed("points", {**FIELDS["points"], "title": "Points",
                                                  "description": "Loyalty points."})),
]


@pytest.mark.parametrize(("case", "new", "needle"), BREAKING, ids=[c[0] for c in BREAKING])
def test_non_additive_changes_are_listed_with_adobes_rule(
    case: str, new: dict[str, Any], needle: str
) -> None:
    """Each breaking change gives one message naming it and quoting Adobe's rule."""
    changes = breaking_changes(BASE, new)
    assert len(changes) == 1, (case, changes)
    assert needle in changes[0]
    assert changes[0].endswith(EVOLUTION_RULE)


@pytest.mark.parametrize(("case", "new"), ADDITIVE, ids=[c[0] for c in ADDITIVE])
def test_additive_changes_are_allowed(case: str, new: dict[str, Any]) -> None:
    """Adding fields or values, widening, retitling: no breaking change."""
    assert breaking_changes(BASE, new) == [], case


def test_a_removed_object_is_one_change_not_one_per_child() -> None:
    """Removing a parent reports the parent only."""
    tree = copy.deepcopy(BASE)
    del tree["definitions"]["loyalty"]["properties"][TENANT]
    assert breaking_changes(BASE, tree) == [f"field /{TENANT} was removed or renamed; "
                                            f"{EVOLUTION_RULE}"]


def test_field_paths_spell_paths_as_descriptors_do() -> None:
    """Paths are /-joined names without 'properties'; array items add []."""
    assert set(field_paths(BASE)) == {
        f"/{TENANT}", f"/{TENANT}/points", f"/{TENANT}/tier", f"/{TENANT}/email",
        f"/{TENANT}/visits", f"/{TENANT}/visits[]/at"}


@pytest.mark.parametrize(
    ("content_type", "major"),
    [
        ("application/vnd.adobe.xed+json;version=1", 1),
        ("application/vnd.adobe.xed-full+json; version=1", 1),
        ("application/vnd.adobe.xed-full-notext+json; version=2", 2),
        ("application/vnd.adobe.xed-full+json;version=1.0", 1),
        ("application/vnd.adobe.xed+json;version=1.3", None),
        ("application/vnd.adobe.xed+json", None),
        ("application/json", None),
    ],
)
def test_content_type_major(content_type: str, major: int | None) -> None:
    """The major version of an XED content type; the registry's 1.3 is not one."""
    found, why = content_type_major(content_type)
    assert found == major
    assert (why is None) == (major is not None)


SCHEMA = "https://ns.adobe.com/acme/schemas/0123"
OK = "application/vnd.adobe.xed+json;version=1"


@pytest.mark.parametrize(
    ("refs", "needles"),
    [
        ({"dataset": (SCHEMA, OK), "mapping set": (SCHEMA, OK + ".0"),
          "target connection": (SCHEMA, "application/vnd.adobe.xed-full+json; version=1")}, []),
        ({"dataset": (SCHEMA, OK), "mapping set": (SCHEMA + "9", OK)}, ["schema ids differ"]),
        ({"dataset": (SCHEMA, OK), "target connection": (
            SCHEMA, "application/vnd.adobe.xed+json;version=2")}, ["major versions differ"]),
        ({"dataset": (SCHEMA, "application/vnd.adobe.xed+json;version=1.3")},
         ["dataset: ", "edit version"]),
    ],
)
def test_schema_refs_of_one_path_agree(refs: dict[str, tuple[str, str]],
                                       needles: list[str]) -> None:
    """Dataset, mapping set and target connection name one schema and one major version."""
    problems = " | ".join(schema_ref_problems(refs))
    assert all(needle in problems for needle in needles)
    assert bool(problems) == bool(needles)
