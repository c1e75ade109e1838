"""The dataflow's properties <-> Flow Service JSON. Pure functions.

Its body, read-back, schedule normalisation, the JSON Patch of an update, and which changes
replace; its field tables are ``provider.resources.dataflow_fields`` and its API mapping
``provider.resources.dataflow`` (one resource, three modules, each under 400 lines). Inputs are
assumed to have passed ``check`` (``provider.pipeline_rules``). Nothing here talks to the network
or knows Pulumi; ``provider.pipeline_model`` re-exports these names (old import path).

Choices made here, from Adobe's documents (the Flow Service API reference, the Databricks source
and update-dataflows tutorials):

- ``scheduleParams`` are sent as the spec's ``ScheduleSpecDTO`` types them: ``startTime`` an
  integer (epoch seconds, converted from ISO-8601 UTC), ``interval`` a string, ``backfill`` a
  boolean, left out with ``once``. What comes back is normalised whatever its types
  (:func:`schedule_from_api`), and two schedules compare by instant, not spelling
  (:func:`same_schedule`), so an ISO ``start_time`` in the program does not show as drift
  against the epoch seconds Flow Service returns.
- A dataflow's transformations are ``[Copy]`` (when a delta column is set) then ``[Mapping]``
  (when a mapping set is named); the mapping is patched at its index.
- Replace vs update follows Adobe's update-dataflows guide: source and target
  connections update only ``name``/``description`` in place; a dataflow updates ``name``,
  ``description``, ``frequency``, ``interval`` and the mapping in place, changes ``enabled``
  through an action, and replaces on anything else (``backfill`` and ``delta_column`` are not
  documented as patchable, so they replace too, as does a change of frequency to or from
  ``once``, which has no interval to patch).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from provider.pipeline_rules import (
    as_integer,
    camel,
    either,
    start_time_epoch,
)
from provider.resources.base import SPEC_VERSION as SPEC_VERSION
from provider.resources.base import name_ops
from provider.resources.base import named_body as _named
from provider.resources.base import spec_ref as _spec
from provider.resources.base import with_sandbox as _with_sandbox
from provider.resources.dataflow_fields import DATAFLOW
from provider.resources.identity import replace_fields
from provider.validation import decimal_int

# The defaults a create fills in are the field tables' value defaults (one fact each).
CRM_TO_AEP_FLOW_SPEC_ID = str(DATAFLOW.by_state("flow_spec_id").value_default)  # type: ignore[union-attr]

# Which inputs replace, from the field table (``replace``, nested members by their own name).
FLOW_REPLACE_FIELDS = replace_fields(DATAFLOW)
FLOW_UPDATE_FIELDS = ("name", "description", "frequency", "interval", "mapping_set_id",
                      "mapping_version", "partial_ingestion_percent", "error_diagnostics_enabled")
FLOW_ACTION_FIELDS = ("enabled",)


# --- dataflow -------------------------------------------------------------------------------------


def schedule_params(schedule: Mapping[str, Any]) -> dict[str, Any]:
    """``scheduleParams`` for a checked schedule, typed as the spec's ``ScheduleSpecDTO``."""
    frequency = schedule["frequency"]
    params: dict[str, Any] = {
        "startTime": start_time_epoch(either(schedule, "start_time")),
        "frequency": frequency,
    }
    interval = as_integer(schedule.get("interval"))
    if frequency != "once":
        params["interval"] = str(interval)
        if schedule.get("backfill") is not None:
            params["backfill"] = bool(schedule["backfill"])
    return params


def schedule_from_api(params: Mapping[str, Any]) -> dict[str, Any]:
    """A live ``scheduleParams`` as a snake_case schedule, whatever types it came in."""
    schedule: dict[str, Any] = {
        "start_time": start_time_epoch(params.get("startTime")),
        "frequency": params.get("frequency"),
    }
    interval = params.get("interval")
    if interval is not None:
        schedule["interval"] = (
            decimal_int(interval) if isinstance(interval, str) else as_integer(interval))
    backfill = params.get("backfill")
    if isinstance(backfill, str) and backfill.lower() in ("true", "false"):
        backfill = backfill.lower() == "true"
    if isinstance(backfill, bool):
        schedule["backfill"] = backfill
    return schedule


def same_schedule(declared: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """Whether two schedules mean the same: start by instant, interval by number, backfill
    defaulting to true (Adobe's default) unless ``once``."""

    def norm(schedule: Mapping[str, Any]) -> tuple[object, ...]:
        frequency = schedule.get("frequency")
        once = frequency == "once"
        backfill = schedule.get("backfill")
        return (
            start_time_epoch(either(schedule, "start_time")),
            frequency,
            None if once else as_integer(schedule.get("interval")),
            None if once else (True if backfill is None else backfill),
        )

    return norm(declared) == norm(live)


def transformations(props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``[Copy]`` when a delta column is set, then ``[Mapping]`` when a mapping set is named."""
    result: list[dict[str, Any]] = []
    delta = props.get("delta_column")
    if delta:
        column: dict[str, Any] = {"name": delta["name"]}
        for key in ("date_format", "timezone"):
            value = either(delta, key)
            if value is not None:
                column[camel(key)] = value
        result.append({"name": "Copy", "params": {"deltaColumn": column}})
    if props.get("mapping_set_id"):
        result.append(_mapping_transformation(props))
    return result


def _mapping_transformation(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": "Mapping", "params": {"mappingId": props["mapping_set_id"],
                                          "mappingVersion": str(props.get("mapping_version", 0))}}


def flow_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /flows`` for a dataflow from one source connection to one target connection."""
    return {
        **_named(props),
        "flowSpec": _spec(props.get("flow_spec_id") or CRM_TO_AEP_FLOW_SPEC_ID),
        "sourceConnectionIds": [props["source_connection_id"]],
        "targetConnectionIds": [props["target_connection_id"]],
        "transformations": transformations(props),
        "scheduleParams": schedule_params(props["schedule"]),
    }


def flow_patch_ops(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``PATCH /flows/{id}`` instructions for the in-place changes from ``olds`` to
    ``news`` (name, description, frequency, interval, mapping). Replace-only changes and
    ``enabled`` are not here (see the module docstring)."""
    ops = name_ops(olds, news)
    old_schedule, new_schedule = olds.get("schedule") or {}, news.get("schedule") or {}
    new_params = schedule_params(new_schedule)
    for key in ("frequency", "interval"):
        if old_schedule.get(key) != new_schedule.get(key) and key in new_params:
            ops.append({"op": "replace", "path": f"/scheduleParams/{key}",
                        "value": new_params[key]})
    old_mapping = (olds.get("mapping_set_id"), olds.get("mapping_version"))
    new_mapping = (news.get("mapping_set_id"), news.get("mapping_version"))
    if old_mapping != new_mapping:
        index = 1 if news.get("delta_column") else 0
        if news.get("mapping_set_id") is None:
            ops.append({"op": "remove", "path": f"/transformations/{index}"})
        elif olds.get("mapping_set_id") is None:
            ops.append({"op": "add", "path": "/transformations/-",
                        "value": _mapping_transformation(news)})
        else:
            ops.append({"op": "replace", "path": f"/transformations/{index}",
                        "value": _mapping_transformation(news)})
    return ops


def flow_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[set[str], bool]:
    """(the fields that differ, whether any of them forces a replacement). The schedule's
    parts count as ``start_time``, ``frequency``, ``interval`` and ``backfill``."""
    def flat(props: Mapping[str, Any]) -> dict[str, Any]:
        schedule = props.get("schedule") or {}
        values = {k: v for k, v in props.items() if k != "schedule"}
        values["start_time"] = start_time_epoch(either(schedule, "start_time"))
        values["frequency"] = schedule.get("frequency")
        values["interval"] = as_integer(schedule.get("interval"))
        values["backfill"] = schedule.get("backfill")
        values.setdefault("flow_spec_id", CRM_TO_AEP_FLOW_SPEC_ID)
        values.setdefault("enabled", True)
        return values

    old, new = flat(olds), flat(news)
    fields = FLOW_UPDATE_FIELDS + FLOW_ACTION_FIELDS + FLOW_REPLACE_FIELDS
    changed = {f for f in fields if old.get(f) != new.get(f)}
    # A run-once flow has no interval or backfill to patch: to or from "once" is a new flow.
    to_or_from_once = "frequency" in changed and "once" in (old["frequency"], new["frequency"])
    return changed, to_or_from_once or bool(changed & set(FLOW_REPLACE_FIELDS))


def flow_inputs(item: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a live dataflow shows; ``enabled`` from its state (a flow disabled in the UI
    reads ``enabled: false``, a change for the next ``up`` to undo)."""
    sources, targets = item.get("sourceConnectionIds") or [], item.get("targetConnectionIds") or []
    state = item.get("state")
    if state not in ("enabled", "disabled"):
        # Read as "disabled", a missing state would make the next `up` send an enable.
        raise ValueError(f"the dataflow's state is {state!r}, not enabled or disabled")
    inputs: dict[str, Any] = {
        "name": item.get("name"),
        "source_connection_id": sources[0] if sources else None,
        "target_connection_id": targets[0] if targets else None,
        "flow_spec_id": (item.get("flowSpec") or {}).get("id"),
        "schedule": schedule_from_api(item.get("scheduleParams") or {}),
        "enabled": state == "enabled",
    }
    if item.get("description") is not None:
        inputs["description"] = item["description"]
    for transformation in item.get("transformations") or []:
        params = transformation.get("params") or {}
        if transformation.get("name") == "Mapping":
            inputs["mapping_set_id"] = params.get("mappingId")
            version = params.get("mappingVersion")
            number = decimal_int(str(version))
            inputs["mapping_version"] = version if number is None else number
        elif transformation.get("name") == "Copy" and params.get("deltaColumn"):
            delta = params["deltaColumn"]
            inputs["delta_column"] = {
                k: v for k, v in (("name", delta.get("name")),
                                  ("date_format", delta.get("dateFormat")),
                                  ("timezone", delta.get("timezone"))) if v is not None
            }
    prior_schedule = prior.get("schedule")
    if isinstance(prior_schedule, Mapping) and same_schedule(prior_schedule, inputs["schedule"]):
        inputs["schedule"] = dict(prior_schedule)  # keep the program's spelling when equal
    return _with_sandbox(inputs, item, prior)
