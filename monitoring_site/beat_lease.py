"""Beat's lease: every node runs beat, and only the holder of a PostgreSQL advisory lock sends the periodic
triggers (docs/operations.md says why a database lock rather than a Redis one).

The lock belongs to a session of its own (one connection per beat process, outside Django's pool). It is
released the moment that session ends: the holder's process dies (the kernel closes its socket), its
machine vanishes (the server's TCP keepalives, tuned short on the session, end it within ~10 s) or the
database restarts. The holder runs ``SELECT 1`` on each tick and stops sending the moment that fails, so a
holder cut off from the database stands down before the server lets another node take over. The standbys
try the lock on each of their ticks, once a second.

SQLite is one machine's database: there is one node by construction, and the lease is always held.

The lease keeps the triggers, and their load, to one node; what they start is guarded in the database as
well (claims, unique due times, one open incident or alert per subject), so an overlap of a few seconds
doubles load, not work.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# pg_try_advisory_lock's key: any bigint the platform's other code does not use ("beat" in ASCII)
LEASE_KEY = 0x62656174
# The session's TCP settings: the server ends a vanished holder's session after idle + interval * count
# seconds, or when unacknowledged data has waited user_timeout milliseconds.
SESSION_OPTIONS = (
    "-c tcp_keepalives_idle=4 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 "
    "-c tcp_user_timeout=8000 -c statement_timeout=3000 -c application_name=beat-lease"
)


def lease_connection_params() -> dict[str, Any] | None:
    """psycopg.connect() arguments for the lease's own session, or None on SQLite (no lease needed)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    params: dict[str, Any] = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    params = {name: value for name, value in params.items() if value is not None}
    options = {k: v for k, v in database.get("OPTIONS", {}).items() if k not in ("pool", "options")}
    return {
        **options,
        **params,
        "autocommit": True,
        "connect_timeout": 3,
        "keepalives": 1,
        "keepalives_idle": 4,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 8000,
        "options": SESSION_OPTIONS,
    }


class BeatLease:
    def __init__(self, params: dict[str, Any] | None = None, *, key: int = LEASE_KEY):
        self.params = params
        self.key = key
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._connection: Any = None
        self._held = params is None

    @classmethod
    def from_settings(cls) -> BeatLease:
        return cls(lease_connection_params())

    def held(self) -> bool:
        """Whether this process may send now: keeps the lease it holds, or tries to take it."""
        if self.params is None:
            return True
        import psycopg

        try:
            if self._connection is None or self._connection.closed:
                self._connection = psycopg.connect(**self.params)
            if self._held:
                self._connection.execute("SELECT 1")
            else:
                row = self._connection.execute("SELECT pg_try_advisory_lock(%s)", [self.key]).fetchone()
                self._held = bool(row and row[0])
                if self._held:
                    logger.warning("beat lease taken by %s: this node sends the periodic triggers", self.name)
        except psycopg.Error as error:
            if self._held:
                logger.warning("beat lease lost by %s (%s): standing by", self.name, error)
            self.release()
        return self._held

    def release(self) -> None:
        """Give the lease up. The lock is unlocked on the session before it closes: the server frees a
        closed session's locks only when its backend has exited, which a standby polling right after
        would otherwise race (found by the Postgres CI pass on a busy machine)."""
        was_held = self._held and self.params is not None
        self._held = self.params is None
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if was_held and not connection.closed:
                connection.execute("SELECT pg_advisory_unlock(%s)", [self.key])
        except Exception:
            logger.debug("unlocking the lease failed (closing frees it)", exc_info=True)
        try:
            connection.close()
        except Exception:
            logger.debug("closing the lease connection failed", exc_info=True)
