"""The monitoring platform's Python SDK: ``Client`` / ``AsyncClient`` over the REST API, typed errors,
heartbeat pings, live events and webhook signature checks."""

from monitoring_api._version import __version__
from monitoring_api.aio import AsyncClient
from monitoring_api.client import Client
from monitoring_api.errors import (
    ApiError,
    AuthenticationError,
    Conflict,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
)
from monitoring_api.webhooks import verify_signature

__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "Conflict",
    "ConnectionFailed",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "ValidationError",
    "__version__",
    "verify_signature",
]
