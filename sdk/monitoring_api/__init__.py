"""The monitoring platform's Python SDK: ``Client`` / ``AsyncClient`` over the REST API, typed errors,
heartbeat pings, live events and webhook signature checks."""

from monitoring_api.aio import AsyncClient
from monitoring_api.client import Client
from monitoring_api.errors import (
    ApiError,
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
)
from monitoring_api.webhooks import verify_signature

__version__ = "0.1.0"
__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "Conflict",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "ValidationError",
    "verify_signature",
]
