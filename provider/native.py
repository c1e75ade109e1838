"""The native front door: an ``aep`` Pulumi provider plugin over ``provider.lifecycle``.

Served by Pulumi's ``pulumi.provider.experimental`` (``Provider``, ``server.main``); started by
Pulumi's Python language host from ``plugin/`` as ``<venv python> <plugin dir> <engine address>``
(see ``plugin/PulumiPlugin.yaml``). It adapts the wire to the core:

- names: schema camelCase (``clusterId``) <-> state snake_case (``cluster_id``), by the field
  table; check failures name the schema property;
- secrets: a field the table marks secret, or a value sent as secret, goes back as a secret;
- unknowns: the engine's sentinel (or a computed value) goes in as ``lifecycle.UNKNOWN`` and
  unknown outputs go back as the sentinel, which the experimental API can marshal (a computed
  ``PropertyValue`` it cannot);
- concurrency: every call that may touch the network runs in a thread pool of
  ``aep:maxConcurrency`` workers, so the grpc.aio event loop never blocks and the engine's
  ``--parallel`` operations run at once, up to that bound; with its request's warning sink:
  a warning is a diagnostic on the request's URN (``diagnostics.on_resource``);
- configuration: ``Configure`` ``args`` (``clientId``) and the legacy ``variables``
  (``aep:config:clientId``), with the same environment fallbacks as the dynamic door.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import os
import sys
from collections.abc import Awaitable, Callable, Collection, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc
from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental import server
from pulumi.provider.experimental.property_value import Computed, PropertyValue

from provider import diagnostics, functions, lifecycle, schema
from provider.diagnostics import EngineLog, PartialFailure, engine_address
from provider.errors import AepError
from provider.fields import ResourceSpec
from provider.lifecycle import Lifecycle, Outcome
from provider.redaction import redact, register
from provider.resources import registry
from provider.settings import TUNING

T = TypeVar("T")
DEFAULT_CONCURRENCY = int(TUNING["max_concurrency"][2])
_KINDS = {
    "add": api.PropertyDiffKind.ADD, "add-replace": api.PropertyDiffKind.ADD_REPLACE,
    "delete": api.PropertyDiffKind.DELETE, "delete-replace": api.PropertyDiffKind.DELETE_REPLACE,
    "update": api.PropertyDiffKind.UPDATE, "update-replace": api.PropertyDiffKind.UPDATE_REPLACE,
}


class ProviderError(Exception):
    """What the engine shows when an operation fails: the core's message, nothing below it."""


# The gRPC context of the call this task serves (set by ``_Servicer``), so a failed operation can
# answer the engine with its message alone.
_CONTEXT: contextvars.ContextVar[Any] = contextvars.ContextVar("aep_grpc_context")
# The servicer methods whose failures are answered that way.
_ANSWERED = ("CheckConfig", "DiffConfig", "Configure", "GetSchema", "Check", "Diff", "Create",
             "Update", "Delete", "Read", "Invoke", "Parameterize")


class _Aborted(NotImplementedError):
    """The call was already answered with the message (``context.abort``). It carries grpc's
    ``AbortError`` through the experimental server's wrapper, which formats every exception but
    ``NotImplementedError`` into ``<message>:`` plus a Python stack."""

    def __init__(self, abort: BaseException) -> None:
        super().__init__("the call was answered")
        self.abort = abort


def _short_errors(fn: Callable[[Any, Any], Coroutine[Any, Any, T]]
                  ) -> Callable[[Any, Any], Coroutine[Any, Any, T]]:
    """Answer a failed operation with the provider's own (redacted) message, no traceback."""
    @functools.wraps(fn)
    async def answered(self: Any, request: Any) -> T:
        try:
            with diagnostics.on_resource(self._log, request):
                return await fn(self, request)
        except (AepError, ProviderError, PartialFailure) as error:
            message = redact(str(error))
            context = _CONTEXT.get(None)
            if context is not None:
                trailer = error.trailer() if isinstance(error, PartialFailure) else ()
                try:
                    await context.abort(grpc.StatusCode.UNKNOWN, message, trailer)
                except grpc.aio.AbortError as sent:
                    raise _Aborted(sent) from None
            raise ProviderError(message) from None

    return answered


def _answering(name: str) -> Callable[..., Awaitable[Any]]:
    inherited = getattr(server.ProviderServicer, name)

    async def method(self: Any, request: Any, context: Any) -> Any:
        token = _CONTEXT.set(context)
        try:
            return await inherited(self, request, context)
        except _Aborted as aborted:
            # grpc.aio ends the call quietly only when it meets its own AbortError again.
            raise aborted.abort from None
        finally:
            _CONTEXT.reset(token)

    method.__name__ = name
    return method


class _Servicer(server.ProviderServicer):
    """Pulumi's servicer, except that a call the provider failed ends with the message alone."""


for _name in _ANSWERED:
    setattr(_Servicer, _name, _answering(_name))


def plain(value: PropertyValue) -> Any:
    """A wire value as the core sees it (unknowns as ``lifecycle.UNKNOWN``)."""
    inner = value.value
    if isinstance(inner, Computed):
        return lifecycle.UNKNOWN
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [plain(v) for v in inner]
    return inner


def state_values(spec: ResourceSpec, props: Mapping[str, PropertyValue]
                 ) -> tuple[dict[str, Any], set[str]]:
    """Wire properties as state-named plain values, and the state names that came as secrets."""
    values = spec.from_schema({k: plain(v) for k, v in props.items()})
    # A secret nested anywhere (a mapping's ``source``) makes the whole property secret: the
    # core's answer holds plain values, and the nested mark would otherwise be lost in state.
    marked = {k: v for k, v in props.items() if has_secret(v)}
    secrets = set(spec.from_schema(dict.fromkeys(marked)))
    register(*(text for v in marked.values() for text in _strings(v)))
    return values, secrets


def has_secret(value: PropertyValue) -> bool:
    """Whether ``value``, or any value nested in it, was sent as a secret."""
    if value.is_secret:
        return True
    inner = value.value
    if isinstance(inner, Mapping):
        return any(has_secret(v) for v in inner.values())
    if isinstance(inner, tuple):
        return any(has_secret(v) for v in inner)
    return False


def _strings(value: PropertyValue) -> list[str]:
    # Every string in a secret-marked value, registered so no message or log echoes it.
    inner = value.value
    if isinstance(inner, str):
        return [inner]
    if isinstance(inner, Mapping):
        return [s for v in inner.values() for s in _strings(v)]
    if isinstance(inner, tuple):
        return [s for v in inner for s in _strings(v)]
    return []


def wire_values(spec: ResourceSpec, values: Mapping[str, Any],
                secrets: Collection[str] = ()) -> dict[str, PropertyValue]:
    """State-named values as wire properties: schema names, secrets marked, ``None`` left out."""
    out: dict[str, PropertyValue] = {}
    for key, value in values.items():
        if value is None or key.startswith("__"):
            continue
        field = spec.by_state(key)
        secret = key in secrets or bool(field and field.secret)
        wired = _wire(field.to_schema_value(value) if field else value)
        out[field.schema if field else key] = PropertyValue(wired, is_secret=secret)
    return out


def schema_name(spec: ResourceSpec, state: str) -> str:
    """The schema name of the property whose state name is ``state``."""
    return str(getattr(spec.by_state(state), "schema", state))


def _wire(value: Any) -> Any:
    """A plain value as ``PropertyValue`` accepts it (numbers as floats, containers of
    ``PropertyValue``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, Mapping):
        return {k: PropertyValue(_wire(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [PropertyValue(_wire(v)) for v in value]
    return value


def config_values(request: api.ConfigureRequest) -> dict[str, str]:
    """The provider's stack config keys (``aep:clientId``...) from a Configure request: the
    legacy ``variables`` (``aep:config:clientId``), then ``args`` (``clientId``), which win."""
    values: dict[str, str] = {}
    for key, raw in request.variables.items():
        namespace, _, rest = key.partition(":config:")
        if namespace == schema.PACKAGE and rest:
            values[f"{schema.PACKAGE}:{rest}"] = raw
    for key, value in request.args.items():
        inner = plain(value)
        if key == "version" or inner is None or inner == lifecycle.UNKNOWN:
            continue
        if isinstance(inner, float) and inner.is_integer():
            inner = int(inner)
        # Non-strings as the engine spells them in ``variables`` (JSON): true, 16, 0.5.
        values[f"{schema.PACKAGE}:{key}"] = inner if isinstance(inner, str) else json.dumps(inner)
    return values


class AepProvider(api.Provider):
    """The ``aep`` package: every resource of ``provider.resources.REGISTRY``, by its token."""

    def __init__(self, environ: Mapping[str, str] | None = None, engine: str = "") -> None:
        self._environ = os.environ if environ is None else environ
        self._log = EngineLog(engine)
        self._cores = {e.token: Lifecycle(None, None, api=e.api, spelling="schema")
                       for e in registry()}
        self.workers = DEFAULT_CONCURRENCY
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="aep")

    def core(self, token: str) -> Lifecycle:
        """The lifecycle of resource type ``token`` (the first one for an empty token)."""
        if not token:
            return next(iter(self._cores.values()))
        found = self._cores.get(token)
        if found is None:
            raise ProviderError(f"unknown resource type {token!r}: the aep provider serves "
                                f"{', '.join(self._cores)}")
        return found

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, diagnostics.in_context(fn, *args))
        except AepError as error:
            # The server prints the traceback of what reaches it: start a fresh one here.
            raise ProviderError(str(error)) from None

    # -- provider ------------------------------------------------------------------------------

    @_short_errors
    async def get_schema(self, request: api.GetSchemaRequest) -> api.GetSchemaResponse:
        """The package schema, generated from the field tables."""
        return api.GetSchemaResponse(schema=schema.schema_text())

    @_short_errors
    async def configure(self, request: api.ConfigureRequest) -> api.ConfigureResponse:
        """Settings from ``args``/``variables`` with env fallbacks; a bad setting is kept and
        reported by Check (naming the keys) and every other call."""
        core, settings = Lifecycle.from_config(config_values(request).get, self._environ,
                                               spelling="schema")
        workers = settings.max_concurrency if settings else DEFAULT_CONCURRENCY
        if workers != self.workers:
            old, self._pool = self._pool, ThreadPoolExecutor(workers, thread_name_prefix="aep")
            self.workers = workers
            old.shutdown(wait=False)
        self._cores = {token: core.for_api(c.api) for token, c in self._cores.items()}
        return api.ConfigureResponse(accept_secrets=True, supports_preview=True,
                                     accept_resources=True, accept_outputs=False)

    @_short_errors
    async def check_config(self, request: api.CheckRequest) -> api.CheckResponse:
        """The provider config as sent, ``clientSecret`` and ``accessToken`` always secret
        (whatever form they came in: a plain string from an environment or a program)."""
        secret = {schema.config_key(k) for k in schema.SECRET_CONFIG}
        inputs = {k: PropertyValue(v.value, is_secret=True, dependencies=v.dependencies)
                  if k in secret and not v.is_secret else v
                  for k, v in request.new_inputs.items()}
        register(*(v.value for k, v in inputs.items() if k in secret and isinstance(v.value, str)))
        return api.CheckResponse(inputs=inputs)

    # -- functions -----------------------------------------------------------------------------

    @_short_errors
    async def invoke(self, request: api.InvokeRequest) -> api.InvokeResponse:
        """A function of ``provider.functions`` (``aep:index:getDataflowRuns``): arguments
        checked with no network (failures name the schema property), then its requests."""
        function = functions.by_token(request.tok)
        if function is None:
            raise ProviderError(f"unknown function {request.tok!r}: the aep provider serves "
                                f"{', '.join(f.token for f in functions.FUNCTIONS)}")
        spec = function.spec
        core = self.core("")
        args = function.with_defaults(state_values(spec, request.args)[0])
        failures = function.check(args, core.default_sandbox)
        if failures:
            return api.InvokeResponse(failures=[
                api.CheckFailure(schema_name(spec, prop), spec.schema_words(reason))
                for prop, reason in failures])
        answer = await self._run(function.call, core, args)
        return api.InvokeResponse(return_value=wire_values(spec, answer))

    # -- resource ------------------------------------------------------------------------------

    @_short_errors
    async def check(self, request: api.CheckRequest) -> api.CheckResponse:
        """Validate inputs with no network; failures name the schema property."""
        core = self.core(request.type)
        spec = core.api.SPEC
        strays = {k for k in request.new_inputs
                  if spec.by_schema(k) is None and spec.by_state(k) is not None}
        news, secrets = state_values(spec, {k: v for k, v in request.new_inputs.items()
                                            if k not in strays})
        checked = await self._run(core.check, news, state_values(spec, request.old_inputs)[0])
        failures = [api.CheckFailure(schema_name(spec, prop), spec.schema_words(reason))
                    for prop, reason in checked.failures]
        failures += [api.CheckFailure(k, f"unknown property {k!r}: the aep provider's "
                                         f"properties are camelCase, e.g. "
                                         f"{schema_name(spec, k)!r}")
                     for k in sorted(strays)]
        return api.CheckResponse(inputs=wire_values(spec, checked.inputs, secrets),
                                 failures=failures or None)

    @_short_errors
    async def diff(self, request: api.DiffRequest) -> api.DiffResponse:
        """A detailed diff: per property, update or update-replace (``sandboxName``)."""
        core = self.core(request.type)
        spec = core.api.SPEC
        olds, _ = state_values(spec, request.old_state)
        news, _ = state_values(spec, request.new_inputs)
        for name in request.ignore_changes:
            field = spec.by_schema(name)
            if field and field.state in olds:
                news[field.state] = olds[field.state]
        found = await self._run(core.diff, olds, news)
        detailed = {schema_name(spec, k): api.PropertyDiff(_KINDS[v], input_diff=True)
                    for k, v in found.kinds.items()}
        return api.DiffResponse(
            changes=bool(found.kinds), replaces=[schema_name(spec, k) for k in found.replaces],
            stables=[schema_name(spec, k) for k in found.stables], delete_before_replace=False,
            diffs=list(detailed), detailed_diff=detailed)

    @_short_errors
    async def create(self, request: api.CreateRequest) -> api.CreateResponse:
        """Create (or, in preview, say which outputs will be known only after)."""
        core = self.core(request.type)
        props, secrets = state_values(core.api.SPEC, request.properties)
        if request.preview:
            done = core.preview_create(props)
        else:
            done = await self._run(core.create, props)
        properties = wire_values(core.api.SPEC, done.outputs, secrets)
        if done.warnings:  # a diagnostic on the resource, then the partial failure
            await self._run(diagnostics.warn, "; ".join(done.warnings))
            raise PartialFailure("; ".join(done.warnings), done.id, properties)
        return api.CreateResponse(resource_id=done.id, properties=properties)

    @_short_errors
    async def read(self, request: api.ReadRequest) -> api.ReadResponse:
        """Refresh, or with an id only, import from the provider's ``aep:sandboxName``."""
        core = self.core(request.type)
        spec = core.api.SPEC
        props, secrets = state_values(spec, request.properties)
        done: Outcome = await self._run(core.read, request.resource_id, props)
        if not done.id:
            return api.ReadResponse(resource_id="", properties={}, inputs={})
        return api.ReadResponse(resource_id=done.id,
                                properties=wire_values(spec, done.outputs, secrets),
                                inputs=wire_values(spec, done.inputs, secrets))

    @_short_errors
    async def update(self, request: api.UpdateRequest) -> api.UpdateResponse:
        """One PATCH with ``If-Match`` (or, in preview, the outputs it will change)."""
        core = self.core(request.type)
        olds, _ = state_values(core.api.SPEC, request.olds)
        news, secrets = state_values(core.api.SPEC, request.news)
        if request.preview:
            done = core.preview_update(olds, news)
        else:
            done = await self._run(core.update, request.resource_id, olds, news)
        return api.UpdateResponse(properties=wire_values(core.api.SPEC, done.outputs, secrets))

    @_short_errors
    async def delete(self, request: api.DeleteRequest) -> None:
        """Delete; a resource already gone counts as deleted."""
        core = self.core(request.type)
        props, _ = state_values(core.api.SPEC, request.properties)
        await self._run(core.delete, request.resource_id, props)


def main(argv: list[str] | None = None) -> None:
    """Serve the plugin: print the gRPC port on stdout's first line, then serve until killed."""
    # server.main builds its servicer by this module-level name; ours answers a failed call with
    # the provider's message alone, where Pulumi's appends a Python stack.
    server.ProviderServicer = _Servicer  # type: ignore[misc]  # the one way in, see above
    args = sys.argv[1:] if argv is None else argv
    server.main(args, schema.PACKAGE_VERSION, AepProvider(engine=engine_address(args)))
