"""The request log: what was served, with every secret redacted."""

from __future__ import annotations

from emulator_support import ACCESS_TOKEN, Api, params

from provider.emulator import Emulator, RecordedRequest


def test_log_records_method_path_query_status_sandbox(emu: Emulator, api: Api) -> None:
    """Each request is recorded with its method, path, query, status and sandbox."""
    emu.clear_requests()
    api.call("GET", "/connections?limit=2&property=name==a")
    (entry,) = emu.requests
    assert isinstance(entry, RecordedRequest)
    assert entry.method == "GET"
    assert entry.path == "/data/foundation/flowservice/connections"
    assert entry.query == {"limit": ["2"], "property": ["name==a"]}
    assert entry.status == 200
    assert entry.sandbox == "prod"
    assert entry.headers["x-api-key"] == emu.client_id


def test_log_never_holds_secrets(emu: Emulator, api: Api) -> None:
    """Bearer token, client secret and accessToken (create and patch) never appear in the log."""
    id_, etag = api.created()
    rotated = "dapi-ROTATED-aa11bb22cc33"
    api.patch(id_, etag, [{"op": "replace", "path": "/auth/params/accessToken", "value": rotated}])
    etag = api.get(id_).json()["items"][0]["etag"]
    newer = "dapi-NEWER-dd44ee55ff66"
    api.patch(
        id_, etag, [{"op": "replace", "path": "/auth/params", "value": params(accessToken=newer)}]
    )
    log = repr(emu.requests)
    for secret in (api.token, emu.client_secret, ACCESS_TOKEN, rotated, newer):
        assert secret not in log
    posts = [r for r in emu.requests if r.method == "POST" and r.path.endswith("/connections")]
    assert posts[0].body["auth"]["params"]["accessToken"] == "[REDACTED]"
    assert posts[0].body["auth"]["params"]["clusterId"] == params()["clusterId"]
    ims = [r for r in emu.requests if r.path == "/ims/token/v3"]
    assert ims[0].body["client_secret"] == "[REDACTED]"
    assert ims[0].body["client_id"] == emu.client_id
    assert ims[0].headers.get("authorization") is None
    assert posts[0].headers["authorization"] == "Bearer [REDACTED]"


def test_clear_requests_empties_the_log(emu: Emulator, api: Api) -> None:
    """clear_requests() forgets what was served."""
    api.call("GET", "/connections")
    emu.clear_requests()
    assert emu.requests == []
