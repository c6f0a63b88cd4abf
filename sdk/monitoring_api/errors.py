"""Typed errors for the API's error envelope ``{"status": "error", "error": {code, message, details}}``."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer from the API (or no usable answer at all: ``status`` 0)."""

    def __init__(
        self, message: str, *, code: str = "error", details: dict[str, Any] | None = None, status: int = 0
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.details, self.status = message, code, details or {}, status

    def __str__(self) -> str:
        extra = f" {self.details}" if self.details else ""
        return f"{self.code} ({self.status}): {self.message}{extra}"


class ValidationError(ApiError):
    """400: the request was refused; ``details`` maps fields to their problems."""


class AuthenticationError(ApiError):
    """401: no token, a bad or expired one, or a wrong password."""


class PermissionDenied(ApiError):
    """403: the token's role or scope does not allow this."""


class NotFound(ApiError):
    """404: no such object in this organization."""


class Conflict(ApiError):
    """409: the object is not in a state that allows this (``agent_already_paused``...)."""


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` is the seconds the server asked to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the server answered, with an error of its own."""


class ConnectionFailed(ApiError):
    """No answer at all (refused, reset, timed out, DNS): ``status`` 0, ``code`` ``unreachable``. Apart
    from ``ServerError``: a caller may retry later, or report that the platform is down."""


BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}
