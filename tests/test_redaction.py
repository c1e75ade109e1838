"""Secret redaction: every registered secret and secret-shaped field is masked."""

from __future__ import annotations

import logging

import pytest

from provider import redaction


def test_registered_secret_is_masked() -> None:
    """A registered value is replaced wherever it appears."""
    redaction.register("hunter2-registered-secret")
    assert redaction.redact("x hunter2-registered-secret y") == "x [REDACTED] y"


def test_longer_secret_containing_another_is_masked_whole() -> None:
    """A secret that contains a shorter one leaves no tail of itself behind."""
    redaction.register("abcdef-short", "abcdef-short-and-longer")
    assert redaction.redact("abcdef-short-and-longer") == "[REDACTED]"


def test_secret_shapes_are_masked_unregistered() -> None:
    """Bearer headers, accessToken JSON fields and form secrets are masked by shape."""
    text = ('Authorization: Bearer eyJabc.def-ghi {"accessToken": "dapi-x"} '
            "client_secret=s3cr3t&scope=x")
    cleaned = redaction.redact(text)
    for secret in ("eyJabc.def-ghi", "dapi-x", "s3cr3t"):
        assert secret not in cleaned
    assert "scope=x" in cleaned


def test_short_values_are_not_registered() -> None:
    """Values too short to be credentials are ignored, so messages are not shredded."""
    redaction.register("abc")
    assert redaction.redact("abc") == "abc"


def test_registering_compiles_no_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registering secrets builds no regex (rebuilding one per secret was quadratic)."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("re.compile called while registering")

    monkeypatch.setattr(redaction.re, "compile", refuse)
    redaction.register(*(f"dapi-bulk-{i:040d}" for i in range(500)))
    assert redaction.redact("key dapi-bulk-" + f"{499:040d}") == "key [REDACTED]"


def test_logging_filter_redacts_rendered_message() -> None:
    """Log records passing the filter carry no registered secret."""
    redaction.register("log-secret-value-123")
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "token %s",
                               ("log-secret-value-123",), None)
    assert redaction.RedactingFilter().filter(record)
    assert record.getMessage() == "token [REDACTED]"
