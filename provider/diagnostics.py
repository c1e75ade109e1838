"""What a door tells the engine beside an answer: warnings (one path for every warning the core
writes) and partial failures (``PartialFailure``: a create that made its object but did not
finish, answered with ``ErrorResourceInitFailed``).

Every warning of the core (a refresh keeping a 1439 dataflow, a preview's evolution warning, a
delete's notice) goes through :func:`warn`, which writes it to the sink of the request being
served (:func:`warnings_to`), else to stderr as ``warning: <text>``. The plugin door sets the
sink per gRPC request (:func:`on_resource`): the warning is a ``pulumirpc.Engine/Log``
diagnostic with the request's URN, shown on that resource in `pulumi up`'s output. The dynamic
door sets none: Pulumi's dynamic provider host offers a provider no way to reach the engine's
log or learn the URN, so its warnings stay on stderr, which the engine also shows. The plugin is
started with the engine's address (its last argument); when the engine cannot be reached a
warning goes to stderr too. Messages are redacted.

Importing this module loads neither grpc nor pulumi (the core imports it; they are loaded by
the plugin's calls).
"""

from __future__ import annotations

import contextvars
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from provider.redaction import redact

if TYPE_CHECKING:
    from pulumi.provider.experimental.property_value import PropertyValue

T = TypeVar("T")
Sink = Callable[[str], None]
_SINK: contextvars.ContextVar[Sink | None] = contextvars.ContextVar("aep_warning_sink",
                                                                     default=None)


def warn(text: str) -> None:
    """One warning: to the current request's sink, else stderr as ``warning: <text>``."""
    sink = _SINK.get()
    if sink is None:
        _stderr(text)
    else:
        sink(text)


def _stderr(text: str) -> None:
    print(f"warning: {redact(text)}", file=sys.stderr, flush=True)


@contextmanager
def warnings_to(sink: Sink | None) -> Iterator[None]:
    """While open, :func:`warn` in this context (and in contexts copied from it: the plugin's
    worker threads) writes to ``sink`` (None: stderr)."""
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)


def on_resource(log: EngineLog, request: Any) -> AbstractContextManager[None]:
    """The plugin's scope for one request: warnings go to the engine on the request's URN (a
    request without one, such as ``Configure``, leaves them on stderr)."""
    urn = str(getattr(request, "urn", "") or "")
    return warnings_to((lambda text: log.warn(urn, text)) if urn else None)


def in_context(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """``fn(*args)`` bound to a copy of the calling context, to run on a worker thread (which
    does not inherit it) with the request's warning sink."""
    context = contextvars.copy_context()
    return lambda: context.run(fn, *args)


class EngineLog:
    """Warnings to the engine at ``address`` (``host:port``; empty: stderr only)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._lock = threading.Lock()
        self._stub: Any = None

    def warn(self, urn: str, message: str) -> None:
        """One warning diagnostic on resource ``urn``."""
        import grpc
        from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

        text = redact(message)
        try:
            with self._lock:
                if self._stub is None and self.address:
                    self._stub = engine_pb2_grpc.EngineStub(
                        grpc.insecure_channel(self.address))
                stub = self._stub
            if stub is not None:
                stub.Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=text,
                                               urn=urn), timeout=10)
                return
        except grpc.RpcError:
            pass
        _stderr(text)


class PartialFailure(Exception):
    """A create that made its object but did not finish: answered as the engine's
    ``ErrorResourceInitFailed`` (id and real properties in the gRPC status details), so the
    engine keeps the id in state and the next ``up`` updates the object instead of making one."""

    def __init__(self, message: str, id_: str, properties: Mapping[str, PropertyValue]) -> None:
        super().__init__(message)
        self.id = id_
        self.properties = dict(properties)

    def trailer(self) -> tuple[tuple[str, bytes], ...]:
        """The trailing metadata carrying the details (as grpcio-status's ``to_status``)."""
        import grpc
        from google.protobuf import any_pb2
        from pulumi.provider.experimental.property_value import PropertyValue
        from pulumi.runtime.proto import provider_pb2, status_pb2

        failed = provider_pb2.ErrorResourceInitFailed(
            id=self.id, properties=PropertyValue.marshal_map(self.properties),
            reasons=[redact(str(self))])
        detail = any_pb2.Any()
        detail.Pack(failed)
        status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0],
                                   message=redact(str(self)), details=[detail])
        return (("grpc-status-details-bin", status.SerializeToString()),)


def engine_address(argv: list[str]) -> str:
    """The engine's address among the plugin's arguments: the last that is not a flag (a flag's
    value, such as ``--tracing <endpoint>``, comes before it)."""
    return next((arg for arg in reversed(argv) if not arg.startswith("-")), "")
