"""Authentication for WebSocket connections, reusing the REST API's rules (sync: call through
``database_sync_to_async``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import constant_time_compare
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import AccessToken

from monitoring_site.accounts.authentication import JWTAuthentication, principal_for_api_key
from monitoring_site.accounts.models import ApiKey
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.selectors import api_key_for_raw, tenant_for_api_key, tenant_for_user
from monitoring_site.accounts.tokens import access_token_is_revoked
from monitoring_site.realtime.revocation import api_key_group, session_is_revoked, user_group

SESSION_ORGANIZATION_KEY = "organization_id"
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


@dataclass(frozen=True)
class Credential:
    """How a connection authenticated, to check again later: a session (``session_key``), a JWT or API key
    (``token``), or a device token (``token`` and the first message, ``content``)."""

    kind: str  # "session", "token" or "device"
    organization_id: int
    token: str = ""
    user_id: int | None = None
    api_key_id: int | None = None
    session_key: str | None = None
    content: dict[str, Any] | None = None

    @property
    def groups(self) -> list[str]:
        """The credential groups the connection joins (``monitoring_site.realtime.revocation``)."""
        found = [user_group(self.user_id)] if self.user_id else []
        return found + ([api_key_group(self.api_key_id)] if self.api_key_id else [])


def credential_for(tenant: Tenant, *, token: str = "", session_key: str | None = None) -> Credential:
    return Credential(
        kind="session" if session_key else "token",
        organization_id=tenant.organization.pk,
        token=token,
        user_id=tenant.user.pk if tenant.user is not None else None,
        api_key_id=tenant.api_key.pk if tenant.api_key is not None else None,
        session_key=session_key,
    )


def _session_holds(session_key: str | None, user) -> bool:
    """The dashboard session still exists, was not logged out, and was made for the user's current
    password (Django's session auth hash, as a request checks it)."""
    if not session_key or session_is_revoked(session_key):
        return False
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if not store.exists(session_key):
        return False
    given = store.get(HASH_SESSION_KEY) or ""
    return constant_time_compare(given, user.get_session_auth_hash())


def still_valid(credential: Credential) -> int | None:
    """None while the credential still admits the connection to its organization; else the close code:
    4401 when the credential itself is gone (key revoked, logged out, user disabled, deleted or with a
    new password), 4403 when it is valid but no longer a member there. An access token that merely
    expired keeps its open connection (it was valid when the connection authenticated)."""
    if credential.kind == "device":
        return None if device_for_token(credential.token, credential.content or {}) else CLOSE_UNAUTHORIZED
    if credential.api_key_id:
        api_key = api_key_for_raw(credential.token)
        return None if api_key is not None and api_key.pk == credential.api_key_id else CLOSE_UNAUTHORIZED
    user = get_user_model().objects.filter(pk=credential.user_id or 0, is_active=True).first()
    if user is None:
        return CLOSE_UNAUTHORIZED
    if credential.kind == "session":
        if not _session_holds(credential.session_key, user):
            return CLOSE_UNAUTHORIZED
    else:  # the token was verified when the connection authenticated; its expiry does not end it
        try:
            payload = AccessToken(credential.token.encode(), verify=False)  # type: ignore[arg-type]
            JWTAuthentication().get_user(payload)  # active, and the password it was issued for
        except (AuthenticationFailed, InvalidToken, TokenError):
            return CLOSE_UNAUTHORIZED
        if access_token_is_revoked(payload):
            return CLOSE_UNAUTHORIZED
    return None if tenant_for_user(user, credential.organization_id) is not None else CLOSE_FORBIDDEN


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
