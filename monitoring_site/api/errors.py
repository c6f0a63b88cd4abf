"""One exception handler turns every error into the error envelope with a stable ``code``."""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response

from monitoring_site.api import envelope
from monitoring_site.api.renderers import EnvelopeJSONRenderer
from monitoring_site.errors import DomainError

logger = logging.getLogger(__name__)

STATUS_CODES = {
    400: "validation_error",
    401: "authentication_failed",
    403: "insufficient_permissions",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
    503: "service_unavailable",
}
# A backing service the request needed (the database, Redis) did not answer: the platform is degraded, the
# request was not wrong. 503 with Retry-After, never a 500. (Redis holds the JWT revocation list, so while
# it is away a JWT cannot be checked and is refused this way; API keys live in the database and go on.)
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
RETRY_AFTER_SECONDS = 5


def _text(detail: Any) -> str:
    if isinstance(detail, dict):
        detail = detail.get("detail", next(iter(detail.values()), ""))
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail)


def _details(detail: Any) -> dict[str, Any]:
    """DRF's nested error structure as plain strings; non-field errors under ``non_field_errors``."""
    if isinstance(detail, dict):
        return {str(field): _plain(value) for field, value in detail.items()}
    return {"non_field_errors": _plain(detail if isinstance(detail, list) else [detail])}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)


def _describe(exc: exceptions.APIException) -> tuple[str, str, dict[str, Any]]:
    if isinstance(exc, exceptions.ValidationError):
        details = _details(exc.detail)
        return "validation_error", "The request has invalid fields: " + ", ".join(details) + ".", details
    if isinstance(exc, exceptions.ParseError):
        return "validation_error", f"The request body could not be parsed: {_text(exc.detail)}", {}
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "authentication_failed", _text(exc.detail), {}
    if isinstance(exc, exceptions.Throttled):
        return "rate_limited", _text(exc.detail), {"retry_after": getattr(exc, "wait", None)}
    if type(exc) is exceptions.PermissionDenied:
        return "insufficient_permissions", _text(exc.detail), {}
    code = exc.default_code if type(exc).__module__ != exceptions.__name__ else None
    return code or STATUS_CODES.get(exc.status_code, str(exc.default_code)), _text(exc.detail), {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, OverflowError | DataError):  # a number or date past what the database stores
        exc = exceptions.ValidationError(
            {"non_field_errors": ["A value is out of the range this API stores."]}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("No such object, or it belongs to another organization.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    headers: dict[str, str] = {}
    if isinstance(exc, UNAVAILABLE):
        logger.warning("a backing service is unreachable: %s: %s", type(exc).__name__, exc)
        status, body = (
            503,
            envelope.error(
                "service_unavailable",
                "A service the platform depends on (its database or Redis) is unreachable; retry shortly.",
            ),
        )
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif isinstance(exc, DomainError):
        status, body = exc.status_code, envelope.error(exc.code, exc.message, exc.details)
    elif isinstance(exc, exceptions.APIException):
        code, message, details = _describe(exc)
        status, body = exc.status_code, envelope.error(code, message, details)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            headers["Retry-After"] = str(int(wait) + 1)
    else:
        view = context.get("view")
        logger.exception("unhandled error in %s", type(view).__name__ if view else "an API view")
        status, body = (
            500,
            envelope.error("server_error", "An unexpected error occurred; it has been logged."),
        )

    response = Response(body, status=status, headers=headers)
    response.is_envelope = True  # type: ignore[attr-defined]
    request = context.get("request")
    if request is not None:
        # Errors are JSON even when the client asked for CSV.
        request.accepted_renderer = EnvelopeJSONRenderer()
        request.accepted_media_type = EnvelopeJSONRenderer.media_type
    return response


def json_error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse(envelope.error(STATUS_CODES.get(status, "error"), message), status=status)


@csrf_exempt  # an unrouted path is a 404 for every method, never the CSRF failure page
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/ answer with the JSON envelope, never Django's HTML page."""
    return json_error_response(404, f"No API endpoint at {request.path}.")


def api_server_error(request, *args, **kwargs) -> JsonResponse:
    return json_error_response(500, "An unexpected error occurred; it has been logged.")
