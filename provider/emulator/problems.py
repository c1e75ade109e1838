"""The error answers the emulator gives, one exception per layer that produces them.

- ``FlowError``: Flow Service application errors, in Adobe's RFC-7807-like shape with the
  catalogue code (``type: https://ns.adobe.com/aep/errors/FLOW-1404-412`` and so on).
- ``GatewayError``: the Adobe I/O gateway's ``{"error_code", "message"}`` bodies.
- ``ContentTypeError``: the gateway's body for a POST/PATCH without a JSON content type.
- ``ImsError``: OAuth-style ``{"error", "error_description"}`` from IMS.

Each carries the HTTP status and renders its body given the request id.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

# Titles of the catalogue codes the emulator uses (Flow Service error catalogue, [S6]).
TITLES: dict[str, str] = {
    "1100-400": "Bad request",
    "1100-404": "Not found",
    "1100-405": "Method not allowed",
    "1100-422": "Unprocessable entity",
    "1101-404": "Resource not found",
    "1102-500": "Internal server error",
    "1103-503": "Service unavailable",
    "1104-504": "Gateway timeout",
    "1401-400": "Invalid query parameters",
    "1403-400": "Missing header",
    "1404-412": "Version not matching",
    "1405-400": "Invalid patch body",
    "1413-400": "Invalid spec id",
    "1414-400": "Connection spec change not allowed",
    "1415-400": "Auth spec not found",
    "1418-400": "Resource in use",
    "1434-400": "Unsupported operation",
    "1455-400": "Invalid patch instructions",
    "2100-404": "Sandbox not found",
    "2105-400": "Missing header",
}

# Codes for injected 5xx faults; 502 has no catalogue entry and borrows 500's.
FAULT_CODES: dict[int, str] = {500: "1102-500", 502: "1102-500", 503: "1103-503", 504: "1104-504"}


class EmulatorHTTPError(Exception):
    """An error answer: an HTTP status, a JSON body and extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def body(self, request_id: str) -> JSON:
        """The JSON body of the answer."""
        raise NotImplementedError


class FlowError(EmulatorHTTPError):
    """A Flow Service application error with a catalogue code such as ``1404-412``."""

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(status or int(code.rsplit("-", 1)[1]), message)
        self.code = code

    def body(self, request_id: str) -> JSON:
        """Adobe's shape: type, title, status, report, errorMessage, errorDetails."""
        return {
            "type": f"https://ns.adobe.com/aep/errors/FLOW-{self.code}",
            "title": TITLES.get(self.code, "Error"),
            "status": self.status,
            "report": {"detailed-message": self.message, "request-id": request_id},
            "errorMessage": self.message,
            "errorDetails": self.message,
        }


class GatewayError(EmulatorHTTPError):
    """An Adobe I/O gateway error (``error_code`` such as ``401013``)."""

    def __init__(
        self, status: int, error_code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, message, headers)
        self.error_code = error_code

    def body(self, request_id: str) -> JSON:
        """``{"error_code", "message"}``."""
        return {"error_code": self.error_code, "message": self.message}


class ContentTypeError(EmulatorHTTPError):
    """POST/PATCH without ``Content-Type: application/json``."""

    def __init__(self) -> None:
        super().__init__(400, "A valid content-type must be specified")

    def body(self, request_id: str) -> JSON:
        """The gateway's placeholder problem body."""
        return {
            "type": "/placeholder/type/uri",
            "status": 400,
            "title": "BadRequestError",
            "detail": self.message,
        }


class ImsError(EmulatorHTTPError):
    """An IMS OAuth error (``invalid_client``, ``invalid_request``...)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(status, description)
        self.error = error

    def body(self, request_id: str) -> JSON:
        """``{"error", "error_description"}``."""
        return {"error": self.error, "error_description": self.message}


def throttled(retry_after: float) -> GatewayError:
    """The gateway's 429 with ``Retry-After`` (seconds, as an integer when whole)."""
    value = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
    return GatewayError(429, "429050", "Too many requests", {"Retry-After": value})


def server_fault(status: int) -> EmulatorHTTPError:
    """An injected 5xx with a Flow error body (or a 429 from the gateway)."""
    if status == 429:
        return throttled(0)
    code = FAULT_CODES.get(status, f"1102-{status}")
    return FlowError(code, "An internal error occurred. Please try again.", status=status)
