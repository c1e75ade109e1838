"""The base connection (``provider.resources.base_connection``): properties <-> Flow Service
JSON, the diff table and the JSON Patch."""

from __future__ import annotations

from typing import Any

import pytest

from provider.resources import base_connection as model

PROPS: dict[str, Any] = {
    "name": "sales",
    "description": "owner: data",
    "domain": "https://adb-1.7.azuredatabricks.net",
    "cluster_id": "0123-456789-abcde123",
    "access_token": "dapi-secret-token",
    "database": "acme-db",
    "catalog": "main",
    "sandbox_name": "prod",
}


def never_unknown(_: object) -> bool:
    return False


def test_create_body_matches_adobe_databricks_guide() -> None:
    """The create body carries Adobe's Databricks spec id, version and auth spec name."""
    body = model.create_body(PROPS)
    assert body == {
        "name": "sales",
        "description": "owner: data",
        "auth": {
            "specName": "Access Token Authentication",
            "params": {
                "domain": "https://adb-1.7.azuredatabricks.net",
                "clusterId": "0123-456789-abcde123",
                "accessToken": "dapi-secret-token",
                "database": "acme-db",
                "catalog": "main",
            },
        },
        "connectionSpec": {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "version": "1.0"},
    }


def test_create_body_leaves_out_unset_optionals() -> None:
    """No description and no catalog key when they are not declared."""
    body = model.create_body({k: v for k, v in PROPS.items()
                              if k not in ("description", "catalog")})
    assert "description" not in body
    assert "catalog" not in body["auth"]["params"]


# (field changed, expected replaces)
DIFFS = [
    ("name", ()),
    ("description", ()),
    ("domain", ()),
    ("cluster_id", ()),
    ("access_token", ()),
    ("database", ()),
    ("catalog", ()),
    ("sandbox_name", ("sandbox_name",)),
]


@pytest.mark.parametrize(("field", "replaces"), DIFFS)
def test_diff_table(field: str, replaces: tuple[str, ...]) -> None:
    """Only a sandbox change replaces; every other input updates in place."""
    news = {**PROPS, field: "other-value"}
    found = model.diff_props(PROPS, news, never_unknown)
    assert found.changed == (field,)
    assert found.replaces == replaces


def test_no_change_means_no_diff() -> None:
    """Outputs in state (inputs plus ids) against the same inputs: nothing changes."""
    olds = model.outputs(PROPS, id_="c1", etag='"e1"', state="enabled", created_ms=0,
                         updated_ms=0)
    assert model.diff_props(olds, PROPS, never_unknown).changed == ()


def test_adopt_existing_alone_is_not_a_change() -> None:
    """Flipping adopt_existing does not touch the live connection."""
    found = model.diff_props(PROPS, {**PROPS, "adopt_existing": True}, never_unknown)
    assert found.changed == ()


def test_unknown_new_value_counts_as_change() -> None:
    """A value unknown at preview may change: it is reported."""
    marker = object()
    found = model.diff_props(PROPS, {**PROPS, "sandbox_name": marker}, lambda v: v is marker)
    assert found.replaces == ("sandbox_name",)


def test_patch_replaces_all_params_when_one_changes() -> None:
    """Flow Service replaces auth.params whole, so all params are sent."""
    ops = model.patch_ops(PROPS, {**PROPS, "database": "other"})
    assert ops == [{"op": "replace", "path": "/auth/params",
                    "value": model.auth_params({**PROPS, "database": "other"})}]


@pytest.mark.parametrize(("old", "new", "op"), [
    (None, "added", {"op": "add", "path": "/description", "value": "added"}),
    ("old", "new", {"op": "replace", "path": "/description", "value": "new"}),
    ("old", None, {"op": "remove", "path": "/description"}),
])
def test_description_ops(old: str | None, new: str | None, op: dict[str, Any]) -> None:
    """Description gets add, replace or remove as it appears, changes or disappears."""
    olds = {**PROPS, "description": old}
    news = {**PROPS, "description": new}
    assert model.patch_ops(olds, news) == [op]


def test_nothing_to_patch_when_equal() -> None:
    """Equal properties give an empty patch."""
    assert model.patch_ops(PROPS, dict(PROPS)) == []


LIVE = {
    "id": "c1",
    "name": "sales-renamed",
    "description": "owner: data",
    "sandboxName": "prod",
    "state": "enabled",
    "createdAt": 1764342181000,
    "updatedAt": 1764342182000,
    "etag": '"e2"',
    "connectionSpec": {"id": model.SPEC_ID, "version": "1.0"},
    "auth": {"specName": model.AUTH_SPEC_NAME, "params": {
        "domain": "https://adb-1.7.azuredatabricks.net", "clusterId": "0123-456789-abcde123",
        "accessToken": "****", "database": "acme-db", "catalog": "main"}},
}


def test_from_api_keeps_token_from_state_and_reads_the_rest_live() -> None:
    """Refresh maps live values back, keeping the (masked) token from state."""
    outs, inputs = model.from_api(LIVE, {**PROPS, "adopt_existing": True})
    assert inputs["name"] == "sales-renamed"
    assert inputs["access_token"] == "dapi-secret-token"
    assert inputs["adopt_existing"] is True
    assert outs["etag"] == '"e2"'
    assert outs["connection_id"] == "c1"
    assert outs["created_at"] == "2025-11-28T15:03:01Z"
    assert "****" not in outs.values()


def test_matches_compares_non_secret_state() -> None:
    """A live connection matches when its non-secret fields equal the declared ones."""
    assert model.matches(LIVE, {**PROPS, "name": "sales-renamed"})
    assert not model.matches(LIVE, PROPS)


def test_iso_time_is_utc_with_milliseconds() -> None:
    """Epoch milliseconds become an ISO-8601 UTC string, to the second."""
    assert model.iso_time(1999) == "1970-01-01T00:00:01Z"
    assert model.iso_time(0) == "1970-01-01T00:00:00Z"
    assert model.iso_time(None) is None


def test_old_import_paths_name_the_same_mapping_and_table() -> None:
    """``provider.model`` and ``provider.fields`` still give the moved mapping and field table."""
    from provider import fields
    from provider import model as old

    assert old.create_body is model.create_body
    assert old.SPEC is model.SPEC
    assert old.DATABRICKS_SPEC_ID == model.SPEC_ID
    assert fields.DATABRICKS_BASE_CONNECTION is model.DATABRICKS_BASE_CONNECTION
