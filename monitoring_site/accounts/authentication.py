"""DRF authentication: organization API keys (``msk_...``) and JWT access tokens, both as Bearer tokens."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication as jwt_authentication
from rest_framework_simplejwt.exceptions import InvalidToken

from monitoring_site.accounts.models import ApiKey
from monitoring_site.accounts.principal import ApiKeyUser
from monitoring_site.accounts.services import api_key_authenticate
from monitoring_site.accounts.tokens import access_token_is_revoked


def bearer_token(request) -> str | None:
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return None
    try:
        return parts[1].decode()
    except UnicodeDecodeError:
        return None


def principal_for_api_key(raw: str) -> tuple[ApiKeyUser, ApiKey]:
    api_key = api_key_authenticate(raw)
    if api_key is None:
        raise AuthenticationFailed("The API key is invalid or has been revoked.")
    return ApiKeyUser(api_key), api_key


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer msk_...``; anything else is left to the JWT class."""

    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None or not raw.startswith(ApiKey.PREFIX):
            return None
        return principal_for_api_key(raw)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class JWTAuthentication(jwt_authentication.JWTAuthentication):
    """simplejwt's access-token check (signature, expiry, active user, password unchanged) plus the logout
    denylist."""

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if access_token_is_revoked(token):
            raise InvalidToken("This token has been logged out.")
        return token
