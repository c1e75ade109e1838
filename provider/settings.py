"""Provider settings: stack config keys first, environment variables as fallback.

The engine hands a dynamic provider the whole stack config (namespaced keys, secrets decrypted)
through ``configure()``; this module turns it into one checked ``ProviderSettings``. Nothing here
talks to the network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from provider.errors import ConfigurationError
from provider.redaction import register

DEFAULT_PLATFORM_URL = "https://platform.adobe.io"
DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
# The scopes Adobe's Developer Console shows for an AEP OAuth server-to-server credential.
DEFAULT_SCOPES = "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session"

# (stack config key, environment variable) for each setting.
KEYS: dict[str, tuple[str, str]] = {
    "client_id": ("aep:clientId", "AEP_CLIENT_ID"),
    "client_secret": ("aep:clientSecret", "AEP_CLIENT_SECRET"),
    "org_id": ("aep:orgId", "AEP_ORG_ID"),
    "scopes": ("aep:scopes", "AEP_SCOPES"),
    "access_token": ("aep:accessToken", "AEP_ACCESS_TOKEN"),
    "platform_url": ("aep:platformUrl", "AEP_PLATFORM_URL"),
    "ims_url": ("aep:imsUrl", "AEP_IMS_URL"),
    "sandbox_name": ("aep:sandboxName", "AEP_SANDBOX_NAME"),
}

# Tuning (not secret): (stack config key, environment variable, default, lowest, highest).
TUNING: dict[str, tuple[str, str, float, float, float]] = {
    "retry_attempts": ("aep:retryAttempts", "AEP_RETRY_ATTEMPTS", 6, 1, 50),
    "retry_max_seconds": ("aep:retryMaxSeconds", "AEP_RETRY_MAX_SECONDS", 60.0, 0.0, 3600.0),
    "retry_base_delay": ("aep:retryBaseDelay", "AEP_RETRY_BASE_DELAY", 0.5, 0.0, 60.0),
    "timeout_seconds": ("aep:timeoutSeconds", "AEP_TIMEOUT_SECONDS", 30.0, 0.1, 600.0),
    "max_concurrency": ("aep:maxConcurrency", "AEP_MAX_CONCURRENCY", 16, 1, 256),
}

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclasses.dataclass(frozen=True)
class ProviderSettings:
    """Checked provider settings. Secrets are kept out of ``repr``."""

    client_id: str
    org_id: str
    platform_url: str = DEFAULT_PLATFORM_URL
    ims_url: str = DEFAULT_IMS_URL
    scopes: str = DEFAULT_SCOPES
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    access_token: str | None = dataclasses.field(default=None, repr=False)
    sandbox_name: str | None = None
    # Retry budget per Flow Service call: at most ``retry_attempts`` tries within
    # ``retry_max_seconds``; backoff starts at ``retry_base_delay`` (Retry-After wins).
    retry_attempts: int = 6
    retry_max_seconds: float = 60.0
    retry_base_delay: float = 0.5
    # Read timeout of each HTTP request (Flow Service and IMS), in seconds.
    timeout_seconds: float = 30.0
    # Operations the native plugin runs at once (the dynamic host has its own 4 threads).
    max_concurrency: int = 16

    @classmethod
    def from_config(
        cls, get: Callable[[str], str | None], environ: Mapping[str, str]
    ) -> ProviderSettings:
        """Read each setting from stack config (``get``), else from ``environ``.

        Raises ``ConfigurationError`` naming every missing or invalid key and how to set it.
        """
        values: dict[str, str] = {}
        for field, (key, env) in KEYS.items():
            value = get(key)
            if value is None or value == "":
                value = environ.get(env) or None
            if value is not None:
                values[field] = value.strip()
        register(values.get("client_secret"), values.get("access_token"))

        missing = [f for f in ("client_id", "org_id") if not values.get(f)]
        if not values.get("client_secret") and not values.get("access_token"):
            missing.append("client_secret")
        if missing:
            raise ConfigurationError(_missing_message(missing))

        for field in ("platform_url", "ims_url"):
            if field in values:
                values[field] = _check_url(field, values[field])
        tuning = {field: _number(field, get, environ) for field in TUNING}
        return cls(**values, **tuning)  # type: ignore[arg-type]


def _number(field: str, get: Callable[[str], str | None], environ: Mapping[str, str]) -> float:
    key, env, default, low, high = TUNING[field]
    raw = get(key)
    source = key
    if raw is None or raw == "":
        raw, source = environ.get(env) or None, env
    if raw is None:
        return default
    whole = isinstance(default, int)
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high or value != value:
        kind = "a whole number" if whole else "a number of seconds"
        raise ConfigurationError(f"{source} must be {kind} from {low:g} to {high:g}, got {raw!r}.")
    return value


def _missing_message(missing: list[str]) -> str:
    keys = ", ".join(KEYS[f][0] for f in missing)
    envs = ", ".join(KEYS[f][1] for f in missing)
    return (
        f"AEP provider settings are missing: {keys}. Set them in the stack config, e.g. "
        "`pulumi config set aep:clientId <client-id>`, `pulumi config set aep:orgId "
        "<org-id>@AdobeOrg` and `pulumi config set --secret aep:clientSecret <secret>`, or export "
        f"{envs}. Instead of a client secret, a pre-issued token can be given as "
        "aep:accessToken (secret) or AEP_ACCESS_TOKEN."
    )


def _check_url(field: str, url: str) -> str:
    key = KEYS[field][0]
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(f"{key} must be an https URL such as https://platform.adobe.io, "
                                 f"got {url!r}.")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        # Tokens travel in clear over http; only the local emulator may be reached that way.
        raise ConfigurationError(
            f"{key} must use https (plain http is allowed only for the local emulator on "
            f"127.0.0.1 or localhost), got {url!r}."
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigurationError(f"{key} must be a plain base URL with no credentials, query or "
                                 f"fragment, got {parts.scheme}://{parts.hostname}/...")
    return url.rstrip("/")
