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


def test_short_values_are_masked_as_whole_tokens_only() -> None:
    """A short secret is masked where it stands alone, never inside an ordinary word."""
    redaction.register("Zq7")
    assert redaction.redact("secret Zq7, again 'Zq7'") == "secret [REDACTED], again '[REDACTED]'"
    assert redaction.redact("Zq7x and xZq7 stay") == "Zq7x and xZq7 stay"


@pytest.mark.parametrize("shown", [
    'pre {"token": "dapi\\"quoted\\\\slash-9f8e7d"} post',
    "pre dapi%22quoted%5Cslash-9f8e7d post",
    "pre dapi%22quoted%5Cslash-9f8e7d&x=1",
    "pre 'dapi\"quoted\\\\slash-9f8e7d' post",
])
def test_escaped_and_encoded_forms_are_masked(shown: str) -> None:
    """A secret is masked in its JSON-escaped, percent-encoded and Python-escaped forms."""
    secret = 'dapi"quoted\\slash-9f8e7d'
    redaction.register(secret)
    assert "quoted" not in redaction.redact(shown)


def test_secret_split_by_control_characters_is_masked_in_a_traceback() -> None:
    """A token holding CR/LF shows escaped in a traceback (repr): that form is masked too."""
    secret = "dapi-line\r\nbreak-0a1b2c3d"
    redaction.register(secret)
    assert redaction.redact(f"value={secret!r}") == "value='[REDACTED]'"


def test_long_secret_is_masked_inside_other_text() -> None:
    """A secret of 8 characters or more is masked even glued to other text."""
    redaction.register("Glued8ch")
    assert redaction.redact("xxGlued8chyy") == "xx[REDACTED]yy"


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
