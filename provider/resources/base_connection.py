"""``DatabricksBaseConnection``: its field table and its API mapping (properties <-> Flow Service
JSON; still importable from ``provider.model``, the table from ``provider.fields``).

The API mapping of one resource, the module ``provider.lifecycle`` is given for it (it satisfies
``lifecycle.ResourceApi``): building the create body and the JSON Patch for an update, mapping a
live connection back to properties, the diff that decides update or replace, the check rules, and
which public client method performs each operation. The field lists come from the field table
(``SPEC``). Apart from the last five one-line client calls, everything here is a pure function of
its arguments.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from provider import advice, validation
from provider.endpoints import FLOW_SERVICE
from provider.errors import AepError, ConnectionTestFailed
from provider.resources.base import Changes, ResourceMapping, changed_fields
from provider.resources.fields import SANDBOX_RULE, Field, ResourceSpec
from provider.resources.fields import TEXT_RULE as _TEXT

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

DATABRICKS_BASE_CONNECTION = ResourceSpec(
    module="aep",
    name="DatabricksBaseConnection",
    description="An Adobe Experience Platform Flow Service base connection to a Databricks "
                "workspace (connection spec `e9d7ec6b-0873-4e57-ad21-b3a7c65e310b`).",
    id_field="connection_id",
    fields=(
        Field("name", "name", "name", "The connection's name as AEP shows it.",
              required=True, rule=f"{_TEXT}, at most 256 characters", stack_config=True),
        Field("description", "description", "description", "Free text shown in AEP.",
              rule="a non-empty string, at most 4096 characters; line breaks allowed",
              stack_config=True),
        Field("domain", "domain", "auth.params.domain",
              "The Databricks workspace URL, e.g. "
              "`https://adb-1234567890123456.7.azuredatabricks.net`.",
              required=True, rule="an https URL of a Databricks workspace host, with no path; a "
                                  "trailing `/` is dropped", stack_config=True),
        Field("cluster_id", "clusterId", "auth.params.clusterId",
              "The Databricks cluster (or SQL warehouse) id, e.g. `0123-456789-abcde123`.",
              required=True, rule="letters, digits, `.`, `_` and `-`, at most 255 characters",
              stack_config=True),
        Field("access_token", "accessToken", "auth.params.accessToken",
              "A Databricks personal access token. Flow Service masks it on read, so it cannot "
              "be imported or refreshed.",
              required=True, secret=True,
              rule="no spaces or control characters, at most 4096 characters"),
        Field("database", "database", "auth.params.database", "The Databricks database.",
              required=True, rule=f"{_TEXT}, at most 255 characters", stack_config=True),
        Field("catalog", "catalog", "auth.params.catalog", "The Unity Catalog name.",
              rule=f"{_TEXT}, at most 255 characters", stack_config=True),
        Field("sandbox_name", "sandboxName", "header:x-sandbox-name",
              "The AEP sandbox of the connection; defaults to the provider's `aep:sandboxName`. "
              "Changing it replaces the connection.",
              replace=True, default="aep:sandboxName",
              rule=SANDBOX_RULE),
        Field("adopt_existing", "adoptExisting", None,
              "On create, take over the connection of the same name in the sandbox (and bring "
              "it to the declared values) instead of making a second one.",
              type="boolean", rule="true or false", stack_config=True),
        Field("test_connection", "testConnection", None,
              "After create, and after an update of the token or cluster, run Flow Service's "
              "connection test (`GET /connections/{id}/test`); a failed test fails the `up`. "
              "Never run at preview.",
              type="boolean", rule="true or false"),
        Field("connection_id", "connectionId", "id", "The Flow Service connection id.",
              input=False),
        Field("etag", "etag", "etag",
              "The connection's etag; every update sends it as `If-Match`.", input=False),
        Field("state", "state", "state", "`enabled` or `disabled`, as Flow Service reports it.",
              input=False),
        Field("created_at", "createdAt", "createdAt",
              "When the connection was created (ISO-8601 UTC, to the second).", input=False),
        Field("updated_at", "updatedAt", "updatedAt",
              "When the connection was last changed (ISO-8601 UTC, to the second).",
              input=False),
    ),
)

SPEC = DATABRICKS_BASE_CONNECTION
# The Databricks connection spec (also named by the source connection body).
DATABRICKS_SPEC_ID = "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b"
SPEC_ID = DATABRICKS_SPEC_ID
SPEC_VERSION = "1.0"
AUTH_SPEC_NAME = "Access Token Authentication"

# Everything below is derived from the field table (provider.fields); nothing else lists fields.
# Resource property -> key under auth.params.
PARAMS: dict[str, str] = {f.state: f.param for f in SPEC.fields if f.param}
SECRET_FIELDS = SPEC.names(f for f in SPEC.fields if f.secret)

# A connection lives in one sandbox: moving it means a new connection.
REPLACE_FIELDS = SPEC.names(f for f in SPEC.inputs if f.replace)
# Changed in place with one PATCH.
# The create body's private key asking ``create`` to test the connection it made.
_TEST = "__test_connection"
UPDATE_FIELDS = SPEC.names(f for f in SPEC.inputs if f.api and not f.replace)
# Inputs that steer the provider but are not part of the live connection.
PROVIDER_ONLY_FIELDS = SPEC.names(f for f in SPEC.inputs if f.api is None)
INPUT_FIELDS = REPLACE_FIELDS + UPDATE_FIELDS + PROVIDER_ONLY_FIELDS
OUTPUT_FIELDS = SPEC.names(SPEC.outputs)
CHANGING_OUTPUTS: tuple[str, ...] = ("etag", "updated_at")
# How errors and messages name one of these.
NOUN = "Databricks connection"
# The check rules (one failure per bad property, no network).
check_inputs = validation.check_inputs


def create_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /connections`` body for the declared ``props`` (with ``test_connection``, a
    private key ``create`` takes out: test after the POST)."""
    body: dict[str, Any] = {
        **({_TEST: True} if props.get("test_connection") is True else {}),
        "name": props["name"],
        "auth": {"specName": AUTH_SPEC_NAME, "params": auth_params(props)},
        "connectionSpec": {"id": SPEC_ID, "version": SPEC_VERSION},
    }
    if props.get("description") is not None:
        body["description"] = props["description"]
    return body


def auth_params(props: Mapping[str, Any]) -> dict[str, Any]:
    """``auth.params`` for ``props``; optional params left out when unset."""
    return {api: props[field] for field, api in PARAMS.items() if props.get(field) is not None}


def outputs(
    inputs: Mapping[str, Any], *, id_: str, etag: str, state: str | None,
    created_ms: int | None, updated_ms: int | None,
) -> dict[str, Any]:
    """The resource's outputs: its inputs plus what Flow Service assigned."""
    outs = inputs_of(inputs)
    outs.update(
        connection_id=id_,
        etag=etag,
        state=state,
        created_at=iso_time(created_ms),
        updated_at=iso_time(updated_ms),
    )
    return outs


def from_api(
    item: Mapping[str, Any], prior: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Map a live connection to ``(outputs, inputs)``.

    Secret params come back masked, so their values are kept from ``prior`` (the state); the
    sandbox and provider-only inputs come from ``prior`` too, since the item does not carry them.
    """
    params = dict((item.get("auth") or {}).get("params") or {})
    inputs: dict[str, Any] = {"name": item.get("name")}
    if item.get("description") is not None:
        inputs["description"] = item["description"]
    for field, api in PARAMS.items():
        if field in SECRET_FIELDS:
            if prior.get(field) is not None:
                inputs[field] = prior[field]
        elif params.get(api) is not None:
            inputs[field] = params[api]
    sandbox = prior.get("sandbox_name") or item.get("sandboxName")
    if sandbox is not None:
        inputs["sandbox_name"] = sandbox
    for field in PROVIDER_ONLY_FIELDS:
        if prior.get(field) is not None:
            inputs[field] = prior[field]
    outs = outputs(
        inputs, id_=str(item["id"]), etag=str(item.get("etag") or item.get("version") or ""),
        state=item.get("state"), created_ms=item.get("createdAt"), updated_ms=item.get("updatedAt"),
    )
    if prior.get("etag") and prior["etag"] == outs["etag"]:
        # The live connection is the version state describes. Create and update took its times
        # from their answer's Date header (see iso_time), another clock than the service's
        # createdAt/updatedAt: the times in state stand, so a refresh reports no drift.
        for field in ("created_at", "updated_at"):
            if prior.get(field) is not None:
                outs[field] = prior[field]
    return outs, inputs


def is_databricks(item: Mapping[str, Any]) -> bool:
    """True if the live connection uses the Databricks connection spec."""
    return (item.get("connectionSpec") or {}).get("id") == SPEC_ID


is_own_kind = is_databricks


def diff_props(olds: Mapping[str, Any], news: Mapping[str, Any],
               is_unknown: Callable[[Any], bool]) -> Changes:
    """Which declared inputs differ from state. An unknown new value counts as a change."""
    changed = changed_fields(REPLACE_FIELDS + UPDATE_FIELDS, olds, news, is_unknown)
    return Changes(changed=changed, replaces=tuple(f for f in changed if f in REPLACE_FIELDS))


def patch_ops(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The JSON Patch that takes the connection from ``olds`` to ``news``.

    Flow Service replaces ``auth.params`` whole, so any param change sends all of them.
    """
    ops: list[dict[str, Any]] = []
    if olds.get("name") != news.get("name"):
        ops.append({"op": "replace", "path": "/name", "value": news["name"]})
    old_desc, new_desc = olds.get("description"), news.get("description")
    if old_desc != new_desc:
        if new_desc is None:
            ops.append({"op": "remove", "path": "/description"})
        else:
            op = "add" if old_desc is None else "replace"
            ops.append({"op": op, "path": "/description", "value": new_desc})
    if any(olds.get(f) != news.get(f) for f in PARAMS):
        ops.append({"op": "replace", "path": "/auth/params", "value": auth_params(news)})
    return ops


def matches(item: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    """True if the live connection shows the declared non-secret state of ``props``."""
    params = (item.get("auth") or {}).get("params") or {}
    if item.get("name") != props.get("name"):
        return False
    if item.get("description") != props.get("description"):
        return False
    return all(
        params.get(api) == props.get(field)
        for field, api in PARAMS.items() if field not in SECRET_FIELDS
    )


def iso_time(epoch_ms: int | float | None) -> str | None:
    """Epoch milliseconds as an ISO-8601 UTC string to the second (``2026-11-28T15:03:01Z``).

    Seconds, because create and update take their time from the response's ``Date`` header
    (saving a GET), which has no milliseconds. That header is the gateway's clock at the moment
    it answers, not the instant Flow Service stamped: the two can fall in different seconds
    (an answer sent just after a second boundary, clocks apart), so :func:`from_api` keeps the
    times in state while the etag is unchanged rather than report that as drift.
    """
    if epoch_ms is None:
        return None
    moment = datetime.fromtimestamp(float(epoch_ms) / 1000.0, tz=timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# -- which client call performs each operation --------------------------------------------------


def create(client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
    """POST the connection (the client never duplicates it when an answer is lost), then test
    it if so declared: a failed test raises ``ConnectionTestFailed`` carrying the id."""
    test = bool(body.pop(_TEST, False))
    created = client.create_connection(sandbox, body)
    if test:
        try:
            test_connection(client, sandbox, created.id, body.get("name"))
        except AepError as failed:  # an API error, or IMS failing on the token refresh
            failed.created_id = created.id
            raise
    return created


def test_connection(client: FlowServiceClient, sandbox: str, id_: str, name: object) -> None:
    """Flow Service's connection test; ``ConnectionTestFailed`` unless it answers true."""
    path = f"/connections/{id_}/test"
    answer = client.request_json("GET", FLOW_SERVICE, path, sandbox)
    result = answer.get("result")
    if result is not True:
        raise ConnectionTestFailed(
            "GET", path, 200, f"the connection test of {NOUN} {name!r} ({id_}) answered "
            f"{json.dumps(result)}", hint=advice.connection_test_failed(name))


def get(client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
    """GET the live connection; ``NotFoundError`` only when Flow Service says it is gone."""
    return client.get_connection(sandbox, id_)


def patch(client: FlowServiceClient, sandbox: str, id_: str, etag: str,
          ops: list[dict[str, Any]], applied: Callable[[Any], bool] | None) -> Patched:
    """PATCH with ``If-Match: etag``."""
    return client.patch_connection(sandbox, id_, etag, ops, applied=applied)


def update(client: FlowServiceClient, sandbox: str, id_: str, etag: str,
           olds: Mapping[str, Any], news: Mapping[str, Any],
           applied: Callable[[Any], bool] | None) -> Patched | None:
    """One PATCH with ``If-Match: etag`` taking the connection from ``olds`` to ``news``;
    ``None`` (and no request) when nothing differs."""
    ops = patch_ops(olds, news)
    done = patch(client, sandbox, id_, etag, ops, applied) if ops else None
    if done is not None and news.get("test_connection") and any(
            olds.get(f) != news.get(f) for f in ("access_token", "cluster_id")):
        test_connection(client, sandbox, id_, news.get("name"))
    return done


def delete(client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
    """DELETE the connection (nothing to tell the user beyond success)."""
    client.delete_connection(sandbox, id_)
    return None


def find_by_name(client: FlowServiceClient, sandbox: str, name: str) -> list[dict[str, Any]]:
    """The connections named ``name`` in ``sandbox``."""
    return client.find_by_name(sandbox, name)


class BaseConnectionApi(ResourceMapping):
    """The base connection's mapping as an object on the common base (the module's functions
    above, which stay importable one by one)."""

    SPEC = SPEC
    NOUN = NOUN
    INPUT_FIELDS = INPUT_FIELDS
    SECRET_FIELDS = SECRET_FIELDS
    CHANGING_OUTPUTS = CHANGING_OUTPUTS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    outputs = staticmethod(outputs)
    from_api = staticmethod(from_api)
    diff_props = staticmethod(diff_props)
    patch_ops = staticmethod(patch_ops)
    matches = staticmethod(matches)
    is_own_kind = staticmethod(is_databricks)
    create = staticmethod(create)
    get = staticmethod(get)
    patch = staticmethod(patch)
    update = staticmethod(update)
    delete = staticmethod(delete)
    find_by_name = staticmethod(find_by_name)


BASE_CONNECTION = BaseConnectionApi()
inputs_of = BASE_CONNECTION.inputs_of
secret_changed = BASE_CONNECTION.secret_changed
