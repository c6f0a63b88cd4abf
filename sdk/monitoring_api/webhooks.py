"""Checking that a webhook came from the platform: ``X-Signature: sha256=<hex HMAC-SHA256 of the raw
body with the webhook's secret>``."""

from __future__ import annotations

import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes | str, header: str | None, secret: str) -> bool:
    """True when ``header`` (the ``X-Signature`` value) signs ``body`` (the raw bytes received, before any
    JSON parsing) with ``secret``. Compared in constant time."""
    if not header or not secret:
        return False
    raw = body.encode() if isinstance(body, str) else body
    return hmac.compare_digest(sign(raw, secret), header.strip())
