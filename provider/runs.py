"""A dataflow's runs: ``python -m provider.runs`` and :func:`get_dataflow_runs`.

    python -m provider.runs --flow-id ID [--limit N] [--sandbox NAME] [--json]

Reads the same ``AEP_*`` settings as ``python -m provider.explore`` and fails the same way (one
line on stderr, exit status 1, never a traceback or a secret). Prints a table (start, duration,
status, records in/out/failed, first error) newest first, or JSON with ``--json``.

Costs one request (``GET /runs?property=flowId==ID&orderby=-createdAt&limit=N``) plus the IMS
token. Parsing and rendering live in ``provider.runs_model``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence

from provider import cli, runs_model
from provider.client import FlowServiceClient
from provider.endpoints import FLOW_SERVICE, item_id_problem
from provider.errors import ConfigurationError
from provider.lifecycle import client_for
from provider.runs_model import RunAnswerError, RunSummary
from provider.settings import ProviderSettings

__all__ = ["MAX_LIMIT", "get_dataflow_runs", "list_runs", "main", "read_run"]

MAX_LIMIT = 100
RUNS_PATH = "/runs"


def list_runs(client: FlowServiceClient, sandbox: str, flow_id: str,
              limit: int = 10) -> list[RunSummary]:
    """The flow's latest ``limit`` runs, newest first: one request."""
    problem = item_id_problem(flow_id)
    if problem:
        raise ConfigurationError(f"flow id {flow_id!r} {problem}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ConfigurationError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    answer = client.request_json(
        "GET", FLOW_SERVICE, RUNS_PATH, sandbox,
        params=[("property", f"flowId=={flow_id}"), ("orderby", "-createdAt"),
                ("limit", str(limit))])
    runs = runs_model.parse_runs(answer)
    return sorted(runs, key=lambda r: r.started_ms or 0, reverse=True)[:limit]


def read_run(client: FlowServiceClient, sandbox: str, run_id: str) -> RunSummary:
    """One run by id (``GET /runs/{id}``): one request."""
    problem = item_id_problem(run_id)
    if problem:
        raise RunAnswerError(f"the flow's last run id {run_id!r} {problem}")
    answer = client.request_json("GET", FLOW_SERVICE, f"{RUNS_PATH}/{run_id}", sandbox)
    return runs_model.parse_run(answer)


def get_dataflow_runs(flow_id: str, *, limit: int = 10, sandbox: str | None = None,
                      environ: Mapping[str, str] | None = None) -> list[RunSummary]:
    """The flow's latest runs, for scripts: settings from ``AEP_*`` (``environ``, default the
    process environment) as ``python -m provider.explore`` reads them. Raises ``AepError`` or
    ``RunAnswerError``; each run's health is ``runs_model.health(run)``."""
    settings = ProviderSettings.from_config(lambda _key: None,
                                            os.environ if environ is None else environ)
    target = sandbox or settings.sandbox_name
    if not target:
        raise ConfigurationError("no sandbox: pass sandbox= or set AEP_SANDBOX_NAME")
    return list_runs(client_for(settings), target, flow_id, limit)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m provider.runs",
                                     description="Show a dataflow's latest runs.")
    parser.add_argument("--flow-id", required=True, help="the dataflow id (the Dataflow's id)")
    parser.add_argument("--limit", type=int, default=10,
                        help=f"how many runs, newest first (1 to {MAX_LIMIT}; default 10)")
    parser.add_argument("--sandbox", help="the sandbox (default: AEP_SANDBOX_NAME)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command; 0 on success, 1 on a failure (reported on stderr), 2 on bad usage."""
    args = _parser().parse_args(argv)

    def command(client: FlowServiceClient, sandbox: str) -> None:
        runs = list_runs(client, sandbox, args.flow_id, args.limit)
        print(runs_model.runs_json(runs) if args.json else runs_model.render_runs(runs))

    return cli.run(command, args.sandbox, os.environ if environ is None else environ,
                   (RunAnswerError,))


if __name__ == "__main__":
    raise SystemExit(main())
