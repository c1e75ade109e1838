"""Input rules for a Databricks base connection, checked with no network.

``check_inputs`` returns one ``(property, reason)`` failure per bad property; each reason says what
is wrong and what a good value looks like. Values the engine does not know yet (preview unknowns)
are skipped: the caller passes ``is_unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from provider.redaction import printable
from provider.rules import databricks
from provider.rules.databricks import DATABRICKS_HOST_SUFFIXES as DATABRICKS_HOST_SUFFIXES

# One reading of decimal text, re-exported for the mappings.
from provider.rules.schedule import decimal_int as decimal_int

# AEP sandbox names: lowercase letters, digits and hyphens, starting with a letter or digit.
SANDBOX_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_SANDBOX_NAME = 256
MAX_NAME = 256
MAX_DESCRIPTION = 4096
MAX_IDENTIFIER = 255
MAX_TOKEN = 4096
MIN_TOKEN = 8
# C0 and C1 controls, DEL, zero-width and bidi formatting characters, line/paragraph separators:
# invisible or reordering characters that make a name read differently from what it is.
_INVISIBLE = "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_CLUSTER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

REQUIRED = ("name", "domain", "cluster_id", "access_token", "database", "sandbox_name")
OPTIONAL = ("description", "catalog", "adopt_existing", "test_connection")
KNOWN = REQUIRED + OPTIONAL

Failure = tuple[str, str]


def check_inputs(props: Mapping[str, Any], is_unknown: Callable[[Any], bool]) -> list[Failure]:
    """Every rule broken by ``props``, one failure per property, in a stable order."""
    return check_props(props, _RULES, REQUIRED, is_unknown)


Rule = Callable[[object], "str | list[Failure] | None"]


def check_props(props: Mapping[str, Any], rules: Mapping[str, Rule], required: Sequence[str],
                is_unknown: Callable[[Any], bool]) -> list[Failure]:
    """Every rule of ``rules`` (property -> reason, or failures of its parts) broken by
    ``props``: unknown properties, missing required ones, then each rule in table order.
    Values the engine does not know yet are not judged."""
    known = tuple(rules)
    failures: list[Failure] = []
    for key in sorted(props):
        if key not in rules and not key.startswith("__"):
            failures.append((key, f"unknown property {key!r}; the known ones are "
                                  f"{', '.join(known)}"))
    for key in known:
        value = props.get(key)
        if is_unknown(value):
            continue
        if value is None:
            if key in required:
                failures.append((key, f"{key} is required"))
            continue
        found = rules[key](value)
        if isinstance(found, str):
            failures.append((key, found))
        elif found:
            # A part not known yet (a mapping's destination or a schedule's interval wired from
            # another resource's output) is judged at `up`, as a top-level one is.
            failures += [f for f in found if not is_unknown(value_at(props, f[0]))]
    # A path names keys the program chose (an unknown property, a typo inside a schedule):
    # the engine prints it as is, so a terminal escape in a key would act on the terminal.
    return [(printable(path), reason) for path, reason in failures]


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def value_at(props: Mapping[str, Any], path: str) -> Any:
    """The value a failure path (``schedule.interval``, ``mappings[0].destination``) names in
    ``props``, or None when the path does not lead anywhere."""
    head = re.match(r"[^.\[]+", path)
    value: Any = props.get(head.group(0)) if head else None
    for key, index in _STEP.findall(path[head.end():] if head else ""):
        if key and isinstance(value, Mapping):
            value = value.get(key)
        elif index and isinstance(value, (list, tuple)) and int(index) < len(value):
            value = value[int(index)]
        else:
            return None
    return value


def domain_problem(value: object) -> str | None:
    """Why ``value`` is not the https URL of a Databricks workspace, or None if it is: the one
    rule (``provider.rules.databricks``), which the policy pack applies too."""
    problem = databricks.domain_problem(value)
    return None if problem is None else f"domain {problem} (e.g. {databricks.EXAMPLE_DOMAIN})"


def sandbox_problem(value: object) -> str | None:
    """Why ``value`` is not a valid AEP sandbox name, or None if it is."""
    if not isinstance(value, str):
        return f"sandbox_name must be a string, got {type(value).__name__}"
    if len(value) > MAX_SANDBOX_NAME or not SANDBOX_NAME.fullmatch(value):
        return ("sandbox_name is not a valid AEP sandbox name: use the sandbox's "
                "name as AEP shows it, all lowercase letters, digits and hyphens (e.g. 'prod', "
                "'dev-emea')")
    return None


def _text(key: str, limit: int, *, multiline: bool = False) -> Callable[[object], str | None]:
    control = _CONTROL_BUT_NEWLINE if multiline else _CONTROL
    lines = "" if multiline else " or line breaks"

    def rule(value: object) -> str | None:
        if not isinstance(value, str):
            return f"{key} must be a string, got {type(value).__name__}"
        if not value.strip():
            return f"{key} must not be empty"
        if value != value.strip():
            return f"{key} must not start or end with spaces"
        if len(value) > limit:
            return f"{key} is {len(value)} characters long; at most {limit} are allowed"
        if control.search(value):
            return (f"{key} must not contain control, zero-width or bidirectional formatting "
                    f"characters{lines}")
        return None

    return rule


def _cluster_id(value: object) -> str | None:
    reason = _text("cluster_id", MAX_IDENTIFIER)(value)
    if reason is None and not _CLUSTER_ID.fullmatch(str(value)):
        return ("cluster_id must be a Databricks cluster id: letters, digits, '.', '_' and '-' "
                "(e.g. 0123-456789-abcde123)")
    return reason


def _access_token(value: object) -> str | None:
    # The value itself never appears in a reason: this is a secret.
    if not isinstance(value, str):
        return f"access_token must be a string, got {type(value).__name__}"
    if not value:
        return "access_token must not be empty"
    if len(value) > MAX_TOKEN:
        return f"access_token is longer than {MAX_TOKEN} characters"
    if len(value) < MIN_TOKEN:
        return (f"access_token is shorter than {MIN_TOKEN} characters, too short to be a "
                "Databricks token (dapi...)")
    if any(c.isspace() for c in value) or _CONTROL.search(value):
        return "access_token must not contain spaces, line breaks or control characters"
    return None


def _boolean(key: str) -> Callable[[object], str | None]:
    def problem(value: object) -> str | None:
        if not isinstance(value, bool):
            return f"{key} must be true or false, got {type(value).__name__}"
        return None

    return problem


_RULES: dict[str, Callable[[object], str | None]] = {
    "name": _text("name", MAX_NAME),
    "description": _text("description", MAX_DESCRIPTION, multiline=True),
    "domain": domain_problem,
    "cluster_id": _cluster_id,
    "access_token": _access_token,
    "database": _text("database", MAX_IDENTIFIER),
    "catalog": _text("catalog", MAX_IDENTIFIER),
    "sandbox_name": sandbox_problem,
    "adopt_existing": _boolean("adopt_existing"),
    "test_connection": _boolean("test_connection"),
}

# Rules other resources' check tables reuse.
text_rule = _text
boolean_rule = _boolean
