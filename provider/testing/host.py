"""Drive Pulumi's own dynamic provider host over gRPC, as the Pulumi engine does.

``ProviderHost`` starts ``python -u -m pulumi.dynamic`` (exactly what the CLI's
``pulumi-resource-pulumi-python`` shim runs), reads the port it prints, and sends Configure, Check,
Diff, Create, Read, Update and Delete with the engine's encoding rules:

1. ``Configure`` first, with the whole stack config as namespaced keys; secret values wrapped in
   the wire secret envelope, as the engine sends them.
2. CRUD calls carry secrets as plain values (the host answers ``acceptSecrets=False``) and drop
   ``None`` values; unknowns travel as the unknown sentinel, and only to Check and Diff.
3. Diff/Update ``olds`` and Delete/Read ``properties`` are the previous *outputs*.

A failed call raises ``HostError`` carrying the host's text (a Python traceback ending with the
provider's message), which is what the engine shows the user.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, status_pb2

from provider.outcomes import UNKNOWN as UNKNOWN  # the engine's sentinel, defined once

SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
PROJECT = "aep-connections"


class HostError(Exception):
    """A gRPC call to the provider host failed; ``details`` is what the engine would print."""

    # A partial failure (``pulumirpc.ErrorResourceInitFailed`` in the status details): the id
    # and the properties (decoded to the door's state names) the engine keeps in state.
    kept: tuple[str, dict[str, Any]] | None = None
    init_failed: Any = None  # the raw ErrorResourceInitFailed message

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed ({code.name}): {details}")

    @property
    def last_line(self) -> str:
        """The final line of the host's traceback: the provider's own message."""
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


def stack_config(emulator: Any, *, sandbox: str = "dev", **extra: str) -> dict[str, str]:
    """The stack config that points the provider at a running ``provider.emulator.Emulator``:
    its URL for Flow Service and IMS, its demo credentials, ``sandbox``, and ``extra`` keys."""
    return {
        "aep:clientId": emulator.client_id,
        "aep:clientSecret": emulator.client_secret,
        "aep:orgId": emulator.org_id,
        "aep:platformUrl": emulator.url,
        "aep:imsUrl": emulator.url,
        "aep:sandboxName": sandbox,
        **extra,
    }


def serialized_provider(provider: object | None = None) -> str:
    """``__provider`` exactly as ``pulumi.dynamic.Resource`` computes it."""
    from pulumi.dynamic.dynamic import serialize_provider
    from pulumi.runtime._serialization import _serialize

    if provider is None:
        from provider.resource import DatabricksBaseConnectionProvider

        provider = DatabricksBaseConnectionProvider()
    blob, _ = _serialize(True, serialize_provider, provider)
    return str(blob)


def type_name(urn: str) -> str:
    """The resource type's name in a URN (``DatabricksBaseConnection`` when ``urn`` is empty
    or names no type)."""
    parts = urn.split("::")
    token = parts[2] if len(parts) > 3 else ""
    return token.rsplit(":", 1)[-1] if token else "DatabricksBaseConnection"


def provider_for(urn: str) -> object:
    """A dynamic provider instance of the resource type ``urn`` names (from the registry)."""
    from provider.resources import by_token

    entry = by_token(f"aep:index:{type_name(urn)}")
    if entry is None:
        raise ValueError(f"no registered resource is named {type_name(urn)!r}")
    return entry.provider_class()()


def decode_provider(blob: str) -> bytes:
    """The pickled bytes inside a ``__provider`` value."""
    return base64.b64decode(blob)


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Props as the engine marshals them for CRUD calls: plain values, ``None`` dropped."""
    message = struct_pb2.Struct()
    message.update({k: v for k, v in props.items() if v is not None})
    return message


def from_struct(message: struct_pb2.Struct) -> dict[str, Any]:
    """A response Struct as a plain dict (numbers come back as floats, as the engine sees)."""
    return dict(json_format.MessageToDict(message))


class ProviderHost:
    """One ``python -m pulumi.dynamic`` process and a gRPC stub to it.

    Its Python API speaks state names (``cluster_id``); subclasses (``PluginHost``) override the
    hooks ``command``, ``wire_name``, ``_encode``, ``_decode``, ``_urn`` and ``_error`` for
    another front door.
    """

    type_token = "pulumi-python:dynamic/aep:DatabricksBaseConnection"

    def __init__(self, cwd: str | Path, *, env: Mapping[str, str] | None = None,
                 python: str = sys.executable, startup_timeout: float = 60.0) -> None:
        self.cwd = Path(cwd)
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("PULUMI_PROJECT", PROJECT)
        self.python = python
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: _Sink = _Sink()
        self._stdout: list[bytes] = []
        self._channel: grpc.Channel | None = None
        self.stub: Any = None
        self.calls: dict[str, int] = {}
        self._drains: list[threading.Thread] = []
        self._calls_lock = threading.Lock()

    def __enter__(self) -> ProviderHost:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> ProviderHost:
        """Start the host and connect; raises RuntimeError with its stderr if it does not."""
        self.process = subprocess.Popen(
            self.command(), cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._drains = [threading.Thread(target=_drain, args=(self.process.stderr, self._stderr),
                                         daemon=True)]
        self._drains[0].start()
        port_line: list[bytes] = []
        stdout = self.process.stdout
        reader = threading.Thread(target=lambda: port_line.append(stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if not port_line or not port_line[0].strip().isdigit():
            self.stop()
            raise RuntimeError(f"provider host did not start: {self.stderr}")
        self._drains.append(threading.Thread(target=_drain, args=(self.process.stdout,
                                                                  self._stdout), daemon=True))
        self._drains[-1].start()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{int(port_line[0])}")
        grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def command(self) -> list[str]:
        """The host's argv, as the Pulumi CLI's ``pulumi-resource-pulumi-python`` shim runs it."""
        return [self.python, "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"]

    def provider_blob(self, urn: str = "") -> str:
        """The ``__provider`` input a program adds to every resource of this door (of the
        resource type ``urn`` names; the base connection by default)."""
        return serialized_provider(provider_for(urn))

    def wire_name(self, name: str, urn: str = "") -> str:
        """The name a property has on the wire (the dynamic door: its state name)."""
        return name

    def _encode(self, props: Mapping[str, Any], urn: str = "") -> struct_pb2.Struct:
        return to_struct(props)

    def _decode(self, message: struct_pb2.Struct, urn: str = "") -> dict[str, Any]:
        return from_struct(message)

    def _urn(self, urn: str) -> str:
        return urn

    def _error(self, method: str, code: grpc.StatusCode, details: str) -> HostError:
        return HostError(method, code, details)

    def stop(self) -> None:
        """Close the channel and end the host process."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process is not None:
            for drain in self._drains:
                drain.join(5)
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()

    @property
    def stderr(self) -> str:
        """Everything the host wrote to stderr so far."""
        return b"".join(self._stderr).decode("utf-8", "replace")

    def wait_stderr(self, text: str, timeout: float = 10.0) -> str:
        """Everything written to stderr once it holds ``text`` (the drain thread reads the
        host's stderr after the call that wrote it has answered), or so far after ``timeout``."""
        with self._stderr.grew:
            self._stderr.grew.wait_for(lambda: text in self.stderr, timeout)
        return self.stderr

    def wait_warning(self, text: str, urn: str, timeout: float = 10.0) -> str:
        """The warnings so far once they hold ``text``: Pulumi's dynamic host gives a provider
        neither the engine's log nor the URN, so they are its stderr (``warning: ...`` lines;
        ``urn`` cannot be checked here)."""
        return self.wait_stderr(text, timeout)

    @property
    def stdout(self) -> str:
        """Everything the host wrote to stdout after the port line."""
        return b"".join(self._stdout).decode("utf-8", "replace")

    # -- calls ---------------------------------------------------------------------------------

    def _call(self, method: str, request: Any) -> Any:
        with self._calls_lock:
            self.calls[method] = self.calls.get(method, 0) + 1
        try:
            return getattr(self.stub, method)(request, timeout=300)
        except grpc.RpcError as error:
            failed = self._error(method, error.code(), error.details() or "")
            failed.init_failed = init_failed(error)
            raise failed from None

    def configure(self, config: Mapping[str, str], *, secret_keys: Sequence[str] = ()) -> Any:
        """Send the stack config as the engine does (namespaced keys, secrets enveloped)."""
        args = {
            key: ({SECRET_SIG: SECRET_VALUE, "value": value} if key in secret_keys else value)
            for key, value in config.items()
        }
        request = provider_pb2.ConfigureRequest(
            variables=dict(config), args=to_struct(args), acceptSecrets=True,
            acceptResources=True,
        )
        return self._call("Configure", request)

    def check(self, urn: str, olds: Mapping[str, Any],
              news: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Check: ``(checked inputs, [(property, reason)])``."""
        response = self._call("Check", provider_pb2.CheckRequest(
            urn=self._urn(urn), olds=self._encode(olds, urn), news=self._encode(news, urn)))
        failures = [(f.property, f.reason) for f in response.failures]
        return self._decode(response.inputs, urn), failures

    def diff(self, id_: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        """Diff with ``olds`` = the outputs in state."""
        return self._call("Diff", provider_pb2.DiffRequest(
            id=id_, urn=self._urn(urn), olds=self._encode(olds, urn),
            news=self._encode(news, urn)))

    def create(self, urn: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create: ``(id, outputs)``. A partial failure raises ``HostError`` with ``kept``."""
        try:
            response = self._call("Create", provider_pb2.CreateRequest(
                urn=self._urn(urn), properties=self._encode(props, urn)))
        except HostError as error:
            if error.init_failed is not None:
                error.kept = (error.init_failed.id,
                              self._decode(error.init_failed.properties, urn))
            raise
        return response.id, self._decode(response.properties, urn)

    def read(self, id_: str, urn: str, props: Mapping[str, Any],
             inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """Read (refresh): ``(id, outputs, inputs)``; id ``""`` means the resource is gone."""
        response = self._call("Read", provider_pb2.ReadRequest(
            id=id_, urn=self._urn(urn), properties=self._encode(props, urn),
            inputs=self._encode(inputs, urn)))
        return (response.id, self._decode(response.properties, urn),
                self._decode(response.inputs, urn))

    def update(self, id_: str, urn: str, olds: Mapping[str, Any],
               news: Mapping[str, Any]) -> dict[str, Any]:
        """Update with ``olds`` = the outputs in state; returns the new outputs."""
        response = self._call("Update", provider_pb2.UpdateRequest(
            id=id_, urn=self._urn(urn), olds=self._encode(olds, urn),
            news=self._encode(news, urn)))
        return self._decode(response.properties, urn)

    def delete(self, id_: str, urn: str, props: Mapping[str, Any]) -> None:
        """Delete with ``props`` = the outputs in state."""
        self._call("Delete", provider_pb2.DeleteRequest(id=id_, urn=self._urn(urn),
                                                        properties=self._encode(props, urn)))


def init_failed(error: grpc.RpcError) -> Any:
    """The ``ErrorResourceInitFailed`` a failed call carries in its status details, read as the
    engine reads it (the ``grpc-status-details-bin`` trailer: a ``google.rpc.Status``), or None."""
    trailer = getattr(error, "trailing_metadata", None)
    for key, value in (trailer() or ()) if callable(trailer) else ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            found = provider_pb2.ErrorResourceInitFailed()
            if detail.Unpack(found):
                return found
    return None


class _Sink(list[bytes]):
    """Chunks a drain thread read, with a condition a reader can wait on for more."""

    def __init__(self) -> None:
        super().__init__()
        self.grew = threading.Condition()

    def add(self, chunk: bytes) -> None:
        with self.grew:
            self.append(chunk)
            self.grew.notify_all()


def _drain(stream: Any, sink: list[bytes]) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        if isinstance(sink, _Sink):
            sink.add(chunk)
        else:
            sink.append(chunk)
