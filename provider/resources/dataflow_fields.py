"""The dataflow's field tables: the resource's own (:data:`DATAFLOW`), its schedule and delta
column members, and the run shapes its outputs and ``aep:index:getDataflowRuns`` answer with.
Its API mapping is ``provider.resources.dataflow``; ``provider.fields`` re-exports these names
(old import path)."""

from __future__ import annotations

from provider.resources.fields import FLOW_ID_RULE as _FLOW_ID_RULE
from provider.resources.fields import Field, ResourceSpec
from provider.resources.fields import flow_outputs as _flow_outputs
from provider.resources.fields import named_fields as _named
from provider.resources.fields import sandbox_field as _sandbox

SCHEDULE_FIELDS = (
    Field("start_time", "startTime", None,
          "When the first run starts: UTC ISO-8601 (`2026-01-01T00:00:00Z`) or epoch seconds. "
          "Changing it replaces the dataflow.", required=True, replace=True,
          rule="UTC ISO-8601 or epoch seconds"),
    Field("frequency", "frequency", None, "`once`, `minute`, `hour`, `day` or `week`.",
          required=True, rule="once, minute, hour, day or week"),
    Field("interval", "interval", None, "Runs every `interval` frequency units.",
          type="integer", rule="required unless once; at least 15 for minute, 1 otherwise"),
    Field("backfill", "backfill", None, "Ingest the table's history on the first run "
          "(Adobe's default: true). Changing it replaces the dataflow.", type="boolean",
          replace=True, rule="true or false; not with once"),
)

DELTA_COLUMN_FIELDS = (
    Field("name", "name", None, "The column that orders changes, e.g. `updated_at`.",
          required=True, rule="a non-empty string"),
    Field("date_format", "dateFormat", None, "Its date format, e.g. `YYYY-MM-DD`.",
          rule="a non-empty string"),
    Field("timezone", "timezone", None, "Its time zone, e.g. `UTC`.", rule="a non-empty string"),
)

LAST_RUN_FIELDS = (
    Field("id", "id", None, "The run id (`python -m provider.runs` lists it).", required=True),
    Field("state", "state", None, "`success` or `failed`, as Flow Service reports it."),
    Field("started_at", "startedAt", None, "When it started (ISO-8601 UTC, milliseconds)."),
    Field("completed_at", "completedAt", None, "When it ended (ISO-8601 UTC, milliseconds)."),
)

RUN_ERROR_FIELDS = (
    Field("code", "code", None, "Adobe's error code, e.g. `CONNECTOR-2001-500`."),
    Field("message", "message", None, "The error's message (cleaned, at most 200 characters)."),
)

RUN_METRICS_FIELDS = (
    Field("run_id", "runId", None, "The run these figures are of.", required=True),
    Field("status", "status", None, "The run's status (`success`, `failed`...)."),
    Field("input_records", "inputRecords", None, "Records read.", type="integer"),
    Field("output_records", "outputRecords", None, "Records ingested.", type="integer"),
    Field("failed_records", "failedRecords", None, "Records rejected.", type="integer"),
    Field("duration_seconds", "durationSeconds", None, "Completed minus started, in seconds.",
          type="number"),
    Field("errors", "errors", None, "The run's first three errors.", type="array",
          items=RUN_ERROR_FIELDS, type_name="DataflowRunError"),
)

DATAFLOW = ResourceSpec(
    module="aep",
    name="Dataflow",
    description="A Flow Service dataflow bringing one source connection into one target "
                "connection on a schedule (flow spec `CRMToAEP` by default).",
    id_field="flow_id",
    fields=(
        *_named("dataflow"),
        Field("source_connection_id", "sourceConnectionId", "sourceConnectionIds",
              "The `DatabricksSourceConnection` id. Changing it replaces the dataflow.",
              required=True, replace=True, rule=_FLOW_ID_RULE),
        Field("target_connection_id", "targetConnectionId", "targetConnectionIds",
              "The `DataLakeTargetConnection` id. Changing it replaces the dataflow.",
              required=True, replace=True, rule=_FLOW_ID_RULE),
        Field("flow_spec_id", "flowSpecId", "flowSpec.id",
              "The flow spec, default `CRMToAEP` (`14518937-270c-4525-bdec-c2ba7cce3860`). "
              "Changing it replaces the dataflow.", replace=True, rule=_FLOW_ID_RULE,
              value_default="14518937-270c-4525-bdec-c2ba7cce3860"),
        Field("schedule", "schedule", "scheduleParams",
              "When it runs. `frequency` and `interval` update in place; `start_time` and "
              "`backfill` (and a change to or from `once`) replace the dataflow.",
              type="object", items=SCHEDULE_FIELDS, type_name="DataflowSchedule",
              required=True, rule="Adobe's schedule rules (see `schedule.*`)"),
        Field("delta_column", "deltaColumn", "transformations.Copy",
              "The column incremental runs order by. Changing it replaces the dataflow.",
              type="object", items=DELTA_COLUMN_FIELDS, type_name="DeltaColumn", replace=True,
              rule="`{name, date_format?, timezone?}`"),
        Field("mapping_set_id", "mappingSetId", "transformations.Mapping",
              "The `MappingSet` id (updates in place).", rule="32 hex digits"),
        Field("mapping_version", "mappingVersion", "transformations.Mapping",
              "The mapping set version (updates in place), e.g. the `MappingSet`'s `version`.",
              type="integer", rule="an integer, at least 0"),
        Field("enabled", "enabled", "state",
              "Whether it runs (default true); changed through Flow Service's enable/disable "
              "action. A dataflow disabled in the AEP UI shows as a change to undo.",
              type="boolean", rule="true or false", value_default=True),
        Field("partial_ingestion_percent", "partialIngestionPercent",
              "options.partialIngestionPercent",
              "Partial ingestion: the percentage of failed records a run may have before it is "
              "marked failed (unset: Adobe's default, no partial ingestion). Updates in place.",
              type="integer", rule="an integer from 1 to 100"),
        Field("error_diagnostics_enabled", "errorDiagnosticsEnabled",
              "options.errorDiagnosticsEnabled",
              "Keep row-level error diagnostics of each run (Adobe's default: false). Updates "
              "in place.", type="boolean", rule="true or false"),
        Field("run_metrics", "runMetrics", None,
              "Also read the last run's record counts, duration and first errors on refresh "
              "(`last_run_metrics`, `health`): one more request per refresh of a flow that has "
              "run (default false). No request to AEP when changed.",
              type="boolean", rule="true or false"),
        _sandbox("dataflow"),
        *_flow_outputs("dataflow", "flow_id", "flowId"),
        Field("state", "state", "state", "`enabled` or `disabled`, as Flow Service reports it.",
              input=False),
        Field("created_at", "createdAt", "createdAt",
              "When the dataflow was created (ISO-8601 UTC, to the second).", input=False),
        Field("updated_at", "updatedAt", "updatedAt",
              "When the dataflow was last changed (ISO-8601 UTC, to the second).", input=False),
        Field("last_run", "lastRun", "lastRunDetails",
              "The latest run as the flow reports it (no extra request), unset before the first "
              "run.", type="object", items=LAST_RUN_FIELDS, type_name="DataflowLastRun",
              input=False),
        Field("last_run_metrics", "lastRunMetrics", None,
              "With `run_metrics`: the latest run's records, duration and first errors "
              "(`GET /runs/{id}` on refresh).", type="object", items=RUN_METRICS_FIELDS,
              type_name="DataflowRunMetrics", input=False),
        Field("health", "health", None,
              "With `run_metrics`: `ok` (the last run succeeded, no failed record), `degraded` "
              "(it succeeded with failed records), `failed` (it failed) or `none` (no finished "
              "run to judge).", input=False),
    ),
)

DATAFLOW_RUN_FIELDS = (
    Field("id", "id", None, "The run id.", required=True),
    Field("flow_id", "flowId", None, "The dataflow it is a run of."),
    Field("status", "status", None, "`success` or `failed`, as Flow Service reports it."),
    Field("health", "health", None, "`ok`, `degraded` (succeeded with failed records), "
          "`failed` or `none` (not finished)."),
    Field("started_at", "startedAt", None, "When it started (ISO-8601 UTC, milliseconds)."),
    Field("completed_at", "completedAt", None, "When it ended (ISO-8601 UTC, milliseconds)."),
    Field("duration_seconds", "durationSeconds", None, "Completed minus started, in seconds.",
          type="number"),
    Field("input_records", "inputRecords", None, "Records read.", type="integer"),
    Field("output_records", "outputRecords", None, "Records ingested.", type="integer"),
    Field("failed_records", "failedRecords", None, "Records rejected.", type="integer"),
    Field("errors", "errors", None, "The run's first three errors.", type="array",
          items=RUN_ERROR_FIELDS, type_name="DataflowRunError"),
)
