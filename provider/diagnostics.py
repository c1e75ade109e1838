"""What the plugin tells the engine beside an answer: warnings on a resource
(``pulumirpc.Engine/Log`` with the URN) and partial failures (``PartialFailure``: a create that
made its object but did not finish, answered with ``ErrorResourceInitFailed``).

The plugin is started with the engine's address (its first argument); a warning sent there is a
diagnostic on the resource in `pulumi up`'s output. When the engine cannot be reached the
warning goes to stderr instead, which the engine also shows. Messages are redacted.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping

import grpc
from google.protobuf import any_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, status_pb2

from provider.redaction import redact


class EngineLog:
    """Warnings to the engine at ``address`` (``host:port``; empty: stderr only)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._lock = threading.Lock()
        self._stub: engine_pb2_grpc.EngineStub | None = None

    def warn(self, urn: str, message: str) -> None:
        """One warning diagnostic on resource ``urn``."""
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
        print(f"warning: {text}", file=sys.stderr, flush=True)


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
