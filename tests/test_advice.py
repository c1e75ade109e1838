"""The advice a Pulumi user reads, one entry per kind of failure, applied above the client."""

from __future__ import annotations

import pickle

import pytest

from provider.advice import advise, hint_for
from provider.errors import (
    ApiError,
    AuthError,
    ConfigurationError,
    ConflictError,
    InUseError,
    InvalidIdError,
    NotFoundError,
    TransientError,
    UnexpectedAnswerError,
)


def err(cls: type[ApiError] = ApiError, status: int | None = 400, *, code: str | None = None,
        method: str = "GET", maybe: bool = False) -> ApiError:
    return cls(method, "/connections/c1", status, "detail", code=code,
               url="https://platform.adobe.io/data/foundation/flowservice/connections/c1",
               may_have_taken_effect=maybe)


@pytest.mark.parametrize(("error", "action", "says"), [
    (err(NotFoundError, 404), "update", "`pulumi refresh` removes it"),
    (err(UnexpectedAnswerError, 404), "refresh", "state was left as it was"),
    (err(UnexpectedAnswerError, 307), "delete", "aep:platformUrl"),
    (err(UnexpectedAnswerError, 200, method="POST", maybe=True), "create",
     "may or may not have happened"),
    (err(UnexpectedAnswerError, 200, method="PATCH", maybe=True), "update",
     "may have taken effect"),
    (err(ApiError, 404, code="2100-404"), "refresh", "aep:sandboxName"),
    (err(ApiError, 404, code="1439-404"), "refresh", "says nothing about the connection"),
    (err(ConflictError, 412), "update", "`pulumi refresh` to see the live values"),
    (err(InUseError, 400, code="1418-400"), "delete", "delete the dataflow first"),
    (err(ApiError, 401), "create", "aep:accessToken"),
    (err(ApiError, 403), "create", "aep:orgId"),
    (err(ApiError, 400), "create", "correct the inputs"),
    (err(TransientError, 503, method="POST", maybe=True), "create", "may or may not have happened"),
    (err(TransientError, 429, method="POST"), "create", "Nothing was created"),
    (err(TransientError, 503, method="PATCH", maybe=True), "update", "`pulumi refresh`, then"),
    (err(TransientError, 503, method="DELETE", maybe=True), "delete", "may or may not have been"),
    (err(TransientError, 503), "refresh", "Nothing was changed"),
    (err(ApiError, None, method="POST", maybe=True), "create", "'sales'"),
])
def test_each_kind_gets_its_advice(error: ApiError, action: str, says: str) -> None:
    """Every kind of failure the client reports gets the advice written for it."""
    assert says in hint_for(error, action, "sales", "dev")
    advise(error, action, "sales", "dev")
    assert says in str(error)


def test_a_hint_already_given_is_kept() -> None:
    """An error that already carries a hint keeps it."""
    error = err(NotFoundError, 404)
    error.with_hint("mine")
    advise(error, "update", "sales", "dev")
    assert error.hint == "mine"


def test_other_errors_are_left_alone() -> None:
    """Errors that are not API facts (configuration) pass unchanged."""
    error = ConfigurationError("set aep:orgId")
    assert str(advise(error, "create", "n", "s")) == "set aep:orgId"


@pytest.mark.parametrize(("reason", "says"), [
    ("unreachable", "check aep:imsUrl and your network"),
    ("unusable", "Check aep:imsUrl: it must be Adobe IMS's base URL"),
    ("no-token", "Check that aep:imsUrl points at Adobe IMS"),
    ("refused", "aep:clientId, aep:clientSecret and aep:scopes"),
])
def test_ims_failures_get_their_advice_above_the_client(reason: str, says: str) -> None:
    """An IMS failure carries a fact (its reason); the advice naming the aep: keys is added
    here, once, and survives pickling (the host sends errors across processes)."""
    error = AuthError("Adobe IMS at https://ims.example.com failed.", reason=reason)
    assert "aep:" not in str(error)
    advise(error, "create", "sales", "dev")
    assert says in str(error)
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    assert (str(again), again.reason, again.hint) == (str(error), reason, error.hint)
    advise(again, "create", "sales", "dev")
    assert str(again).count(says) == 1


def test_an_auth_error_needs_a_known_reason() -> None:
    """A reason the advice does not know is a programming error, caught at once."""
    with pytest.raises(ValueError, match="unknown AuthError reason"):
        AuthError("x", reason="other")


@pytest.mark.parametrize("adoptable", [True, False])
def test_a_lost_create_offers_adoption_only_where_the_resource_has_it(adoptable: bool) -> None:
    """After a lost create, the advice names adopt_existing only for a resource that takes it."""
    error = err(TransientError, 503, method="POST", maybe=True)
    advise(error, "create", "sales", "dev", "Databricks connection", adoptable=adoptable)
    assert ("or adopt it (adopt_existing)" in str(error)) is adoptable


def test_an_invalid_id_is_told_where_the_id_came_from() -> None:
    """The client only states the id is not one; the advice says where to correct it."""
    error = InvalidIdError("dataflow id '../x' is not an id; nothing was sent", noun="dataflow")
    advise(error, "refresh", "n", "s")
    assert str(error).endswith(
        "nothing was sent. Check the dataflow id in the stack's state or in the import")
