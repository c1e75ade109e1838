"""The provider's errors: one tree, and ``str(error)`` is the whole user interface.

::

    AepError                       base of everything this package raises on purpose
    ├── ConfigurationError         provider settings missing or invalid (names the keys to set)
    │   ├── MissingSettingsError   settings not set, one ``problems`` sentence per setting
    │   └── InvalidIdError         an id that cannot name an item in a URL; nothing was sent
    ├── AuthError                  Adobe IMS refused or failed the token request
    └── ApiError                   Flow Service (or its gateway) answered with an error
        ├── NotFoundError          404: the item does not exist (in that sandbox)
        ├── ConflictError          412: the etag is stale, the item changed elsewhere
        ├── InUseError             1418-400: dataflows still use the item
        ├── UnexpectedAnswerError  an answer that proves nothing (redirect, unexplained 404,
        │                          not the JSON promised, too large): state must stay as it is
        └── TransientError         429, 5xx or a transport failure, after the retry budget

The engine shows only ``str(error)``, so each message stands alone: what failed, on what, why, and
what to do. Messages are redacted (``provider.redaction``) as they are built, never afterwards.
"""

from __future__ import annotations

from typing import Any

from provider.redaction import redact

# What reading a JSON answer of the wrong shape raises (a string where an object belongs, a number
# that does not read as one): the answer's fault, caught where an answer is mapped, never shown
# as a traceback.
SHAPE_ERRORS = (AttributeError, TypeError, ValueError, KeyError, IndexError)


class AepError(Exception):
    """Base of the provider's errors. Its text is already redacted. ``created_id``: the id a
    create answered before a later step of the same create failed (an API error, or IMS failing
    on the step's token refresh): the object exists, and the core keeps it. ``created_outputs``:
    that object's outputs as it was left, where they differ from the declared inputs (a schema
    without the Profile its failed step was to add), so state shows it as it is."""

    created_id: str | None = None
    created_outputs: dict[str, Any] | None = None

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        """The redacted message."""
        return str(self.args[0])

    def with_context(self, context: str) -> AepError:
        """Prefix the message with ``context`` (e.g. the resource), keeping type and fields."""
        self.args = (redact(f"{context}: {self.args[0]}"),)
        return self


class ConfigurationError(AepError):
    """Provider settings are missing or invalid."""


class MissingSettingsError(ConfigurationError):
    """Provider settings that are not set: ``problems`` holds one sentence per setting (check
    reports each as its own failure); the message is all of them."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        self.problems = tuple(redact(p) for p in problems)
        super().__init__(" ".join(problems))

    def __reduce__(self) -> tuple[object, ...]:
        return (MissingSettingsError, (self.problems,))


class InvalidIdError(ConfigurationError):
    """An item id that is not one plain path segment, refused before any request. ``noun`` is
    the kind of item; the advice (where the id came from) is added above the client."""

    def __init__(self, message: str, *, noun: str) -> None:
        self.noun = noun
        self.hint: str | None = None
        super().__init__(message)

    def with_hint(self, hint: str) -> InvalidIdError:
        """Append the advice ``hint`` (once), keeping type and fields."""
        if not self.hint:
            self.hint = hint
            self.args = (redact(f"{self.args[0]}. {hint}"),)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_invalid_id, (self.args, self.noun, self.hint))


class AuthError(AepError):
    """Adobe IMS did not issue a token.

    ``reason`` is the fact the advice above the client reads (``provider.advice``):
    ``unreachable`` (no usable answer within the budget), ``unusable`` (a redirect or an answer
    that is not IMS's), ``no-token`` (HTTP 200 without a token) or ``refused`` (IMS said no).
    """

    REASONS = ("unreachable", "unusable", "no-token", "refused")

    def __init__(self, message: str, *, reason: str, status: int | None = None,
                 code: str | None = None) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown AuthError reason {reason!r}")
        self.reason = reason
        self.status = status
        self.code = code
        self.hint: str | None = None
        super().__init__(message)

    def with_hint(self, hint: str) -> AuthError:
        """Append the advice ``hint`` (once), keeping type and fields."""
        if not self.hint:
            self.hint = hint
            self.args = (redact(f"{self.args[0]} {hint}"),)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_auth, (self.args, self.reason, self.status, self.code, self.hint))


class ApiError(AepError):
    """Flow Service or the Adobe I/O gateway answered with an error.

    Carries ``method``, ``path``, ``status`` (None for a transport failure), Adobe's ``code``
    (``1404-412``, ``401013``...) when the body had one, the service's ``detail`` and its
    ``request_id``. ``candidates``: after a lost create, the ids of the items that may be the
    one it made (none proven), for the advice to name. ``created_id``: as on ``AepError``.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        detail: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        url: str | None = None,
        may_have_taken_effect: bool = False,
        candidates: tuple[str, ...] = (),
    ) -> None:
        self.url = url
        self.candidates = candidates
        self.may_have_taken_effect = may_have_taken_effect
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.detail = redact(detail)
        self.request_id = request_id
        self.hint = hint
        super().__init__(self._render())

    def with_hint(self, hint: str) -> ApiError:
        """Replace what the message tells the user to do, keeping type and fields."""
        self.hint = hint
        self.args = (self._render(),)
        return self

    def _render(self) -> str:
        answered = f"HTTP {self.status}" if self.status is not None else "no answer"
        code = f" [{self.code}]" if self.code else ""
        text = f"Flow Service {self.method} {self.path} failed: {answered}{code}: {self.detail}"
        if self.url:
            text += f" (answered by {self.url})"
        if self.request_id:
            text += f" (request id {self.request_id})"
        if self.hint:
            text += f". {self.hint}"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keep keyword fields across pickling (the provider host may pickle errors).
        return (
            _rebuild_api_error,
            (type(self), self.method, self.path, self.status, self.detail, self.code,
             self.request_id, self.hint, self.args, self.url, self.may_have_taken_effect,
             self.candidates),
        )


class ConnectionTestFailed(ApiError):
    """Flow Service's connection test (``GET /connections/{id}/test``) answered false: the
    connection cannot reach its source. A create that meets it must fail the ``up``."""


def _rebuild_api_error(
    cls: type[ApiError], method: str, path: str, status: int | None, detail: str,
    code: str | None, request_id: str | None, hint: str | None, args: tuple[object, ...],
    url: str | None = None, may_have_taken_effect: bool = False,
    candidates: tuple[str, ...] = (),
) -> ApiError:
    error = cls(method, path, status, detail, code=code, request_id=request_id, hint=hint,
                url=url, may_have_taken_effect=may_have_taken_effect, candidates=candidates)
    error.args = args
    return error


class NotFoundError(ApiError):
    """404: no such item (connection, dataflow, mapping set...) in that sandbox."""


class ConflictError(ApiError):
    """412: the etag sent in ``If-Match`` is not the item's current one."""


class InUseError(ApiError):
    """1418-400: the item is used by one or more dataflows and cannot be deleted."""


class UnexpectedAnswerError(ApiError):
    """An answer that is not what Flow Service sends for this operation: a redirect, a 404 that
    is not the service's own "no such item", a body that is not the JSON promised, or one
    larger than the size cap. It proves nothing, so nothing may be concluded from it."""


class TransientError(ApiError):
    """429, 5xx or a transport failure that outlasted the retry budget."""


def _rebuild_auth(args: tuple[object, ...], reason: str, status: int | None, code: str | None,
                  hint: str | None) -> AuthError:
    error = AuthError.__new__(AuthError)
    error.args, error.reason, error.status = args, reason, status
    error.code, error.hint = code, hint
    return error


def _rebuild_invalid_id(args: tuple[object, ...], noun: str, hint: str | None) -> InvalidIdError:
    error = InvalidIdError.__new__(InvalidIdError)
    error.args, error.noun, error.hint = args, noun, hint
    return error
