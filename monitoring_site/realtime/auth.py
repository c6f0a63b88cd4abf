"""Authentication for WebSocket connections, reusing the REST API's rules (sync: call through
``database_sync_to_async``)."""

from __future__ import annotations

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from monitoring_site.accounts.authentication import JWTAuthentication, principal_for_api_key
from monitoring_site.accounts.models import ApiKey
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.selectors import tenant_for_api_key, tenant_for_user

SESSION_ORGANIZATION_KEY = "organization_id"


def tenant_for_token(token: str, organization_id=None) -> Tenant | None:
    """The tenant of a JWT access token or API key; None when the token is not valid."""
    try:
        if token.startswith(ApiKey.PREFIX):
            _, api_key = principal_for_api_key(token)
            return tenant_for_api_key(api_key)
        authenticator = JWTAuthentication()
        user = authenticator.get_user(authenticator.get_validated_token(token.encode()))
    except (AuthenticationFailed, InvalidToken, TokenError):
        return None
    try:
        wanted = int(organization_id) if organization_id not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return tenant_for_user(user, wanted)


def tenant_for_session_user(user, session) -> Tenant | None:
    wanted = session.get(SESSION_ORGANIZATION_KEY) if session is not None else None
    return tenant_for_user(user, wanted) or tenant_for_user(user, None)
