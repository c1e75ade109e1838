"""The ``DatabricksBaseConnection`` resource and the dynamic provider behind it.

The provider class lives here, in an importable module, so Pulumi pickles it *by reference*: the
``__provider`` blob in state names this class and holds no code and no credentials (its instance
``__dict__`` is empty when pickled). Credentials, the auth object and the HTTP client are made in
``configure()``, inside the provider host, from the stack config the engine sends.

Renaming this module or ``DatabricksBaseConnectionProvider`` would break every existing stack that
holds one of these resources: both names are part of the state format.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TypeVar, overload

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from provider import diagnostics, lifecycle
from provider.client import FlowServiceClient
from provider.fields import DATABRICKS_BASE_CONNECTION as SPEC
from provider.fields import ResourceSpec
from provider.generated import (
    DatabricksBaseConnectionArgs,
    DatabricksBaseConnectionInputs,
    DatabricksBaseConnectionOutputs,
)
from provider.lifecycle import Lifecycle, client_for
from provider.resources import base_connection

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["TYPE_TOKEN", "DatabricksBaseConnection", "DatabricksBaseConnectionArgs",
           "DatabricksBaseConnectionProvider", "LifecycleProvider", "client_for", "is_unknown"]

TYPE_TOKEN = "pulumi-python:dynamic/aep:DatabricksBaseConnection"
T = TypeVar("T")


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (during preview)."""
    return isinstance(value, Unknown) or lifecycle.is_unknown(value)


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    # The core sees one spelling of "unknown": the engine's wire sentinel, nested ones too (the
    # dynamic host hands a schedule's or a mapping's unknown part over as an ``Unknown``).
    return {k: _plain_value(v) for k, v in props.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, Unknown):
        return lifecycle.UNKNOWN
    if isinstance(value, dict):
        return {k: _plain_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    return value


class LifecycleProvider(ResourceProvider):
    """The dynamic front door of any resource of ``provider.resources.REGISTRY``: Pulumi's
    dynamic provider hooks over ``provider.lifecycle``. A resource's provider class subclasses it
    in a module of its own and names its API mapping in ``API`` (the class is pickled by
    reference: its name and module are part of the state format).

    Hooks follow the engine's contract: ``diff``/``update``/``delete`` receive the *outputs* in
    state as ``olds``/``props``; if ``create`` fails, nothing was left behind; if ``delete``
    fails, the resource still exists.

    Warnings go to stderr as ``warning: <text>`` (``provider.diagnostics.warn`` with no sink):
    Pulumi's dynamic provider host gives a provider neither the engine's log nor the URN, so a
    warning cannot be put on its resource as the plugin door does; the engine shows the host's
    stderr.
    """

    API: lifecycle.ResourceApi = base_connection.BASE_CONNECTION
    # Instances are stateless when pickled: this class default is replaced in configure().
    _core: Lifecycle = Lifecycle(None, None)

    def __reduce__(self) -> tuple[type[LifecycleProvider], tuple[()]]:
        # Pickled (as ``__provider``, or by anything else) as the class reference alone: a
        # configured instance holds the client, its auth and so the credentials.
        return type(self), ()

    @property
    def _client(self) -> FlowServiceClient | None:
        return self._core.client

    def _props(self, props: dict[str, Any]) -> dict[str, Any]:
        return self.API.SPEC.coerce(_plain(props))

    def configure(self, req: ConfigureRequest) -> None:
        """Build settings, auth and the client from stack config (env vars as fallback)."""
        core, _ = Lifecycle.from_config(req.config.get, os.environ)
        self._core = core.for_api(self.API)

    # -- hooks ---------------------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs with no network; one failure per bad property."""
        checked = self._core.for_api(self.API).check(self._props(news), self._props(olds or {}))
        inputs = {k: news[k] if isinstance(news.get(k), Unknown) else v
                  for k, v in checked.inputs.items()}
        return CheckResult(inputs, [CheckFailure(p, r) for p, r in checked.failures])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        """Replace where the API cannot update in place, update otherwise, nothing when equal."""
        found = self._core.for_api(self.API).diff(self._props(_olds), self._props(_news))
        return DiffResult(changes=bool(found.changed), replaces=list(found.replaces),
                          stables=found.stables, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the resource (or adopt the same-named one when ``adopt_existing``)."""
        done = self._core.for_api(self.API).create(self._props(props))
        for warning in done.warnings:  # the object exists: kept in state, said on stderr
            diagnostics.warn(warning)
        return CreateResult(done.id, done.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh from the live resource; one that is gone leaves state."""
        done = self._core.for_api(self.API).read(id_, self._props(props))
        if not done.id:
            return ReadResult(id_="", outs={})
        return ReadResult(done.id, done.outputs, done.inputs)

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        """Update in place (``If-Match`` where the API has etags); a stale etag changes
        nothing."""
        done = self._core.for_api(self.API).update(_id, self._props(_olds), self._props(_news))
        return UpdateResult(done.outputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Delete the resource; one that is already gone counts as deleted."""
        self._core.for_api(self.API).delete(_id, self._props(_props))


class DatabricksBaseConnectionProvider(LifecycleProvider):
    """The dynamic front door of ``DatabricksBaseConnection`` (its API mapping:
    ``provider.resources.base_connection``)."""

    API = base_connection.BASE_CONNECTION


# -- the resource ------------------------------------------------------------------------------


class DatabricksBaseConnection(DatabricksBaseConnectionOutputs, Resource, module="aep",
                               name="DatabricksBaseConnection"):
    """An AEP Flow Service base connection to a Databricks workspace."""

    @overload
    def __init__(self, resource_name: str, args: DatabricksBaseConnectionArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None,
                 **inputs: Unpack[DatabricksBaseConnectionInputs]) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DatabricksBaseConnectionArgs(...), opts)`` or, as in Pulumi's generated SDKs,
        ``(name, opts=None, name=..., domain=..., ...)`` with the inputs as keyword arguments."""
        register(self, DatabricksBaseConnectionProvider(), SPEC, DatabricksBaseConnectionArgs,
                 resource_name, args_or_opts, kwargs)


def register(resource: Resource, provider: LifecycleProvider, spec: ResourceSpec,
             args_cls: type[Any], resource_name: str, args_or_opts: tuple[Any, ...],
             kwargs: dict[str, Any]) -> None:
    """Register ``resource`` (of ``spec``, served by ``provider``) from either calling form:
    an Args object of ``args_cls`` or keyword inputs."""
    args, opts = args_and_opts(args_cls, spec.name, args_or_opts, kwargs)
    props, secret = program_props(spec, args)
    Resource.__init__(resource, provider, resource_name, props,
                      pulumi.ResourceOptions.merge(keep_type(resource, spec, opts), secret))


def keep_type(resource: Resource, spec: ResourceSpec,
              opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions | None:
    """Keep ``resource``'s type token ``pulumi-python:dynamic/aep:<Name>`` even when its class
    is a user's subclass (Pulumi would name it by the subclass: ``dynamic:Resource``, which no
    policy rule recognises), with an alias to the token the subclass would have had, so a stack
    holding such a resource from 0.1.0 sees no replacement."""
    ours = f"dynamic/aep:{spec.name}"
    theirs = type(resource)._resource_type_name
    if theirs == ours:
        return opts
    resource._resource_type_name = ours  # type: ignore[misc]  # read by Resource.__init__
    alias = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=f"pulumi-python:{theirs}")])
    return pulumi.ResourceOptions.merge(opts, alias)


def program_props(spec: ResourceSpec, args: Any
                  ) -> tuple[dict[str, Any], pulumi.ResourceOptions]:
    """The props a program registers for ``args`` of the resource ``spec`` (in the program's
    process): the sandbox from ``aep:sandboxName`` when unset, secret inputs wrapped, every
    output declared; and the options that keep secret outputs secret."""
    props: dict[str, Any] = {f.state: getattr(args, f.state) for f in spec.inputs}
    if props.get("sandbox_name") is None:
        props["sandbox_name"] = pulumi.Config("aep").get("sandboxName")
    secrets = [f.state for f in spec.fields if f.secret]
    for name in secrets:
        if name in props:
            props[name] = pulumi.Output.secret(props[name])
    props.update(dict.fromkeys(f.state for f in spec.outputs))
    return props, pulumi.ResourceOptions(additional_secret_outputs=secrets)


def args_and_opts(
    cls: type[T], label: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[T, pulumi.ResourceOptions | None]:
    """The Args object (of ``cls``) and options from either calling form of resource
    ``label``: ``(name, Args(...), opts)`` or ``(name, opts=None, **inputs)``."""
    given = args[0] if args else kwargs.get("args")
    if isinstance(given, cls):
        rest = list(args[1:])
        kwargs = {k: v for k, v in kwargs.items() if k != "args"}
        opts = rest.pop(0) if rest else kwargs.pop("opts", None)
        if rest or kwargs:
            raise TypeError(f"{label} takes an Args object or keyword inputs, "
                            f"not both (extra: {sorted(kwargs) or rest})")
        return given, opts
    if len(args) > 1:
        raise TypeError(f"{label}(resource_name, opts=None, **inputs) takes the "
                        "inputs as keyword arguments")
    opts = args[0] if args else kwargs.pop("opts", None)
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError(f"{label}'s second argument must be a {cls.__name__} or "
                        f"pulumi.ResourceOptions, not {type(opts).__name__}")
    return cls(**kwargs), opts
