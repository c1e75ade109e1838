"""provider.settings: real credentials never travel over plain http (the emulator's demo ones may).

Held at ``ProviderSettings.from_config`` (what ``configure`` runs, so ``check`` reports it before
any request) and through the provider's ``check`` hook, against an emulator that records every
request it receives.
"""

from __future__ import annotations

import pytest

from provider.emulator import Emulator
from provider.emulator.server import CLIENT_ID, CLIENT_SECRET, ORG_ID
from provider.errors import ConfigurationError
from provider.settings import ProviderSettings

REAL = {"aep:clientId": "real-client-id", "aep:clientSecret": "real-client-secret-value",
        "aep:orgId": "REAL@AdobeOrg"}
DEMO = {"aep:clientId": CLIENT_ID, "aep:clientSecret": CLIENT_SECRET, "aep:orgId": ORG_ID}
LOCAL = "http://127.0.0.1:8080"


def settings(config: dict[str, str], environ: dict[str, str] | None = None) -> ProviderSettings:
    return ProviderSettings.from_config(config.get, environ or {})


@pytest.mark.parametrize("field", ["aep:platformUrl", "aep:imsUrl"])
def test_real_credentials_to_a_loopback_http_url_from_stack_config_are_refused(field: str) -> None:
    """A real client secret and an http loopback URL in stack config: refused, naming the key."""
    with pytest.raises(ConfigurationError) as caught:
        settings({**REAL, field: LOCAL})
    text = str(caught.value)
    assert f"{field} is http://127.0.0.1:8080 (from the stack config {field})" in text
    assert "aep:allowInsecureHttp" in text
    assert "real-client-secret-value" not in text


@pytest.mark.parametrize(("env", "key"), [("AEP_PLATFORM_URL", "aep:platformUrl"),
                                          ("AEP_IMS_URL", "aep:imsUrl")])
def test_a_leftover_local_url_in_the_environment_is_refused(env: str, key: str) -> None:
    """A prod-like config with AEP_*_URL=http://127.0.0.1:8080 left in the shell is refused."""
    with pytest.raises(ConfigurationError) as caught:
        settings(REAL, {env: LOCAL})
    text = str(caught.value)
    assert f"(from the environment variable {env})" in text
    assert f"unset {env}" in text
    assert key in text


def test_a_pre_issued_real_token_over_http_is_refused() -> None:
    """aep:accessToken with a real client id is refused over http like a client secret."""
    config = {"aep:clientId": "real-client-id", "aep:orgId": "REAL@AdobeOrg",
              "aep:accessToken": "real-token-value", "aep:platformUrl": LOCAL,
              "aep:imsUrl": LOCAL}
    with pytest.raises(ConfigurationError, match="aep:platformUrl"):
        settings(config)


def test_demo_credentials_may_use_the_loopback_emulator() -> None:
    """The emulator's demo client id and secret are accepted on http loopback URLs."""
    got = settings({**DEMO, "aep:platformUrl": LOCAL, "aep:imsUrl": LOCAL})
    assert got.platform_url == LOCAL


def test_demo_client_id_with_a_real_secret_is_refused() -> None:
    """The demo client id alone is not enough: the secret must be the demo one too, and the
    refusal says plainly that the client secret is not the emulator's (issue #23)."""
    with pytest.raises(ConfigurationError, match="^invalid client secret: aep:clientSecret "
                                                 r"\(from the stack config"):
        settings({**DEMO, "aep:clientSecret": "something-real", "aep:imsUrl": LOCAL})


@pytest.mark.parametrize(("config", "environ"), [
    ({"aep:allowInsecureHttp": "true"}, {}),
    ({}, {"AEP_ALLOW_INSECURE_HTTP": "true"}),
])
def test_explicit_opt_in_allows_other_credentials(
    config: dict[str, str], environ: dict[str, str]
) -> None:
    """aep:allowInsecureHttp: true (or AEP_ALLOW_INSECURE_HTTP=true) lets a test rig use http."""
    got = settings({**REAL, "aep:platformUrl": LOCAL, **config}, environ)
    assert got.platform_url == LOCAL


@pytest.mark.parametrize(("config", "environ", "origin"), [
    ({"aep:allowInsecureHttp": "TRUE"}, {}, "stack config aep:allowInsecureHttp"),
    ({"aep:allowInsecureHttp": " true "}, {}, "stack config aep:allowInsecureHttp"),
    ({}, {"AEP_ALLOW_INSECURE_HTTP": "1"}, "environment variable AEP_ALLOW_INSECURE_HTTP"),
    ({}, {"AEP_ALLOW_INSECURE_HTTP": "yes"}, "environment variable AEP_ALLOW_INSECURE_HTTP"),
])
def test_opt_in_must_be_a_real_boolean(
    config: dict[str, str], environ: dict[str, str], origin: str
) -> None:
    """Anything but true/false for the opt-in is an error naming where it came from."""
    with pytest.raises(ConfigurationError, match=f"{origin} must be true or false"):
        settings({**REAL, "aep:platformUrl": LOCAL, **config}, environ)


def test_opt_in_false_keeps_the_refusal() -> None:
    """aep:allowInsecureHttp: false is the default: real credentials are still refused."""
    with pytest.raises(ConfigurationError, match="plain http"):
        settings({**REAL, "aep:platformUrl": LOCAL, "aep:allowInsecureHttp": "false"})


def test_https_urls_need_no_opt_in() -> None:
    """Real credentials over https are unaffected."""
    got = settings({**REAL, "aep:platformUrl": "https://platform.adobe.io"})
    assert got.platform_url == "https://platform.adobe.io"


def test_check_reports_it_before_any_request() -> None:
    """Through the provider's check hook: one failure on `aep`, and nothing reaches the URL."""
    from pulumi.dynamic import ConfigureRequest

    from provider.resource import DatabricksBaseConnectionProvider

    with Emulator() as emu:
        provider = DatabricksBaseConnectionProvider()
        config = {**REAL, "aep:platformUrl": emu.url, "aep:imsUrl": emu.url,
                  "aep:sandboxName": "dev"}
        provider.configure(ConfigureRequest(config))
        result = provider.check({}, {
            "name": "sales", "domain": "https://adb-1.2.azuredatabricks.net",
            "cluster_id": "0123-456789-abcdefgh", "access_token": "dapi-x-0000000000",
            "database": "sales", "sandbox_name": "dev",
        })
        assert [f.property for f in result.failures] == ["aep"]
        assert "aep:allowInsecureHttp" in result.failures[0].reason
        assert emu.requests == []
