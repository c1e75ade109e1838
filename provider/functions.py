"""The plugin's functions (``Invoke``), each listed once in :data:`FUNCTIONS`: its table (a
``ResourceSpec`` whose inputs are the arguments and whose outputs are the answer, from
``provider.fields``), its check and its call, over plain state-named values.

``aep:index:getDataflowRuns`` is ``provider.runs.list_runs``: one ``GET /runs`` per call. The
engine invokes a function whenever the program runs, so a program that calls it sends that
request at preview too; a program that does not call it sends nothing. Python programs call
``provider.get_dataflow_runs`` (``provider.runs``) instead.

Pure of Pulumi: ``provider.native`` adapts the wire; ``provider.schema`` writes the schema's
``functions`` section from :data:`FUNCTIONS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provider import advice, pipeline_rules, runs, runs_model, validation
from provider.errors import AepError, ConfigurationError, UnexpectedAnswerError
from provider.fields import DATAFLOW, DATAFLOW_RUN_FIELDS, Field, ResourceSpec
from provider.validation import Failure

if TYPE_CHECKING:
    from provider.lifecycle import Lifecycle

Props = Mapping[str, Any]


def _rule(state: str) -> str:
    """The rule in words of the dataflow's field ``state`` (one sentence, one place)."""
    return DATAFLOW.by_state(state).rule  # type: ignore[union-attr]


# A function's table has a resource's shape: its arguments are the inputs, its answer the
# outputs (``provider.resources`` registers resources only).
GET_DATAFLOW_RUNS = ResourceSpec(
    module="aep",
    name="getDataflowRuns",
    description="A dataflow's latest runs, newest first (one `GET /runs?property=flowId==<id>`,"
                " at preview too): when each ran, how it ended, its records and first errors.",
    id_field="runs",
    fields=(
        Field("flow_id", "flowId", None, "The dataflow id (a `Dataflow`'s `flow_id`).",
              required=True, rule=_rule("flow_spec_id")),
        Field("limit", "limit", None, "How many runs, newest first (default 10).",
              type="integer", rule=f"an integer from 1 to {runs.MAX_LIMIT}", value_default=10),
        Field("sandbox_name", "sandboxName", None,
              "The sandbox of the dataflow; defaults to the provider's `aep:sandboxName`.",
              default="aep:sandboxName", rule=_rule("sandbox_name")),
        Field("runs", "runs", None, "The runs, newest first.", type="array",
              items=DATAFLOW_RUN_FIELDS, type_name="DataflowRun", input=False),
    ),
)


@dataclasses.dataclass(frozen=True)
class Function:
    """One function: its table, its argument check (no network) and its call."""

    spec: ResourceSpec
    check: Callable[[dict[str, Any], str | None], list[Failure]]
    call: Callable[[Lifecycle, Props], dict[str, Any]]

    @property
    def token(self) -> str:
        """``aep:index:getDataflowRuns``."""
        return self.spec.token

    def with_defaults(self, args: Props) -> dict[str, Any]:
        """``args`` with the table's value defaults filled in."""
        return {**{f.state: f.value_default for f in self.spec.inputs
                   if f.value_default is not None}, **{k: v for k, v in args.items()
                                                       if v is not None}}


def _limit(value: object) -> str | None:
    number = pipeline_rules.as_integer(value)
    return None if number is not None and 1 <= number <= runs.MAX_LIMIT else (
        f"limit must be an integer from 1 to {runs.MAX_LIMIT}, got {value!r}")


def _check_runs(args: dict[str, Any], default_sandbox: str | None) -> list[Failure]:
    rules = {"flow_id": lambda v: pipeline_rules.flow_object_id_problem(v, "flow_id"),
             "limit": _limit, "sandbox_name": validation.sandbox_problem}
    failures = validation.check_props(args, rules, ("flow_id",), lambda _v: False)
    if not (args.get("sandbox_name") or default_sandbox):
        failures.append(("sandbox_name", advice.no_sandbox()))
    return failures


def _get_dataflow_runs(core: Lifecycle, args: Props) -> dict[str, Any]:
    if core.configure_error is not None:
        raise core.configure_error
    if core.client is None:
        raise ConfigurationError("the AEP provider was not configured: the engine did not send "
                                 "the stack config (Configure) before this call")
    sandbox = str(args.get("sandbox_name") or core.default_sandbox)
    flow_id = str(args["flow_id"])
    context = (f"{GET_DATAFLOW_RUNS.token} for dataflow {flow_id} in sandbox {sandbox!r} "
               "failed")
    try:
        found = runs.list_runs(core.client, sandbox, flow_id, int(args["limit"]))
    except AepError as error:
        raise error.with_context(context) from None
    except runs_model.RunAnswerError as error:
        raise UnexpectedAnswerError(
            "GET", runs.RUNS_PATH, 200,
            f"{context}: the answer is not in the shape Flow Service documents ({error})",
        ) from None
    return {"runs": [runs_model.run_record(run) for run in found]}


FUNCTIONS = (Function(GET_DATAFLOW_RUNS, _check_runs, _get_dataflow_runs),)


def by_token(token: str) -> Function | None:
    """The function ``token`` names, or None."""
    return next((f for f in FUNCTIONS if f.token == token), None)
