"""The error tree: what ``str(error)`` tells a user, kept redacted and intact across pickling."""

from __future__ import annotations

import pickle

import pytest

from provider import redaction
from provider.errors import (
    AepError,
    ApiError,
    ConfigurationError,
    ConflictError,
    InUseError,
    InvalidIdError,
    NotFoundError,
)


def conflict() -> ConflictError:
    return ConflictError("PATCH", "/connections/c1", 412, "Version not matching",
                         code="1404-412", request_id="req-9", hint="Run `pulumi refresh`.")


def test_message_carries_every_field() -> None:
    """Method, path, status, Adobe code, detail, request id and hint all read in str()."""
    assert str(conflict()) == ("Flow Service PATCH /connections/c1 failed: HTTP 412 [1404-412]: "
                               "Version not matching (request id req-9). Run `pulumi refresh`.")


def test_transport_failure_says_no_answer() -> None:
    """With no status, the message says nothing answered."""
    assert "failed: no answer: reset" in str(ApiError("GET", "/connections", None, "reset"))


def test_with_hint_replaces_the_advice_only() -> None:
    """with_hint changes what to do and keeps the type and the other fields."""
    error = conflict().with_hint("Someone edited it.")
    assert isinstance(error, ConflictError)
    assert str(error).endswith("(request id req-9). Someone edited it.")
    assert "pulumi refresh" not in str(error)
    assert error.code == "1404-412"


def test_with_context_prefixes_and_keeps_type() -> None:
    """with_context names the resource before the message."""
    error = NotFoundError("GET", "/connections/c1", 404, "gone").with_context("refresh of 'x'")
    assert isinstance(error, NotFoundError)
    assert str(error).startswith("refresh of 'x': Flow Service GET")


def test_registered_secrets_are_redacted_everywhere() -> None:
    """A secret in a detail or a context never reaches the message."""
    redaction.register("dapi-ERRORS-CANARY-1234567890")
    error = ApiError("POST", "/connections", 400, "bad token dapi-ERRORS-CANARY-1234567890")
    error.with_context("create with dapi-ERRORS-CANARY-1234567890")
    assert "dapi-ERRORS-CANARY" not in str(error)
    assert "dapi-ERRORS-CANARY" not in error.detail
    assert "dapi-ERRORS-CANARY" not in str(AepError("x dapi-ERRORS-CANARY-1234567890"))


@pytest.mark.parametrize("error", [conflict(), InUseError("DELETE", "/connections/c1", 400,
                                                          "in use", code="1418-400")])
def test_pickling_keeps_type_fields_and_text(error: ApiError) -> None:
    """An error survives pickling whole (type, fields, message with any context)."""
    error.with_context("delete of 'x'")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    assert type(copy) is type(error)
    assert (copy.method, copy.path, copy.status, copy.code) == (error.method, error.path,
                                                                 error.status, error.code)
    assert str(copy) == str(error)


def test_pickling_keeps_the_candidates_of_a_lost_create() -> None:
    """The ids a lost create may have made survive pickling (the advice names them)."""
    error = ApiError("POST", "/connections", None, "lost", may_have_taken_effect=True,
                     candidates=("c1", "c2"))
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    assert (copy.candidates, copy.may_have_taken_effect) == (("c1", "c2"), True)


def test_an_invalid_id_is_a_configuration_fact_that_survives_pickling() -> None:
    """An id refused before any request is a ConfigurationError naming the noun; a hint is
    appended once and kept across pickling."""
    error = InvalidIdError("dataflow id '../x' is not an id; nothing was sent", noun="dataflow")
    error.with_hint("first")
    error.with_hint("second")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    assert isinstance(copy, ConfigurationError)
    assert (copy.noun, copy.hint, str(copy)) == (
        "dataflow", "first", "dataflow id '../x' is not an id; nothing was sent. first")
