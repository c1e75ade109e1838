"""``client_for``: the Flow Service client a provider's settings describe (moved out of
``provider.lifecycle``, which re-exports it, to keep that module small)."""

from __future__ import annotations

from provider.auth import ImsTokenAuth, StaticTokenAuth
from provider.client import FlowServiceClient, RetryPolicy
from provider.http.retry import for_ims
from provider.settings import ProviderSettings

__all__ = ["client_for"]


def client_for(settings: ProviderSettings) -> FlowServiceClient:
    """The Flow Service client for ``settings`` (shared token cache per credential)."""
    auth: ImsTokenAuth | StaticTokenAuth
    timeout = (min(5.0, settings.timeout_seconds), settings.timeout_seconds)
    retry = RetryPolicy(attempts=int(settings.retry_attempts),
                        total_seconds=settings.retry_max_seconds,
                        base_delay=settings.retry_base_delay)
    if settings.client_secret:
        # Same time budget for IMS; its own (shorter) attempt count and backoff cap.
        ims_retry = for_ims(retry)
        auth = ImsTokenAuth(settings.ims_url, settings.client_id, settings.client_secret,
                            settings.scopes, timeout=timeout, retry=ims_retry)
    else:
        auth = StaticTokenAuth(str(settings.access_token))
    return FlowServiceClient(settings.platform_url, org_id=settings.org_id,
                             api_key=settings.client_id, auth=auth, retry=retry, timeout=timeout)
