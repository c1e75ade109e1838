"""``Dataflow``: its API mapping (a ``lifecycle.ResourceApi`` over Flow Service ``/flows``).

PATCH name, description, frequency, interval, mapping and ``options`` (partial ingestion,
error diagnostics: ``add /options`` as Adobe's partial-ingestion guide does) with ``If-Match``;
``enabled`` through
``POST /flows/{id}/action?op=enable|disable`` after any PATCH (a create with ``enabled: false``
disables the new flow at once); replace on everything else (the field table's replace flags,
nested schedule members included). The bodies and read-backs are in
``provider.resources.dataflow_json``, the field tables in ``provider.resources.dataflow_fields``,
the check rules in ``provider.pipeline_rules``.

Run health: ``last_run`` comes from the flow item's ``lastRunDetails`` (no extra request); with
``run_metrics`` a refresh also reads that run (``GET /runs/{id}``, ``provider.runs.read_run``)
for ``last_run_metrics`` and ``health`` (``provider.runs_model``). These outputs never take part
in a diff: only inputs do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from provider import advice, endpoints, pipeline_rules, runs, runs_model, validation
from provider.errors import AepError, NotFoundError, UnexpectedAnswerError
from provider.resources import dataflow_json
from provider.resources.base import (
    NAMED_RULES,
    SANDBOX_RULES,
    WARNING,
    Changes,
    EntityApi,
    IsUnknown,
    Props,
    keyed,
    with_identity,
)
from provider.resources.base_connection import iso_time
from provider.resources.dataflow_fields import DATAFLOW
from provider.resources.dataflow_json import FLOW_REPLACE_FIELDS, FLOW_UPDATE_FIELDS
from provider.resources.mapping_set import MappingSetApi
from provider.resources.target_connection import TargetConnectionApi
from provider.validation import Failure

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

_DISABLE = "_disable"
# Outputs about runs: kept through an update (an update does not run the flow).
RUN_OUTPUTS = ("last_run", "last_run_metrics", "health")
# Partial ingestion's bounds: the flow spec's optionSpec says exclusiveMinimum 0, and it is a
# percentage (experienceleague.adobe.com/en/docs/experience-platform/ingestion/batch/partial).
PERCENT_RANGE = (1, 100)


def _flow_read(item: Props, prior: Props) -> dict[str, Any]:
    # A create body has no state, and the identity does not include ``enabled``.
    return dataflow_json.flow_inputs({**item, "state": "enabled"}, prior)


def _flow_defaults(values: dict[str, Any]) -> dict[str, Any]:
    # An unset backfill is Adobe's true (see dataflow_json.same_schedule); a run-once flow
    # has none.
    schedule = dict(values.get("schedule") or {})
    if schedule.get("frequency") == "once":
        schedule.pop("backfill", None)
    elif schedule.get("backfill") is None:
        schedule["backfill"] = True
    return {**values, "schedule": schedule,
            "flow_spec_id": values.get("flow_spec_id") or dataflow_json.CRM_TO_AEP_FLOW_SPEC_ID}


def _mapping_version(value: object) -> str | None:
    number = pipeline_rules.as_integer(value)
    return None if number is not None and number >= 0 else (
        "mapping_version must be an integer, at least 0")


# The flow's ``options`` (the flow spec's ``optionSpec``), by state name.
FLOW_OPTIONS = {"partial_ingestion_percent": "partialIngestionPercent",
                "error_diagnostics_enabled": "errorDiagnosticsEnabled"}


def flow_options(props: Props) -> dict[str, Any] | None:
    """The flow's ``options`` (partial ingestion threshold, error diagnostics), None if unset."""
    return {api: props[state] for state, api in FLOW_OPTIONS.items()
            if props.get(state) is not None} or None


def options_inputs(item: Props) -> dict[str, Any]:
    """The options a live flow shows, by state name (absent ones left out)."""
    options, found = item.get("options") or {}, {}
    for state, api in FLOW_OPTIONS.items():
        value = options.get(api)
        # Adobe's guide patches the threshold as a string ("10") and reads back a number.
        number = (validation.decimal_int(value) if isinstance(value, str)
                  else pipeline_rules.as_integer(value))
        if value is not None:
            found[state] = value if number is None else number
    return found


def _percent(value: object) -> str | None:
    number = pipeline_rules.as_integer(value)
    low, high = PERCENT_RANGE
    return None if number is not None and low <= number <= high else (
        f"partial_ingestion_percent must be an integer from {low} to {high}")


# A flow as Flow Service makes it: enabled (a create kept after a later step failed, a disable
# after create that failed), so the next ``pulumi up`` disables one declared ``enabled: false``.
AS_MADE = {"state": "enabled", "enabled": True}


class DataflowApi(EntityApi):
    """``Dataflow``: PATCH name/description/frequency/interval/mapping with ``If-Match``,
    enable/disable through the action, replace on the rest."""

    SPEC = DATAFLOW
    NOUN = "dataflow"
    SCHEMA_LINKS = (("target_connection_id", TargetConnectionApi.NOUN),
                    ("mapping_set_id", MappingSetApi.NOUN))
    COLL = with_identity(endpoints.FLOWS, DATAFLOW, _flow_read, _flow_defaults)
    REPLACE = FLOW_REPLACE_FIELDS
    CHANGING_OUTPUTS: tuple[str, ...] = ("etag", "updated_at", "state")
    # Required of a new dataflow only (Adobe's database-source tutorials): one made by 0.1.0
    # without them keeps working, with a warning at preview (``Lifecycle.check``).
    REQUIRED_NEW: tuple[str, ...] = ("delta_column", "mapping_set_id")
    AS_MADE = AS_MADE  # the outputs of a flow kept after a create's later step failed
    RULES = {
        **NAMED_RULES,
        "source_connection_id": keyed(pipeline_rules.flow_object_id_problem,
                                       "source_connection_id"),
        "target_connection_id": keyed(pipeline_rules.flow_object_id_problem,
                                       "target_connection_id"),
        "flow_spec_id": keyed(pipeline_rules.flow_object_id_problem, "flow_spec_id"),
        "schedule": pipeline_rules.schedule_problems,
        "delta_column": pipeline_rules.delta_column_problems,
        "mapping_set_id": keyed(pipeline_rules.mapping_set_id_problem, "mapping_set_id"),
        "mapping_version": _mapping_version,
        "enabled": validation.boolean_rule("enabled"),
        "partial_ingestion_percent": _percent,
        "error_diagnostics_enabled": validation.boolean_rule("error_diagnostics_enabled"),
        "run_metrics": validation.boolean_rule("run_metrics"),
        **SANDBOX_RULES,
    }

    def check_inputs(self, props: Props, is_unknown: IsUnknown) -> list[Failure]:
        """The table's rules, and a mapping version only with a mapping set."""
        failures = super().check_inputs(props, is_unknown)
        if props.get("mapping_version") is not None and props.get("mapping_set_id") is None:
            failures.append(("mapping_version", "mapping_version needs mapping_set_id"))
        return failures

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /flows`` (CRMToAEP unless told otherwise); ``_disable`` (never sent) when the
        flow is declared disabled."""
        body = dataflow_json.flow_body(props)
        if flow_options(props):
            body["options"] = flow_options(props)
        if props.get("enabled") is False:
            body[_DISABLE] = True
        return body

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Everything the flow shows; ``enabled`` from its state."""
        return {**dataflow_json.flow_inputs(item, prior), **options_inputs(item)}

    def outputs(self, inputs: Props, *, id_: str, etag: str, state: str | None,
                created_ms: int | None, updated_ms: int | None) -> dict[str, Any]:
        """Inputs, id, etag, state and times."""
        return {**self.inputs_of(inputs), "flow_id": id_, "etag": etag, "state": state,
                "created_at": iso_time(created_ms), "updated_at": iso_time(updated_ms)}

    def from_api(self, item: Props, prior: Props) -> tuple[dict[str, Any], dict[str, Any]]:
        """As for every entity; while the live etag is the one in state, the times in state
        are kept (they came from the answer's Date header, which may be a second off)."""
        outs, inputs = super().from_api(item, prior)
        if prior.get("etag") and prior.get("etag") == outs.get("etag"):
            for key in ("created_at", "updated_at"):
                if prior.get(key):
                    outs[key] = prior[key]
        outs["last_run"] = runs_model.last_run(item)
        return outs, inputs

    def read_more(self, client: FlowServiceClient, sandbox: str,
                  outs: Props) -> dict[str, Any]:
        """With ``run_metrics``: the last run's figures and ``health`` (one ``GET /runs/{id}``,
        none before the first run). A run Flow Service no longer has judges as ``none``."""
        if not outs.get("run_metrics"):
            return {}
        run_id = (outs.get("last_run") or {}).get("id")
        if run_id is None:
            return {"last_run_metrics": None, "health": runs_model.health(None)}
        try:
            run = runs.read_run(client, sandbox, run_id)
        except NotFoundError:
            run = None
        except runs_model.RunAnswerError as error:
            raise UnexpectedAnswerError(
                "GET", f"{runs.RUNS_PATH}/{run_id}", 200,
                f"run {run_id} is not in the shape Flow Service documents ({error}); nothing "
                "was changed") from None
        return {"last_run_metrics": runs_model.run_metrics(run), "health": runs_model.health(run)}

    def changes(self, olds: Props, news: Props, is_unknown: IsUnknown) -> tuple[set[str], bool]:
        """As :meth:`_flow_changes`, and ``run_metrics`` (the provider's own: no request)."""
        changed, replace = self._flow_changes(olds, news, is_unknown)
        if bool(olds.get("run_metrics")) != bool(news.get("run_metrics")) \
                or is_unknown(news.get("run_metrics")):
            changed.add("run_metrics")
        return changed, replace

    def _flow_changes(self, olds: Props, news: Props,
                      is_unknown: IsUnknown) -> tuple[set[str], bool]:
        """The schedule's parts count as ``schedule``; an unknown source, target or spec
        replaces, an unknown schedule updates."""
        unknown = {f for f in self.INPUT_FIELDS if is_unknown(news.get(f))}
        known_news = {k: (olds.get(k) if k in unknown else v) for k, v in news.items()}
        found, replace = dataflow_json.flow_changes(olds, known_news)
        parts = {"start_time", "frequency", "interval", "backfill"}
        changed = (found - parts) | ({"schedule"} if found & parts else set()) | unknown
        return changed, replace or bool(unknown & set(self.REPLACE))

    def diff_props(self, olds: Props, news: Props, is_unknown: IsUnknown) -> Changes:
        """As for every entity, with the schedule replacing when its replace-only parts do."""
        changed, replace = self.changes(olds, news, is_unknown)
        ordered = tuple(f for f in self.INPUT_FIELDS if f in changed)
        if not replace:
            return Changes(changed=ordered, replaces=())
        updates = set(FLOW_UPDATE_FIELDS) | {"enabled", "run_metrics"}
        replaces = tuple(f for f in ordered if f not in updates) or ordered
        return Changes(changed=ordered, replaces=replaces)

    def patch_ops(self, olds: Props, news: Props) -> list[dict[str, Any]]:
        """Name, description, frequency, interval, mapping; ``options`` whole (Adobe's
        partial-ingestion guide: ``add /options``, which replaces a member already there)."""
        ops = dataflow_json.flow_patch_ops(olds, news)
        old_options, new_options = flow_options(olds), flow_options(news)
        if old_options != new_options:
            ops.append({"op": "remove", "path": "/options"} if new_options is None
                       else {"op": "add", "path": "/options", "value": new_options})
        return ops

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """POST the flow (enabled, as Flow Service makes it), then disable it if so declared."""
        disable = bool(body.pop(_DISABLE, False))
        created = client.create(self.COLL, sandbox, body)
        return (disable_after_create(client, sandbox, created, body.get("name")) if disable
                else created)

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """PATCH the in-place changes, then enable or disable when ``enabled`` differs from
        the state in state. The run outputs in state stay (an update runs nothing)."""
        from provider.client import Patched

        patched = super().update(client, sandbox, id_, etag, olds, news, applied)
        if patched is not None:
            etag = patched.etag
        want = "enabled" if news.get("enabled", True) else "disabled"
        if olds.get("state") != want or olds.get("enabled", True) != news.get("enabled", True):
            acted = client.action(self.COLL, sandbox, id_,
                                  "enable" if want == "enabled" else "disable", etag,
                                  applied=lambda item: item.get("state") == want)
            patched = Patched(acted.etag, acted.date_ms, {"state": want})
        if patched is not None:
            patched.extra.update({k: olds[k] for k in RUN_OUTPUTS if olds.get(k) is not None})
        return patched


def disable_after_create(client: FlowServiceClient, sandbox: str, created: Created,
                         name: object = None) -> Created:
    """Disable a flow just created with ``enabled: false``. If that fails the flow stays
    (enabled, so the next ``pulumi up`` disables it) rather than be orphaned by an error, and
    ``extra[WARNING]`` says so (the core reports it: the declared state was not reached)."""
    from provider.client import Created as Made

    try:
        acted = client.action(endpoints.FLOWS, sandbox, created.id, "disable", created.etag,
                              applied=lambda item: item.get("state") == "disabled")
    except AepError as error:  # an API error, or IMS failing on the token refresh
        return Made(created.id, created.etag, created.date_ms, {
            **AS_MADE, WARNING: advice.state_not_reached(
                "dataflow", name, created.id, "disabled", "enabled",
                f"disabling it failed ({error})")})
    return Made(created.id, acted.etag, created.date_ms, {"state": "disabled"})


DATAFLOW_API = DataflowApi()
