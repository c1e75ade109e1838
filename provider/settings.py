"""Provider settings: stack config keys first, environment variables as fallback.

The engine hands a dynamic provider the whole stack config (namespaced keys, secrets decrypted)
through ``configure()``; this module turns it into one checked ``ProviderSettings``. Nothing here
talks to the network.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from provider.errors import ConfigurationError, MissingSettingsError
from provider.http.retry import DEFAULT_POLICY
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
    "tenant_id": ("aep:tenantId", "AEP_TENANT_ID"),
}

# Tuning (not secret): (stack config key, environment variable, default, lowest, highest). The
# retry defaults are the HTTP layer's one budget (``provider.http.retry.DEFAULT_POLICY``).
TUNING: dict[str, tuple[str, str, float, float, float]] = {
    "retry_attempts": ("aep:retryAttempts", "AEP_RETRY_ATTEMPTS", DEFAULT_POLICY.attempts, 1, 50),
    "retry_max_seconds": ("aep:retryMaxSeconds", "AEP_RETRY_MAX_SECONDS",
                          DEFAULT_POLICY.total_seconds, 0.0, 3600.0),
    "retry_base_delay": ("aep:retryBaseDelay", "AEP_RETRY_BASE_DELAY", DEFAULT_POLICY.base_delay,
                         0.0, 60.0),
    "timeout_seconds": ("aep:timeoutSeconds", "AEP_TIMEOUT_SECONDS", 30.0, 0.1, 600.0),
    "max_concurrency": ("aep:maxConcurrency", "AEP_MAX_CONCURRENCY", 16, 1, 256),
}

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# (stack config key, environment variable) of the opt-in that lets credentials other than the
# emulator's demo ones travel over plain http to a loopback URL (test rigs with their own
# emulator). A real boolean: `true` or `false` exactly.
ALLOW_INSECURE_HTTP: tuple[str, str] = ("aep:allowInsecureHttp", "AEP_ALLOW_INSECURE_HTTP")
# (stack config key, environment variable) of the opt-in that takes Flow Service's code 1439
# (deleted, or hidden by access labels) as proof of deletion. A real boolean, default false.
NOT_FOUND_MEANS_GONE: tuple[str, str] = ("aep:notFoundMeansGone", "AEP_NOT_FOUND_MEANS_GONE")


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
    # The org's Schema Registry tenant id (custom fields live under ``_<tenant_id>``); unset,
    # it is read once per process from ``GET /data/foundation/schemaregistry/stats``.
    tenant_id: str | None = None
    # Retry budget per Flow Service call: at most ``retry_attempts`` tries within
    # ``retry_max_seconds``; backoff starts at ``retry_base_delay`` (Retry-After wins).
    retry_attempts: int = int(TUNING["retry_attempts"][2])
    retry_max_seconds: float = TUNING["retry_max_seconds"][2]
    retry_base_delay: float = TUNING["retry_base_delay"][2]
    # Total deadline of each HTTP attempt (connect, headers, body; Flow Service and IMS), in
    # seconds.
    timeout_seconds: float = TUNING["timeout_seconds"][2]
    # Operations the native plugin runs at once (the dynamic host has its own 4 threads).
    max_concurrency: int = int(TUNING["max_concurrency"][2])
    # Whether Flow Service's 1439 (deleted, or hidden by access labels) proves deletion.
    not_found_means_gone: bool = False

    @classmethod
    def from_config(
        cls, get: Callable[[str], str | None], environ: Mapping[str, str]
    ) -> ProviderSettings:
        """Read each setting from stack config (``get``), else from ``environ``.

        Raises ``ConfigurationError`` naming every missing or invalid key and how to set it.
        """
        values: dict[str, str] = {}
        for field in KEYS:
            value = _read(field, get, environ)
            if value is not None:
                values[field] = value
        register(values.get("client_secret"), values.get("access_token"))

        missing = [f for f in ("client_id", "org_id") if not values.get(f)]
        if not values.get("client_secret") and not values.get("access_token"):
            missing.append("client_secret")
        if missing:
            from provider.advice import missing_setting  # advice reads this module's defaults

            raise MissingSettingsError(tuple(missing_setting(*KEYS[f]) for f in missing))

        _check_sendable(values)
        if "tenant_id" in values and not re.fullmatch(r"[a-z0-9][a-z0-9_]{0,63}",
                                                        values["tenant_id"]):
            raise ConfigurationError(
                f"{KEYS['tenant_id'][0]} ({KEYS['tenant_id'][1]}) must be the Schema Registry's "
                "tenantId as GET /data/foundation/schemaregistry/stats shows it (lower-case "
                "letters, digits and _, no leading _), e.g. acme")
        for field in ("platform_url", "ims_url"):
            if field in values:
                values[field] = _check_url(field, values[field])
        _check_plain_http(values, get, environ)
        tuning = {field: _number(field, get, environ) for field in TUNING}
        gone = _boolean(NOT_FOUND_MEANS_GONE, get, environ)
        return cls(**values, **tuning, not_found_means_gone=gone)  # type: ignore[arg-type]


def _read(field: str, get: Callable[[str], str | None], environ: Mapping[str, str]) -> str | None:
    """A setting's value, stripped: stack config first, else its environment variable."""
    key, env = KEYS[field]
    value = get(key)
    if value is None or value == "":
        value = environ.get(env) or None
    return None if value is None else value.strip()


def configured_sandbox(get: Callable[[str], str | None],
                       environ: Mapping[str, str]) -> str | None:
    """``aep:sandboxName`` (or ``AEP_SANDBOX_NAME``), read as ``from_config`` reads it, for a
    provider whose other settings failed."""
    return _read("sandbox_name", get, environ) or None


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


# Settings that travel in HTTP headers or forms: a control character or a space in one cannot be
# sent (or would split a header), so it is refused here, naming the key, before any request.
_HEADER_VALUES = ("client_id", "org_id", "client_secret", "access_token", "sandbox_name")
_SECRETS = ("client_secret", "access_token")
MIN_SECRET = 8
_UNSENDABLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _check_sendable(values: Mapping[str, str]) -> None:
    """Refuse ids and tokens that cannot be sent, and implausibly short secrets; a secret's value
    never appears in the message."""
    for field in _HEADER_VALUES:
        value = values.get(field)
        if value is None:
            continue
        key, env = KEYS[field]
        if _UNSENDABLE.search(value) or not value.isascii():
            shown = "" if field in _SECRETS else f" (got {_masked_text(value)})"
            raise ConfigurationError(
                f"{key} ({env}) must be plain ASCII with no spaces, line breaks or control "
                f"characters{shown}; set it again with the value exactly as issued.")
        if field in _SECRETS and len(value) < MIN_SECRET:
            raise ConfigurationError(
                f"{key} ({env}) is shorter than {MIN_SECRET} characters, too short to be a real "
                "credential; set it again with the value from the Adobe Developer Console.")
    for field in ("platform_url", "ims_url"):
        url = values.get(field)
        if url is not None:
            _check_url_shape(field, url)


def _masked_text(value: str) -> str:
    return repr(_UNSENDABLE.sub("?", value[:80]))


def _masked_url(url: str) -> str:
    """``url`` for a message: no user info, query or fragment, no control characters."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "(an unreadable URL)"
    netloc = host if ":" not in host else f"[{host}]"
    shown = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else netloc + parts.path
    return repr(_UNSENDABLE.sub("?", shown[:120]))


def _check_url_shape(field: str, url: str) -> None:
    """Refuse a URL that cannot be used as a base URL, whatever its scheme: control characters
    or spaces, user info, a query, a fragment, an invalid port. The message masks user info."""
    key = KEYS[field][0]
    shown = _masked_url(url)
    if _UNSENDABLE.search(url):
        raise ConfigurationError(f"{key} must not contain spaces or control characters, "
                                 f"got {shown}.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigurationError(f"{key} has an invalid host or port (a port is a number from 1 "
                                 f"to 65535), got {shown}.") from None
    if parts.netloc.endswith(":") or port == 0:
        raise ConfigurationError(f"{key} has an empty or zero port, got {shown}.")
    if "@" in parts.netloc or "?" in url or "#" in url:
        raise ConfigurationError(f"{key} must be a plain base URL with no credentials "
                                 f"(user:password@), query or fragment, got {shown}.")


def _check_url(field: str, url: str) -> str:
    key = KEYS[field][0]
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(f"{key} must be an https URL such as https://platform.adobe.io, "
                                 f"got {_masked_url(url)}.")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        # Tokens travel in clear over http; only the local emulator may be reached that way.
        raise ConfigurationError(
            f"{key} must use https (plain http is allowed only for the local emulator on "
            f"127.0.0.1 or localhost), got {_masked_url(url)}."
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigurationError(f"{key} must be a plain base URL with no credentials, query or "
                                 f"fragment, got {parts.scheme}://{parts.hostname}/...")
    return url.rstrip("/")


def _check_plain_http(
    values: Mapping[str, str], get: Callable[[str], str | None], environ: Mapping[str, str]
) -> None:
    """Refuse real credentials over plain http, naming the URL setting and where it came from.

    A loopback ``http://`` platform or IMS URL (the only http :func:`_check_url` lets through) is
    accepted with the emulator's demo credentials (its client id, and its client secret if a
    secret is given: a pre-issued token for the demo client is one the emulator issued), or with
    ``aep:allowInsecureHttp: true`` / ``AEP_ALLOW_INSECURE_HTTP=true``. Anything else would send
    a client secret or token in clear to whatever listens there (a leftover
    ``AEP_PLATFORM_URL=http://127.0.0.1:8080`` in a shell).
    """
    plain = [f for f in ("platform_url", "ims_url")
             if values.get(f, "").lower().startswith("http://")]
    if not plain or _allow_insecure_http(get, environ):
        return
    from provider.emulator.server import CLIENT_ID, CLIENT_SECRET  # only the demo values

    demo_secret = values.get("client_secret") in (None, CLIENT_SECRET)
    if values.get("client_id") == CLIENT_ID and demo_secret:
        return
    if values.get("client_id") == CLIENT_ID:
        # The demo client with another secret: a mistyped emulator secret, said as such.
        from provider.advice import emulator_secret_mismatch

        raise ConfigurationError(emulator_secret_mismatch(*_origin("client_secret", get)))
    field = plain[0]
    key, origin = _origin(field, get)
    host = urlsplit(values[field]).netloc.rsplit("@", 1)[-1]
    allow_key, allow_env = ALLOW_INSECURE_HTTP
    raise ConfigurationError(
        f"{key} is http://{host} (from the {origin}): plain http is accepted only for the "
        "offline emulator with its demo credentials, and these credentials are not the demo "
        "ones, so they would travel in clear. Fix: use the https URL (or unset "
        f"{key if origin.startswith('stack') else KEYS[field][1]} to use Adobe's), or, for a "
        f"test rig running its own emulator, opt in with `pulumi config set {allow_key} true` "
        f"(or {allow_env}=true)."
    )


def _origin(field: str, get: Callable[[str], str | None]) -> tuple[str, str]:
    """The setting's config key and where its value came from (stack config or environment)."""
    key, env = KEYS[field]
    return key, f"stack config {key}" if get(key) else f"environment variable {env}"


def _allow_insecure_http(get: Callable[[str], str | None], environ: Mapping[str, str]) -> bool:
    """The ``aep:allowInsecureHttp`` opt-in (stack config, else environment): true or false."""
    return _boolean(ALLOW_INSECURE_HTTP, get, environ)


def _boolean(names: tuple[str, str], get: Callable[[str], str | None],
             environ: Mapping[str, str]) -> bool:
    """A boolean setting (stack config key, else environment variable): true or false exactly,
    false when unset."""
    key, env = names
    raw, origin = get(key), f"stack config {key}"
    if raw is None or raw == "":
        raw, origin = environ.get(env) or None, f"environment variable {env}"
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise ConfigurationError(
        f"{origin} must be true or false (a real boolean), got {raw[:20]!r}."
    )
