"""Old import path of IMS authentication: see ``provider.http.auth``."""

from provider.http.auth import (
    DEFAULT_SCOPES,
    IMS_RETRY,
    TOKEN_PATH,
    ImsTokenAuth,
    StaticTokenAuth,
    clear_token_cache,
    token_request_count,
)

__all__ = ["DEFAULT_SCOPES", "IMS_RETRY", "TOKEN_PATH", "ImsTokenAuth", "StaticTokenAuth",
           "clear_token_cache", "token_request_count"]
