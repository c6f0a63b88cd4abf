"""Badge keys: the secret part of a badge URL. A key names one monitor, heartbeat or (an organization's key
plus a tag) and reveals nothing else; it can be shown publicly in a README."""

import secrets


def new_badge_key() -> str:
    return secrets.token_urlsafe(12)  # 16 URL-safe characters
