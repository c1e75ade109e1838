"""What the command-line tools (``provider.explore``, ``provider.runs``) share: settings from
``AEP_*`` environment variables (the provider's own rules: https only, except the emulator on
loopback), the sandbox from ``--sandbox`` or ``AEP_SANDBOX_NAME``, and one way to fail: one line
on stderr saying what failed (redacted, never a traceback), for a failure a user can act on by
kind one ``fix:`` line of advice (``provider.advice.cli_advice``: unknown sandbox, wrong org or
profile, invalid client secret, nothing listening, TLS, timeout), and exit status 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping

from provider import advice
from provider.client import FlowServiceClient
from provider.errors import AepError
from provider.lifecycle import client_for
from provider.redaction import redact
from provider.settings import ProviderSettings

# A command's work: given a client and the sandbox, print its answer.
Command = Callable[[FlowServiceClient, str], None]


def run(command: Command, sandbox: str | None, environ: Mapping[str, str],
        answer_errors: tuple[type[Exception], ...] = ()) -> int:
    """Run ``command`` with a client built from ``environ``; 0 on success, 1 on a failure
    (``AepError`` or one of ``answer_errors``, reported on stderr)."""
    caught: tuple[type[Exception], ...] = (AepError, *answer_errors)
    try:
        settings = ProviderSettings.from_config(lambda _key: None, environ)
        sandbox = sandbox or settings.sandbox_name
        if not sandbox:
            print("error: no sandbox: pass --sandbox or set AEP_SANDBOX_NAME", file=sys.stderr)
            return 1
        command(client_for(settings), sandbox)
    except caught as error:
        print(f"error: {redact(str(error))}", file=sys.stderr)
        fix = advice.cli_advice(error) if isinstance(error, AepError) else None
        if fix:
            print(f"fix: {fix}", file=sys.stderr)
        return 1
    return 0
