"""``Field`` and ``ResourceSpec``: the shape of a resource's field table (the tables themselves
are in ``provider.fields``), and the renaming between the two spellings, state (snake_case, the
Python door) and schema (camelCase, the plugin and every other language).

Pure data: no Pulumi, no network.
"""

from __future__ import annotations

import builtins
import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

# The rule, in words, of a plain text property (names, databases, catalogs).
TEXT_RULE = "a non-empty string without leading or trailing spaces or control characters"
# The rule, in words, of a sandbox name.
SANDBOX_RULE = "lowercase letters, digits and hyphens, as AEP shows the sandbox name"


@dataclasses.dataclass(frozen=True)
class Field:
    """One property of a resource.

    ``state``: name in state and in the Python dynamic door (snake_case); ``schema``: name in the
    plugin schema and every other language (camelCase); ``api``: where Flow Service keeps it
    (``name``, ``auth.params.clusterId``, ``header:x-sandbox-name``; ``None`` when only the
    provider uses it); ``rule``: the validation rule in words (enforced by
    ``provider.validation``); ``stack_config``: also a field of a ``connections`` entry in a stack
    file; ``default``: the provider config key that fills it when unset (then it is required
    after defaulting, not in the schema).

    ``type`` is one of :data:`TYPES`. An ``object`` field, and an ``array`` of objects, list
    their members in ``items`` (Field rows, the same two spellings, ``api`` unused) and name
    their schema type in ``type_name`` (``DataflowSchedule`` -> ``aep:index:DataflowSchedule``);
    an ``array`` without ``items`` holds strings. A ``map`` is string keys to string values,
    kept as they are in both spellings (e.g. Spark config keys). ``value_default``: the value
    ``check`` fills in when the input is unset (it is then in state, so a read-back showing
    the service's default is no drift).
    """

    state: str
    schema: str
    api: str | None
    description: str
    type: str = "string"
    input: bool = True
    required: bool = False
    secret: bool = False
    replace: bool = False
    rule: str = ""
    stack_config: bool = False
    default: str | None = None
    items: tuple[Field, ...] = ()
    type_name: str | None = None
    value_default: Any = None

    @property
    def param(self) -> str | None:
        """The key under ``auth.params`` when the field lives there, else None."""
        prefix = "auth.params."
        return self.api[len(prefix):] if self.api and self.api.startswith(prefix) else None

    @property
    def python_type(self) -> builtins.type:
        """The Python type of a value of this field."""
        return _PYTHON_TYPES[self.type]

    def to_schema_value(self, value: Any) -> Any:
        """A state-spelled value of this field with its members' schema names."""
        return _rename(self, value, to_schema=True)

    def from_schema_value(self, value: Any) -> Any:
        """A schema-spelled value of this field with state names; integral floats (as gRPC
        carries every number) become integers where the table says ``integer``."""
        return _rename(self, value, to_schema=False)


TYPES = ("string", "boolean", "integer", "number", "object", "array", "map")
_PYTHON_TYPES: dict[str, builtins.type] = {
    "string": str, "boolean": bool, "integer": int, "number": float, "object": dict,
    "array": list, "map": dict}


def _rename(field: Field, value: Any, *, to_schema: bool) -> Any:
    if field.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if not field.items:
        return value
    if field.type == "array" and isinstance(value, list | tuple):
        member = dataclasses.replace(field, type="object")
        return [_rename(member, v, to_schema=to_schema) for v in value]
    if field.type == "object" and isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            sub = next((f for f in field.items
                        if (f.state if to_schema else f.schema) == key), None)
            if sub is None:
                out[key] = inner
            else:
                out[sub.schema if to_schema else sub.state] = _rename(sub, inner,
                                                                      to_schema=to_schema)
        return out
    return value


@dataclasses.dataclass(frozen=True)
class ResourceSpec:
    """A resource: its token parts, description and field table."""

    module: str
    name: str
    description: str
    fields: tuple[Field, ...]
    id_field: str

    @property
    def token(self) -> str:
        """The plugin's resource token, e.g. ``aep:index:DatabricksBaseConnection``."""
        return f"{self.module}:index:{self.name}"

    @property
    def inputs(self) -> tuple[Field, ...]:
        """The input fields, in table order."""
        return tuple(f for f in self.fields if f.input)

    @property
    def outputs(self) -> tuple[Field, ...]:
        """The fields only the provider sets (every input is an output too)."""
        return tuple(f for f in self.fields if not f.input)

    def names(self, fields: Iterable[Field]) -> tuple[str, ...]:
        """State names of ``fields``."""
        return tuple(f.state for f in fields)

    def by_state(self, name: str) -> Field | None:
        """The field whose state name is ``name``."""
        return next((f for f in self.fields if f.state == name), None)

    def by_schema(self, name: str) -> Field | None:
        """The field whose schema name is ``name``."""
        return next((f for f in self.fields if f.schema == name), None)

    def to_schema(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """State-named ``values`` renamed to schema names (unknown keys kept as they are)."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            field = self.by_state(key)
            out[field.schema if field else key] = field.to_schema_value(value) if field else value
        return out

    def from_schema(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Schema-named ``values`` renamed to state names (unknown keys kept as they are)."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            field = self.by_schema(key)
            out[field.state if field else key] = (field.from_schema_value(value) if field
                                                  else value)
        return out

    def coerce(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """State-named ``values`` with integral floats made integers where the table says
        ``integer`` (the dynamic door receives every number as a float)."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            field = self.by_state(key)
            out[key] = field.from_schema_value(field.to_schema_value(value)) if field else value
        return out

    def schema_words(self, text: str) -> str:
        """``text`` with every state name written as its schema name (for check reasons)."""
        for field in (*self.fields, *(sub for f in self.fields for sub in f.items)):
            if field.state != field.schema:
                text = re.sub(rf"\b{re.escape(field.state)}\b", field.schema, text)
        return text


# -- rows every Flow Service entity's table shares -------------------------------------------

FLOW_ID_RULE = "a Flow Service id (a lower-case UUID)"


def named_fields(noun: str) -> tuple[Field, ...]:
    """The ``name`` and ``description`` rows of a named Flow Service entity."""
    return (
        Field("name", "name", "name", f"The {noun}'s name as AEP shows it.", required=True,
              rule=f"{TEXT_RULE}, at most 256 characters"),
        Field("description", "description", "description", "Free text shown in AEP.",
              rule="a non-empty string, at most 4096 characters; line breaks allowed"),
    )


def sandbox_field(noun: str) -> Field:
    """The ``sandbox_name`` row (replaces the entity)."""
    return Field("sandbox_name", "sandboxName", "header:x-sandbox-name",
                 f"The AEP sandbox of the {noun}; defaults to the provider's `aep:sandboxName`. "
                 f"Changing it replaces the {noun}.",
                 replace=True, default="aep:sandboxName", rule=SANDBOX_RULE)


def flow_outputs(noun: str, id_state: str, id_schema: str) -> tuple[Field, ...]:
    """The id and etag output rows of a Flow Service entity."""
    return (
        Field(id_state, id_schema, "id", f"The Flow Service {noun} id.", input=False),
        Field("etag", "etag", "etag", f"The {noun}'s etag; every update sends it as `If-Match`.",
              input=False),
    )
