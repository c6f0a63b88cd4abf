"""JWT issuance and revocation.

Each login starts a token *family* (the ``fam`` claim), which every refresh token rotated from it and every
access token issued from those carries. Refresh tokens are blacklisted by simplejwt's blacklist app as they
rotate. What cuts a login off:

- logout: the family is revoked (Redis, for as long as its refresh tokens live), so the refresh token and
  every access token of that login stop working at once, the earlier ones included;
- a password change: tokens carry a hash of the password (``CHECK_REVOKE_TOKEN``), checked for access
  tokens by simplejwt and for refresh tokens here, and the user's outstanding refresh tokens are
  blacklisted;
- a disabled or deleted user: access and refresh both need an active user.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from monitoring_site.redis_client import exists, get_redis, key

FAMILY_CLAIM = "fam"


def _expiry(token) -> str:
    return datetime.fromtimestamp(token["exp"], tz=UTC).isoformat().replace("+00:00", "Z")


def token_pair_for(user) -> dict[str, Any]:
    """A new login: a refresh token starting a family, and its first access token."""
    refresh = RefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = uuid.uuid4().hex
    access = refresh.access_token
    return {"token": str(access), "refresh": str(refresh), "expires_at": _expiry(access)}


def token_pair_payload(access: str, refresh: str | None) -> dict[str, Any]:
    return {"token": access, "refresh": refresh, "expires_at": _expiry(AccessToken(access))}  # type: ignore[arg-type]


def refresh_rotate(raw: str) -> dict[str, Any]:
    """Trade a refresh token for a new pair of the same family; ``InvalidToken`` (or simplejwt's
    ``TokenError``) when it is expired, blacklisted, logged out, or its user is gone, disabled or has
    changed password since."""
    refresh = RefreshToken(raw)  # type: ignore[arg-type]
    user = get_user_model().objects.filter(pk=refresh.get(jwt_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise InvalidToken("No active account found for the given token.")
    if refresh.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise InvalidToken("The password has changed since this login.")
    if family_is_revoked(refresh.get(FAMILY_CLAIM)):
        raise InvalidToken("This login has been logged out.")
    refresh.blacklist()
    refresh.set_jti()
    refresh.set_exp()
    refresh.set_iat()
    refresh.outstand()
    return token_pair_payload(str(refresh.access_token), str(refresh))


def family_revoke(family: str | None) -> None:
    """Log a login out: its refresh and access tokens, earlier ones included, stop working."""
    if family:
        lifetime = int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds())
        get_redis().set(key("jwt-family-revoked", family), "1", ex=lifetime)


def family_is_revoked(family: str | None) -> bool:
    return bool(family) and exists(key("jwt-family-revoked", str(family)))


def refresh_tokens_blacklist_all(user_id: int) -> int:
    """Blacklist every outstanding refresh token of a user (password changed, user disabled)."""
    outstanding = OutstandingToken.objects.filter(
        user_id=user_id, expires_at__gt=datetime.now(UTC), blacklistedtoken__isnull=True
    )
    rows = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def access_token_revoke(token: AccessToken) -> None:
    remaining = int(token["exp"] - time.time())
    if remaining > 0:
        get_redis().set(key("jwt-denylist", str(token["jti"])), "1", ex=remaining)


def access_token_is_revoked(token: Any) -> bool:
    """Whether an access token (its payload) was logged out, itself or its whole family."""
    jti = token.get(jwt_settings.JTI_CLAIM)
    return (bool(jti) and exists(key("jwt-denylist", str(jti)))) or family_is_revoked(token.get(FAMILY_CLAIM))


def refresh_tokens_prune_expired() -> int:
    """Delete refresh tokens (and their blacklist rows) past expiry; they can never be used again."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=datetime.now(UTC)).delete()
    return deleted
