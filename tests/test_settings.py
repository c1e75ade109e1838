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


@pytest.mark.parametrize(("key", "value"), [
    ("aep:orgId", "ORG@AdobeOrg\r\nX-Injected: 1"),
    ("aep:clientId", "ci\nd"),
    ("aep:clientId", "c id"),
    ("aep:clientSecret", "client-secret\r\nvalue"),
    ("aep:accessToken", "eyJhbGciOi\x00JSUzI1NiJ9"),
    ("aep:sandboxName", "de\tv"),
    ("aep:orgId", "ORG\u00e9@AdobeOrg"),
    ("aep:accessToken", "eyJhbGciOi\u2028JSUzI1NiJ9"),
])
def test_values_that_cannot_be_sent_are_refused_naming_the_key(key: str, value: str) -> None:
    """Control characters or spaces inside an id or token: refused at configure, naming the
    key, with no secret in the message."""
    config = {**FULL, key: value}
    if key == "aep:accessToken":
        config.pop("aep:clientSecret")
    with pytest.raises(ConfigurationError) as caught:
        settings(config)
    text = str(caught.value)
    assert key in text
    assert "\n" not in text
    assert "\r" not in text
    assert "client-secret" not in text
    assert "eyJhbGciOi" not in text


@pytest.mark.parametrize("key", ["aep:clientSecret", "aep:accessToken"])
def test_implausibly_short_secrets_are_refused(key: str) -> None:
    """A client secret or access token under 8 characters is refused as implausible."""
    config = {**FULL, key: "short"}
    with pytest.raises(ConfigurationError, match=key):
        settings(config)


@pytest.mark.parametrize(("url", "words"), [
    ("https://platform.adobe.io:abc", "invalid host or port"),
    ("https://platform.adobe.io:99999", "invalid host or port"),
    ("https://platform.adobe.io:0", "empty or zero port"),
    ("https://platform.adobe.io:", "empty or zero port"),
    ("https://platform.adobe.io/#frag", "fragment"),
    ("https://platform.adobe.io/?x=1", "query"),
    ("https://platform.adobe.io/\r\nx", "control characters"),
    ("https://platform .adobe.io", "spaces"),
    ("https://bob:hunter2pass@platform.adobe.io", "credentials"),
    ("http://bob:hunter2pass@platform.adobe.io", "credentials"),
    ("ftp://bob:hunter2pass@platform.adobe.io", "credentials"),
])
def test_urls_that_cannot_be_a_base_url_are_refused_and_masked(url: str, words: str) -> None:
    """Bad ports, fragments, queries, control characters and user info are refused at
    configure; the message names the key and never shows the password, whatever the scheme."""
    with pytest.raises(ConfigurationError) as caught:
        settings({**FULL, "aep:platformUrl": url})
    text = str(caught.value)
    assert "aep:platformUrl" in text
    assert words in text
    assert "hunter2pass" not in text
    assert "bob" not in text


def test_ims_url_gets_the_same_rules() -> None:
    """aep:imsUrl is refused the same way, naming its own key."""
    with pytest.raises(ConfigurationError, match="aep:imsUrl"):
        settings({**FULL, "aep:imsUrl": "https://ims.example.com:99999"})


@pytest.mark.parametrize(("config", "environ", "gone"), [
    ({}, {}, False),
    ({"aep:notFoundMeansGone": "true"}, {}, True),
    ({"aep:notFoundMeansGone": "false"}, {"AEP_NOT_FOUND_MEANS_GONE": "true"}, False),
    ({}, {"AEP_NOT_FOUND_MEANS_GONE": "true"}, True),
])
def test_not_found_means_gone_is_a_boolean_off_by_default(
        config: dict[str, str], environ: dict[str, str], gone: bool) -> None:
    """aep:notFoundMeansGone (else AEP_NOT_FOUND_MEANS_GONE) is false unless set to true."""
    settings = ProviderSettings.from_config({**FULL, **config}.get, environ)
    assert settings.not_found_means_gone is gone


def test_not_found_means_gone_must_be_true_or_false() -> None:
    """Anything but true or false is refused, naming the key."""
    with pytest.raises(ConfigurationError, match="aep:notFoundMeansGone must be true or false"):
        ProviderSettings.from_config({**FULL, "aep:notFoundMeansGone": "yes"}.get, {})
