"""The lifecycle of a Flow Service resource, once, for both front doors.

Check rules, the diff and replace decision, create with duplicate safety (``adopt_existing``,
the client's lookup after an ambiguous create), read with "gone only on proof", update with
``If-Match`` and delete: all here, over plain values named as in state (snake_case, see
``provider.fields``). Secret fields are the ones the field table marks; a front door wraps them
as its protocol wants. Values not known yet (preview) arrive as :data:`UNKNOWN`.

What differs between resources is their :class:`ResourceApi`: a field table and one small
module (or object) of API mapping (``resources.base_connection`` for the base connection,
``provider.pipeline_api`` for the ingestion path). A new resource adds those two and is listed
in ``provider.resources.REGISTRY``; this module and both doors stay as they are. An entity that
is not plain Flow Service CRUD says so through its mapping's calls, not here: ``create``/
``get``/``update``/``delete`` may make any client call (``FlowServiceClient.request_json``
reaches another base path); ``update`` returns ``None`` when nothing is to be sent;
``Created.extra``/``Patched.extra`` add outputs the answer carries (a dataflow's ``state``, a
mapping set's ``version``, credentials); an optional ``read_more(client, sandbox, outputs)``
adds outputs a refresh reads with more requests (a dataflow's run figures); ``delete`` may make
no call and return a notice, which is warned through ``provider.diagnostics.warn`` (the plugin:
a diagnostic on the resource; the dynamic door: stderr), as are a preview's and a refresh's.

This module knows neither ``pulumi.dynamic`` nor the plugin API: ``provider.resource`` (the
dynamic door) and ``provider.native`` (the plugin door) adapt it. It calls the Flow Service
client's public methods only; the advice a Pulumi user reads is applied here to every error an
operation raises, from ``provider.advice``, the one place it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from provider import advice, diagnostics, labels
from provider.claims import Claims
from provider.client import Created, FlowServiceClient
from provider.client_factory import client_for
from provider.errors import (
    SHAPE_ERRORS,
    AepError,
    ApiError,
    ConfigurationError,
    ConnectionTestFailed,
    MissingSettingsError,
    NotFoundError,
    UnexpectedAnswerError,
)
from provider.outcomes import UNKNOWN as UNKNOWN
from provider.outcomes import Checked as Checked
from provider.outcomes import Diff as Diff
from provider.outcomes import Outcome as Outcome
from provider.outcomes import Props as Props
from provider.outcomes import is_unknown as is_unknown
from provider.redaction import register
from provider.resources import base_connection
from provider.resources.base import WARNING, ResourceApi
from provider.schema_links import LINKS as _links
from provider.settings import ProviderSettings, configured_sandbox

_claims = Claims()


def _holder(api: ResourceApi, props: Mapping[str, Any], sandbox: str, how: str = "") -> str:
    who = f"{api.NOUN} {props.get('name')!r} in sandbox {sandbox!r}"
    return f"{who}, {how}" if how else who


class Lifecycle:
    """The operations on one resource type (``api``) of one configured provider. Stateless
    between calls, thread-safe as the client is: the plugin runs many of them at once.

    ``spelling`` is the front door's: ``"state"`` (the Python door: ``sandbox_name``) or
    ``"schema"`` (the plugin: ``sandboxName``); every sentence a user reads names properties so.
    """

    def __init__(self, client: FlowServiceClient | None, default_sandbox: str | None,
                 configure_error: ConfigurationError | None = None,
                 api: ResourceApi = base_connection.BASE_CONNECTION,
                 spelling: str = "state", not_found_means_gone: bool = False) -> None:
        self.client = client
        self.default_sandbox = default_sandbox
        self.configure_error = configure_error
        self.api = api
        self.spelling = spelling
        self.not_found_means_gone = not_found_means_gone

    def for_api(self, api: ResourceApi) -> Lifecycle:
        """The same configured provider, operating on another resource type."""
        return Lifecycle(self.client, self.default_sandbox, self.configure_error, api,
                         self.spelling, self.not_found_means_gone)

    def spell(self, text: str) -> str:
        """``text``, naming properties by state keys, in the front door's spelling."""
        return text if self.spelling == "state" else self.api.SPEC.schema_words(text)

    @classmethod
    def from_config(cls, get: Callable[[str], str | None],
                    environ: Mapping[str, str], spelling: str = "state"
                    ) -> tuple[Lifecycle, ProviderSettings | None]:
        """A lifecycle from stack config keys (``aep:clientId``...) with env fallbacks.

        A configuration error is kept and reported by ``check`` (so `pulumi preview` names the
        keys to set) and by every other operation.
        """
        try:
            settings = ProviderSettings.from_config(get, environ)
        except ConfigurationError as error:
            # The sandbox is still the default of resources without one: check must not call
            # it missing when only a credential is.
            return cls(None, configured_sandbox(get, environ), error, spelling=spelling), None
        client = client_for(settings)
        if settings.tenant_id:
            from provider.resources.xdm_calls import know_tenant

            know_tenant(client, settings.tenant_id)
        return cls(client, settings.sandbox_name, spelling=spelling,
                   not_found_means_gone=settings.not_found_means_gone), settings

    # -- operations ----------------------------------------------------------------------------

    def check(self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None) -> Checked:
        """Validate inputs with no network; one failure per bad property (``olds``: the old
        inputs, for a mapping's ``check_change`` and the inputs only a new one needs)."""
        api = self.api
        inputs = dict(news)
        inputs.update(getattr(api, "generated", lambda *_: {})(inputs, olds or {}))
        for field in api.SPEC.inputs:
            if field.default == "aep:sandboxName" and inputs.get(field.state) is None \
                    and self.default_sandbox:
                inputs[field.state] = self.default_sandbox
            if field.value_default is not None and inputs.get(field.state) is None:
                inputs[field.state] = field.value_default
        domain = inputs.get("domain")
        if isinstance(domain, str) and domain.endswith("/"):
            inputs["domain"] = domain.rstrip("/")
        for name in api.SECRET_FIELDS:
            if isinstance(inputs.get(name), str) and not is_unknown(inputs[name]):
                register(inputs[name])
        failures = api.check_inputs(inputs, is_unknown)
        failures += labels.new_only_failures(api, inputs, olds, self.spell)
        if olds and hasattr(api, "check_change"):
            failures += [(p, self.spell(r)) for p, r in api.check_change(olds, inputs)]
        # The schema its linked resources name (known at apply when outputs at preview).
        failures += [(p, self.spell(r)) for p, r in _links.problems(api, inputs, is_unknown)]
        if self.configure_error is not None:
            # Reported at preview, before any API call, one failure per missing setting; "aep"
            # is the settings namespace, not an input, so the engine has no value to print.
            error = self.configure_error
            problems = (error.problems if isinstance(error, MissingSettingsError)
                        else (str(error),))
            failures += [("aep", problem) for problem in problems]
        return Checked(inputs, failures)

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Replace on a sandbox change, update in place otherwise, nothing when equal.
        ``olds`` are the outputs in state. An unknown new value counts as a change."""
        _claims.present(olds.get(self.api.SPEC.id_field))  # a predecessor in state, too
        found = self.api.diff_props(olds, news, is_unknown)
        # What it names once this step is done: a replaced one keeps its state until deleted.
        _links.record(self.api, olds if found.replaces else {**olds, **news}, is_unknown)
        for text in getattr(self.api, "warnings", lambda _o, _n: [])(olds, news):
            diagnostics.warn(self.spell(text))
        kinds: dict[str, str] = {}
        for name in found.changed:
            old, new = olds.get(name), news.get(name)
            kind = "add" if old is None else "delete" if new is None else "update"
            kinds[name] = f"{kind}-replace" if name in found.replaces else kind
        return Diff(kinds=kinds, replaces=found.replaces, inputs=self.api.INPUT_FIELDS)

    def create(self, props: Mapping[str, Any]) -> Outcome:
        """Create the resource (or, where it takes ``adopt_existing``, adopt the same-named one).
        An id once answered is never lost: if a later step fails, it is kept with a warning."""
        client, sandbox = self._target(props)
        api = self.api
        try:
            with about(props, "create", api.NOUN,
                       adoptable=api.SPEC.by_state("adopt_existing") is not None,
                       spell=self.spell):
                if props.get("adopt_existing"):
                    adopted = self._adopt(client, sandbox, props)
                    if adopted is not None:
                        return adopted
                created = api.create(client, sandbox, api.create_body(props))
        except AepError as failed:
            if not failed.created_id:
                raise  # else kept as it is: the object exists, with this warning
            if isinstance(failed, ConnectionTestFailed) and self.spelling == "state":
                raise self._undo(client, sandbox, props, failed) from None
            created = Created(failed.created_id, "", None, {  # type: ignore[arg-type]
                **getattr(api, "AS_MADE", {}), **(failed.created_outputs or {}),
                WARNING: advice.kept_created(
                    api.NOUN, props.get("name"), failed.created_id, str(failed))})
        _claims.hold(sandbox, created.id, _holder(api, props, sandbox, "created"))
        outs = api.outputs(props, id_=created.id, etag=created.etag, state="enabled",
                           created_ms=created.date_ms, updated_ms=created.date_ms)
        outs.update(created.extra)
        warning = outs.pop(WARNING, None)
        _links.record(api, outs)
        return Outcome(created.id, outs, warnings=(self.spell(warning),) if warning else ())

    def _undo(self, client: FlowServiceClient, sandbox: str, props: Mapping[str, Any],
              failed: AepError) -> AepError:
        """A create that must fail, through the dynamic door (no partial failure): undone."""
        id_ = str(failed.created_id)
        try:
            self.api.delete(client, sandbox, id_)
        except AepError as stuck:
            return short(ConfigurationError(self.spell(
                advice.test_left_connection(id_, props.get("name"), stuck.message))))
        _claims.release(sandbox, id_)
        return short(failed)

    def preview_create(self, props: Mapping[str, Any]) -> Outcome:
        """What a create will produce, as far as known before it runs: unknown outputs."""
        outs = self.api.inputs_of(props)
        outs.update(dict.fromkeys(self.api.OUTPUT_FIELDS, UNKNOWN))
        return Outcome("", outs)

    def read(self, id_: str, props: Mapping[str, Any]) -> Outcome:
        """Refresh (or import, with empty ``props``) from the live item.

        The resource is gone (id ``""``) only when the service says so (``NotFoundError``);
        a sandbox error or any other failure is raised. Import reads in the provider's sandbox
        and returns every input the API shows: not a secret it masks (a connection's token).
        """
        client, sandbox = self._target(props)
        api = self.api
        with about({**props, "name": props.get("name", id_), "sandbox_name": sandbox},
                   "refresh", api.NOUN, spell=self.spell):
            try:
                item = labels.read_item(api, client, sandbox, id_, props,
                                        self.not_found_means_gone, self.spell)
            except NotFoundError:
                _claims.release(sandbox, id_)
                return Outcome("", {})
            if item is None:  # 1439, hidden by access labels maybe: kept as the stack has it
                return Outcome(id_, dict(props), api.inputs_of(props))
            _claims.hold(sandbox, id_, _holder(api, {"name": id_, **props}, sandbox, "read"))
            outs, inputs = live(api, id_, item, {**props, "sandbox_name": sandbox})
            _links.record(api, outs)
            # Outputs that take more requests than the item's GET (a dataflow's run figures).
            read_more = getattr(api, "read_more", None)
            if read_more is not None:
                outs.update(read_more(client, sandbox, outs))
            return Outcome(id_, outs, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Outcome:
        """Update in place (for Flow Service: one PATCH with ``If-Match`` = the etag in state;
        a stale etag changes nothing). No request when nothing is to be sent."""
        client, sandbox = self._target(news)
        api = self.api
        _claims.hold(sandbox, id_, _holder(api, news, sandbox, "updated"))
        # After a lost answer, a 412 on the retry is taken as "already applied" only if the live
        # item shows it. The API masks secrets, so a secret change cannot be seen: the etag may
        # have moved because someone else edited it, and our secret never landed.
        applied = (None if api.secret_changed(olds, news)
                   else (lambda item: api.matches(item, news)))
        with about({**news, "name": news.get("name") or olds.get(api.SPEC.id_field) or id_},
                   "update", api.NOUN, spell=self.spell):
            patched = api.update(client, sandbox, id_, str(olds.get("etag") or ""), olds, news,
                                 applied)
        if patched is None:
            # An input no longer declared leaves state with it (else it diffs again forever).
            kept = {k: v for k, v in olds.items() if k not in api.INPUT_FIELDS}
            outs = {**kept, **api.inputs_of(news)}
            _links.record(api, outs)
            return Outcome(id_, {k: v for k, v in outs.items() if not k.startswith("__")})
        outs = api.outputs(news, id_=id_, etag=patched.etag, state=olds.get("state"),
                             created_ms=None, updated_ms=patched.date_ms)
        outs["created_at"] = olds.get("created_at")
        outs.update(patched.extra)
        _links.record(api, outs)
        return Outcome(id_, {k: v for k, v in outs.items() if k in api.OUTPUT_FIELDS
                             or k in api.INPUT_FIELDS})

    def preview_update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Outcome:
        """What an update will produce before it runs: the etag and update time unknown."""
        outs = {k: v for k, v in olds.items() if k in self.api.OUTPUT_FIELDS}
        outs.update(self.api.inputs_of(news))
        outs.update({k: UNKNOWN for k in self.api.CHANGING_OUTPUTS
                     if k in self.api.OUTPUT_FIELDS})
        return Outcome(str(olds.get(self.api.SPEC.id_field) or ""), outs)

    def delete(self, id_: str, props: Mapping[str, Any]) -> str | None:
        """Delete the resource; one that is already gone counts as deleted. Returns the notice
        of a delete that makes no call (also warned: ``provider.diagnostics.warn``)."""
        client, sandbox = self._target(props)
        with about({**props, "name": props.get("name") or id_}, "delete", self.api.NOUN,
                   spell=self.spell):
            kept = getattr(self.api, "kept", None)
            try:
                notice = (kept and kept(id_, sandbox, props)) or self.api.delete(client,
                                                                                 sandbox, id_)
            except NotFoundError:
                _claims.release(sandbox, id_)
                return None
            except ApiError as error:
                notice = labels.on_delete(error, self.api.NOUN, id_, sandbox,
                                          self.not_found_means_gone)
            _claims.release(sandbox, id_)
            _links.forget(self.api, sandbox, id_)
        if notice:
            notice = self.spell(notice)
            diagnostics.warn(notice)
        return notice

    # -- helpers -------------------------------------------------------------------------------

    def _target(self, props: Mapping[str, Any]) -> tuple[FlowServiceClient, str]:
        if self.configure_error is not None:
            raise short(self.configure_error)
        if self.client is None:
            raise ConfigurationError("the AEP provider was not configured: the engine did not "
                                     "send the stack config (Configure) before this call")
        sandbox = props.get("sandbox_name") or self.default_sandbox
        if not sandbox:
            raise ConfigurationError(self.spell(advice.no_sandbox()))
        return self.client, str(sandbox)

    def _adopt(self, client: FlowServiceClient, sandbox: str,
               props: Mapping[str, Any]) -> Outcome | None:
        api = self.api
        found = api.find_by_name(client, sandbox, props["name"])
        if not found:
            return None
        if len(found) > 1:
            ids = ", ".join(str(item.get("id")) for item in found)
            raise ConfigurationError(advice.adopt_several(len(found), props["name"], sandbox, ids))
        item = found[0]
        if not api.is_own_kind(item):
            raise ConfigurationError(advice.adopt_not_own_kind(item.get("id"), props["name"],
                                                               api.NOUN))
        _claims.adopt(sandbox, str(item["id"]), _holder(api, props, sandbox), api.NOUN)
        # The token is masked by the API, so the params are always sent: the adopted connection
        # ends up exactly as declared. For the same reason a 412 after a lost answer is never
        # taken as "already applied" (no ``applied`` check): the token change cannot be seen.
        ops = [op for op in api.patch_ops({}, props) if op["path"] != "/name"]
        etag = str(item.get("etag") or "")
        try:
            patched = api.patch(client, sandbox, str(item["id"]), etag, ops, None)
        except AepError:
            _claims.release(sandbox, str(item["id"]))  # not adopted: no resource holds it
            raise
        outs = api.outputs(props, id_=str(item["id"]), etag=patched.etag,
                             state=item.get("state"), created_ms=item.get("createdAt"),
                             updated_ms=patched.date_ms)
        return Outcome(str(item["id"]), outs)


def live(api: ResourceApi, id_: str, item: Mapping[str, Any],
         prior: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``api.from_api(item, prior)``; an item of the wrong shape (``{"params": [1]}``, a
    ``scheduleParams`` string...) is an ``UnexpectedAnswerError`` naming the id, never a
    traceback and never read as empty (which would show as drift for the next ``up`` to undo)."""
    try:
        return api.from_api(item, prior)
    except SHAPE_ERRORS as error:
        raise UnexpectedAnswerError(
            "GET", id_, 200, f"the live {api.NOUN} {id_} is not in the shape Flow Service "
            f"documents ({type(error).__name__} reading it); nothing was changed") from None


def short(error: AepError) -> AepError:
    """``error`` with its traceback cut: a host prints the traceback of whatever an operation
    raises; dropping the frames below keeps the message short and ending with ours."""
    return error.with_traceback(None)


@contextmanager
def about(props: Mapping[str, Any], action: str, noun: str, *, adoptable: bool = False,
          spell: advice.Spell = advice.as_written) -> Iterator[None]:
    """Prefix errors raised inside with the resource they concern, and add the advice for them
    (``adoptable``: the resource takes ``adopt_existing``), in the door's spelling ``spell``."""
    try:
        yield
    except AepError as error:
        name = props.get("name")
        sandbox = props.get("sandbox_name")
        advice.advise(error, action, name, sandbox, noun, adoptable=adoptable, spell=spell)
        named = f" {name!r}" if name is not None else ""
        raise short(error.with_context(
            f"{action} of {noun}{named} in sandbox {sandbox!r} failed"
        )) from None
