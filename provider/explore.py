"""Explore a Databricks base connection: ``python -m provider.explore``.

    python -m provider.explore tables --connection-id ID [--sandbox NAME] [--json]
    python -m provider.explore table --connection-id ID --table PATH [--preview] [--json]

Reads the same settings as the provider from ``AEP_*`` environment variables (``AEP_CLIENT_ID``,
``AEP_CLIENT_SECRET`` or ``AEP_ACCESS_TOKEN``, ``AEP_ORG_ID``, ``AEP_SANDBOX_NAME``,
``AEP_PLATFORM_URL``...), with the same checks (https only, except the emulator on loopback).
Prints plain text by default, JSON with ``--json``; a failure is one line on stderr and exit
status 1, never a traceback, never a secret. The library functions :func:`list_tables` and
:func:`describe_table` do the same for programs. Parsing and rendering live in
``provider.explore_model``.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping, Sequence

from provider import cli, explore_model
from provider.client import FlowServiceClient
from provider.explore_model import ExploreAnswerError, TableDetail, TableRef
from provider.resources import base_connection

__all__ = ["describe_table", "list_tables", "main"]


def list_tables(client: FlowServiceClient, sandbox: str, connection_id: str) -> list[TableRef]:
    """The tables a base connection can read (``objectType=root``)."""
    answer = client.explore(sandbox, connection_id, [("objectType", "root")])
    return explore_model.parse_tables(answer)


def describe_table(client: FlowServiceClient, sandbox: str, connection_id: str, path: str, *,
                   preview: bool = False) -> TableDetail:
    """A table's columns with their XDM types (and sample rows with ``preview``)."""
    params = [("objectType", "table"), ("object", path)]
    if preview:
        params.append(("preview", "true"))
    answer = client.explore(sandbox, connection_id, params)
    return explore_model.parse_table(path, answer)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m provider.explore",
                                     description="Explore a Databricks base connection's tables.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("tables", "list the connection's tables"),
                       ("table", "show one table's columns and XDM types"),
                       ("test", "run Flow Service's connection test (as test_connection does)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--connection-id", required=True, help="the base connection id")
        sub.add_argument("--sandbox", help="the sandbox (default: AEP_SANDBOX_NAME)")
        sub.add_argument("--json", action="store_true", help="print JSON for scripts")
        if name == "table":
            sub.add_argument("--table", required=True, help="the table path, e.g. sales.orders")
            sub.add_argument("--preview", action="store_true", help="also show sample rows")
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command; 0 on success, 1 on a failure (reported on stderr), 2 on bad usage."""
    args = _parser().parse_args(argv)

    def command(client: FlowServiceClient, sandbox: str) -> None:
        if args.command == "test":
            base_connection.test_connection(client, sandbox, args.connection_id,
                                            args.connection_id)
            print(json.dumps({"connection_id": args.connection_id, "result": True})
                  if args.json else f"connection {args.connection_id}: the test passed")
        elif args.command == "tables":
            tables = list_tables(client, sandbox, args.connection_id)
            print(explore_model.tables_json(tables) if args.json
                  else explore_model.render_tables(tables))
        else:
            detail = describe_table(client, sandbox, args.connection_id, args.table,
                                    preview=args.preview)
            print(explore_model.table_json(detail) if args.json
                  else explore_model.render_table(detail))

    return cli.run(command, args.sandbox, os.environ if environ is None else environ,
                   (ExploreAnswerError,))


if __name__ == "__main__":
    raise SystemExit(main())
