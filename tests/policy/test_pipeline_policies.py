"""The ingestion-path policies, through their validators (no engine), and the schedule copy."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from provider import pipeline_rules

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"


def _load() -> ModuleType:
    """Import policy/pipeline_policies.py by path (the pack dir is not a package), with the pack
    dir on ``sys.path`` as the engine puts it, for its sibling ``_registry``."""
    if str(POLICY_DIR) not in sys.path:
        sys.path.insert(0, str(POLICY_DIR))
    spec = importlib.util.spec_from_file_location(
        "pipeline_policies", POLICY_DIR / "pipeline_policies.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pipeline_policies"] = module
    spec.loader.exec_module(module)
    return module


pp = _load()
BY_NAME: dict[str, Policy] = {p.name: p for p in pp.POLICIES}
DYNAMIC = "pulumi-python:dynamic/aep:"
NATIVE = "aep:index:"
START = "2027-01-15T08:00:00Z"
HOURLY = {"start_time": START, "frequency": "hour", "interval": 1}
SAS = "sv=2020-10-02&sr=c&sp=racwdlm&sig=SECRETSIGNATURE0123456789"


def urn_of(name: str, type_: str) -> str:
    """The URN the engine would give a resource of the prod stack."""
    return f"urn:pulumi:prod::aep-connections::{type_}::{name}"


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def flow_args(
    props: Mapping[str, Any], *, type_: str = DYNAMIC + "Dataflow",
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    """Validation args for a dataflow with ``props``."""
    return ResourceValidationArgs(
        type_, unknown_checking_proxy(dict(props)), urn_of("orders", type_), "orders", _opts(),
        None, config,
    )


def resource(name: str, type_: str, props: Mapping[str, Any]) -> PolicyResource:
    """A PolicyResource as AnalyzeStack builds it (outputs)."""
    return PolicyResource(
        type_, unknown_checking_proxy(dict(props)), urn_of(name, type_), name, _opts(), None,
        None, [], {},
    )


def run(policy: str, args: ResourceValidationArgs | StackValidationArgs) -> list[str]:
    """Run one policy and return its violation messages."""
    messages: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        messages.append(message)

    chosen = BY_NAME[policy]
    assert isinstance(chosen, (ResourceValidationPolicy, StackValidationPolicy))
    assert chosen.validate(args, report) is None  # type: ignore[arg-type]
    return messages


def stack(*resources: PolicyResource, config: Mapping[str, Any] | None = None) -> Any:
    """StackValidationArgs over ``resources``."""
    return StackValidationArgs(list(resources), config)


# --- the pack's metadata ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "level", "keys"),
    [
        ("dataflow-schedule", ResourceValidationPolicy, EnforcementLevel.MANDATORY, set()),
        ("dataflow-frequency", ResourceValidationPolicy, EnforcementLevel.MANDATORY,
         {"minimumPeriod"}),
        ("dataflow-diagnostics", ResourceValidationPolicy, EnforcementLevel.MANDATORY,
         {"sandboxes", "maxPartialIngestionPercent"}),
        ("dataflow-source-in-stack", StackValidationPolicy, EnforcementLevel.MANDATORY, set()),
        ("staging-credentials-expiry", StackValidationPolicy, EnforcementLevel.ADVISORY,
         {"days", "rotationCommand"}),
    ],
)
def test_metadata(name: str, kind: type, level: EnforcementLevel, keys: set[str]) -> None:
    """Each ingestion-path policy has its documented kind, level and config keys."""
    policy = BY_NAME[name]
    assert isinstance(policy, kind)
    assert policy.enforcement_level is level
    assert (set(policy.config_schema.properties) if policy.config_schema else set()) == keys


# --- the schedule copy is the provider's rule -----------------------------------------------------

CORPUS: list[Any] = [
    HOURLY, {**HOURLY, "interval": 0}, {**HOURLY, "interval": 1.0}, {**HOURLY, "interval": "1"},
    {**HOURLY, "interval": True}, {"start_time": START, "frequency": "once"},
    {"start_time": START, "frequency": "once", "backfill": True},
    {"start_time": START, "frequency": "once", "interval": "x"},
    {"startTime": 1_800_000_000, "frequency": "minute", "interval": 14},
    {"startTime": -1, "frequency": "minute", "interval": 15, "backfill": "no"},
    {"start_time": "2027-01-15T08:00:00+01:00", "frequency": "week"},
    {"start_time": "2027-01-15T08:00:00", "frequency": "day", "interval": 2},
    {"frequency": "fortnightly"}, {"cron": "*", "start_time": START, "frequency": "day",
                                   "interval": 1},
    {}, None, "hourly", [HOURLY],
    {**HOURLY, "start_time": "9" * 5000}, {**HOURLY, "start_time": "\u00b2"},
    {**HOURLY, "start_time": 10 ** 30}, {**HOURLY, "frequency": ["hour"]},
]


@pytest.mark.parametrize("schedule", CORPUS)
def test_schedule_copy_equals_the_provider_rule(schedule: Any) -> None:
    """The pack's copy gives exactly the provider's failures, period and start time."""
    assert pp.schedule_problems(schedule) == pipeline_rules.schedule_problems(schedule)
    if isinstance(schedule, dict):
        frequency, interval = schedule.get("frequency"), schedule.get("interval")
        assert pp.schedule_period_seconds(frequency, interval) == (
            pipeline_rules.schedule_period_seconds(frequency, interval))
        start = schedule.get("start_time", schedule.get("startTime"))
        assert pp.start_time_epoch(start) == pipeline_rules.start_time_epoch(start)


def test_copied_constants_equal_the_providers() -> None:
    """Frequencies, least intervals and periods are the provider's."""
    assert pp.FREQUENCIES == pipeline_rules.FREQUENCIES
    assert pp.MIN_INTERVAL == pipeline_rules.MIN_INTERVAL
    assert pp.PERIOD_SECONDS == pipeline_rules.PERIOD_SECONDS
    assert pp.SCHEDULE_KEYS == pipeline_rules.SCHEDULE_KEYS


# --- dataflow-schedule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "props", "violations"),
    [
        (DYNAMIC + "Dataflow", {"schedule": HOURLY}, 0),
        (NATIVE + "Dataflow", {"schedule": {"startTime": START, "frequency": "hour",
                                            "interval": 1.0}}, 0),
        (DYNAMIC + "Dataflow", {"schedule": {**HOURLY, "interval": 0}}, 1),
        (NATIVE + "Dataflow", {"schedule": {"startTime": START, "frequency": "minute",
                                            "interval": 5.0}}, 1),
        (DYNAMIC + "Dataflow", {"schedule": {"frequency": "once", "backfill": True}}, 2),
        (DYNAMIC + "Dataflow", {}, 1),
        (DYNAMIC + "MappingSet", {"schedule": {"frequency": "never"}}, 0),
        ("aws:s3/bucket:Bucket", {"schedule": "x"}, 0),
    ],
)
def test_dataflow_schedule(type_: str, props: dict[str, Any], violations: int) -> None:
    """Dataflows of either front door are checked; other types pass silently."""
    messages = run("dataflow-schedule", flow_args(props, type_=type_))
    assert len(messages) == violations
    assert all(m.startswith('[dataflow-schedule] Dataflow "orders": schedule') for m in messages)
    assert all("Fix:" in m for m in messages)


def test_dataflow_schedule_unknown_in_preview_propagates() -> None:
    """An unknown schedule raises UnknownValueError (the framework's advisory note)."""
    with pytest.raises(UnknownValueError):
        run("dataflow-schedule", flow_args({"schedule": UNKNOWN_STRING_VALUE}))


# --- dataflow-frequency ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sandbox", "schedule", "config", "violates"),
    [
        ("prod", HOURLY, None, False),
        ("prod", {"start_time": START, "frequency": "minute", "interval": 30}, None, True),
        ("PROD", {"start_time": START, "frequency": "minute", "interval": 30}, None, True),
        ("dev", {"start_time": START, "frequency": "minute", "interval": 15}, None, False),
        ("prod", {"start_time": START, "frequency": "once"}, None, False),
        ("prod", {"start_time": START, "frequency": "minute", "interval": 60}, None, False),
        ("prod", HOURLY, {"minimumPeriod": {"prod": "day"}}, True),
        ("prod", {"start_time": START, "frequency": "hour", "interval": 6},
         {"minimumPeriod": {"prod": 21600}}, False),
        ("stage", {"start_time": START, "frequency": "minute", "interval": 15},
         {"minimumPeriod": {"stage": "hour"}}, True),
        (None, {"start_time": START, "frequency": "minute", "interval": 15}, None, True),
    ],
)
def test_dataflow_frequency(
    sandbox: str | None, schedule: dict[str, Any], config: dict[str, Any] | None, violates: bool
) -> None:
    """Runs more often than the sandbox's minimum period are violations (no sandbox = prod)."""
    props = {"schedule": schedule, **({"sandbox_name": sandbox} if sandbox else {})}
    messages = run("dataflow-frequency", flow_args(props, config=config))
    assert bool(messages) == violates
    if violates:
        assert "[dataflow-frequency]" in messages[0]
        assert "Fix:" in messages[0]


def test_dataflow_frequency_message_names_both_periods() -> None:
    """The message says how often it runs, the limit, and a schedule that passes."""
    props = {"sandbox_name": "prod",
             "schedule": {"start_time": START, "frequency": "minute", "interval": 30}}
    (message,) = run("dataflow-frequency", flow_args(props))
    assert "every 30 minutes" in message
    assert "every hour at most" in message
    assert '"hour", interval 1' in message


def test_dataflow_frequency_bad_config_falls_back_and_says_so() -> None:
    """A malformed minimumPeriod is reported and the default applies."""
    props = {"sandbox_name": "prod",
             "schedule": {"start_time": START, "frequency": "minute", "interval": 15}}
    messages = run("dataflow-frequency",
                   flow_args(props, config={"minimumPeriod": {"prod": "fortnight"}}))
    assert len(messages) == 2
    assert "minimumPeriod" in messages[0]


# --- dataflow-source-in-stack ---------------------------------------------------------------------


def test_source_in_stack_passes_when_wired() -> None:
    """A dataflow reading a source connection of the stack passes, in either spelling."""
    assert run("dataflow-source-in-stack", stack(
        resource("src", DYNAMIC + "DatabricksSourceConnection",
                 {"source_connection_id": "sc-1"}),
        resource("flow", DYNAMIC + "Dataflow", {"source_connection_id": "sc-1"}),
        resource("src2", NATIVE + "DatabricksSourceConnection", {"sourceConnectionId": "sc-2"}),
        resource("flow2", NATIVE + "Dataflow", {"sourceConnectionId": "sc-2"}),
    )) == []


def test_source_in_stack_reports_a_foreign_source() -> None:
    """A dataflow naming a source connection declared elsewhere is reported on its URN."""
    messages: list[tuple[str, str | None]] = []
    policy = BY_NAME["dataflow-source-in-stack"]
    assert isinstance(policy, StackValidationPolicy)
    policy.validate(stack(
        resource("src", DYNAMIC + "DatabricksSourceConnection",
                 {"source_connection_id": "sc-1"}),
        resource("flow", DYNAMIC + "Dataflow", {"source_connection_id": "sc-other"}),
    ), lambda m, u=None: messages.append((m, u)))  # type: ignore[misc]
    ((message, urn),) = messages
    assert urn == urn_of("flow", DYNAMIC + "Dataflow")
    assert "source_connection_id" in message
    assert "sc-other" not in message
    assert "Fix:" in message


def test_source_in_stack_skips_unknown_ids() -> None:
    """A dataflow whose source id is unknown (being created) is skipped in preview."""
    assert run("dataflow-source-in-stack", stack(
        resource("flow", DYNAMIC + "Dataflow", {"source_connection_id": UNKNOWN_STRING_VALUE}),
    )) == []


# --- staging-credentials-expiry -------------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Today is 2026-12-01 for the expiry rule."""
    day = date(2026, 12, 1)
    monkeypatch.setattr(pp, "today", lambda: day)
    return day


def creds(expiry: object, sandbox: str = "prod") -> PolicyResource:
    """Staging credential outputs with a SAS token."""
    return resource("staging", DYNAMIC + "DatabricksStagingCredentials", {
        "expiry_date": expiry, "sandbox_name": sandbox, "sas_token": SAS,
        "sas_uri": f"https://acct.blob.core.windows.net/c?{SAS}",
        "spark_conf": {"fs.azure.sas.c.acct.blob.core.windows.net": SAS},
    })


@pytest.mark.parametrize(
    ("expiry", "config", "snippet"),
    [
        ("2026-12-05", None, "expires on 2026-12-05 (in 4 days)"),
        ("2026-12-08", None, "expires on 2026-12-08 (in 7 days)"),
        ("2026-12-09", None, None),
        ("2026-11-30", None, "expired on 2026-11-30"),
        ("2026-12-20", {"days": 30}, "in 19 days"),
        ("2026-12-02", {"days": 0}, None),
        ("not a date", None, None),
    ],
)
def test_staging_expiry(
    fixed_today: date, expiry: str, config: dict[str, Any] | None, snippet: str | None
) -> None:
    """Credentials expiring within the window are reported with the rotation command."""
    messages = run("staging-credentials-expiry", stack(creds(expiry), config=config))
    if snippet is None:
        assert messages == []
        return
    (message,) = messages
    assert snippet in message
    assert "pulumi up --stack prod" in message
    assert "revokes" in message
    assert SAS not in message


def test_staging_expiry_native_spelling_and_custom_command(fixed_today: date) -> None:
    """The native token and camelCase outputs work; the command template is filled in."""
    native = resource("staging", NATIVE + "DatabricksStagingCredentials",
                      {"expiryDate": "2026-12-02", "sandboxName": "dev"})
    (message,) = run("staging-credentials-expiry", stack(
        native, config={"rotationCommand": "make rotate SANDBOX={sandbox} STACK={stack}"}))
    assert "make rotate SANDBOX=dev STACK=prod" in message


def test_staging_expiry_never_shows_the_token(fixed_today: date) -> None:
    """Even a command template that would echo the token is scrubbed."""
    (message,) = run("staging-credentials-expiry", stack(
        creds("2026-12-02"), config={"rotationCommand": f"echo {SAS}"}))
    assert SAS not in message
    assert "****" in message


def test_staging_expiry_skips_unknown_outputs(fixed_today: date) -> None:
    """An expiry still unknown in preview is skipped."""
    assert run("staging-credentials-expiry", stack(creds(UNKNOWN_STRING_VALUE))) == []


# --- dataflow-diagnostics -------------------------------------------------------------------------

GUARDED = {"sandboxes": ["Prod"], "maxPartialIngestionPercent": 10}


@pytest.mark.parametrize(("type_", "props", "config", "wrong"), [
    (DYNAMIC + "Dataflow", {"sandbox_name": "prod", "error_diagnostics_enabled": True,
                            "partial_ingestion_percent": 5}, GUARDED, []),
    (NATIVE + "Dataflow", {"sandboxName": "prod", "errorDiagnosticsEnabled": True,
                           "partialIngestionPercent": 10}, GUARDED, []),
    (DYNAMIC + "Dataflow", {"sandbox_name": "prod"}, GUARDED,
     ["error_diagnostics_enabled is not true", "partial_ingestion_percent is not a threshold"]),
    (NATIVE + "Dataflow", {"sandboxName": "prod", "errorDiagnosticsEnabled": False,
                           "partialIngestionPercent": 11}, GUARDED,
     ["errorDiagnosticsEnabled is not true", "partialIngestionPercent is not a threshold "
                                             "from 1 to 10"]),
    (DYNAMIC + "Dataflow", {"sandbox_name": "dev"}, GUARDED, []),
    (DYNAMIC + "Dataflow", {"sandbox_name": "prod"}, None, []),
    (DYNAMIC + "Dataflow", {"error_diagnostics_enabled": True}, {"sandboxes": ["prod"]},
     ["partial_ingestion_percent is not a threshold from 1 to 100"]),
    (DYNAMIC + "MappingSet", {"sandbox_name": "prod"}, GUARDED, []),
])
def test_dataflow_diagnostics(type_: str, props: dict[str, Any],
                              config: Mapping[str, Any] | None, wrong: list[str]) -> None:
    """In a configured sandbox (any case; none by default; an unset sandbox is prod) a dataflow
    needs diagnostics on and a threshold up to the configured most, named in its door's
    spelling; other sandboxes and types are not judged."""
    messages = run("dataflow-diagnostics", flow_args(props, type_=type_, config=config))
    if not wrong:
        assert messages == []
        return
    (message,) = messages
    for part in wrong:
        assert part in message
    assert " 11" not in message  # the value itself is never echoed
    assert "Fix: set" in message
    other = "errorDiagnosticsEnabled" if type_.startswith(DYNAMIC) else "error_diagnostics_enabled"
    assert other not in message


def test_dataflow_diagnostics_skips_unknowns_in_preview() -> None:
    """A value not known at preview is judged at update, not reported now."""
    props = {"sandbox_name": "prod", "error_diagnostics_enabled": UNKNOWN_STRING_VALUE}
    assert run("dataflow-diagnostics", flow_args(props, config=GUARDED)) == []
