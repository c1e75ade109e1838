"""Pure, network-free rules for the ingestion path: schedules, mappings, table paths, ids.

Used by the pipeline resources' ``check`` (and, for the schedule, held equal to the policy pack's
own copy in ``policy/pipeline_policies.py`` by ``tests/policy/test_pipeline_policies.py`` over
one corpus, since a pack may run in a virtualenv without this package).

Every ``*_problems`` function returns ``(property path, reason)`` failures (``validation.Failure``)
in a stable order, each reason saying what is wrong and what a good value looks like; every
``*_problem`` function returns one reason or None. Property names are accepted in both
spellings, snake_case (dynamic provider state: ``start_time``, ``source_type``) and camelCase
(native plugin: ``startTime``, ``sourceType``); failures name the spelling the input used.
Numbers may arrive as floats (the policy pack and gRPC give ``1.0`` for ``1``): an integral float
counts as an integer, a bool never does.

Adobe's schedule rules (``CRMToAEP`` ``scheduleSpec``): ``frequency`` one of
:data:`FREQUENCIES`; ``interval`` required unless ``once``, at least 15 for ``minute`` and 1
otherwise (:data:`MIN_INTERVAL`); ``backfill`` (default true) not with ``once``; ``start_time``
UTC, as ISO-8601 with ``Z``/``+00:00`` or as epoch seconds (Flow Service takes epoch seconds:
:func:`start_time_epoch` converts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from provider.rules.schedule import (
    FREQUENCIES,
    LATEST_EPOCH,
    MIN_INTERVAL,
    PERIOD_SECONDS,
    SCHEDULE_KEYS,
    as_integer,
    camel,
    pick,
    schedule_period_seconds,
    schedule_problems,
    start_time_epoch,
    start_time_problem,
    unknown_keys,
)
from provider.validation import Failure

__all__ = [
    "DATASET_ID",
    "DEFAULT_SCHEMA_VERSION",
    "DELTA_COLUMN_KEYS",
    "FLOW_ID",
    "FREQUENCIES",
    "LATEST_EPOCH",
    "MAPPING_KEYS",
    "MAPPING_SET_ID",
    "MIN_INTERVAL",
    "PERIOD_SECONDS",
    "SCHEDULE_KEYS",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "SOURCE_TYPES",
    "as_integer",
    "camel",
    "delta_column_problems",
    "either",
    "mapping_problems",
    "schedule_period_seconds",
    "schedule_problems",
    "start_time_epoch",
    "start_time_problem",
    "table_path_problem",
]

SOURCE_TYPES = ("ATTRIBUTE", "EXPRESSION")
MAPPING_KEYS = ("source", "destination", "source_type")
DELTA_COLUMN_KEYS = ("name", "date_format", "timezone")
# The target connection's default schema content type (its field table's value default reads
# it from here, so the rules need no field table).
DEFAULT_SCHEMA_VERSION = "application/vnd.adobe.xed-full+json;version=1"

DATASET_ID = re.compile(r"[0-9a-f]{24}")
SCHEMA_ID = re.compile(r"https://ns\.adobe\.com/[A-Za-z0-9_-]+/schemas/[A-Za-z0-9_.-]+")
SCHEMA_VERSION = re.compile(
    r"application/vnd\.adobe\.xed(-full)?(-notext)?\+json; ?version=\d+(\.\d+)?"
)
MAPPING_SET_ID = re.compile(r"[0-9a-f]{32}")
FLOW_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PLAIN_PART = re.compile(r"[A-Za-z0-9_]+")
_QUOTED_PART = re.compile(r"`[^`\x00-\x1f]+`")
_XDM_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_MAX_TABLE_PATH = 765
_MAX_EXPRESSION = 4096


def either(item: Mapping[str, Any], key: str) -> Any:
    """``key``'s value in either spelling (snake_case first), None when absent."""
    return pick(item, key)[1]


# --- mappings ------------------------------------------------------------------------------------


def mapping_problems(mappings: object, where: str = "mappings") -> list[Failure]:
    """Every way a mapping list is wrong: ``[{source, destination, source_type}]``, non-empty,
    ``source_type`` ATTRIBUTE or EXPRESSION, destinations XDM paths and distinct."""
    if not isinstance(mappings, (list, tuple)) or not mappings:
        return [(where, f"{where} must be a non-empty list of {{source, destination, "
                        "source_type}")]
    failures: list[Failure] = []
    seen: dict[str, int] = {}
    for index, mapping in enumerate(mappings):
        at = f"{where}[{index}]"
        if not isinstance(mapping, Mapping):
            failures.append((at, "each mapping must be an object {source, destination, "
                                 "source_type}"))
            continue
        failures += unknown_keys(mapping, MAPPING_KEYS, at)
        type_key, source_type = pick(mapping, "source_type")
        if source_type not in SOURCE_TYPES:
            failures.append((f"{at}.{type_key}",
                             f"{type_key} must be ATTRIBUTE or EXPRESSION"))
        source = mapping.get("source")
        if not isinstance(source, str) or not source.strip():
            failures.append((f"{at}.source", "source must be a non-empty string (a column "
                                             "name, or an expression for EXPRESSION)"))
        elif len(source) > _MAX_EXPRESSION:
            failures.append((f"{at}.source", f"source is longer than {_MAX_EXPRESSION} "
                                             "characters"))
        destination = mapping.get("destination")
        if not isinstance(destination, str) or not _XDM_PATH.fullmatch(destination):
            failures.append((f"{at}.destination",
                             "destination must be an XDM field path such as "
                             "_tenant.orderId or person.name.firstName"))
        elif destination in seen:
            failures.append((f"{at}.destination",
                             "destination is already mapped by "
                             f"{where}[{seen[destination]}]; map each field once"))
        else:
            seen[destination] = index
    return failures


# --- table path, delta column, ids ----------------------------------------------------------------


def table_path_problem(value: object, key: str = "table_name") -> str | None:
    """Why ``value`` is not a Databricks table path as explore returns it, or None.

    One to three dot-separated parts (``table``, ``schema.table``, ``catalog.schema.table``),
    each letters, digits and underscores, or back-quoted (```my-table```).
    """
    example = "e.g. sales.orders or main.sales.orders (see python -m provider.explore tables)"
    if not isinstance(value, str) or not value:
        return f"{key} must be a non-empty string ({example})"
    if len(value) > _MAX_TABLE_PATH:
        return f"{key} is longer than {_MAX_TABLE_PATH} characters"
    parts = re.findall(r"`[^`]*`|[^.`]+|\.", value)
    names = [p for p in parts if p != "."]
    rebuilt = ".".join(names)
    if rebuilt != value or not 1 <= len(names) <= 3 or not all(
        _PLAIN_PART.fullmatch(n) or _QUOTED_PART.fullmatch(n) for n in names
    ):
        return f"{key} is not a table path ({example})"
    return None


def delta_column_problems(value: object, where: str = "delta_column") -> list[Failure]:
    """``{name, date_format?, timezone?}``: name required, every part a non-empty string."""
    if not isinstance(value, Mapping):
        return [(where, f"{where} must be an object {{name, date_format, timezone}}")]
    failures = unknown_keys(value, DELTA_COLUMN_KEYS, where)
    for key in DELTA_COLUMN_KEYS:
        used, item = pick(value, key)
        if item is None:
            if key == "name":
                failures.append((f"{where}.name", "name (the column that orders changes, e.g. "
                                                  "updated_at) is required"))
            continue
        if not isinstance(item, str) or not item.strip():
            failures.append((f"{where}.{used}", f"{used} must be a non-empty string"))
    return failures


def _shaped(
    pattern: re.Pattern[str], what: str, example: str
) -> Callable[[object, str], str | None]:
    def problem(value: object, key: str) -> str | None:
        if isinstance(value, str) and pattern.fullmatch(value):
            return None
        return f"{key} must be {what} (e.g. {example})"

    return problem


dataset_id_problem = _shaped(DATASET_ID, "a Catalog dataset id, 24 lower-case hex digits",
                             "5c8c3c555033b814b69f947f")
schema_id_problem = _shaped(SCHEMA_ID, "an XDM schema $id URI",
                            "https://ns.adobe.com/acme/schemas/0123456789abcdef0123456789abcdef")
schema_version_problem = _shaped(SCHEMA_VERSION, "an XDM schema content type",
                                 DEFAULT_SCHEMA_VERSION)
mapping_set_id_problem = _shaped(MAPPING_SET_ID, "a Data Prep mapping set id, 32 hex digits",
                                 "0123456789abcdef0123456789abcdef")
flow_object_id_problem = _shaped(FLOW_ID, "a Flow Service id (a lower-case UUID)",
                                 "14518937-270c-4525-bdec-c2ba7cce3860")
