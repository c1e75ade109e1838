"""IMS token issuing and the gateway checks in front of every Flow Service path."""

from __future__ import annotations

import pytest
import requests
from emulator_support import BASE, Api, flow_code

from provider.emulator import Emulator

IMS_FORM = {
    "grant_type": "client_credentials",
    "client_id": "aep-emulator-client",
    "client_secret": "aep-emulator-secret",
    "scope": "openid",
}


def ims(emu: Emulator, form: dict[str, str]) -> requests.Response:
    return requests.post(f"{emu.url}/ims/token/v3", data=form, timeout=5)


def test_ims_issues_bearer_token_with_ttl(emu: Emulator) -> None:
    """IMS answers a token, token_type bearer and expires_in in seconds; it counts tokens."""
    answer = ims(emu, IMS_FORM)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86399
    assert len(body["access_token"]) >= 32
    assert emu.issued_tokens == 1


def test_ims_rejects_wrong_secret_with_invalid_client(emu: Emulator) -> None:
    """Wrong credentials get 401 invalid_client and no token."""
    answer = ims(emu, {**IMS_FORM, "client_secret": "nope-nope"})
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert "error_description" in answer.json()
    assert emu.issued_tokens == 0


@pytest.mark.parametrize("field", ["grant_type", "client_id", "client_secret"])
def test_ims_missing_field_is_invalid_request(emu: Emulator, field: str) -> None:
    """grant_type, client_id and client_secret are mandatory: 400 invalid_request."""
    form = {k: v for k, v in IMS_FORM.items() if k != field}
    answer = ims(emu, form)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert emu.issued_tokens == 0


@pytest.mark.parametrize("scope", [None, ""])
def test_ims_without_scope_is_invalid_scope(emu: Emulator, scope: str | None) -> None:
    """A missing or empty scope gets 400 invalid_scope, as Adobe's IMS answers."""
    form = {k: v for k, v in IMS_FORM.items() if k != "scope"}
    if scope is not None:
        form["scope"] = scope
    answer = ims(emu, form)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"
    assert emu.issued_tokens == 0


def test_ims_rejects_other_grant_types(emu: Emulator) -> None:
    """Only client_credentials is supported."""
    answer = ims(emu, {**IMS_FORM, "grant_type": "password"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    ("drop", "status", "code"),
    [
        ("Authorization", 403, "403010"),
        ("x-api-key", 403, "403000"),
        ("x-gw-ims-org-id", 400, "400003"),
    ],
)
def test_missing_gateway_header(api: Api, drop: str, status: int, code: str) -> None:
    """Missing Authorization, x-api-key or org header get the gateway's codes."""
    answer = api.call("GET", "/connections", headers=api.headers(**{drop: None}))
    assert answer.status_code == status
    assert answer.json()["error_code"] == code


def test_unknown_token_is_401013(api: Api) -> None:
    """A token IMS never issued gets 401 401013."""
    answer = api.call("GET", "/connections", headers=api.headers(Authorization="Bearer forged"))
    assert answer.status_code == 401
    assert answer.json() == {"error_code": "401013", "message": "Oauth token is not valid"}


def test_wrong_api_key_is_403003(api: Api) -> None:
    """An api key other than the client the token was issued to gets 403 403003."""
    answer = api.call("GET", "/connections", headers=api.headers(x_api_key="someone-else"))
    assert answer.status_code == 403
    assert answer.json()["error_code"] == "403003"


def test_revoked_tokens_get_401_and_new_token_works(emu: Emulator, api: Api) -> None:
    """revoke_tokens() invalidates every token; a fresh one works again."""
    assert api.call("GET", "/connections").status_code == 200
    emu.revoke_tokens()
    assert api.call("GET", "/connections").status_code == 401
    api.token = api.fetch_token()
    assert api.call("GET", "/connections").status_code == 200


def test_tokens_expire_after_ttl() -> None:
    """A token older than token_ttl seconds (on the issuer's clock) gets 401 401013."""
    now = [1000.0]
    with Emulator(token_ttl=60, clock=lambda: now[0]) as emu:
        client = Api(emu)
        now[0] += 59.9
        assert client.call("GET", "/connections").status_code == 200
        now[0] += 0.1
        answer = client.call("GET", "/connections")
        assert answer.status_code == 401
        assert answer.json()["error_code"] == "401013"


def test_sandboxes_default_to_prod_and_dev(emu: Emulator) -> None:
    """Out of the box the emulator knows prod and the local stack's dev sandbox."""
    assert emu.sandboxes == frozenset({"prod", "dev"})


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_sandbox_is_2101_404(emu: Emulator, method: str) -> None:
    """A well-formed sandbox name that does not exist gets 404 2101-404, applying nothing."""
    client = Api(emu, sandbox="staging")
    answer = client.create() if method == "POST" else client.call("GET", "/connections")
    assert answer.status_code == 404
    assert flow_code(answer) == "2101-404"
    assert "staging" in answer.json()["errorMessage"]
    emu.add_sandbox("staging")
    assert client.create().status_code == 201


def test_sandboxes_are_configurable() -> None:
    """sandboxes= sets the known names; None lets every well-formed name exist."""
    with Emulator(sandboxes=["qa"]) as emu:
        assert Api(emu, sandbox="qa").call("GET", "/connections").status_code == 200
        assert Api(emu, sandbox="prod").call("GET", "/connections").status_code == 404
    with Emulator(sandboxes=None) as emu:
        assert emu.sandboxes is None
        assert Api(emu, sandbox="anything-1").call("GET", "/connections").status_code == 200


def test_missing_sandbox_defaults_to_prod(emu: Emulator, make_api) -> None:  # type: ignore[no-untyped-def]
    """Without x-sandbox-name a request works in prod (the default policy)."""
    headerless, prod = make_api(sandbox=None), make_api(sandbox="prod")
    assert headerless.create().status_code == 201
    assert len(prod.call("GET", "/connections").json()["items"]) == 1


def test_missing_sandbox_can_be_an_error() -> None:
    """With missing_sandbox="error", no x-sandbox-name gets 400 2105-400."""
    with Emulator(missing_sandbox="error") as emu:
        answer = Api(emu, sandbox=None).call("GET", "/connections")
        assert answer.status_code == 400
        assert flow_code(answer) == "2105-400"


@pytest.mark.parametrize("sandbox", ["Prod", "dev sandbox", "dev_1", "-dev"])
def test_malformed_sandbox_is_not_found(api: Api, sandbox: str) -> None:
    """A sandbox name that is not lower-case letters, digits and dashes gets 404 2100-404."""
    answer = api.call("GET", "/connections", headers=api.headers(x_sandbox_name=sandbox))
    assert answer.status_code == 404
    assert flow_code(answer) == "2100-404"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_post_without_json_content_type_is_bad_request(api: Api, content_type: str | None) -> None:
    """POST without a JSON content type gets the gateway's BadRequestError body."""
    headers = api.headers(**{"Content-Type": content_type})
    answer = api.call("POST", "/connections", headers=headers, data=b'{"name": "x"}')
    assert answer.status_code == 400
    assert answer.json() == {
        "type": "/placeholder/type/uri",
        "status": 400,
        "title": "BadRequestError",
        "detail": "A valid content-type must be specified",
    }


def test_patch_without_json_content_type_is_bad_request(api: Api) -> None:
    """PATCH without a JSON content type is refused before the etag is looked at."""
    id_, etag = api.created()
    headers = api.headers(**{"If-Match": etag, "Content-Type": "text/plain"})
    answer = api.call("PATCH", f"/connections/{id_}", headers=headers, data=b"[]")
    assert answer.status_code == 400
    assert answer.json()["title"] == "BadRequestError"


def test_every_answer_has_a_request_id(emu: Emulator, api: Api) -> None:
    """Success and error answers alike carry a distinct x-request-id."""
    ok = api.call("GET", "/connections")
    bad = requests.get(f"{emu.url}{BASE}/connections", timeout=5)
    ids = {ok.headers["x-request-id"], bad.headers["x-request-id"]}
    assert len(ids) == 2


def test_keep_alive_reuses_one_connection(emu: Emulator, api: Api) -> None:
    """Requests on one Session share a single TCP connection (HTTP/1.1 keep-alive)."""
    for _ in range(4):
        assert api.call("GET", "/connections").status_code == 200
    manager = api.session.get_adapter(emu.url).poolmanager
    keys = manager.pools.keys()  # RecentlyUsedContainer is not iterable itself
    pools = [manager.pools[key] for key in keys]
    assert sum(pool.num_connections for pool in pools) == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [([], frozenset({"prod", "dev"})), (["--sandbox", "qa", "--sandbox", "uat"],
                                         frozenset({"qa", "uat"})), (["--any-sandbox"], None)],
)
def test_cli_sets_the_sandboxes(argv: list[str], expected: frozenset[str] | None) -> None:
    """--sandbox (repeatable) and --any-sandbox reach the emulator as its known sandboxes."""
    from provider.emulator.__main__ import build_parser, sandboxes_of

    emu = Emulator(sandboxes=sandboxes_of(build_parser().parse_args(argv)))
    assert emu.sandboxes == expected
