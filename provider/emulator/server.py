"""``Emulator``: the store, IMS, the gateway, faults and the request log behind one HTTP server."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from provider.emulator.connections import ConnectionService
from provider.emulator.faults import Faults
from provider.emulator.gateway import TokenIssuer
from provider.emulator.handler import EmulatorServer
from provider.emulator.limits import DEFAULT_WORKERS, REQUEST_READ_SECONDS
from provider.emulator.pipeline import Pipeline, PipelineOptions
from provider.emulator.recording import RecordedRequest
from provider.emulator.router import Router
from provider.emulator.store import ConnectionStore
from provider.emulator.views import PipelineViews

CLIENT_ID = "aep-emulator-client"
CLIENT_SECRET = "aep-emulator-secret"
ORG_ID = "EMULATOR0000000000000000@AdobeOrg"

MISSING_SANDBOX_MODES = ("prod", "error")
DELETE_STATUSES = (200, 202, 204)
# The sandboxes that exist unless told otherwise: ``prod`` and the one the ``local`` stack uses.
DEFAULT_SANDBOXES = ("prod", "dev")


class Emulator(PipelineViews):
    """An offline Flow Service + IMS on loopback. See the package docstring for the behaviour."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET
    org_id = ORG_ID

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        state_file: str | os.PathLike[str] | None = None,
        mask: str = "****",
        missing_sandbox: str = "prod",
        token_ttl: int = 86399,
        require_version: bool = True,
        accept_unquoted_etag: bool = False,
        delete_status: int = 204,
        workers: int = DEFAULT_WORKERS,
        pipeline: PipelineOptions | None = None,
        sandboxes: Iterable[str] | None = DEFAULT_SANDBOXES,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        read_seconds: float = REQUEST_READ_SECONDS,
    ) -> None:
        if missing_sandbox not in MISSING_SANDBOX_MODES:
            raise ValueError(f"missing_sandbox must be one of {MISSING_SANDBOX_MODES}")
        if delete_status not in DELETE_STATUSES:
            raise ValueError(f"delete_status must be one of {DELETE_STATUSES}")
        if token_ttl < 1:
            raise ValueError("token_ttl must be at least 1 second")
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._workers = workers
        self.host = host
        self._requested_port = port
        self.faults = Faults()
        self._store = ConnectionStore(state_file)
        self._tokens = TokenIssuer(CLIENT_ID, CLIENT_SECRET, token_ttl, clock, ORG_ID)
        self.sleep = sleep
        self._clock = clock
        self._read_seconds = read_seconds
        self._service = service = ConnectionService(
            self._store,
            mask=mask,
            require_version=require_version,
            accept_unquoted_etag=accept_unquoted_etag,
        )
        self._pipeline = Pipeline(
            self._store,
            pipeline,
            state_file=state_file,
            require_version=require_version,
            accept_unquoted_etag=accept_unquoted_etag,
            delete_status=delete_status,
        )
        self._router = Router(
            service,
            self._tokens,
            missing_sandbox=missing_sandbox,
            delete_status=delete_status,
            routes=(self._pipeline,),
            sandboxes=None if sandboxes is None else set(sandboxes),
        )
        self._log: list[RecordedRequest] = []
        self._log_lock = threading.Lock()
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Emulator:
        """Own the state file, bind and serve in a background daemon thread; return self.

        Raises ``StateFileError`` when another running emulator holds the state file.
        """
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._store.lock()
        try:
            server = EmulatorServer(
                (self.host, self._requested_port),
                self._router,
                self.faults,
                self._record,
                workers=self._workers,
            )
            server.sleep = self._sleep
            server.clock = self._clock
            server.read_seconds = self._read_seconds
        except OSError:
            self._store.unlock()
            raise
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"aep-flow-emulator:{server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and free the port. Idempotent."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.stopping = True
        server.shutdown()
        server.close_clients()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None
        self._store.unlock()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port served on (the real one when started with port 0)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://HOST:PORT``: both the platform URL and the IMS URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests served so far (secrets redacted)."""
        with self._log_lock:
            return list(self._log)

    def clear_requests(self) -> None:
        """Forget the requests served so far."""
        with self._log_lock:
            self._log.clear()

    def connections(self, org_id: str | None = None, sandbox: str = "prod") -> list[dict[str, Any]]:
        """The stored connections of one org and sandbox, unmasked, oldest first."""
        return self._store.all((org_id or ORG_ID, sandbox))

    @property
    def sandboxes(self) -> frozenset[str] | None:
        """The sandbox names that exist (None: every well-formed name does)."""
        known = self._router.sandboxes
        return None if known is None else frozenset(known)

    def add_sandbox(self, *names: str) -> None:
        """Make sandboxes exist (no effect when every name already does)."""
        if self._router.sandboxes is not None:
            self._router.sandboxes.update(names)

    def revoke_tokens(self) -> None:
        """Invalidate every issued token (the next Flow Service call gets 401 401013)."""
        self._tokens.revoke_all()

    def add_flow_reference(self, connection_id: str) -> None:
        """Pretend a dataflow uses the connection: its DELETE now answers 400 1418-400."""
        self._store.add_reference(connection_id)

    def set_connection_test(self, connection_id: str, result: bool | None) -> None:
        """Steer ``GET /connections/{id}/test`` for one connection (None: back to the domain
        rule)."""
        if result is None:
            self._service.test_results.pop(connection_id, None)
        else:
            self._service.test_results[connection_id] = result

    @property
    def technical_account(self) -> str:
        """The technical account (``user_id`` claim) of every token this emulator issues."""
        return self._tokens.technical_account

    @property
    def issued_tokens(self) -> int:
        """How many tokens IMS issued."""
        return self._tokens.issued

    def issued_token_values(self) -> tuple[str, ...]:
        """The value of every bearer token IMS issued, in order: tests search texts for them."""
        return self._tokens.issued_values()

    def _sleep(self, seconds: float) -> None:
        # Looked up on each call, so a test may replace ``emu.sleep`` on a running emulator.
        self.sleep(seconds)

    def _record(self, entry: RecordedRequest) -> None:
        with self._log_lock:
            self._log.append(entry)
