"""The /connections operations: create, get, patch, delete, test; errors; isolation; masking."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import ACCESS_TOKEN, BASE, SPEC_ID, Api, create_body, flow_code, params

from provider.emulator import Emulator


def test_create_answers_201_with_id_quoted_etag_and_location(emu: Emulator, api: Api) -> None:
    """Create returns 201 {id, etag}, the etag has literal quotes, Location names the id."""
    answer = api.create()
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"id", "etag"}
    assert body["etag"].startswith('"')
    assert body["etag"].endswith('"')
    assert answer.headers["Location"] == f"{BASE}/connections/{body['id']}"


def test_create_stores_metadata(emu: Emulator, api: Api) -> None:
    """The stored connection has timestamps, client ids, sandbox, org, state and version=etag."""
    id_, etag = api.created("meta")
    (stored,) = emu.connections()
    assert stored["id"] == id_
    assert stored["etag"] == stored["version"] == etag
    assert stored["createdAt"] == stored["updatedAt"] > 1_600_000_000_000
    for field in ("createdBy", "updatedBy", "createdClient", "updatedClient"):
        assert stored[field] == emu.client_id
    assert stored["sandboxName"] == "prod"
    assert stored["imsOrgId"] == emu.org_id
    assert stored["state"] == "enabled"
    assert stored["auth"]["params"]["accessToken"] == ACCESS_TOKEN


def test_get_masks_secret_params(api: Api) -> None:
    """GET wraps the connection in items and masks accessToken, keeping the rest verbatim."""
    id_, _ = api.created()
    answer = api.get(id_)
    assert answer.status_code == 200
    (item,) = answer.json()["items"]
    assert item["auth"]["params"] == {**params(), "accessToken": "****"}
    assert ACCESS_TOKEN not in answer.text


def test_mask_is_configurable() -> None:
    """The mask string is an option."""
    with Emulator(mask="<hidden>") as emu:
        client = Api(emu)
        id_, _ = client.created()
        assert client.get(id_).json()["items"][0]["auth"]["params"]["accessToken"] == "<hidden>"


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_missing_is_404_1101(api: Api, suffix: str) -> None:
    """An unknown id gets 404 1101-404, with or without a trailing slash."""
    answer = api.call("GET", f"/connections/no-such-id{suffix}")
    assert answer.status_code == 404
    assert flow_code(answer) == "1101-404"
    body = answer.json()
    assert body["status"] == 404
    assert body["report"]["request-id"] == answer.headers["x-request-id"]
    assert body["title"] == "Resource not found"
    assert body["errorMessage"] == "connections not found with id = [no-such-id]"
    assert body["errorDetails"] == body["errorMessage"]


@pytest.mark.parametrize(
    ("body", "code", "title"),
    [
        ({**create_body(), "connectionSpec": {"id": "not-a-spec", "version": "1.0"}},
         "1413-400", "Invalid request"),
        ({**create_body(), "name": ""}, "1455-400", "Invalid request"),
        (create_body(warehouse="w"), "1100-400", "Invalid request"),
    ],
)
def test_error_titles_follow_the_catalogue(api: Api, body: Any, code: str, title: str) -> None:
    """Error bodies carry the title Adobe's catalogue gives the code, and its 1413-400 text."""
    answer = api.create(body)
    assert flow_code(answer) == code
    assert answer.json()["title"] == title
    if code == "1413-400":
        assert answer.json()["errorMessage"] == (
            "The spec ID provided is invalid. Please provide a valid spec ID and try again."
        )


def test_get_with_trailing_slash(api: Api) -> None:
    """GET /connections/{id}/ answers like GET /connections/{id}."""
    id_, _ = api.created()
    assert api.call("GET", f"/connections/{id_}/").json()["items"][0]["id"] == id_


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (_without(create_body(), "name"), 400, "1455-400"),
        (_without(create_body(), "auth"), 400, "1455-400"),
        (_without(create_body(), "auth", "specName"), 400, "1455-400"),
        (_without(create_body(), "auth", "params"), 400, "1455-400"),
        (_without(create_body(), "connectionSpec"), 400, "1413-400"),
        (create_body(database=None), 400, "1455-400"),
        (create_body(warehouse="w"), 400, "1100-400"),
        (create_body(clusterId=12), 400, "1100-400"),
        (
            {**create_body(), "connectionSpec": {"id": "not-a-spec", "version": "1.0"}},
            400,
            "1413-400",
        ),
        ({**create_body(), "connectionSpec": {"id": SPEC_ID, "version": "9.9"}}, 400, "1413-400"),
        ({**create_body(), "auth": {"specName": "Basic", "params": params()}}, 400, "1415-400"),
        (_without(create_body(), "connectionSpec", "version"), 422, "1413-422"),
        ([create_body()], 400, "1100-400"),
    ],
    ids=[
        "no-name",
        "no-auth",
        "no-specName",
        "no-params",
        "no-spec",
        "missing-param",
        "unknown-param",
        "non-string-param",
        "unknown-spec",
        "unknown-version",
        "unknown-auth-spec",
        "no-version",
        "not-object",
    ],
)
def test_create_rejects_invalid_bodies(
    emu: Emulator, api: Api, body: Any, status: int, code: str
) -> None:
    """Each invalid create body gets its catalogue code and stores nothing."""
    answer = api.create(body)
    assert answer.status_code == status
    assert flow_code(answer) == code
    assert emu.connections() == []


def test_create_rejects_malformed_json(api: Api) -> None:
    """A body that is not JSON gets 1100-400."""
    headers = api.headers(**{"Content-Type": "application/json"})
    answer = api.call("POST", "/connections", headers=headers, data=b"{nope")
    assert answer.status_code == 400
    assert flow_code(answer) == "1100-400"


def test_missing_version_defaults_when_not_required() -> None:
    """With require_version=False a missing spec version becomes "1.0"."""
    with Emulator(require_version=False) as emu:
        answer = Api(emu).create(_without(create_body(), "connectionSpec", "version"))
        assert answer.status_code == 201
        assert emu.connections()[0]["connectionSpec"]["version"] == "1.0"


def test_catalog_param_is_optional_and_kept(emu: Emulator, api: Api) -> None:
    """The optional catalog param is accepted and stored."""
    api.created(catalog="main")
    assert emu.connections()[0]["auth"]["params"]["catalog"] == "main"


def test_duplicate_names_create_two_connections(emu: Emulator, api: Api) -> None:
    """Names are not unique: a second create with the same name makes a second connection."""
    first, _ = api.created("same")
    second, _ = api.created("same")
    assert first != second
    assert len(emu.connections()) == 2


def test_sandboxes_are_isolated(emu: Emulator, make_api) -> None:  # type: ignore[no-untyped-def]
    """A connection made in one sandbox is invisible (404, not listed) in another."""
    prod, dev = make_api("prod"), make_api("dev")
    id_, _ = prod.created()
    assert dev.get(id_).status_code == 404
    assert dev.call("GET", "/connections").json()["items"] == []
    assert dev.call("DELETE", f"/connections/{id_}").status_code == 404
    assert len(emu.connections(sandbox="prod")) == 1
    assert emu.connections(sandbox="dev") == []


def test_another_orgs_header_is_the_gateways_403(
    emu: Emulator, make_api  # type: ignore[no-untyped-def]
) -> None:
    """An org header other than the token's org is refused by the gateway, touching nothing."""
    ours, theirs = make_api(), make_api(org="OTHER000000000000000000@AdobeOrg")
    id_, _ = ours.created()
    for answer in (theirs.get(id_), theirs.create()):
        assert answer.status_code == 403
        assert answer.json() == {"error_code": "403025", "message": "Profile is not valid"}
    assert len(emu.connections()) == 1
    assert emu.connections("OTHER000000000000000000@AdobeOrg") == []


def test_patch_updates_fields_and_bumps_etag(emu: Emulator, api: Api) -> None:
    """A patch applies, answers 200 {id, etag} with a new etag; version and updatedAt follow."""
    id_, etag = api.created()
    before = emu.connections()[0]
    ops = [
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "ADD", "path": "/description", "value": "new words"},
        {"op": "Replace", "path": "/auth/params/clusterId", "value": "9999-cluster"},
    ]
    answer = api.patch(id_, etag, ops)
    assert answer.status_code == 200
    assert answer.json()["id"] == id_
    new_etag = answer.json()["etag"]
    assert new_etag != etag
    assert new_etag.startswith('"')
    after = emu.connections()[0]
    assert after["name"] == "renamed"
    assert after["description"] == "new words"
    assert after["auth"]["params"]["clusterId"] == "9999-cluster"
    assert after["etag"] == after["version"] == new_etag
    assert after["updatedAt"] > before["updatedAt"]
    assert after["createdAt"] == before["createdAt"]


def test_patch_auth_params_replaces_the_whole_object(emu: Emulator, api: Api) -> None:
    """/auth/params replaces all params: catalog set before disappears if not resent."""
    id_, etag = api.created(catalog="main")
    fresh = params(accessToken="dapi-rotated-000111")
    assert api.patch(id_, etag, [{"op": "replace", "path": "/auth/params", "value": fresh}]).ok
    assert emu.connections()[0]["auth"]["params"] == fresh


def test_patch_remove_description_and_optional_param(emu: Emulator, api: Api) -> None:
    """remove deletes the description and an optional param."""
    id_, etag = api.created(catalog="main")
    ops = [
        {"op": "remove", "path": "/description"},
        {"op": "remove", "path": "/auth/params/catalog"},
    ]
    assert api.patch(id_, etag, ops).status_code == 200
    stored = emu.connections()[0]
    assert "description" not in stored
    assert "catalog" not in stored["auth"]["params"]


def test_patch_trailing_slash(api: Api) -> None:
    """PATCH /connections/{id}/ (the spec's path) works too."""
    id_, etag = api.created()
    headers = api.headers(**{"If-Match": etag})
    ops = [{"op": "replace", "path": "/name", "value": "x"}]
    answer = api.call("PATCH", f"/connections/{id_}/", headers=headers, json=ops)
    assert answer.status_code == 200


def test_patch_missing_is_404(api: Api) -> None:
    """PATCH of an unknown id gets 404 1101-404."""
    answer = api.patch("no-such-id", '"x"', [{"op": "replace", "path": "/name", "value": "x"}])
    assert answer.status_code == 404
    assert flow_code(answer) == "1101-404"


def test_patch_without_if_match_is_1403(api: Api) -> None:
    """PATCH without If-Match gets 400 1403-400."""
    id_, _ = api.created()
    answer = api.patch(id_, None, [{"op": "replace", "path": "/name", "value": "x"}])
    assert answer.status_code == 400
    assert flow_code(answer) == "1403-400"


def test_stale_etag_is_412_with_both_versions(api: Api) -> None:
    """An old etag gets 412 1404-412 naming the supplied and current versions."""
    id_, etag = api.created()
    ops = [{"op": "replace", "path": "/name", "value": "x"}]
    current = api.patch(id_, etag, ops).json()["etag"]
    answer = api.patch(id_, etag, ops)
    assert answer.status_code == 412
    assert flow_code(answer) == "1404-412"
    assert answer.json()["errorMessage"] == (
        f"Supplied version=[{etag}] does not match the current version on entity=[{current}]"
    )


def test_unquoted_etag_is_412_by_default(api: Api) -> None:
    """If-Match without the etag's literal quotes does not match (412)."""
    id_, etag = api.created()
    answer = api.patch(id_, etag.strip('"'), [{"op": "replace", "path": "/name", "value": "x"}])
    assert answer.status_code == 412


def test_unquoted_etag_accepted_when_configured() -> None:
    """With accept_unquoted_etag=True the bare uuid matches too."""
    with Emulator(accept_unquoted_etag=True) as emu:
        client = Api(emu)
        id_, etag = client.created()
        ops = [{"op": "replace", "path": "/name", "value": "x"}]
        assert client.patch(id_, etag.strip('"'), ops).status_code == 200


@pytest.mark.parametrize(
    ("ops", "code"),
    [
        ([], "1405-400"),
        ({"op": "replace", "path": "/name", "value": "x"}, "1405-400"),
        ("not a list", "1405-400"),
        ([{"op": "move", "from": "/name", "path": "/description"}], "1434-400"),
        ([{"op": "copy", "from": "/name", "path": "/description"}], "1434-400"),
        ([{"op": "test", "path": "/name", "value": "conn"}], "1434-400"),
        ([{"op": "replace", "path": "/connectionSpec/id", "value": "x"}], "1414-400"),
        ([{"op": "replace", "path": "/connectionSpec", "value": {"id": "x"}}], "1414-400"),
        ([{"op": "replace", "path": "/keyWhichDoesNotExist", "value": "x"}], "1455-400"),
        ([{"op": "replace", "path": "/auth/params/warehouse", "value": "x"}], "1455-400"),
        ([{"op": "replace", "path": "/name"}], "1455-400"),
        ([{"op": "remove", "path": "/auth/params/accessToken"}], "1455-400"),
        ([{"op": "replace", "path": "/auth/params", "value": {"domain": "x"}}], "1455-400"),
        ([{"op": "replace", "path": "/name", "value": ""}], "1100-400"),
        ([{"op": "remove", "path": "/name"}], "1100-400"),
    ],
)
def test_patch_rejects_invalid_instructions(emu: Emulator, api: Api, ops: Any, code: str) -> None:
    """Each invalid patch gets its catalogue code and changes nothing (etag included)."""
    id_, etag = api.created()
    before = emu.connections()
    answer = api.patch(id_, etag, ops)
    assert answer.status_code == 400
    assert flow_code(answer) == code
    assert emu.connections() == before


def test_patch_is_all_or_nothing(emu: Emulator, api: Api) -> None:
    """A valid op followed by an invalid one leaves the connection untouched."""
    id_, etag = api.created("original")
    before = emu.connections()
    ops = [
        {"op": "replace", "path": "/name", "value": "half-applied"},
        {"op": "move", "from": "/name", "path": "/description"},
    ]
    assert api.patch(id_, etag, ops).status_code == 400
    assert emu.connections() == before
    assert api.patch(id_, etag, ops[:1]).status_code == 200


def test_delete_then_get_is_404(emu: Emulator, api: Api) -> None:
    """DELETE answers 204 with an empty body; the connection is gone."""
    id_, _ = api.created()
    answer = api.call("DELETE", f"/connections/{id_}")
    assert answer.status_code == 204
    assert answer.content == b""
    assert api.get(id_).status_code == 404
    assert emu.connections() == []


def test_delete_trailing_slash_and_twice(api: Api) -> None:
    """DELETE /connections/{id}/ works; a second DELETE gets 404 1101-404."""
    id_, _ = api.created()
    assert api.call("DELETE", f"/connections/{id_}/").status_code == 204
    again = api.call("DELETE", f"/connections/{id_}/")
    assert again.status_code == 404
    assert flow_code(again) == "1101-404"


def test_delete_status_is_configurable() -> None:
    """delete_status=202 answers 202 (as the Destinations spec shows)."""
    with Emulator(delete_status=202) as emu:
        client = Api(emu)
        id_, _ = client.created()
        assert client.call("DELETE", f"/connections/{id_}").status_code == 202


def test_delete_of_connection_in_use_is_1418(emu: Emulator, api: Api) -> None:
    """A connection referenced by a flow cannot be deleted: 400 1418-400, still stored."""
    id_, _ = api.created()
    emu.add_flow_reference(id_)
    answer = api.call("DELETE", f"/connections/{id_}")
    assert answer.status_code == 400
    assert flow_code(answer) == "1418-400"
    assert len(emu.connections()) == 1


@pytest.mark.parametrize(
    ("domain", "result"),
    [
        ("https://adb-1234567890123456.7.azuredatabricks.net", True),
        ("https://unreachable.azuredatabricks.net", False),
    ],
)
def test_connection_test_endpoint(api: Api, domain: str, result: bool) -> None:
    """GET /connections/{id}/test answers {"result": bool}, false for unreachable hosts."""
    id_, _ = api.created(domain=domain)
    answer = api.call("GET", f"/connections/{id_}/test")
    assert answer.status_code == 200
    assert answer.json() == {"result": result}


def test_connection_test_of_missing_is_404(api: Api) -> None:
    """Testing an unknown id gets 404 1101-404."""
    answer = api.call("GET", "/connections/nope/test")
    assert answer.status_code == 404
    assert flow_code(answer) == "1101-404"


def test_unsupported_method_is_405(api: Api) -> None:
    """PUT on a connection is not an operation Flow Service offers for base connections."""
    id_, _ = api.created()
    answer = api.call("PUT", f"/connections/{id_}", json={})
    assert answer.status_code == 405
