"""Provider settings: config first, environment second, clear errors naming the keys."""

from __future__ import annotations

import pytest

from provider.errors import ConfigurationError
from provider.settings import DEFAULT_PLATFORM_URL, DEFAULT_SCOPES, ProviderSettings

FULL = {"aep:clientId": "cid", "aep:clientSecret": "client-secret-value",
        "aep:orgId": "ORG@AdobeOrg"}


def settings(config: dict[str, str], environ: dict[str, str] | None = None) -> ProviderSettings:
    return ProviderSettings.from_config(config.get, environ or {})


def test_defaults_point_at_adobe() -> None:
    """With only credentials, URLs and scopes are Adobe's production defaults."""
    s = settings(FULL)
    assert s.platform_url == DEFAULT_PLATFORM_URL
    assert s.ims_url == "https://ims-na1.adobelogin.com"
    assert s.scopes == DEFAULT_SCOPES


def test_environment_is_the_fallback() -> None:
    """Each key missing from config is read from its AEP_* variable."""
    s = settings({}, {"AEP_CLIENT_ID": "env-id", "AEP_CLIENT_SECRET": "env-secret-value",
                      "AEP_ORG_ID": "E@AdobeOrg", "AEP_SANDBOX_NAME": "dev"})
    assert (s.client_id, s.org_id, s.sandbox_name) == ("env-id", "E@AdobeOrg", "dev")


def test_config_wins_over_environment() -> None:
    """Stack config takes precedence over the environment."""
    s = settings(FULL, {"AEP_CLIENT_ID": "env-id"})
    assert s.client_id == "cid"


def test_access_token_replaces_client_secret() -> None:
    """A pre-issued token is enough without a client secret."""
    s = settings({"aep:clientId": "cid", "aep:orgId": "O@AdobeOrg",
                  "aep:accessToken": "pre-issued-token"})
    assert s.access_token == "pre-issued-token"
    assert s.client_secret is None


def test_missing_credentials_name_every_key() -> None:
    """One error lists all missing keys, their env variables and how to set them."""
    with pytest.raises(ConfigurationError) as caught:
        settings({})
    text = str(caught.value)
    for word in ("aep:clientId", "aep:orgId", "aep:clientSecret", "AEP_CLIENT_ID",
                 "pulumi config set --secret", "aep:accessToken"):
        assert word in text


@pytest.mark.parametrize(("url", "ok"), [
    ("https://platform.adobe.io", True),
    ("http://127.0.0.1:8080", True),
    ("http://localhost:8080/", True),
    ("http://platform.adobe.io", False),
    ("ftp://platform.adobe.io", False),
    ("https://user:pw@platform.adobe.io", False),
])
def test_platform_url_rules(url: str, ok: bool) -> None:
    """https everywhere; plain http only to the loopback emulator; no credentials in URLs."""
    config = {**FULL, "aep:platformUrl": url, "aep:allowInsecureHttp": "true"}
    if ok:
        assert settings(config).platform_url == url.rstrip("/")
    else:
        with pytest.raises(ConfigurationError, match="aep:platformUrl"):
            settings(config)


def test_repr_holds_no_secret() -> None:
    """Printing settings never shows the client secret or token."""
    text = repr(settings({**FULL, "aep:accessToken": "pre-issued-token"}))
    assert "client-secret-value" not in text
    assert "pre-issued-token" not in text
