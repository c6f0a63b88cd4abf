"""Errors that services raise when an operation breaks a rule of the domain.

They carry the API error ``code`` and HTTP status, so views stay thin: the API's exception handler turns
them into the error envelope, the dashboard shows their message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "invalid_operation"
    status_code = 400

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def text(self) -> str:
        """The message with each field's problems, for people (dashboard messages, admin notices)."""
        problems = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in self.details.items())
        return f"{self.message} {problems}".strip()


class RuleViolation(DomainError):
    """The request is well-formed but breaks a rule (400 ``validation_error`` unless a code is given)."""

    code = "validation_error"
    status_code = 400


class Conflict(DomainError):
    """The object's current state forbids the operation (409)."""

    code = "conflict"
    status_code = 409


class InsufficientRole(DomainError):
    code = "insufficient_permissions"
    status_code = 403


class NotFound(DomainError):
    """No such object for this caller (404); the same whether it exists for someone else or not at all."""

    code = "not_found"
    status_code = 404
