"""Drive the ``aep`` native provider plugin over gRPC, started as Pulumi starts it.

Pulumi's Python language host runs a plugin directory that has a ``__main__.py`` as
``<plugin dir>/<virtualenv>/bin/python <absolute plugin dir> 127.0.0.1:<engine port>``, with the
*consumer program's* directory as cwd, ``VIRTUAL_ENV`` set and the venv's ``bin`` first on
``PATH``, and reads the gRPC port from the first line of stdout. ``PluginHost`` does exactly
that: the virtualenv comes from ``PulumiPlugin.yaml`` (``runtime.options.virtualenv``, relative to
the plugin dir), the cwd is a directory of the caller's choosing (never the plugin dir), and the
engine address is a real loopback gRPC server with no services (the experimental server only
keeps the address, for components' ``Construct``/``Call``; it never dials it for custom
resources).

It speaks the engine's encoding for a provider that accepts secrets: properties by their schema
names (``clusterId``), secret fields in the secret envelope, unknowns as the sentinel, and
``Configure`` with both the legacy ``variables`` (``aep:config:clientId``) and ``args``
(``clientId``). Its Python API speaks state names, like ``ProviderHost``, so the same scenarios
and the same ``Engine`` run over both doors; ``wire_name`` says how a property is spelt on the
wire, and ``secret_outputs`` which answered properties came back as secrets.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from provider.fields import DATABRICKS_BASE_CONNECTION as SPEC
from provider.fields import ResourceSpec
from provider.resources import specs
from provider.testing.host import (
    SECRET_SIG,
    SECRET_VALUE,
    HostError,
    ProviderHost,
    from_struct,
    to_struct,
    type_name,
)

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "plugin"
_UNEXPECTED = "Unexpected <class "


class PluginError(HostError):
    """A failed call to the plugin. The plugin answers with the provider's message alone
    (``provider.native._short_errors``); anything else reaches grpc.aio as ``Unexpected <class
    ...>: <message>:`` plus the server's stack. ``last_line`` is the message either way."""

    @property
    def last_line(self) -> str:
        """The provider's own message."""
        text = self.details
        if text.startswith(_UNEXPECTED):
            text = text.split(">: ", 1)[-1]
        return text.split(":\n", 1)[0].strip()


def plugin_python(plugin_dir: Path) -> str:
    """The interpreter the language host uses: ``<virtualenv>/bin/python`` from
    ``PulumiPlugin.yaml`` (relative to the plugin dir); this interpreter if that venv is absent
    (a checkout whose venv lives elsewhere)."""
    spec = yaml.safe_load((plugin_dir / "PulumiPlugin.yaml").read_text())
    venv = ((spec.get("runtime") or {}).get("options") or {}).get("virtualenv", "venv")
    python = (plugin_dir / venv / "bin" / "python").absolute()
    return str(python) if python.exists() else sys.executable


class PluginHost(ProviderHost):
    """The plugin process, started from ``cwd`` (default: a fresh temporary directory)."""

    type_token = SPEC.token

    def __init__(self, cwd: str | Path | None = None, *, plugin_dir: Path = PLUGIN_DIR,
                 env: Mapping[str, str] | None = None, python: str | None = None,
                 startup_timeout: float = 60.0) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="aep-consumer-") if cwd is None else None
        super().__init__(cwd or (self._tmp.name if self._tmp else "."), env=env,
                         python=python or plugin_python(plugin_dir),
                         startup_timeout=startup_timeout)
        self.plugin_dir = plugin_dir.resolve()
        venv = Path(self.python).parent.parent
        self.env["VIRTUAL_ENV"] = str(venv)
        self.env["PATH"] = f"{venv / 'bin'}{os.pathsep}{self.env.get('PATH', '')}"
        self.env.pop("PYTHONHOME", None)
        self.secret_outputs: set[str] = set()
        self._engine: grpc.Server | None = None
        self.engine_address = ""
        # The diagnostics the plugin sent the engine: (severity name, urn, message).
        self.logs: list[tuple[str, str, str]] = []

    def command(self) -> list[str]:
        """``<venv python> <absolute plugin dir> 127.0.0.1:<engine port>``."""
        return [self.python, str(self.plugin_dir), self.engine_address]

    def start(self) -> PluginHost:
        """Start a stub engine, then the plugin; connect."""
        self._engine = grpc.server(ThreadPoolExecutor(1))
        engine_pb2_grpc.add_EngineServicer_to_server(_Engine(self.logs), self._engine)
        port = self._engine.add_insecure_port("127.0.0.1:0")
        self._engine.start()
        self.engine_address = f"127.0.0.1:{port}"
        super().start()
        return self

    def stop(self) -> None:
        """End the plugin and the stub engine."""
        super().stop()
        if self._engine is not None:
            self._engine.stop(None)
            self._engine = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def wait_warning(self, text: str, urn: str, timeout: float = 10.0) -> str:
        """The warning diagnostics the plugin sent the stub engine on resource ``urn``, one a
        line (each is sent before the call that raised it answers: nothing to wait for)."""
        return "\n".join(message for severity, on, message in self.logs
                         if severity == "WARNING" and on == self._urn(urn))

    def provider_blob(self, urn: str = "") -> str:
        """A plugin's resources carry no ``__provider``."""
        return ""

    def wire_name(self, name: str, urn: str = "") -> str:
        """The schema (camelCase) name of a property."""
        field = spec_for(urn).by_state(name)
        return field.schema if field else name

    def configure(self, config: Mapping[str, str], *, secret_keys: Sequence[str] = (),
                  variables: bool = True, args: bool = True) -> Any:
        """Configure as the engine does: ``variables`` ``aep:config:<key>`` (secrets in clear)
        and ``args`` ``<key>`` (secrets enveloped), each optional."""
        from pulumi.runtime.proto import provider_pb2

        plain = {key.split(":", 1)[1]: value for key, value in config.items()}
        secret = {key.split(":", 1)[1] for key in secret_keys}
        request = provider_pb2.ConfigureRequest(
            variables={f"aep:config:{k}": v for k, v in plain.items()} if variables else {},
            args=to_struct({k: _envelope(v) if k in secret else v for k, v in plain.items()})
            if args else None,
            acceptSecrets=True, acceptResources=True, sends_old_inputs=True,
            sends_old_inputs_to_delete=True, type="pulumi:providers:aep", name="default")
        return self._call("Configure", request)

    def get_schema(self) -> dict[str, Any]:
        """The schema the plugin answers to GetSchema."""
        import json

        from pulumi.runtime.proto import provider_pb2

        return dict(json.loads(self._call("GetSchema",
                                          provider_pb2.GetSchemaRequest(version=0)).schema))

    def invoke(self, token: str, args: Mapping[str, Any]
               ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Invoke a function as the engine does (arguments by their schema names, as a program
        in any language writes them): ``(answer, [(property, reason)])``."""
        from pulumi.runtime.proto import provider_pb2

        response = self._call("Invoke", provider_pb2.InvokeRequest(tok=token,
                                                                  args=to_struct(args)))
        failures = [(f.property, f.reason) for f in response.failures]
        return from_struct(getattr(response, "return")), failures

    def _encode(self, props: Mapping[str, Any], urn: str = "") -> struct_pb2.Struct:
        spec = spec_for(urn)
        wire = {}
        for key, value in props.items():
            field = spec.by_state(key)
            if field is not None and value is not None:
                value = field.to_schema_value(value)
                if field.secret:
                    value = _envelope(value)
            wire[self.wire_name(key, urn)] = value
        return to_struct(wire)

    def _decode(self, message: struct_pb2.Struct, urn: str = "") -> dict[str, Any]:
        values = {}
        for key, value in from_struct(message).items():
            if isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE:
                value = value.get("value")
                self.secret_outputs.add(key)
            values[key] = value
        return spec_for(urn).from_schema(values)

    def _urn(self, urn: str) -> str:
        return urn.replace(DYNAMIC_PREFIX, f"{SPEC.module}:index:")

    def _error(self, method: str, code: grpc.StatusCode, details: str) -> HostError:
        return PluginError(method, code, details)


class _Engine(engine_pb2_grpc.EngineServicer):
    """The stub engine's ``Log``: records each diagnostic, as the engine shows it."""

    def __init__(self, logs: list[tuple[str, str, str]]) -> None:
        self.logs = logs

    def Log(self, request: Any, context: Any) -> Any:
        self.logs.append((engine_pb2.LogSeverity.Name(request.severity), request.urn,
                          request.message))
        return empty_pb2.Empty()


DYNAMIC_PREFIX = "pulumi-python:dynamic/aep:"


def spec_for(urn: str) -> ResourceSpec:
    """The field table of the resource type ``urn`` names (the base connection by default)."""
    name = type_name(urn)
    return next((spec for spec in specs() if spec.name == name), SPEC)


def _envelope(value: Any) -> dict[str, Any]:
    return {SECRET_SIG: SECRET_VALUE, "value": value}
