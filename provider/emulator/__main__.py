"""``python -m provider.emulator`` / ``aep-flow-emulator``: serve the emulator until signalled."""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from provider.emulator import pipeline
from provider.emulator.faults import TRANSIENT
from provider.emulator.limits import DEFAULT_WORKERS
from provider.emulator.server import (
    DEFAULT_SANDBOXES,
    DELETE_STATUSES,
    MISSING_SANDBOX_MODES,
    Emulator,
)
from provider.emulator.store import StateFileError


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="aep-flow-emulator",
        description="Serve an offline Flow Service, Data Prep, landing zone and IMS on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="load and save connections here (locked: one running emulator per file)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"connections served at once; more are answered 503 (default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--instance",
        metavar="TOKEN",
        help="a marker shown on the command line only, so scripts/emulator.sh can tell its own "
        "emulator from another process",
    )
    parser.add_argument("--mask", default="****", help="what secret params read back as")
    parser.add_argument("--missing-sandbox", choices=MISSING_SANDBOX_MODES, default="prod")
    parser.add_argument(
        "--sandbox",
        action="append",
        metavar="NAME",
        help="a sandbox that exists (repeatable; default: " + ", ".join(DEFAULT_SANDBOXES) + ")",
    )
    parser.add_argument(
        "--any-sandbox", action="store_true", help="every well-formed sandbox name exists"
    )
    parser.add_argument("--token-ttl", type=int, default=86399, help="token lifetime (s)")
    parser.add_argument(
        "--no-require-version",
        action="store_true",
        help="default a missing connectionSpec.version to 1.0 instead of answering 422",
    )
    parser.add_argument("--accept-unquoted-etag", action="store_true")
    parser.add_argument("--delete-status", type=int, choices=DELETE_STATUSES, default=204)
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help='a fault rule, e.g. "status=503,times=2,method=POST,path=/connections" '
        "(keys: status, retry_after, times, method, path, latency, delay, drop, rate, seed, "
        "statuses=429|503)",
    )
    parser.add_argument("--latency", type=float, help="seconds added to every request")
    parser.add_argument("--fault-rate", type=float, help="probability of a transient fault")
    parser.add_argument("--fault-seed", type=int, help="seed for --fault-rate")
    parser.add_argument(
        "--fault-statuses",
        default="|".join(str(s) for s in TRANSIENT),
        help="statuses for --fault-rate, separated by | or ,",
    )
    pipeline.add_arguments(parser)
    return parser


def sandboxes_of(args: argparse.Namespace) -> tuple[str, ...] | None:
    """The sandboxes that exist, from ``--sandbox``/``--any-sandbox`` (None: every name)."""
    return None if args.any_sandbox else tuple(args.sandbox or DEFAULT_SANDBOXES)


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT or SIGTERM; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        pipeline_options = pipeline.options_from(args)
        emulator = Emulator(
            port=args.port,
            host=args.host,
            state_file=args.state,
            mask=args.mask,
            missing_sandbox=args.missing_sandbox,
            token_ttl=args.token_ttl,
            require_version=not args.no_require_version,
            accept_unquoted_etag=args.accept_unquoted_etag,
            delete_status=args.delete_status,
            workers=args.workers,
            sandboxes=sandboxes_of(args),
            pipeline=pipeline_options,
        )
    except StateFileError as error:
        print(f"aep-flow-emulator: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        parser.error(str(error))
    try:
        for spec in args.fault:
            emulator.faults.add_spec(spec)
        if args.latency:
            emulator.faults.add(latency=args.latency)
        if args.fault_rate:
            statuses = tuple(int(s) for s in args.fault_statuses.replace(",", "|").split("|"))
            emulator.faults.add(rate=args.fault_rate, seed=args.fault_seed, statuses=statuses)
    except ValueError as error:
        parser.error(str(error))

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        emulator.start()
    except StateFileError as error:
        print(f"aep-flow-emulator: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"aep-flow-emulator: error: port {args.port} on {args.host} is already in use by "
            "another process; stop it, or choose another port with --port (0 picks a free one)",
            file=sys.stderr,
        )
        return 2
    try:
        print(
            f"aep-flow-emulator listening on {emulator.url} "
            f"(client id {emulator.client_id}, org {emulator.org_id})",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
