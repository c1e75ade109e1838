"""The first hour's advice: the command-line tools' one ``fix:`` line per failure kind, a
missing setting, an invalid client secret. Part of ``provider.advice`` (re-exported there)."""

from __future__ import annotations

from provider.errors import AepError, ApiError, AuthError
from provider.http.transport import NOTHING_LISTENING, TIMED_OUT, TLS_FAILED

# Flow Service's codes for a sandbox the org does not have.
SANDBOX_CODES = ("2100-", "2101-")

# -- first-hour failures: the command-line tools and missing settings -------------------------

# The gateway's code for an org header that is not the credential's ("403025 Profile is not
# valid"), and IMS's for an unknown client id or a wrong client secret.
WRONG_ORG_CODE = "403025"
INVALID_CLIENT_CODE = "invalid_client"


def invalid_client_hint(variables: bool = False) -> str:
    """IMS answered ``invalid_client``: the client secret (or id) is wrong; the settings are
    named as ``aep:`` keys, or as ``AEP_*`` variables for the command-line tools."""
    id_key, secret = (("AEP_CLIENT_ID", "AEP_CLIENT_SECRET") if variables
                      else ("aep:clientId", "aep:clientSecret"))
    return (f"Invalid client secret: IMS knows no client {id_key} with this {secret}. Copy "
            "both again from the OAuth Server-to-Server credential in the Adobe Developer "
            "Console (against the emulator: its demo secret, see docs/emulator.md).")


def emulator_secret_mismatch(setting: str, origin: str) -> str:
    """The emulator's demo client id with another secret, over plain http to loopback."""
    return (f"invalid client secret: {setting} (from the {origin}) is not the emulator's "
            "demo secret for its demo client aep-emulator-client, so the emulator would refuse "
            "it (IMS invalid_client). Set the demo secret (docs/emulator.md), or, for a test rig "
            "whose emulator has credentials of its own, opt in with "
            "`pulumi config set aep:allowInsecureHttp true` (or AEP_ALLOW_INSECURE_HTTP=true).")


def missing_setting(key: str, env: str) -> str:
    """One provider setting that is not set, and how to set it (config key or variable)."""
    how = {
        "aep:clientId": "`pulumi config set aep:clientId <client-id>`",
        "aep:orgId": "`pulumi config set aep:orgId <org-id>@AdobeOrg`",
        "aep:clientSecret": "`pulumi config set --secret aep:clientSecret <secret>`",
    }.get(key, f"`pulumi config set {key} <value>`")
    text = f"{key} is not set: run {how} or export {env}."
    if key == "aep:clientSecret":
        text += (" Instead of a client secret, a pre-issued token can be given as "
                 "aep:accessToken (secret) or AEP_ACCESS_TOKEN.")
    return text


def cli_advice(error: AepError) -> str | None:
    """One line of advice for a failure of ``python -m provider.explore`` or ``provider.runs``,
    by kind (settings are ``AEP_*`` variables there), or None when the error says enough."""
    text = str(error)
    if isinstance(error, ApiError) and error.status == 404 \
            and (error.code or "").startswith(SANDBOX_CODES):
        return ("the sandbox does not exist in this org: pass --sandbox (or set "
                "AEP_SANDBOX_NAME) to the sandbox's name, not its title, and check AEP_ORG_ID.")
    if isinstance(error, ApiError) and error.code == WRONG_ORG_CODE:
        return ("wrong org or product profile (403025 Profile is not valid): set AEP_ORG_ID to "
                "the org of the AEP_CLIENT_ID credential (<id>@AdobeOrg), and check that its "
                "product profile grants Experience Platform access in the sandbox.")
    if isinstance(error, AuthError) and error.code == INVALID_CLIENT_CODE:
        return invalid_client_hint(variables=True)
    if NOTHING_LISTENING in text:
        return ("nothing answers at that address: start the emulator "
                "(`python -m provider.emulator --port 8080`) or correct AEP_PLATFORM_URL and "
                "AEP_IMS_URL.")
    if TLS_FAILED in text:
        return ("the https connection failed: the emulator speaks plain http (use http:// for "
                "it), and a proxy that intercepts TLS needs its certificate in "
                "REQUESTS_CA_BUNDLE; check AEP_PLATFORM_URL and AEP_IMS_URL.")
    if TIMED_OUT in text:
        return ("no answer in time: check your network or proxy, then retry; a slow link can "
                "raise AEP_TIMEOUT_SECONDS and AEP_RETRY_MAX_SECONDS.")
    return None


