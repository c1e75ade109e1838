"""Policy rules for the ingestion path: dataflow schedules, run frequency, wiring, staging expiry.

Served with the rest of the pack (``__main__.py`` adds :data:`POLICIES` to ``aep_policies``'s).
Self-contained like ``aep_policies``: it does not import the ``provider`` package, because a pack
may run in its own virtualenv; the schedule rule is the provider's own
(``provider/rules/schedule.py``), which ``python -m provider.schema`` copies into
``_schedule.py`` here (``--check`` fails on a stale copy).

Resource types are matched in both front doors: ``pulumi-python:dynamic/aep:<Name>`` (dynamic
provider, snake_case properties) and ``aep:index:<Name>`` (native plugin, camelCase properties).

- ``dataflow-schedule`` (mandatory): a ``Dataflow``'s ``schedule`` follows Adobe's rules, so
  preview stops what Flow Service would reject.
- ``dataflow-frequency`` (mandatory, configurable): a ``Dataflow`` in a sandbox named in
  ``minimumPeriod`` (``{"prod": "hour"}`` by default; values ``minute``, ``hour``, ``day``,
  ``week`` or a number of seconds) runs at most that often. Sandboxes compare case-insensitively.
- ``dataflow-diagnostics`` (mandatory, configurable, opt-in): a ``Dataflow`` in a sandbox named
  in ``sandboxes`` (none by default) keeps row-level error diagnostics
  (``error_diagnostics_enabled: true``) and sets a partial-ingestion threshold
  (``partial_ingestion_percent``) of at most ``maxPartialIngestionPercent`` (default 100).
- ``dataflow-source-in-stack`` (mandatory, stack): every ``Dataflow``'s source connection is the
  ``source_connection_id`` of a ``DatabricksSourceConnection`` declared in the same stack (an id
  still unknown in preview is skipped: it comes from a resource being created).
- ``staging-credentials-expiry`` (advisory, stack, configurable ``days``, default 7): a
  ``DatabricksStagingCredentials`` whose ``expiry_date`` is within ``days`` (or past) is reported
  with the rotation command (``rotationCommand``, with ``{sandbox}`` and ``{stack}`` filled in).
  Its SAS token, URI and Spark config never reach a message. "Today" comes from :data:`today`,
  which tests replace.

Resource rules read inputs, stack rules outputs (as the engine gives them): that is why the
wiring and expiry rules are stack rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import Any

from _registry import resource_name
from _schedule import FREQUENCIES as FREQUENCIES  # the rule's names, for the pack's readers
from _schedule import MIN_INTERVAL as MIN_INTERVAL
from _schedule import (
    PERIOD_SECONDS,
    as_integer,
    camel,
    pick,
    schedule_period_seconds,
    schedule_problems,
)
from _schedule import SCHEDULE_KEYS as SCHEDULE_KEYS
from _schedule import start_time_epoch as start_time_epoch
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

DYNAMIC_PREFIX = "pulumi-python:dynamic/aep:"
NATIVE_PREFIX = "aep:index:"
DATAFLOW = "Dataflow"
SOURCE_CONNECTION = "DatabricksSourceConnection"
STAGING_CREDENTIALS = "DatabricksStagingCredentials"

DEFAULT_MINIMUM_PERIOD: dict[str, str] = {"prod": "hour"}
DEFAULT_EXPIRY_DAYS = 7
MAX_PERCENT = 100  # partial ingestion's threshold is a percentage
DEFAULT_ROTATION_COMMAND = (
    "pulumi config set aep:stagingRotationTrigger \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" "
    "--stack {stack} && pulumi up --stack {stack}"
)
_SECRET_OUTPUTS = ("sas_token", "sas_uri", "spark_conf")
_MASK = "****"

today: Callable[[], date] = lambda: datetime.now(timezone.utc).date()  # noqa: E731
"""Today's UTC date; tests replace it (the expiry rule never reads the wall clock otherwise)."""


def type_name(resource_type: str) -> str | None:
    """``Dataflow`` for either front door's token of a registered resource, else None."""
    return resource_name(resource_type)


def prop(props: Mapping[str, Any], key: str) -> Any:
    """A property in snake_case (dynamic) or camelCase (native); None when absent."""
    return pick(props, key)[1]


def _show(value: object) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 120 else text[:120] + "..."


# --- dataflow-schedule ----------------------------------------------------------------------------


def validate_dataflow_schedule(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """A Dataflow's ``schedule`` follows Adobe's rules (:func:`schedule_problems`)."""
    if type_name(args.resource_type) != DATAFLOW:
        return
    for path, reason in schedule_problems(prop(args.props, "schedule")):
        report_violation(
            f'[dataflow-schedule] Dataflow "{args.name}": {path}: {reason}. Flow Service would '
            "reject this schedule. Fix: frequency once|minute|hour|day|week, interval at least 15 "
            "for minute and 1 otherwise (none for once), no backfill with once, start_time in "
            'UTC (e.g. "2026-01-01T00:00:00Z").',
            None,
        )


# --- dataflow-frequency ---------------------------------------------------------------------------


def _period_limits(config: Mapping[str, Any]) -> tuple[dict[str, int], str | None]:
    """``minimumPeriod`` as {sandbox (casefolded): seconds}, and a problem with the config."""
    raw = config.get("minimumPeriod")
    if raw is None:
        raw = DEFAULT_MINIMUM_PERIOD
    if not isinstance(raw, Mapping):
        return ({k: PERIOD_SECONDS[v] for k, v in DEFAULT_MINIMUM_PERIOD.items()},
                f"pack config minimumPeriod is {_show(raw)}, not an object")
    limits: dict[str, int] = {}
    for sandbox, value in raw.items():
        seconds = PERIOD_SECONDS.get(value) if isinstance(value, str) else as_integer(value)
        if seconds is None or seconds < 1:
            return ({k: PERIOD_SECONDS[v] for k, v in DEFAULT_MINIMUM_PERIOD.items()},
                    f"pack config minimumPeriod[{_show(sandbox)}] is {_show(value)}; use "
                    "minute, hour, day, week or a number of seconds")
        limits[str(sandbox).casefold()] = seconds
    return limits, None


def _describe(seconds: int) -> str:
    for unit in ("week", "day", "hour", "minute"):
        size = PERIOD_SECONDS[unit]
        if seconds % size == 0:
            count = seconds // size
            return f"every {unit}" if count == 1 else f"every {count} {unit}s"
    return f"every {seconds} seconds"


def validate_dataflow_frequency(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """A Dataflow runs at most as often as ``minimumPeriod`` allows in its sandbox."""
    if type_name(args.resource_type) != DATAFLOW:
        return
    limits, problem = _period_limits(args.get_config())
    if problem is not None:
        report_violation(
            f'[dataflow-frequency] Dataflow "{args.name}": {problem}. Fix the pack config; '
            f"using {json.dumps(DEFAULT_MINIMUM_PERIOD)} meanwhile.",
            None,
        )
    sandbox = prop(args.props, "sandbox_name")
    sandbox_text = sandbox if isinstance(sandbox, str) and sandbox else "prod"
    least = limits.get(sandbox_text.casefold())
    schedule = prop(args.props, "schedule")
    if least is None or not isinstance(schedule, Mapping):
        return
    period = schedule_period_seconds(schedule.get("frequency"), schedule.get("interval"))
    if period is None or period >= least:
        return
    report_violation(
        f'[dataflow-frequency] Dataflow "{args.name}" in sandbox {_show(sandbox_text)} runs '
        f"{_describe(period)}, more often than allowed there ({_describe(least)} at most). "
        f"Fix: schedule it less often (e.g. frequency {_suggest(least)}), or change "
        "minimumPeriod in this stack's pack config if the sandbox may take it.",
        None,
    )


def _suggest(least: int) -> str:
    for unit in ("week", "day", "hour", "minute"):
        size = PERIOD_SECONDS[unit]
        if least % size == 0 and (unit != "minute" or least // size >= 15):
            return f'"{unit}", interval {least // size}'
    return f'"minute", interval {max(15, -(-least // 60))}'


# --- dataflow-diagnostics -------------------------------------------------------------------------


def validate_dataflow_diagnostics(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """In a sandbox of ``sandboxes``, a Dataflow keeps error diagnostics and sets a threshold
    of at most ``maxPartialIngestionPercent``. Properties are named in the door's spelling."""
    if type_name(args.resource_type) != DATAFLOW:
        return
    config = args.get_config()
    sandboxes = {str(s).casefold() for s in config.get("sandboxes") or ()}
    most = as_integer(config.get("maxPartialIngestionPercent", MAX_PERCENT))
    most = MAX_PERCENT if most is None or not 1 <= most <= MAX_PERCENT else most
    try:
        sandbox = prop(args.props, "sandbox_name")
        diagnostics = prop(args.props, "error_diagnostics_enabled")
        percent = prop(args.props, "partial_ingestion_percent")
    except UnknownValueError:
        return  # checked again at update, when the value is known
    sandbox_text = sandbox if isinstance(sandbox, str) and sandbox else "prod"
    if sandbox_text.casefold() not in sandboxes:
        return
    native = args.resource_type.startswith(NATIVE_PREFIX)

    def name(key: str) -> str:
        return camel(key) if native else key

    wrong = []
    if diagnostics is not True:
        wrong.append(f"{name('error_diagnostics_enabled')} is not true")
    number = as_integer(percent)
    if number is None or not 1 <= number <= most:
        wrong.append(f"{name('partial_ingestion_percent')} is not a threshold from 1 to "
                     f"{most}")
    if wrong:
        report_violation(
            f'[dataflow-diagnostics] Dataflow "{args.name}" in sandbox {_show(sandbox_text)}: '
            f"{'; '.join(wrong)}. Runs there must keep row-level error diagnostics and fail "
            f"past a known share of bad records. Fix: set {name('error_diagnostics_enabled')}: "
            f"true and {name('partial_ingestion_percent')}: 1 to {most} on the dataflow.",
            None,
        )


# --- dataflow-source-in-stack ---------------------------------------------------------------------


def validate_dataflow_source_in_stack(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    """Every Dataflow's source connection is a DatabricksSourceConnection of this stack."""
    declared: set[str] = set()
    flows: list[tuple[PolicyResource, object]] = []
    for resource in args.resources:
        kind = type_name(resource.resource_type)
        try:
            if kind == SOURCE_CONNECTION:
                id_ = prop(resource.props, "source_connection_id")
                if isinstance(id_, str) and id_:
                    declared.add(id_)
            elif kind == DATAFLOW:
                flows.append((resource, prop(resource.props, "source_connection_id")))
        except UnknownValueError:
            continue
    for resource, source in flows:
        if isinstance(source, str) and source in declared:
            continue
        report_violation(
            f'[dataflow-source-in-stack] Dataflow "{resource.name}" ({resource.urn}) reads '
            "a source connection (source_connection_id) that no DatabricksSourceConnection "
            "of this stack declares. Fix: declare the source connection in this stack and pass its "
            "source_connection_id output to the dataflow, so that the engine creates, replaces "
            "and deletes them in order.",
            resource.urn,
        )


# --- staging-credentials-expiry -------------------------------------------------------------------


def _expiry(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _scrubbed(props: Mapping[str, Any], message: str) -> str:
    for key in _SECRET_OUTPUTS:
        try:
            value = prop(props, key)
        except UnknownValueError:
            continue
        values = list(value.values()) if isinstance(value, Mapping) else [value]
        for secret in values:
            if isinstance(secret, str) and len(secret) >= 4:
                message = message.replace(secret, _MASK)
    return message


def validate_staging_credentials_expiry(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    """Staging credentials expiring within ``days`` are reported with the rotation command."""
    config = args.get_config()
    days = as_integer(config.get("days", DEFAULT_EXPIRY_DAYS))
    if days is None or days < 0:
        days = DEFAULT_EXPIRY_DAYS
    command = config.get("rotationCommand") or DEFAULT_ROTATION_COMMAND
    now = today()
    for resource in args.resources:
        if type_name(resource.resource_type) != STAGING_CREDENTIALS:
            continue
        try:
            expiry_text = prop(resource.props, "expiry_date")
            sandbox = prop(resource.props, "sandbox_name")
        except UnknownValueError:
            continue
        expiry = _expiry(expiry_text)
        if expiry is None or (expiry - now).days > days:
            continue
        left = (expiry - now).days
        when = (f"expired on {expiry.isoformat()}" if left < 0
                else f"expires on {expiry.isoformat()} (in {left} day{'s' if left != 1 else ''})")
        stack = urn_stack(resource.urn)
        rotate = str(command).replace("{sandbox}", str(sandbox or "prod")).replace(
            "{stack}", stack)
        message = (
            f'[staging-credentials-expiry] Staging credentials "{resource.name}" of sandbox '
            f"{_show(sandbox)} {when}; Adobe refreshes an expired token by itself, and every "
            "Databricks cluster still holding the old token then fails its dataflows. Rotate now "
            f"and update the clusters in the same run: {rotate}. (A rotation revokes the current "
            "token for every cluster of the sandbox.)"
        )
        report_violation(_scrubbed(resource.props, message), resource.urn)


def urn_stack(urn: str) -> str:
    """The stack name of a URN (``urn:pulumi:<stack>::<project>::...``)."""
    parts = urn.split("::", 1)[0].split(":")
    return parts[2] if len(parts) > 2 else "<stack>"


# --- policy objects -------------------------------------------------------------------------------

POLICIES: list[Policy] = [
    ResourceValidationPolicy(
        name="dataflow-schedule",
        description="A dataflow's schedule follows Adobe's rules (frequency, interval, "
        "backfill, UTC start time).",
        validate=validate_dataflow_schedule,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="dataflow-frequency",
        description="Dataflows in a sandbox run at most as often as the pack config allows.",
        validate=validate_dataflow_frequency,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(
            properties={
                "minimumPeriod": {
                    "type": "object",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "string", "enum": ["minute", "hour", "day", "week"]},
                            {"type": "integer", "minimum": 1},
                        ]
                    },
                    "default": DEFAULT_MINIMUM_PERIOD,
                }
            }
        ),
    ),
    ResourceValidationPolicy(
        name="dataflow-diagnostics",
        description="Dataflows in the configured sandboxes keep error diagnostics and set a "
        "partial-ingestion threshold.",
        validate=validate_dataflow_diagnostics,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(
            properties={
                "sandboxes": {"type": "array", "items": {"type": "string"}, "default": []},
                "maxPartialIngestionPercent": {"type": "integer", "minimum": 1,
                                               "maximum": MAX_PERCENT, "default": MAX_PERCENT},
            }
        ),
    ),
    StackValidationPolicy(
        name="dataflow-source-in-stack",
        description="Every dataflow's source connection is declared in the same stack.",
        validate=validate_dataflow_source_in_stack,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
    ),
    StackValidationPolicy(
        name="staging-credentials-expiry",
        description="Databricks staging credentials that expire soon are reported with the "
        "rotation command.",
        validate=validate_staging_credentials_expiry,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(
            properties={
                "days": {"type": "integer", "minimum": 0, "default": DEFAULT_EXPIRY_DAYS},
                "rotationCommand": {"type": "string", "default": DEFAULT_ROTATION_COMMAND},
            }
        ),
    ),
]
"""The ingestion-path policies, in the order the engine reports them."""
