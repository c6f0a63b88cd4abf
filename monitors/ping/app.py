"""The ping path as a bare ASGI app mounted in front of Django (``monitoring_site.asgi``).

Cron jobs ping far more often than people click, so these URLs skip Django's middleware, sessions, CSRF
and DRF: parse, queue for the group commit (``writer``), answer once the batch is committed. Nothing here
touches Redis, so pings keep working while it is down; when the database fails the answer is 503, never a
200 for a ping that was not stored.

    GET|POST|HEAD /ping/{token}[/start|/fail|/log|/{exit status}][?rid=<uuid>]   Healthchecks-compatible
    GET|POST      /api/push/{token}?status=up|down&msg=...&ping=...            Uptime Kuma push
    GET|POST      /api/v1/heartbeats/{token}/ping                              the API's form (envelope)
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from django.conf import settings
from django.utils import timezone

from monitors.ping.parse import Malformed, Route, route
from monitors.ping.writer import GroupCommit
from monitors.services.heartbeats import PingIn

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ALLOWED = {"healthchecks": {"GET", "POST", "HEAD"}, "kuma": {"GET", "POST"}, "api": {"GET", "POST"}}


class PingApp:
    def __init__(self, fallback: Callable) -> None:
        self.fallback = fallback
        self.writer = GroupCommit()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.fallback(scope, receive, send)
        try:
            found = route(scope["path"], scope.get("query_string", b""))
        except Malformed as exc:
            return await _answer(send, scope, 400, _text_or_envelope(scope, "bad_request", str(exc), 400))
        if found is None:
            return await self.fallback(scope, receive, send)
        if scope["method"] not in ALLOWED[found.style]:
            return await _answer(send, scope, 405, ("text/plain", b"Method not allowed"))
        body = await _read_body(receive, settings.PING_BODY_LIMIT)
        stored = await self.writer.submit(_ping(scope, found, body))
        await _answer(send, scope, *_response(found, stored))


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The body up to ``limit`` bytes (the rest is read and dropped, so the client is not cut off)."""
    kept = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        if len(kept) < limit:
            kept += message.get("body", b"")[: limit - len(kept)]
        if not message.get("more_body"):
            break
    return bytes(kept)


def _ping(scope: Scope, found: Route, body: bytes) -> PingIn:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    client = scope.get("client") or ("", 0)
    text = body.decode("utf-8", errors="replace")
    return PingIn(
        token=found.token,
        kind=found.kind,
        received_at=timezone.now(),
        exit_status=found.exit_status,
        rid=found.rid,
        method=scope["method"],
        remote_addr=client[0] or "",
        user_agent=headers.get("user-agent", ""),
        body=found.message or text,
    )


def _response(found: Route, stored: bool | None) -> tuple[int, tuple[str, bytes]]:
    if stored is None:
        return 503, ("text/plain", b"The ping could not be stored; try again.")
    if found.style == "kuma":
        answer: dict[str, object] = {"ok": True}
        if not stored:
            answer = {"ok": False, "msg": "Monitor not found or not active."}
        return (200 if stored else 404), ("application/json", json.dumps(answer).encode())
    if found.style == "api":
        if not stored:
            return 404, _envelope_error("not_found", "No heartbeat has this token.")
        return 200, ("application/json", json.dumps({"status": "success", "data": {"ok": True}}).encode())
    return (200, ("text/plain", b"OK")) if stored else (404, ("text/plain", b"not found"))


def _envelope_error(code: str, message: str) -> tuple[str, bytes]:
    body = {"status": "error", "error": {"code": code, "message": message, "details": {}}}
    return "application/json", json.dumps(body).encode()


def _text_or_envelope(scope: Scope, code: str, message: str, status: int) -> tuple[str, bytes]:
    if scope["path"].startswith("/api/"):
        return _envelope_error(code, message)
    return "text/plain", message.encode()


async def _answer(send: Send, scope: Scope, status: int, content: tuple[str, bytes]) -> None:
    kind, body = content
    headers = [
        (b"content-type", f"{kind}; charset=utf-8".encode()),
        (b"content-length", str(len(body)).encode()),
        (b"ping-body-limit", str(settings.PING_BODY_LIMIT).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
