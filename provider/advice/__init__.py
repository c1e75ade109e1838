"""What a Pulumi user should do about a failure: written once, here, one entry per kind.

The HTTP client (``provider.client``) raises facts: which call failed, the URL that answered, the
status, Adobe's code, whether the call may have taken effect. This module, above it, turns those
facts into the sentence a Pulumi user reads (which command to run, which ``aep:`` setting or
input to fix), through ``ApiError.with_hint``. The resource layer applies it to every error a
hook raises; an error that already carries a hint keeps it.

Every sentence here names a property by its state key (``sandbox_name``, ``adopt_existing``); the
front door supplies the spelling (``spell``): the Python door keeps the keys as written, the
plugin passes its schema spelling (``sandboxName``), so a YAML or TypeScript user reads the name
they wrote. Config keys (``aep:sandboxName``) are the same in every language. The first hour's
sentences (``setup``) and schema as code's (``schemas``) are modules of this package, re-exported.
"""

from __future__ import annotations

from collections.abc import Callable

from provider.advice.schemas import (
    breaking_replace,
    field_group_kept,
    profile_never_disabled,
    profile_schema_kept,
    schema_not_deleted,
    schema_ref_mismatch,
)
from provider.advice.setup import (
    INVALID_CLIENT_CODE,
    SANDBOX_CODES,
    WRONG_ORG_CODE,
    cli_advice,
    emulator_secret_mismatch,
    invalid_client_hint,
    missing_setting,
)
from provider.errors import (
    AepError,
    ApiError,
    AuthError,
    ConfigurationError,
    ConflictError,
    InUseError,
    InvalidIdError,
    NotFoundError,
    TransientError,
    UnexpectedAnswerError,
)
from provider.http.sender import held_ids
from provider.settings import DEFAULT_IMS_URL

__all__ = [
    "INVALID_CLIENT_CODE",
    "SANDBOX_CODES",
    "WRONG_ORG_CODE",
    "Spell",
    "adopt_held",
    "adopt_not_own_kind",
    "adopt_several",
    "advise",
    "as_written",
    "auth_hint",
    "breaking_replace",
    "cli_advice",
    "connection_test_failed",
    "emulator_secret_mismatch",
    "field_group_kept",
    "hidden_kept",
    "hidden_not_deleted",
    "hidden_taken_as_gone",
    "hint_for",
    "invalid_client_hint",
    "invalid_id_hint",
    "kept_created",
    "lost_create_candidates",
    "mapping_version_missing",
    "missing_setting",
    "no_sandbox",
    "profile_never_disabled",
    "profile_schema_kept",
    "required_new",
    "required_new_missing",
    "sandbox_mismatch",
    "schema_not_deleted",
    "schema_ref_mismatch",
    "staging_id_foreign",
    "state_not_reached",
    "test_left_connection",
]

# The front door's spelling of a text naming properties by their state keys.
Spell = Callable[[str], str]


def as_written(text: str) -> str:
    """The Python door's spelling: state keys as they are."""
    return text

_PLATFORM_URL = ("check aep:platformUrl: it must be the Experience Platform API base URL "
                 "(https://platform.adobe.io, no path), reached with no proxy that rewrites "
                 "answers")


def advise(error: AepError, action: str, name: object, sandbox: object,
           noun: str = "connection", *, adoptable: bool = False,
           spell: Spell = as_written) -> AepError:
    """``error`` with the advice for its kind (unless it already carries a hint), the
    provider's own words in the door's spelling ``spell``. ``adoptable``: the resource takes
    ``adopt_existing`` (a lost create's advice says so)."""
    if isinstance(error, ApiError):
        error.with_hint(spell(error.hint or hint_for(error, action, name, sandbox, noun,
                                                     adoptable=adoptable)))
    elif isinstance(error, AuthError) and not error.hint:
        error.with_hint(auth_hint(error))
    elif isinstance(error, InvalidIdError) and not error.hint:
        error.with_hint(invalid_id_hint(error))
    elif isinstance(error, ConfigurationError):
        error.args = (spell(error.message),)  # the provider's own sentence, already redacted
    return error


def no_sandbox() -> str:
    """A resource without a sandbox, and no default in the stack config."""
    return ("no sandbox: set sandbox_name on the resource or "
            "`pulumi config set aep:sandboxName <sandbox>`")


# Adobe's database-source tutorials (collect/database-nosql.md): a dataflow from a database
# source needs a Copy transformation with a delta column and a Mapping transformation.
_DATABASE_SOURCE_RULE = ("Adobe requires a delta column and a mapping set for a dataflow from "
                         "a database source such as Databricks")


def required_new(noun: str, name: str) -> str:
    """An input a new resource must have (``ResourceApi.REQUIRED_NEW``) is not set."""
    return (f"{name} is required for a new {noun}: {_DATABASE_SOURCE_RULE}; set {name} "
            "(delta_column: the column that orders changes; mapping_set_id: a MappingSet's id)")


def required_new_missing(noun: str, names: list[str]) -> str:
    """An existing resource (made before the rule) lacks inputs a new one needs."""
    listed = " and ".join(names)
    return (f"this {noun} has no {listed}: {_DATABASE_SOURCE_RULE}. It was created without "
            "them and keeps working as it is, but a replacement (or a new one) needs them: "
            f"set {listed}")


# Flow Service's 1439 (sources/tutorials/api/labels.md) has two meanings.
_HIDDEN = ("Flow Service answers code 1439 for {noun} {id_} in sandbox {sandbox!r}: it was "
           "deleted, or access labels hide it from this credential (then it still exists and "
           "may still be running)")
_STATE_DELETE = ("If it was deleted, remove it from the stack with `pulumi state delete "
                 "'<urn>'` (`pulumi stack --show-urns` lists the URN); if labels hide it, give "
                 "this credential access to them. To take 1439 as proof of deletion, "
                 "`pulumi config set aep:notFoundMeansGone true`")


def hidden_kept(noun: str, id_: str, sandbox: str) -> str:
    """A refresh answered 1439 (default): the resource is kept as the stack has it."""
    return (f"{_HIDDEN.format(noun=noun, id_=id_, sandbox=sandbox)}. Refresh keeps it in the "
            f"stack unchanged. {_STATE_DELETE}.")


def hidden_not_deleted(noun: str, id_: str, sandbox: str) -> str:
    """A delete answered 1439 (default): it fails, so nothing running is forgotten."""
    return (f"{_HIDDEN.format(noun=noun, id_=id_, sandbox=sandbox)}, so Pulumi cannot tell "
            f"whether it is gone and keeps it in the stack. {_STATE_DELETE}.")


def hidden_taken_as_gone(noun: str, id_: str, sandbox: str, action: str) -> str:
    """A refresh or delete answered 1439 with aep:notFoundMeansGone: taken as deleted."""
    return (f"{_HIDDEN.format(noun=noun, id_=id_, sandbox=sandbox)}; aep:notFoundMeansGone is "
            f"true, so the {action} takes it as deleted and removes it from the stack.")


def connection_test_failed(name: object) -> str:
    """Flow Service's connection test answered false."""
    return (f"connection {name!r} cannot reach Databricks: check access_token (not expired "
            "or revoked, from a user allowed on the cluster), cluster_id and domain, and that "
            "the cluster is running; then run `pulumi up` again")


def test_left_connection(id_: str, name: object, failure: str) -> str:
    """A failed connection test whose connection could not be deleted again."""
    return (f"connection {name!r} ({id_}) was created but its test failed, and deleting it "
            f"again failed too ({failure}): delete {id_} in AEP, or set adopt_existing on "
            "this connection so the next `pulumi up` takes it over")


def kept_created(noun: str, name: object, id_: str, failure: str) -> str:
    """A create answered an id, then a later step failed: the object is kept in state."""
    named = f" {name!r}" if name is not None else ""
    return (f"{noun}{named} was created as {id_}, then {failure}; it is kept in the stack "
            "with its real properties (not created again): fix the cause, then run "
            "`pulumi up`, which updates it instead of making another")


def mapping_version_missing(id_: str, known: int, live: int) -> str:
    """A refresh's GET of the stack's mapping set version answered 404; the set exists."""
    return (f"mapping set {id_} has no version {known} (the stack's version): Data Prep "
            "answers 404 for it, though the set exists (that version was never saved, or the "
            "service went back). The refresh keeps the mapping set and takes it as Data Prep "
            f"answers without a version (version {live}), so any difference shows as drift; "
            "`pulumi up` stores the declared mappings as a new version")


def state_not_reached(noun: str, name: object, id_: str, declared: str, actual: str,
                      failure: str) -> str:
    """An object left in another state than declared (a dataflow left enabled)."""
    action = "disable" if declared == "disabled" else "enable"
    return (f"{noun} {name!r} ({id_}) is {actual}, not {declared} as declared: {failure}; "
            f"the stack shows it {actual}, so the next `pulumi up` will {action} it")


def adopt_held(noun: str, id_: str, held_by: str, who: str) -> str:
    """``adopt_existing`` found an entity another resource of this deployment holds."""
    return (f"adopt_existing found {noun} {id_}, but another resource of this deployment "
            f"already holds it ({held_by}); {who} would own it too, and deleting one would "
            "delete the other's. Give one of them another name, or drop adopt_existing from the "
            "one that should make its own")


def adopt_several(count: int, name: object, sandbox: str, ids: str) -> str:
    """``adopt_existing`` found several entities of the name."""
    return (f"adopt_existing found {count} connections named {name!r} in sandbox {sandbox!r} "
            f"({ids}); delete the duplicates in AEP or give this connection another name")


def adopt_not_own_kind(id_: object, name: object, noun: str) -> str:
    """``adopt_existing`` found an entity of the name but of another kind."""
    return (f"adopt_existing found connection {id_} named {name!r}, but it is not a {noun}; "
            "rename one of them")


def sandbox_mismatch(id_: str, named: str, sandbox: str) -> str:
    """An import id naming another sandbox than the one it would be read in."""
    return (f"the id {id_!r} names sandbox {named!r}, but the credentials would be read in "
            f"sandbox {sandbox!r}: set sandbox_name (or aep:sandboxName) to {named!r}")


def staging_id_foreign(id_: str, expected: str) -> str:
    """An import id that is not the staging credentials id of this org and a sandbox."""
    return (f"the id {id_!r} is not an id of these staging credentials: import them as "
            f"{expected!r} (<org>/<sandbox>/dlz_databricks_source, with aep:orgId's org and "
            "the sandbox named in sandbox_name or aep:sandboxName)")


def auth_hint(error: AuthError) -> str:
    """The advice for an IMS failure, by its ``reason``."""
    if error.reason == "unreachable":
        return ("IMS may be down or unreachable from here: check aep:imsUrl and your network, "
                "then retry.")
    if error.reason == "unusable":
        return ("Check aep:imsUrl: it must be Adobe IMS's base URL "
                f"({DEFAULT_IMS_URL}), which answers without a redirect.")
    if error.reason == "no-token":
        return "Check that aep:imsUrl points at Adobe IMS."
    if error.code == INVALID_CLIENT_CODE:
        return invalid_client_hint()
    return ("Check the aep:clientId, aep:clientSecret and aep:scopes settings against the OAuth "
            "Server-to-Server credential in the Adobe Developer Console.")




def hint_for(error: ApiError, action: str, name: object, sandbox: object,
             noun: str = "connection", *, adoptable: bool = False) -> str:
    """The advice for ``error``, raised by ``action`` (create, refresh, update, delete) on the
    resource ``name`` (a ``noun``: connection, dataflow, mapping set...) in ``sandbox``."""
    if action == "create" and error.candidates:
        return lost_create_candidates(error.candidates, name, sandbox, noun, adoptable)
    if isinstance(error, TransientError):
        return _transient(error, action, name, sandbox, noun, adoptable)
    if isinstance(error, UnexpectedAnswerError):
        state = ("The stack's state was left as it was"
                 if action in ("refresh", "delete") else "Nothing was concluded from it")
        after = ""
        if error.may_have_taken_effect:
            after = (f". {_maybe_created(name, sandbox, noun, adoptable)}"
                     if action == "create" else
                     f"; the {action} may have taken effect, so run `pulumi refresh` before "
                     "`pulumi up` again")
        return (f"This answer does not come from Flow Service as expected. {state}: "
                f"{_PLATFORM_URL}{after}")
    if isinstance(error, NotFoundError):
        return (f"No such {noun} in sandbox {sandbox!r}: it was deleted outside Pulumi "
                "or lives in another sandbox; `pulumi refresh` removes it from the stack.")
    if isinstance(error, ConflictError):
        return (f"The {noun} changed since the last refresh (outside Pulumi, or by an earlier "
                "attempt of this update whose answer was lost), so Pulumi stopped rather than "
                "overwrite it. Run `pulumi refresh` to see the live values, then `pulumi up`.")
    if isinstance(error, InUseError):
        return (f"Dataflows still use this {noun}: delete the dataflow first (declare the "
                "dataflows in the same stack, so `pulumi destroy` deletes them before what they "
                "use, or delete them in AEP), then run `pulumi up` again; "
                f"to stop managing the {noun} without deleting it, run "
                "`pulumi state delete <urn>`.")
    code = error.code or ""
    if error.status == 404 and code.startswith(SANDBOX_CODES):
        return (f"Sandbox {sandbox!r} was not found in the org: check sandbox_name or "
                "aep:sandboxName (the sandbox's name, not its title) and aep:orgId.")
    if error.status == 404:
        return (f"Flow Service answered 404 for this {action}, which says nothing about the "
                f"{noun} itself; {_PLATFORM_URL}.")
    if error.status == 401:
        return ("The access token was refused: if aep:accessToken is set it is expired or "
                "invalid (IMS tokens last about 24 h), so set a fresh one or configure "
                "aep:clientId and aep:clientSecret; otherwise check that the credential of "
                "aep:clientId belongs to the organization in aep:orgId and that aep:scopes match "
                "it in the Adobe Developer Console.")
    if error.status == 403:
        return ("The gateway refused access: check aep:clientId (the API key), that aep:orgId "
                "is the credential's org, and that its product profile grants Experience "
                "Platform Sources permissions in the sandbox.")
    if error.status in (400, 422):
        return "Flow Service rejected the request; correct the inputs it names and retry."
    if error.may_have_taken_effect and action == "create":
        return _maybe_created(name, sandbox, noun, adoptable)
    if error.may_have_taken_effect:
        return "The call may have taken effect; run `pulumi refresh`, then `pulumi up`."
    return "Nothing was changed; retry later."


def _transient(error: TransientError, action: str, name: object, sandbox: object,
               noun: str, adoptable: bool) -> str:
    if not error.may_have_taken_effect:
        if action == "create":
            return "Nothing was created (the service refused every attempt); retry later."
        return "Nothing was changed; retry later."
    if action == "create":
        return _maybe_created(name, sandbox, noun, adoptable)
    if action == "update":
        return ("The update may or may not have been applied; run `pulumi refresh`, then "
                "`pulumi up`.")
    if action == "delete":
        return (f"The {noun} may or may not have been deleted; retry later "
                "(`pulumi refresh` shows which).")
    return "Nothing was changed; retry later."


def lost_create_candidates(candidates: tuple[str, ...], name: object, sandbox: object,
                           noun: str, adoptable: bool) -> str:
    """A lost create that no single candidate qualifies as: every candidate named, this
    deployment's own ones set apart (never to delete), how to check and adopt the others."""
    own = held_ids.presented(candidates)
    others = [c for c in candidates if c not in own]
    adopt = ("set adopt_existing on it" if adoptable else
             f"import it (`pulumi import` with the {noun}'s id, or the resource option "
             "`import`)")
    text = (f"No {noun} named {name!r} in sandbox {sandbox!r} was taken as this create's, and "
            "nothing more was created.")
    if own:
        text += (f" {', '.join(own)}: already a resource of this deployment (in its state): "
                 "keep it, never delete it.")
    if others:
        text += (f" {', '.join(others)}: may belong to this or another stack; check with "
                 "`pulumi stack export` in each stack of this sandbox (search for the id). If "
                 f"one is this create's, {adopt} rather than run `pulumi up` again, which "
                 "creates another; delete only one that no stack holds.")
    return text


def _maybe_created(name: object, sandbox: object, noun: str, adoptable: bool) -> str:
    adopt = " or adopt it (adopt_existing)" if adoptable else ""
    return (f"The create may or may not have happened: no {noun} named {name!r} made by "
            f"this run could be identified in sandbox {sandbox!r}, and new ones can take "
            f"a moment to be listed. Look for it before running `pulumi up` again, and delete "
            f"it{adopt}.")


def invalid_id_hint(error: InvalidIdError) -> str:
    """The advice for an id the client refused to put in a URL."""
    return f"Check the {error.noun} id in the stack's state or in the import"
