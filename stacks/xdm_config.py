"""The ``<project>:schemas`` list of the stack config: schema as code, parsing and validation.

Each entry declares one XDM schema (its own field group, optional primary identity, Profile
and extra identities) and, optionally, its dataset; a dataflow names it by ``schema:`` instead of
typing ``datasetId`` and ``schemaId``, and the program wires the ids from outputs::

    schemas:
      - name: orders                       # what a dataflow's `schema:` names
        title: Orders                      # unique in the sandbox
        class: https://ns.adobe.com/xdm/data/record   # or profile, experience_event
        fields:
          - {name: orderId, type: string, required: true}
          - {name: amount, type: number}
        primaryIdentity: {field: orderId, namespace: Email}   # optional
        profileEnabled: false              # optional (needs primaryIdentity)
        identities: [{field: customerId, namespace: Phone}]  # optional
        dataset: {name: orders, profileEnabled: false}       # optional

:func:`parse_schemas` raises :class:`stacks.config.StackConfigError` naming the key
(``<project>:schemas[i].field``) with the rules the resources' ``check`` runs
(``provider.resources.xdm_field_group``, ``xdm_schema``), so a stack that loads does not fail
at preview on them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provider.resources.xdm_field_group import class_problem, fields_problems
from provider.resources.xdm_schema import identity_problems
from stacks.config import StackConfigError

SCHEMAS_KEY = "schemas"
SCHEMA_FIELDS: Mapping[str, bool] = {
    "name": True, "title": True, "class": True, "fields": True, "description": False,
    "primaryIdentity": False, "profileEnabled": False, "identities": False, "dataset": False,
}
"""YAML field -> required. Only these are accepted, so a typo is an error."""
DATASET_FIELDS = ("name", "description", "profileEnabled", "identityEnabled")
_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class SchemaSpec:
    """One schema to declare (rules already checked); nested values keep the stack file's
    camelCase keys."""

    name: str
    title: str
    schema_class: str
    fields: tuple[Mapping[str, Any], ...]
    description: str | None = None
    primary_identity: Mapping[str, str] | None = None
    profile_enabled: bool = False
    identities: tuple[Mapping[str, str], ...] = ()
    dataset: Mapping[str, Any] | None = None


def example(project: str) -> str:
    """The YAML example every error shows."""
    return (
        "config:\n"
        f"  {project}:schemas:\n"
        "    - name: orders\n"
        "      title: Orders\n"
        "      class: https://ns.adobe.com/xdm/data/record\n"
        "      fields:\n"
        "        - {name: orderId, type: string, required: true}\n"
        "      primaryIdentity: {field: orderId, namespace: Email}   # optional\n"
        "      dataset: {name: orders}                              # optional"
    )


def parse_schemas(raw: str | None, project: str) -> tuple[SchemaSpec, ...]:
    """The schemas of the raw config value (None: none)."""
    key = f"{project}:{SCHEMAS_KEY}"
    sample = example(project)
    if raw is None:
        return ()
    try:
        entries = json.loads(raw)
    except (ValueError, RecursionError):
        entries = raw
    if not isinstance(entries, list):
        raise StackConfigError(key, "expected a list of schemas", sample)
    specs = [_parse_one(entry, f"{key}[{i}]", sample) for i, entry in enumerate(entries)]
    for i, spec in enumerate(specs):
        for other in specs[:i]:
            if spec.name == other.name or spec.title == other.title:
                what = "name" if spec.name == other.name else "title"
                raise StackConfigError(f"{key}[{i}].{what}", f"{what} {getattr(spec, what)!r} "
                                       "is declared twice; each schema's name and title are "
                                       "unique", sample)
    return tuple(specs)


def _parse_one(entry: object, key: str, sample: str) -> SchemaSpec:
    if not isinstance(entry, dict):
        raise StackConfigError(key, "each schema must be a mapping of fields", sample)
    unknown = sorted(set(entry) - set(SCHEMA_FIELDS))
    if unknown:
        raise StackConfigError(f"{key}.{unknown[0]}",
                               f"unknown field (allowed: {', '.join(SCHEMA_FIELDS)})", sample)
    for field, required in SCHEMA_FIELDS.items():
        if required and entry.get(field) is None:
            raise StackConfigError(f"{key}.{field}", "this required field is missing", sample)
    if not isinstance(entry["name"], str) or not _NAME.fullmatch(entry["name"]):
        raise StackConfigError(f"{key}.name", "a lower-case name of letters, digits and -, "
                               "starting with a letter (it names the resources)", sample)
    if not isinstance(entry["title"], str) or not entry["title"].strip():
        raise StackConfigError(f"{key}.title", "a non-empty string", sample)
    problem = class_problem(entry["class"], "class")
    failures = fields_problems(entry["fields"])
    if entry.get("primaryIdentity") is not None:
        failures += identity_problems(entry["primaryIdentity"], "primaryIdentity")
    for i, identity in enumerate(entry.get("identities") or []):
        failures += identity_problems(identity, f"identities[{i}]")
    if problem is not None:
        failures.insert(0, ("class", problem))
    if failures:
        path, reason = failures[0]
        raise StackConfigError(f"{key}.{path}", reason, sample)
    for flag in ("profileEnabled",):
        if entry.get(flag) is not None and not isinstance(entry[flag], bool):
            raise StackConfigError(f"{key}.{flag}", "expected true or false", sample)
    if entry.get("profileEnabled") and entry.get("primaryIdentity") is None:
        raise StackConfigError(f"{key}.profileEnabled", "Profile needs primaryIdentity: Adobe "
                               "enables Profile only on a schema with a primary identity",
                               sample)
    if not isinstance(entry.get("identities") or [], list):
        raise StackConfigError(f"{key}.identities", "expected a list of {field, namespace}",
                               sample)
    return SchemaSpec(
        name=entry["name"], title=entry["title"], schema_class=entry["class"],
        fields=tuple(dict(f) for f in entry["fields"]), description=entry.get("description"),
        primary_identity=entry.get("primaryIdentity"),
        profile_enabled=bool(entry.get("profileEnabled")),
        identities=tuple(entry.get("identities") or ()),
        dataset=_dataset(entry.get("dataset"), f"{key}.dataset", sample, entry))


def _dataset(raw: object, key: str, sample: str, entry: Mapping[str, Any]
             ) -> Mapping[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise StackConfigError(key, "expected {name, description?, profileEnabled?, "
                               "identityEnabled?}", sample)
    unknown = sorted(set(raw) - set(DATASET_FIELDS))
    if unknown:
        raise StackConfigError(f"{key}.{unknown[0]}",
                               f"unknown field (allowed: {', '.join(DATASET_FIELDS)})", sample)
    for flag in ("profileEnabled", "identityEnabled"):
        if raw.get(flag) is not None and not isinstance(raw[flag], bool):
            raise StackConfigError(f"{key}.{flag}", "expected true or false", sample)
    if raw.get("profileEnabled") and not entry.get("profileEnabled"):
        raise StackConfigError(f"{key}.profileEnabled", "a Profile dataset needs its schema "
                               "enabled for Profile (profileEnabled: true on the schema)",
                               sample)
    return dict(raw)


def check_schema_names(connections: Any, schemas: tuple[SchemaSpec, ...], connections_key: str,
                       project: str) -> None:
    """Every dataflow's ``schema`` names a ``schemas`` entry that declares a dataset."""
    by_name = {s.name: s for s in schemas}
    for i, connection in enumerate(connections):
        for j, flow in enumerate(connection.dataflows):
            if flow.schema is None:
                continue
            key = f"{connections_key}[{i}].dataflows[{j}].schema"
            found = by_name.get(flow.schema)
            if found is None:
                known = ", ".join(sorted(by_name)) or "none declared"
                raise StackConfigError(key, f"no schemas entry is named {flow.schema!r} "
                                       f"(known: {known})", example(project))
            if found.dataset is None:
                raise StackConfigError(key, f"schema {flow.schema!r} declares no dataset; add "
                                       "dataset: {name: ...} to it", example(project))
