"""Old import path of the one retry loop: see ``provider.http.retry``."""

from provider.http.retry import (
    DEFAULT_POLICY,
    IMS_RETRY,
    RETRY_STATUSES,
    Attempt,
    GaveUp,
    Retrier,
    Retryable,
    RetryPolicy,
    for_ims,
)

__all__ = ["DEFAULT_POLICY", "IMS_RETRY", "RETRY_STATUSES", "Attempt", "GaveUp", "Retrier",
           "RetryPolicy", "Retryable", "for_ims"]
