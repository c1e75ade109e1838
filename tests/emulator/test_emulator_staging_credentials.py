"""Landing-zone staging credentials: shapes, per-sandbox, refresh revokes, expiry on a clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from emulator_support import Api
from pipeline_support import CREDENTIALS, platform

from provider.emulator import Emulator
from provider.emulator.pipeline import PipelineOptions
from tests.clocks import FakeClock

QUERY = "?type=dlz_databricks_source"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock at 2026-09-21."""
    return FakeClock(1_790_000_000.0)


@pytest.fixture
def emu(clock: FakeClock) -> Iterator[Emulator]:
    """An emulator whose tokens live one day on the fake clock."""
    with Emulator(pipeline=PipelineOptions(clock=clock, staging_ttl=86400)) as emulator:
        yield emulator


def get(api: Api) -> Any:
    """GET the credentials (200 asserted)."""
    answer = platform(api, "GET", CREDENTIALS + QUERY)
    assert answer.status_code == 200, answer.text
    return answer.json()


def refresh(api: Api) -> Any:
    """POST action=refresh (200 asserted)."""
    answer = platform(api, "POST", CREDENTIALS + QUERY + "&action=refresh",
                      headers=api.headers(**JSON))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_get_answers_adobes_shape_and_is_stable(emu: Emulator, api: Api) -> None:
    """GET gives containerName, SASToken, storageAccountName, SASUri, expiryDate; again the same."""
    first = get(api)
    assert set(first) == {"containerName", "SASToken", "storageAccountName", "SASUri",
                          "expiryDate"}
    assert first["SASUri"] == (
        f"https://{first['storageAccountName']}.blob.core.windows.net/"
        f"{first['containerName']}?{first['SASToken']}"
    )
    assert first["expiryDate"] == "2026-09-22"
    assert get(api) == first
    record = emu.staging_credentials()
    assert record is not None
    assert record["SASToken"] == first["SASToken"]
    assert emu.staging_token_valid(first["SASToken"])


def test_refresh_revokes_the_previous_token(emu: Emulator, api: Api) -> None:
    """action=refresh answers a new token; the old one is revoked; GET then shows the new one."""
    old = get(api)
    new = refresh(api)
    assert new["SASToken"] != old["SASToken"]
    assert (new["containerName"], new["storageAccountName"]) == (
        old["containerName"], old["storageAccountName"])
    assert not emu.staging_token_valid(old["SASToken"])
    assert emu.staging_token_valid(new["SASToken"])
    assert get(api) == new
    record = emu.staging_credentials()
    assert record is not None
    assert record["revoked"] == [old["SASToken"]]
    assert record["refreshes"] == 1
    assert emu.issued_sas_tokens() == (old["SASToken"], new["SASToken"])


def test_expired_token_is_renewed_by_the_next_get(
    emu: Emulator, api: Api, clock: FakeClock
) -> None:
    """After the TTL on the clock the token is invalid, and the next GET issues a new one."""
    old = get(api)
    clock.advance(86399)
    assert get(api) == old
    clock.advance(1)
    assert not emu.staging_token_valid(old["SASToken"])
    new = get(api)
    assert new["SASToken"] != old["SASToken"]
    assert new["expiryDate"] == "2026-09-23"
    record = emu.staging_credentials()
    assert record is not None
    assert record["refreshes"] == 0
    assert record["issued"] == 2


def test_credentials_are_per_org_and_sandbox(emu: Emulator, make_api: Any) -> None:
    """Each sandbox (and org) has its own account and token."""
    answers = [get(make_api("prod")), get(make_api("dev"))]
    # The gateway refuses another org's header with the emulator's token (403025), so the
    # other org's credentials come from the service itself.
    answers.append(emu._pipeline.staging.current(("OTHER0@AdobeOrg", "prod")))
    tokens = {a["SASToken"] for a in answers}
    accounts = {a["storageAccountName"] for a in answers}
    assert len(tokens) == len(accounts) == 3


@pytest.mark.parametrize(
    ("method", "query", "status"),
    [("GET", "?type=user_drop_zone", 400), ("GET", "", 400), ("POST", QUERY, 400),
     ("POST", QUERY + "&action=rotate", 400), ("GET", QUERY + "&action=refresh", 400),
     ("DELETE", QUERY, 405)],
)
def test_bad_requests(api: Api, method: str, query: str, status: int) -> None:
    """Unknown type or action, and other methods, are refused with LANDINGZONE bodies."""
    answer = platform(api, method, CREDENTIALS + query, headers=api.headers(**JSON))
    assert answer.status_code == status
    assert "LANDINGZONE" in answer.json()["type"]


def test_gateway_and_faults_apply(emu: Emulator, api: Api) -> None:
    """A revoked IMS token gets 401; a fault on the full path fires; the log records it."""
    emu.faults.add(status=503, times=1, path=CREDENTIALS)
    assert platform(api, "GET", CREDENTIALS + QUERY).status_code == 503
    get(api)
    emu.revoke_tokens()
    assert platform(api, "GET", CREDENTIALS + QUERY).status_code == 401
    statuses = [r.status for r in emu.requests if r.path == CREDENTIALS]
    assert statuses == [503, 200, 401]


def test_sas_token_not_in_the_request_log(emu: Emulator, api: Api) -> None:
    """Tokens travel only in answers: no recorded request holds one."""
    get(api)
    refresh(api)
    text = repr(emu.requests)
    assert all(token not in text for token in emu.issued_sas_tokens())
