"""Bearer secrets the platform issues (task secret keys, runner and enrollment tokens, agent ingest
tokens): 256 random bits behind a readable prefix, stored only as their SHA-256 and shown once. A fast
unsalted hash is safe for random 256-bit strings: there is nothing to brute-force."""

from __future__ import annotations

import hashlib
import secrets

DISPLAY_LENGTH = 12


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_new(prefix: str) -> tuple[str, str, str]:
    """A new token: (raw, digest to store, display prefix to recognise it by)."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, token_digest(raw), raw[:DISPLAY_LENGTH]
