"""``DatabricksStagingCredentials``: the landing-zone SAS token of a sandbox, as a resource.

Its field table and the API mapping ``provider.lifecycle`` is given for it (it satisfies
``lifecycle.ResourceApi``; still importable from ``provider.staging``, the table from
``provider.fields``).
Nothing is created in AEP: the credentials belong to the sandbox, so

- create and read: one ``GET /data/foundation/connectors/landingzone/credentials
  ?type=dlz_databricks_source``. Adobe refreshes an expired token by itself on that GET, so a
  refresh that meets a new token puts it in the outputs (dependents see the change at the next
  preview);
- update (only ``rotation_trigger`` updates in place): setting or changing it sends one
  ``POST ...&action=refresh``, which revokes the old token for every cluster of the sandbox at
  once; the new credentials land in the outputs. Unsetting it sends nothing. A rotation whose
  answer was lost is never sent again on a guess (the client's ``request_json`` with
  ``idempotent=False``): the error says so and asks for ``pulumi refresh``;
- delete: no call; the notice says the credentials stay with the sandbox.

The id is ``<org>/<sandbox>/dlz_databricks_source``: stable for the sandbox and derived from
nothing secret. The SAS token, the URI (which carries it) and the Spark config entry are secret
outputs; each token is registered with ``provider.redaction`` the moment it is read, so it never
reaches a message or a log.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from provider import advice, validation
from provider.client import Created, FlowServiceClient, Patched
from provider.errors import ApiError, ConfigurationError, UnexpectedAnswerError
from provider.redaction import register
from provider.resources.base import Changes, ResourceMapping, changed_fields
from provider.resources.fields import SANDBOX_RULE as _SANDBOX_RULE
from provider.resources.fields import Field, ResourceSpec

DATABRICKS_STAGING_CREDENTIALS = ResourceSpec(
    module="aep",
    name="DatabricksStagingCredentials",
    description="The landing-zone staging credentials of a sandbox for Databricks sources "
                "(`/data/foundation/connectors/landingzone/credentials?type=dlz_databricks_source`)"
                ": the SAS token a Databricks cluster needs in its Spark config. Nothing is "
                "created in AEP; a change of `rotation_trigger` rotates the token, which revokes "
                "the old one for every cluster of the sandbox; delete only leaves the stack.",
    id_field="credentials_id",
    fields=(
        Field("sandbox_name", "sandboxName", "header:x-sandbox-name",
              "The AEP sandbox whose credentials these are; defaults to the provider's "
              "`aep:sandboxName`. Changing it replaces the resource (no call is made for the "
              "old sandbox).", replace=True, default="aep:sandboxName", rule=_SANDBOX_RULE),
        Field("rotation_trigger", "rotationTrigger", None,
              "Any string; setting it or changing it rotates the SAS token with one "
              "`POST ...&action=refresh`, which revokes the old token for every cluster of the "
              "sandbox at once. Unsetting it rotates nothing.", rule="a string"),
        Field("credentials_id", "credentialsId", None,
              "The resource id, `<org>/<sandbox>/dlz_databricks_source` (stable: the "
              "credentials belong to the sandbox).", input=False),
        Field("container_name", "containerName", "containerName",
              "The Adobe-managed Azure Blob container that stages the data.", input=False),
        Field("storage_account_name", "storageAccountName", "storageAccountName",
              "The Azure storage account of the container.", input=False),
        Field("sas_token", "sasToken", "SASToken", "The SAS token (secret).", input=False,
              secret=True),
        Field("sas_uri", "sasUri", "SASUri", "The container URI with the SAS token (secret).",
              input=False, secret=True),
        Field("expiry_date", "expiryDate", "expiryDate",
              "The token's expiry date (UTC, `YYYY-MM-DD`); Adobe issues a new token by itself "
              "once it has expired, which the next refresh shows.", input=False),
        Field("spark_conf", "sparkConf", None,
              "The one Spark config entry Adobe documents, "
              "`fs.azure.sas.<container>.<account>.blob.core.windows.net` -> the SAS token "
              "(secret), ready for a cluster's `spark_conf`.", type="map", input=False,
              secret=True),
    ),
)

SPEC = DATABRICKS_STAGING_CREDENTIALS
STAGING_CREDENTIAL_TYPE = "dlz_databricks_source"
BASE = "/data/foundation/connectors/landingzone"
PATH = "/credentials"

NOUN = "Databricks staging credentials"
DELETES = False  # the credentials belong to the sandbox: delete makes no call
INPUT_FIELDS = SPEC.names(SPEC.inputs)
OUTPUT_FIELDS = SPEC.names(SPEC.outputs)
SECRET_FIELDS = SPEC.names(f for f in SPEC.fields if f.secret)
REPLACE_FIELDS = SPEC.names(f for f in SPEC.inputs if f.replace)
# A rotation changes the token and everything that carries it (and maybe the expiry).
CHANGING_OUTPUTS: tuple[str, ...] = ("sas_token", "sas_uri", "spark_conf", "expiry_date")

ROTATION_LOST = (
    "The rotation (POST {path}?type={kind}&action=refresh) may have been applied: if so, the "
    "old SAS token is already revoked for every Databricks cluster of sandbox {sandbox!r}. It "
    "is not sent again on a guess. Run `pulumi refresh` to read the live credentials into the "
    "stack, then `pulumi up` to update the clusters (that `pulumi up` rotates once more, since "
    "the new rotation_trigger was not recorded; the clusters get the newest token in the same "
    "run)."
)


def spark_conf(answer: Mapping[str, Any]) -> dict[str, str]:
    """The one Spark config entry Adobe documents for the cluster, from a credentials answer:
    ``fs.azure.sas.<container>.<account>.blob.core.windows.net`` -> the SAS token."""
    key = (f"fs.azure.sas.{answer['containerName']}.{answer['storageAccountName']}"
           ".blob.core.windows.net")
    return {key: str(answer["SASToken"])}


def staging_outputs(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The credential outputs (the last three are secrets) from a credentials answer."""
    return {
        "container_name": answer["containerName"],
        "storage_account_name": answer["storageAccountName"],
        "expiry_date": answer.get("expiryDate"),
        "sas_token": answer["SASToken"],
        "sas_uri": answer.get("SASUri"),
        "spark_conf": spark_conf(answer),
    }


def _trigger_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"rotation_trigger must be a string, got {type(value).__name__}"
    return None


_RULES: dict[str, validation.Rule] = {
    "sandbox_name": validation.sandbox_problem,
    "rotation_trigger": _trigger_problem,
}


def check_inputs(props: Mapping[str, Any],
                 is_unknown: Callable[[Any], bool]) -> list[tuple[str, str]]:
    """Every rule broken by ``props`` (no network)."""
    return validation.check_props(props, _RULES, ("sandbox_name",), is_unknown)


def credentials_id(org_id: str, sandbox: str) -> str:
    """The resource id: ``<org>/<sandbox>/dlz_databricks_source``."""
    return f"{org_id}/{sandbox.lower()}/{STAGING_CREDENTIAL_TYPE}"


def create_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """Nothing is sent on create (the GET has no body)."""
    return {}


def outputs(inputs: Mapping[str, Any], *, id_: str, etag: str, state: str | None,
            created_ms: int | None, updated_ms: int | None) -> dict[str, Any]:
    """The inputs plus the id; the credentials come as ``Created``/``Patched`` extras."""
    return {**inputs_of(inputs), "credentials_id": id_}


def credentials(answer: Mapping[str, Any], method: str = "GET") -> dict[str, Any]:
    """The credential outputs of an answer, the token registered as a secret first. An answer
    without them proves nothing (``UnexpectedAnswerError``)."""
    register(*(str(answer[k]) for k in ("SASToken", "SASUri") if answer.get(k)))
    for key in ("containerName", "storageAccountName", "SASToken"):
        if not isinstance(answer.get(key), str) or not answer[key]:
            raise UnexpectedAnswerError(method, PATH, 200,
                                        f"the credentials answer has no {key}",
                                        may_have_taken_effect=method != "GET")
    for key, pattern in _AZURE_NAMES.items():
        # Azure's naming rules: anything else (a dot that would split the Spark key, a
        # terminal escape shown in `pulumi up`'s outputs) is not an answer to use.
        if not pattern.fullmatch(answer[key]):
            raise UnexpectedAnswerError(method, PATH, 200,
                                        f"the credentials answer's {key} is not an Azure name",
                                        may_have_taken_effect=method != "GET")
    problem = _server_text_problem(answer)
    if problem is not None:
        raise UnexpectedAnswerError(method, PATH, 200, f"the credentials answer's {problem}",
                                    may_have_taken_effect=method != "GET")
    return staging_outputs(answer)


# Adobe's example answers give `expiryDate` as a date ("2024-01-06"); a date-time is taken too.
_ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
                       r"(?:Z|[+-]\d{2}:?\d{2})?)?")


def _server_text_problem(answer: Mapping[str, Any]) -> str | None:
    """What is wrong with the server-chosen text that becomes an output, or None: an
    ``expiryDate`` that is no ISO-8601 date or time, a ``SASUri`` that is no https URL on the
    account's own blob host. Neither value is echoed (the URI carries the token)."""
    expiry = answer.get("expiryDate")
    if expiry is not None and not (isinstance(expiry, str) and _ISO_8601.fullmatch(expiry)
                                   and _valid_date(expiry[:10])):
        return "expiryDate is not an ISO-8601 date or time"
    uri = answer.get("SASUri")
    if uri is not None:
        host = f"{answer['storageAccountName']}.blob.core.windows.net"
        parts = urlsplit(uri) if isinstance(uri, str) and uri.isprintable() else None
        if parts is None or parts.scheme != "https" or parts.netloc.lower() != host:
            return f"SASUri is not an https URL on {host}"
    return None


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# Azure Storage names: a container 3-63 lower-case letters, digits and single inner hyphens; an
# account 3-24 lower-case letters and digits.
_AZURE_NAMES = {
    "containerName": re.compile(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}"),
    "storageAccountName": re.compile(r"[a-z0-9]{3,24}"),
}


def from_api(item: Mapping[str, Any],
             prior: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(outputs, inputs)`` from a credentials answer; the inputs come from ``prior``."""
    inputs = inputs_of(prior)
    outs = {**inputs, "credentials_id": str(item["id"]), **credentials(item)}
    return outs, inputs


def diff_props(olds: Mapping[str, Any], news: Mapping[str, Any],
               is_unknown: Callable[[Any], bool]) -> Changes:
    """A sandbox change replaces; a trigger change updates (rotates when set)."""
    register(*(str(olds[k]) for k in ("sas_token", "sas_uri") if olds.get(k)))
    changed = changed_fields(INPUT_FIELDS, olds, news, is_unknown)
    return Changes(changed, tuple(f for f in changed if f in REPLACE_FIELDS))


def rotates(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether an update rotates: the trigger is set and differs from the one in state."""
    new = news.get("rotation_trigger")
    return new is not None and new != olds.get("rotation_trigger")


def patch_ops(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[dict[str, Any]]:
    """No JSON Patch: credentials are never patched."""
    return []


def matches(item: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    """Unused (no patch to verify)."""
    return True


def find_by_name(client: FlowServiceClient, sandbox: str, name: str) -> list[dict[str, Any]]:
    """No adoption by name: the sandbox has exactly one set of credentials."""
    return []


# -- which client call performs each operation --------------------------------------------------


def _call(client: FlowServiceClient, method: str, sandbox: str,
          action: str | None = None) -> dict[str, Any]:
    params = [("type", STAGING_CREDENTIAL_TYPE)] + ([("action", action)] if action else [])
    return client.request_json(method, BASE, PATH, sandbox, params=params, expected=(200,),
                               idempotent=method == "GET")


def create(client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
    """One GET: the sandbox's live credentials (nothing is created in AEP)."""
    answer = _call(client, "GET", sandbox)
    return Created(credentials_id(client.org_id, sandbox), "", 0, extra=credentials(answer))


def id_sandbox(id_: str) -> str | None:
    """The sandbox an id names (``<org>/<sandbox>/dlz_databricks_source``), or None."""
    parts = id_.split("/")
    return parts[1] if len(parts) == 3 and parts[2] == STAGING_CREDENTIAL_TYPE else None


def get(client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
    """One GET; the answer with the resource id added. An id naming another sandbox (an import
    read in the provider's ``aep:sandboxName``) is refused before any call."""
    named = id_sandbox(id_)
    # Sandbox names are case-insensitive (ids are made lower-case): 'Prod' in a hand-typed
    # import id is sandbox prod, and the advice below must be one that can be followed.
    if named is not None and named.lower() != sandbox.lower():
        raise ConfigurationError(advice.sandbox_mismatch(id_, named, sandbox.lower()))
    org = id_.split("/", 1)[0]
    if (named is None or validation.sandbox_problem(named.lower()) is not None
            or org.lower() != client.org_id.lower()):
        raise ConfigurationError(advice.staging_id_foreign(
            id_, credentials_id(client.org_id, sandbox)))
    return {**_call(client, "GET", sandbox), "id": id_}


def patch(client: FlowServiceClient, sandbox: str, id_: str, etag: str,
          ops: list[dict[str, Any]], applied: Callable[[Any], bool] | None) -> Patched:
    """Never called (no JSON Patch): the one update is :func:`update`'s rotation."""
    raise NotImplementedError("staging credentials are never patched")


def update(client: FlowServiceClient, sandbox: str, id_: str, etag: str,
           olds: Mapping[str, Any], news: Mapping[str, Any],
           applied: Callable[[Any], bool] | None) -> Patched | None:
    """One ``POST ...&action=refresh`` when the trigger is set or changed; otherwise no call,
    the credentials in state kept (an unset trigger then leaves state)."""
    if not rotates(olds, news):
        return Patched("", 0, extra={k: olds[k] for k in OUTPUT_FIELDS
                                     if k != "credentials_id" and olds.get(k) is not None})
    try:
        rotated = credentials(_call(client, "POST", sandbox, action="refresh"), "POST")
    except ApiError as error:
        if error.may_have_taken_effect:
            error.with_hint(ROTATION_LOST.format(path=BASE + PATH, kind=STAGING_CREDENTIAL_TYPE,
                                                 sandbox=sandbox))
        raise
    return Patched("", 0, extra=rotated)


def delete(client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
    """No call: the credentials belong to the sandbox. Returns the notice for ``pulumi up``."""
    return (f"{NOUN} of sandbox {sandbox!r} were removed from the stack only: they belong to "
            "the sandbox, so no call was made and the SAS token stays valid until it expires "
            "or is rotated")


class StagingCredentialsApi(ResourceMapping):
    """The staging credentials' mapping as an object on the common base (the module's functions
    above, which stay importable one by one)."""

    SPEC = SPEC
    NOUN = NOUN
    DELETES = DELETES
    SECRET_FIELDS = SECRET_FIELDS
    CHANGING_OUTPUTS = CHANGING_OUTPUTS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    outputs = staticmethod(outputs)
    from_api = staticmethod(from_api)
    diff_props = staticmethod(diff_props)
    patch_ops = staticmethod(patch_ops)
    matches = staticmethod(matches)
    create = staticmethod(create)
    get = staticmethod(get)
    patch = staticmethod(patch)
    update = staticmethod(update)
    delete = staticmethod(delete)
    find_by_name = staticmethod(find_by_name)


STAGING_CREDENTIALS = StagingCredentialsApi()
inputs_of = STAGING_CREDENTIALS.inputs_of
secret_changed = STAGING_CREDENTIALS.secret_changed
is_own_kind = STAGING_CREDENTIALS.is_own_kind
