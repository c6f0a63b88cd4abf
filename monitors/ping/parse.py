"""Reading a ping request: which heartbeat, which signal, and the parts of the request kept with it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs

from monitors.choices import PingKind

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SIGNALS = {"": PingKind.SUCCESS, "start": PingKind.START, "fail": PingKind.FAIL, "log": PingKind.LOG}


class Malformed(ValueError):
    """A ping URL that cannot be right (400)."""


@dataclass
class Route:
    style: str  # "healthchecks", "kuma" or "api"
    token: str
    kind: str
    exit_status: int | None = None
    rid: uuid.UUID | None = None
    message: str = ""


def route(path: str, query_string: bytes) -> Route | None:
    """The ping a path asks for; ``None`` when the path is not a ping path (Django answers it)."""
    query = {k: v[-1] for k, v in parse_qs(query_string.decode("latin-1")).items()}
    if path.startswith("/ping/"):
        parts = path[len("/ping/") :].rstrip("/").split("/")
        if len(parts) > 2:
            raise Malformed("Too many path segments.")
        token, signal = parts[0], parts[1] if len(parts) == 2 else ""
        exit_status = None
        if signal.isdigit():
            exit_status = int(signal)
            if exit_status > 255:
                raise Malformed("An exit status is 0 to 255.")
            kind = PingKind.SUCCESS if exit_status == 0 else PingKind.FAIL
        elif signal in SIGNALS:
            kind = SIGNALS[signal]
        else:
            raise Malformed(f"Unknown signal '{signal}'.")
        return Route("healthchecks", _token(token), kind, exit_status, _rid(query.get("rid")))
    if path.startswith("/api/push/"):
        token = path[len("/api/push/") :].rstrip("/")
        status = query.get("status", "up")
        if status not in ("up", "down"):
            raise Malformed("status is up or down.")
        kind = PingKind.SUCCESS if status == "up" else PingKind.FAIL
        return Route("kuma", _token(token), kind, message=query.get("msg", ""))
    match = re.fullmatch(r"/api(?:/v1)?/heartbeats/([^/]+)/ping/?", path)  # /api/... is the 001 alias
    if match:
        return Route("api", _token(match.group(1)), PingKind.SUCCESS, rid=_rid(query.get("rid")))
    return None


def _token(text: str) -> str:
    if not TOKEN.match(text):
        raise Malformed("Not a ping token.")
    return text


def _rid(text: str | None) -> uuid.UUID | None:
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise Malformed("rid is a UUID.") from exc
