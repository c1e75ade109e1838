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

# Titles, as Adobe's Flow Service error catalogue gives them (AdobeDocs/experience-platform.en
# ``help/sources/errors/flow-service-errors.md``: "Resource not found", "Invalid request", ...).
CATALOGUE_TITLES: dict[str, str] = {
    "1100-400": "Invalid request",
    "1101-404": "Resource not found",
    "1102-500": "Internal Error",
    "1103-503": "Service Unavailable",
    "1104-504": "Gateway Timeout",
    "1401-400": "Invalid request",
    "1403-400": "Header is missing",
    "1404-412": "Version not matching",
    "1405-400": "Invalid request",
    "1413-400": "Invalid request",
    "1414-400": "Invalid request",
    "1415-400": "Invalid request",
    "1418-400": "Invalid request",
    "1422-400": "Invalid request",
    "1434-400": "Invalid request",
    "1455-400": "Invalid request",
}
# Codes the emulator answers whose title Adobe does not publish (the catalogue lists the sandbox
# codes and the Destinations spec shows the 422 without a title): the emulator's own choice.
UNPUBLISHED_TITLES: dict[str, str] = {
    "1100-404": "Resource not found",
    "1100-405": "Method not allowed",
    "1100-422": "Invalid request",
    "1439-404": "Resource not found",
    "1413-422": "Invalid request",
    "2100-404": "Resource not found",
    "2101-404": "Resource not found",
    "2105-400": "Header is missing",
}
TITLES: dict[str, str] = {**CATALOGUE_TITLES, **UNPUBLISHED_TITLES}

# Codes for injected 5xx faults. A 502 comes from the gateway, not from Flow Service (the
# catalogue has no 5xx-502 code), so it has no Flow body: see ``BadGateway``.
FAULT_CODES: dict[int, str] = {500: "1102-500", 503: "1103-503", 504: "1104-504"}
FAULT_MESSAGES: dict[str, str] = {
    "1102-500": "An internal error has occurred. Please try again. If the problem persists, "
    "please contact customer support.",
    "1103-503": "The service is temporarily unavailable. Please try again. If the problem "
    "persists, please contact customer support.",
    "1104-504": "A gateway timeout has occurred. Please try again. If the problem persists, "
    "please contact customer support.",
}


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

    def raw(self) -> tuple[bytes, str] | None:
        """A non-JSON body and its content type, for answers that are not JSON (else None)."""
        return None


class BadGateway(EmulatorHTTPError):
    """A 502 from the gateway in front of Flow Service: an HTML page, not a Flow error body.

    Adobe documents no body for it; a proxy's HTML page is what clients must survive.
    """

    PAGE = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>502 Bad Gateway</h1></body></html>"
    )

    def __init__(self) -> None:
        super().__init__(502, "Bad Gateway")

    def body(self, request_id: str) -> JSON:
        """Unused: the answer is ``raw()``."""
        return {}

    def raw(self) -> tuple[bytes, str] | None:
        """The HTML page."""
        return self.PAGE, "text/html"


class FlowError(EmulatorHTTPError):
    """A Flow Service application error with a catalogue code such as ``1404-412``."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        report: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status or int(code.rsplit("-", 1)[1]), message)
        self.code = code
        self.report = dict(report or {})

    def body(self, request_id: str) -> JSON:
        """Adobe's shape: type, title, status, report, errorMessage, errorDetails."""
        return {
            "type": f"https://ns.adobe.com/aep/errors/FLOW-{self.code}",
            "title": TITLES.get(self.code, "Error"),
            "status": self.status,
            "report": {
                "detailed-message": self.message, **self.report, "request-id": request_id
            },
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
    """An injected 5xx with a Flow error body (a 429 or 502 from the gateway)."""
    if status == 429:
        return throttled(0)
    if status == 502:
        return BadGateway()
    code = FAULT_CODES.get(status, "1102-500")
    return FlowError(code, FAULT_MESSAGES[code], status=status)
