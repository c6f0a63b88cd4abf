"""Authentication for WebSocket connections, reusing the REST API's rules (sync: call through
``database_sync_to_async``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class DeviceSubscriber:
    """A connection authenticated by a device's own token (an agent's ingest token) rather than a user's:
    it may subscribe to the topics in ``groups`` only, each joining the group given there, and gets the
    messages ``greeting(topic)`` returns right after subscribing (what it missed while disconnected)."""

    organization_id: int
    groups: dict[str, str]
    greeting: Callable[[str], list[dict[str, Any]]] = lambda topic: []


# token prefix -> authenticate(token, first message) -> DeviceSubscriber | None; filled by the apps
_device_authenticators: dict[str, Callable[[str, dict[str, Any]], DeviceSubscriber | None]] = {}


def register_device_auth(prefix: str, authenticate: Callable[[str, dict[str, Any]], DeviceSubscriber | None]):
    _device_authenticators[prefix] = authenticate


def device_for_token(token: str, content: dict[str, Any]) -> DeviceSubscriber | bool | None:
    """The device a token authenticates; ``None`` when it has a device prefix but is not valid; ``False``
    when it is no device token at all (a JWT or API key, then)."""
    for prefix, authenticate in _device_authenticators.items():
        if token.startswith(prefix):
            return authenticate(token, content)
    return False
