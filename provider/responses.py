"""Old import path of the answer readers: see ``provider.http.answers``."""

from provider.http.answers import (
    Unreadable,
    expect_json_object,
    json_object,
    parse_json,
    retry_after,
)

__all__ = ["Unreadable", "expect_json_object", "json_object", "parse_json", "retry_after"]
