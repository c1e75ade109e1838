"""``GET /flowSpecs`` and ``/flowSpecs/{id}``: the read-only catalogue holding ``CRMToAEP``.

``CRMToAEP`` (``14518937-270c-4525-bdec-c2ba7cce3860``) accepts Databricks source connections and
Data Lake target connections. Its ``scheduleSpec`` is the JSON Schema Adobe documents, built
from :data:`FREQUENCIES` and :data:`MIN_INTERVAL`, the same table :func:`schedule_problem` checks
a dataflow's ``scheduleParams`` with (so what the spec says and what a create enforces are one
fact): ``startTime`` (epoch seconds) and ``frequency`` required; ``interval`` required unless
``once``, at least 15 for ``minute`` and 1 otherwise; ``backfill`` (default true) not allowed
with ``once``. ``interval``, ``backfill`` and ``startTime`` are accepted as numbers/booleans or as
the strings Adobe's examples send. Its ``transformationSpecs`` are ``Copy`` (``deltaColumn``)
and ``Mapping`` (``mappingId``, ``mappingVersion``), served as an array as Adobe's flow-spec
examples show (the spec's ``FlowSpecItemDTO`` types the field as a single object; a deliberate
deviation, since a flow spec with two transformations cannot be one object).
"""

from __future__ import annotations

from typing import Any

from provider.emulator.connection_specs import DATA_LAKE_SPEC_ID
from provider.emulator.entity import ReadOnlyService
from provider.emulator.specs import DATABRICKS_SPEC_ID

CRM_TO_AEP_ID = "14518937-270c-4525-bdec-c2ba7cce3860"
FREQUENCIES = ("once", "minute", "hour", "day", "week")
MIN_INTERVAL = {"minute": 15, "hour": 1, "day": 1, "week": 1}
"""The least ``interval`` per ``frequency`` (``once`` takes none)."""


def _schedule_schema() -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "startTime": {"description": "epoch time", "type": "integer"},
            "frequency": {"type": "string", "enum": list(FREQUENCIES)},
            "interval": {"type": "integer"},
            "backfill": {"type": "boolean", "default": True},
        },
        "required": ["startTime", "frequency"],
        "if": {"properties": {"frequency": {"const": "once"}}},
        "then": {"not": {"required": ["backfill"]}},
        "else": {
            "required": ["interval"],
            "allOf": [
                {
                    "if": {"properties": {"frequency": {"const": frequency}}},
                    "then": {"properties": {"interval": {"minimum": least}}},
                }
                for frequency, least in MIN_INTERVAL.items()
            ],
        },
    }


def crm_to_aep() -> dict[str, Any]:
    """The ``CRMToAEP`` flow spec item."""
    return {
        "id": CRM_TO_AEP_ID,
        "name": "CRMToAEP",
        "providerId": "0ed90a81-07f4-4586-8190-b40eccef1c5a",
        "version": "1.0",
        "sourceConnectionSpecIds": [DATABRICKS_SPEC_ID],
        "targetConnectionSpecIds": [DATA_LAKE_SPEC_ID],
        "transformationSpecs": [
            {
                "name": "Copy",
                "spec": {
                    "$schema": "http://json-schema.org/draft-07/schema#",
                    "type": "object",
                    "properties": {
                        "deltaColumn": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "dateFormat": {"type": "string"},
                                "timezone": {"type": "string"},
                            },
                            "required": ["name"],
                        }
                    },
                },
            },
            {
                "name": "Mapping",
                "spec": {
                    "$schema": "http://json-schema.org/draft-07/schema#",
                    "type": "object",
                    "properties": {
                        "mappingId": {"type": "string"},
                        "mappingVersion": {"type": "string"},
                    },
                    "required": ["mappingId", "mappingVersion"],
                },
            },
        ],
        "scheduleSpec": {"name": "PeriodicSchedule", "type": "Periodic",
                         "spec": _schedule_schema()},
        "optionSpec": {
            "name": "OptionSpec",
            "spec": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "properties": {
                    "errorDiagnosticsEnabled": {"type": "boolean"},
                    "partialIngestionPercent": {"type": "number"},
                },
            },
        },
        "attributes": {"isSourceFlow": True, "flacValidationSupported": True},
    }


def flow_spec_service() -> ReadOnlyService:
    """The read-only ``/flowSpecs`` catalogue."""
    return ReadOnlyService("/flowSpecs", "flowSpecs", [crm_to_aep()])


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def schedule_problem(params: object) -> str | None:
    """Why ``scheduleParams`` breaks the ``scheduleSpec``, or None."""
    if not isinstance(params, dict):
        return "scheduleParams must be a JSON object."
    start = _as_int(params.get("startTime"))
    if start is None or start < 0:
        return "scheduleParams.startTime is required: epoch seconds as an integer."
    frequency = params.get("frequency")
    if frequency not in FREQUENCIES:
        return f"scheduleParams.frequency must be one of {', '.join(FREQUENCIES)}."
    if "backfill" in params and _as_bool(params["backfill"]) is None:
        return "scheduleParams.backfill must be a boolean."
    if frequency == "once":
        if "backfill" in params:
            return "scheduleParams.backfill is not allowed when frequency is once."
        return None
    interval = _as_int(params.get("interval"))
    if interval is None:
        return f"scheduleParams.interval is required when frequency is {frequency}."
    least = MIN_INTERVAL[str(frequency)]
    if interval < least:
        return f"scheduleParams.interval must be at least {least} when frequency is {frequency}."
    return None


OPTIONS = ("errorDiagnosticsEnabled", "partialIngestionPercent")


def options_problem(record: dict[str, Any]) -> str | None:
    """A flow's ``options`` against the ``optionSpec``: ``errorDiagnosticsEnabled`` a boolean,
    ``partialIngestionPercent`` a number above 0. Adobe's partial-ingestion guide patches it as
    the string ``"10"`` and reads back ``10``: a string of digits is stored as the number."""
    options = record.get("options")
    if options is None:
        return None
    if not isinstance(options, dict) or set(options) - set(OPTIONS):
        return f"options must be an object with only {' and '.join(OPTIONS)}."
    percent = options.get("partialIngestionPercent")
    if isinstance(percent, str) and percent.isascii() and percent.isdigit():
        options["partialIngestionPercent"] = percent = int(percent)
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int | float)
                                or not percent > 0):
        return "options.partialIngestionPercent must be a number greater than 0."
    if not isinstance(options.get("errorDiagnosticsEnabled", False), bool):
        return "options.errorDiagnosticsEnabled must be a boolean."
    return None


SCHEDULE_TYPES = ("spec", "strings", "typed")
"""How ``scheduleParams`` values are stored and read back: as Adobe's spec types them
(``ScheduleSpecDTO``: ``startTime`` integer, ``interval`` string, ``backfill`` boolean), all as
strings (the tutorials' GET examples), or all typed (integer, integer, boolean)."""


def normalised_schedule(params: dict[str, Any], *, types: str) -> dict[str, Any]:
    """``scheduleParams`` as stored, per ``types`` (one of :data:`SCHEDULE_TYPES`)."""
    result = dict(params)
    as_text = {"spec": ("interval",), "strings": ("startTime", "interval", "backfill"),
               "typed": ()}[types]
    for key, convert in (("startTime", _as_int), ("interval", _as_int), ("backfill", _as_bool)):
        if key in result:
            value = convert(result[key])
            if key in as_text:
                result[key] = str(value).lower() if isinstance(value, bool) else str(value)
            else:
                result[key] = value
    return result
