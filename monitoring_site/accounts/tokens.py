"""JWT issuance and revocation.

Refresh tokens are blacklisted by simplejwt's blacklist app. Access tokens are short-lived and stateless;
logging out also puts the access token's id on a Redis denylist until it would have expired anyway.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from monitoring_site.redis_client import exists, get_redis, key


def _expiry(token) -> str:
    return datetime.fromtimestamp(token["exp"], tz=UTC).isoformat().replace("+00:00", "Z")


def token_pair_for(user) -> dict[str, Any]:
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    return {"token": str(access), "refresh": str(refresh), "expires_at": _expiry(access)}


def token_pair_payload(access: str, refresh: str | None) -> dict[str, Any]:
    return {"token": access, "refresh": refresh, "expires_at": _expiry(AccessToken(access))}  # type: ignore[arg-type]


def access_token_revoke(token: AccessToken) -> None:
    remaining = int(token["exp"] - time.time())
    if remaining > 0:
        get_redis().set(key("jwt-denylist", str(token["jti"])), "1", ex=remaining)


def access_token_is_revoked(jti: str | None) -> bool:
    return bool(jti) and exists(key("jwt-denylist", str(jti)))
