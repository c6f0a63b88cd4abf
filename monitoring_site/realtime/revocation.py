"""Cutting off open WebSockets when a credential changes: an API key revoked, a JWT logged out, a user
disabled, deleted, changed password or removed from an organization.

Every authenticated connection joins the credential groups of what it authenticated with
(``auth.user.<id>``, ``auth.apikey.<id>``). A service that changes a credential calls
``credentials_changed`` once its transaction commits; each connection in the group re-checks its own
credential (``monitoring_site.realtime.auth.still_valid``) and closes with 4401 (no longer valid) or 4403
(no longer a member). Connections also re-check every ``WS_RECHECK_SECONDS``, so a lost message (Redis
restarting) delays the cut by that much at most.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from monitoring_site.redis_client import get_redis, key

logger = logging.getLogger(__name__)
RECHECK = "auth.recheck"


def user_group(user_id: int) -> str:
    return f"auth.user.{user_id}"


def api_key_group(api_key_id: int) -> str:
    return f"auth.apikey.{api_key_id}"


def _send(groups: list[str]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, {"type": RECHECK})
        except Exception:  # the periodic re-check still closes the socket
            logger.warning("could not tell %s to re-check its credential", group, exc_info=True)


def credentials_changed(*, user_id: int | None = None, api_key_id: int | None = None) -> None:
    """Ask the open connections of this user or API key to re-check, once the transaction commits."""
    groups = [user_group(user_id)] if user_id else []
    groups += [api_key_group(api_key_id)] if api_key_id else []
    if groups:
        transaction.on_commit(lambda: _send(groups))


def session_revoke(session_key: str | None) -> None:
    """A dashboard session that logged out: its sockets close even before the session row is gone."""
    if session_key:
        get_redis().set(key("ws-session-revoked", session_key), "1", ex=86400)


def session_is_revoked(session_key: str | None) -> bool:
    return bool(session_key) and bool(get_redis().exists(key("ws-session-revoked", str(session_key))))
