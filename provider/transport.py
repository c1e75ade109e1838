"""Old import path of one untrusted HTTP attempt: see ``provider.http.transport``."""

from provider.http.transport import (
    MAX_BODY_BYTES,
    DeadlineAdapter,
    Refused,
    Timeouts,
    send,
    session_with,
)

__all__ = ["MAX_BODY_BYTES", "DeadlineAdapter", "Refused", "Timeouts", "send", "session_with"]
