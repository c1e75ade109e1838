"""The ``DatabricksBaseConnection`` resource and the dynamic provider behind it.

The provider class lives here, in an importable module, so Pulumi pickles it *by reference*: the
``__provider`` blob in state names this class and holds no code and no credentials (its instance
``__dict__`` is empty when pickled). Credentials, the auth object and the HTTP client are made in
``configure()``, inside the provider host, from the stack config the engine sends.

Renaming this module or ``DatabricksBaseConnectionProvider`` would break every existing stack that
holds one of these resources: both names are part of the state format.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, overload

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

from provider import model, validation
from provider.auth import ImsTokenAuth, StaticTokenAuth
from provider.client import FlowServiceClient, RetryPolicy
from provider.errors import AepError, ConfigurationError, ConflictError, InUseError, NotFoundError
from provider.redaction import register
from provider.settings import ProviderSettings

TYPE_TOKEN = "pulumi-python:dynamic/aep:DatabricksBaseConnection"
_UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (during preview)."""
    return isinstance(value, Unknown) or value == _UNKNOWN_WIRE


class DatabricksBaseConnectionProvider(ResourceProvider):
    """CRUD for a Flow Service base connection to Databricks.

    Hooks follow the engine's contract: ``diff``/``update``/``delete`` receive the *outputs* in
    state as ``olds``/``props``; if ``create`` fails, no connection was left behind; if ``delete``
    fails, the connection still exists.
    """

    # Instances are stateless when pickled: these class defaults are replaced in configure().
    _client: FlowServiceClient | None = None
    _default_sandbox: str | None = None
    _configure_error: ConfigurationError | None = None

    def configure(self, req: ConfigureRequest) -> None:
        """Build settings, auth and the client from stack config (env vars as fallback).

        A configuration error is kept and raised by the first hook, so it shows as the failure
        of that resource, with the keys to set.
        """
        self._configure_error = None
        try:
            settings = ProviderSettings.from_config(req.config.get, os.environ)
        except ConfigurationError as error:
            self._configure_error = error
            return
        self._client = client_for(settings)
        self._default_sandbox = settings.sandbox_name

    # -- hooks ---------------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs with no network; one failure per bad property."""
        inputs = dict(news)
        if inputs.get("sandbox_name") is None and self._default_sandbox:
            inputs["sandbox_name"] = self._default_sandbox
        domain, token = inputs.get("domain"), inputs.get("access_token")
        if isinstance(domain, str) and domain.endswith("/"):
            inputs["domain"] = domain.rstrip("/")
        if isinstance(token, str):
            register(token)
        failures = [CheckFailure(prop, reason)
                    for prop, reason in validation.check_inputs(inputs, is_unknown)]
        if self._configure_error is not None:
            # Reported at preview, before any API call; "aep" is the settings namespace, not an
            # input, so the engine has no value to print beside it.
            failures.append(CheckFailure("aep", str(self._configure_error)))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        """Replace on a sandbox change, update in place otherwise, nothing when equal."""
        found = model.diff_props(_olds, _news, is_unknown)
        return DiffResult(
            changes=bool(found.changed),
            replaces=list(found.replaces),
            stables=[f for f in model.INPUT_FIELDS if f not in found.changed],
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the connection (or adopt the same-named one when ``adopt_existing``)."""
        client, sandbox = self._target(props)
        with _about(props, "create"):
            if props.get("adopt_existing"):
                adopted = self._adopt(client, sandbox, props)
                if adopted is not None:
                    return adopted
            created = client.create_connection(sandbox, model.create_body(props))
            outs = model.outputs(props, id_=created.id, etag=created.etag, state="enabled",
                                 created_ms=created.date_ms, updated_ms=created.date_ms)
            return CreateResult(created.id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh from the live connection; a connection that is gone leaves state."""
        client, sandbox = self._target(props)
        with _about(props, "refresh"):
            try:
                item = client.get_connection(sandbox, id_)
            except NotFoundError:
                return ReadResult(id_="", outs={})
            outs, inputs = model.from_api(item, {**props, "sandbox_name": sandbox})
            return ReadResult(id_, outs, inputs)

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        """One PATCH with ``If-Match`` = the etag in state; a stale etag changes nothing."""
        client, sandbox = self._target(_news)
        ops = model.patch_ops(_olds, _news)
        if not ops:
            outs = {**_olds, **model.inputs_of(_news)}
            return UpdateResult({k: v for k, v in outs.items() if not k.startswith("__")})
        with _about(_news, "update"):
            patched = self._patch(client, sandbox, _id, str(_olds.get("etag") or ""), ops, _news,
                                  secret_changed=model.secret_changed(_olds, _news))
        outs = model.outputs(
            _news, id_=_id, etag=patched.etag, state=_olds.get("state"), created_ms=None,
            updated_ms=patched.date_ms,
        )
        outs["created_at"] = _olds.get("created_at")
        return UpdateResult(outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Delete the connection; one that is already gone counts as deleted."""
        client, sandbox = self._target(_props)
        with _about(_props, "delete"):
            try:
                client.delete_connection(sandbox, _id)
            except NotFoundError:
                return
            except InUseError as error:
                raise error.with_hint(
                    "Dataflows still use this connection: delete those dataflows first (Flow "
                    "Service /flows), then run `pulumi up` again; to stop managing the connection "
                    "without deleting it, run `pulumi state delete <urn>`."
                ) from None

    # -- helpers -------------------------------------------------------------------------------

    def _target(self, props: dict[str, Any]) -> tuple[FlowServiceClient, str]:
        if self._configure_error is not None:
            raise _short(self._configure_error)
        if self._client is None:
            raise ConfigurationError("the AEP provider was not configured: the engine did not "
                                     "send the stack config (Configure) before this call")
        sandbox = props.get("sandbox_name") or self._default_sandbox
        if not sandbox:
            raise ConfigurationError("no sandbox: set sandbox_name on the resource or "
                                     "`pulumi config set aep:sandboxName <sandbox>`")
        return self._client, str(sandbox)

    def _adopt(self, client: FlowServiceClient, sandbox: str,
               props: dict[str, Any]) -> CreateResult | None:
        found = client.find_by_name(sandbox, props["name"])
        if not found:
            return None
        if len(found) > 1:
            ids = ", ".join(str(item.get("id")) for item in found)
            raise ConfigurationError(
                f"adopt_existing found {len(found)} connections named {props['name']!r} in "
                f"sandbox {sandbox!r} ({ids}); delete the duplicates in AEP or give this "
                "connection another name")
        item = found[0]
        if not model.is_databricks(item):
            raise ConfigurationError(
                f"adopt_existing found connection {item.get('id')} named {props['name']!r}, but "
                "it is not a Databricks connection; rename one of them")
        # The token is masked by the API, so the params are always sent: the adopted connection
        # ends up exactly as declared.
        ops = [op for op in model.patch_ops({}, props) if op["path"] != "/name"]
        etag = str(item.get("etag") or "")
        patched = self._patch(client, sandbox, str(item["id"]), etag, ops, props,
                              secret_changed=True)
        outs = model.outputs(props, id_=str(item["id"]), etag=patched.etag,
                             state=item.get("state"), created_ms=item.get("createdAt"),
                             updated_ms=patched.date_ms)
        return CreateResult(str(item["id"]), outs)

    @staticmethod
    def _patch(client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               ops: list[dict[str, Any]], news: dict[str, Any], *, secret_changed: bool) -> Any:
        # After a lost answer, a 412 on the retry is taken as "already applied" only if the live
        # connection shows it. The API masks the token, so a token change cannot be seen: the
        # etag may have moved because someone else edited it, and our token never landed.
        applied = None if secret_changed else (lambda item: model.matches(item, news))
        try:
            return client.patch_connection(sandbox, id_, etag, ops, applied=applied)
        except ConflictError as error:
            raise error.with_hint(
                "The connection changed since the last refresh (outside Pulumi, or by an earlier "
                "attempt of this update whose answer was lost), so Pulumi stopped rather than "
                "overwrite it. Run `pulumi refresh` to see the live values, then `pulumi up`."
            ) from None


def client_for(settings: ProviderSettings) -> FlowServiceClient:
    """The Flow Service client for ``settings`` (shared token cache per credential)."""
    auth: ImsTokenAuth | StaticTokenAuth
    timeout = (min(5.0, settings.timeout_seconds), settings.timeout_seconds)
    if settings.client_secret:
        auth = ImsTokenAuth(settings.ims_url, settings.client_id, settings.client_secret,
                            settings.scopes, timeout=timeout)
    else:
        auth = StaticTokenAuth(str(settings.access_token))
    retry = RetryPolicy(attempts=int(settings.retry_attempts),
                        total_seconds=settings.retry_max_seconds,
                        base_delay=settings.retry_base_delay)
    return FlowServiceClient(settings.platform_url, org_id=settings.org_id,
                             api_key=settings.client_id, auth=auth, retry=retry, timeout=timeout)


def _short(error: AepError) -> AepError:
    # The host prints the traceback of whatever a hook raises; dropping the frames below the
    # hook keeps the engine's message short and ending with the sentence that matters.
    return error.with_traceback(None)


@contextmanager
def _about(props: dict[str, Any], action: str) -> Iterator[None]:
    """Prefix errors raised inside with the connection they concern."""
    try:
        yield
    except AepError as error:
        name = props.get("name")
        sandbox = props.get("sandbox_name")
        raise _short(error.with_context(
            f"{action} of Databricks connection {name!r} in sandbox {sandbox!r} failed"
        )) from None


# -- the resource ------------------------------------------------------------------------------


@dataclasses.dataclass
class DatabricksBaseConnectionArgs:
    """Inputs of a ``DatabricksBaseConnection``.

    ``access_token`` is made secret whatever form it arrives in. ``sandbox_name`` defaults to the
    stack config ``aep:sandboxName``. ``adopt_existing`` lets create take over a connection of the
    same name in the sandbox instead of making a second one.
    """

    name: pulumi.Input[str]
    domain: pulumi.Input[str]
    cluster_id: pulumi.Input[str]
    access_token: pulumi.Input[str]
    database: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    catalog: pulumi.Input[str] | None = None
    sandbox_name: pulumi.Input[str] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


class DatabricksBaseConnection(Resource, module="aep", name="DatabricksBaseConnection"):
    """An AEP Flow Service base connection to a Databricks workspace."""

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    domain: pulumi.Output[str]
    cluster_id: pulumi.Output[str]
    access_token: pulumi.Output[str]
    database: pulumi.Output[str]
    catalog: pulumi.Output[str | None]
    sandbox_name: pulumi.Output[str]
    adopt_existing: pulumi.Output[bool | None]
    connection_id: pulumi.Output[str]
    etag: pulumi.Output[str]
    state: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]

    @overload
    def __init__(self, resource_name: str, args: DatabricksBaseConnectionArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, *,
                 name: pulumi.Input[str],
                 domain: pulumi.Input[str],
                 cluster_id: pulumi.Input[str],
                 access_token: pulumi.Input[str],
                 database: pulumi.Input[str],
                 description: pulumi.Input[str] | None = None,
                 catalog: pulumi.Input[str] | None = None,
                 sandbox_name: pulumi.Input[str] | None = None,
                 adopt_existing: pulumi.Input[bool] | None = None) -> None: ...

    def __init__(self, resource_name: str, *args_or_opts: Any, **kwargs: Any) -> None:
        """``(name, DatabricksBaseConnectionArgs(...), opts)`` or, as in Pulumi's generated SDKs,
        ``(name, opts=None, name=..., domain=..., ...)`` with the inputs as keyword arguments."""
        args, opts = _args_and_opts(args_or_opts, kwargs)
        sandbox = args.sandbox_name
        if sandbox is None:
            sandbox = pulumi.Config("aep").get("sandboxName")
        props: dict[str, Any] = {
            "name": args.name,
            "description": args.description,
            "domain": args.domain,
            "cluster_id": args.cluster_id,
            "access_token": pulumi.Output.secret(args.access_token),
            "database": args.database,
            "catalog": args.catalog,
            "sandbox_name": sandbox,
            "adopt_existing": args.adopt_existing,
        }
        props.update(dict.fromkeys(model.OUTPUT_FIELDS))
        secret = pulumi.ResourceOptions(additional_secret_outputs=["access_token"])
        super().__init__(DatabricksBaseConnectionProvider(), resource_name, props,
                         pulumi.ResourceOptions.merge(opts, secret))


def _args_and_opts(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[DatabricksBaseConnectionArgs, pulumi.ResourceOptions | None]:
    """The Args object and options from either calling form of ``DatabricksBaseConnection``."""
    given = args[0] if args else kwargs.get("args")
    if isinstance(given, DatabricksBaseConnectionArgs):
        rest = list(args[1:])
        kwargs = {k: v for k, v in kwargs.items() if k != "args"}
        opts = rest.pop(0) if rest else kwargs.pop("opts", None)
        if rest or kwargs:
            raise TypeError("DatabricksBaseConnection takes an Args object or keyword inputs, "
                            f"not both (extra: {sorted(kwargs) or rest})")
        return given, opts
    if len(args) > 1:
        raise TypeError("DatabricksBaseConnection(resource_name, opts=None, **inputs) takes the "
                        "inputs as keyword arguments")
    opts = args[0] if args else kwargs.pop("opts", None)
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError("DatabricksBaseConnection's second argument must be a "
                        "DatabricksBaseConnectionArgs or pulumi.ResourceOptions, not "
                        f"{type(opts).__name__}")
    return DatabricksBaseConnectionArgs(**kwargs), opts

