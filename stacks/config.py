"""Stack configuration for the aep-connections program: parsing and validation, nothing else.

This module reads no Pulumi state and declares no resources. The program hands it a
:class:`ConfigSource` (backed by ``pulumi.Config`` in a deployment, by a plain mapping in tests) and
gets back a typed :class:`StackConfig`, or one :class:`StackConfigError` whose text names the
offending key and shows a YAML example. That text is all the user sees, so it stands alone.

Keys read (values arrive as strings, structured values as JSON text, exactly as the engine passes
them to a program):

``aep:sandboxName`` (required)
    The AEP sandbox every connection of the stack lives in.
``<project>:connections`` (required, a list; may be empty)
    One object per base connection; see :data:`CONNECTION_FIELDS`.
``<project>:<tokenKey>`` (required for each connection, a secret)
    The Databricks personal access token of that connection. ``tokenKey`` may also name a key in
    another namespace (``ns:key``), but never one of the provider's settings (the ``aep``
    namespace: ``aep:clientSecret``, ``aep:accessToken``...) nor this project's own keys, so a
    credential can never be sent to Flow Service as a Databricks token. A token key serves one
    Databricks workspace: connections to different workspaces sharing one key must each say
    ``sharedTokenKey: true``.
``<project>:stagingCredentials`` (optional, a list)
    The ``DatabricksStagingCredentials`` to declare, at most one per sandbox
    (``stacks.staging_config``).
``<project>:allowPlaintextTokens`` (optional, a YAML boolean, default false)
    Accept token keys that are stored in clear. Only the offline ``local`` stack may set it to
    true; only ``true``/``false`` exactly are accepted.

Whatever the shape or depth of the input, :func:`load_stack_config` raises nothing but
:class:`StackConfigError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from provider.fields import DATABRICKS_BASE_CONNECTION
from provider.redaction import printable
from provider.settings import KEYS, TUNING

__all__ = [
    "ALLOW_PLAINTEXT_TOKENS_KEY",
    "CONNECTIONS_KEY",
    "CONNECTION_FIELDS",
    "PLAINTEXT_STACK",
    "SANDBOX_KEY",
    "ConfigSource",
    "ConnectionSpec",
    "MappingConfigSource",
    "StackConfig",
    "StackConfigError",
    "load_stack_config",
    "qualify_key",
]

SANDBOX_KEY = "aep:sandboxName"
CONNECTIONS_KEY = "connections"
ALLOW_PLAINTEXT_TOKENS_KEY = "allowPlaintextTokens"
PLAINTEXT_STACK = "local"
"""The only stack allowed to keep Databricks tokens in clear (the emulator's demo tokens)."""

# Namespaces of the provider's settings (aep:clientSecret, aep:accessToken, aep:retryAttempts...):
# a tokenKey there would send a provider credential to Flow Service as a Databricks token.
_SETTINGS_NAMESPACES = frozenset(
    key.split(":", 1)[0].casefold()
    for key in [k for k, _ in KEYS.values()] + [t[0] for t in TUNING.values()]
)
# YAML field -> (required, expected type). Only these fields are accepted, so a typo is an error
# instead of a silently ignored setting. The connection's own fields come from the field table
# (provider.fields); the token arrives through a config key and the sandbox from aep:sandboxName.
CONNECTION_FIELDS: Mapping[str, tuple[bool, type]] = {
    **{f.schema: (f.required, f.python_type)
       for f in DATABRICKS_BASE_CONNECTION.inputs if f.stack_config},
    "tokenKey": (True, str),
    "sharedTokenKey": (False, bool),
    "protect": (False, bool),
    "dataflows": (False, list),
}

# A config key name as `pulumi config set` accepts it, optionally namespaced ("ns:key").
_KEY_RE = re.compile(r"^(?:[A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$")

_TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list"}


class StackConfigError(ValueError):
    """The stack configuration is missing, mistyped or inconsistent.

    ``key`` is the full config key (with a ``[i].field`` path for connection entries);
    ``str(error)`` is a complete message for the user: what is wrong, and a YAML example.
    """

    def __init__(self, key: str, problem: str, example: str) -> None:
        # Keys and problems may carry what the config holds (a key with a terminal escape):
        # the message is printed, so every character a terminal acts on is written escaped.
        key, problem = printable(key), printable(problem)
        self.key = key
        self.problem = problem
        super().__init__(
            f"Invalid stack configuration at '{key}': {problem}\n"
            f"Example (stacks/Pulumi.<stack>.yaml):\n{example}"
        )


class ConfigSource(Protocol):
    """Read access to the stack config by full key (``namespace:name``)."""

    def get(self, key: str) -> str | None:
        """Return the raw value of ``key`` (JSON text for objects), or None when unset."""
        ...

    def is_secret(self, key: str) -> bool:
        """Return True when ``key`` is stored as a secret in the stack config."""
        ...


class MappingConfigSource:
    """A :class:`ConfigSource` over a plain mapping of full keys to raw string values."""

    def __init__(self, values: Mapping[str, str], secret_keys: frozenset[str] = frozenset()):
        self._values = dict(values)
        self._secret_keys = secret_keys

    def get(self, key: str) -> str | None:
        """Return the raw value of ``key``, or None when unset."""
        return self._values.get(key)

    def is_secret(self, key: str) -> bool:
        """Return True when ``key`` was listed as secret."""
        return key in self._secret_keys


@dataclass(frozen=True)
class ConnectionSpec:
    """One declared Databricks base connection, as the stack config asks for it.

    ``token_key`` is fully qualified (``namespace:name``) and its value is known to be set.
    ``adopt_existing`` is None when the stack does not say (the resource's own default applies).
    """

    name: str
    domain: str
    cluster_id: str
    database: str
    token_key: str
    description: str | None = None
    catalog: str | None = None
    protect: bool = False
    adopt_existing: bool | None = None
    shared_token_key: bool = False
    dataflows: tuple[Any, ...] = ()
    """``stacks.pipeline_config.DataflowSpec`` per table to ingest."""


@dataclass(frozen=True)
class StackConfig:
    """The validated configuration of one stack."""

    sandbox_name: str
    connections: tuple[ConnectionSpec, ...]
    allow_plaintext_tokens: bool = False
    staging: tuple[Any, ...] = ()
    """``stacks.staging_config.StagingSpec`` per declared staging credentials (one per sandbox)."""


def qualify_key(key: str, project: str) -> str:
    """Return ``key`` with the project namespace prepended unless it already has a namespace."""
    return key if ":" in key else f"{project}:{key}"


def _example(project: str) -> str:
    return (
        "config:\n"
        f"  {SANDBOX_KEY}: dev\n"
        f"  {project}:{CONNECTIONS_KEY}:\n"
        "    - name: sales-lakehouse\n"
        "      description: Sales lakehouse   # optional\n"
        "      domain: https://adb-1234567890123456.7.azuredatabricks.net\n"
        "      clusterId: 0123-456789-abcdefgh\n"
        "      database: sales\n"
        "      catalog: main                  # optional\n"
        "      tokenKey: databricksToken-sales\n"
        "      protect: true                  # optional, default false\n"
        "      adoptExisting: false           # optional\n"
        f"  # and the token itself: pulumi config set --secret databricksToken-sales <token>"
    )


def _parse_allow_plaintext(raw: str | None, key: str, project: str, stack: str | None) -> bool:
    """``allowPlaintextTokens``: a real YAML boolean, true only on :data:`PLAINTEXT_STACK`."""
    if raw is None or raw == "false":
        return False
    if raw != "true":
        raise StackConfigError(
            key,
            f"expected true or false (a YAML boolean, unquoted), got {raw[:40]!r}",
            _example(project),
        )
    if stack != PLAINTEXT_STACK:
        raise StackConfigError(
            key,
            f"only the offline {PLAINTEXT_STACK!r} stack may keep Databricks tokens in clear, "
            f"this is stack {stack!r}; remove the key and store each token encrypted "
            "(pulumi config set --secret <tokenKey> <databricks-token>)",
            _example(project),
        )
    return True


def _parse_sandbox(source: ConfigSource, project: str) -> str:
    raw = source.get(SANDBOX_KEY)
    if raw is None:
        raise StackConfigError(
            SANDBOX_KEY,
            "it is not set; name the AEP sandbox this stack manages "
            f"(pulumi config set {SANDBOX_KEY} <sandbox>)",
            _example(project),
        )
    if not raw.strip():
        raise StackConfigError(SANDBOX_KEY, "it is empty; name an AEP sandbox", _example(project))
    return raw.strip()


def _parse_entry(
    entry: object, index: int, source: ConfigSource, project: str, allow_plaintext: bool
) -> ConnectionSpec:
    base = f"{project}:{CONNECTIONS_KEY}[{index}]"
    example = _example(project)
    if not isinstance(entry, dict):
        raise StackConfigError(
            base, f"each connection must be a mapping of fields, got {_describe(entry)}", example
        )
    unknown = sorted(set(entry) - set(CONNECTION_FIELDS))
    if unknown:
        allowed = ", ".join(CONNECTION_FIELDS)
        raise StackConfigError(
            f"{base}.{unknown[0]}", f"unknown field (allowed: {allowed})", example
        )
    values: dict[str, object] = {}
    for field, (required, expected) in CONNECTION_FIELDS.items():
        value = entry.get(field)
        if value is None:
            if required:
                raise StackConfigError(f"{base}.{field}", "this required field is missing", example)
            continue
        # bool is a subclass of int, not of str, so isinstance is exact for both expected types.
        if not isinstance(value, expected):
            raise StackConfigError(
                f"{base}.{field}",
                f"expected {_TYPE_NAMES[expected]}, got {_describe(value)}"
                + (" (quote it in YAML)" if expected is str and not isinstance(value, (list, dict))
                   else ""),
                example,
            )
        if expected is str and not str(value).strip():
            raise StackConfigError(f"{base}.{field}", "it is empty", example)
        values[field] = value

    token_key = str(values["tokenKey"])
    if not _KEY_RE.match(token_key):
        raise StackConfigError(
            f"{base}.tokenKey",
            f"{token_key!r} is not a config key name (letters, digits, '-', '_', '.')",
            example,
        )
    full_token_key = qualify_key(token_key, project)
    namespace, name = full_token_key.split(":", 1)
    if namespace.casefold() in _SETTINGS_NAMESPACES:
        raise StackConfigError(
            f"{base}.tokenKey",
            f"{token_key!r} is a key of the provider's settings namespace {namespace!r} (where "
            "its credentials such as aep:clientSecret live), so that value would be sent to "
            "Flow Service as a Databricks token; name a key of its own, e.g. "
            f"databricksToken-{values['name']}",
            example,
        )
    if namespace == project and name in (CONNECTIONS_KEY, ALLOW_PLAINTEXT_TOKENS_KEY):
        raise StackConfigError(
            f"{base}.tokenKey",
            f"{token_key!r} is one of this project's own settings, not a token key; name a key "
            f"of its own, e.g. databricksToken-{values['name']}",
            example,
        )
    if source.get(full_token_key) in (None, ""):
        raise StackConfigError(
            full_token_key,
            f"connection {values['name']!r} takes its Databricks token from this key, which is "
            f"not set; run: pulumi config set --secret {token_key} <databricks-token>",
            example,
        )
    if not allow_plaintext and not source.is_secret(full_token_key):
        raise StackConfigError(
            full_token_key,
            "the Databricks token is stored in clear in the stack file; store it encrypted: "
            f"pulumi config set --secret {token_key} <databricks-token>",
            example,
        )
    adopt = values.get("adoptExisting")
    from stacks.pipeline_config import parse_dataflows  # imports this module

    dataflows = parse_dataflows(entry.get("dataflows"), index, project)
    return ConnectionSpec(
        name=str(values["name"]),
        domain=str(values["domain"]),
        cluster_id=str(values["clusterId"]),
        database=str(values["database"]),
        token_key=full_token_key,
        description=_optional_str(values.get("description")),
        catalog=_optional_str(values.get("catalog")),
        protect=bool(values.get("protect", False)),
        adopt_existing=None if adopt is None else bool(adopt),
        shared_token_key=bool(values.get("sharedTokenKey", False)),
        dataflows=dataflows,
    )


def _workspace(domain: str) -> str:
    """The Databricks workspace a domain names: its host, lower-cased (the URL as is if none)."""
    try:
        host = urlsplit(domain.strip()).hostname
    except ValueError:
        host = None
    return host or domain.strip().casefold()


def _check_pipeline_names(specs: list[ConnectionSpec], connections_key: str,
                          example: str) -> None:
    """Pipelines of two connections whose resource names meet (connection ``sales`` with table
    ``eu.orders`` and connection ``sales-eu`` with table ``orders`` both give
    ``sales-eu-orders-*``) are refused: the engine would stop ``up`` on a duplicate URN."""
    from stacks.pipeline_config import table_stem  # imports this module

    seen: dict[str, str] = {}
    for index, spec in enumerate(specs):
        for flow_index, flow in enumerate(spec.dataflows):
            stem = f"{spec.name}-{table_stem(flow.table)}"
            key = f"{connections_key}[{index}].dataflows[{flow_index}]"
            if stem in seen and not seen[stem].startswith(f"{connections_key}[{index}]."):
                raise StackConfigError(
                    key, f"its resources would be named {stem}-source, -target, -mapping, -flow, "
                    f"like those of {seen[stem]}; rename one of the two connections", example)
            seen.setdefault(stem, key)


def _check_token_per_workspace(specs: list[ConnectionSpec], project: str) -> None:
    """One token key serves one workspace, unless every connection sharing it says so."""
    first: dict[str, tuple[int, ConnectionSpec]] = {}
    for index, spec in enumerate(specs):
        seen = first.setdefault(spec.token_key, (index, spec))
        other_index, other = seen
        if other is spec or _workspace(other.domain) == _workspace(spec.domain):
            continue
        if spec.shared_token_key and other.shared_token_key:
            continue
        raise StackConfigError(
            f"{project}:{CONNECTIONS_KEY}[{index}].tokenKey",
            f"connection {spec.name!r} (workspace {_workspace(spec.domain)}) takes its token from "
            f"{spec.token_key}, as connection {other.name!r} at index {other_index} does for "
            f"workspace {_workspace(other.domain)}; a Databricks token belongs to one workspace. "
            "Give each workspace its own token key, or, if one token really serves both, set "
            "sharedTokenKey: true on every connection that shares it",
            _example(project),
        )


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def load_stack_config(
    source: ConfigSource, project: str, stack: str | None = None
) -> StackConfig:
    """Parse and validate the stack config of ``project`` (stack ``stack``) read through ``source``.

    Returns a :class:`StackConfig` whose connections have unique names and set token keys.
    Raises :class:`StackConfigError` for the first problem found; nothing else is raised for bad
    input, whatever its shape or depth.
    """
    example = _example(project)
    sandbox = _parse_sandbox(source, project)

    allow_key = f"{project}:{ALLOW_PLAINTEXT_TOKENS_KEY}"
    allow_plaintext = _parse_allow_plaintext(source.get(allow_key), allow_key, project, stack)

    connections_key = f"{project}:{CONNECTIONS_KEY}"
    raw = source.get(connections_key)
    if raw is None:
        raise StackConfigError(
            connections_key,
            "it is not set; list the base connections this stack manages ([] for none)",
            example,
        )
    try:
        entries = json.loads(raw)
    except RecursionError:
        raise StackConfigError(
            connections_key, "it is nested too deeply to be a list of connections", example
        ) from None
    except ValueError:
        entries = raw  # a plain scalar such as `connections: foo` arrives as bare text
    if not isinstance(entries, list):
        raise StackConfigError(
            connections_key,
            "expected a list of connections (each item starts with '- '), "
            f"got {_describe(entries)}",
            example,
        )

    specs = [
        _parse_entry(entry, index, source, project, allow_plaintext)
        for index, entry in enumerate(entries)
    ]
    seen: dict[str, int] = {}
    for index, spec in enumerate(specs):
        if spec.name in seen:
            raise StackConfigError(
                f"{connections_key}[{index}].name",
                f"duplicate connection name {spec.name!r} (also at index {seen[spec.name]}); "
                "names identify resources and must be unique within a stack",
                example,
            )
        seen[spec.name] = index
    _check_pipeline_names(specs, connections_key, example)
    _check_token_per_workspace(specs, project)
    from stacks.staging_config import STAGING_KEY, parse_staging  # imports this module

    staging = parse_staging(source.get(f"{project}:{STAGING_KEY}"), sandbox, project)
    return StackConfig(
        sandbox_name=sandbox, connections=tuple(specs), allow_plaintext_tokens=allow_plaintext,
        staging=staging,
    )
